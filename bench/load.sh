#!/usr/bin/env bash
# Load benchmark of the hot path against the server process (embedded PostgreSQL, fsync on).
# Writes target/bench/load.txt. CLIENTS and SECONDS_PER_PHASE tune the run; ONLY runs the phases
# whose name contains it; SERVER_JVM adds a JVM option to the server (e.g. a JFR recording).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -q -ntp test -Dtest=LoadBenchmark -Dheadroom.load.clients="${CLIENTS:-64}" -Dheadroom.load.seconds="${SECONDS_PER_PHASE:-15}" \
  -Dheadroom.load.only="${ONLY:-}" -Dheadroom.load.jvm="${SERVER_JVM:--Dheadroom.load=1}" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/load.txt
