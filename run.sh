#!/usr/bin/env bash
# Starts Headroom on its embedded PostgreSQL (data in ./headroom-data) with a demo org,
# on http://localhost:8080. Java 25 is selected here; nothing else needs installing.
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
exec ./mvnw -B -q spring-boot:run "$@"
