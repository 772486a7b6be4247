package registryauth

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fakeHelper is a credential helper knowing one server per name.
const fakeHelper = `#!/bin/sh
if [ "$1" = list ]; then echo '{"%s":"%s"}'; exit 0; fi
read server
case "$server" in
  %s) echo '{"ServerURL":"'"$server"'","Username":"%s","Secret":"%s"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`

// installHelper puts docker-credential-<name> on PATH.
func installHelper(t *testing.T, dir, name, server, user, secret string) {
	t.Helper()
	script := strings.ReplaceAll(fakeHelper, "%s", "\x00")
	for _, v := range []string{server, user, server, user, secret} {
		script = strings.Replace(script, "\x00", v, 1)
	}
	if err := os.WriteFile(filepath.Join(dir, helperPrefix+name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestGet(t *testing.T) {
	bin := t.TempDir()
	installHelper(t, bin, "desktop", "reg.example:5000", "alice", "s3cret")
	installHelper(t, bin, "ecr", "123.dkr.ecr.eu-west-1.amazonaws.com", "<token>", "tok")
	installHelper(t, bin, "hub", hubServer, "bob", "hubpw")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	tests := []struct {
		name    string
		config  string
		host    string
		want    Credentials
		wantErr string
	}{
		{name: "no config", config: "", host: "reg.example", want: Credentials{}},
		{name: "auths host key", config: `{"auths":{"reg.example":{"auth":"` + b64("u:p:x") + `"}}}`, host: "reg.example",
			want: Credentials{ServerAddress: "reg.example", Username: "u", Password: "p:x"}},
		{name: "auths url key", config: `{"auths":{"https://reg.example/v2/":{"auth":"` + b64("u:p") + `"}}}`, host: "reg.example",
			want: Credentials{ServerAddress: "reg.example", Username: "u", Password: "p"}},
		{name: "auths hub", config: `{"auths":{"https://index.docker.io/v1/":{"auth":"` + b64("h:p") + `"}}}`, host: "docker.io",
			want: Credentials{ServerAddress: hubServer, Username: "h", Password: "p"}},
		{name: "auths other host", config: `{"auths":{"other.example":{"auth":"` + b64("u:p") + `"}}}`, host: "reg.example", want: Credentials{}},
		{name: "auths identity token", config: `{"auths":{"reg.example":{"identitytoken":"tok"}}}`, host: "reg.example",
			want: Credentials{ServerAddress: "reg.example", IdentityToken: "tok"}},
		{name: "auths bad base64", config: `{"auths":{"reg.example":{"auth":"%%%"}}}`, host: "reg.example", wantErr: "bad auth"},
		{name: "auths no colon", config: `{"auths":{"reg.example":{"auth":"` + b64("nocolon") + `"}}}`, host: "reg.example", wantErr: "user:password"},
		{name: "credsStore", config: `{"credsStore":"desktop","auths":{"reg.example:5000":{}}}`, host: "reg.example:5000",
			want: Credentials{ServerAddress: "reg.example:5000", Username: "alice", Password: "s3cret"}},
		{name: "credsStore hub", config: `{"credsStore":"hub"}`, host: "docker.io",
			want: Credentials{ServerAddress: hubServer, Username: "bob", Password: "hubpw"}},
		{name: "credsStore not found is anonymous", config: `{"credsStore":"desktop"}`, host: "other.example", want: Credentials{}},
		{name: "credsStore wins over auths", config: `{"credsStore":"desktop","auths":{"other.example":{"auth":"` + b64("u:p") + `"}}}`, host: "other.example", want: Credentials{}},
		{name: "credHelpers token", config: `{"credsStore":"desktop","credHelpers":{"123.dkr.ecr.eu-west-1.amazonaws.com":"ecr"}}`, host: "123.dkr.ecr.eu-west-1.amazonaws.com",
			want: Credentials{ServerAddress: "123.dkr.ecr.eu-west-1.amazonaws.com", IdentityToken: "tok"}},
		{name: "credHelpers other host uses store", config: `{"credsStore":"desktop","credHelpers":{"x.example":"ecr"}}`, host: "reg.example:5000",
			want: Credentials{ServerAddress: "reg.example:5000", Username: "alice", Password: "s3cret"}},
		{name: "missing helper", config: `{"credHelpers":{"reg.example":"nosuch"}}`, host: "reg.example", wantErr: "credential helper docker-credential-nosuch (named in "},
		{name: "bad json", config: `{"auths":`, host: "reg.example", wantErr: "docker config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.config != "" {
				if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(tt.config), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			t.Setenv("DOCKER_CONFIG", dir)
			cfg, err := Load()
			var got Credentials
			if err == nil {
				got, err = cfg.Get(tt.host)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Get(%s) error = %v, want it to contain %q", tt.host, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get(%s): %v", tt.host, err)
			}
			if got != tt.want {
				t.Errorf("Get(%s) = %+v, want %+v", tt.host, got, tt.want)
			}
		})
	}
}

func TestForImage(t *testing.T) {
	dir := t.TempDir()
	config := `{"auths":{"reg.example:5000":{"auth":"` + b64("u:p") + `"},"https://index.docker.io/v1/":{"auth":"` + b64("h:q") + `"}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
	tests := []struct {
		ref      string
		wantUser string // "" = no header
	}{
		{"reg.example:5000/team/app:1", "u"},
		{"golang:1.26", "h"},
		{"docker.io/library/alpine", "h"},
		{"elsewhere.example/app", ""},
	}
	for _, tt := range tests {
		got, err := ForImage(tt.ref)
		if err != nil {
			t.Fatalf("ForImage(%s): %v", tt.ref, err)
		}
		if tt.wantUser == "" {
			if got != "" {
				t.Errorf("ForImage(%s) = %q, want no header", tt.ref, got)
			}
			continue
		}
		raw, err := base64.URLEncoding.DecodeString(got)
		var c Credentials
		if err == nil {
			err = json.Unmarshal(raw, &c)
		}
		if err != nil || c.Username != tt.wantUser {
			t.Errorf("ForImage(%s) = %s (%v), want user %q", tt.ref, raw, err, tt.wantUser)
		}
	}
	if _, err := ForImage("Not A Valid:Image"); err == nil {
		t.Error("ForImage of an invalid reference: no error")
	}
}

func TestAll(t *testing.T) {
	bin := t.TempDir()
	installHelper(t, bin, "desktop", "reg.example:5000", "alice", "s3cret")
	installHelper(t, bin, "ecr", "123.dkr.ecr.eu-west-1.amazonaws.com", "<token>", "tok")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	config := `{"credsStore":"desktop",
		"credHelpers":{"123.dkr.ecr.eu-west-1.amazonaws.com":"ecr","broken.example":"nosuch"},
		"auths":{"https://index.docker.io/v1/":{}}}`
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	all, err := cfg.All()
	if err == nil || !strings.Contains(err.Error(), "docker-credential-nosuch") {
		t.Errorf("All error = %v, want the missing helper named", err)
	}
	got := map[string]string{}
	for server, a := range all {
		got[server] = a.Username + "/" + a.Password + "/" + a.IdentityToken
	}
	want := map[string]string{
		"reg.example:5000":                    "alice/s3cret/", // listed by the store
		"123.dkr.ecr.eu-west-1.amazonaws.com": "//tok",
		// Docker Hub: in auths, but the store has no credentials for it.
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("All = %v, want %v", got, want)
	}
}
