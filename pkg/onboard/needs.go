package onboard

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/doctor"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// Image is an image the project uses: a verb's, or a compose service's.
type Image struct {
	Ref string
	// Verbs are the verbs whose steps run in it.
	Verbs []string
	// Origin is where a verb's image name came from (plan.Value.Origin).
	Origin string
	// Service is the compose service that runs it, when no verb does.
	Service string
	// Build is the build section of a service built from sources, nil
	// for an image that is pulled; Context is its directory.
	Build   *types.BuildConfig
	Context string
	// File is the compose file that defines Service.
	File string
}

// Error is the error of an image that cannot be pulled, with its fix.
func (img Image) Error(err error) *container.ImageError {
	if len(img.Verbs) > 0 {
		return &container.ImageError{Image: img.Ref, Verb: img.Verbs[0], Origin: img.Origin, Err: err}
	}
	return &container.ImageError{Image: img.Ref, Service: img.Service, Origin: img.File, Err: err}
}

// Doctor is the image as the doctor's image check sees it.
func (img Image) Doctor() doctor.Image {
	var users []string
	if len(img.Verbs) > 0 {
		users = append(users, plural("verb", len(img.Verbs))+" "+strings.Join(img.Verbs, ", "))
	}
	if img.Service != "" {
		users = append(users, "service "+img.Service)
	}
	return doctor.Image{Ref: img.Ref, Users: users, Build: img.Context, Fix: img.Error(nil).Fix()}
}

// Needs is what a project's verbs and compose services need from the
// engine before anyone can work on it.
type Needs struct {
	// Images: the verbs' images first, in the order of config.Verbs, then
	// the compose services', by service name.
	Images []Image
	// Caches are the cache volumes the verbs mount, by name; CacheImage
	// is the image that prepares them (that of the first verb using one).
	Caches     []plan.Cache
	CacheImage plan.Value
	// Services are the compose services the verbs list, sorted.
	Services []string
	// Ports are the host ports the compose services publish.
	Ports []doctor.Port
}

// Plans resolves every verb the project defines, in the order of
// config.Verbs.
func Plans(cfg *config.Config, conv *convention.Convention, opts plan.Options) ([]*plan.Plan, error) {
	var out []*plan.Plan
	for _, verb := range config.Verbs {
		pl, err := plan.Resolve(cfg, conv, verb, opts)
		var undef *plan.NotDefinedError
		if errors.As(err, &undef) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, pl)
	}
	return out, nil
}

// Collect gathers what plans and the compose project proj (nil when the
// project has none) need.
func Collect(plans []*plan.Plan, proj *types.Project) Needs {
	var n Needs
	byRef := map[string]int{}
	caches := map[string]bool{}
	services := map[string]bool{}
	for _, pl := range plans {
		for _, s := range pl.Steps {
			i, ok := byRef[s.Image.Value]
			if !ok {
				i = len(n.Images)
				byRef[s.Image.Value] = i
				n.Images = append(n.Images, Image{Ref: s.Image.Value, Origin: s.Image.Origin})
			}
			if !slices.Contains(n.Images[i].Verbs, s.Verb) {
				n.Images[i].Verbs = append(n.Images[i].Verbs, s.Verb)
			}
			for _, c := range s.Caches {
				if !caches[c.Name] {
					caches[c.Name] = true
					n.Caches = append(n.Caches, c)
				}
			}
			if len(s.Caches) > 0 && n.CacheImage.Value == "" {
				n.CacheImage = s.Image
			}
			for _, svc := range s.Services.Values {
				services[svc] = true
			}
		}
	}
	sort.Slice(n.Caches, func(i, j int) bool { return n.Caches[i].Name < n.Caches[j].Name })
	for svc := range services {
		n.Services = append(n.Services, svc)
	}
	sort.Strings(n.Services)
	if proj != nil {
		collectCompose(&n, proj, byRef)
	}
	return n
}

func collectCompose(n *Needs, proj *types.Project, byRef map[string]int) {
	file := ""
	if len(proj.ComposeFiles) > 0 {
		file = filepath.Base(proj.ComposeFiles[0])
	}
	for _, name := range slices.Sorted(maps.Keys(proj.Services)) {
		svc := proj.Services[name]
		ref := ServiceImage(proj, name)
		if _, ok := byRef[ref]; !ok && ref != "" {
			byRef[ref] = len(n.Images)
			img := Image{Ref: ref, Service: name, File: file}
			if svc.Build != nil {
				img.Build, img.Context = svc.Build, buildContext(proj, svc.Build.Context)
			}
			n.Images = append(n.Images, img)
		}
		for _, p := range svc.Ports {
			n.Ports = append(n.Ports, hostPorts(name, file, p)...)
		}
	}
}

// ServiceImage is the image a compose service runs in development: its
// image, else, for a service built from sources, the sidecar's tag
// (sidecar.BuildTag).
func ServiceImage(proj *types.Project, name string) string {
	svc := proj.Services[name]
	if svc.Image != "" || svc.Build == nil {
		return svc.Image
	}
	return sidecar.BuildTag(proj.Name, name)
}

func buildContext(proj *types.Project, ctx string) string {
	if ctx == "" {
		ctx = "."
	}
	if filepath.IsAbs(ctx) {
		return ctx
	}
	return filepath.Join(proj.WorkingDir, ctx)
}

// maxRange caps the ports checked for one published range.
const maxRange = 100

// hostPorts expands a published port ("5432", "8000-8010"); a port with no
// published part gets a random one from the engine and needs no check.
func hostPorts(service, file string, p types.ServicePortConfig) []doctor.Port {
	lo, hi, ok := portRange(p.Published)
	if !ok {
		return nil
	}
	var out []doctor.Port
	for port := lo; port <= hi && port-lo < maxRange; port++ {
		out = append(out, doctor.Port{Service: service, HostIP: p.HostIP, Port: uint16(port), Protocol: p.Protocol, File: file})
	}
	return out
}

func portRange(s string) (int, int, bool) {
	a, b, isRange := strings.Cut(s, "-")
	lo, err := strconv.Atoi(a)
	if err != nil || lo < 1 || lo > 65535 {
		return 0, 0, false
	}
	if !isRange {
		return lo, lo, true
	}
	hi, err := strconv.Atoi(b)
	if err != nil || hi < lo || hi > 65535 {
		return 0, 0, false
	}
	return lo, hi, true
}

// String names an image and its first users, for progress lines.
func (img Image) String() string {
	if n := len(img.Verbs); n > 0 {
		verbs := strings.Join(img.Verbs[:min(n, 3)], ", ")
		if n > 3 {
			verbs += ", …"
		}
		return fmt.Sprintf("%s (%s %s)", img.Ref, plural("verb", n), verbs)
	}
	return fmt.Sprintf("%s (service %s)", img.Ref, img.Service)
}

func plural(word string, n int) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
