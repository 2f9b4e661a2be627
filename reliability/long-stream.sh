#!/usr/bin/env bash
# A ten-minute stream through the gateway (issue 14): a stand-in model pings once a second for
# SECONDS_LONG (default 600); the test checks every ping arrived as it was sent and the stream was
# billed once at its end.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -q -ntp test -Dtest='GatewayTest#EX4_aLongStream*' -Dheadroom.gateway.long-stream-seconds="${SECONDS_LONG:-600}" -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
echo "long stream of ${SECONDS_LONG:-600} s: passed"
