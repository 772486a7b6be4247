package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

// Experiment is one kind of fault.
type Experiment struct {
	Name string `json:"name"`
	// Does says what it does, for `gazr chaos --list`.
	Does string `json:"does"`
	// Node: the fault hits a node (--node), not a task (--service).
	Node bool `json:"node"`
}

// Experiments are the faults gazr chaos injects.
var Experiments = []Experiment{
	{Name: "kill-task", Does: "kills one running task of a service (SIGKILL of its container); swarm starts a replacement"},
	{Name: "kill-node", Node: true, Does: "takes a node out as abruptly as the backend can (stops its instance or VM; drains it on the local backend); swarm reschedules its tasks; the node is brought back afterwards"},
	{Name: "drain-node", Node: true, Does: "drains a node: swarm moves its tasks to the other nodes (start-first, health-gated); the node is made active again afterwards"},
}

// Find returns the experiment named name.
func Find(name string) (Experiment, bool) {
	i := slices.IndexFunc(Experiments, func(e Experiment) bool { return e.Name == name })
	if i < 0 {
		return Experiment{}, false
	}
	return Experiments[i], true
}

// Names lists the experiments' names.
func Names() []string {
	var out []string
	for _, e := range Experiments {
		out = append(out, e.Name)
	}
	return out
}

// RefusedError is a guardrail's refusal: nothing was hit. gazr exits 2.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return e.Reason }

func refuse(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// Snapshot is the state of the swarm an experiment is chosen from.
type Snapshot struct {
	Namespace string
	Nodes     []swarm.Node
	// Services are the stack's services (jobs excluded).
	Services []swarm.Service
	// Running are the stack's tasks that run and are meant to.
	Running []swarm.Task
	// Self is the node of the manager gazr talks to.
	Self string
}

// TakeSnapshot reads the swarm's nodes and the stack's running tasks.
func TakeSnapshot(ctx context.Context, api deploy.SwarmAPI, ns string) (*Snapshot, error) {
	s := &Snapshot{Namespace: ns}
	info, err := api.Info(ctx, client.InfoOptions{})
	if err != nil {
		return nil, fmt.Errorf("engine info: %w", err)
	}
	s.Self = info.Info.Swarm.NodeID
	nodes, err := api.NodeList(ctx, client.NodeListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	s.Nodes = nodes.Items
	if s.Services, err = deploy.StackServices(ctx, api, ns); err != nil {
		return nil, err
	}
	tasks, err := api.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.
		Add("label", convert.LabelNamespace+"="+ns).Add("desired-state", "running")})
	if err != nil {
		return nil, fmt.Errorf("list tasks of %s: %w", ns, err)
	}
	for _, t := range tasks.Items {
		if t.Status.State == swarm.TaskStateRunning && s.service(t.ServiceID) != nil {
			s.Running = append(s.Running, t)
		}
	}
	return s, nil
}

func (s *Snapshot) service(id string) *swarm.Service {
	for i := range s.Services {
		if s.Services[i].ID == id {
			return &s.Services[i]
		}
	}
	return nil
}

// short is a service's name without the stack's prefix ("web").
func (s *Snapshot) short(name string) string { return strings.TrimPrefix(name, s.Namespace+"_") }

func (s *Snapshot) running(serviceID, notOn string) []swarm.Task {
	var out []swarm.Task
	for _, t := range s.Running {
		if t.ServiceID == serviceID && (notOn == "" || t.NodeID != notOn) {
			out = append(out, t)
		}
	}
	return out
}

func (s *Snapshot) node(id string) *swarm.Node {
	for i := range s.Nodes {
		if s.Nodes[i].ID == id {
			return &s.Nodes[i]
		}
	}
	return nil
}

// NodeName is a node's hostname, else its ID.
func NodeName(n *swarm.Node) string {
	if n.Description.Hostname != "" {
		return n.Description.Hostname
	}
	return n.ID
}

func active(n swarm.Node) bool {
	return n.Status.State == swarm.NodeStateReady && n.Spec.Availability == swarm.NodeAvailabilityActive
}

// Choice says what an experiment hits.
type Choice struct {
	Experiment Experiment
	// Service is the service a task is killed of, Tasks the candidates in
	// the order they are tried (a backend that cannot reach a task's node
	// says so, and the next is tried).
	Service *swarm.Service
	Tasks   []swarm.Task
	// Node is the node taken out (node experiments).
	Node *swarm.Node
	snap *Snapshot
}

