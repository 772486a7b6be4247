package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awshelper"
)

// TestAWS runs the scripts of testdata/aws: gazr's commands on an env of
// the aws backend, through the real gazr-aws helper (awshelper's policy:
// GAZR_AWS_HELPER, else built when the Go build cache holds the AWS SDK;
// skipped under -short otherwise) against the fake AWS, which each
// script starts (awsfake start). No engine: the fake's instances have
// addresses nothing answers on, and the scripts send ssh to a closed
// port (GAZR_SSH_CONFIG).
func TestAWS(t *testing.T) {
	helper := awshelper.Path(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/aws",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setup(env); err != nil {
				return err
			}
			env.Values[fakeKey{}] = new(*awsfake.Fake)
			return awsSetup(env, helper)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"awsfake": cmdAWSFake,
			"exits":   cmdExits,
		},
	})
}

// awsSetup leaves the SDK nothing of this machine (no AWS_* variable, no
// ~/.aws, no instance metadata probed), gives it the fake's key, and
// puts gazr-aws behind a wrapper that logs each run in
// $WORK/helper-calls ("--protocol" or "call").
func awsSetup(env *testscript.Env, helper string) error {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			env.Setenv(k, "")
		}
	}
	env.Setenv("AWS_CONFIG_FILE", filepath.Join(env.WorkDir, ".aws-config-missing"))
	env.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(env.WorkDir, ".aws-credentials-missing"))
	env.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	env.Setenv("AWS_ACCESS_KEY_ID", awsfake.DefaultAccessKeyID)
	env.Setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
	wrapper := filepath.Join(env.WorkDir, ".bin", "gazr-aws")
	if err := os.MkdirAll(filepath.Dir(wrapper), 0o755); err != nil {
		return err
	}
	script := fmt.Sprintf("#!/bin/sh\nif [ \"$1\" = --protocol ]; then echo --protocol; else echo call; fi >> %q\nexec %q \"$@\"\n",
		filepath.Join(env.WorkDir, "helper-calls"), helper)
	env.Setenv("GAZR_AWS_HELPER", wrapper)
	return os.WriteFile(wrapper, []byte(script), 0o755)
}

// awsfake start [managers workers] — serve a fake AWS of eu-west-3 for
// the rest of the script, with the groups swarm-manager-staging-asg
// (default 3 instances) and swarm-worker-staging-asg (default 2), and
// set AWS_ENDPOINT_URL to it.
// awsfake fault <service> <op> <kind> — inject a fault (awsfake.Fault,
// every request until the script ends).
func cmdAWSFake(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: awsfake start [managers workers] | awsfake fault <service> <op> <kind>")
	}
	switch args[0] {
	case "start":
		n := []int{3, 2}
		for i, a := range args[1:min(len(args), 3)] {
			v, err := strconv.Atoi(a)
			ts.Check(err)
			n[i] = v
		}
		f := awsfake.New(awsfake.Options{Region: "eu-west-3"})
		url, stop := f.Start()
		ts.Defer(stop)
		ts.Check(f.AddGroup(awsfake.GroupSpec{Name: "swarm-manager-staging-asg", Min: min(1, n[0]), Max: 5, Desired: n[0], Tags: map[string]string{"Name": "SwarmManager-staging"}}))
		ts.Check(f.AddGroup(awsfake.GroupSpec{Name: "swarm-worker-staging-asg", Min: 0, Max: 6, Desired: n[1], Tags: map[string]string{"Name": "SwarmWorker-staging"}}))
		ts.Check(f.Reconcile(context.Background())) // no Machines: at once
		*ts.Value(fakeKey{}).(**awsfake.Fake) = f
		ts.Setenv("AWS_ENDPOINT_URL", url)
	case "fault":
		f := *ts.Value(fakeKey{}).(**awsfake.Fake)
		if f == nil || len(args) != 4 {
			ts.Fatalf("usage: awsfake fault <service> <op> <kind>, after awsfake start")
		}
		f.Inject(awsfake.Fault{Service: args[1], Op: args[2], Kind: awsfake.FaultKind(args[3])})
	default:
		ts.Fatalf("awsfake: unknown subcommand %q", args[0])
	}
}

// fakeKey holds a script's fake (a **awsfake.Fake) in its values.
type fakeKey struct{}
