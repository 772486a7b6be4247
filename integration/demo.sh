#!/usr/bin/env bash
# gazr's main job on a fresh machine, in one command: make sure a container
# engine runs, build gazr into ./dist, build the offline images, then run
# `gazr list` and `gazr test` on the example project (integration/example).
#
#   bash integration/demo.sh
#
# On a machine that can pull images, skip all this: go install ./cmd/gazr,
# then run gazr test in any repository.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/engine
go build -trimpath -o dist/gazr ./cmd/gazr
bash integration/images/build.sh busybox go

# No registry is reachable here: point the go convention at the image built
# offline instead of golang:1.26.
export GAZR_IMAGE_GO=gazr-test/go:1.26
set -x
./dist/gazr --version
./dist/gazr -C integration/example list
./dist/gazr -C integration/example test
