package integration

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"
)

// nosecret KINDS VALUE — fail when VALUE, or the first 8 hex digits of
// its plain SHA-256 (the guess oracle secret names once ended with),
// appears in a swarm object of the project: KINDS is a comma-separated
// list of configs (their names, labels and data: the stack's, its lock,
// its history, its key), secrets (names and labels), services (specs) and
// networks.
func cmdNoSecret(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || args[1] == "" {
		ts.Fatalf("usage: nosecret KINDS VALUE")
	}
	st := state(ts)
	cli := engine(ts)
	defer cli.Close()
	objects, err := st.objectsJSON(context.Background(), cli, strings.Split(args[0], ","))
	ts.Check(err)
	sum := sha256.Sum256([]byte(args[1]))
	oracle := hex.EncodeToString(sum[:])[:8]
	searched := 0
	for name, doc := range objects {
		searched++
		if strings.Contains(doc, args[1]) {
			ts.Fatalf("nosecret: %s holds the secret value", name)
		}
		if strings.Contains(doc, oracle) {
			ts.Fatalf("nosecret: %s holds the plain SHA-256 of the secret value (%s)", name, oracle)
		}
	}
	fmt.Fprintf(ts.Stdout(), "searched %d objects (%s)\n", searched, args[0])
}

// objectsJSON returns the project's swarm objects of the given kinds, as
// JSON by object.
func (st *deployState) objectsJSON(ctx context.Context, cli *client.Client, kinds []string) (map[string]string, error) {
	out := map[string]string{}
	add := func(kind, name string, v any) {
		b, _ := json.Marshal(v)
		out[kind+" "+name] = string(b)
	}
	for _, kind := range kinds {
		switch kind {
		case "configs":
			configs, err := st.configs(ctx, cli)
			if err != nil {
				return nil, err
			}
			for _, c := range configs {
				// Data is []byte, base64 in JSON: search it as text too.
				add(kind, c.Spec.Name, c)
				out["config data "+c.Spec.Name] = string(c.Spec.Data)
			}
		case "secrets":
			res, err := cli.SecretList(ctx, client.SecretListOptions{Filters: st.projectFilter()})
			if err != nil {
				return nil, err
			}
			for _, s := range res.Items {
				add(kind, s.Spec.Name, s)
			}
		case "services":
			res, err := cli.ServiceList(ctx, client.ServiceListOptions{Filters: st.projectFilter()})
			if err != nil {
				return nil, err
			}
			for _, s := range res.Items {
				add(kind, s.Spec.Name, s)
			}
		case "networks":
			res, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: st.projectFilter()})
			if err != nil {
				return nil, err
			}
			for _, n := range res.Items {
				add(kind, n.Name, n)
			}
		default:
			return nil, fmt.Errorf("nosecret: unknown kind %q (configs, secrets, services, networks)", kind)
		}
	}
	return out, nil
}

// svcenv SERVICE VAR REGEXP — the env var VAR of the project's service
// SERVICE (its compose name, in the script's one env) matches REGEXP.
func cmdSvcEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: svcenv SERVICE VAR REGEXP")
	}
	st := state(ts)
	cli := engine(ts)
	defer cli.Close()
	res, err := cli.ServiceList(context.Background(), client.ServiceListOptions{Filters: st.projectFilter()})
	ts.Check(err)
	for _, s := range res.Items {
		if !strings.HasSuffix(s.Spec.Name, "_"+args[0]) {
			continue
		}
		for _, kv := range s.Spec.TaskTemplate.ContainerSpec.Env {
			if k, v, _ := strings.Cut(kv, "="); k == args[1] {
				re, err := regexp.Compile(args[2])
				ts.Check(err)
				if !re.MatchString(v) {
					ts.Fatalf("svcenv: %s=%q does not match %q", k, v, args[2])
				}
				return
			}
		}
		ts.Fatalf("svcenv: service %s has no env %s", s.Spec.Name, args[1])
	}
	ts.Fatalf("svcenv: no service %s", args[0])
}

// sleep DURATION — wait, e.g. for a rollout to be under way before a
// signal, or for a load loop to send requests.
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}
