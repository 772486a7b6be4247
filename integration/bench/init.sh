#!/usr/bin/env bash
# Benchmark of a second `gazr init` (everything in place: it checks and
# changes nothing; the Go convention's init step lists its sources, so it is
# skipped; a project's own step without sources runs), printed as medians
# and as ratios against peers measured in the same run: the init step run
# alone with `docker run --rm`, `docker info`, `gazr list`; and gazr init
# --dry-run, which does all of init's checks but the step. Never asserted:
# figures for humans. Goal: a second gazr init in <= 1 s.
#
#   integration/bench/init.sh [runs]      (default 15 runs per figure)
#
# Needs: a container engine, the test images (integration/images/build.sh),
# hyperfine (apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-15}

command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }
for image in gazr-test/go:1.26 gazr-test/busybox:1; do
  docker image inspect "$image" >/dev/null 2>&1 || { echo "bench: $image missing: run integration/images/build.sh" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -trimpath -o "$work/gazr" ./cmd/gazr
gazr=$work/gazr
export GAZR_IMAGE_GO=gazr-test/go:1.26 NO_COLOR=1

# median FILE: the medians of hyperfine's commands, in milliseconds.
median() {
  python3 -c 'import json,sys,statistics; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.1f" % (statistics.median(x["times"])*1000) for x in r))' "$1"
}
ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

# A Go module with no dependencies: the convention's init is go mod download.
go_proj=$work/goproj
mkdir -p "$go_proj"
printf 'module example.com/bench\n\ngo 1.26\n' > "$go_proj/go.mod"
printf 'DATABASE_URL=postgres://localhost/dev\n' > "$go_proj/.env.example"
"$gazr" -C "$go_proj" init >/dev/null 2>&1   # the first run: .env, caches

echo "== second gazr init, Go project (go mod download) ($runs runs, median)"
hyperfine --warmup 2 --runs "$runs" --export-json "$work/go.json" \
  "$gazr -C $go_proj init" \
  "docker run --rm --init -v $go_proj:$go_proj -w $go_proj -e GOMODCACHE=/gazr/cache/go-mod -v gazr-cache-go-mod:/gazr/cache/go-mod gazr-test/go:1.26 go mod download" \
  "docker info" \
  "$gazr -C $go_proj list" \
  "$gazr -C $go_proj init --dry-run" >/dev/null 2>&1
read -r init step info list dry < <(median "$work/go.json")
printf 'gazr init (2nd)              %8.1f ms   (goal: <= 1000 ms)\n' "$init"
printf 'docker run: the init step    %8.1f ms   gazr init / step   %s\n' "$step" "$(ratio "$init" "$step")"
printf 'docker info                  %8.1f ms   gazr init / info   %s\n' "$info" "$(ratio "$init" "$info")"
printf 'gazr list                    %8.1f ms   gazr init / list   %s\n' "$list" "$(ratio "$init" "$list")"
printf 'gazr init --dry-run          %8.1f ms   (all but the step: doctor, images, caches, .env, plan)\n\n' "$dry"

# gazr init's own work, with a trivial init step (true, in busybox).
tiny=$work/tiny
mkdir -p "$tiny"
printf 'image = "gazr-test/busybox:1"\n[verbs.init]\nrun = "true"\n' > "$tiny/.gazr.toml"
"$gazr" -C "$tiny" init >/dev/null 2>&1
echo "== second gazr init, trivial init step ($runs runs, median)"
hyperfine --warmup 2 --runs "$runs" --export-json "$work/tiny.json" \
  "$gazr -C $tiny init" \
  "docker run --rm --init gazr-test/busybox:1 true" \
  "$gazr -C $tiny doctor" >/dev/null 2>&1
read -r init step doctor < <(median "$work/tiny.json")
printf 'gazr init (2nd)              %8.1f ms\n' "$init"
printf 'docker run --rm ... true     %8.1f ms   gazr init / run    %s\n' "$step" "$(ratio "$init" "$step")"
printf 'gazr doctor                  %8.1f ms   doctor / docker run %s\n' "$doctor" "$(ratio "$doctor" "$step")"
