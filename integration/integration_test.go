// Package integration runs gazr end to end: testscript files under
// testdata/ drive the real binary against the real container engine.
//
// The images the scripts use live in the test-only namespace gazr-test/
// and are built offline by images/build.sh (CI runs it through .ci/run).
package integration

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/app"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awshelper"
	"github.com/gazr-io/gazr/pkg/enginetest"
)

// testImages maps each convention to the test image standing in for its
// default image, through gazr's GAZR_IMAGE_<CONVENTION> override.
var testImages = map[string]string{
	"GAZR_IMAGE_GO":        "gazr-test/go:1.26",
	"GAZR_IMAGE_NODE":      "gazr-test/node:18",
	"GAZR_IMAGE_NODE_YARN": "gazr-test/node:18",
	"GAZR_IMAGE_NODE_PNPM": "gazr-test/node:18",
	"GAZR_IMAGE_PYTHON":    "gazr-test/python:3.11",
	"GAZR_IMAGE_MAKE":      "gazr-test/debian:12",
}

func TestMain(m *testing.M) {
	testscript.Main(cleanedUp{m}, map[string]func(){
		"gazr": func() { os.Exit(app.Main(context.Background(), os.Args)) },
	})
}

// cleanedUp removes, after the tests, the gazr-aws that awshelper built.
type cleanedUp struct{ m *testing.M }

func (c cleanedUp) Run() int {
	defer awshelper.Cleanup()
	return c.m.Run()
}

func TestScripts(t *testing.T) {
	requireEngine(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		Setup:               setup,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"chownr":      cmdChownr,
			"imagewith":   cmdImageWith,
			"json":        cmdJSON,
			"leftovers":   cmdLeftovers,
			"volume":      cmdVolume,
			"waitrunning": cmdWaitRunning,
		},
	})
}

// requireEngine checks, before any script runs, that the engine answers
// and has the convention images and more, rather than letting every
// script fail obscurely. enginetest's policy decides what happens when
// it does not: skipped under -short, failed under CI, skipped otherwise.
func requireEngine(t *testing.T, more ...string) {
	t.Helper()
	enginetest.Connect(t, append(slices.Collect(maps.Values(testImages)), more...)...)
}

func setup(env *testscript.Env) error {
	for k, v := range testImages {
		env.Setenv(k, v)
	}
	for _, k := range []string{"DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_API_VERSION"} {
		if v := os.Getenv(k); v != "" {
			env.Setenv(k, v)
		}
	}
	env.Setenv("NO_COLOR", "1")
	// gazr's cache (fingerprints) in the script's own directory.
	env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
	// Each script is its own project, named after the work directory so
	// that scripts running in parallel never share containers.
	env.Setenv("PROJECT", config.DefaultName(env.WorkDir))
	// Scripts that run gazr as another user need to reach the binary and
	// the work directory, which testscript creates private to root.
	if gazr, err := exec.LookPath("gazr"); err == nil {
		openDirs(filepath.Dir(gazr), 2)
	}
	openDirs(env.WorkDir, 2)
	if fi, err := os.Stat("/var/run/docker.sock"); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			env.Setenv("DOCKER_GID", strconv.Itoa(int(st.Gid)))
		}
	}
	return nil
}

// openDirs makes dir and up to n-1 of its parents traversable by all.
func openDirs(dir string, n int) {
	for i := 0; i < n; i++ {
		_ = os.Chmod(dir, 0o755)
		dir = filepath.Dir(dir)
	}
}

// chownr UID:GID path — change the owner of path and everything in it.
func cmdChownr(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: chownr UID:GID path")
	}
	uid, gid, ok := strings.Cut(args[0], ":")
	if !ok {
		ts.Fatalf("chownr: want UID:GID, got %q", args[0])
	}
	u, err1 := strconv.Atoi(uid)
	g, err2 := strconv.Atoi(gid)
	if err1 != nil || err2 != nil {
		ts.Fatalf("chownr: bad UID:GID %q", args[0])
	}
	root := ts.MkAbs(args[1])
	err := filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, u, g)
	})
	ts.Check(err)
}

// leftovers [project] — fail when a container or network labelled as
// gazr's project (default $PROJECT) exists.
func cmdLeftovers(ts *testscript.TestScript, neg bool, args []string) {
	project := ts.Getenv("PROJECT")
	if len(args) == 1 {
		project = args[0]
	}
	cli := engine(ts)
	defer cli.Close()
	ctx := context.Background()
	label := client.Filters{}.Add("label", container.LabelProject+"="+project)
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: label})
	ts.Check(err)
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: label})
	ts.Check(err)
	found := len(cs.Items) + len(ns.Items)
	if neg {
		if found == 0 {
			ts.Fatalf("no leftovers, want some")
		}
		return
	}
	for _, c := range cs.Items {
		ts.Logf("leftover container %s (%s)", c.Names, c.State)
	}
	for _, n := range ns.Items {
		ts.Logf("leftover network %s", n.Name)
	}
	if found > 0 {
		ts.Fatalf("%d leftover objects of project %s", found, project)
	}
}

// volume name — the named volume must (or, negated, must not) exist.
func cmdVolume(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: volume name")
	}
	cli := engine(ts)
	defer cli.Close()
	_, err := cli.VolumeInspect(context.Background(), args[0], client.VolumeInspectOptions{})
	switch {
	case err == nil && neg:
		ts.Fatalf("volume %s exists", args[0])
	case err != nil && !neg:
		ts.Fatalf("volume %s: %v", args[0], err)
	}
}

// waitrunning — wait (up to 60s) until a container of project $PROJECT runs.
func cmdWaitRunning(ts *testscript.TestScript, neg bool, args []string) {
	cli := engine(ts)
	defer cli.Close()
	label := client.Filters{}.Add("label", container.LabelProject+"="+ts.Getenv("PROJECT")).Add("status", "running")
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		cs, err := cli.ContainerList(context.Background(), client.ContainerListOptions{Filters: label})
		ts.Check(err)
		if len(cs.Items) > 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Fatalf("no running container of project %s after 60s", ts.Getenv("PROJECT"))
}

func engine(ts *testscript.TestScript) *client.Client {
	cli, err := container.Connect(context.Background())
	if err != nil {
		ts.Fatalf("%v", err)
	}
	return cli
}
