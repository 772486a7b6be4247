#!/usr/bin/env bash
# Sidecar reuse vs cold start: the median time of `gazr test-integration`
# (a step that needs postgres and redis and queries both by name) with cold
# services (after `gazr destroy --yes`: containers, network and volumes
# created, postgres initialised) and with warm ones (reused), over N runs
# each, and their ratio; and, for scale, a step alone (no services, same
# image, running `true`). Printed, never asserted.
#
#   integration/bench/sidecar.sh [runs]      (default 5)
#
# Needs: a container engine and the test images gazr-test/postgres:15 and
# gazr-test/redis:7 (integration/images/build.sh postgres redis).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}

for img in gazr-test/postgres:15 gazr-test/redis:7; do
  docker image inspect "$img" >/dev/null 2>&1 || { echo "sidecar.sh: $img missing: run integration/images/build.sh postgres redis" >&2; exit 1; }
done

work=$(mktemp -d)
proj=$work/sidecarbench
gazr=$work/gazr
cleanup() {
  "$gazr" -C "$proj" destroy --yes >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
go build -trimpath -o "$gazr" ./cmd/gazr
mkdir -p "$proj"
cat >"$proj/.gazr.toml" <<'TOML'
[verbs.test-unit]
image = "gazr-test/postgres:15"
run = "true"

[verbs.test-integration]
image = "gazr-test/postgres:15"
env = { PGHOST = "db", PGUSER = "app", PGPASSWORD = "secret" }
run = [
  "psql -At -c 'select 1' >/dev/null",
  "bash -c 'exec 3<>/dev/tcp/cache/6379 && printf \"PING\\r\\n\" >&3 && read -r reply <&3 && [ \"${reply%?}\" = +PONG ]'",
]
services = ["db", "cache"]
TOML
cat >"$proj/compose.yaml" <<'YAML'
services:
  db:
    image: gazr-test/postgres:15
    environment: {POSTGRES_USER: app, POSTGRES_PASSWORD: secret}
    volumes: [pgdata:/var/lib/postgresql/data]
    healthcheck:
      test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "app"]
      interval: 250ms
      start_period: 60s
  cache:
    image: gazr-test/redis:7
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 250ms
      start_period: 60s
volumes:
  pgdata:
YAML

now() { date +%s.%N; }
# timed FILE [VERB]: runs gazr VERB (test-integration), appends its
# duration (ms) to FILE.
timed() {
  local t0 t1 verb=${2:-test-integration}
  t0=$(now)
  if ! "$gazr" -C "$proj" "$verb" >"$work/out" 2>&1; then
    cat "$work/out" >&2
    echo "sidecar.sh: gazr $verb failed" >&2
    exit 1
  fi
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }' >>"$1"
}
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); if (NR % 2) print v[m]; else printf "%.0f\n", (v[m] + v[m + 1]) / 2 }'; }

echo "== gazr test-integration with postgres + redis sidecars ($runs runs each, median)"
: >"$work/cold"
: >"$work/warm"
: >"$work/alone"
for ((i = 1; i <= runs; i++)); do
  timed "$work/alone" test-unit
  "$gazr" -C "$proj" destroy --yes >/dev/null
  timed "$work/cold"
  grep -q 'db healthy' "$work/out" || { echo "sidecar.sh: the cold run did not start db" >&2; exit 1; }
  timed "$work/warm"
  grep -q 'db reused' "$work/out" || { echo "sidecar.sh: the warm run did not reuse db" >&2; exit 1; }
done
cold=$(median "$work/cold")
warm=$(median "$work/warm")
printf 'cold (after destroy --yes) %7d ms   runs: %s\n' "$cold" "$(paste -sd' ' "$work/cold")"
printf 'warm (services reused)     %7d ms   runs: %s\n' "$warm" "$(paste -sd' ' "$work/warm")"
alone=$(median "$work/alone")
printf 'step alone (no services)   %7d ms   runs: %s\n' "$alone" "$(paste -sd' ' "$work/alone")"
printf 'ratio cold / warm          %7.1f\n' "$(awk -v c="$cold" -v w="$warm" 'BEGIN { print c / w }')"
printf 'ratio warm / step alone    %7.2f\n' "$(awk -v a="$alone" -v w="$warm" 'BEGIN { print w / a }')"
