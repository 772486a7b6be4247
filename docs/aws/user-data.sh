#!/bin/bash
# shellcheck disable=SC2016 # JMESPath literals are `quoted`, not expansions
# Reference user data for the instances of a gazr "aws" environment: the
# instance joins its env's Docker Swarm by itself. See docs/deploy-aws.md.
#
# Needs: Debian/Ubuntu or Amazon Linux with Docker, the AWS CLI v2 and curl;
# IMDSv2; an instance role with docs/aws/instance-role-policy.json (and,
# for managers, docs/aws/manager-role-policy.json); the instance tagged
# Name=SwarmManager-<env> or Name=SwarmWorker-<env> at launch (the Auto
# Scaling group's tag, PropagateAtLaunch).
#
# What it does, as root, at first boot and (through the swarm-join systemd
# unit it installs) at every boot after:
#   1. reads its role and env from its Name tag;
#   2. already in a swarm: nothing to join. Else it looks for a running
#      manager of the env tagged Init=true and joins it with the join token
#      kept in SSM Parameter Store (SecureString <prefix>/<env>/join-token/
#      {worker,manager}); a manager finding none, and launched first among
#      the env's pending and running managers, runs `docker swarm init`;
#   3. a manager publishes the swarm's current join tokens to Parameter
#      Store (only when they changed) and removes the Down nodes of the
#      env's terminated instances (matched by their Hostname tag);
#   4. tags itself Init=true and Hostname=<its swarm hostname>.
# The Docker API is never opened on the network: tokens go through
# Parameter Store, readable only by the instance roles allowed to.
#
# Settings (environment, or edit the defaults below):
#   SWARM_PARAM_PREFIX   Parameter Store prefix (default /swarm)
#   SWARM_JOIN_WAIT      seconds to wait for a manager to join (default 900)
#   SWARM_DOCKER_USERS   users added to the docker group, e.g. the
#                        ssh_user gazr logs in as ("admin ubuntu")
# Logs: /var/log/swarm-join.log (and cloud-init's own log at first boot).
set -euo pipefail

PARAM_PREFIX=${SWARM_PARAM_PREFIX:-/swarm}
JOIN_WAIT=${SWARM_JOIN_WAIT:-900}
DOCKER_USERS=${SWARM_DOCKER_USERS:-}
SELF=/usr/local/sbin/swarm-join
LOG=/var/log/swarm-join.log
IMDS=http://169.254.169.254/latest

export AWS_PAGER="" AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=8

exec > >(tee -a "$LOG") 2>&1
exec 9>/run/swarm-join.lock
flock 9 # a second run (the unit and cloud-init at first boot) waits

