package integration

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// serviceImages are the images the sidecar scripts run: the databases,
// and the images of their steps.
var serviceImages = []string{"gazr-test/postgres:15", "gazr-test/redis:7", "gazr-test/busybox:1", "gazr-test/debian:12"}

// TestServices runs the sidecar scripts (testdata/services/*.txtar):
// verbs with compose services (postgres, redis) started healthy on the
// project's network, warm reuse, gazr stop/destroy/run, bad input. Each
// script is its own project and ends with nothing of it on the engine.
func TestServices(t *testing.T) {
	requireEngine(t, serviceImages...)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "services"),
		RequireExplicitExec: true,
		Setup:               servicesSetup,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"leftovers":   cmdLeftovers,
			"volume":      cmdVolume,
			"waitrunning": cmdWaitRunning,
			"freeport":    cmdFreePort,
			"httpget":     cmdHTTPGet,
			"running":     cmdRunning,
			"projvolumes": cmdProjVolumes,
		},
	})
}

// servicesSetup is setup, plus a clean-up that removes everything of the
// script's project from the engine when the script ends, passed or not
// (the scripts check themselves that they leave nothing behind).
func servicesSetup(env *testscript.Env) error {
	if err := setup(env); err != nil {
		return err
	}
	project := env.Getenv("PROJECT")
	env.Defer(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cli, err := container.Connect(ctx)
		if err != nil {
			return
		}
		defer cli.Close()
		if _, err := (&sidecar.Manager{API: cli, Project: project}).Destroy(ctx, true); err != nil {
			env.T().Log("clean-up of project " + project + ": " + err.Error())
		}
		// Images that gazr run built for the project (<project>/<service>:dev).
		imgs, err := cli.ImageList(ctx, client.ImageListOptions{Filters: client.Filters{}.Add("reference", project+"/*:dev")})
		if err == nil {
			for _, img := range imgs.Items {
				_, _ = cli.ImageRemove(ctx, img.ID, client.ImageRemoveOptions{Force: true, PruneChildren: true})
			}
		}
	})
	return nil
}

// httpget URL — GET URL, retrying for up to 60s until it answers 200,
// and print the body on stdout.
func cmdHTTPGet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: httpget URL")
	}
	deadline := time.Now().Add(60 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		resp, err := http.Get(args[0])
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr == nil && resp.StatusCode == http.StatusOK {
				fmt.Fprint(ts.Stdout(), string(body))
				return
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	ts.Fatalf("GET %s: %v", args[0], last)
}

// running name — the container must (or, negated, must not) be running.
func cmdRunning(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: running container-name")
	}
	cli := engine(ts)
	defer cli.Close()
	res, err := cli.ContainerInspect(context.Background(), args[0], client.ContainerInspectOptions{})
	up := err == nil && res.Container.State != nil && res.Container.State.Running
	switch {
	case up && neg:
		ts.Fatalf("container %s is running", args[0])
	case !up && !neg:
		ts.Fatalf("container %s is not running (%v)", args[0], err)
	}
}

// projvolumes — print the volumes labelled as $PROJECT's, one a line.
func cmdProjVolumes(ts *testscript.TestScript, neg bool, args []string) {
	cli := engine(ts)
	defer cli.Close()
	label := client.Filters{}.Add("label", container.LabelProject+"="+ts.Getenv("PROJECT"))
	res, err := cli.VolumeList(context.Background(), client.VolumeListOptions{Filters: label})
	ts.Check(err)
	var names []string
	for _, v := range res.Items {
		names = append(names, v.Name)
	}
	out := ts.Stdout() // even when empty: it replaces the last command's stdout
	if len(names) > 0 {
		fmt.Fprintln(out, strings.Join(names, "\n"))
	}
}
