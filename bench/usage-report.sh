#!/usr/bin/env bash
# EX-3 benchmark: usage reports of an org with 10,000 members and 10M events in a month.
# Writes target/bench/usage-report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -q -ntp test -Dtest=UsageReportBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/usage-report.txt
