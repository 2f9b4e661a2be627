#!/usr/bin/env bash
# Builds Headroom's container image without a Docker daemon: the base (image/base-image.sh), then
# Jib's image tarball, target/image/headroom-image.tar, to load elsewhere with `docker load -i`.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
image/base-image.sh
./mvnw -B -q -ntp -Pimage -DskipTests -Dspotless.check.skip=true package jib:buildTar
ls -l target/image/headroom-image.tar
