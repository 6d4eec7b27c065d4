#!/usr/bin/env bash
# Build the bootstrap modules reproducibly:
#   bootstrap/dist/interp.wasm    wasm32v1-none (pure Wasm 1.0: MVP + mutable
#                                 globals), runs kernels of features 0x2E (no SIMD)
#   bootstrap/dist/interp-simd.wasm  the same, feature `simd`: wasmi's SIMD
#                                 compiled in (executed in software; the module
#                                 is still wasm32v1-none, no simd128), runs
#                                 kernels of features 0x2F (the SIMD kernel too)
#   bootstrap/dist/combined.wasm  the same, feature `combined`: the baseline
#                                 kernel (microkernel/dist/solver-baseline.wasm)
#                                 built in, the solver ABI outside (role Combined)
# Like microkernel/build.sh: --locked, paths remapped, no debug info, so the
# bytes depend only on the source, bootstrap/Cargo.lock and the toolchain
# pinned in rust-toolchain.toml.
# - opt-level "s" (bootstrap/Cargo.toml): zstd -19 keeps the module under
#   192 KiB; "z" is 4 % smaller compressed but runs up to 3x more outer
#   instructions per kernel instruction, opt-level 3 is 15 % larger.
# - A 32 KiB shadow stack (-zstack-size): wasm-ld puts it below the data, so
#   an overflow traps instead of corrupting data. Measured use is 6-10 KB
#   (wasmi and wasmparser keep their stacks on the heap); 8 KiB fails.
# - The interpreter module exports __stack_pointer: with the memory, it is
#   all the module's state, so a host can snapshot an instance after loading
#   a kernel (docs/ABI.md "Interpreter ABI"). The Combined module exports
#   exactly the solver ABI, so not it.
# - Crate metadata made of names alone (bootstrap/rustc-wrapper.sh): cargo
#   would hash the absolute paths of ../interpreter and ../spec into it.
# - The default interpreter has no SIMD: wasmi's SIMD adds ~40 KiB
#   compressed (over the 192 KiB budget). interp-simd.wasm is the opt-in
#   build with it (rvf-pack --bootstrap=interpreter-simd), for files whose
#   receipts come from SIMD runs or that carry only the SIMD kernel; it has
#   no budget of its own beyond tests/tests/interp_reproducible.rs's.
# - One target directory per build: the feature sets never overwrite
#   each other's output.
# Usage: bootstrap/build.sh [OUT_DIR [NAME...]]   (default bootstrap/dist and
#        all three: interp interp-simd combined)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${1:-$root/bootstrap/dist}
mkdir -p "$out"
cargo_home=${CARGO_HOME:-$HOME/.cargo}
common="-C link-arg=-zstack-size=32768"
paths="--remap-path-prefix=$root=/rvf-boot --remap-path-prefix=$cargo_home=/cargo -C debuginfo=0"
build() { # NAME EXTRA_RUSTFLAGS CARGO_ARGS...
  local name=$1 dir=$root/target/bootstrap flags="$common${2:+ $2} $paths"
  [ "$name" = interp ] || dir=$dir-$name
  shift 2
  RUSTC_WRAPPER="$root/bootstrap/rustc-wrapper.sh" RUSTFLAGS="$flags" cargo build --locked -q --manifest-path "$root/bootstrap/Cargo.toml" \
    --release --target wasm32v1-none --target-dir "$dir" "$@"
  cp "$dir/wasm32v1-none/release/rvf_interp.wasm" "$out/$name.wasm"
  echo "$out/$name.wasm: $(wc -c < "$out/$name.wasm") bytes"
}
want() { [ ${#names[@]} -eq 0 ] || [[ " ${names[*]} " == *" $1 "* ]]; }
names=("${@:2}")
want interp && build interp "-C link-arg=--export=__stack_pointer"
want interp-simd && build interp-simd "-C link-arg=--export=__stack_pointer" --features simd
# Exactly the solver ABI's exports: no __stack_pointer.
want combined && build combined "" --features combined
exit 0
