package main

import (
	"os/exec"
	"strings"
	"testing"
)

// layers ranks gazr's packages as ARCHITECTURE.md draws them: a package
// imports only packages of a lower layer, so the picture stays true. A
// new package gets a line here (the test says so until it has one).
var layers = map[string]int{
	// 0: leaves, no gazr imports.
	"pkg/limits": 0, "pkg/shell": 0, "pkg/iostreams": 0, "pkg/fingerprint": 0,
	"pkg/registryauth": 0, "pkg/completion": 0, "pkg/deploy/aws/awsproto": 0,
	"pkg/deploy/sshconn": 0, "pkg/helperbin": 0,
	"pkg/watch": 0, "pkg/enginetest": 0, "pkg/deploy/edge": 0,
	"pkg/deploy/deploytest/load": 0, "pkg/deploy/deploytest/swarmbed": 0, "pkg/deploy/deploytest/swarmfake": 0,
	"pkg/deploy/deploytest/testapp": 0, "pkg/deploy/deploytest/awsfake": 0,
	"pkg/deploy/deploytest/awshelper": 0, "pkg/deploy/deploytest/pvefake": 0,
	// 1: reading the project's files; images (with the registries'
	// credentials).
	"pkg/config": 1, "pkg/compose": 1, "pkg/deploy/aws/awsmem": 1, "pkg/deploy/deploytest/testapp/writeapp": 1,
	"pkg/image": 1,
	// 2: what those files describe.
	"pkg/taskfile": 2, "pkg/deploy/convert": 2, "pkg/scaffold": 2, "pkg/schedule": 2,
	// the AWS and PVE beds: fakes in front of a real swarm, and their envs.
	"pkg/deploy/deploytest/awsbed": 2, "pkg/deploy/deploytest/pvebed": 2,
	// 3, 4: conventions, then plans.
	"pkg/convention": 3,
	"pkg/plan":       4,
	// 5: the project as a whole, and steps on the engine.
	"pkg/project": 5, "pkg/container": 5,
	// 6: services next to the steps, doctor's checks.
	"pkg/sidecar": 6, "pkg/doctor": 6,
	// 7: the work: running plans, onboarding, deploying.
	"pkg/runner": 7, "pkg/onboard": 7, "pkg/deploy": 7,
	// 8: backends and their conformance suite; chaos experiments.
	"pkg/deploy/local": 8, "pkg/deploy/aws": 8, "pkg/deploy/proxmox": 8, "pkg/deploy/deploytest": 8,
	"pkg/chaos": 8,
	// 9: the agent in the cluster (schedules, experiments on the local backend).
	"pkg/agent": 9,
	// 10, 11: the command line, and main.
	"pkg/app":  10,
	"cmd/gazr": 11,
}

// TestLayers checks every import between gazr's own packages goes down a
// layer (tests excluded: a test may drive its package from above).
func TestLayers(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list packages with")
	}
	const mod = "github.com/gazr-io/gazr/"
	cmd := exec.Command(goBin, "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(strings.ReplaceAll(line, mod, ""))
		pkg := f[0]
		if !strings.HasPrefix(pkg, "pkg/") && pkg != "cmd/gazr" {
			continue // integration/, conventions, templates: not layers
		}
		seen++
		rank, ok := layers[pkg]
		if !ok {
			t.Errorf("%s has no layer: add it to layers (cmd/gazr/layers_test.go) and to ARCHITECTURE.md", pkg)
			continue
		}
		for _, imp := range f[1:] {
			if r, own := layers[imp]; own && r >= rank {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports go down a layer (ARCHITECTURE.md)", pkg, rank, imp, r)
			}
		}
	}
	if seen < 20 {
		t.Fatalf("go list listed %d of gazr's packages: the check saw too little", seen)
	}
}
