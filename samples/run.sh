#!/usr/bin/env bash
# The main job on a bundled sample: pack the karate-club graph (with its
# transpose) and metadata into an RVF file, then inspect and verify it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/samples/karate.rvf}
mkdir -p "$(dirname "$out")"
cargo build --release -q -p rvf-pack
pack=target/release/rvf-pack
$pack create "$out" --matrix samples/karate.mtx --with-transpose \
  --meta dataset=karate --meta source=networkx
$pack inspect "$out"
$pack verify "$out"
