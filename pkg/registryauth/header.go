package registryauth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/distribution/reference"
)

// Encode encodes credentials as the Engine API's X-Registry-Auth header;
// anonymous credentials encode as "{}".
func Encode(c Credentials) string {
	b, _ := json.Marshal(c)
	return base64.URLEncoding.EncodeToString(b)
}

// ForHost returns the X-Registry-Auth value for a registry host from the
// docker config (see Config.Get), or "" when the registry is anonymous.
func ForHost(host string) (string, error) {
	cfg, err := Load()
	if err != nil {
		return "", err
	}
	cred, err := cfg.Get(host)
	if err != nil {
		return "", err
	}
	if cred.Anonymous() {
		return "", nil
	}
	return Encode(cred), nil
}

// ForImage returns the X-Registry-Auth value for the registry of an image
// reference ("golang:1.26" is Docker Hub's, "reg.example/app:1" is
// reg.example's).
func ForImage(ref string) (string, error) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", fmt.Errorf("image %q: %w", ref, err)
	}
	return ForHost(reference.Domain(named))
}
