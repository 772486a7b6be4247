package app

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/deploy"
)

func newCmdClusterStatus(opts *ClusterOptions) *cli.Command {
	return &cli.Command{
		Name:      "status",
		Usage:     "list the swarm's nodes and their machines, and the schedule in force",
		UsageText: "gazr cluster status [--env <name>] [--json]",
		Description: "One line per node: hostname, role, swarm state (ready, down, drained, or not\n" +
			"joined for a machine that has not joined yet), machine state, instance, group,\n" +
			"zone or host, address. Where the backend runs a schedule of workers, its\n" +
			"scheduled changes follow, compared with the env's configured schedule.\n\n" +
			"Examples:\n" +
			"  $ gazr cluster status --env staging\n" +
			"  $ gazr cluster status --env staging --json | jq '.nodes[] | select(.swarm != \"ready\")'",
		Flags: []cli.Flag{envFlag(), jsonFlag()},
		Action: clusterAction(opts, false, func(ctx context.Context, o *ClusterOptions, cmd *cli.Command) error {
			o.JSON = cmd.Bool("json")
			return runClusterStatus(ctx, o)
		}),
	}
}

func runClusterStatus(ctx context.Context, opts *ClusterOptions) error {
	t, err := clusterTarget(opts, "cluster status", nil)
	if err != nil {
		return err
	}
	nodes, err := t.Backend.Nodes(ctx)
	if err != nil {
		return managerError(t.Env, err)
	}
	st := deploy.ClusterStatus{Env: t.Env.Name, Backend: t.Backend.Name(), Nodes: make([]deploy.NodeStatus, 0, len(nodes))}
	for _, n := range nodes {
		st.Nodes = append(st.Nodes, nodeStatusOf(n))
	}
	if t.Backend.Properties().Schedule {
		in, err := t.Backend.Schedule(ctx)
		if err != nil {
			return managerError(t.Env, err)
		}
		st.Schedule = compareSchedule(in, t.Env.WorkerSchedule())
	}
	if opts.JSON {
		st.FormatVersion = JSONFormatVersion
		return printJSON(opts.IO.Out, st)
	}
	if len(st.Nodes) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "env %s: the %s backend lists no node\n", st.Env, st.Backend)
	} else if err := printNodes(opts.IO.Out, st.Nodes); err != nil {
		return err
	}
	if st.Schedule != nil {
		return printSchedule(opts.IO.Out, st.Schedule, t.Env.Name, "[env."+t.Env.Name+"."+t.Env.Backend+"]")
	}
	return nil
}

func nodeStatusOf(n deploy.Node) deploy.NodeStatus {
	s := deploy.NodeStatus{ID: n.ID, Hostname: n.Hostname, Role: "worker", Machine: string(n.Machine),
		Instance: n.Instance, Group: n.Group, Host: n.Host, Address: n.Addr}
	if n.Manager {
		s.Role = "manager"
	}
	switch {
	case !n.Joined:
		s.Swarm = "not_joined"
	case n.Drained:
		s.Swarm = "drained"
	case n.Ready:
		s.Swarm = "ready"
	default:
		s.Swarm = "down"
	}
	return s
}

func printNodes(out io.Writer, nodes []deploy.NodeStatus) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NODE\tROLE\tSWARM\tMACHINE\tINSTANCE\tGROUP\tHOST\tADDRESS")
	for _, n := range nodes {
		swarm := n.Swarm
		if swarm == "not_joined" {
			swarm = "not joined"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", dash(n.Hostname), n.Role, swarm, dash(n.Machine),
			dash(n.Instance), dash(n.Group), dash(n.Host), dash(n.Address))
	}
	return w.Flush()
}

// nextIn formats t in the time zone tz ("" is UTC), where a cron
// expression of that zone reads best.
func nextIn(t time.Time, tz string) string {
	if t.IsZero() {
		return "-"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}
