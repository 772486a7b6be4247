package app

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/chaos"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// ChaosOptions are the inputs of `gazr chaos`.
type ChaosOptions struct {
	IO         *iostreams.IOStreams
	Target     func(env string, initSwarm swarmInit) (*Target, error)
	Env        string
	Experiment chaos.Experiment
	Choose     chaos.ChooseOptions
	DryRun     bool
	Yes        bool
	JSON       bool
}

func newCmdChaos(f *Factory) *cli.Command {
	opts := &ChaosOptions{IO: f.IO, Target: f.LoadTarget}
	return &cli.Command{
		Name:  "chaos",
		Usage: "inject a fault in an environment and test that its services stay up",
		UsageText: "gazr chaos [--env <name>] <experiment> [--service <name>] [--node <name>] [--force] [--dry-run] [--yes] [--json]\n" +
			"gazr chaos --list",
		Category: "deploy",
		Description: "Measures the steady state through the env's edge (requests to every routed service,\n" +
			"their failures and latency), injects one fault, waits until every service runs its\n" +
			"replicas again, brings a node it took out back, and measures again. Exit 0 when the\n" +
			"hypothesis ([env.<name>.chaos] in .gazr.toml) held, 1 when it did not, 2 when a\n" +
			"guardrail refused (docs/chaos.md).\n\n" +
			"Examples:\n" +
			"  $ gazr chaos --list\n" +
			"  $ gazr chaos --env staging kill-task --service web\n" +
			"  $ gazr chaos --env staging kill-node --dry-run",
		Flags: []cli.Flag{envFlag(),
			&cli.BoolFlag{Name: "list", Aliases: []string{"l"}, Usage: "list the experiments and what each does"},
			&cli.StringFlag{Name: "service", Aliases: []string{"s"}, Usage: "kill-task: the `service` to kill a task of (default: any with 2 replicas or more)"},
			&cli.StringFlag{Name: "node", Usage: "kill-node, drain-node: the `node` (hostname or ID; default: a worker, one running the stack's tasks first)"},
			&cli.BoolFlag{Name: "force", Usage: "hit a service that runs fewer than 2 replicas (an outage: the hypothesis is meant to fail)"},
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "say what would be hit and change nothing"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask for confirmation"},
			jsonFlag(),
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Bool("list") {
				if cmd.Args().Len() > 0 || cmd.String("service") != "" || cmd.String("node") != "" {
					return &UsageError{Err: fmt.Errorf("--list lists the experiments: it takes no experiment, --service or --node")}
				}
				if cmd.Bool("json") {
					return printJSON(opts.IO.Out, experimentList{FormatVersion: JSONFormatVersion, Experiments: chaos.Experiments})
				}
				return printExperiments(opts.IO)
			}
			exp, err := parseChaos(cmd)
			if err != nil {
				return &UsageError{Err: err}
			}
			opts.Env, opts.Experiment = cmd.String("env"), exp
			opts.Choose = chaos.ChooseOptions{Service: cmd.String("service"), Node: cmd.String("node"), Force: cmd.Bool("force")}
			opts.DryRun, opts.Yes, opts.JSON = cmd.Bool("dry-run"), cmd.Bool("yes"), cmd.Bool("json")
			return runChaos(ctx, opts)
		},
	}
}

// parseChaos reads the experiment of the command line and checks that
// its flags fit it.
func parseChaos(cmd *cli.Command) (chaos.Experiment, error) {
	args := cmd.Args().Slice()
	names := strings.Join(chaos.Names(), ", ")
	switch {
	case len(args) == 0:
		return chaos.Experiment{}, fmt.Errorf("chaos needs an experiment: %s (gazr chaos --list says what each does)", names)
	case len(args) > 1:
		return chaos.Experiment{}, fmt.Errorf("chaos runs one experiment at a time, got %q (flags go before it or after it: --service, --node)", strings.Join(args, " "))
	}
	exp, ok := chaos.Find(args[0])
	if !ok {
		hint := ""
		if s := config.Suggest(args[0], chaos.Names()); s != "" {
			hint = fmt.Sprintf("; did you mean %q?", s)
		}
		return exp, fmt.Errorf("unknown experiment %q%s (known: %s)", args[0], hint, names)
	}
	switch {
	case exp.Node && cmd.String("service") != "":
		return exp, fmt.Errorf("%s takes a node out, whatever runs there: --service does not apply (use --node)", exp.Name)
	case !exp.Node && cmd.String("node") != "":
		return exp, fmt.Errorf("%s kills a task of a service: --node does not apply (use --service, or kill-node)", exp.Name)
	}
	return exp, nil
}

