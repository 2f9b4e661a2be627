#!/usr/bin/env bash
# Issue 6 memory check: 100,000 members and 1,000,000 events on a server with -Xmx512m.
# Writes target/bench/memory.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -q -ntp test -Dtest=MemoryBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/memory.txt
