#!/usr/bin/env bash
# Model-based simulation: OPS random operations (default 1,000,000) with SEED (default 1129)
# against the service on PostgreSQL and the reference model, THREADS orgs at once (default 4);
# stops at the first disagreement and prints a reduced sequence. ORG=N replays org N of the run alone.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -q -ntp test -Dtest=SimulationTest -Dheadroom.sim.ops="${1:-1000000}" -Dheadroom.sim.seed="${2:-1129}" \
  -Dheadroom.sim.threads="${3:-4}" ${ORG:+-Dheadroom.sim.org=$ORG} \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true | grep -E "SIMULATION|Simulation seed|reduced" || true