log() { printf '%s swarm-join: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
die() {
	log "error: $*"
	exit 1
}

# imds prints an instance metadata path, with an IMDSv2 session token.
imds() {
	local token
	token=$(curl -fsS --retry 5 --retry-connrefused -X PUT "$IMDS/api/token" \
		-H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
	curl -fsS --retry 5 --retry-connrefused -H "X-aws-ec2-metadata-token: $token" "$IMDS/meta-data/$1"
}

# install_self copies this script to $SELF and enables a unit running it at
# every boot, so that a stopped and started instance checks in again.
install_self() {
	# $0 is this file under cloud-init and the unit; not when piped to bash.
	if [ "$0" != "$SELF" ] && [ -f "$0" ] && grep -q '^# Reference user data for the instances of a gazr' "$0"; then
		install -m 0755 "$0" "$SELF"
	fi
	[ -x "$SELF" ] || return 0
	cat >/etc/systemd/system/swarm-join.service.tmp <<EOF
[Unit]
Description=Join this instance to its environment's Docker Swarm
Wants=network-online.target
After=network-online.target docker.service
Requires=docker.service

[Service]
Type=oneshot
Environment=SWARM_PARAM_PREFIX=$PARAM_PREFIX SWARM_JOIN_WAIT=$JOIN_WAIT
ExecStart=$SELF
TimeoutStartSec=$((JOIN_WAIT + 300))

[Install]
WantedBy=multi-user.target
EOF
	mv /etc/systemd/system/swarm-join.service.tmp /etc/systemd/system/swarm-join.service
	systemctl daemon-reload
	systemctl enable swarm-join.service >/dev/null 2>&1
}

wait_docker() {
	local i
	for i in $(seq 1 60); do
		docker info >/dev/null 2>&1 && return 0
		[ "$i" = 1 ] && log "waiting for the Docker engine"
		sleep 2
	done
	die "the Docker engine does not answer (systemctl status docker)"
}

swarm_state() { docker info --format '{{.Swarm.LocalNodeState}}'; }

# own_name prints this instance's Name tag, waiting for it to be visible.
own_name() {
	local name i
	for i in $(seq 1 30); do
		name=$(aws ec2 describe-instances --instance-ids "$ID" \
			--query 'Reservations[0].Instances[0].Tags[?Key==`Name`].Value | [0]' --output text)
		if [ -n "$name" ] && [ "$name" != None ]; then
			printf '%s\n' "$name"
			return 0
		fi
		sleep 5
	done
	die "instance $ID has no Name tag: launch it with Name=SwarmManager-<env> or Name=SwarmWorker-<env>"
}

# managers prints "<launch time> <id> <private ip> <Init tag>" for the env's
# pending and running managers, oldest first.
managers() {
	aws ec2 describe-instances \
		--filters "Name=tag:Name,Values=SwarmManager-$ENV_NAME" "Name=instance-state-name,Values=pending,running" \
		--query 'Reservations[].Instances[].[LaunchTime,InstanceId,PrivateIpAddress,Tags[?Key==`Init`].Value | [0]]' \
		--output text | sort
}

token_param() { printf '%s/%s/join-token/%s' "$PARAM_PREFIX" "$ENV_NAME" "$1"; }

# get_token prints a join token from Parameter Store; a missing parameter
# fails quietly (not published yet), other errors are logged.
get_token() {
	local err rc=0
	err=$(mktemp)
	aws ssm get-parameter --with-decryption --name "$(token_param "$1")" \
		--query Parameter.Value --output text 2>"$err" || rc=$?
	grep -q ParameterNotFound "$err" || cat "$err" >&2
	rm -f "$err"
	return "$rc"
}

# join tries each joined manager in turn; it returns 1 when none let it in.
join() {
	local ip token
	token=$(get_token "$ROLE") || {
		log "no join token in $(token_param "$ROLE") yet"
		return 1
	}
	for ip in "$@"; do
		log "joining the swarm through manager $ip as a $ROLE"
		if docker swarm join --token "$token" --advertise-addr "$IP" "$ip:2377"; then
			return 0
		fi
		# A join that timed out goes on in the background: let it finish or
		# leave, so that the next attempt starts clean.
		sleep 10
		[ "$(swarm_state)" = active ] && return 0
		docker swarm leave --force >/dev/null 2>&1 || true
	done
	log "no manager let this instance in; if the join tokens were rotated, run 'systemctl start swarm-join' on a manager to publish the new ones"
	return 1
}

# enter joins the swarm of the env, or initialises it (first manager).
enter() {
	local deadline=$((SECONDS + JOIN_WAIT)) rows first joined
	while :; do
		rows=$(managers) || {
			log "aws ec2 describe-instances failed; trying again"
			rows=""
		}
		mapfile -t joined < <(awk -v me="$ID" '$2 != me && $4 == "true" && $3 != "None" {print $3}' <<<"$rows")
		if [ "${#joined[@]}" -gt 0 ]; then
			join "${joined[@]}" && return 0
		elif [ "$ROLE" = manager ]; then
			first=$(awk 'NR == 1 {print $2}' <<<"$rows")
			if [ "$first" = "$ID" ]; then
				log "no manager of $ENV_NAME has joined, and this one was launched first: docker swarm init"
				docker swarm init --advertise-addr "$IP"
				return 0
			fi
			log "no manager of $ENV_NAME has joined yet; waiting for the first one ($first)"
		else
			log "no manager of $ENV_NAME has joined yet; waiting"
		fi
		[ "$SECONDS" -lt "$deadline" ] || die "no running manager tagged Name=SwarmManager-$ENV_NAME,Init=true let this instance in within ${JOIN_WAIT}s"
		sleep 10
	done
}

# publish_tokens writes the swarm's join tokens to Parameter Store when the
# stored ones differ (first manager, or tokens rotated since).
publish_tokens() {
	local role current tmp
	for role in worker manager; do
		current=$(docker swarm join-token -q "$role")
		if [ "$(get_token "$role" || true)" = "$current" ]; then
			continue
		fi
		tmp=$(mktemp)
		printf '%s' "$current" >"$tmp" # never on a command line
		aws ssm put-parameter --name "$(token_param "$role")" --type SecureString \
			--overwrite --value "file://$tmp" >/dev/null
		rm -f "$tmp"
		log "published the $role join token to $(token_param "$role")"
	done
}

# env_hostnames prints the Hostname tags of the env's instances in the
# given states, one a line.
env_hostnames() {
	aws ec2 describe-instances \
		--filters "Name=tag:Name,Values=SwarmManager-$ENV_NAME,SwarmWorker-$ENV_NAME" "Name=instance-state-name,Values=$1" \
		--query 'Reservations[].Instances[].Tags[?Key==`Hostname`].Value | []' --output text | tr -s '[:blank:]' '\n'
}

# prune_terminated removes the Down nodes whose hostname is that of a
# terminated instance of the env and of no live one (EC2 reuses private
# IPs, hence hostnames: an ambiguous node is left to `gazr cluster prune`).
prune_terminated() {
	local gone live id host status mstatus
	gone=$(env_hostnames terminated)
	[ -n "$gone" ] || return 0
	live=$(env_hostnames pending,running,stopping,stopped,shutting-down)
	while read -r id host status mstatus; do
		[ "$status" = Down ] || continue
		grep -qxF "$host" <<<"$gone" || continue
		if grep -qxF "$host" <<<"$live"; then
			log "node $host ($id) is Down and its hostname is both a terminated and a live instance's: left alone"
			continue
		fi
		if [ -n "$mstatus" ]; then
			docker node demote "$id" || continue
		fi
		docker node rm --force "$id" && log "removed node $host ($id): its instance is terminated"
	done < <(docker node ls --format '{{.ID}} {{.Hostname}} {{.Status}} {{.ManagerStatus}}')
}

main() {
	command -v docker >/dev/null || die "docker is not installed"
	command -v aws >/dev/null || die "the AWS CLI v2 (aws) is not installed"
	install_self
	ID=$(imds instance-id)
	IP=$(imds local-ipv4)
	AWS_DEFAULT_REGION=$(imds placement/region)
	export AWS_DEFAULT_REGION
	wait_docker
	local name user
	name=$(own_name)
	case $name in
	SwarmManager-?*) ROLE=manager ENV_NAME=${name#SwarmManager-} ;;
	SwarmWorker-?*) ROLE=worker ENV_NAME=${name#SwarmWorker-} ;;
	*) die "instance $ID is tagged Name=$name, neither SwarmManager-<env> nor SwarmWorker-<env>" ;;
	esac
	log "instance $ID ($IP, $AWS_DEFAULT_REGION): $ROLE of env $ENV_NAME"
	for user in $DOCKER_USERS; do
		usermod -aG docker "$user"
	done

	case $(swarm_state) in
	active) log "already in the swarm" ;;
	inactive) enter ;;
	locked) die "this node's swarm is locked: docker swarm unlock" ;;
	*) die "swarm state $(swarm_state): docker swarm leave --force, then systemctl start swarm-join" ;;
	esac

	if [ "$(docker info --format '{{.Swarm.ControlAvailable}}')" = true ]; then
		publish_tokens
		prune_terminated
	fi
	aws ec2 create-tags --resources "$ID" \
		--tags Key=Init,Value=true "Key=Hostname,Value=$(docker info --format '{{.Name}}')"
	log "done: in the swarm, tagged Init=true"
}

main "$@"
