package deploy

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// JobError is a one-off job (upgrade, backup) that failed.
type JobError struct {
	Job      string
	ExitCode int
	Err      string
}

func (e *JobError) Error() string {
	return fmt.Sprintf("%s failed (exit code %d%s); nothing was rolled out, the previous version is still serving", e.Job, e.ExitCode, suffix(e.Err))
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// RunJob runs script once as a swarm job built from base — the new
// version's image, environment, networks and secrets — streams its output
// to out when it ends, and removes it. The job runs where swarm puts it,
// on the env's networks, so it reaches the same databases as the service.
// auth is the X-Registry-Auth its node pulls the image with, as a
// service's (the job may land on a node that lacks the new image).
func RunJob(ctx context.Context, api SwarmAPI, base swarm.ServiceSpec, job, script, auth string, timeout time.Duration, out io.Writer) error {
	spec := jobSpec(base, job, script)
	res, err := api.ServiceCreate(ctx, client.ServiceCreateOptions{Spec: spec, EncodedRegistryAuth: auth})
	if err != nil {
		return fmt.Errorf("%s: create job: %w", job, err)
	}
	defer removeJob(api, res.ID)
	task, err := waitJob(ctx, api, res.ID, job, timeout)
	printLogs(ctx, api, res.ID, out)
	if err != nil {
		return err
	}
	if task.Status.State != swarm.TaskStateComplete {
		code := 0
		if cs := task.Status.ContainerStatus; cs != nil {
			code = cs.ExitCode
		}
		msg := task.Status.Err
		if msg == fmt.Sprintf("task: non-zero exit (%d)", code) {
			msg = "" // says nothing the exit code does not
		}
		return &JobError{Job: job, ExitCode: code, Err: msg}
	}
	return nil
}

// removeJob removes a job's service, then its tasks' containers: swarm
// leaves those of a removed job behind (moby/moby#42789), which would be
// one more stopped container per deploy. Only the containers of the
// manager's own engine are in reach; the others stay (best effort). It
// uses its own context so that an interrupted deploy cleans up too.
func removeJob(api SwarmAPI, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tasks, _ := api.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", id)})
	_, _ = api.ServiceRemove(ctx, id, client.ServiceRemoveOptions{})
	for _, t := range tasks.Items {
		if cs := t.Status.ContainerStatus; cs != nil && cs.ContainerID != "" {
			_, _ = api.ContainerRemove(ctx, cs.ContainerID, client.ContainerRemoveOptions{Force: true})
		}
	}
}

func jobSpec(base swarm.ServiceSpec, job, script string) swarm.ServiceSpec {
	spec := base
	spec.Name = jobName(base.Name, job, time.Now())
	spec.Labels = map[string]string{}
	for k, v := range base.Labels {
		spec.Labels[k] = v
	}
	spec.Labels["io.gazr.job"] = job
	cs := *base.TaskTemplate.ContainerSpec
	cs.Command, cs.Args = []string{"sh", "-c", script}, nil
	cs.Healthcheck = &container.HealthConfig{Test: []string{"NONE"}}
	spec.TaskTemplate.ContainerSpec = &cs
	spec.TaskTemplate.RestartPolicy = &swarm.RestartPolicy{Condition: swarm.RestartPolicyConditionNone}
	one := uint64(1)
	spec.Mode = swarm.ServiceMode{ReplicatedJob: &swarm.ReplicatedJob{MaxConcurrent: &one, TotalCompletions: &one}}
	spec.UpdateConfig, spec.RollbackConfig = nil, nil
	spec.EndpointSpec = &swarm.EndpointSpec{Mode: swarm.ResolutionModeDNSRR}
	return spec
}

// waitJob polls until the job's task ends.
func waitJob(ctx context.Context, api SwarmAPI, id, job string, timeout time.Duration) (swarm.Task, error) {
	deadline := time.Now().Add(timeout)
	for {
		res, err := api.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", id)})
		if err != nil {
			return swarm.Task{}, fmt.Errorf("%s: %w", job, err)
		}
		for _, t := range res.Items {
			switch t.Status.State {
			case swarm.TaskStateComplete, swarm.TaskStateFailed, swarm.TaskStateRejected, swarm.TaskStateShutdown:
				return t, nil
			}
		}
		if time.Now().After(deadline) {
			return swarm.Task{}, fmt.Errorf("%s did not finish within %s", job, timeout)
		}
		select {
		case <-ctx.Done():
			return swarm.Task{}, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

func printLogs(ctx context.Context, api SwarmAPI, id string, out io.Writer) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	logs, err := api.ServiceLogs(lctx, id, client.ServiceLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return
	}
	defer logs.Close()
	_, _ = stdcopy.StdCopy(out, out, logs)
}

// jobName names a job after its service, within swarm's 63 characters.
func jobName(service, job string, now time.Time) string {
	suffix := fmt.Sprintf("-%s-%d", job, now.Unix())
	if max := 63 - len(suffix); len(service) > max {
		service = service[:max]
	}
	return service + suffix
}
