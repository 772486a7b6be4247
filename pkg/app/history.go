package app

import (
	"context"
	"fmt"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/agent"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// HistoryOptions are the inputs of `gazr history`.
type HistoryOptions struct {
	IO     *iostreams.IOStreams
	Target func(env string, initSwarm swarmInit) (*Target, error)
	Env    string
	// JSON prints a deploy.HistoryReport instead of a table.
	JSON bool
}

func newCmdHistory(f *Factory) *cli.Command {
	opts := &HistoryOptions{IO: f.IO, Target: f.LoadTarget}
	return &cli.Command{
		Name:      "history",
		Usage:     "list an environment's deploys, chaos experiments and schedule changes, newest first (kept in the cluster)",
		UsageText: "gazr history [--env <name>] [--json]",
		Category:  "deploy",
		Flags:     []cli.Flag{envFlag(), jsonFlag()},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			opts.Env, opts.JSON = cmd.String("env"), cmd.Bool("json")
			return runHistory(ctx, opts)
		},
	}
}

func runHistory(ctx context.Context, opts *HistoryOptions) error {
	return onEnvReport(ctx, opts.Target, opts.Env, func(t *Target, api deploy.SwarmAPI, ns string) error {
		records, err := deploy.History(ctx, api, ns)
		if err != nil {
			return err
		}
		return printHistory(opts, t, ns, records, "")
	}, func(t *Target, ns, why string) error {
		return printHistory(opts, t, ns, nil, why)
	})
}

// printHistory prints the records of ns; why says why there are none
// when it is not simply that nothing was deployed.
func printHistory(opts *HistoryOptions, t *Target, ns string, records []deploy.Record, why string) error {
	if opts.JSON {
		r := deploy.NewHistoryReport(t.Env.Name, ns, records)
		r.FormatVersion = JSONFormatVersion
		return printJSON(opts.IO.Out, r)
	}
	if len(records) == 0 {
		if why != "" {
			why = " (" + why + ")"
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s has no deploys yet%s\n", ns, why)
		return nil
	}
	// Chaos experiments and the agent's schedule changes say what they
	// did in a last column, shown only when the history has one.
	noted := func(r deploy.Record) bool { return r.Kind == "chaos" || r.Kind == agent.KindSchedule }
	notes := slices.ContainsFunc(records, noted)
	w := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	header := "WHEN\tKIND\tVERSION\tRESULT\tBY\tTOOK\tPREVIOUS"
	if notes {
		header += "\tNOTE"
	}
	fmt.Fprintln(w, header)
	for _, r := range records {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s", r.At.Local().Format(time.DateTime), r.Kind, dash(r.Version), r.Result, r.By, r.Duration, dash(r.Previous))
		if notes {
			note := "-"
			if noted(r) {
				note = r.Message
			}
			fmt.Fprintf(w, "\t%s", note)
		}
		fmt.Fprintln(w)
	}
	return w.Flush()
}
