#!/usr/bin/env bash
# gazr's main job on a fresh machine, in one command: make sure a container
# engine runs, build gazr into ./dist, build the offline images, run
# `gazr list` and `gazr test` on the example project (integration/example),
# then the developer loop on a new service (gazr new, gazr init with its
# database sidecar, gazr test twice), then deploy a small HTTP service to
# the local engine's swarm and reach it through gazr's edge.
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
./dist/gazr --version
./dist/gazr -C integration/example list
./dist/gazr -C integration/example test

# The developer loop: a new service from a template, set up in one command
# (gazr init: .env, images, caches, its PostgreSQL sidecar, its virtualenv),
# its tests (unit, then integration against the database, reached as db:5432),
# a second gazr init that changes nothing, and everything removed again.
# The template's images are build args and variables: point them at the
# offline ones.
bash integration/images/build.sh python postgres
export GAZR_IMAGE_PYTHON=gazr-test/python:3.11 PYTHON_IMAGE=gazr-test/python:3.11 POSTGRES_IMAGE=gazr-test/postgres:15
loop=$(mktemp -d)
./dist/gazr new python-http "$loop/shop"
./dist/gazr -C "$loop/shop" init
./dist/gazr -C "$loop/shop" test
./dist/gazr -C "$loop/shop" init
./dist/gazr -C "$loop/shop" destroy --yes
docker image rm shop/app:dev >/dev/null 2>&1 || true
rm -rf "$loop"

# Then the other half: deploy a small HTTP service (3 replicas, health
# checks) to the local engine's swarm, reach it through gazr's edge, look
# at it, and take it down again.
app=$(mktemp -d)
go run ./pkg/deploy/deploytest/testapp/writeapp "$app" v1
printf 'name = "demo"\n[env.local]\nedge_port = 18090\n' >"$app/.gazr.toml"
git -C "$app" add -A && git -C "$app" -c user.email=demo@gazr -c user.name=demo commit -qm config
export GAZR_EDGE_IMAGE=gazr-test/haproxy:2.6
bash integration/images/build.sh haproxy
./dist/gazr -C "$app" deploy
for i in $(seq 1 60); do
  curl -fsS -H 'Host: web-local.localhost' http://127.0.0.1:18090/ && break
  sleep 1
done
./dist/gazr -C "$app" status
./dist/gazr -C "$app" history
# Take the demo down: its services, edge, history, configs and network.
docker service rm demo-local_web gazr-edge-18090 >/dev/null
sleep 5
docker config ls --format '{{.Name}}' | grep -E '^gazr-(history\.demo-local\.|edge-18090-cfg-)' | xargs -r docker config rm >/dev/null || true
# The network goes once the last task has stopped (the edge finishes its
# open connections first: up to 30 s).
for i in $(seq 1 60); do
  docker network rm demo-local_default >/dev/null 2>&1 && break
  sleep 1
done
# Its image goes once swarm has removed the tasks' containers.
for i in $(seq 1 30); do
  imgs=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^demo/web:' || true)
  [[ -z $imgs ]] && break
  docker image rm $imgs >/dev/null 2>&1 || sleep 1
done
rm -rf "$app"
