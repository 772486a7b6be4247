package deploy

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
)

func TestJobSpec(t *testing.T) {
	base := spec("shop-staging_web", "shop/web:abc", 3, "DB=postgres://db")
	base.TaskTemplate.Networks = []swarm.NetworkAttachmentConfig{{Target: "shop-staging_default"}}
	base.EndpointSpec = &swarm.EndpointSpec{Mode: swarm.ResolutionModeDNSRR, Ports: []swarm.PortConfig{{TargetPort: 80, PublishedPort: 80}}}
	j := jobSpec(base, "upgrade", "migrate up")
	cs := j.TaskTemplate.ContainerSpec
	switch {
	case j.Mode.ReplicatedJob == nil || *j.Mode.ReplicatedJob.TotalCompletions != 1:
		t.Errorf("mode = %+v, want a one-completion job", j.Mode)
	case !reflect.DeepEqual(cs.Command, []string{"sh", "-c", "migrate up"}):
		t.Errorf("command = %q", cs.Command)
	case cs.Image != "shop/web:abc" || !reflect.DeepEqual(cs.Env, base.TaskTemplate.ContainerSpec.Env):
		t.Errorf("the job must run the new image with the service's env: %+v", cs)
	case len(j.TaskTemplate.Networks) != 1:
		t.Errorf("the job must join the service's networks")
	case len(j.EndpointSpec.Ports) != 0:
		t.Errorf("the job must not publish the service's ports")
	case j.Labels["io.gazr.job"] != "upgrade" || j.Name == base.Name:
		t.Errorf("job name/labels: %s %v", j.Name, j.Labels)
	case base.TaskTemplate.ContainerSpec.Command != nil:
		t.Errorf("jobSpec modified the service's spec")
	}
}

func TestJobNameFitsSwarm(t *testing.T) {
	long := "a-very-long-project-name-for-testing-limits-production_webserver"
	got := jobName(long, "upgrade", time.Unix(1700000000, 0))
	if len(got) > 63 || !strings.HasSuffix(got, "-upgrade-1700000000") {
		t.Errorf("jobName = %q (%d chars), want ≤ 63 ending in -upgrade-1700000000", got, len(got))
	}
	if short := jobName("shop-staging_web", "backup", time.Unix(1, 0)); short != "shop-staging_web-backup-1" {
		t.Errorf("jobName = %q", short)
	}
}
