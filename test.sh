#!/usr/bin/env bash
# Runs every test (unit, property, integration on embedded PostgreSQL, the console in Chromium)
# and the format check.
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
# The console's browser tests drive Debian's Chromium: Playwright's own browser download cannot
# reach this network. Installed once, when missing (HEADROOM_CHROMIUM points at another one).
if [ -z "${HEADROOM_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "Installing Debian's chromium for the console tests..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium > /dev/null
fi
# The gateway's client tests run Claude Code itself and the TypeScript SDK, pinned, from npm (Claude
# Code's native binary comes in its platform package). Installed once, into .tools/npm.
if [ -z "${HEADROOM_CLAUDE_CODE:-}" ] && { [ ! -x .tools/npm/node_modules/.bin/claude ] \
     || [ ! -d .tools/npm/node_modules/@anthropic-ai/sdk ]; }; then
  echo "Installing @anthropic-ai/claude-code and @anthropic-ai/sdk for the gateway tests..."
  mkdir -p .tools/npm
  (cd .tools/npm && npm install --no-audit --no-fund --loglevel=error \
     @anthropic-ai/claude-code@2.1.328 @anthropic-ai/sdk@1.10.0 > /dev/null)
fi
exec ./mvnw -B -ntp verify "$@"
