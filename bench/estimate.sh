#!/usr/bin/env bash
# Issue 16, item 4: how far the gateway's prompt estimate (the body's bytes, PromptEstimate) is from
# the tokens of a real Claude Code request. Captures the first /v1/messages body of the pinned
# Claude Code (.tools/npm, installed by test.sh) with a local server that answers 429, then counts
# its system prompt, tools and messages with @anthropic-ai/tokenizer (installed into
# target/estimate; Anthropic's published tokenizer, exact for older models and close for today's).
set -euo pipefail
cd "$(dirname "$0")/.."
work=target/estimate
mkdir -p "$work"
[ -d "$work/node_modules/@anthropic-ai/tokenizer" ] || npm install --silent --prefix "$work" @anthropic-ai/tokenizer@0.0.4 >/dev/null
cp bench/estimate/*.mjs "$work/"
rm -f "$work/request.json" "$work/port"
node "$work/capture.mjs" "$PWD/$work/request.json" > "$work/port" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
home=$(mktemp -d)
HOME=$home ANTHROPIC_BASE_URL="http://127.0.0.1:$(cat "$work/port")" ANTHROPIC_API_KEY=hr_estimate \
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 \
  timeout 120 .tools/npm/node_modules/.bin/claude -p "Read README.md and summarise it in one line" \
  --output-format json > "$work/claude.json" 2>&1 || true
rm -rf "$home"
(cd "$work" && node count.mjs request.json)
