#!/usr/bin/env bash
# Before/after load run: the hot-path phases of bench/load.sh against the build of REV (default the
# commit before issue 13's work) and against this checkout, one after the other in one run.
# Writes target/bench/compare.txt. SECONDS_PER_PHASE, CLIENTS and ONLY tune it like load.sh;
# AFTER_FIRST=true runs this checkout first.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
REV="${1:-4669354}"
BEFORE="$(mktemp -d)/before"
git worktree add -q --detach "$BEFORE" "$REV"
trap 'git worktree remove --force "$BEFORE"' EXIT
(cd "$BEFORE" && ./mvnw -B -q -ntp -DskipTests -Dspotless.check.skip=true package \
   && ./mvnw -B -q -ntp dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=runtime)
CP="$BEFORE/target/classes:$(cat "$BEFORE/target/cp.txt")"
./mvnw -B -q -ntp test -Dtest='LoadBenchmark#compare' -Dheadroom.load.before-classpath="$CP" \
  -Dheadroom.load.before-name="$(git rev-parse --short "$REV")" \
  -Dheadroom.load.clients="${CLIENTS:-64}" -Dheadroom.load.seconds="${SECONDS_PER_PHASE:-15}" -Dheadroom.load.only="${ONLY:-}" -Dheadroom.load.after-first="${AFTER_FIRST:-false}" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/compare.txt
