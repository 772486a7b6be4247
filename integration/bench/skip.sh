#!/usr/bin/env bash
# A skipped `gazr test` on an unchanged repository of 10,000 source files
# (goal: <= 1.0 x find + stat), printed as medians and as ratios against peers run
# in the same script: `find` listing and stat'ing the same files (the
# floor of any tool that looks at every file) and `gazr --version` (process
# start). Never asserted: figures for humans.
#
#   integration/bench/skip.sh [runs] [files] [base-gazr]
#
# runs defaults to 21 per figure, files to 10000 (try 100000). base-gazr,
# a gazr binary built from another commit, is timed in the same run, for a
# before/after ratio on a loaded machine.
#
# Needs: a container engine, gazr-test/busybox:1 (integration/images/build.sh),
# python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-21}
files=${2:-10000}
base=${3:-}
image=gazr-test/busybox:1
docker image inspect "$image" >/dev/null 2>&1 || { echo "bench: $image missing: run integration/images/build.sh" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -trimpath -o "$work/gazr" ./cmd/gazr
gazr=$work/gazr
repo=$work/repo
export XDG_CACHE_HOME=$work/cache

# $files files, 10 a directory, like a large Go repository.
python3 - "$repo" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "pkg", "d%02d" % (i % 100), "s%02d" % ((i // 100) % (n // 1000)))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%d.go" % i), "w") as f:
        f.write("package s\n\nfunc F%d() int { return %d }\n" % (i, i))
PY
cat > "$repo/.gazr.toml" <<TOML
name = "bench-skip"
image = "$image"
[verbs.test-unit]
run     = "true"
sources = ["**/*.go", "go.mod"]
TOML
printf 'module example.com/big\n\ngo 1.26\n' >"$repo/go.mod"
"$gazr" -C "$repo" test 2>/dev/null # records the first success
sleep 1.1 # files younger than a second are re-read: let them age once
"$gazr" -C "$repo" test 2>/dev/null # refreshes the record with their stats
"$gazr" -C "$repo" test 2>&1 | grep -q 'skipped' || { echo "bench: the second run was not skipped" >&2; exit 1; }

# Interleaved runs (each round runs every command once, in rotated
# order), so that the machine's load weighs the same on every figure:
# hyperfine runs one command's runs after the other's.
timeall() {
  python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time, statistics
runs, cmds = int(sys.argv[1]), sys.argv[2:]
t = {c: [] for c in cmds}
for i in range(runs + 3):
    k = i % len(cmds)
    for c in cmds[k:] + cmds[:k]:
        s = time.perf_counter()
        subprocess.run(c.split(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i >= 3:  # warm-up rounds
            t[c].append(time.perf_counter() - s)
print(" ".join("%.2f" % (statistics.median(t[c]) * 1000) for c in cmds))
PY
}
echo "== skipped gazr test on $files unchanged files ($runs interleaved runs, median)"
cmds=("$gazr -C $repo test" "find $repo -name *.go -printf %s%T@%i" "$gazr --version")
# The base keeps its records apart: two gazr versions sharing one cache
# would overwrite each other's record (their plans differ) and never skip.
[ -n "$base" ] && cmds+=("env XDG_CACHE_HOME=$work/cache-base $base -C $repo test")
read -r g f v b < <(timeall "${cmds[@]}")
printf 'gazr test (skipped)      %8.2f ms  (goal: <= 1.0 x find + stat)\nfind + stat, same files  %8.2f ms  ratio %.2f\ngazr --version           %8.2f ms  ratio %.2f\n' \
  "$g" "$f" "$(echo "$g / $f" | bc -l)" "$v" "$(echo "$g / $v" | bc -l)"
[ -n "$base" ] && printf 'base gazr test (skipped) %8.2f ms  ratio %.2f (this / base)\n' "$b" "$(echo "$g / $b" | bc -l)"
exit 0
