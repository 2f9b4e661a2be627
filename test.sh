#!/usr/bin/env bash
# Runs every test (unit, property, integration on embedded PostgreSQL) and the format check.
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
exec ./mvnw -B -ntp verify "$@"
