package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/enginetest"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// TestRunDestroyAsks checks the question gazr destroy asks on a terminal
// before deleting a project's volume, against the real engine: no
// answers no, y deletes it, and without a terminal it refuses (exit 2).
func TestRunDestroyAsks(t *testing.T) {
	api := enginetest.Connect(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	project := "gzdestroy" + hex.EncodeToString(b)
	volume := project + "_data"
	labels := map[string]string{container.LabelManaged: "true", container.LabelProject: project, sidecar.LabelVolume: "data"}
	if _, err := api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: volume, Labels: labels}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = api.VolumeRemove(context.Background(), volume, client.VolumeRemoveOptions{Force: true}) })
	dir := writeProject(t, map[string]string{".gazr.toml": "name = \"" + project + "\"\nconvention = \"none\"\n"})
	exists := func() bool {
		_, err := api.VolumeInspect(ctx, volume, client.VolumeInspectOptions{})
		return err == nil
	}
	destroy := func(tty bool, answer string, yes bool) (string, string, error) {
		io, out, errOut := iostreams.Test()
		io.StdinTTY, io.In = tty, strings.NewReader(answer)
		err := runDestroy(ctx, &DestroyOptions{IO: io, Project: loader(dir), Yes: yes,
			Services: func(context.Context) (sidecar.API, error) { return api, nil }, Verb: &VerbOptions{Verb: "destroy"}})
		return out.String(), errOut.String(), err
	}

	out, errOut, err := destroy(false, "", false)
	var usage *UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "run gazr destroy --yes to delete them") || !exists() {
		t.Fatalf("no terminal: err = %v, volume exists = %v", err, exists())
	}
	if out != "kept volume "+volume+"\n" || errOut != "" {
		t.Errorf("no terminal: stdout %q, stderr %q", out, errOut)
	}

	out, errOut, err = destroy(true, "n\n", false)
	if err != nil || !exists() || out != "kept volume "+volume+"\n" {
		t.Fatalf("answer n: err = %v, volume exists = %v, stdout %q", err, exists(), out)
	}
	if !strings.HasPrefix(errOut, "Delete the volumes "+volume+" too? Their data is lost. [y/N] ") {
		t.Errorf("question = %q", errOut)
	}

	out, _, err = destroy(true, "y\n", false)
	if err != nil || exists() || out != "removed volume "+volume+"\n" {
		t.Fatalf("answer y: err = %v, volume exists = %v, stdout %q", err, exists(), bytes.TrimSpace([]byte(out)))
	}
}
