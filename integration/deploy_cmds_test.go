package integration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/load"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/testapp"
)

// deployCmds are the deploy scripts' own commands. Those that talk to the
// engine live in deploy_engine_test.go.
func deployCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"testapp":     cmdTestapp,
		"expand":      cmdExpand,
		"replace":     cmdReplace,
		"git-commit":  cmdGitCommit,
		"load":        cmdLoad,
		"http":        cmdHTTP,
		"exits":       cmdExits,
		"specs":       cmdSpecs,
		"services":    cmdServices,
		"waitlock":    cmdWaitLock,
		"registry":    cmdRegistry,
		"inswarm":     cmdInSwarm,
		"noswarm":     cmdNoSwarm,
		"nosecret":    cmdNoSecret,
		"svcenv":      cmdSvcEnv,
		"sleep":       cmdSleep,
		"json":        cmdJSON,
		"clock":       cmdClock,
		"replicas":    cmdReplicas,
		"killtask":    cmdKillTask,
		"waithistory": cmdWaitHistory,
		"engineproxy": cmdEngineProxy,
	}
}

// testapp DIR VERSION — write the test service into DIR, answering
// "hello from VERSION".
func cmdTestapp(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: testapp DIR VERSION")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	ts.Check(testapp.Write(dir, args[1]))
}

// varRE matches $NAME and ${NAME}.
var varRE = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))`)

// expand FILE... — replace $NAME and ${NAME} in each file by the script's
// variable of that name; a reference to an unset variable stays as it is
// (shell commands in the file keep theirs).
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: expand FILE...")
	}
	for _, f := range args {
		path := ts.MkAbs(f)
		data, err := os.ReadFile(path)
		ts.Check(err)
		out := varRE.ReplaceAllStringFunc(string(data), func(ref string) string {
			m := varRE.FindStringSubmatch(ref)
			if v := ts.Getenv(m[1] + m[2]); v != "" {
				return v
			}
			return ref
		})
		ts.Check(os.WriteFile(path, []byte(out), 0o644))
	}
}

// replace FILE OLD NEW — replace every OLD in FILE by NEW; OLD must occur.
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	if !strings.Contains(string(data), args[1]) {
		ts.Fatalf("replace: %s has no %q", args[0], args[1])
	}
	ts.Check(os.WriteFile(path, []byte(strings.ReplaceAll(string(data), args[1], args[2])), 0o644))
}

// git-commit MSG [VAR] — commit every file of the work directory (a git
// repository from the first commit on), with a fixed identity, and set
// VAR to the version gazr deploys: the commit's first 12 hex digits.
func cmdGitCommit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: git-commit MSG [VAR]")
	}
	dir := ts.Getenv("WORK")
	if _, err := os.Stat(dir + "/.git"); err != nil {
		git(ts, dir, "init", "-q")
		// testscript's TMPDIR is $WORK/.tmp, and gazr's cache (setup's
		// XDG_CACHE_HOME) $WORK/.cache: neither is part of the project,
		// whose tree gazr would otherwise call dirty once it has cached
		// something (a convention's remembered walk, on any command).
		ts.Check(os.WriteFile(dir+"/.git/info/exclude", []byte("/.tmp/\n/.cache/\n"), 0o644))
	}
	git(ts, dir, "add", "-A")
	git(ts, dir, "commit", "-q", "--allow-empty", "-m", args[0])
	if len(args) == 2 {
		ts.Setenv(args[1], git(ts, dir, "rev-parse", "--short=12", "HEAD"))
	}
}

func git(ts *testscript.TestScript, dir string, args ...string) string {
	args = append([]string{"-c", "user.name=gazr test", "-c", "user.email=test@gazr.invalid", "-c", "commit.gpgsign=false"}, args...)
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		ts.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// load start URL HOST — start a load loop (4 clients) on URL with Host.
// load stop MAXFAIL [-only] [BODY...] — stop it, print its stats, and
// fail when more than MAXFAIL requests failed, when a BODY was never
// answered, or, with -only, when another body was.
func cmdLoad(ts *testscript.TestScript, neg bool, args []string) {
	st := state(ts)
	st.mu.Lock()
	defer st.mu.Unlock()
	switch {
	case neg || len(args) == 0:
	case args[0] == "start" && len(args) == 3:
		if st.loop != nil {
			ts.Fatalf("load: a loop is already running")
		}
		st.loop = load.Start(args[1], args[2], 4, 10*time.Minute)
		return
	case args[0] == "stop" && len(args) >= 2:
		if st.loop == nil {
			ts.Fatalf("load: no loop running (load start URL HOST)")
		}
		stats := st.loop.Stop()
		st.loop = nil
		checkLoad(ts, stats, args[1:])
		return
	}
	ts.Fatalf("usage: load start URL HOST | load stop MAXFAIL [-only] [BODY...]")
}

func checkLoad(ts *testscript.TestScript, s load.Stats, args []string) {
	maxFail, err := strconv.Atoi(args[0])
	ts.Check(err)
	only := len(args) > 1 && args[1] == "-only"
	want := args[1:]
	if only {
		want = args[2:]
	}
	var bodies []string
	for b, n := range s.Bodies {
		bodies = append(bodies, fmt.Sprintf("%q ×%d", b, n))
	}
	slices.Sort(bodies)
	fmt.Fprintf(ts.Stdout(), "load: %s; bodies: %s\n", s, strings.Join(bodies, ", "))
	for _, e := range s.Errors {
		fmt.Fprintf(ts.Stdout(), "load error: %s\n", e)
	}
	switch {
	case s.Requests == 0:
		ts.Fatalf("load: no request was sent")
	case s.Failed > maxFail:
		ts.Fatalf("load: %d of %d requests failed (at most %d allowed)", s.Failed, s.Requests, maxFail)
	}
	for _, b := range want {
		if s.Bodies[b] == 0 {
			ts.Fatalf("load: no response said %q", b)
		}
	}
	for b := range s.Bodies {
		if only && !slices.Contains(want, b) {
			ts.Fatalf("load: %d responses said %q, want only %q", s.Bodies[b], b, want)
		}
	}
}

// http URL HOST REGEXP — GET URL (with Host HOST unless empty) until a
// 200 response's body matches REGEXP, for up to 30s; print the body.
func cmdHTTP(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: http URL HOST REGEXP")
	}
	re, err := regexp.Compile(args[2])
	ts.Check(err)
	c := &http.Client{Timeout: 5 * time.Second}
	var last string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		body, err := get(c, args[0], args[1])
		if err != nil {
			last = err.Error()
			continue
		}
		last = body
		if re.MatchString(body) {
			fmt.Fprint(ts.Stdout(), body)
			return
		}
	}
	ts.Fatalf("http: no 200 response from %s matching %q in 30s; last: %s", args[0], args[2], last)
}

func get(c *http.Client, url, host string) (string, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	if host != "" {
		req.Host = host
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s: %s", resp.Status, body)
	}
	return string(body), err
}

// exits CODE[,CODE...] PROG ARGS... — run PROG, which must exit with CODE
// (one of them); its output is there for stdout and stderr, as after exec.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE[,CODE...] PROG [ARGS...]")
	}
	var want []int
	for _, c := range strings.Split(args[0], ",") {
		n, err := strconv.Atoi(c)
		ts.Check(err)
		want = append(want, n)
	}
	err := ts.Exec(args[1], args[2:]...)
	got := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		got = exit.ExitCode()
	case err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if !slices.Contains(want, got) {
		ts.Fatalf("%s exited with %d, want %s", args[1], got, args[0])
	}
}
