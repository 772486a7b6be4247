package integration

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/container"
)

// templateImages stand in for the public images a generated project's
// compose file names, through the interpolation variables it reads.
var templateImages = map[string]string{
	"GO_IMAGE":       "gazr-test/go:1.26",
	"NODE_IMAGE":     "gazr-test/node:18",
	"PYTHON_IMAGE":   "gazr-test/python:3.11",
	"POSTGRES_IMAGE": "gazr-test/postgres:15",
}

// TestTemplates runs the `gazr new` scripts (testdata/templates/*.txtar):
// each template's project, generated and not edited, passes `gazr test`
// and `gazr build` on the real engine; bad input is refused with one line.
//
// Each script is its own project (gzt-<script>-<random>, in $PROJECT):
// scripts generate into $WORK/$PROJECT so that the project gazr new names
// after its directory is unique even when two runs share the engine. When
// a script ends, passed or not, the images `gazr build` made
// ($PROJECT/<service>:<version>) and anything else labelled with the
// project are removed.
func TestTemplates(t *testing.T) {
	requireEngine(t, slices.Collect(maps.Values(templateImages))...)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "templates"),
		RequireExplicitExec: true,
		Setup:               templatesSetup,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"leftovers": cmdLeftovers,
			"volume":    cmdVolume,
			"image":     cmdImage,
			"waithttp":  cmdWaitHTTP,
		},
	})
}

func templatesSetup(env *testscript.Env) error {
	if err := setup(env); err != nil {
		return err
	}
	for k, v := range templateImages {
		env.Setenv(k, v)
	}
	script := strings.TrimPrefix(filepath.Base(env.WorkDir), "script-")
	project := fmt.Sprintf("gzt-%s-%04x", strings.ReplaceAll(strings.ToLower(script), "_", "-"), rand.N(0x10000))
	env.Setenv("PROJECT", project)
	// The host port of the app `gazr run` publishes (compose.yaml's
	// ${APP_PORT:-8080}), free so that scripts run side by side.
	port, err := freePort()
	if err != nil {
		return err
	}
	env.Setenv("APP_PORT", strconv.Itoa(port))
	start := time.Now()
	env.Defer(func() {
		if err := removeProject(project, start); err != nil {
			env.T().Log(err)
		}
	})
	return nil
}

// removeProject removes what a script's project may have left on the
// engine: the images gazr build and gazr run tagged <project>/..., the
// untagged build stages of its multi-stage builds made since start, and
// the containers, networks and volumes labelled with the project.
func removeProject(project string, start time.Time) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cli, err := container.Connect(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	label := client.Filters{}.Add("label", container.LabelProject+"="+project)
	var errs []string
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: label})
	if err == nil {
		for _, c := range cs.Items {
			if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
				errs = append(errs, err.Error())
			}
		}
	}
	if ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: label}); err == nil {
		for _, n := range ns.Items {
			if _, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil {
				errs = append(errs, err.Error())
			}
		}
	}
	if vs, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: label}); err == nil {
		for _, v := range vs.Items {
			if _, err := cli.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil {
				errs = append(errs, err.Error())
			}
		}
	}
	imgs, err := projectImages(ctx, cli, project)
	if err != nil {
		errs = append(errs, err.Error())
	}
	for _, ref := range imgs {
		if _, err := cli.ImageRemove(ctx, ref, client.ImageRemoveOptions{PruneChildren: true}); err != nil {
			errs = append(errs, err.Error())
		}
	}
	stages, err := buildStages(ctx, cli, start)
	if err != nil {
		errs = append(errs, err.Error())
	}
	for _, id := range stages {
		if _, err := cli.ImageRemove(ctx, id, client.ImageRemoveOptions{PruneChildren: true}); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("clean-up of project %s: %s", project, strings.Join(errs, "; "))
	}
	return nil
}

// buildStageMarker is in the history of go-http's build stage (its
// Dockerfile's `go build ... -o /out/service`).
const buildStageMarker = "-o /out/service"

// buildStages finds the build stages of go-http images built since start.
// The legacy builder keeps a multi-stage build's earlier stages as untagged
// (dangling) images, as build cache; the final image, FROM scratch, is not
// their child, so removing it leaves them (~500 MB each).
func buildStages(ctx context.Context, cli *client.Client, start time.Time) ([]string, error) {
	res, err := cli.ImageList(ctx, client.ImageListOptions{Filters: client.Filters{}.Add("dangling", "true")})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, img := range res.Items {
		if time.Unix(img.Created, 0).Before(start.Add(-time.Second)) {
			continue
		}
		h, err := cli.ImageHistory(ctx, img.ID)
		if err != nil {
			continue // removed meanwhile
		}
		for _, layer := range h.Items {
			if strings.Contains(layer.CreatedBy, buildStageMarker) {
				ids = append(ids, img.ID)
				break
			}
		}
	}
	return ids, nil
}

// projectImages lists the tags <project>/<anything>:<tag> on the engine.
func projectImages(ctx context.Context, cli *client.Client, project string) ([]string, error) {
	res, err := cli.ImageList(ctx, client.ImageListOptions{Filters: client.Filters{}.Add("reference", project+"/*")})
	if err != nil {
		return nil, err
	}
	var refs []string
	for _, img := range res.Items {
		for _, tag := range img.RepoTags {
			if strings.HasPrefix(tag, project+"/") {
				refs = append(refs, tag)
			}
		}
	}
	return refs, nil
}

// image repository — an image tagged repository:<any tag> must (or,
// negated, must not) exist.
func cmdImage(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: image repository")
	}
	cli := engine(ts)
	defer cli.Close()
	project, _, _ := strings.Cut(args[0], "/")
	refs, err := projectImages(context.Background(), cli, project)
	ts.Check(err)
	found := ""
	for _, ref := range refs {
		if strings.HasPrefix(ref, args[0]+":") {
			found = ref
		}
	}
	switch {
	case found == "" && !neg:
		ts.Fatalf("no image %s:<tag> (have %v)", args[0], refs)
	case found != "" && neg:
		ts.Fatalf("image %s exists", found)
	case found != "":
		ts.Logf("image %s", found)
	}
}

// waithttp url regexp — wait (up to 3 minutes: `gazr run` may be building
// the image) until GET url answers 200 with a body matching regexp.
func cmdWaitHTTP(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waithttp url regexp")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	client := &http.Client{Timeout: 5 * time.Second}
	last := ""
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		resp, err := client.Get(args[0])
		if err != nil {
			last = err.Error()
			continue
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		last = fmt.Sprintf("%s %q %v", resp.Status, body, err)
		if resp.StatusCode == http.StatusOK && re.Match(body) {
			ts.Logf("GET %s: %s", args[0], last)
			return
		}
	}
	ts.Fatalf("GET %s: no 200 matching %q in 3m; last: %s", args[0], args[1], last)
}
