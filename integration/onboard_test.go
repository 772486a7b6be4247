package integration

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// TestOnboard runs the onboarding scripts (testdata/onboard/*.txtar):
// gazr doctor, gazr init and gazr init --write-config against the real
// engine, each script its own project.
func TestOnboard(t *testing.T) {
	requireEngine(t)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "onboard"),
		RequireExplicitExec: true,
		Setup:               onboardSetup,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"leftovers": cmdLeftovers,
			"freeport":  cmdFreePort,
			"destroy":   cmdDestroy,
			"rmimage":   cmdRmImage,
			"volume":    cmdVolume,
			"mutesock":  cmdMuteSock,
			"holdport":  cmdHoldPort,
			"samelist":  cmdSameList,
			"mode":      cmdMode,
		},
	})
}

// onboardSetup is setup, plus the removal of the script's services and
// images when it ends, whether it passed or not.
func onboardSetup(env *testscript.Env) error {
	if err := setup(env); err != nil {
		return err
	}
	project := env.Getenv("PROJECT")
	env.Defer(func() {
		ctx := context.Background()
		cli, err := container.Connect(ctx)
		if err != nil {
			return
		}
		defer cli.Close()
		_, _ = (&sidecar.Manager{API: cli, Project: project}).Destroy(ctx, true)
		removeProjectImages(ctx, cli, project)
	})
	return nil
}

// removeProjectImages removes the images built for the project's
// services (<project>/<service>:dev).
func removeProjectImages(ctx context.Context, cli *client.Client, project string) {
	list, err := cli.ImageList(ctx, client.ImageListOptions{Filters: client.Filters{}.Add("reference", project+"/*")})
	if err != nil {
		return
	}
	for _, img := range list.Items {
		_, _ = cli.ImageRemove(ctx, img.ID, client.ImageRemoveOptions{Force: true, PruneChildren: true})
	}
}

// destroy — remove the script's services, their network and volumes.
func cmdDestroy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: destroy")
	}
	cli := engine(ts)
	defer cli.Close()
	removed, err := (&sidecar.Manager{API: cli, Project: ts.Getenv("PROJECT")}).Destroy(context.Background(), true)
	ts.Check(err)
	ts.Logf("removed %+v", removed)
}

// rmimage ref — remove an image, which must exist.
func cmdRmImage(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: rmimage ref")
	}
	cli := engine(ts)
	defer cli.Close()
	_, err := cli.ImageRemove(context.Background(), args[0], client.ImageRemoveOptions{Force: true, PruneChildren: true})
	ts.Check(err)
}

// freeport VAR — set VAR to a TCP port free on 127.0.0.1 now.
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	port, err := freePort()
	ts.Check(err)
	ts.Setenv(args[0], strconv.Itoa(port))
}

// mutesock path — listen on a unix socket at path that accepts
// connections and never answers, until the script ends.
func cmdMuteSock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mutesock path")
	}
	l, err := net.Listen("unix", ts.MkAbs(args[0]))
	ts.Check(err)
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	ts.Defer(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
}

// holdport VAR — listen on a free port of 127.0.0.1 until the script
// ends, and set VAR to its number.
func cmdHoldPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: holdport VAR")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	ts.Defer(func() { l.Close() })
	ts.Setenv(args[0], strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
}

var columns = regexp.MustCompile(`\s{2,}`)

// samelist before after — two outputs of gazr list show the same verbs,
// commands and images (the FROM column may differ).
func cmdSameList(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: samelist before after")
	}
	strip := func(name string) string {
		var out []string
		for _, line := range strings.Split(strings.TrimSpace(ts.ReadFile(name)), "\n") {
			cells := columns.Split(strings.TrimSpace(line), -1)
			out = append(out, strings.Join(cells[:len(cells)-1], " | "))
		}
		return strings.Join(out, "\n")
	}
	a, b := strip(args[0]), strip(args[1])
	if (a == b) == neg {
		ts.Fatalf("gazr list:\n%s\nthen:\n%s", a, b)
	}
}

// mode path octal — the file's permission bits are octal.
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mode path octal")
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := strconv.FormatUint(uint64(fi.Mode().Perm()), 8); got != args[1] {
		ts.Fatalf("%s has mode %s, want %s", args[0], got, args[1])
	}
}
