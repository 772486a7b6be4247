package integration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"
)

// history SERVICE — print every task of SERVICE, oldest first: when its
// state last changed, its slot and node, its state and error; then the
// swarm's node events since the script started.
func cmdHistory(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: history SERVICE")
	}
	r := bedState(ts)
	for _, l := range r.taskHistory(context.Background(), args[0]) {
		fmt.Fprintln(ts.Stdout(), l)
	}
	for _, l := range r.nodeEvents(context.Background(), r.scriptStart) {
		fmt.Fprintln(ts.Stdout(), l)
	}
}

// taskHistory describes every task of service, newest last: node, state,
// error, and when its state last changed.
func (r *bedRun) taskHistory(ctx context.Context, service string) []string {
	m, err := r.manager()
	if err != nil {
		return []string{err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tasks, err := m.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", service)})
	if err != nil {
		return []string{err.Error()}
	}
	hosts := map[string]string{}
	if nodes, err := m.NodeList(ctx, client.NodeListOptions{}); err == nil {
		for _, n := range nodes.Items {
			hosts[n.ID] = n.Description.Hostname
		}
	}
	items := tasks.Items
	slices.SortFunc(items, func(a, b swarm.Task) int { return a.Status.Timestamp.Compare(b.Status.Timestamp) })
	var out []string
	for _, t := range items {
		out = append(out, fmt.Sprintf("%s task %d on %s: %s (desired %s) %s %s", t.Status.Timestamp.Format("15:04:05.000"),
			t.Slot, hosts[t.NodeID], t.Status.State, t.DesiredState, t.Status.Message, t.Status.Err))
	}
	return out
}

// nodeEvents describes the swarm's node events since t0, as a manager
// saw them: when a node went down or came back, by its state.
func (r *bedRun) nodeEvents(ctx context.Context, t0 time.Time) []string {
	m, err := r.manager()
	if err != nil {
		return []string{err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res := m.Events(ctx, client.EventsListOptions{Since: strconv.FormatInt(t0.Unix(), 10),
		Until: strconv.FormatInt(time.Now().Unix()+1, 10), Filters: client.Filters{}.Add("type", "node")})
	var out []string
	for {
		select {
		case e, ok := <-res.Messages:
			if !ok {
				return out
			}
			out = append(out, fmt.Sprintf("%s node %s %s %v", time.Unix(0, e.TimeNano).Format("15:04:05.000"),
				e.Actor.Attributes["name"], e.Action, e.Actor.Attributes))
		case err := <-res.Err:
			if err != nil && !errors.Is(err, io.EOF) {
				out = append(out, err.Error())
			}
			return out
		}
	}
}
