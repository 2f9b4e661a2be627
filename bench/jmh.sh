#!/usr/bin/env bash
# JMH micro-benchmarks of the pure core (admission decision, cost, settlement split).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
mkdir -p target/bench
./mvnw -B -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main "${@:-CoreBenchmarks}" \
  -rf text -rff target/bench/jmh.txt
