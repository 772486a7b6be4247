// Package swarmbed starts a real multi-node Docker Swarm made of engines in
// containers on the host engine, for gazr's deploy tests, the conformance
// suite and chaos tests.
//
//	b, err := swarmbed.Start(ctx, swarmbed.Options{Images: []string{"gazr-test/busybox:1"}})
//	if err != nil { ... }
//	defer b.Close(ctx)
//	m, err := b.Manager() // a client of a manager that has a quorum
//
// # Layout
//
// A bed is a bridge network on a free 192.168.X.0/24 (Bed.Network), node
// containers "<name>-node<i>" at .10, .11, ... (managers first), and with
// Options.Registry a registry at .2:5000 (Bed.RegistryAddr; see Machines
// for RegistryAuth). Addresses are
// fixed so that a node keeps its swarm advertise address across
// StopNode/StartNode. Each node's /var/lib/docker is a named volume (its
// swarm state and images survive a stop), /run a tmpfs (a killed dockerd
// leaves a pid file that would stop it from starting again). The host
// reaches the nodes' engines at tcp://<ip>:2375 and the registry directly.
// Everything carries the labels [Label] (bed name), [LabelOwner] and
// [LabelRole]; [Bed.Close] removes a bed, [Cleanup] the beds of processes
// that died without closing theirs.
//
// # Machines
//
// A bed can stand for a cloud's machines (the AWS bed does).
// [Bed.AddNode] starts a node at the next fixed address (never reused)
// that joins nothing until [Bed.Join] or [Bed.JoinVia] (what a machine's
// user data does); [Bed.RemoveNode] removes a node's container and volume
// as a terminated instance goes, leaving its swarm node Down until a
// manager removes it. With [Options.SSH] the nodes run [SSHImage]: sshd,
// root logging in with an ed25519 key the bed makes (ssh-keygen) in a
// temporary directory with an ssh_config for the bed's subnet
// ([Bed.SSHConfig]: ssh -F <it> root@<ip> docker system dial-stdio). The
// docker CLI's ssh:// hosts read ~/.ssh/config only, not that file.
//
// With [Options.RegistryAuth] the registry asks for basic auth: Debian's
// docker-registry (distribution 2.8) with auth htpasswd. Measured: it
// needs no TLS (engines send the login to an insecure registry over plain
// HTTP), and it reads the htpasswd file again when its modification time
// changes, checked at each request, so [Bed.SetRegistryPassword] takes
// effect at once without a restart; it accepts bcrypt only, made in the
// registry's container by perl's crypt (libxcrypt). The host engine does
// not trust the bed's subnet, but every engine trusts 127.0.0.0/8: the
// registry is published on the host at 127.0.0.1:<port the engine
// picks>, and each node's entrypoint runs socat on its own
// 127.0.0.1:<same port> forwarding to the registry, so one name,
// [Bed.RegistryAddr], works for the host's pushes and the nodes' pulls.
//
// # Engine flags
//
// The host refuses --privileged (no CAP_SYS_RESOURCE to give). A node is
// the equivalent of
//
//	docker run -d --cap-add=ALL --cap-drop=SYS_RESOURCE \
//	  --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
//	  --security-opt systempaths=unconfined --device-cgroup-rule='a *:* rwm' \
//	  -v /sys/fs/cgroup:/sys/fs/cgroup:rw -v <name>-node<i>-docker:/var/lib/docker \
//	  --tmpfs /run --network <name> --ip <ip> --hostname <name>-node<i> \
//	  gazr-test/dind:20.10 <image CMD> --insecure-registry=<subnet> \
//	  --cgroup-parent=/gazr-swarmbed/<name>/<i>
//
// systempaths=unconfined is a CLI flag: through the API it is empty (not
// nil) MaskedPaths and ReadonlyPaths. The cgroup parent keeps the inner
// containers' cgroups (which live in the host's hierarchy, bind-mounted) in
// a tree Close can remove: a node killed with running tasks leaves them
// behind, empty. The inner engines use overlay2 on the volume (ext4).
//
// # MTU
//
// The host's eth0 and docker0 have MTU 1400; the bed network, a user-defined
// bridge, has 1500, and node-to-node traffic never leaves the host. With no
// MTU flag at all (inner engines at 1500, overlay networks at swarm's 1450),
// a 2 MB HTTP transfer across nodes over an overlay network works. So does
// it on a bed network forced to 1400 with overlays of 1450, 1350 and 1300:
// the kernel fragments the VXLAN packets, which are sent without DF. So the
// bed sets no MTU; neither --mtu nor com.docker.network.driver.mtu is needed.
// (The overlay driver's mtu option is the VXLAN device's: containers get the
// given value minus 50.)
//
// # What works, what does not
//
// The host kernel has no IPVS: the routing mesh and VIP endpoints do not
// work. Use endpoint_mode dnsrr (tasks.<service> and <service> resolve to
// the tasks' addresses) and host-mode published ports. Overlay networks,
// swarm DNS, placement, node loss and rejoin work. Engine 20.10 refuses an
// image push without an X-Registry-Auth header: send base64url("{}") for
// the bed's registry. Debian's static busybox 1.35 wget crashes with -T or
// -O FILE; speak HTTP with nc in probes.
//
// # Timings (2 cores, engine 20.10, fuse-overlayfs host storage)
//
// Start of 3 nodes (3 managers) with busybox loaded: 2.7-4 s alone, 5-6 s
// with another bed starting at once (engines answer after ~2 s, in
// parallel; swarm init + 2 manager joins ~1.3-1.7 s, overlapped with
// loading). Loading into 3 nodes at once (one save, fanned
// out): busybox 2 MB 0.2-0.35 s, debian 85 MB ~3 s, go 405 MB ~13 s per
// node. With the bed's 1 s heartbeat (Options.HeartbeatPeriod), a stopped
// node is seen down after ~3.3 s and a service is back to full strength
// after ~8.7 s (the extra 5 s is swarm's default restart delay); StartNode
// to Ready again: 2.8-4.2 s. A bed of 1 node with SSH and RegistryAuth:
// 2.4 s; AddNode (engine up, busybox loaded) 1.8 s, Join until Ready
// 0.1 s; ssh + dial-stdio + /_ping 0.3 s; SetRegistryPassword 0.1 s. The
// package's tests take ~26 s.
package swarmbed
