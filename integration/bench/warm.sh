#!/usr/bin/env bash
# A re-run of a trivial step in a warm container (an exec) against a fresh
# container of the same step (goal: <= 0.3 x a raw `docker run --rm`),
# printed as medians and ratios against peers run in the same script:
# `docker run --rm` of the same image and command, and gazr's own fresh
# step. Twice: in-process, as gazr watch re-runs (Runner.Run against
# Warm.Run), and as whole `gazr test-unit` commands, with and without
# warm = "5m" in .gazr.toml. Never asserted: figures for humans.
#
#   integration/bench/warm.sh [runs]      (default 21 runs per figure)
#
# Needs: a container engine, gazr-test/busybox:1 (integration/images/build.sh),
# hyperfine (apt-get install hyperfine). Run it alone on the engine.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-21}
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }
image=gazr-test/busybox:1
docker image inspect "$image" >/dev/null 2>&1 || { echo "bench: $image missing: run integration/images/build.sh" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go test -c -o "$work/container.test" ./pkg/container
go build -trimpath -o "$work/gazr" ./cmd/gazr

# ns/op of a go benchmark, in ms.
bench() {
  "$work/container.test" -test.run '^$' -test.bench "^$1\$" -test.count 1 -test.benchtime "${runs}x" |
    awk -v b="$1" '$1 ~ "^"b { printf "%.2f", $3 / 1e6 }'
}
median() {
  python3 -c 'import json,sys,statistics; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.2f" % (statistics.median(x["times"])*1000) for x in r))' "$1"
}
echo "== a trivial step: warm re-run, fresh, docker run --rm ($runs runs)"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/run.json" \
  "docker run --rm --init $image sh -c true" >/dev/null 2>&1
read -r d < <(median "$work/run.json")
w=$(bench BenchmarkStepWarm)
f=$(bench BenchmarkStepFresh)
printf 'warm re-run (exec)       %8.2f ms  ratio %.2f to docker run (goal: <= 0.3)\n' "$w" "$(echo "$w / $d" | bc -l)"
printf 'fresh step (gazr)        %8.2f ms  ratio %.2f to docker run (goal: <= 1.05)\n' "$f" "$(echo "$f / $d" | bc -l)"
printf 'docker run --rm          %8.2f ms  (median; the go benchmarks are means)\n' "$d"

echo
echo "== the same step as a whole command: gazr test-unit, warm = \"5m\" and fresh ($runs runs)"
mkdir -p "$work/warm" "$work/fresh"
for d in warm fresh; do
  printf 'name = "bench-%s"\n[verbs.test-unit]\nimage = "%s"\nrun = "true"\n' "$d" "$image" > "$work/$d/.gazr.toml"
done
echo 'warm = "5m"' >> "$work/warm/.gazr.toml"
export XDG_CACHE_HOME=$work/cache
trap '"$work/gazr" -C "$work/warm" stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/cli.json" \
  "$work/gazr -C $work/warm test-unit" \
  "$work/gazr -C $work/fresh test-unit" \
  "docker run --rm --init -v $work/fresh:$work/fresh -w $work/fresh $image sh -c true" >/dev/null 2>&1
read -r gw gf d < <(median "$work/cli.json")
printf 'gazr test-unit, warm     %8.2f ms  ratio %.2f to docker run (goal: <= 0.3)\n' "$gw" "$(echo "$gw / $d" | bc -l)"
printf 'gazr test-unit, fresh    %8.2f ms  ratio %.2f to docker run (goal: <= 1.05)\n' "$gf" "$(echo "$gf / $d" | bc -l)"
printf 'docker run --rm          %8.2f ms  (medians)\n' "$d"
