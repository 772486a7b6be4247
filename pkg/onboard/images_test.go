package onboard

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/enginetest"
)

// TestEnsureImagesEngine gets images on this machine's engine: one
// present, one built from a service's sources (twice: the second time it
// is present), one that cannot be pulled (no registry answers here).
func TestEnsureImagesEngine(t *testing.T) {
	const base = "gazr-test/busybox:1"
	cli := enginetest.Connect(t, base)
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+base+"\nRUN echo built > /built\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	built := "gazr-test-tmp/onboard-web:" + strings.ToLower(filepath.Base(dir))
	t.Cleanup(func() {
		_, _ = cli.ImageRemove(context.Background(), built, client.ImageRemoveOptions{Force: true, PruneChildren: true})
	})
	images := []Image{
		{Ref: base, Verbs: []string{"test"}, Origin: ".gazr.toml:1"},
		{Ref: built, Service: "web", Build: &types.BuildConfig{Context: dir}, Context: dir, File: "compose.yaml"},
	}
	var progress bytes.Buffer
	got, err := EnsureImages(ctx, cli, images, &progress)
	if err != nil {
		t.Fatalf("EnsureImages: %v\n%s", err, progress.String())
	}
	if len(got.Present) != 1 || len(got.Built) != 1 || got.Built[0] != built || !got.Changed() {
		t.Errorf("first run = %+v", got)
	}
	if out := progress.String(); !strings.Contains(out, "build "+built) || !strings.Contains(out, "  [2/2] RUN echo built") && !strings.Contains(out, "  Step 2/2 : RUN echo built") {
		t.Errorf("progress does not show the build's steps:\n%s", out)
	}
	if missing, err := Missing(ctx, cli, images); err != nil || len(missing) != 0 {
		t.Errorf("Missing after = %v, %v", missing, err)
	}
	got, err = EnsureImages(ctx, cli, images, &progress)
	if err != nil || got.Changed() || len(got.Present) != 2 {
		t.Errorf("second run = %+v, %v; want both present", got, err)
	}

	missing := Image{Ref: "gazr-test/no-such-image:0", Verbs: []string{"init"}, Origin: "$GAZR_IMAGE_GO"}
	_, err = EnsureImages(ctx, cli, []Image{missing}, &progress)
	var ie *container.ImageError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), `image "gazr-test/no-such-image:0" for step init is not available`) ||
		!strings.HasSuffix(err.Error(), "change GAZR_IMAGE_GO") || strings.Contains(err.Error(), "\n") {
		t.Errorf("unpullable image: %v, want one-line *container.ImageError", err)
	}
}

func TestStepLines(t *testing.T) {
	var out bytes.Buffer
	s := &stepLines{out: &out, prefix: "  "}
	for _, chunk := range []string{"Step 1/2 : FROM x\n ---> abc\nSte", "p 2/2 : RUN y\r\nhello\n", "Step 3/3 : CMD z\n",
		"#1 [internal] load metadata for docker.io/library/x:latest\n#2 [build 1/2] FROM x\n#2 CACHED\n#3 [2/2] RUN y\n#3 [out] 1/2 lines\n#3 DONE 0.1s"} {
		if _, err := s.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	s.flush()
	if want := "  Step 1/2 : FROM x\n  Step 2/2 : RUN y\n  Step 3/3 : CMD z\n  [build 1/2] FROM x\n  [2/2] RUN y\n"; out.String() != want {
		t.Errorf("step lines = %q, want %q", out.String(), want)
	}
}
