package deploy

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/enginetest"
	"github.com/gazr-io/gazr/pkg/image"
)

// TestBuildImagesSecrets builds a compose service whose build section
// names two secrets, one from a file and one from a variable that .env
// sets: BuildKit's RUN step reads both under their ids.
func TestBuildImagesSecrets(t *testing.T) {
	t.Setenv("DOCKER_BUILDKIT", "")
	api := enginetest.Connect(t, "gazr-test/busybox:1")
	dir := t.TempDir()
	// A step of its own each run: BuildKit's cache key leaves secrets
	// out, so a step cached by an earlier run would print nothing.
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	ref := "gazr-test-tmp/build-secrets:" + nonce
	files := map[string]string{
		"compose.yaml": "services:\n  app:\n    build:\n      context: .\n      secrets: [npmrc, {source: token, target: api_token}]\n" +
			"secrets:\n  npmrc:\n    file: ./npmrc.txt\n  token:\n    environment: GAZR_TEST_TOKEN\n",
		".env":      "GAZR_TEST_TOKEN=from-dotenv\n",
		"npmrc.txt": "from-file",
		"Dockerfile": "FROM gazr-test/busybox:1\n" +
			"RUN --mount=type=secret,id=npmrc --mount=type=secret,id=api_token " +
			`echo "secrets: $(cat /run/secrets/npmrc) $(cat /run/secrets/api_token)" ` + nonce + "\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		api.ImageRemove(context.Background(), ref, client.ImageRemoveOptions{Force: true, PruneChildren: true})
	})
	p, err := compose.Load(t.Context(), compose.LoadOptions{Dir: dir, Name: "build-secrets"})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = BuildImages(t.Context(), api, p, map[string]string{"app": ref}, image.Info{Version: "dev", NoGit: true}, &out)
	if err != nil {
		t.Fatalf("BuildImages: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "secrets: from-file from-dotenv") {
		t.Errorf("the RUN step did not print both secrets:\n%s", out.String())
	}
}
