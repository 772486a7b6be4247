// Package awsproto is what gazr and its gazr-aws helper say to each other:
// one JSON Request on the helper's stdin, one JSON Response on its stdout,
// one process per call. The helper holds the AWS SDK (kept out of the gazr
// binary, whose every start would pay its package init); gazr holds the
// swarm logic. cmd/gazr-aws/proto.go is this file with another package
// clause, kept identical by a test (pkg/deploy/aws); bump Version on any
// change a gazr or helper of another release would misread.
package main

import "time"

// Version is the protocol's version; `gazr-aws --protocol` prints the
// helper's, and each side refuses a message of another version.
const Version = 1

// Operations (Request.Op).
const (
	// OpDescribe: the env's two groups with their instances (every state
	// but terminated ones older than the API keeps), sizes and scheduled
	// actions. Response.Cluster.
	OpDescribe = "describe"
	// OpRegistryLogin: ECR's GetAuthorizationToken. Response.Registry.
	OpRegistryLogin = "registry-login"
	// OpEnsureRepository: Request.Repository exists in ECR, created when
	// missing. Response.Created.
	OpEnsureRepository = "ensure-repository"
	// OpSetDesired: the desired capacity of Request.Role's Auto Scaling
	// group becomes Request.Desired; outside the group's min/max it is
	// refused (Error.Code OutOfRange). Response.Group (after).
	OpSetDesired = "set-desired"
	// OpTerminateInGroup: TerminateInstanceInAutoScalingGroup for each of
	// Request.InstanceIDs, with the desired capacity decremented when
	// Request.Decrement.
	OpTerminateInGroup = "terminate-in-group"
	// OpStopInstances: EC2 StopInstances (Request.Force: forced, as
	// abrupt as EC2 allows).
	OpStopInstances = "stop-instances"
	// OpStartInstances: EC2 StartInstances.
	OpStartInstances = "start-instances"
	// OpTerminateInstances: EC2 TerminateInstances.
	OpTerminateInstances = "terminate-instances"
	// OpPutSchedule: Request.Schedule becomes the scheduled actions gazr
	// manages (names starting with ManagedPrefix) on Request.Role's group:
	// missing ones put, changed ones replaced, others of gazr's deleted;
	// actions of other names are kept. Response.Changes, one line each.
	OpPutSchedule = "put-schedule"
)

// ManagedPrefix starts the names of the scheduled actions gazr writes.
const ManagedPrefix = "gazr-"

// Roles of a group (Request.Role).
const (
	RoleManagers = "managers"
	RoleWorkers  = "workers"
)

// Request is one call.
type Request struct {
	Version int    `json:"version"`
	Op      string `json:"op"`
	Target  Target `json:"target"`

	// Role is the group an operation acts on: RoleManagers or RoleWorkers.
	Role        string            `json:"role,omitempty"`
	Desired     int               `json:"desired,omitempty"`
	InstanceIDs []string          `json:"instance_ids,omitempty"`
	Force       bool              `json:"force,omitempty"`
	Decrement   bool              `json:"decrement,omitempty"`
	Repository  string            `json:"repository,omitempty"`
	Schedule    []ScheduledAction `json:"schedule,omitempty"`
}

// Target is the env's account and groups, from [env.X.aws].
type Target struct {
	// Region, Profile: empty for the SDK's defaults (AWS_REGION,
	// AWS_PROFILE, the shared config).
	Region  string `json:"region,omitempty"`
	Profile string `json:"profile,omitempty"`
	// EndpointURL sends every call there (a test double); empty for the
	// SDK's own resolution, which honours AWS_ENDPOINT_URL.
	EndpointURL string   `json:"endpoint_url,omitempty"`
	Managers    Selector `json:"managers"`
	Workers     Selector `json:"workers"`
}

// Selector finds a group's instances: by Auto Scaling group name, or by
// tags (every tag must match; the group is then the one the instances'
// aws:autoscaling:groupName tag names, if any).
type Selector struct {
	ASG  string            `json:"asg,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`
}

