#!/usr/bin/env bash
# The main job on a bundled sample: pack the karate-club graph (with its
# transpose) and both solver variants into an RVF file, inspect and verify
# it, show which variant this host selects, then run personalized PageRank
# from node 0 inside the sandbox (and once more forcing the baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/samples/karate.rvf}
mkdir -p "$(dirname "$out")"
cargo build --release -q -p rvf-pack
pack=target/release/rvf-pack
$pack create "$out" --matrix samples/karate.mtx --with-transpose \
  --solver microkernel/dist/solver-baseline.wasm \
  --solver microkernel/dist/solver-simd.wasm \
  --meta dataset=karate --meta source=networkx
$pack inspect "$out"
$pack verify "$out"
$pack select "$out" --explain
$pack run "$out" ppr-forward --source 0 --epsilon 1e-6 --top 5
$pack run "$out" ppr-forward --source 0 --epsilon 1e-6 --top 5 --host-features -simd
