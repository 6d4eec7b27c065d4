#!/usr/bin/env bash
# Build the two WebAssembly variants of the microkernel, reproducibly:
#   microkernel/dist/solver-baseline.wasm  wasm32v1-none (pure Wasm 1.0: required_features = 0)
#   microkernel/dist/solver-simd.wasm      wasm32v1-none + simd128 + bulk-memory (required_features = SIMD | BULK_MEMORY)
# Paths are remapped and debug info stripped, so the bytes depend only on
# the source, Cargo.lock and the toolchain pinned in rust-toolchain.toml.
# The wasm stack is 64 KiB (-zstack-size), not Rust's default 1 MiB, so a
# module starts with 2 pages of linear memory and a small host can run it
# (docs/EMBEDDING.md); the kernel keeps its data on the heap.
# Runtime loop unrolling is off (-unroll-runtime=false): in an interpreter
# the remainder loop and its set-up cost more per short loop (a CSR row has
# ~5 entries) than the unrolled body saves; measured in docs/BENCHMARKS.md §7.
# Usage: microkernel/build.sh [OUT_DIR]   (default microkernel/dist)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${1:-$root/microkernel/dist}
mkdir -p "$out"
cargo_home=${CARGO_HOME:-$HOME/.cargo}
common="-C link-arg=-zstack-size=65536 -C llvm-args=-unroll-runtime=false --remap-path-prefix=$root=/rvf-boot --remap-path-prefix=$cargo_home=/cargo -C debuginfo=0"
for variant in baseline simd; do
  flags="$common"
  if [ "$variant" = simd ]; then flags="$flags -C target-feature=+simd128,+bulk-memory"; fi
  RUSTFLAGS="$flags" cargo rustc --locked -q -p rvf-microkernel --profile wasm-kernel \
    --target wasm32v1-none --target-dir "$root/target/wasm-$variant" --crate-type cdylib
  cp "$root/target/wasm-$variant/wasm32v1-none/wasm-kernel/microkernel.wasm" "$out/solver-$variant.wasm"
  echo "$out/solver-$variant.wasm: $(wc -c < "$out/solver-$variant.wasm") bytes"
done
