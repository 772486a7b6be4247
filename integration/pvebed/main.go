// Command pvebed starts a fake Proxmox VE cluster in front of real
// engines on the local Docker engine, for trying gazr's proxmox backend
// without a cluster: the fake PVE API over TLS on 127.0.0.1, whose VMs
// are engines in containers running sshd (pkg/deploy/deploytest/pvebed).
// It prints the [env.<env>] block to paste into a project's .gazr.toml
// and the environment to export, then waits for Ctrl-C and removes
// everything it started. No VM exists at the start: gazr cluster up
// clones them.
//
//	go run ./integration/pvebed [-nodes 3] [-env pve]
//
// It needs the test images of integration/images/build.sh (dind-ssh,
// registry, and the edge's haproxy).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/gazr-io/gazr/integration/internal/bedcmd"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvebed"
	"github.com/gazr-io/gazr/pkg/shell"
)

func main() {
	os.Exit(run())
}

func run() int {
	var o pvebed.Options
	var images, edge string
	var verbose bool
	flag.StringVar(&o.Env, "env", "pve", "the environment's name")
	flag.IntVar(&o.Nodes, "nodes", 3, "PVE nodes (pve1..pveN)")
	flag.StringVar(&edge, "edge-image", "gazr-test/haproxy:2.6", "the edge's image, loaded into every VM and exported as GAZR_EDGE_IMAGE (\"\": none)")
	flag.StringVar(&images, "images", "", "more host images to load into every VM, comma-separated")
	flag.BoolVar(&verbose, "v", false, "log the bed's progress and the fake's requests")
	flag.Parse()
	if edge != "" {
		o.Images = append(o.Images, edge)
	}
	for _, img := range strings.Split(images, ",") {
		if img = strings.TrimSpace(img); img != "" {
			o.Images = append(o.Images, img)
		}
	}
	o.Logf = func(format string, args ...any) {
		if verbose || strings.HasPrefix(format, "pvebed: ") {
			bedcmd.Logf(format, args...)
		}
	}

	bedcmd.Logf("pvebed: starting %d PVE nodes for env %s…", o.Nodes, o.Env)
	var extra []string
	if edge != "" {
		extra = append(extra, "GAZR_EDGE_IMAGE="+edge)
	}
	return bedcmd.Serve("pvebed", func(ctx context.Context) (*pvebed.Bed, error) { return pvebed.Start(ctx, o) }, extra, footer)
}

// footer says where the bed's parts are.
func footer(b *pvebed.Bed) string {
	return fmt.Sprintf(`# Fake PVE API: %s (templates %d manager, %d worker); registry: %s
# Bring the swarm up: gazr cluster up --env %s managers=3 workers=1
# ssh to a VM: ssh -F %s root@<ip>
`, b.URL, pvebed.ManagerTemplate, pvebed.WorkerTemplate, b.Swarm.RegistryAddr, b.EnvName(), shell.Quote(b.Swarm.SSHConfig))
}
