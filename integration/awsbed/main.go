// Command awsbed starts a fake AWS account in front of a real swarm on the
// local Docker engine, for trying gazr's aws backend without an account:
// the fake EC2, Auto Scaling and ECR on 127.0.0.1, and engines in
// containers running sshd as its instances (pkg/deploy/deploytest/awsbed).
// It prints the [env.<env>] block to paste into a project's .gazr.toml
// and the environment to export, then waits for Ctrl-C and removes
// everything it started.
//
//	go run ./integration/awsbed [-managers 3] [-workers 2] [-env staging]
//
// It needs the test images of integration/images/build.sh (dind-ssh,
// registry, and the edge's haproxy), and gazr's gazr-aws helper to deploy.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/gazr-io/gazr/integration/internal/bedcmd"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsbed"
	"github.com/gazr-io/gazr/pkg/shell"
)

func main() {
	os.Exit(run())
}

func run() int {
	var o awsbed.Options
	var images, edge string
	var verbose bool
	flag.StringVar(&o.Env, "env", "staging", "the environment's name")
	flag.IntVar(&o.Managers, "managers", 3, "manager instances")
	flag.IntVar(&o.Workers, "workers", 2, "worker instances")
	flag.StringVar(&o.Region, "region", "eu-west-3", "the fake's region")
	flag.StringVar(&edge, "edge-image", "gazr-test/haproxy:2.6", "the edge's image, loaded into every node and exported as GAZR_EDGE_IMAGE (\"\": none)")
	flag.StringVar(&images, "images", "", "more host images to load into every node, comma-separated")
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
		if verbose || strings.HasPrefix(format, "awsbed: ") {
			bedcmd.Logf(format, args...)
		}
	}

	bedcmd.Logf("awsbed: starting %d managers and %d workers for env %s…", o.Managers, o.Workers, o.Env)
	var extra []string
	if edge != "" {
		extra = append(extra, "GAZR_EDGE_IMAGE="+edge)
	}
	return bedcmd.Serve("awsbed", func(ctx context.Context) (*awsbed.Bed, error) { return awsbed.Start(ctx, o) }, extra, footer)
}

// footer says where the bed's parts are.
func footer(b *awsbed.Bed) string {
	return fmt.Sprintf(`# Fake AWS: %s (region %s); ECR: %s
# Groups: %s, %s
# ssh to a node: ssh -F %s root@<private ip>
`, b.URL, b.Region(), b.Swarm.RegistryAddr, b.ManagersGroup(), b.WorkersGroup(), shell.Quote(b.Swarm.SSHConfig))
}
