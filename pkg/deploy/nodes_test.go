package deploy

import (
	"context"
	"reflect"
	"testing"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

type nodeList struct {
	client.NodeAPIClient
	items []swarm.Node
}

func (l nodeList) NodeList(context.Context, client.NodeListOptions) (client.NodeListResult, error) {
	return client.NodeListResult{Items: l.items}, nil
}

// TestListNodes: managers first; Ready only when up and active; a
// drained or paused node is Drained, a down one is not.
func TestListNodes(t *testing.T) {
	node := func(id string, role swarm.NodeRole, state swarm.NodeState, av swarm.NodeAvailability) swarm.Node {
		n := swarm.Node{ID: id, Description: swarm.NodeDescription{Hostname: "h-" + id}, Status: swarm.NodeStatus{State: state, Addr: "10.0.0." + id}}
		n.Spec.Role, n.Spec.Availability = role, av
		return n
	}
	api := nodeList{items: []swarm.Node{
		node("1", swarm.NodeRoleWorker, swarm.NodeStateReady, swarm.NodeAvailabilityActive),
		node("2", swarm.NodeRoleManager, swarm.NodeStateReady, swarm.NodeAvailabilityActive),
		node("3", swarm.NodeRoleWorker, swarm.NodeStateReady, swarm.NodeAvailabilityDrain),
		node("4", swarm.NodeRoleWorker, swarm.NodeStateDown, swarm.NodeAvailabilityActive),
		node("5", swarm.NodeRoleWorker, swarm.NodeStateReady, swarm.NodeAvailabilityPause),
	}}
	got, err := ListNodes(t.Context(), api)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id                      string
		manager, ready, drained bool
	}
	var rows []row
	for _, n := range got {
		if !n.Joined || n.Hostname != "h-"+n.ID || n.Addr != "10.0.0."+n.ID {
			t.Errorf("node %+v: want joined, with its hostname and address", n)
		}
		rows = append(rows, row{n.ID, n.Manager, n.Ready, n.Drained})
	}
	want := []row{{"2", true, true, false}, {"1", false, true, false}, {"3", false, false, true}, {"4", false, false, false}, {"5", false, false, true}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("ListNodes = %+v\nwant %+v", rows, want)
	}
}
