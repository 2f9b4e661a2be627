#!/usr/bin/env bash
# The model check at scale: OPS random operations (default 10,000,000) with SEED (default 1301) of the
# pure settlement plan and admission policy, in memory, against the reference model; stops at the
# first disagreement and prints a reduced sequence. Ten million operations take about a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -q -ntp test -Dtest=PlanSimulationTest -Dheadroom.plansim.ops="${1:-10000000}" -Dheadroom.plansim.seed="${2:-1301}" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true | grep -E "PLAN SIMULATION|Plan simulation seed|reduced" || true
