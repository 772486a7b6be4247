#!/usr/bin/env bash
# Builds the test-only images used by gazr's integration tests.
#
# No registry is reachable from CI, so nothing is pulled: every image is a
# `docker import` of a root filesystem made locally, from busybox-static or a
# debootstrap'ed Debian bookworm. All tags live in the test-only namespace
# gazr-test/. An image whose tag already exists is left alone (delete it with
# `docker rmi` to rebuild it).
#
# Usage: build.sh [--all | --list | NAME...]
#   (no args)  busybox debian go node python haproxy dind dind-ssh registry
#              postgres redis
#   NAME...    only those (busybox debian go node python haproxy dind dind-ssh
#              registry postgres redis;
#              a full tag such as gazr-test/go:1.26 works too)
#   --all      every image
#   --list     print the tags (all of them, or those of the NAMEs given)
#
# Environment:
#   GAZR_IMAGE_CACHE    cache dir (default /var/cache/gazr-test): the
#                       debootstrap'ed base rootfs, downloaded .debs, lock file
#   GAZR_DEBIAN_MIRROR  Debian mirror URL (default: the host's apt sources)
set -euo pipefail

readonly SUITE=bookworm
readonly CACHE=${GAZR_IMAGE_CACHE:-/var/cache/gazr-test}
readonly BASE=$CACHE/rootfs/debian-$SUITE     # cached minbase rootfs, never modified once built
readonly PATH_ENV=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
readonly DEBIAN_PACKAGES=make,ca-certificates

# name -> tag, in build order.
readonly NAMES=(busybox debian go node python haproxy dind dind-ssh registry postgres redis)
declare -A TAGS=(
	[busybox]=gazr-test/busybox:1
	[debian]=gazr-test/debian:12
	[go]=gazr-test/go:1.26
	[node]=gazr-test/node:18
	[python]=gazr-test/python:3.11
	[haproxy]=gazr-test/haproxy:2.6
	[dind]=gazr-test/dind:20.10
	[dind-ssh]=gazr-test/dind-ssh:20.10
	[registry]=gazr-test/registry:2
	[postgres]=gazr-test/postgres:15
	[redis]=gazr-test/redis:7
)
readonly DEFAULT_NAMES=(busybox debian go node python haproxy dind dind-ssh registry postgres redis)

log() { printf '%s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

usage() { sed -n '/^# Usage:/,/^set -euo/{/^set /d; s/^# \{0,1\}//; p}' "$0"; }

# ---------------------------------------------------------------- arguments

list_only=0
selected=()
for arg in "$@"; do
	case $arg in
	--all) selected+=("${NAMES[@]}") ;;
	--list) list_only=1 ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; die "unknown option: $arg" ;;
	*)
		name=$arg
		for n in "${NAMES[@]}"; do if [[ ${TAGS[$n]} == "$arg" ]]; then name=$n; fi; done
		[[ -n ${TAGS[$name]:-} ]] || { usage >&2; die "unknown image: $arg"; }
		selected+=("$name")
		;;
	esac
