package image

import (
	"strings"
	"testing"
)

func TestRef(t *testing.T) {
	tests := []struct {
		name                                string
		registry, project, service, version string
		want                                string
		wantErr                             string // substring of the error
	}{
		{name: "no registry", project: "shop", service: "web", version: "0123456789ab", want: "shop/web:0123456789ab"},
		{name: "registry with port", registry: "127.0.0.1:5000", project: "shop", service: "web", version: "v1", want: "127.0.0.1:5000/shop/web:v1"},
		{name: "registry with path", registry: "ghcr.io/acme/", project: "shop", service: "web", version: "v1", want: "ghcr.io/acme/shop/web:v1"},
		{name: "localhost", registry: "localhost", project: "shop", service: "web", version: "v1", want: "localhost/shop/web:v1"},
		{name: "lower-cased names, tag kept", registry: "Registry.Example.com", project: "MyShop", service: "Web_API", version: "Dev-1", want: "registry.example.com/myshop/web_api:Dev-1"},
		{name: "dirty version", project: "shop", service: "web", version: "0123456789ab-dirty", want: "shop/web:0123456789ab-dirty"},
		{name: "separators", project: "my-shop.io", service: "web__api", version: "1.0", want: "my-shop.io/web__api:1.0"},
		{name: "space in project", project: "my shop", service: "web", version: "v1", wantErr: "invalid reference format"},
		{name: "leading dash", project: "-shop", service: "web", version: "v1", wantErr: "invalid reference format"},
		{name: "empty service", project: "shop", service: "", version: "v1", wantErr: "must not be empty"},
		{name: "empty version", project: "shop", service: "web", version: "", wantErr: "empty version"},
		{name: "bad tag", project: "shop", service: "web", version: "-x", wantErr: "invalid tag format"},
		{name: "tag with slash", project: "shop", service: "web", version: "feature/x", wantErr: "invalid tag format"},
		{name: "tag too long", project: "shop", service: "web", version: strings.Repeat("a", 129), wantErr: "invalid tag format"},
		{name: "registry without dot or port", registry: "myregistry", project: "shop", service: "web", version: "v1", wantErr: "not a registry host"},
		{name: "registry with scheme", registry: "https://ghcr.io", project: "shop", service: "web", version: "v1", wantErr: "without a scheme"},
		{name: "name too long", registry: "r.io", project: strings.Repeat("p", 200), service: strings.Repeat("s", 100), version: "v1", wantErr: "repository name must not be more than 255 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Ref(tt.registry, tt.project, tt.service, tt.version)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Ref() = %q, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Ref() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
