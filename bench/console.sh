#!/usr/bin/env bash
# Issue 8 benchmark: "Organisation settings > Usage" of an org with 10,000 members.
# Writes target/bench/console.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -q -ntp test -Dtest=ConsoleMemberListBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/console.txt
