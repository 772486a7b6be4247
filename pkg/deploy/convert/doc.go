// Package convert turns a compose-go project into the swarm objects of one
// stack: networks, secrets, configs and service specs. It is pure: no I/O,
// no clock (Options.Now), and its output is sorted, so that the same input
// gives the same Stack byte for byte.
//
// # Names
//
// The stack namespace is "<project>-<env>". Services are "<ns>_<service>",
// networks and named volumes "<ns>_<key>", secrets and configs
// "<ns>_<key>_<hash8>", hash8 being the first 8 hex digits of the SHA-256
// of the content: swarm secrets and configs are immutable, so new content
// gets a new name and the old object stays until nothing uses it. External
// networks, volumes, secrets and configs keep their own name and are not
// created. The `name:` of a non-external network, volume, secret or config
// is ignored: every object the stack creates is namespaced.
//
// # Labels
//
// Every object carries com.docker.stack.namespace (so `docker stack ls/ps`
// know it), io.gazr.project, io.gazr.env and io.gazr.version; containers
// too; service specs also io.gazr.deployed-by and io.gazr.deployed-at.
// These are gazr's alone: a compose file's own values for them are
// dropped. Other compose labels are kept (`labels` on containers,
// `deploy.labels` on services). Because the version is a container label,
// each new version rolls every service, even one whose image is unchanged.
//
// # What the machine imposes
//
// Swarm's virtual IPs and routing mesh need IPVS, which the target kernel
// lacks. Every service therefore gets EndpointSpec.Mode dnsrr and its ports
// are published in host mode (compose's `mode: ingress` is overridden;
// `deploy.endpoint_mode: vip` is an error). A host-mode published port
// cannot be held by two tasks on one node, so a service that publishes a
// fixed port defaults to update and rollback order stop-first (start-first
// would leave the new task pending forever on a node whose port is taken);
// every other service defaults to start-first.
//
// # Defaults for high availability
//
// Replicas: Options.Replicas, else deploy.replicas (or scale), else 1; then
// raised to Options.MinReplicas, except a service scaled to 0 on purpose.
// Update: parallelism 1, order start-first (see above), failure_action
// rollback, monitor 15s, max_failure_ratio 0, delay 0. Rollback:
// parallelism 1, order start-first, failure_action pause, monitor 15s.
// deploy.update_config and deploy.rollback_config override field by field.
// Restart: condition any, delay 5s, no attempt limit, overridden field by
// field by deploy.restart_policy, else by `restart`. Stop grace period 10s.
// No placement preference is added: swarmkit ignores spread descriptors
// other than node.labels.* and engine.labels.* (a "node.id" spread is a
// no-op) and its scheduler already spreads a service's tasks over the
// nodes, fewest tasks of that service first.
//
// # Routing
//
// With Options.Domain set, a service whose first TCP port (ports, else
// expose) is known gets Traefik labels and io.gazr.route.* labels for
// "<service>-<env>.<domain>". Labels the service sets itself in
// deploy.labels win, and `traefik.enable: "false"` there turns routing off.
//
// # Compose keys swarm cannot honour
//
// Rejected with an error naming the service and the key, because dropping
// them would change what runs: build with neither an image nor an
// Options.Images entry, privileged, network_mode, devices, gpus, pid, ipc,
// uts, userns_mode, cgroup, cgroup_parent, volumes_from, shm_size,
// security_opt other than no-new-privileges, post_start/pre_stop hooks,
// provider, models, blkio and cpu tuning keys, mem_swappiness,
// memswap_limit, oom_kill_disable, storage_opt, runtime, credential_spec,
// mac_address, domainname, use_api_socket, static network addresses, port
// host_ip and published port ranges, npipe/cluster/image volumes, bind
// SELinux relabelling, tmpfs options, job modes, a global service with
// replicas, depends_on with condition service_completed_successfully, a
// secret driver, a network driver other than overlay, top-level jobs and
// models.
//
// Ignored, each for a reason: container_name (swarm names task
// containers), depends_on with other conditions (swarm starts services
// together; the restart policy retries a service until what it needs is
// up), links and external_links (service names resolve on shared networks),
// pull_policy (swarm pulls on every node), platform (the image's manifest
// decides), develop, attach, annotations, log_driver/log_opt (use logging),
// and secrets and configs that no service uses (they are not created).
package convert
