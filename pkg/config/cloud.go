package config

import (
	"strings"
	"time"
)

// backendTables rejects a backend's table in an env of another backend,
// and what the table asks of the env's other keys (tls for access =
// "tls"). It runs once every key of the env is read: "aws" sorts before
// "backend" and "tls".
func (d *decoder) backendTables(key []string, e *Environment) error {
	for _, sub := range []struct {
		backend string
		set     bool
	}{{"aws", e.AWS != nil}, {"proxmox", e.Proxmox != nil}} {
		if sub.set && e.Backend != sub.backend {
			table := strings.Join(key, ".")
			return d.errorf(append(key[:len(key):len(key)], sub.backend), "[%s.%s] is for backend = %q, and env %s uses backend %q: set backend = %q in [%s], or remove the table",
				table, sub.backend, sub.backend, e.Name, e.Backend, sub.backend, table)
		}
	}
	if e.AWS != nil && e.AWS.Access == "tls" && e.TLS.Cert == "" {
		return d.errorf(append(key[:len(key):len(key)], "aws", "access"), "%s.aws.access = \"tls\" needs the client certificate: set tls = { ca = \"…\", cert = \"…\", key = \"…\" } in [%s]",
			strings.Join(key, "."), strings.Join(key, "."))
	}
	return nil
}

// AWS is an [env.<name>.aws] table: where the env's swarm runs on EC2,
// for backend = "aws". gazr adopts the cluster (found by Auto Scaling
// group or tags); creating it stays with the infrastructure's own tools.
type AWS struct {
	// Region is the AWS region ("eu-west-3"). Default: the SDK's (AWS_REGION,
	// the profile's).
	Region string
	// Profile is the shared-config profile. Default: the SDK's default
	// credential chain (environment, shared files, SSO, instance role).
	// Credentials themselves are never written in .gazr.toml.
	Profile string
	// Managers and Workers find the env's instances. Default: the tags
	// Name=SwarmManager-<env> and Name=SwarmWorker-<env>.
	Managers, Workers *Group
	// Access is how gazr reaches a manager's engine: "ssh" (default), "tls"
	// (port 2376 with the env's tls certificates) or "tcp" (plain, only
	// with Insecure).
	Access string
	// Insecure allows Access = "tcp".
	Insecure bool
	// SSHUser logs in to the instances over SSH. Default: ssh's own.
	SSHUser string
	// Jump is an SSH jump host ("user@bastion[:port]"), for instances
	// without a public address.
	Jump string
	// Registry is "ecr" (the account's ECR, repositories created on
	// demand) or an existing registry's "host[:port]". The env's own
	// registry key, when set, wins; default: "ecr".
	Registry string
	// EndpointURL sends every AWS call to this URL (a test double).
	EndpointURL string
	// Schedule sets the workers group's size on a schedule, written as the
	// group's scheduled actions.
	Schedule []Schedule
}

// Group finds instances: by Auto Scaling group name or by tags (every
// tag must match); exactly one of the two.
type Group struct {
	ASG  string
	Tags map[string]string
}

// Schedule is one scheduled change of the number of workers.
type Schedule struct {
	// Cron is a five-field cron expression ("0 7 * * 1-5").
	Cron string
	// Workers is the number of workers from then on.
	Workers uint64
	// TZ is the IANA time zone Cron is read in. Default: UTC.
	TZ string
}

// Proxmox is an [env.<name>.proxmox] table: where the env's swarm runs on
// Proxmox VE VMs, for backend = "proxmox".
type Proxmox struct {
	// URL is the PVE API ("https://pve1:8006").
	URL string
	// TokenEnv names the environment variable holding the API token
	// ("user@realm!id=secret"); the token is never written in .gazr.toml.
	TokenEnv string
	// CA is a PEM file trusted for the API's certificate; Fingerprint is
	// the certificate's SHA-256 fingerprint (AA:BB:…). Insecure skips the
	// verification, only when asked.
	CA, Fingerprint string
	Insecure        bool
	// ClusterTag and Pool mark the env's VMs (at least one of them).
	ClusterTag, Pool string
	// Template are the VM ids cloned for new managers and workers.
	Template Templates
	// FullClone makes full clones. Default: linked clones.
	FullClone bool
	// Targets are the PVE nodes VMs are placed on. Default: all.
	Targets []string
	// Address is how a VM's address is found: "agent" (the guest agent,
	// default) or "ipconfig" (the cloud-init ipconfig0).
	Address string
	// SSHUser logs in to the VMs over SSH, and is the user cloud-init
	// makes in the VMs gazr clones (ciuser). Default: ssh's own, and the
	// template's cloud-init user.
	SSHUser string
	// SSHKey is the public key file (….pub) cloud-init authorises in the
	// VMs gazr clones (sshkeys). Default: the first of ~/.ssh/id_ed25519.pub,
	// id_ecdsa.pub and id_rsa.pub.
	SSHKey string
	// Registry is the existing registry ("host[:port]") the VMs pull from,
	// with the docker config's credentials. Default: the env's registry.
	Registry string
	// BootTimeout bounds the wait for a started VM's address (boot,
	// cloud-init, the guest agent). Default: 5m.
	BootTimeout time.Duration
}

// Templates are the VM ids of the templates cloned per role.
type Templates struct{ Manager, Worker int }

// WorkerSchedule is the env's schedule of worker counts, from its
// backend's table; nil when it has none.
func (e *Environment) WorkerSchedule() []Schedule {
	if e.AWS != nil {
		return e.AWS.Schedule
	}
	return nil
}
