#!/usr/bin/env bash
# Load benchmark of the hot path against the server process (embedded PostgreSQL, fsync on).
# Writes target/bench/load.txt. Compares with a Redis Lua baseline (installs redis-server with apt). CLIENTS and SECONDS_PER_PHASE tune the run; ONLY runs the phases
# whose name contains it; SERVER_JVM adds a JVM option to the server (e.g. a JFR recording).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
# The Redis Lua baseline needs a local redis-server (Debian's package).
if [ ! -x /usr/bin/redis-server ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq redis-server >/dev/null
  # Only the binary is wanted: the package's own service must not hold port 6379 or run in the background.
  $SUDO service redis-server stop >/dev/null 2>&1 || true
fi
./mvnw -B -q -ntp test -Dtest=LoadBenchmark -Dheadroom.load.clients="${CLIENTS:-64}" -Dheadroom.load.seconds="${SECONDS_PER_PHASE:-15}" \
  -Dheadroom.load.only="${ONLY:-}" -Dheadroom.load.jvm="${SERVER_JVM:--Dheadroom.load=1}" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/load.txt
