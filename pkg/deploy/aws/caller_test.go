package aws

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
	"github.com/gazr-io/gazr/pkg/helperbin"
)

// fakeHelper writes a gazr-aws that answers --protocol with protocol,
// records its stdin and prints answer; it counts its --protocol runs.
func fakeHelper(t *testing.T, protocol int, answer string) (path, dir string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "gazr-aws")
	script := "#!/bin/sh\nif [ \"$1\" = --protocol ]; then echo x >> " + dir + "/asked; echo " + strconv.Itoa(protocol) + "; exit 0; fi\n" +
		"cat > " + dir + "/request\ncat <<'EOF'\n" + answer + "\nEOF\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, dir
}

// TestExecCaller: a request goes to the helper's stdin, its answer is
// read, an API error is the *awsproto.Error, and --protocol is asked once
// per process.
func TestExecCaller(t *testing.T) {
	path, dir := fakeHelper(t, awsproto.Version, `{"version":1,"error":{"code":"AccessDenied","message":"AWS refused ec2:StopInstances (no)","action":"ec2:StopInstances","permission":"ec2:StopInstances"}}`)
	t.Setenv(HelperEnv, path)
	b, err := New(deploy.BackendOptions{Env: &config.Environment{Name: "staging", AWS: &config.AWS{Region: "eu-west-3", Workers: &config.Group{ASG: "w"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		err = b.StopNode(ctx(t), "i-1")
	}
	var ae *awsproto.Error
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "env staging: AWS refused ec2:StopInstances (no); grant ec2:StopInstances") {
		t.Errorf("StopNode: %v", err)
	}
	var req awsproto.Request
	raw, _ := os.ReadFile(filepath.Join(dir, "request"))
	if err := json.Unmarshal(raw, &req); err != nil || req.Version != awsproto.Version || req.Op != awsproto.OpDescribe ||
		req.Target.Region != "eu-west-3" || req.Target.Workers.ASG != "w" || req.Target.Managers.Tags["Name"] != "SwarmManager-staging" {
		t.Errorf("request %s: %v", raw, err)
	}
	if asked, _ := os.ReadFile(filepath.Join(dir, "asked")); bytes.Count(asked, []byte("x")) != 1 {
		t.Errorf("--protocol asked %d times, want once", bytes.Count(asked, []byte("x")))
	}
}

// TestExecCallerHelperMissing: no helper says where gazr looked and how
// to install it; one of another protocol says so.
func TestExecCallerHelperMissing(t *testing.T) {
	t.Setenv(HelperEnv, "")
	_, err := (&ExecCaller{}).Call(ctx(t), awsproto.Request{Op: awsproto.OpDescribe})
	var nf *helperbin.NotFoundError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "the aws backend calls AWS through the gazr-aws helper, not found (looked for ") ||
		!strings.Contains(err.Error(), "go install github.com/gazr-io/gazr/cmd/gazr-aws@latest") {
		t.Errorf("Call without a helper: %v", err)
	}
	path, _ := fakeHelper(t, 99, "")
	_, err = (&ExecCaller{Path: path}).Call(ctx(t), awsproto.Request{Op: awsproto.OpDescribe})
	var pe *helperbin.ProtocolError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "speaks protocol 99, this gazr needs 1") {
		t.Errorf("Call with a helper of another protocol: %v", err)
	}
	path, _ = fakeHelper(t, awsproto.Version, "panic: boom")
	_, err = (&ExecCaller{Path: path}).Call(ctx(t), awsproto.Request{Op: awsproto.OpDescribe})
	if err == nil || !strings.Contains(err.Error(), "the gazr-aws helper at "+path+" does not work (describe gave no answer: its answer is not JSON") {
		t.Errorf("Call with a helper that answers no JSON: %v", err)
	}
}

// writeScript writes an executable shell script.
func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "gazr-aws")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExecCallerHelperBroken: a helper that hangs is ended, one that is
// killed or cannot run is named with what to do, never "not found" nor
// "older release".
func TestExecCallerHelperBroken(t *testing.T) {
	defer func(g, p time.Duration) { callGrace, helperbin.ProtocolTimeout = g, p }(callGrace, helperbin.ProtocolTimeout)
	callGrace, helperbin.ProtocolTimeout = 500*time.Millisecond, 500*time.Millisecond
	t.Setenv("GAZR_AWS_TIMEOUT", "1ms")
	proto := `if [ "$1" = --protocol ]; then echo 1; exit 0; fi` + "\n"
	noexec := writeScript(t, "echo 1")
	if err := os.Chmod(noexec, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"hangs", writeScript(t, proto+"sleep 30"), "does not work (describe: no answer within 501ms, ended)"},
		{"hangs on --protocol", writeScript(t, "sleep 30"), "does not work (no answer to --protocol within 500ms)"},
		{"killed", writeScript(t, proto+"kill -9 $$"), "does not work (describe gave no answer: signal: killed)"},
		{"not executable", noexec, "does not work (fork/exec " + noexec + ": permission denied)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := (&ExecCaller{Path: tt.path}).Call(ctx(t), awsproto.Request{Op: awsproto.OpDescribe})
			var be *helperbin.BrokenError
			if !errors.As(err, &be) || !strings.Contains(err.Error(), "the gazr-aws helper at "+tt.path+" "+tt.want+": install the gazr-aws") {
				t.Errorf("Call: %v\nwant …%s…", err, tt.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("Call took %s", d)
			}
		})
	}
}

// TestHelperProtoCopy: cmd/gazr-aws/proto.go (a module of its own, which
// cannot import awsproto) is awsproto/proto.go with another package
// clause.
func TestHelperProtoCopy(t *testing.T) {
	theirs, err := os.ReadFile("../../../cmd/gazr-aws/proto.go")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("no cmd/gazr-aws/proto.go in this tree")
	}
	if err != nil {
		t.Fatal(err)
	}
	ours, err := os.ReadFile("awsproto/proto.go")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(string(ours), "\npackage awsproto\n", "\npackage main\n", 1)
	if string(theirs) != want {
		t.Error("cmd/gazr-aws/proto.go differs from pkg/deploy/aws/awsproto/proto.go (package clause aside): copy it over")
	}
}
