package swarmbed_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// testOverlay proves traffic between nodes over an overlay network: an
// httpd task pinned to node 0 serves a token, and a job pinned to node 1
// fetches it through the swarm's DNS (tasks.<service>). It fetches 2 MB too,
// so that MTU trouble (large frames lost, small ones fine) shows.
func testOverlay(t *testing.T, b *swarmbed.Bed, m *client.Client) {
	if _, err := m.NetworkCreate(t.Context(), "bednet", client.NetworkCreateOptions{Driver: "overlay"}); err != nil {
		t.Fatalf("create overlay network: %v", err)
	}
	token := fmt.Sprintf("token-%d", time.Now().UnixNano())
	on := func(i int) *swarm.Placement {
		return &swarm.Placement{Constraints: []string{"node.hostname==" + b.Nodes[i].Name}}
	}
	net := []swarm.NetworkAttachmentConfig{{Target: "bednet"}}
	createService(t, m, swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: "web"},
		Mode:        replicas(1),
		TaskTemplate: swarm.TaskSpec{
			ContainerSpec: &swarm.ContainerSpec{Image: busybox, Command: []string{"sh", "-c",
				"mkdir /w && echo " + token + " >/w/index.html && head -c 2000000 /dev/zero >/w/big && exec httpd -f -p 8080 -h /w"}},
			Placement: on(0),
			Networks:  net,
		},
		EndpointSpec: &swarm.EndpointSpec{Mode: swarm.ResolutionModeDNSRR},
	})
	web := waitTasks(t, b.Manager, "web", time.Minute, runningOn(1, false, ""))

	// busybox's wget crashes here with -T or -O FILE (Debian's static
	// 1.35), so the probe speaks HTTP through nc.
	get := func(path string) string {
		return `printf 'GET ` + path + ` HTTP/1.0\r\n\r\n' | nc -w 5 tasks.web 8080`
	}
	probe := `for i in $(seq 30); do
		if ` + get("/") + ` | grep -q ` + token + ` && [ "$(` + get("/big") + ` | wc -c)" -gt 2000000 ]; then exit 0; fi
		sleep 1
	done; exit 1`
	createService(t, m, swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: "probe"},
		Mode:        swarm.ServiceMode{ReplicatedJob: &swarm.ReplicatedJob{}},
		TaskTemplate: swarm.TaskSpec{
			ContainerSpec: &swarm.ContainerSpec{Image: busybox, Command: []string{"sh", "-c", probe}},
			Placement:     on(1),
			Networks:      net,
		},
	})
	probes := waitTasks(t, b.Manager, "probe", time.Minute, func(tasks []swarm.Task) error {
		if len(tasks) != 1 {
			return fmt.Errorf("%d probe tasks, want 1", len(tasks))
		}
		switch st := tasks[0].Status; st.State {
		case swarm.TaskStateComplete:
			return nil
		case swarm.TaskStateFailed, swarm.TaskStateRejected:
			t.Fatalf("probe task %s: %s %s (node 1 could not fetch from node 0)", st.State, st.Message, st.Err)
		}
		return fmt.Errorf("probe task is %s", tasks[0].Status.State)
	})
	if web[0].NodeID == probes[0].NodeID || web[0].NodeID != b.Nodes[0].ID {
		t.Fatalf("web on %s, probe on %s: want nodes 0 (%s) and 1 (%s)",
			web[0].NodeID, probes[0].NodeID, b.Nodes[0].ID, b.Nodes[1].ID)
	}
}
