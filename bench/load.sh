#!/usr/bin/env bash
# Load benchmark of the hot path against the server process (embedded PostgreSQL, fsync on).
# Writes target/bench/load.txt. CLIENTS and SECONDS tune the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -q -ntp test -Dtest=LoadBenchmark -Dheadroom.load.clients="${CLIENTS:-64}" -Dheadroom.load.seconds="${SECONDS_PER_PHASE:-15}" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/load.txt
