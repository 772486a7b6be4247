package container

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestEngineErrorMessage(t *testing.T) {
	refused := errors.New("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
	tests := []struct {
		name       string
		dockerHost string
		err        error
		want       string
	}{
		{
			name: "no DOCKER_HOST",
			err:  refused,
			want: "cannot reach the container engine at unix:///var/run/docker.sock: start the engine (e.g. `sudo systemctl start docker`) or set DOCKER_HOST to a running one",
		},
		{
			name:       "DOCKER_HOST set",
			dockerHost: "tcp://10.0.0.1:2375",
			err:        refused,
			want:       "cannot reach the container engine at unix:///var/run/docker.sock: check that DOCKER_HOST points at a running engine",
		},
		{
			name: "permission denied in the message",
			err:  errors.New("dial unix /var/run/docker.sock: connect: permission denied"),
			want: "cannot reach the container engine at unix:///var/run/docker.sock: your user may not access it: add it to the engine's group (e.g. `sudo usermod -aG docker $USER`, then log in again)",
		},
		{
			name: "wrapped os.ErrPermission",
			err:  fmt.Errorf("connect: %w", os.ErrPermission),
			want: "cannot reach the container engine at unix:///var/run/docker.sock: your user may not access it: add it to the engine's group (e.g. `sudo usermod -aG docker $USER`, then log in again)",
		},
		{
			name:       "permission beats DOCKER_HOST",
			dockerHost: "unix:///run/user/1000/docker.sock",
			err:        fmt.Errorf("connect: %w", os.ErrPermission),
			want:       "cannot reach the container engine at unix:///var/run/docker.sock: your user may not access it: add it to the engine's group (e.g. `sudo usermod -aG docker $USER`, then log in again)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DOCKER_HOST", tt.dockerHost)
			e := &EngineError{Host: "unix:///var/run/docker.sock", Err: tt.err}
			if got := e.Error(); got != tt.want {
				t.Errorf("Error() =\n%s\nwant\n%s", got, tt.want)
			}
			if !errors.Is(e, tt.err) {
				t.Error("EngineError does not unwrap to its cause")
			}
		})
	}
}

func TestImageErrorMessage(t *testing.T) {
	cause := errors.New("pull access denied for golang, repository does not exist")
	tests := []struct {
		name      string
		origin    string
		verb      string
		want      string
		wantNotIn string
	}{
		{
			name:   "from a convention",
			origin: "convention go",
			verb:   "test-unit",
			want: `image "golang:1.26" for step test-unit is not available and cannot be pulled (pull access denied for golang, repository does not exist); ` +
				"build or load it, or set image in .gazr.toml or GAZR_IMAGE_GO to use another one",
			wantNotIn: "[verbs.",
		},
		{
			name:   "from a convention with a dash",
			origin: "convention node-yarn",
			verb:   "build",
			want: `image "golang:1.26" for step build is not available and cannot be pulled (pull access denied for golang, repository does not exist); ` +
				"build or load it, or set image in .gazr.toml or GAZR_IMAGE_NODE_YARN to use another one",
		},
		{
			name:   "from the config",
			origin: ".gazr.toml:3",
			verb:   "build",
			want: `image "golang:1.26" for step build is not available and cannot be pulled (pull access denied for golang, repository does not exist); ` +
				"build or load it, or set another image in [verbs.build]",
			wantNotIn: "GAZR_IMAGE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &ImageError{Image: "golang:1.26", Verb: tt.verb, Origin: tt.origin, Err: cause}
			got := e.Error()
			if got != tt.want {
				t.Errorf("Error() =\n%s\nwant\n%s", got, tt.want)
			}
			if tt.wantNotIn != "" && strings.Contains(got, tt.wantNotIn) {
				t.Errorf("Error() %q mentions %q", got, tt.wantNotIn)
			}
			if !errors.Is(e, cause) {
				t.Error("ImageError does not unwrap to its cause")
			}
		})
	}
}

func TestExitErrorMessage(t *testing.T) {
	e := &ExitError{Verb: "test-unit", Code: 3}
	if got, want := e.Error(), "step test-unit failed with exit code 3"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestTrimEngineError(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{
			in:   "Error response from daemon: pull access denied for nosuch/image, repository does not exist or may require 'docker login'",
			want: "pull access denied for nosuch/image, repository does not exist or may require 'docker login'",
		},
		{
			in:   "a: b: c: the most specific part",
			want: "the most specific part",
		},
		{
			// A short tail says too little on its own: kept whole.
			in:   "Error response from daemon: not found",
			want: "Error response from daemon: not found",
		},
		{
			in:   "no separator at all",
			want: "no separator at all",
		},
		{
			in:   "",
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			in := errors.New(tt.in)
			got := trimEngineError(in)
			if got.Error() != tt.want {
				t.Errorf("trimEngineError(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got.Error() == tt.in && got != in {
				t.Errorf("trimEngineError(%q) kept the text but not the error", tt.in)
			}
		})
	}
}

func TestIsRemovalInProgress(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{errors.New("Error response from daemon: removal of container 0123abcd is already in progress"), true},
		{fmt.Errorf("remove: %w", errors.New("removal of container x is already in progress")), true},
		{errors.New("Error response from daemon: No such container: 0123abcd"), false},
		{errors.New("Error response from daemon: conflict: unable to remove"), false},
	}
	for _, tt := range tests {
		if got := isRemovalInProgress(tt.err); got != tt.want {
			t.Errorf("isRemovalInProgress(%q) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
