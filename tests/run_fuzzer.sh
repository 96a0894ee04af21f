#!/usr/bin/env bash
# Runs a libFuzzer target for a few seconds on a seed corpus (the seeds are read, never
# written: new inputs go to a temporary directory). Fails on any crash, leak or timeout.
# FUZZ_MAX_LEN raises the input length where long inputs matter (default 65536).
set -euo pipefail
fuzzer=$1; seconds=$2; shift 2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-65536}" \
  -artifact_prefix="$work/" "$work" "$@" 2>"$work/log" || { tail -40 "$work/log" >&2; exit 1; }
grep -E "^(Done|#[0-9]+\s+DONE)" "$work/log" | tail -1
