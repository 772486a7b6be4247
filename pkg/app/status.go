package app

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// StatusOptions are the inputs of `gazr status`.
type StatusOptions struct {
	IO     *iostreams.IOStreams
	Target func(env string, initSwarm swarmInit) (*Target, error)
	Env    string
	// JSON prints a deploy.StatusReport instead of a table.
	JSON bool
}

func newCmdStatus(f *Factory) *cli.Command {
	opts := &StatusOptions{IO: f.IO, Target: f.LoadTarget}
	return &cli.Command{
		Name:      "status",
		Usage:     "show an environment's services: replicas, version, update state, URL",
		UsageText: "gazr status [--env <name>] [--json]",
		Category:  "deploy",
		Flags:     []cli.Flag{envFlag(), jsonFlag()},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			opts.Env, opts.JSON = cmd.String("env"), cmd.Bool("json")
			return runStatus(ctx, opts)
		},
	}
}

func runStatus(ctx context.Context, opts *StatusOptions) error {
	return onEnvReport(ctx, opts.Target, opts.Env, func(t *Target, api deploy.SwarmAPI, ns string) error {
		list, err := deploy.Status(ctx, api, ns, t.Env.EdgePort)
		if err != nil {
			return err
		}
		return printStatus(opts, t, ns, list, "", operations(ctx, api, t.Env, ns))
	}, func(t *Target, ns, why string) error {
		return printStatus(opts, t, ns, nil, why, deploy.Operations{})
	})
}

// printStatus prints the services of ns; why says why there are none
// when it is not simply that nothing was deployed.
func printStatus(opts *StatusOptions, t *Target, ns string, list []deploy.ServiceStatus, why string, ops deploy.Operations) error {
	if opts.JSON {
		r := deploy.NewStatusReport(t.Env.Name, ns, list)
		r.FormatVersion, r.Operations = JSONFormatVersion, ops
		return printJSON(opts.IO.Out, r)
	}
	if len(list) == 0 {
		if why != "" {
			why = " (" + why + ")"
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s has no services yet%s: gazr deploy --env %s\n", ns, why, t.Env.Name)
		return nil
	}
	w := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SERVICE\tREPLICAS\tHEALTH\tVERSION\tUPDATE\tURL")
	for _, s := range list {
		fmt.Fprintf(w, "%s\t%d/%d\t%s\t%s\t%s\t%s\n", s.Name, s.Running, s.Desired, s.Health(), dash(s.Version), dash(s.Update), dash(s.URL))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	printOperations(opts.IO.Out, ops)
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
