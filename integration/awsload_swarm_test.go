package integration

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// pulls SERVICE — print the nodes whose pulls of SERVICE's image the
// registry (ECR) authorized, as its log says; and pull the image again on
// a worker's engine without credentials and with a wrong password, which
// must be refused. The tasks' pulls had ECR's token: it is the registry's
// one password.
func cmdPulls(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pulls SERVICE")
	}
	r := awsState(ts)
	ctx := context.Background()
	m, err := r.bed.Swarm.Manager()
	ts.Check(err)
	svc, err := m.ServiceInspect(ctx, args[0], client.ServiceInspectOptions{})
	ts.Check(err)
	ref := svc.Service.Spec.TaskTemplate.ContainerSpec.Image
	host, repo := splitRef(ref)
	if host != r.bed.Swarm.RegistryAddr {
		ts.Fatalf("pulls: image %s is not from ECR (%s)", ref, r.bed.Swarm.RegistryAddr)
	}
	user, _, _ := r.bed.Fake.Token()
	nodes := registryPulls(ts, r.bed.Swarm.Name+"-registry", repo, r.bed.Swarm.NodeList())
	fmt.Fprintf(ts.Stdout(), "registry: authorized pulls of %s from %d nodes: %s\n", repo, len(nodes), strings.Join(nodes, " "))
	worker := r.instance(ts, "workers", 0)
	node, _ := r.bed.Node(worker.ID)
	engine, err := r.bed.Swarm.Client(node.Index)
	ts.Check(err)
	for _, c := range []struct{ what, auth string }{
		{"no credentials", ""},
		{"a wrong password", encodeAuth(user, "not-the-token")},
	} {
		tagged, _, _ := strings.Cut(ref, "@") // by tag: the registry is asked even when the image is there
		err := pullImage(ctx, engine, tagged, c.auth)
		if err == nil {
			ts.Fatalf("pulls: %s pulled %s with %s", node.Name, tagged, c.what)
		}
		fmt.Fprintf(ts.Stdout(), "pull with %s refused: %s\n", c.what, strings.ReplaceAll(err.Error(), "\n", " "))
	}
}

// splitRef returns an image reference's registry host and repository.
func splitRef(ref string) (host, repo string) {
	ref, _, _ = strings.Cut(ref, "@")
	host, path, _ := strings.Cut(ref, "/")
	if i := strings.LastIndex(path, ":"); i >= 0 {
		path = path[:i]
	}
	return host, path
}

// registryPulls returns the addresses of the nodes whose GETs of repo's
// manifests the registry authorized (its log says "authorized request"
// once the request's basic auth passed; the host's push is not one of
// them: it comes from the host's side of the published port).
func registryPulls(ts *testscript.TestScript, ctr, repo string, nodes []swarmbed.Node) []string {
	isNode := map[string]bool{}
	for _, n := range nodes {
		isNode[n.Addr] = true
	}
	cli := engine(ts)
	defer cli.Close()
	rc, err := cli.ContainerLogs(context.Background(), ctr, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	ts.Check(err)
	defer rc.Close()
	var out bytes.Buffer
	_, err = stdcopy.StdCopy(&out, &out, rc)
	ts.Check(err)
	seen := map[string]bool{}
	for _, l := range strings.Split(out.String(), "\n") {
		if !strings.Contains(l, `msg="authorized request"`) || !strings.Contains(l, "http.request.method=GET") ||
			!strings.Contains(l, `http.request.uri="/v2/`+repo+`/manifests/`) {
			continue
		}
		_, addr, _ := strings.Cut(l, `http.request.remoteaddr="`)
		addr, _, _ = strings.Cut(addr, `"`)
		if ip, _, err := net.SplitHostPort(addr); err == nil && isNode[ip] {
			seen[ip] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

func encodeAuth(user, password string) string {
	j, _ := json.Marshal(registry.AuthConfig{Username: user, Password: password})
	return base64.URLEncoding.EncodeToString(j)
}

// pullImage pulls ref on engine with auth (base64 JSON, "" for none).
func pullImage(ctx context.Context, engine *client.Client, ref, auth string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := engine.ImagePull(ctx, ref, client.ImagePullOptions{RegistryAuth: auth})
	if err != nil {
		return err
	}
	defer res.Close()
	return res.Wait(ctx)
}
