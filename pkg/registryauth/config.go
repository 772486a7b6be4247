// Package registryauth reads registry credentials the way the docker CLI
// does, from its config file ($DOCKER_CONFIG/config.json, default
// ~/.docker/config.json): credHelpers for one registry, else the
// credsStore for all, else the auths written by `docker login`. Every
// pull and push of gazr asks it for the X-Registry-Auth header.
package registryauth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Config is the part of the docker CLI's config.json that holds
// credentials.
type Config struct {
	// Auths are the entries `docker login` writes without a store,
	// keyed by registry host (or URL, for Docker Hub's legacy key).
	Auths map[string]AuthEntry `json:"auths"`
	// CredsStore names the helper (docker-credential-<name>) holding
	// the credentials of every registry not in CredHelpers.
	CredsStore string `json:"credsStore"`
	// CredHelpers names a helper per registry host.
	CredHelpers map[string]string `json:"credHelpers"`

	// path is where the config was read, for error messages.
	path string
}

// AuthEntry is one registry's entry in Auths.
type AuthEntry struct {
	Auth          string `json:"auth"` // base64 of "user:password"
	Username      string `json:"username"`
	Password      string `json:"password"`
	IdentityToken string `json:"identitytoken"`
}

// Path returns the docker config file the docker CLI reads:
// $DOCKER_CONFIG/config.json, default ~/.docker/config.json; "" when
// there is no home directory.
func Path() string {
	dir := os.Getenv("DOCKER_CONFIG")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".docker")
	}
	return filepath.Join(dir, "config.json")
}

// Load reads the docker config at Path. A missing file is an empty
// config: every registry is then anonymous.
func Load() (*Config, error) {
	return LoadFile(Path())
}

// LoadFile reads the docker config at path; a missing file (or path "")
// is an empty config.
func LoadFile(path string) (*Config, error) {
	cfg := &Config{path: path}
	if path == "" {
		return cfg, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read docker config: %w", err)
	}
	if err := json.Unmarshal(data, cfg); err != nil {
		return nil, fmt.Errorf("docker config %s: %w", path, err)
	}
	return cfg, nil
}

// Credentials are one registry's credentials. The zero value is
// anonymous.
type Credentials struct {
	ServerAddress string `json:"serveraddress,omitempty"`
	Username      string `json:"username,omitempty"`
	Password      string `json:"password,omitempty"`
	IdentityToken string `json:"identitytoken,omitempty"`
}

// Anonymous reports credentials that carry nothing.
func (c Credentials) Anonymous() bool {
	return c.Username == "" && c.Password == "" && c.IdentityToken == ""
}

// Get returns the credentials of a registry host ("registry.example:5000",
// or "docker.io" for Docker Hub), looked up as the docker CLI does: the
// host's credHelper, else the credsStore, else auths. No credentials is
// the zero Credentials and no error. A helper that is not installed is
// an error naming it.
func (c *Config) Get(host string) (Credentials, error) {
	server := serverAddress(host)
	if name := c.CredHelpers[hostname(server)]; name != "" {
		return c.fromHelper(name, server)
	}
	if c.CredsStore != "" {
		return c.fromHelper(c.CredsStore, server)
	}
	return c.fromAuths(server)
}

// fromAuths reads the auths entry of server: the exact key, else the
// first whose host matches (keys may be URLs: "https://host/v1/").
func (c *Config) fromAuths(server string) (Credentials, error) {
	entry, ok := c.Auths[server]
	if !ok {
		for key, e := range c.Auths {
			if hostname(key) == hostname(server) {
				entry, ok = e, true
				break
			}
		}
	}
	if !ok {
		return Credentials{}, nil
	}
	cred := Credentials{ServerAddress: server, Username: entry.Username, Password: entry.Password, IdentityToken: entry.IdentityToken}
	if entry.Auth != "" {
		raw, err := base64.StdEncoding.DecodeString(entry.Auth)
		if err != nil {
			return Credentials{}, fmt.Errorf("docker config %s: auths %q: bad auth: %w", c.path, server, err)
		}
		user, pass, ok := strings.Cut(string(raw), ":")
		if !ok {
			return Credentials{}, fmt.Errorf("docker config %s: auths %q: auth is not base64 of user:password", c.path, server)
		}
		cred.Username, cred.Password = user, pass
	}
	return cred, nil
}

// hubServer is the key the docker CLI stores Docker Hub's credentials under.
const hubServer = "https://index.docker.io/v1/"

// serverAddress is the key the docker CLI uses for host.
func serverAddress(host string) string {
	switch host {
	case "", "docker.io", "index.docker.io", "registry-1.docker.io":
		return hubServer
	}
	return host
}

// hostname strips a scheme and a path: "https://host:5000/v1/" → "host:5000".
func hostname(key string) string {
	key = strings.TrimPrefix(strings.TrimPrefix(key, "https://"), "http://")
	host, _, _ := strings.Cut(key, "/")
	return host
}
