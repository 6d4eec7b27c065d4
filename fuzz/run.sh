#!/usr/bin/env bash
# Run every fuzz target for SECONDS (default 120) each, two at a time, with
# the seed corpus (fuzz/seeds: the malformed-file corpus and a real file).
# Needs: rustup toolchain nightly; cargo install cargo-fuzz.
# Findings land in fuzz/artifacts/<target>/; each becomes a regression test.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-120}
targets=(container payloads select_run receipt roundtrip signature)
cargo +nightly fuzz build -O
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  case $t in roundtrip|receipt) ;; *) cp -n seeds/* "corpus/$t/" 2>/dev/null || true ;; esac
done
run() {
  cargo +nightly fuzz run -O "$1" "corpus/$1" -- -max_total_time="$secs" -rss_limit_mb=2048 -max_len=262144 \
    > "logs/$1.log" 2>&1 || echo "$1: FINDING (see logs/$1.log and artifacts/$1/)"
  grep -E "^(#[0-9]+|Done)" "logs/$1.log" | tail -1 | sed "s/^/$1: /"
}
mkdir -p logs
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[i]}" &
  if (( i + 1 < ${#targets[@]} )); then run "${targets[i+1]}" & fi
  wait
done
