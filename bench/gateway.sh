#!/usr/bin/env bash
# The gateway's overhead: a local stand-in model called directly, through Headroom (the packaged
# server, fsync on), through Portkey's open-source gateway, through nginx and through a bare relay on
# Headroom's own stack without and with a durable commit per answer (SkeletonGateway: "stack",
# "stack-db"), plain and streaming, 1 and 64 clients.
# Installs @portkey-ai/gateway from npm into .tools/npm when missing. Writes target/bench/gateway.txt.
# Arguments go to Maven, e.g. -Dheadroom.gateway.clients=1 for the one-client phases alone;
# GatewayBenchmark's comment lists the others (targets, phases, a variant server); BEFORE=<commit>
# runs that commit's build beside this one.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
# nginx, a plain reverse proxy, is the floor: what any proxy adds on this machine.
if [ ! -x /usr/sbin/nginx ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
  $SUDO service nginx stop >/dev/null 2>&1 || true
fi
if [ ! -f .tools/npm/node_modules/@portkey-ai/gateway/build/start-server.js ]; then
  mkdir -p .tools/npm
  (cd .tools/npm && npm install --no-audit --no-fund --loglevel=error @portkey-ai/gateway@1.15.2 > /dev/null)
fi
# BEFORE=<commit> adds that commit's build as a server named "before", in the same run.
VARIANT=()
if [ -n "${BEFORE:-}" ]; then
  DIR="$(mktemp -d)/before"
  git worktree add -q --detach "$DIR" "$BEFORE"
  trap 'git worktree remove --force "$DIR"' EXIT
  (cd "$DIR" && ./mvnw -B -q -ntp -DskipTests -Dspotless.check.skip=true compile \
     && ./mvnw -B -q -ntp dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=runtime)
  VARIANT=("-Dheadroom.gateway.variant-classpath=$DIR/target/classes:$(cat "$DIR/target/cp.txt")"
           "-Dheadroom.gateway.variant-name=before")
fi
./mvnw -B -q -ntp test -Dtest=GatewayBenchmark -Dheadroom.gateway.seconds="${SECONDS_PER_PHASE:-10}" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true "${VARIANT[@]}" "$@"
cat target/bench/gateway.txt
