#!/usr/bin/env bash
# Build the interpreter module reproducibly:
#   bootstrap/dist/interp.wasm  wasm32v1-none (pure Wasm 1.0: MVP + mutable
#                               globals), runs kernels of features 0x2E (no SIMD)
# Like microkernel/build.sh: --locked, paths remapped, no debug info, so the
# bytes depend only on the source, bootstrap/Cargo.lock and the toolchain
# pinned in rust-toolchain.toml.
# - opt-level "s" (bootstrap/Cargo.toml): zstd -19 keeps the module under
#   192 KiB; "z" is 4 % smaller compressed but runs up to 3x more outer
#   instructions per kernel instruction, opt-level 3 is 15 % larger.
# - A 32 KiB shadow stack (-zstack-size): wasm-ld puts it below the data, so
#   an overflow traps instead of corrupting data. Measured use is 6-10 KB
#   (wasmi and wasmparser keep their stacks on the heap); 8 KiB fails.
# - __stack_pointer is exported: with the memory, it is all the module's
#   state, so a host can snapshot an instance after loading a kernel
#   (docs/ABI.md "Interpreter ABI").
# - Crate metadata made of names alone (bootstrap/rustc-wrapper.sh): cargo
#   would hash the absolute paths of ../interpreter and ../spec into it.
# - No SIMD build: wasmi's SIMD adds ~40 KiB compressed (over the budget) for
#   little gain in the nested setting; the module runs the baseline kernel.
# Usage: bootstrap/build.sh [OUT_DIR]   (default bootstrap/dist)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${1:-$root/bootstrap/dist}
mkdir -p "$out"
cargo_home=${CARGO_HOME:-$HOME/.cargo}
flags="-C link-arg=-zstack-size=32768 -C link-arg=--export=__stack_pointer --remap-path-prefix=$root=/rvf-boot --remap-path-prefix=$cargo_home=/cargo -C debuginfo=0"
RUSTC_WRAPPER="$root/bootstrap/rustc-wrapper.sh" RUSTFLAGS="$flags" cargo build --locked -q --manifest-path "$root/bootstrap/Cargo.toml" \
  --release --target wasm32v1-none --target-dir "$root/target/bootstrap"
cp "$root/target/bootstrap/wasm32v1-none/release/rvf_interp.wasm" "$out/interp.wasm"
echo "$out/interp.wasm: $(wc -c < "$out/interp.wasm") bytes"
