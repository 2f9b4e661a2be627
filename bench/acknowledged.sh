#!/usr/bin/env bash
# Issue 15: what acknowledged invalidation adds to a write (one node against three on one
# PostgreSQL, fsync on, idle and under load) and whether another node is ever stale right after a
# write's answer. Writes target/bench/acknowledged.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -q -ntp test -Dtest=AcknowledgedWriteBenchmark -Dheadroom.acknowledged.rounds="${ROUNDS:-500}" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/acknowledged.txt
