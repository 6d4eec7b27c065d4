#!/usr/bin/env bash
# Sizes of the interpreter module: raw, LZ4 (lz4 -12, its best level) and
# zstd -19, and the budget: at most 192 KiB compressed with zstd -19 (LZ4
# does not reach it; see docs/ABI.md "Interpreter ABI"). Needs the zstd and
# lz4 command-line tools. Exit 1 over budget.
# Usage: bootstrap/sizes.sh [FILE.wasm]   (default bootstrap/dist/interp.wasm)
set -euo pipefail
f=${1:-$(dirname "$0")/dist/interp.wasm}
budget=$((192 * 1024))
raw=$(wc -c < "$f")
lz4=$(lz4 -12 -c -q "$f" | wc -c)
zst=$(zstd -19 -c -q "$f" | wc -c)
echo "$f: raw $raw, lz4 -12 $lz4, zstd -19 $zst (budget $budget)"
[ "$zst" -le "$budget" ] || { echo "over the zstd budget by $((zst - budget)) bytes" >&2; exit 1; }
