#!/usr/bin/env bash
# Issue 6's benchmark suite in one command: JMH of the pure core, the load run with its three
# baselines (HTTP floor, naive settlement, Redis Lua), the acknowledged-write run across nodes, issue
# 15's run on an external PostgreSQL with one node and three (against pgbench and Redis) and, with
# MEMORY=1, the memory run (about 20 minutes more). Appends a section with the machine, the date,
# the commit, each command and its figures to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
commit="$(git rev-parse --short HEAD)"
git diff --quiet HEAD || commit="$commit with uncommitted changes"
machine="$(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GiB"
log="target/bench/all.log"
mkdir -p target/bench
: > "$log"

section="$(mktemp)"
{
  echo
  echo "## bench/all.sh run of $(date -u +%Y-%m-%dT%H:%MZ), commit $commit"
  echo
  echo "Machine: $machine; Java 25; server, PostgreSQL and load generator on the same machine."
  echo
} > "$section"

run() { # title, command, result file
  echo "Running $2 ..." >&2
  bash -c "$2" >> "$log" 2>&1
  {
    echo "### $1"
    echo
    echo "Command: \`$2\`"
    echo
    echo '```'
    cat "$3"
    echo '```'
    echo
  } >> "$section"
}

run "The pure core (JMH)" "bench/jmh.sh" target/bench/jmh.txt
run "The hot path under load, with its baselines" "bench/load.sh" target/bench/load.txt
run "Acknowledged writes across nodes" "bench/acknowledged.sh" target/bench/acknowledged.txt
run "The hot path on an external PostgreSQL, one node and three" "bench/nodes.sh" target/bench/nodes.txt
if [ "${MEMORY:-0}" = 1 ]; then
  run "Memory: 100,000 members and 1,000,000 events in 512 MiB" "bench/memory.sh" target/bench/memory.txt
fi

cat "$section" >> BENCHMARKS.md
rm -f "$section"
echo "Appended to BENCHMARKS.md (the runs' own output: $log)." >&2
