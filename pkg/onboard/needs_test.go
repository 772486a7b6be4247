package onboard

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/doctor"
	"github.com/gazr-io/gazr/pkg/plan"
)

const shopCompose = `services:
  db:
    image: gazr-test/postgres:15
    ports: ["127.0.0.1:15432:5432"]
  web:
    build: .
    ports: ["18080-18081:8080", "9000"]
  cache:
    image: gazr-test/redis:7
    ports:
      - target: 6379
        published: "16379"
        protocol: udp
`

const shopConfig = `[verbs.test-integration]
run = "go test -tags integration ./..."
image = "gazr-test/go:1.26"
services = ["db", "cache"]
[verbs.run]
services = ["db"]
`

func TestCollect(t *testing.T) {
	clearImageEnv(t)
	t.Setenv("GAZR_IMAGE_GO", "gazr-test/go:1.26")
	root := project(t, map[string]string{"go.mod": "module x\n", ".gazr.toml": shopConfig, "compose.yaml": shopCompose, "Dockerfile": "FROM scratch\n"})
	cfg, err := config.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	conv, err := convention.Detect(root)
	if err != nil {
		t.Fatal(err)
	}
	pls, err := Plans(cfg, conv, plan.Options{User: "1000:1000"})
	if err != nil {
		t.Fatal(err)
	}
	proj, err := compose.Load(context.Background(), compose.LoadOptions{Dir: root, Name: cfg.Name})
	if err != nil {
		t.Fatal(err)
	}
	n := Collect(pls, proj)

	var refs []string
	for _, img := range n.Images {
		refs = append(refs, img.Ref)
	}
	if want := []string{"gazr-test/go:1.26", "gazr-test/redis:7", "gazr-test/postgres:15", "shop/web:dev"}; !reflect.DeepEqual(refs, want) {
		t.Errorf("images = %q, want %q (verbs first, then services by name)", refs, want)
	}
	goImg := n.Images[0]
	if !reflect.DeepEqual(goImg.Verbs[:2], []string{"init", "style"}) || !slices.Contains(goImg.Verbs, "test-integration") {
		t.Errorf("verbs of the go image = %q", goImg.Verbs)
	}
	if d := goImg.Doctor(); !strings.HasPrefix(d.Users[0], "verbs init, style,") || !strings.Contains(d.Fix, "GAZR_IMAGE_GO") {
		t.Errorf("doctor image = %+v", d)
	}
	web := n.Images[3]
	if web.Service != "web" || web.Build == nil || web.Context != root {
		t.Errorf("web image = %+v, want built from %s", web, root)
	}
	if d := web.Doctor(); d.Build != root || d.Users[0] != "service web" {
		t.Errorf("web as the doctor sees it = %+v", d)
	}
	if got := web.Error(nil).Error(); !strings.Contains(got, "for service web") || !strings.Contains(got, "compose.yaml") {
		t.Errorf("web's image error = %q", got)
	}

	if want := []string{"cache", "db"}; !reflect.DeepEqual(n.Services, want) {
		t.Errorf("services = %q, want %q", n.Services, want)
	}
	var caches []string
	for _, c := range n.Caches {
		caches = append(caches, c.Volume)
	}
	if want := []string{"gazr-cache-go-bin", "gazr-cache-go-build", "gazr-cache-go-mod"}; !reflect.DeepEqual(caches, want) || n.CacheImage.Value != "gazr-test/go:1.26" {
		t.Errorf("caches = %q in %v, want %q in the go image", caches, n.CacheImage, want)
	}
	wantPorts := []doctor.Port{
		{Service: "cache", Port: 16379, Protocol: "udp", File: "compose.yaml"},
		{Service: "db", HostIP: "127.0.0.1", Port: 15432, Protocol: "tcp", File: "compose.yaml"},
		{Service: "web", Port: 18080, Protocol: "tcp", File: "compose.yaml"},
		{Service: "web", Port: 18081, Protocol: "tcp", File: "compose.yaml"},
	}
	if !reflect.DeepEqual(n.Ports, wantPorts) {
		t.Errorf("ports =\n%+v\nwant\n%+v", n.Ports, wantPorts)
	}
}

func TestCollectNoCompose(t *testing.T) {
	clearImageEnv(t)
	root := project(t, map[string]string{"Makefile": "test:\n\ttrue\n"})
	cfg, _ := config.Load(root)
	conv, _ := convention.Detect(root)
	pls, err := Plans(cfg, conv, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := Collect(pls, nil)
	if len(n.Images) != 1 || n.Images[0].Ref != "buildpack-deps:bookworm" || len(n.Caches) != 0 || len(n.Ports) != 0 || len(n.Services) != 0 {
		t.Errorf("needs = %+v", n)
	}
}

func TestPortRange(t *testing.T) {
	for _, tt := range []struct {
		in     string
		lo, hi int
		ok     bool
	}{
		{"80", 80, 80, true}, {"8000-8002", 8000, 8002, true}, {"", 0, 0, false}, {"0", 0, 0, false},
		{"70000", 0, 0, false}, {"9-8", 0, 0, false}, {"x", 0, 0, false}, {"1-x", 0, 0, false},
	} {
		lo, hi, ok := portRange(tt.in)
		if lo != tt.lo || hi != tt.hi || ok != tt.ok {
			t.Errorf("portRange(%q) = %d, %d, %v; want %d, %d, %v", tt.in, lo, hi, ok, tt.lo, tt.hi, tt.ok)
		}
	}
}
