package deploy

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
)

// TestPullAuth: an image in the env's registry is pulled with the
// backend's credential, any other with the docker config's.
func TestPullAuth(t *testing.T) {
	dir := t.TempDir()
	other := base64.StdEncoding.EncodeToString([]byte("u:p"))
	config := `{"auths":{"other.example":{"auth":"` + other + `"}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
	reg := Registry{Host: "reg.example:5000", Auth: "backend-token"}
	tests := []struct {
		image string
		reg   Registry
		want  string // "" none, "backend-token", or "config"
	}{
		{"reg.example:5000/shop/web:v1", reg, "backend-token"},
		{"other.example/lib/db:15", reg, "config"},
		{"other.example/lib/db:15", Registry{}, "config"},
		{"postgres:15", reg, ""},
		{"?", reg, "backend-token"},
	}
	for _, tt := range tests {
		got, err := pullAuth(tt.image, tt.reg)
		if err != nil {
			t.Fatalf("pullAuth(%s): %v", tt.image, err)
		}
		kind := got
		if got != "" && got != "backend-token" {
			kind = "config"
		}
		if kind != tt.want {
			t.Errorf("pullAuth(%s) = %q, want %s", tt.image, got, tt.want)
		}
	}
}