done
if ((${#selected[@]} == 0)); then
	if ((list_only)); then selected=("${NAMES[@]}"); else selected=("${DEFAULT_NAMES[@]}"); fi
fi
declare -A want=()
for n in "${selected[@]}"; do want[$n]=1; done

if ((list_only)); then
	for n in "${NAMES[@]}"; do if [[ -n ${want[$n]:-} ]]; then log "${TAGS[$n]}"; fi; done
	exit 0
fi

# ---------------------------------------------------------------- host tools

((EUID == 0)) || die "must run as root (debootstrap, chroot, mount)"
docker info >/dev/null 2>&1 || die "no Docker engine answers 'docker info' (.ci/run starts one)"

apt_updated=0
apt_install() {
	if ((!apt_updated)); then
		apt-get update -q
		apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

static_busybox() { # prints the path of a statically linked busybox, if any
	local bb out
	for bb in /bin/busybox /usr/bin/busybox; do
		[[ -x $bb ]] || continue
		out=$(LC_ALL=C ldd "$bb" 2>&1 || true)
		if [[ $out == *'not a dynamic executable'* ]]; then
			echo "$bb"
			return 0
		fi
	done
	return 1
}

need_debootstrap=0
for n in "${selected[@]}"; do if [[ $n != busybox ]]; then need_debootstrap=1; fi; done
missing=()
if [[ -n ${want[busybox]:-} ]] && ! static_busybox >/dev/null; then missing+=(busybox-static); fi
if ((need_debootstrap)); then
	command -v debootstrap >/dev/null || missing+=(debootstrap)
	[[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)
fi
if ((${#missing[@]})); then
	log "installing host packages: ${missing[*]}"
	apt_install "${missing[@]}"
fi

debian_mirror() {
	if [[ -n ${GAZR_DEBIAN_MIRROR:-} ]]; then
		echo "${GAZR_DEBIAN_MIRROR%/}"
		return
	fi
	# The host's apt sources (sources.list and deb822 .sources alike).
	local codename='' id='' m
	if [[ -r /etc/os-release ]]; then
		id=$(. /etc/os-release && echo "${ID:-}")
		codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	fi
	local targets
	targets=$(apt-get indextargets --format '$(TARGET_OF) $(IDENTIFIER) $(RELEASE) $(REPO_URI)' 2>/dev/null |
		awk '$1 == "deb" && $2 == "Packages" { print $3, $4 }' | sort -u) || true
	m=$(awk -v s="$SUITE" '$1 == s { print $2; exit }' <<<"$targets")
	if [[ -z $m && $id == debian && -n $codename ]]; then
		m=$(awk -v s="$codename" '$1 == s { print $2; exit }' <<<"$targets")
	fi
	[[ -n $m ]] || die "cannot find a Debian mirror in the apt sources; set GAZR_DEBIAN_MIRROR"
	echo "${m%/}"
}

# ---------------------------------------------------------------- lock, temp dirs, cleanup

mkdir -p "$CACHE/rootfs" "$CACHE/debootstrap" "$CACHE/apt-archives/partial"
exec 9>"$CACHE/lock"
if ! flock -n 9; then
	log "waiting for $CACHE/lock (another build.sh is running)"
	flock 9
fi

# Unmounts everything mounted under $1 (deepest first). Returns 1 if something stays mounted.
unmount_under() {
	local dir=$1 m
	[[ -d $dir ]] || return 0
	dir=$(realpath "$dir")
	# /proc/self/mounts escapes blanks as \040; our paths have none.
	for m in $(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done
	! awk -v d="$dir/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/self/mounts
}

# Removes a temp dir, but never while something (e.g. the .deb cache) is bind-mounted inside.
remove_tree() {
	if unmount_under "$1"; then
		rm -rf --one-file-system "$1"
	else
		printf 'build.sh: %s still has mounts, not removing it\n' "$1" >&2
	fi
}

# We hold the lock, so temp dirs left by an earlier run that was killed are stale.
for stale in "$CACHE"/tmp.*; do
	if [[ -e $stale ]]; then remove_tree "$stale"; fi
done

WORK=$(mktemp -d "$CACHE/tmp.XXXXXX") # same filesystem as $BASE: cp -a is cheap
cleanup() { remove_tree "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# timed LABEL CMD...: runs CMD, noting how long it took in PHASES.
PHASES=()
timed() {
	local label=$1 t
	shift
	t=$(now)
	"$@"
	PHASES+=("$label $(since "$t")")
}

# import_rootfs DIR TAG [--change ...]: imports DIR as TAG, leaving out apt
# indexes, .debs, docs, man pages and translations.
import_rootfs() {
	local dir=$1 tag=$2
	shift 2
	: >"$dir/etc/resolv.conf" # the engine bind-mounts its own
	# Trust what the host trusts: where egress goes through a TLS-inspecting
	# proxy, its CA is only in the host's bundle, and steps that download
	# (go mod download, npm ci) need it.
	if [[ -d $dir/etc/ssl/certs && -f /etc/ssl/certs/ca-certificates.crt ]]; then
		cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
	fi
	tar -C "$dir" --numeric-owner -cf - --anchored \
		--exclude='./var/lib/apt/lists/*_*' \
		--exclude='./var/cache/apt/*.bin' \
		--exclude='./var/cache/apt/archives/*.deb' \
		--exclude='./var/log/*.log' \
		--exclude='./var/log/apt/*' \
		--exclude='./usr/share/doc/*' \
		--exclude='./usr/share/man/*' \
		--exclude='./usr/share/info/*' \
		--exclude='./usr/share/locale/*/LC_MESSAGES/*' \
		--exclude='./tmp/*' \
		--exclude='./var/tmp/*' \
		--exclude='./*/.cache' \
		. | docker import --change "ENV PATH=$PATH_ENV" "$@" - "$tag" >/dev/null
}

# The cached debootstrap'ed rootfs; built once per machine (per cache dir).
ensure_base() {
	[[ -d $BASE ]] && return 0
	local t0 mirror tmp
	t0=$(now)
	mirror=$(debian_mirror)
	tmp=$WORK/base
	log "rootfs debian-$SUITE: debootstrap from $mirror"
	if ! debootstrap --variant=minbase --include="$DEBIAN_PACKAGES" \
		--cache-dir="$CACHE/debootstrap" "$SUITE" "$tmp" "$mirror" >"$WORK/debootstrap.log" 2>&1; then
		tail -n 30 "$WORK/debootstrap.log" >&2
		die "debootstrap failed (the last lines of its log are above)"
	fi
	rm -f "$tmp"/var/cache/apt/archives/*.deb # copies of what is in $CACHE/debootstrap
	: >"$tmp/etc/resolv.conf"
	# apt inside the derived images: no translations, no recommends.
	cat >"$tmp/etc/apt/apt.conf.d/90gazr-test" <<-'EOF'
		Acquire::Languages "none";
		APT::Install-Recommends "false";
		APT::Install-Suggests "false";
	EOF
	mv "$tmp" "$BASE" # atomic: a half-built rootfs is never seen as the cache
	log "rootfs debian-$SUITE: built in $(since "$t0")"
}

# new_rootfs NAME: sets ROOT to a fresh copy of the base rootfs under $WORK.
new_rootfs() {
	ensure_base
	ROOT=$WORK/$1
	timed copy cp -a --reflink=auto "$BASE" "$ROOT"
}

# chroot_apt DIR PACKAGE...: installs packages into DIR from the mirror; the
# .debs are kept in $CACHE/apt-archives so they are downloaded only once.
chroot_apt() {
	local dir=$1
	shift
	cp /etc/resolv.conf "$dir/etc/resolv.conf"
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d" # start no services
	chmod 755 "$dir/usr/sbin/policy-rc.d"
	mount -t proc proc "$dir/proc"
	mount --bind "$CACHE/apt-archives" "$dir/var/cache/apt/archives"
	local rc=0
	chroot "$dir" /usr/bin/env -i PATH="$PATH_ENV" HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		sh -c 'apt-get update -q && apt-get install -y -q -o DPkg::Options::=--force-unsafe-io "$@"' sh "$@" >"$WORK/apt-$(basename "$dir").log" 2>&1 || rc=$?
	umount "$dir/var/cache/apt/archives"
	umount "$dir/proc"
	rm -f "$dir/usr/sbin/policy-rc.d"
	: >"$dir/etc/resolv.conf"
	if ((rc)); then
		tail -n 30 "$WORK/apt-$(basename "$dir").log" >&2
		die "apt-get install $* failed in $dir"
	fi
}

copy_goroot() { # copy_goroot FROM TO: leaves out Go's own test suite
	tar -C "$1" -cf - --anchored --exclude=./test --exclude=./.git . | tar -C "$2" -xf -
}

host_goroot() {
	local gobin
	gobin=$(command -v go || true)
	[[ -n $gobin ]] || gobin=/usr/local/go/bin/go
	[[ -x $gobin ]] || die "no Go toolchain on the host (looked in PATH and /usr/local/go)"
	"$gobin" env GOROOT
}

# ---------------------------------------------------------------- images
# Each build_NAME builds the image; smoke_NAME is the command run in it afterwards.

build_busybox() {
	local bb dir=$WORK/busybox entry d
	bb=$(static_busybox) || die "no static busybox on the host"
	mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,home,proc,sys,dev,run}
	chmod 1777 "$dir/tmp" "$dir/var/tmp"
	chmod 700 "$dir/root"
	cp "$bb" "$dir/bin/busybox"
	while read -r entry; do
		case $entry in
		*/busybox | linuxrc | '') continue ;;
		*/*) d=${entry%/*} ;;
		*) d=bin ;;
		esac
		mkdir -p "$dir/$d"
		ln -sf /bin/busybox "$dir/$d/${entry##*/}"
	done < <("$bb" --list-full 2>/dev/null || "$bb" --list | sed 's|^|bin/|')
	cat >"$dir/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$dir/etc/group" <<-'EOF'
		root:x:0:
		nogroup:x:65534:
		nobody:x:65534:
	EOF
	: >"$dir/etc/resolv.conf"
	timed import import_rootfs "$dir" "$1" --change 'CMD ["sh"]'
}
smoke_busybox=(busybox true)

build_debian() {
	ensure_base
	timed import import_rootfs "$BASE" "$1" --change 'CMD ["bash"]'
}
smoke_debian=(sh -c 'cat /etc/debian_version && make --version | head -n1')

build_go() {
	local goroot
	goroot=$(host_goroot)
	case $(cat "$goroot/VERSION" 2>/dev/null | head -n1) in
	go1.26 | go1.26.*) ;;
	*) printf 'build.sh: warning: host Go in %s is not go1.26 but it is tagged %s\n' "$goroot" "$1" >&2 ;;
	esac
	new_rootfs go
	local dir=$ROOT
	timed apt chroot_apt "$dir" git ca-certificates
	mkdir -p "$dir/usr/local/go" "$dir/go/bin" "$dir/go/src"
	timed goroot copy_goroot "$goroot" "$dir/usr/local/go"
	chmod 1777 "$dir/go" "$dir/go/bin" "$dir/go/src"
	timed import import_rootfs "$dir" "$1" \
		--change 'ENV GOPATH=/go' \
		--change 'ENV CGO_ENABLED=0' \
		--change "ENV PATH=/go/bin:/usr/local/go/bin:$PATH_ENV" \
		--change 'WORKDIR /go' \
		--change 'CMD ["bash"]'
}
smoke_go=(sh -c 'go version && cd /tmp && printf "package main\nfunc main() { println(\"hello\") }\n" >m.go && go run m.go')

build_node() {
	new_rootfs node
	local dir=$ROOT
	timed apt chroot_apt "$dir" nodejs npm yarnpkg
	ln -sf /usr/bin/yarnpkg "$dir/usr/local/bin/yarn"
	timed import import_rootfs "$dir" "$1" --change 'CMD ["node"]'
}
smoke_node=(sh -c 'node --version && npm --version && yarn --version')

build_python() {
	new_rootfs python
	local dir=$ROOT
	# flake8 (with mccabe), bandit and black: the python convention's style,
	# complexity, security-sast and format tools, from Debian.
	timed apt chroot_apt "$dir" python3 python3-pip python3-pytest python3-venv python3-flake8 python3-bandit black
	ln -sf python3 "$dir/usr/bin/python"
	# Like the Docker Hub python images: let `pip install` into the system interpreter.
	timed import import_rootfs "$dir" "$1" --change 'ENV PIP_BREAK_SYSTEM_PACKAGES=1' --change 'CMD ["python3"]'
}
smoke_python=(sh -c 'python --version && python3 -m pytest --version && pip --version && python3 -m flake8 --version && python3 -m bandit --version && python3 -m black --version')

# gazr's edge proxy (pkg/deploy/edge), like the official haproxy image: the
# config at /usr/local/etc/haproxy/haproxy.cfg, master-worker mode in the
# foreground. It runs as root so that it can bind :80; the configs gazr writes
# set no user. `docker import` cannot set STOPSIGNAL: the official image's
# SIGUSR1 (soft stop: finish in-flight requests) is set by the edge service
# spec instead (SIGTERM stops haproxy at once).
build_haproxy() {
	new_rootfs haproxy
	local dir=$ROOT
	timed apt chroot_apt "$dir" haproxy
	mkdir -p "$dir/usr/local/etc/haproxy" "$dir/run/haproxy"
	# Debian's own config logs to /dev/log and chroots: useless here, and
	# misleading next to the one the image is meant to run.
	rm -f "$dir/etc/haproxy/haproxy.cfg"
	timed import import_rootfs "$dir" "$1" \
		--change 'EXPOSE 80' \
		--change 'CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]'
}
smoke_haproxy=(haproxy -v)

# Docker Engine in a container (for a multi-node swarm). The host here lacks
# CAP_SYS_RESOURCE, so --privileged fails ("unable to apply caps"); what works:
#   docker run -d --cap-add=ALL --cap-drop=SYS_RESOURCE \
#     --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
#     --device-cgroup-rule='a *:* rwm' -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
#     gazr-test/dind:20.10
# (plain --privileged where the host allows it). No image can be pulled in
# it either: `docker save TAG | docker exec -i NODE docker load`.
build_dind() {
	new_rootfs dind
	local dir=$ROOT
	timed apt chroot_apt "$dir" docker.io iptables iproute2 ca-certificates
	timed import import_rootfs "$dir" "$1" \
		--change 'VOLUME /var/lib/docker' \
		--change 'EXPOSE 2375 2377 7946 7946/udp 4789/udp' \
		--change 'CMD ["dockerd", "--tls=false", "--host=unix:///var/run/docker.sock", "--host=tcp://0.0.0.0:2375"]'
}
smoke_dind=(sh -c 'dockerd --version && docker --version')

# The dind engine as a machine: also an sshd (root login with a key only:
# the AWS test bed reaches managers as gazr does, over ssh) and socat. The
# entrypoint takes its settings from the environment:
#   GAZR_SSH_AUTHORIZED_KEYS  root's authorized_keys
#   GAZR_FORWARD              PORT:HOST:HOSTPORT: 127.0.0.1:PORT forwards to
#                             HOST:HOSTPORT (the bed's registry, reached by
#                             the same name as from the host engine)
# then starts sshd (a host key of its own, made on first start) and execs
# its arguments (CMD: dockerd as in dind).
build_dind_ssh() {
	new_rootfs dind-ssh
	local dir=$ROOT
	timed apt chroot_apt "$dir" docker.io iptables iproute2 ca-certificates openssh-server socat
	rm -f "$dir"/etc/ssh/ssh_host_*
	cat >"$dir/etc/ssh/sshd_config.d/gazr-test.conf" <<-'EOF'
		HostKey /etc/ssh/ssh_host_ed25519_key
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
	EOF
	# No audit subsystem in a container: a required pam_loginuid ends
	# every session at once.
	sed -i 's/^session\s\+required\s\+pam_loginuid.so/session optional pam_loginuid.so/' "$dir/etc/pam.d/sshd"
	cat >"$dir/usr/local/bin/gazr-node-entrypoint" <<-'EOF'
		#!/bin/sh
		set -eu
		# root's keys: the node runs as root, whose HOME the engine sets.
		keys="${HOME:?}/.ssh"
		mkdir -p /run/sshd "$keys"
		chmod 700 "$keys"
		printf '%s\n' "${GAZR_SSH_AUTHORIZED_KEYS:-}" >"$keys/authorized_keys"
		chmod 600 "$keys/authorized_keys"
		if [ ! -s /etc/ssh/ssh_host_ed25519_key ]; then
			ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
		fi
		/usr/sbin/sshd
		if [ -n "${GAZR_FORWARD:-}" ]; then
			port=${GAZR_FORWARD%%:*}
			socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr" "TCP:${GAZR_FORWARD#*:}" &
		fi
		exec "$@"
	EOF
	chmod 755 "$dir/usr/local/bin/gazr-node-entrypoint"
	timed import import_rootfs "$dir" "$1" \
		--change 'VOLUME /var/lib/docker' \
		--change 'EXPOSE 22 2375 2377 7946 7946/udp 4789/udp' \
		--change 'ENTRYPOINT ["gazr-node-entrypoint"]' \
		--change 'CMD ["dockerd", "--tls=false", "--host=unix:///var/run/docker.sock", "--host=tcp://0.0.0.0:2375"]'
}
smoke_dind_ssh=(sh -c 'dockerd --version && /usr/sbin/sshd -t && socat -V | head -n2 | tail -n1')

build_registry() {
	new_rootfs registry
	local dir=$ROOT
	timed apt chroot_apt "$dir" docker-registry
	# Debian's config turns on htpasswd auth with a path that is a directory;
	# a test registry wants none.
	cat >"$dir/etc/docker/registry/config.yml" <<-'EOF'
		version: 0.1
		log:
		  fields:
		    service: registry
		storage:
		  cache:
		    blobdescriptor: inmemory
		  filesystem:
		    rootdirectory: /var/lib/docker-registry
		  delete:
		    enabled: true
		http:
		  addr: :5000
		  headers:
		    X-Content-Type-Options: [nosniff]
	EOF
	timed import import_rootfs "$dir" "$1" \
		--change 'VOLUME /var/lib/docker-registry' \
		--change 'EXPOSE 5000' \
		--change 'CMD ["docker-registry", "serve", "/etc/docker/registry/config.yml"]'
}
smoke_registry=(docker-registry --version)

# A sidecar database, like the official postgres image: ENTRYPOINT
# docker-entrypoint.sh, CMD postgres. On first start (empty PGDATA) it runs
# initdb with POSTGRES_USER (default postgres) and POSTGRES_PASSWORD
# (required unless POSTGRES_HOST_AUTH_METHOD=trust), creates POSTGRES_DB
# (default: the user's name), runs /docker-entrypoint-initdb.d/*.sql and
# *.sh, and accepts scram-sha-256 passwords from any host; then it execs
# postgres as the postgres user (signals reach it) listening on
# 0.0.0.0:5432. `docker import` cannot set STOPSIGNAL (the official image's
# SIGINT, fast shutdown): SIGTERM is postgres's smart shutdown, which still
# ends promptly when no client is connected. No HEALTHCHECK either: compose
# files give one (pg_isready is on the PATH).
build_postgres() {
	new_rootfs postgres
	local dir=$ROOT
	# The package's postinst would create (and start) a "main" cluster.
	mkdir -p "$dir/etc/postgresql-common/createcluster.d"
	echo 'create_main_cluster = false' >"$dir/etc/postgresql-common/createcluster.d/00-gazr-test.conf"
	timed apt chroot_apt "$dir" postgresql-15
	rm -rf "$dir/etc/postgresql/15" "$dir/var/lib/postgresql/15"
	mkdir -p "$dir/docker-entrypoint-initdb.d" "$dir/var/lib/postgresql/data"
	chroot "$dir" chown -R postgres:postgres /var/lib/postgresql
	chmod 700 "$dir/var/lib/postgresql/data"
	cat >"$dir/usr/local/bin/docker-entrypoint.sh" <<-'EOF'
		#!/bin/sh
		# gazr-test/postgres: what the official image's entrypoint does, in short.
		set -eu
		if [ "${1#-}" != "$1" ]; then set -- postgres "$@"; fi
		[ "$1" = postgres ] || exec "$@"
		export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
		if [ "$(id -u)" = 0 ]; then
			mkdir -p "$PGDATA" /var/run/postgresql
			chmod 700 "$PGDATA"
			chmod 3777 /var/run/postgresql
			find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
			exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
		fi
		if [ ! -s "$PGDATA/PG_VERSION" ]; then
			auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
			if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
				echo 'error: the database is uninitialized and POSTGRES_PASSWORD is not set' >&2
				echo '  set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without one)' >&2
				exit 1
			fi
			user="${POSTGRES_USER:-postgres}"
			db="${POSTGRES_DB:-$user}"
			pw="$(mktemp)"
			printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pw"
			initdb -D "$PGDATA" --username="$user" --pwfile="$pw" -E UTF8 --locale=C.UTF-8 \
				--auth-local=trust --auth-host="$auth" >/dev/null
			rm -f "$pw"
			printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
			printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
			pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
			export PGUSER="$user" PGDATABASE=postgres
			if [ "$db" != postgres ]; then
				echo 'CREATE DATABASE :"db";' | psql -q -v ON_ERROR_STOP=1 -v db="$db"
			fi
			for f in /docker-entrypoint-initdb.d/*; do
				case "$f" in
				*.sh) echo "running $f"; . "$f" ;;
				*.sql) echo "running $f"; psql -q -v ON_ERROR_STOP=1 --dbname "$db" -f "$f" ;;
				esac
			done
			pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
			unset PGUSER PGDATABASE
			echo 'PostgreSQL init process complete; ready for start up.'
		fi
		exec "$@"
	EOF
	chmod 755 "$dir/usr/local/bin/docker-entrypoint.sh"
	timed import import_rootfs "$dir" "$1" \
		--change "ENV PATH=/usr/lib/postgresql/15/bin:$PATH_ENV" \
		--change 'ENV PGDATA=/var/lib/postgresql/data' \
		--change 'VOLUME /var/lib/postgresql/data' \
		--change 'EXPOSE 5432' \
		--change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
		--change 'CMD ["postgres"]'
}
smoke_postgres=(sh -c 'postgres --version && psql --version && pg_isready --version')

# A sidecar cache, like the official redis image: redis-server as the redis
# user in /data, and, when started without a config file, on all interfaces
# with protected mode off (anyone on the network may connect).
build_redis() {
	new_rootfs redis
	local dir=$ROOT
	timed apt chroot_apt "$dir" redis-server redis-tools
	mkdir -p "$dir/data"
	chroot "$dir" chown redis:redis /data
	cat >"$dir/usr/local/bin/docker-entrypoint.sh" <<-'EOF'
		#!/bin/sh
		# gazr-test/redis: what the official image's entrypoint does, in short.
		set -eu
		case "$1" in -* | *.conf) set -- redis-server "$@" ;; esac
		[ "$1" = redis-server ] || exec "$@"
		if [ "$(id -u)" = 0 ]; then
			find . \! -user redis -exec chown redis '{}' +
			exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
		fi
		shift
		case "${1:-}" in
		*.conf) ;;
		*) set -- --bind '*' '-::*' --protected-mode no "$@" ;;
		esac
		exec redis-server "$@"
	EOF
	chmod 755 "$dir/usr/local/bin/docker-entrypoint.sh"
	timed import import_rootfs "$dir" "$1" \
		--change 'VOLUME /data' \
		--change 'WORKDIR /data' \
		--change 'EXPOSE 6379' \
		--change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
		--change 'CMD ["redis-server"]'
}
smoke_redis=(sh -c 'redis-server --version && redis-cli --version')

# ---------------------------------------------------------------- main

total0=$(now)
for name in "${NAMES[@]}"; do
	[[ -n ${want[$name]:-} ]] || continue
	tag=${TAGS[$name]}
	if image_exists "$tag"; then
		log "image $tag: cached"
		continue
	fi
	t0=$(now)
	PHASES=()
	"build_${name//-/_}" "$tag"
	t1=$(now)
	declare -n smoke="smoke_${name//-/_}"
	if ! out=$(docker run --rm --network none "$tag" "${smoke[@]}" 2>&1); then
		printf '%s\n' "$out" >&2
		docker rmi "$tag" >/dev/null 2>&1 || true
		die "image $tag: smoke test '${smoke[*]}' failed; image removed"
	fi
	unset -n smoke
	PHASES+=("smoke $(since "$t1")")
	out=$(tr '\n' ' ' <<<"$out" | sed 's/ *$//')
	log "image $tag: built in $(since "$t0") [$(IFS=,; sed 's/,/, /g' <<<"${PHASES[*]}")]: ${out:-ok}"
	# Free the disk early: the next image starts from a fresh copy anyway.
	if [[ -d $WORK/$name ]]; then remove_tree "$WORK/$name"; fi
done
log "images: done in $(since "$total0")"
