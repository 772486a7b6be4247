#!/bin/bash
# Scenarios of docs/aws/user-data.sh, run in a Debian container by
# integration/userdata_test.go with the stubs of bin/ first on PATH: aws,
# docker, curl (IMDS), systemctl and usermod answer from files in /stub and
# log their calls to /stub/calls.log. One line per check; exits 1 on a FAIL.
set -u
export PATH=/stubbin:$PATH SWARM_JOIN_WAIT=60
fail=0
failed() { echo "FAIL $1"; sed 's/^/    | /' /stub/out.log; fail=1; }
check() { if grep -q -- "$2" "$3"; then echo "ok   $1"; else failed "$1: no '$2' in $3"; fi; }
nocheck() { if grep -q -- "$2" "$3"; then failed "$1: '$2' in $3"; else echo "ok   $1"; fi; }
reset() { rm -rf /stub/docker /stub/calls.log /stub/*.txt; mkdir -p /stub; : >/stub/calls.log; }
run() { bash /ud/user-data.sh >/stub/out.log 2>&1; echo $? >/stub/rc; }

echo "== A first manager"
reset; rm -rf /stub/ssm /stub/swarm
export STUB_ID=i-a STUB_IP=10.0.0.1 STUB_NAME=SwarmManager-staging STUB_HOST=ip-10-0-0-1
printf '2026-01-01T09:00:00+00:00\ti-a\t10.0.0.1\tNone\n' >/stub/managers.txt
run
check "A rc 0" '^0$' /stub/rc
check "A init" 'docker swarm init --advertise-addr 10.0.0.1' /stub/calls.log
check "A put worker" 'put-parameter --name /swarm/staging/join-token/worker' /stub/calls.log
check "A put manager" 'put-parameter --name /swarm/staging/join-token/manager' /stub/calls.log
check "A tag" 'create-tags --resources i-a --tags Key=Init,Value=true Key=Hostname,Value=ip-10-0-0-1' /stub/calls.log
check "A unit enabled" 'systemctl enable swarm-join.service' /stub/calls.log
check "A installed" 'ExecStart=/usr/local/sbin/swarm-join' /etc/systemd/system/swarm-join.service
nocheck "A no token in log" 'SWMTKN' /var/log/swarm-join.log
nocheck "A no token on a command line" 'SWMTKN' /stub/calls.log

echo "== A2 rerun: nothing changes"
: >/stub/calls.log; run
check "A2 rc 0" '^0$' /stub/rc
check "A2 says so" 'already in the swarm' /stub/out.log
nocheck "A2 no init" 'swarm init' /stub/calls.log
nocheck "A2 no put" 'put-parameter' /stub/calls.log

echo "== B second manager: joins, prunes"
reset
export STUB_ID=i-b STUB_IP=10.0.0.2 STUB_HOST=ip-10-0-0-2
printf '2026-01-01T09:00:00+00:00\ti-a\t10.0.0.1\ttrue\n2026-01-01T09:05:00+00:00\ti-b\t10.0.0.2\tNone\n' >/stub/managers.txt
printf 'ip-old\tip-dup\n' >/stub/terminated.txt
printf 'ip-10-0-0-1\tip-dup\n' >/stub/live.txt
printf 'n1 ip-10-0-0-1 Ready Leader\nn2 ip-old Down Unreachable\nn3 ip-dup Down \nn4 ip-oldw Down \n' >/stub/nodes.txt
run
check "B rc 0" '^0$' /stub/rc
check "B join" 'docker swarm join --token SWMTKN-m --advertise-addr 10.0.0.2 10.0.0.1:2377' /stub/calls.log
nocheck "B no init" 'swarm init' /stub/calls.log
nocheck "B no put (tokens unchanged)" 'put-parameter' /stub/calls.log
check "B demote old" 'docker node demote n2' /stub/calls.log
check "B rm old" 'docker node rm --force n2' /stub/calls.log
nocheck "B dup left" 'node rm --force n3' /stub/calls.log
nocheck "B unknown left" 'node rm --force n4' /stub/calls.log
check "B dup said" 'left alone' /stub/out.log

echo "== C worker joins with the worker token"
reset
export STUB_ID=i-w STUB_IP=10.0.1.9 STUB_NAME=SwarmWorker-staging STUB_HOST=ip-10-0-1-9
printf '2026-01-01T09:00:00+00:00\ti-a\t10.0.0.1\ttrue\n' >/stub/managers.txt
run
check "C rc 0" '^0$' /stub/rc
check "C join" 'swarm join --token SWMTKN-w --advertise-addr 10.0.1.9 10.0.0.1:2377' /stub/calls.log
nocheck "C worker reads no manager token" 'join-token/manager' /stub/calls.log
nocheck "C no prune" 'node ls' /stub/calls.log

echo "== D stale worker token (rotated, not republished): every try fails, then the deadline"
export SWARM_JOIN_WAIT=1
reset
echo SWMTKN-stale >/stub/ssm/worker
printf '2026-01-01T09:00:00+00:00\ti-a\t10.0.0.1\ttrue\n' >/stub/managers.txt
run
check "D rc 1" '^1$' /stub/rc
check "D says why" 'let this instance in within 1s' /stub/out.log
check "D says what to do" 'if the join tokens were rotated' /stub/out.log
echo SWMTKN-w >/stub/ssm/worker

echo "== E no manager joined yet: a manager launched after another waits for it"
reset
export STUB_ID=i-b STUB_IP=10.0.0.2 STUB_NAME=SwarmManager-staging STUB_HOST=ip-10-0-0-2
printf '2026-01-01T09:00:00+00:00\ti-a\t10.0.0.1\tNone\n2026-01-01T09:00:00+00:00\ti-b\t10.0.0.2\tNone\n' >/stub/managers.txt
run
check "E rc 1" '^1$' /stub/rc
check "E waits for i-a" 'waiting for the first one (i-a)' /stub/out.log
nocheck "E no init" 'swarm init' /stub/calls.log

echo "== F bad Name tag"
reset; export STUB_NAME=web-staging
run
check "F rc 1" '^1$' /stub/rc
check "F says" 'neither SwarmManager-<env> nor SwarmWorker-<env>' /stub/out.log
exit $fail
