#!/usr/bin/env bash
# The main job on bundled samples:
#  1. pack the karate-club graph (with its transpose) and both solver
#     variants into an RVF file; inspect and verify it; show which variant
#     this host selects; run personalized PageRank from node 0 in the
#     sandbox (and once more forcing the baseline);
#  2. sign it with a fresh key and run it under a trust policy;
#  3. pack the Les Misérables graph with its character names and the
#     interpreter inside (a self-bootstrapping file), and run PageRank from
#     Valjean through the file's own interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/samples/karate.rvf}
mkdir -p "$(dirname "$out")"
cargo build --release -q -p rvf-pack
pack=target/release/rvf-pack
say() { printf '\n== %s\n' "$*"; }

say "1. pack, inspect, verify, select, run"
$pack create "$out" --matrix samples/karate.mtx --with-transpose \
  --solver microkernel/dist/solver-baseline.wasm \
  --solver microkernel/dist/solver-simd.wasm \
  --meta dataset=karate --meta source=networkx
$pack inspect "$out"
$pack verify "$out"
$pack select "$out" --explain
$pack run "$out" ppr-forward --source 0 --epsilon 1e-6 --top 5
$pack run "$out" ppr-forward --source 0 --epsilon 1e-6 --top 5 --host-features -simd

say "2. sign, then run only code a trusted key signed"
keys=$(mktemp -d)
trap 'rm -rf "$keys"' EXIT
$pack keygen -o "$keys/demo"
$pack sign "$out" --key "$keys/demo.key" --all
$pack verify "$out" --trust "$keys/demo.pub"
$pack run "$out" ppr-forward --source 0 --epsilon 1e-6 --top 3 --trust "$keys/demo.pub"

say "3. a self-bootstrapping file with labels, run through its own interpreter"
les=$(dirname "$out")/lesmis.rvf
$pack create "$les" --matrix samples/lesmis.mtx --with-transpose \
  --labels samples/lesmis.labels \
  --solver microkernel/dist/solver-baseline.wasm \
  --solver microkernel/dist/solver-simd.wasm --bootstrap
$pack select "$les" --explain --via interpreter
$pack run "$les" ppr-forward --source 10 --epsilon 1e-6 --top 5 --via interpreter
