#!/usr/bin/env bash
# The gateway's overhead: a local stand-in model called directly, through Headroom (the packaged
# server, fsync on) and through Portkey's open-source gateway, plain and streaming, 1 and 64 clients.
# Installs @portkey-ai/gateway from npm into .tools/npm when missing. Writes target/bench/gateway.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
if [ ! -f .tools/npm/node_modules/@portkey-ai/gateway/build/start-server.js ]; then
  mkdir -p .tools/npm
  (cd .tools/npm && npm install --no-audit --no-fund --loglevel=error @portkey-ai/gateway@1.15.2 > /dev/null)
fi
./mvnw -B -q -ntp test -Dtest=GatewayBenchmark -Dheadroom.gateway.seconds="${SECONDS_PER_PHASE:-10}" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/gateway.txt
