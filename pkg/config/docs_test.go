package config

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestDeployAWSGuide keeps docs/deploy-aws.md true to the loader: every
// TOML example in it loads, the set-up example means what the guide says,
// and its table documents every key of [env.X.aws].
func TestDeployAWSGuide(t *testing.T) {
	data, err := os.ReadFile("../../docs/deploy-aws.md")
	if err != nil {
		t.Fatal(err)
	}
	guide := string(data)
	blocks := regexp.MustCompile("(?s)```toml\n(.*?)\n *```").FindAllStringSubmatch(guide, -1)
	if len(blocks) == 0 {
		t.Fatal("no ```toml example in docs/deploy-aws.md")
	}
	for i, b := range blocks {
		cfg, err := Parse(".gazr.toml", []byte(b[1]))
		if err != nil {
			t.Errorf("example %d does not load: %v\n%s", i+1, err, b[1])
			continue
		}
		e, err := cfg.Env("staging")
		if err != nil || e.AWS == nil {
			t.Errorf("example %d: no [env.staging.aws] (%v)", i+1, err)
			continue
		}
		a := e.AWS
		if e.Backend != "aws" || a.Access != "ssh" || a.Registry != "ecr" || a.Managers == nil || a.Managers.ASG != "swarm-manager-staging-asg" ||
			a.Workers == nil || a.Workers.ASG != "swarm-worker-staging-asg" || len(a.Schedule) != 2 || a.Schedule[0].Workers != 25 || a.Schedule[1].TZ != "Europe/Paris" {
			t.Errorf("example %d: got backend %q, aws %+v", i+1, e.Backend, a)
		}
	}
	for _, k := range awsKeys {
		if !strings.Contains(guide, "| `"+k+"` |") {
			t.Errorf("docs/deploy-aws.md's configuration table has no row for [env.X.aws] key %q", k)
		}
	}
}

// TestDeployAWSFiles: the guide's IAM policies are JSON, its join script
// is bash, and the Parameter Store names of the roles' policies are the
// ones the script uses by default.
func TestDeployAWSFiles(t *testing.T) {
	for _, name := range []string{"iam-policy.json", "instance-role-policy.json", "manager-role-policy.json"} {
		data, err := os.ReadFile("../../docs/aws/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(data) {
			t.Errorf("docs/aws/%s is not valid JSON (python3 -m json.tool says where)", name)
		}
	}
	script, err := os.ReadFile("../../docs/aws/user-data.sh")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", "-n", "../../docs/aws/user-data.sh").CombinedOutput(); err != nil {
		t.Errorf("bash -n docs/aws/user-data.sh: %v\n%s", err, out)
	}
	for _, want := range []string{"PARAM_PREFIX=${SWARM_PARAM_PREFIX:-/swarm}", "'%s/%s/join-token/%s'"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("docs/aws/user-data.sh no longer has %s: update the role policies' parameter ARNs with it", want)
		}
	}
	for name, params := range map[string][]string{"instance-role-policy.json": {"worker"}, "manager-role-policy.json": {"worker", "manager"}} {
		data, _ := os.ReadFile("../../docs/aws/" + name)
		for _, p := range params {
			if arn := ":parameter/swarm/ENV/join-token/" + p + `"`; !strings.Contains(string(data), arn) {
				t.Errorf("docs/aws/%s has no %s", name, arn)
			}
		}
	}
}
