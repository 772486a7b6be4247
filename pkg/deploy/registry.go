package deploy

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// RegistryAuthFromDockerConfig returns the X-Registry-Auth value for host
// from the credentials `docker login` stored in the docker CLI's config
// ($DOCKER_CONFIG/config.json, default ~/.docker/config.json), or "" when
// there are none (an anonymous registry). Credential helpers are not run.
func RegistryAuthFromDockerConfig(host string) (string, error) {
	dir := os.Getenv("DOCKER_CONFIG")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", nil
		}
		dir = filepath.Join(home, ".docker")
	}
	data, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("registry %s: read docker config: %w", host, err)
	}
	var cfg struct {
		Auths map[string]struct {
			Auth string `json:"auth"`
		} `json:"auths"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return "", fmt.Errorf("registry %s: %s: %w", host, filepath.Join(dir, "config.json"), err)
	}
	entry, ok := cfg.Auths[host]
	if !ok {
		entry, ok = cfg.Auths["https://"+host]
	}
	if !ok || entry.Auth == "" {
		return "", nil
	}
	raw, err := base64.StdEncoding.DecodeString(entry.Auth)
	if err != nil {
		return "", fmt.Errorf("registry %s: bad auth in docker config: %w", host, err)
	}
	user, pass, _ := strings.Cut(string(raw), ":")
	return EncodeAuth(host, user, pass), nil
}

// EncodeAuth encodes credentials as the Engine API's X-Registry-Auth.
func EncodeAuth(host, user, pass string) string {
	b, _ := json.Marshal(map[string]string{"username": user, "password": pass, "serveraddress": host})
	return base64.URLEncoding.EncodeToString(b)
}