func printExperiments(io *iostreams.IOStreams) error {
	w := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EXPERIMENT\tWHAT IT DOES")
	for _, e := range chaos.Experiments {
		fmt.Fprintf(w, "%s\t%s\n", e.Name, e.Does)
	}
	return w.Flush()
}

func runChaos(ctx context.Context, opts *ChaosOptions) error {
	return onEnv(ctx, opts.Target, opts.Env, func(t *Target, api deploy.SwarmAPI, ns string) error {
		cs := opts.IO.ColorScheme()
		if !t.Env.Chaos.Enabled {
			return &chaos.RefusedError{Reason: fmt.Sprintf("env %s forbids chaos experiments (enabled = false in [env.%s.chaos] of %s)", t.Env.Name, t.Env.Name, config.FileName)}
		}
		if !opts.DryRun {
			if err := confirmChaos(opts, t); err != nil {
				return err
			}
		}
		r, err := chaos.Run(ctx, chaos.Options{Backend: t.Backend, API: api, Env: t.Env, Namespace: ns,
			Experiment: opts.Experiment, Choose: opts.Choose, DryRun: opts.DryRun, Out: opts.IO.ErrOut})
		if r == nil {
			return err
		}
		r.FormatVersion = JSONFormatVersion
		if opts.JSON {
			if perr := printJSON(opts.IO.Out, r); perr != nil {
				return perr
			}
		} else if !r.DryRun && len(r.Phases) > 0 {
			if perr := r.Print(opts.IO.Out); perr != nil {
				return perr
			}
		}
		switch {
		case err != nil:
			return err
		case r.DryRun:
			printDryChaos(opts.IO, r)
			return nil
		case r.Held:
			fmt.Fprintf(opts.IO.ErrOut, "%s the steady state held: %s\n", cs.Green("✔"), r.Summary())
			return nil
		case r.Aborted:
			return fmt.Errorf("%s", strings.Join(r.Why, "; "))
		}
		return fmt.Errorf("the steady state did not hold: %s", strings.Join(r.Why, "; "))
	})
}

// printDryChaos says what an experiment would hit and test.
func printDryChaos(io *iostreams.IOStreams, r *chaos.Report) {
	w := io.ErrOut
	fmt.Fprintf(w, "%s would hit %s in %s\n", r.Experiment, r.Target, r.Namespace)
	if len(r.Probed) == 0 {
		fmt.Fprintf(w, "probe: no routed service; only recovery would be tested\n")
	}
	for _, p := range r.Probed {
		fmt.Fprintf(w, "probe: http://%s%s (%s)\n", p.Host, p.Path, p.Service)
	}
	fmt.Fprintf(w, "through: %s, at %d req/s, %gs before and after\n", orNone(strings.Join(r.Edges, ", ")), r.Hypothesis.Rate, r.Hypothesis.BaselineSeconds)
	fmt.Fprintf(w, "hypothesis: at most %d failed request(s), p99 ≤ %s, every service back to its replicas within %gs\n",
		r.Hypothesis.MaxFailed, r.Hypothesis.MaxP99, r.Hypothesis.MaxRecoverySeconds)
	fmt.Fprintln(w, "nothing was hit (dry run)")
}

// confirmChaos asks before an experiment on an env that wants
// confirmation.
func confirmChaos(opts *ChaosOptions, t *Target) error {
	if opts.Yes || !t.Env.Confirm {
		return nil
	}
	if !opts.IO.StdinTTY {
		return &UsageError{Err: fmt.Errorf("env %s asks for confirmation: pass --yes to run %s without a terminal", t.Env.Name, opts.Experiment.Name)}
	}
	fmt.Fprintf(opts.IO.ErrOut, "Run %s on %s? [y/N] ", opts.Experiment.Name, t.Env.Name)
	line, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return fmt.Errorf("%s on %s cancelled: nothing was hit", opts.Experiment.Name, t.Env.Name)
	}
	return nil
}

// experimentList is what `gazr chaos --list --json` prints.
type experimentList struct {
	FormatVersion int                `json:"format_version"`
	Experiments   []chaos.Experiment `json:"experiments"`
}
