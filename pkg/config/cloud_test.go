package config_test

import (
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
)

// TestCloudTableErrors: the [env.X.aws] and [env.X.proxmox] tables are
// checked as the other env tables are: position, key path, did-you-mean,
// and what can be told without the cloud (credentials never inline,
// access, URLs, ids, the table matching the env's backend).
func TestCloudTableErrors(t *testing.T) {
	const aws = "[env.staging]\nbackend = \"aws\"\n[env.staging.aws]\n"
	const pve = "[env.pve]\nbackend = \"proxmox\"\n[env.pve.proxmox]\nurl = \"https://pve1:8006\"\ntoken_env = \"PVE_TOKEN\"\ncluster_tag = \"gazr-pve\"\n"
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"aws table, local backend", "[env.staging.aws]\nregion = \"eu-west-3\"\n",
			`.gazr.toml:1:14: [env.staging.aws] is for backend = "aws", and env staging uses backend "local": set backend = "aws" in [env.staging], or remove the table`},
		{"proxmox table inline, aws backend", "[env.staging]\nbackend = \"aws\"\nproxmox = { url = \"https://h:8006\", token_env = \"T\", pool = \"p\" }\n",
			`.gazr.toml:3:1: [env.staging.proxmox] is for backend = "proxmox", and env staging uses backend "aws": set backend = "proxmox" in [env.staging], or remove the table`},
		{"aws is not a table", "[env.staging]\nbackend = \"aws\"\naws = \"eu-west-3\"\n", `.gazr.toml:3:1: env.staging.aws must be a table ([env.staging.aws]), not a string`},
		{"aws unknown key", aws + "regoin = \"eu-west-3\"\n", `.gazr.toml:4:1: unknown key "regoin" in env.staging.aws; did you mean "region"?`},
		{"aws unknown key, dotted", "[env.staging]\nbackend = \"aws\"\naws.ssh_usr = \"admin\"\n", `.gazr.toml:3:5: unknown key "ssh_usr" in env.staging.aws; did you mean "ssh_user"?`},
		{"aws inline credential", aws + "secret_access_key = \"abc\"\n",
			`.gazr.toml:4:1: env.staging.aws.secret_access_key: credentials are never written in .gazr.toml (it is committed); use profile = "…" (or the SDK's environment: AWS_PROFILE, AWS_ACCESS_KEY_ID…)`},
		{"aws region", aws + "region = \"Paris\"\n", `.gazr.toml:4:1: env.staging.aws.region "Paris" is not an AWS region (e.g. "eu-west-3")`},
		{"aws access unknown", aws + "access = \"shh\"\n", `.gazr.toml:4:1: env.staging.aws.access "shh" must be one of ssh, tls, tcp; did you mean "ssh"?`},
		{"aws tcp without insecure", aws + "access = \"tcp\"\n",
			`.gazr.toml:4:1: env.staging.aws.access = "tcp" is plain TCP without TLS: anyone who reaches it controls the cluster; use "ssh" or "tls", or set insecure = true in [env.staging.aws] to allow it`},
		{"aws tls without certificates", aws + "access = \"tls\"\n",
			`.gazr.toml:4:1: env.staging.aws.access = "tls" needs the client certificate: set tls = { ca = "…", cert = "…", key = "…" } in [env.staging]`},
		{"aws group with both", aws + "managers = { asg = \"a\", tags = { Name = \"b\" } }\n", `.gazr.toml:4:1: env.staging.aws.managers must be { asg = "…" } or { tags = { Name = "…" } }`},
		{"aws group typo", aws + "workers = { agg = \"a\" }\n", `.gazr.toml:4:13: unknown key "agg" in env.staging.aws.workers; did you mean "asg"?: it must be { asg = "…" } or { tags = { Name = "…" } }`},
		{"aws group empty tags", aws + "workers = { tags = {} }\n", `.gazr.toml:4:13: env.staging.aws.workers.tags must be a table of at least one tag (tags = { Name = "SwarmWorker-staging" })`},
		{"aws endpoint scheme", aws + "endpoint_url = \"localhost:4566\"\n", `.gazr.toml:4:1: env.staging.aws.endpoint_url "localhost:4566" must start with http:// or https://`},
		{"aws endpoint no host", aws + "endpoint_url = \"http://\"\n", `.gazr.toml:4:1: env.staging.aws.endpoint_url "http://" has no host ("http://127.0.0.1:4566")`},
		{"aws endpoint space", aws + "endpoint_url = \"http://a b\"\n", `.gazr.toml:4:1: env.staging.aws.endpoint_url "http://a b" is not a URL: invalid character " " in host name`},
		{"aws jump option", aws + "jump = \"-oProxyCommand=sh\"\n", `.gazr.toml:4:1: env.staging.aws.jump "-oProxyCommand=sh" must be [user@]host[:port], as ssh -J takes it: must not start with '-' (ssh would read an option)`},
		{"aws ssh_user at", aws + "ssh_user = \"admin@bastion\"\n", `.gazr.toml:4:1: env.staging.aws.ssh_user "admin@bastion" must be a user name: no '@'`},
		{"aws cron range", aws + "schedule = [{ cron = \"61 7 * * *\", workers = 3 }]\n", `.gazr.toml:4:1: env.staging.aws.schedule[0].cron "61 7 * * *": the minute "61" must be 0-59`},
		{"aws cron weekday", aws + "schedule = [{ cron = \"0 7 * * MON-FRY\", workers = 3 }]\n", `.gazr.toml:4:1: env.staging.aws.schedule[0].cron "0 7 * * MON-FRY": the day of week "FRY" must be 0-7 or SUN-SAT`},
		{"aws cron step", aws + "schedule = [{ cron = \"*/0 7 * * *\", workers = 3 }]\n", `.gazr.toml:4:1: env.staging.aws.schedule[0].cron "*/0 7 * * *": the minute step "0" must be a whole number ≥ 1`},
		{"aws tz local", aws + "schedule = [{ cron = \"0 7 * * *\", workers = 3, tz = \"Local\" }]\n", `.gazr.toml:4:1: env.staging.aws.schedule[0].tz "Local" is this machine's zone, not one AWS knows: name it ("Europe/Paris")`},
		{"aws registry scheme", aws + "registry = \"https://r.example\"\n", `.gazr.toml:4:1: env.staging.aws.registry "https://r.example" must be host[:port], without a scheme`},
		{"aws schedule cron", aws + "schedule = [{ cron = \"0 7 * *\", workers = 25 }]\n",
			`.gazr.toml:4:1: env.staging.aws.schedule[0].cron must be a five-field cron expression ("0 7 * * 1-5"), not "0 7 * *"`},
		{"aws schedule no workers", aws + "schedule = [{ cron = \"0 7 * * 1-5\", workers = 3 }, { cron = \"0 20 * * *\" }]\n",
			`.gazr.toml:4:1: env.staging.aws.schedule[1] has no workers: how many from then on?`},
		{"aws schedule typo, array of tables", "[env.staging]\nbackend = \"aws\"\n[[env.staging.aws.schedule]]\ncron = \"0 7 * * *\"\nworker = 3\n",
			`.gazr.toml:3:19: unknown key "worker" in env.staging.aws.schedule[0]; did you mean "workers"?`},
		{"aws schedule not a list", aws + "schedule = \"0 7 * * *\"\n", `.gazr.toml:4:1: env.staging.aws.schedule must be a list of { cron = "0 7 * * 1-5", workers = 25 }, not a string`},

		{"proxmox inline token", pve + "token = \"root@pam!gazr=0000\"\n",
			`.gazr.toml:7:1: env.pve.proxmox.token: credentials are never written in .gazr.toml (it is committed); use token_env = "PVE_TOKEN", the variable that holds it`},
		{"proxmox token_env holds the token", "[env.pve]\nbackend = \"proxmox\"\nproxmox.token_env = \"root@pam!gazr=0000\"\n",
			`.gazr.toml:3:9: env.pve.proxmox.token_env "root@pam!gazr=0000" must name an environment variable (PVE_TOKEN), not hold the token`},
		{"proxmox unknown key", pve + "fulll_clone = true\n", `.gazr.toml:7:1: unknown key "fulll_clone" in env.pve.proxmox; did you mean "full_clone"?`},
		{"proxmox url http", "[env.pve]\nbackend = \"proxmox\"\n[env.pve.proxmox]\nurl = \"http://pve1:8006\"\n",
			`.gazr.toml:4:1: env.pve.proxmox.url "http://pve1:8006" must be the API's https:// address ("https://pve1:8006")`},
		{"proxmox no url", "[env.pve]\nbackend = \"proxmox\"\n[env.pve.proxmox]\ntoken_env = \"T\"\n", `.gazr.toml:3:10: env.pve.proxmox needs url = "https://<pve host>:8006"`},
		{"proxmox no tag nor pool", "[env.pve]\nbackend = \"proxmox\"\n[env.pve.proxmox]\nurl = \"https://h\"\ntoken_env = \"T\"\n",
			`.gazr.toml:3:10: env.pve.proxmox needs cluster_tag or pool: how gazr tells the env's VMs from the others`},
		{"proxmox insecure and fingerprint", pve + "insecure = true\nfingerprint = \"" + fp + "\"\n",
			`.gazr.toml:7:1: env.pve.proxmox.insecure = true skips the verification that ca and fingerprint ask for: keep one or the other`},
		{"proxmox fingerprint", pve + "fingerprint = \"AA:BB\"\n",
			`.gazr.toml:7:1: env.pve.proxmox.fingerprint must be the certificate's SHA-256 fingerprint as 32 hex pairs AA:BB:…, as the PVE web UI shows it`},
		{"proxmox template id", pve + "template = { manager = 9000, worker = 42 }\n", `.gazr.toml:7:30: env.pve.proxmox.template.worker must be a VM id (100-999999999), not 42`},
		{"proxmox ssh_key private", pve + "ssh_key = \"~/.ssh/id_ed25519\"\n",
			`.gazr.toml:7:1: env.pve.proxmox.ssh_key "~/.ssh/id_ed25519" must be a public key file (….pub), given to the VMs by cloud-init; the private key stays with ssh`},
		{"proxmox ssh_user option", pve + "ssh_user = \"-oProxyCommand=x\"\n",
			`.gazr.toml:7:1: env.pve.proxmox.ssh_user "-oProxyCommand=x" starts with '-', which ssh would read as an option`},
		{"proxmox template typo", pve + "template = { manger = 9000 }\n", `.gazr.toml:7:14: unknown key "manger" in env.pve.proxmox.template; did you mean "manager"?`},
		{"proxmox address", pve + "address = \"dhcp\"\n", `.gazr.toml:7:1: env.pve.proxmox.address "dhcp" must be one of agent, ipconfig`},
		{"proxmox boot_timeout", pve + "boot_timeout = \"5\"\n", `.gazr.toml:7:1: env.pve.proxmox.boot_timeout "5" is not a positive duration (e.g. "90s", "5m")`},
		{"proxmox targets twice", pve + "targets = [\"pve1\", \"pve1\"]\n", `.gazr.toml:7:1: env.pve.proxmox.targets lists "pve1" twice`},
		{"proxmox tag", pve[:len(pve)-len("cluster_tag = \"gazr-pve\"\n")] + "cluster_tag = \"gazr pve\"\n",
			`.gazr.toml:6:1: env.pve.proxmox.cluster_tag "gazr pve" may hold letters, digits, '_', '-', '+' and '.' only`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse(".gazr.toml", []byte(tt.in))
			if err == nil {
				t.Fatalf("no error; parsed %+v", cfg.Envs)
			}
			if err.Error() != tt.wantErr {
				t.Errorf("error\n got %s\nwant %s", err, tt.wantErr)
			}
		})
	}
}

const fp = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"

// TestScheduleChecks: valid cron expressions and zones load; a zone that
// does not exist is refused at load with its position (where this host
// has a zone database to tell).
func TestScheduleChecks(t *testing.T) {
	const aws = "[env.staging]\nbackend = \"aws\"\n[env.staging.aws]\n"
	for _, e := range []string{`cron = "0 7 * * 1-5", tz = "Europe/Paris"`, `cron = "*/15 0-23 ? JAN-DEC MON-FRI"`, `cron = "0,30 7 1 1 7", tz = "UTC"`} {
		if _, err := config.Parse(".gazr.toml", []byte(aws+"schedule = [{ workers = 3, "+e+" }]\n")); err != nil {
			t.Errorf("%s: %v", e, err)
		}
	}
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skip("no time zone database on this host")
	}
	_, err := config.Parse(".gazr.toml", []byte(aws+"schedule = [{ cron = \"0 7 * * *\", workers = 3, tz = \"Mars/Olympus\" }]\n"))
	want := `.gazr.toml:4:1: env.staging.aws.schedule[0].tz "Mars/Olympus" is not an IANA time zone ("Europe/Paris", "UTC")`
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
}
