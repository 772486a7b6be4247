package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/distribution/reference"
	"github.com/docker/go-units"
)

// CheckImage returns an error saying why ref is not an image reference the
// engine accepts ("name[:tag][@digest]", lower-case name), nil when it is.
// Checked while the configuration is read, a bad reference is a
// configuration error instead of an engine's refusal at pull time.
func CheckImage(ref string) error {
	if _, err := reference.ParseNormalizedNamed(ref); err != nil {
		return fmt.Errorf("%q is not a valid image reference (%v): want name[:tag][@digest], e.g. \"golang:1.26\"", ref, err)
	}
	return nil
}

func (d *decoder) image(key []string, v any) (string, error) {
	s, err := d.nonEmpty(key, v)
	if err == nil {
		if err := CheckImage(s); err != nil {
			return "", d.errorf(key, "%s: %v", strings.Join(key, "."), err)
		}
	}
	return s, err
}

// userRE is what `docker run --user` takes: a user and an optional group,
// each a name or a numeric id.
var userRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$`)

func (d *decoder) user(key []string, v any) (string, error) {
	s, err := d.nonEmpty(key, v)
	if err == nil && !userRE.MatchString(s) {
		err = d.errorf(key, "%s %q must be user or user:group (names or numeric ids, e.g. \"1000:1000\")", strings.Join(key, "."), s)
	}
	return s, err
}

// commands checks that no command of a run list is blank: an empty
// command would run nothing and pass.
func (d *decoder) commands(key []string, run Commands) error {
	for i, c := range run {
		if strings.TrimSpace(c) != "" {
			continue
		}
		if len(run) == 1 {
			return d.errorf(key, "%s is empty: give the command to run, or remove the verb", strings.Join(key, "."))
		}
		return d.errorf(key, "%s[%d] is empty: give the command to run, or remove it", strings.Join(key, "."), i)
	}
	return nil
}

// checkResources checks the values of an env's resources for a service:
// cpus a positive number, memory a positive size.
func (d *decoder) checkResources(key []string, r Resources) error {
	if r.CPUs != "" {
		if cpus, err := strconv.ParseFloat(r.CPUs, 64); err != nil || cpus <= 0 {
			return d.errorf(append(key[:len(key):len(key)], "cpus"), "%s.cpus %q is not a positive number of CPUs (e.g. \"0.5\")", strings.Join(key, "."), r.CPUs)
		}
	}
	if r.Memory != "" {
		if mem, err := units.RAMInBytes(r.Memory); err != nil || mem <= 0 {
			return d.errorf(append(key[:len(key):len(key)], "memory"), "%s.memory %q is not a size (e.g. \"256M\")", strings.Join(key, "."), r.Memory)
		}
	}
	return nil
}
