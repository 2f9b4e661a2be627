#!/usr/bin/env bash
# What strict caps cost (issue 16): each request an admission and its usage report, for a strict
# org (a hold taken and released) and a plain one, on the server process (embedded PostgreSQL,
# fsync on). Writes target/bench/strict.txt. CLIENTS and SECONDS_PER_PHASE tune the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -q -ntp test -Dtest=LoadBenchmark#strict -Dheadroom.load.clients="${CLIENTS:-64}" -Dheadroom.load.seconds="${SECONDS_PER_PHASE:-15}" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/strict.txt