// Response is a call's result: Error, or the field of its operation.
type Response struct {
	Version  int       `json:"version"`
	Error    *Error    `json:"error,omitempty"`
	Cluster  *Cluster  `json:"cluster,omitempty"`
	Registry *Registry `json:"registry,omitempty"`
	Group    *Group    `json:"group,omitempty"`
	Created  bool      `json:"created,omitempty"`
	Changes  []string  `json:"changes,omitempty"`
}

// Cluster is the env's two groups.
type Cluster struct {
	Region   string `json:"region"`
	Managers Group  `json:"managers"`
	Workers  Group  `json:"workers"`
}

// Group is the instances a Selector found, and their Auto Scaling group.
type Group struct {
	// ASG is the Auto Scaling group's name; empty when the instances
	// belong to none (then Min, Max, Desired are 0 and meaningless).
	ASG     string `json:"asg,omitempty"`
	Min     int    `json:"min"`
	Max     int    `json:"max"`
	Desired int    `json:"desired"`
	// Searched says what was looked for ("Auto Scaling group
	// swarm-worker-staging-asg", "instances tagged Name=SwarmWorker-staging"),
	// for messages.
	Searched  string            `json:"searched"`
	Instances []Instance        `json:"instances"`
	Scheduled []ScheduledAction `json:"scheduled,omitempty"`
}

// Instance is an EC2 instance of a group.
type Instance struct {
	ID string `json:"id"`
	// State is EC2's: pending, running, stopping, stopped, shutting-down,
	// terminated.
	State     string `json:"state"`
	PrivateIP string `json:"private_ip,omitempty"`
	PublicIP  string `json:"public_ip,omitempty"`
	// Zone is the availability zone.
	Zone string            `json:"zone,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`
	// Lifecycle is the Auto Scaling lifecycle state (InService,
	// Terminating…); empty outside a group.
	Lifecycle  string    `json:"lifecycle,omitempty"`
	LaunchTime time.Time `json:"launch_time"`
}

// Registry is an ECR login.
type Registry struct {
	// Host is the registry as it prefixes image references
	// ("123456789012.dkr.ecr.eu-west-3.amazonaws.com"), without scheme.
	Host     string    `json:"host"`
	Username string    `json:"username"`
	Password string    `json:"password"`
	Expires  time.Time `json:"expires"`
}

// ScheduledAction is an Auto Scaling scheduled action on a group.
type ScheduledAction struct {
	Name string `json:"name"`
	// Recurrence is the cron expression, read in TimeZone ("" is UTC).
	Recurrence string `json:"recurrence"`
	TimeZone   string `json:"time_zone,omitempty"`
	Desired    int    `json:"desired"`
	// Next is the action's next start time (from the API; zero when a
	// request carries it).
	Next time.Time `json:"next,omitzero"`
}

// Error codes (Error.Code).
const (
	// CodeNoCredentials: the SDK found no credentials; Message names the
	// sources it looked at.
	CodeNoCredentials = "NoCredentials"
	// CodeUnknownRegion: no region set, or one the API does not know.
	CodeUnknownRegion = "UnknownRegion"
	// CodeAccessDenied: Error.Action was refused; Error.Permission is the
	// IAM permission it needs ("ec2:DescribeInstances").
	CodeAccessDenied = "AccessDenied"
	// CodeThrottled: still throttled after the SDK's retries.
	CodeThrottled = "Throttled"
	// CodeUnreachable: the API did not answer (network, timeout, 5xx
	// after retries).
	CodeUnreachable = "Unreachable"
	// CodeNotFound: a group, instance or repository named does not exist.
	CodeNotFound = "NotFound"
	// CodeOutOfRange: a desired capacity outside the group's min/max.
	CodeOutOfRange = "OutOfRange"
	// CodeInvalid: a request the helper cannot run (bad op, version).
	CodeInvalid = "Invalid"
	// CodeAPI: any other error the API returned (Message has its code).
	CodeAPI = "API"
)

// Error is a failed call, said in one line by Message; the other fields
// let gazr add what to do.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Action is the API call that failed ("ec2:DescribeInstances").
	Action string `json:"action,omitempty"`
	// Permission is the IAM permission the call needs, with AccessDenied.
	Permission string `json:"permission,omitempty"`
}

func (e *Error) Error() string { return e.Message }
