#!/usr/bin/env bash
# Issue 15's benchmark: the hot path on an external PostgreSQL (its own server, default settings,
# fsync on) with one Headroom node and with three, against the HTTP floor, pgbench's naive
# settlement on the same PostgreSQL (and again with fsync off: how much its commit binds it) and the
# Redis Lua baseline; the single node's floor, admissions and single settlements again driven by
# wrk; the settlement floor (SkeletonSettlement: the least a settlement server on Headroom's stack
# costs, a group-committed journal row per report, with and without the spend counters) beside them. Every phase gives the CPU per request of the server, PostgreSQL, the load generator and the
# rest (wrk, pgbench). Writes target/bench/nodes.txt.
# CLIENTS (default 32) and SECONDS_PER_PHASE (default 15) tune it; PG_BIN points at PostgreSQL's
# programs (initdb, pg_ctl, pgbench; Debian's postgresql package puts them in /usr/lib/postgresql/*/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
pg_bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/pgbench" ]; then
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  $SUDO service postgresql stop >/dev/null 2>&1 || true
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
# wrk drives the single-node phases a second time with clients that cost little (WrkLoad).
if [ ! -x /usr/bin/wrk ]; then
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null
fi
if [ ! -x /usr/bin/redis-server ]; then
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq redis-server >/dev/null
  $SUDO service redis-server stop >/dev/null 2>&1 || true
fi
# initdb refuses to run as root: as root, the benchmark runs PostgreSQL as the user "postgres"
# (Debian's package makes it).
./mvnw -B -q -ntp test -Dtest=NodesLoadBenchmark -Dheadroom.load.clients="${CLIENTS:-32}" -Dheadroom.load.seconds="${SECONDS_PER_PHASE:-15}" \
  -Dheadroom.load.pg-bin="$pg_bin" -Dheadroom.load.wrk=true -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
cat target/bench/nodes.txt
