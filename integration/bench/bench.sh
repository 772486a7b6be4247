#!/usr/bin/env bash
# Benchmarks of gazr's overhead, printed as medians and as ratios against a
# peer measured in the same run (never asserted: figures for humans).
#
#   integration/bench/bench.sh [runs]      (default 15 runs per figure)
#
# Needs: a container engine, the test images (integration/images/build.sh),
# hyperfine and GNU time (apt-get install hyperfine time).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-15}

for tool in hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine time)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -trimpath -o "$work/gazr" ./cmd/gazr
gazr=$work/gazr
image=gazr-test/busybox:1
docker image inspect "$image" >/dev/null 2>&1 || { echo "bench: $image missing: run integration/images/build.sh" >&2; exit 1; }

# median FILE: the median of hyperfine's runs, in milliseconds.
median() {
  python3 -c 'import json,sys,statistics; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.2f" % (statistics.median(x["times"])*1000) for x in r))' "$1"
}

echo "== startup: gazr --version vs docker --version ($runs runs, median)"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/v.json" "$gazr --version" "docker --version" >/dev/null
read -r g d < <(median "$work/v.json")
printf 'gazr --version    %8.2f ms\ndocker --version  %8.2f ms\nratio             %8.2f  (goal: gazr <= 15 ms)\n\n' "$g" "$d" "$(echo "$g / $d" | bc -l)"

echo "== trivial step: gazr test vs docker run --rm ($runs runs, median)"
mkdir -p "$work/proj"
cat > "$work/proj/.gazr.toml" <<TOML
name = "bench"
image = "$image"
[verbs.test-unit]
run = "true"
TOML
hyperfine --warmup 2 --runs "$runs" --export-json "$work/s.json" \
  "$gazr -C $work/proj test" \
  "docker run --rm --init -v $work/proj:$work/proj -w $work/proj $image sh -c true" >/dev/null 2>&1
read -r g d < <(median "$work/s.json")
printf 'gazr test         %8.2f ms\ndocker run --rm   %8.2f ms\nratio             %8.3f  (goal: <= 1.05)\n\n' "$g" "$d" "$(echo "$g / $d" | bc -l)"

echo "== peak RSS of gazr during a step (a step printing 2 MB over 1 s)"
cat > "$work/proj/.gazr.toml" <<TOML
name = "bench"
image = "$image"
[verbs.test-unit]
run = "i=0; while [ \$i -lt 20 ]; do head -c 100000 /dev/zero | tr '\\\\0' x; echo; i=\$((i+1)); sleep 0.05; done"
TOML
/usr/bin/time -f '%M' -o "$work/rss" "$gazr" -C "$work/proj" test >/dev/null 2>&1
/usr/bin/time -f '%M' -o "$work/rss-docker" docker run --rm "$image" sh -c "true" >/dev/null 2>&1
printf 'gazr peak RSS     %8.1f MiB  (goal: <= 30 MiB)\ndocker CLI RSS    %8.1f MiB  (peer, trivial run)\n' \
  "$(echo "$(cat "$work/rss") / 1024" | bc -l)" "$(echo "$(cat "$work/rss-docker") / 1024" | bc -l)"

# Deploys (slower: builds an image, rolls out 3 replicas several times).
# Skip with GAZR_BENCH_DEPLOY=0.
if [[ ${GAZR_BENCH_DEPLOY:-1} != 0 ]]; then
  echo
  echo "== deploys on the local engine's swarm (through gazr's edge, 4 clients)"
  go run ./integration/bench/deploybench -gazr "$gazr"
fi
