#!/usr/bin/env bash
# Issue 6: how long a node that admits from memory answers from old state after another node's
# change (two nodes on one PostgreSQL, fsync on). Writes target/bench/staleness.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -q -ntp test -Dtest=CrossNodeStalenessBenchmark -Dheadroom.staleness.rounds="${ROUNDS:-300}" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/staleness.txt