// Describe says what the choice hits, for messages and the report.
func (c *Choice) Describe(s *Snapshot) string {
	if c.Node != nil {
		return "node " + NodeName(c.Node)
	}
	t := c.Tasks[0]
	return fmt.Sprintf("a task of %s (%s.%d on node %s)", s.short(c.Service.Spec.Name), c.Service.Spec.Name, t.Slot, c.nodeName(t.NodeID))
}

// nodeName is the hostname of the node id, else id.
func (c *Choice) nodeName(id string) string {
	if n := c.snap.node(id); n != nil {
		return NodeName(n)
	}
	return id
}

// ChooseOptions narrow what an experiment may hit.
type ChooseOptions struct {
	// Service ("web" or "shop-staging_web") for kill-task; "": any that
	// runs 2 replicas or more.
	Service string
	// Node (hostname or ID, or a unique prefix of the ID) for node
	// experiments; "": a worker, one running the stack's tasks first (see
	// pickNode).
	Node string
	// Force lets an experiment hit a service that runs fewer than 2
	// replicas (an outage: the hypothesis is then meant to fail).
	Force bool
	// Rand picks among equal candidates; nil: math/rand/v2's.
	Rand *rand.Rand
}

// Choose picks what exp hits in s, applying the guardrails: a refusal is
// a *RefusedError.
func Choose(exp Experiment, s *Snapshot, o ChooseOptions) (*Choice, error) {
	shuffle := func(n int, swap func(i, j int)) {
		if o.Rand != nil {
			o.Rand.Shuffle(n, swap)
		} else {
			rand.Shuffle(n, swap)
		}
	}
	choose := chooseTask
	if exp.Node {
		choose = chooseNode
	}
	c, err := choose(exp, s, o, shuffle)
	if c != nil {
		c.snap = s
	}
	return c, err
}

func chooseTask(exp Experiment, s *Snapshot, o ChooseOptions, shuffle func(int, func(i, j int))) (*Choice, error) {
	var candidates []*swarm.Service
	if o.Service != "" {
		svc := s.byName(o.Service)
		if svc == nil {
			return nil, refuse("no service %q in %s (known: %s)", o.Service, s.Namespace, s.names())
		}
		candidates = []*swarm.Service{svc}
	} else {
		for i := range s.Services {
			if s.Services[i].Spec.Mode.Replicated != nil && len(s.running(s.Services[i].ID, "")) >= 2 {
				candidates = append(candidates, &s.Services[i])
			}
		}
		if len(candidates) == 0 {
			if len(s.Services) == 0 {
				return nil, refuse("%s has no services: deploy it first", s.Namespace)
			}
			return nil, refuse("no service of %s runs 2 replicas or more: killing the only task of one is an outage, not an experiment; name one with --service and pass --force to do it anyway", s.Namespace)
		}
		shuffle(len(candidates), func(i, j int) { candidates[i], candidates[j] = candidates[j], candidates[i] })
	}
	svc := candidates[0]
	tasks := s.running(svc.ID, "")
	switch {
	case len(tasks) == 0:
		return nil, refuse("%s runs no task to kill (see gazr status)", s.short(svc.Spec.Name))
	case len(tasks) < 2 && !o.Force:
		return nil, refuse("%s runs 1 replica: killing it is an outage, not an experiment; scale it to 2 or more, or pass --force to see the outage", s.short(svc.Spec.Name))
	}
	shuffle(len(tasks), func(i, j int) { tasks[i], tasks[j] = tasks[j], tasks[i] })
	return &Choice{Experiment: exp, Service: svc, Tasks: tasks}, nil
}

func (s *Snapshot) byName(name string) *swarm.Service {
	for i := range s.Services {
		if n := s.Services[i].Spec.Name; n == name || s.short(n) == name {
			return &s.Services[i]
		}
	}
	return nil
}

