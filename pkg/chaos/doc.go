// Package chaos runs the experiments of `gazr chaos` on an env's swarm:
// it measures the steady state through the env's edge (the probe), injects
// one fault through the env's backend (a killed task, a killed or drained
// node), waits for the swarm to recover, brings a node it took out back,
// measures again, and tells whether the steady-state hypothesis held.
//
// The parts, in the order an experiment uses them:
//   - experiments.go: the experiments, and Choose, which picks what one
//     hits from a Snapshot of the swarm and applies the guardrails (a
//     service with one replica, a manager whose loss breaks quorum, a
//     single-node swarm) before anything changes;
//   - probe.go: HTTP requests at a bounded rate, counted per phase
//     (before, during, after), with their latency percentiles;
//   - run.go: Run, the experiment itself, under the stack's deploy lock,
//     recorded in the stack's history;
//   - report.go: the Report, as a table or JSON.
package chaos
