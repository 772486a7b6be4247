// Package awshelper gives tests the gazr-aws helper binary (the AWS SDK's
// side of the aws backend), with one policy:
//
//   - GAZR_AWS_HELPER names a built gazr-aws: it is used (CI sets it);
//   - else, under -short, the test is skipped: the SDK's compile is heavy
//     and `go test -short ./...` stays fast;
//   - else the helper is built once per test binary, into a temporary
//     directory, when the Go build cache already holds the SDK (a link of
//     about a second); when it does not (a first compile takes ~2 min and
//     ~3.5 GB), the test is skipped saying how to build it, unless CI or
//     GAZR_AWS_BUILD=1 is set: then it is compiled.
//
// A TestMain calls Cleanup after the tests to remove what was built.
package awshelper

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Env names a built gazr-aws (the variable the aws backend reads too).
const Env = "GAZR_AWS_HELPER"

// BuildEnv, set to 1, lets the tests compile the helper with a cold
// build cache.
const BuildEnv = "GAZR_AWS_BUILD"

// heavy are the SDK packages whose compile is the cost.
var heavy = []string{
	"github.com/aws/aws-sdk-go-v2/service/ec2",
	"github.com/aws/aws-sdk-go-v2/service/autoscaling",
	"github.com/aws/aws-sdk-go-v2/service/ecr",
}

var (
	once  sync.Once
	built struct {
		dir, path, skip string
		err             error
		took            time.Duration
	}
)

// Path returns the gazr-aws binary the test runs, or ends the test as
// the package's policy says.
func Path(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(Env); p != "" {
		if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			t.Fatalf("%s=%q is not an executable gazr-aws (%v); build one: go build -C cmd/gazr-aws -o <dir>/gazr-aws .", Env, p, err)
		}
		return p
	}
	if testing.Short() {
		t.Skipf("needs the gazr-aws helper, not built under -short (the AWS SDK's compile is heavy): set %s to a built gazr-aws (go build -C cmd/gazr-aws -o <dir>/gazr-aws .) to run it", Env)
	}
	once.Do(build)
	switch {
	case built.err != nil:
		t.Fatalf("building gazr-aws: %v", built.err)
	case built.skip != "":
		t.Skip(built.skip)
	}
	t.Logf("gazr-aws built for this test binary in %v", built.took.Round(time.Millisecond))
	return built.path
}

// Cleanup removes the helper Path built, if any.
func Cleanup() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

func build() {
	src, err := sourceDir()
	if err != nil {
		built.err = err
		return
	}
	warm, err := cacheWarm(src)
	if err != nil {
		built.err = err
		return
	}
	if !warm && os.Getenv("CI") == "" && os.Getenv(BuildEnv) != "1" {
		built.skip = fmt.Sprintf("needs the gazr-aws helper, and the Go build cache does not hold the AWS SDK (a first compile takes ~2 min and ~3.5 GB): "+
			"build it once (go build -C cmd/gazr-aws -o <dir>/gazr-aws .) and set %s=<dir>/gazr-aws, or set %s=1 to let the tests compile it", Env, BuildEnv)
		return
	}
	dir, err := os.MkdirTemp("", "gazr-aws-test-")
	if err != nil {
		built.err = err
		return
	}
	built.dir = dir
	start := time.Now()
	out := filepath.Join(dir, "gazr-aws")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = src
	if b, err := cmd.CombinedOutput(); err != nil {
		built.err = fmt.Errorf("go build in %s: %v\n%s", src, err, b)
		return
	}
	built.path, built.took = out, time.Since(start)
}

// sourceDir is cmd/gazr-aws of the module the test runs in.
func sourceDir() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside gazr's module (go env GOMOD is empty)")
	}
	dir := filepath.Join(filepath.Dir(mod), "cmd", "gazr-aws")
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return "", fmt.Errorf("no gazr-aws sources: %v", err)
	}
	return dir, nil
}

// cacheWarm says whether the build cache holds the compiled SDK
// packages (go list computes staleness without compiling).
func cacheWarm(src string) (bool, error) {
	cmd := exec.Command("go", append([]string{"list", "-f", "{{.Stale}}"}, heavy...)...)
	cmd.Dir = src
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return false, fmt.Errorf("go list in %s: %v: %s", src, err, stderr.String())
	}
	return !strings.Contains(string(out), "true"), nil
}
