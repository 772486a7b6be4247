package compose_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/fingerprint"
)

// markers lists the validation markers in the cache directory.
func markers(t *testing.T, cache string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(cache, "compose-valid"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// A load whose inputs passed validation before loads the same project
// without validating; any change of its inputs validates again, so a
// mistake is reported as without the cache.
func TestLoadValidatedOnce(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(fingerprint.CacheDirEnv, cache)
	const valid = "services:\n  web:\n    image: nginx\n    environment:\n      A: ${A}\n"
	dir := tree(t, map[string]string{"compose.yaml": valid, ".env": "A=1\n"})
	opts := compose.LoadOptions{Mode: compose.Deploy, Dir: dir, Env: "prod", Name: "shop", Environ: map[string]string{"B": "2"}}

	first, err := compose.Load(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := markers(t, cache); len(got) != 1 {
		t.Fatalf("markers after a valid load: %v, want 1", got)
	}
	again, err := compose.Load(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, again) {
		t.Errorf("the load without validation differs:\n%+v\nwant\n%+v", again, first)
	}

	// Other variables: another key, validated, a second marker.
	opts.Environ = map[string]string{"B": "3"}
	if _, err := compose.Load(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got := markers(t, cache); len(got) != 2 {
		t.Errorf("markers after a load with other variables: %v, want 2", got)
	}

	// A mistake in the file is found, with its position.
	os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte("services:\n  web:\n    image: nginx\n    replicas: x\n"), 0o644)
	_, err = compose.Load(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "compose.yaml:4:") {
		t.Errorf("load of an invalid file: %v, want an error at compose.yaml:4", err)
	}
	// So is one in the environment's file, new beside an unchanged main file.
	os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(valid), 0o644)
	os.WriteFile(filepath.Join(dir, "compose.prod.yaml"), []byte("services:\n  web:\n    bogus: 1\n"), 0o644)
	_, err = compose.Load(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "compose.prod.yaml:3:") {
		t.Errorf("load with an invalid compose.prod.yaml: %v, want an error at compose.prod.yaml:3", err)
	}
}

// Loads that read other files, or that compose-go warns about, are never
// taken from the cache.
func TestLoadValidatedNotCached(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"include": {"compose.yaml": "include:\n  - other.yaml\nservices:\n  web:\n    image: nginx\n",
			"other.yaml": "services:\n  db:\n    image: postgres\n"},
		"extends": {"compose.yaml": "services:\n  web:\n    image: nginx\n  api:\n    extends:\n      service: web\n"},
		"version": {"compose.yaml": "version: \"3.9\"\nservices:\n  web:\n    image: nginx\n"},
	} {
		t.Run(name, func(t *testing.T) {
			cache := t.TempDir()
			t.Setenv(fingerprint.CacheDirEnv, cache)
			if _, err := compose.Load(context.Background(), compose.LoadOptions{Dir: tree(t, files), Name: "shop"}); err != nil {
				t.Fatal(err)
			}
			if got := markers(t, cache); len(got) != 0 {
				t.Errorf("markers: %v, want none", got)
			}
		})
	}
}

// BenchmarkLoadFirst is the first load of a gazr process (a fresh
// compose-go schema each time is not possible in one process: see
// integration/bench for whole commands); BenchmarkLoadCached is a load
// the cache lets skip validation.
func BenchmarkLoadCached(b *testing.B) {
	b.Setenv(fingerprint.CacheDirEnv, b.TempDir())
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte("services:\n  web:\n    image: nginx\n"), 0o644)
	opts := compose.LoadOptions{Dir: dir, Name: "shop"}
	for b.Loop() {
		if _, err := compose.Load(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMain keeps the validation markers of every test of the package
// out of the user's cache directory.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gazr-compose-test")
	if err != nil {
		panic(err)
	}
	os.Setenv(fingerprint.CacheDirEnv, dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
