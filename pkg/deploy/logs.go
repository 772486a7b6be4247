package deploy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// LogsOptions select a stack's logs.
type LogsOptions struct {
	Namespace string
	// Service limits the logs to one service (its compose name).
	Service string
	Follow  bool
	// Tail is the number of lines per service to start with ("all").
	Tail string
}

// Logs writes the logs of a stack's services to out, each line prefixed
// with its service's compose name, until the logs end or, with Follow, ctx
// is cancelled.
func Logs(ctx context.Context, api SwarmAPI, o LogsOptions, out io.Writer) error {
	services, err := StackServices(ctx, api, o.Namespace)
	if err != nil {
		return err
	}
	if o.Service == AgentName {
		res, err := api.ServiceInspect(ctx, AgentService(o.Namespace), client.ServiceInspectOptions{})
		if err != nil {
			return fmt.Errorf("no agent in %s: a deploy installs it when the env has a schedule ([[env.<name>.schedule]]) or experiments to run (every in [env.<name>.chaos]): %w", o.Namespace, err)
		}
		services = []swarm.Service{res.Service}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, len(services))
	found := false
	for _, s := range services {
		short := s.Spec.Name[len(o.Namespace)+1:]
		if o.Service != "" && short != o.Service {
			continue
		}
		found = true
		rc, err := api.ServiceLogs(ctx, s.ID, client.ServiceLogsOptions{ShowStdout: true, ShowStderr: true, Follow: o.Follow, Tail: o.Tail})
		if err != nil {
			return fmt.Errorf("logs of %s: %w", short, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer rc.Close()
			pr, pw := io.Pipe()
			go func() { _, err := stdcopy.StdCopy(pw, pw, rc); pw.CloseWithError(err) }()
			sc := bufio.NewScanner(pr)
			sc.Buffer(make([]byte, 64*1024), 1024*1024)
			for sc.Scan() {
				mu.Lock()
				fmt.Fprintf(out, "%-12s | %s\n", short, sc.Text())
				mu.Unlock()
			}
			if err := sc.Err(); err != nil && ctx.Err() == nil {
				errs <- err
			}
		}()
	}
	if !found && o.Service == "" {
		return fmt.Errorf("no services in %s: nothing is deployed there (see gazr status)", o.Namespace)
	}
	if !found {
		return fmt.Errorf("no service %q in %s (see gazr status)", o.Service, o.Namespace)
	}
	wg.Wait()
	close(errs)
	return <-errs
}