func (s *Snapshot) names() string {
	var out []string
	for _, svc := range s.Services {
		out = append(out, s.short(svc.Spec.Name))
	}
	slices.Sort(out)
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func chooseNode(exp Experiment, s *Snapshot, o ChooseOptions, shuffle func(int, func(i, j int))) (*Choice, error) {
	var ready []*swarm.Node
	for i := range s.Nodes {
		if active(s.Nodes[i]) {
			ready = append(ready, &s.Nodes[i])
		}
	}
	if len(ready) < 2 {
		return nil, refuse("%s on a swarm of %d ready node(s) is an outage, not an experiment: the swarm has no other node to move the tasks to (add nodes, or try kill-task)", exp.Name, len(ready))
	}
	var n *swarm.Node
	if o.Node != "" {
		var err error
		if n, err = s.findNode(o.Node); err != nil {
			return nil, err
		}
		if !active(*n) {
			return nil, refuse("node %s is %s and %s: it takes no tasks, so taking it out tests nothing", NodeName(n), n.Status.State, n.Spec.Availability)
		}
	} else {
		n = s.pickNode(ready, shuffle)
		if n == nil {
			return nil, refuse("no node but the manager gazr talks to can be taken out; name one with --node")
		}
	}
	if exp.Name == "kill-node" && n.ID == s.Self {
		return nil, refuse("node %s is the manager gazr talks to: name another node (a manager's loss is tested from another manager)", NodeName(n))
	}
	if exp.Name == "kill-node" && n.ManagerStatus != nil {
		if err := s.quorum(n); err != nil {
			return nil, err
		}
	}
	if !o.Force {
		for _, svc := range s.Services {
			on := len(s.running(svc.ID, "")) - len(s.running(svc.ID, n.ID))
			if on > 0 && len(s.running(svc.ID, n.ID)) == 0 {
				return nil, refuse("%s runs all its tasks on node %s: taking it out is an outage, not an experiment; scale it to 2 or more on other nodes, or pass --force to see the outage", s.short(svc.Spec.Name), NodeName(n))
			}
		}
	}
	return &Choice{Experiment: exp, Node: n}, nil
}

// pickNode prefers a worker that runs the stack's tasks, then any
// worker, then a manager that runs the stack's tasks, then any manager:
// workers first, as a manager's loss costs its edge and a raft vote. Never
// the manager gazr talks to.
func (s *Snapshot) pickNode(ready []*swarm.Node, shuffle func(int, func(i, j int))) *swarm.Node {
	busy := func(n *swarm.Node) bool {
		return slices.ContainsFunc(s.Running, func(t swarm.Task) bool { return t.NodeID == n.ID })
	}
	var tiers [4][]*swarm.Node
	for _, n := range ready {
		if n.ID == s.Self {
			continue
		}
		tier := 0
		if n.ManagerStatus != nil {
			tier = 2
		}
		if !busy(n) {
			tier++
		}
		tiers[tier] = append(tiers[tier], n)
	}
	for _, tier := range tiers {
		if len(tier) > 0 {
			shuffle(len(tier), func(i, j int) { tier[i], tier[j] = tier[j], tier[i] })
			return tier[0]
		}
	}
	return nil
}

func (s *Snapshot) findNode(name string) (*swarm.Node, error) {
	var match []*swarm.Node
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if n.ID == name || n.Description.Hostname == name {
			return n, nil
		}
		if strings.HasPrefix(n.ID, name) {
			match = append(match, n)
		}
	}
	switch len(match) {
	case 1:
		return match[0], nil
	case 0:
		var names []string
		for i := range s.Nodes {
			names = append(names, NodeName(&s.Nodes[i]))
		}
		slices.Sort(names)
		return nil, refuse("no node %q in the swarm (nodes: %s)", name, strings.Join(names, ", "))
	}
	return nil, refuse("%q is the start of %d node IDs: give more of it, or the hostname", name, len(match))
}

// quorum refuses to stop manager n when the managers left reachable
// would not be a majority: raft would stop, and with it the swarm's
// control plane.
func (s *Snapshot) quorum(n *swarm.Node) error {
	managers, reachable := 0, 0
	for _, m := range s.Nodes {
		if m.ManagerStatus == nil {
			continue
		}
		managers++
		if m.ManagerStatus.Reachability == swarm.ReachabilityReachable {
			reachable++
		}
	}
	if left := reachable - 1; left <= managers/2 {
		return refuse("stopping manager %s would leave %d of %d managers reachable: the swarm would lose its raft majority; take out a worker, or add managers first", NodeName(n), left, managers)
	}
	return nil
}
