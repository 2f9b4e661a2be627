#!/usr/bin/env bash
# The full crash test: 20 SIGKILLs of Headroom under retrying load, every other one with its
# PostgreSQL; then checks that every acknowledged usage report is stored exactly once and that
# every counter equals its sums; then the same kills under streams through the gateway (every
# stream a client saw end is billed once and in full). Prints target/reliability/crash-test.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
rm -f target/reliability/crash-test.txt
./mvnw -B -q -ntp test -Dtest=CrashRecoveryTest -Dheadroom.crash.kills="${KILLS:-20}" -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/reliability/crash-test.txt
