// Package awsfake is a stateful fake of the parts of AWS that gazr's aws
// backend uses: EC2, Auto Scaling and ECR, served on their wire protocols
// by one http.Handler so that the real SDK clients (in the gazr-aws
// helper) talk to it through their endpoint setting.
//
// # Wire
//
// One handler serves the three services, routed by the service of the
// SigV4 credential scope in the Authorization header
// (Credential=AKID/20261205/<region>/<service>/aws4_request):
//
//   - ec2: the EC2 Query protocol (form-encoded POST, Version
//     2016-11-15), XML answers with requestId, errors as
//     <Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…;
//   - autoscaling: the AWS Query protocol (Version 2011-01-01),
//     <OpResponse><OpResult>…</OpResult><ResponseMetadata>… answers,
//     errors as <ErrorResponse><Error><Type>Sender</Type><Code>…;
//   - ecr: JSON 1.1 with X-Amz-Target
//     AmazonEC2ContainerRegistry_V20150921.<Op>, errors as
//     {"__type": "…", "message": "…"}.
//
// The scope is checked, not the signature: a missing or malformed
// Authorization, another region than Options.Region, or an access key
// not in Options.AccessKeyIDs is answered with the service's own
// authentication error (EC2 AuthFailure 401, Auto Scaling
// SignatureDoesNotMatch or InvalidClientTokenId 403, ECR
// InvalidSignatureException or UnrecognizedClientException 400).
// Unknown actions get InvalidAction (UnknownOperationException for ECR).
//
// # What is modelled
//
// Instances: ids i-<17 hex>, EC2 states and their transitions (pending →
// running once Machines.Launch returns; stopping → stopped; pending →
// running on start; shutting-down → terminated), private IP (from
// Machines.Launch, or 10.0.x.y without Machines), optional public IP,
// zone, tags, launch time, group membership and Auto Scaling lifecycle
// state (Pending, InService, Terminating, Terminated). Terminated
// instances stay listed by EC2 for Options.TerminatedTTL (1 h) and leave
// their group's listing at once.
//
// EC2: DescribeInstances (InstanceId.N; filters instance-id,
// instance-state-name, instance-state-code, tag:<key>, tag-key,
// tag-value, availability-zone, private-ip-address, ip-address,
// instance-type, with * and ? wildcards; MaxResults 5-1000 and NextToken,
// refused together with InstanceId as EC2 does; one reservation per
// instance), StopInstances (Force), StartInstances, TerminateInstances
// (previous and current states; IncorrectInstanceState when EC2 would
// refuse, and then nothing changes), CreateTags, DeleteTags,
// DescribeTags (instances only). Unknown ids: InvalidInstanceID.NotFound;
// malformed: InvalidInstanceID.Malformed.
//
// Auto Scaling: DescribeAutoScalingGroups (names; tag filters; MaxRecords
// and NextToken; unknown names left out), SetDesiredCapacity
// (ValidationError outside min and max, in AWS's words),
// TerminateInstanceInAutoScalingGroup (InstanceId or InstanceIds;
// ShouldDecrementDesiredCapacity, refused below min; answers Activity and
// Activities), PutScheduledUpdateGroupAction,
// BatchPutScheduledUpdateGroupAction, DeleteScheduledAction,
// DescribeScheduledActions (StartTime and Time are the next run).
//
// The reconciler of each group runs on Reconcile and, with
// Options.ReconcileEvery, in the background (also soon after a group
// changes). While a group's Pending and InService instances are fewer
// than its desired capacity it launches instances, in the zone with the
// fewest, tagged with the group's tags (PropagateAtLaunch) and
// aws:autoscaling:groupName; a failed launch leaves a terminated instance
// and is retried by a later pass. While there are more, it terminates
// the newest first (TerminationPolicy NewestInstance, the fake's
// default) or the oldest (OldestInstance).
//
// Scheduled actions follow the fake's clock (Options.Now; Clock is a
// clock a test moves): a recurring action (a 5-field cron expression read
// in its TimeZone, bounded by StartTime and EndTime) or a one-time action
// (StartTime; deleted once run) that comes due sets the group's min, max
// and desired capacity (desired kept within them), at the next request
// or reconciler pass; several missed runs of one action run once. Fire
// runs one at once.
//
// ECR: GetAuthorizationToken (base64 of "AWS:<password>", expiresAt,
// proxyEndpoint = Options.RegistryEndpoint), DescribeRepositories
// (RepositoryNotFoundException), CreateRepository
// (RepositoryAlreadyExistsException, InvalidParameterException for a
// bad name). There is one password at a time, valid for
// Options.TokenTTL: ExpireToken (or its expiry on the clock) makes a new
// one and calls Options.OnPassword first, so the registry behind it
// refuses the old one.
//
// Faults (Inject): Throttle, ServerError, Silence, NotFound,
// AccessDenied, each in the service's own shape, for a service, an
// operation, or all, a number of times or until ClearFaults. Calls logs
// every request answered, so a test can see a retry.
//
// Machines are pluggable (Machines): the fake calls them outside its
// lock and moves an instance to its next state when they return; with
// none, instances change state at once.
//
// # What is not modelled
//
// Signatures are not verified (only the scope and key). No VPCs, subnets,
// security groups, AMIs, launch templates or instance types beyond a
// name; no RunInstances: instances come from groups or AddInstance. No
// health checks: a stopped instance stays InService in its group (AWS
// would replace it), so that it can be started again. No cooldowns,
// warm pools, lifecycle hooks, instance protection, scaling policies,
// zone rebalancing or AWS's Default termination policy. Scheduled
// actions run at the next request or reconciler pass after they come due,
// not on the minute. ECR holds repositories only: images live in the
// registry behind it (DescribeImages, lifecycle policies and scanning
// are not served), and only one password is valid at a time where AWS
// keeps every token valid until it expires. Error messages follow AWS's
// where known; codes and statuses are AWS's.
package awsfake
