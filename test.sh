#!/usr/bin/env bash
# The whole test suite, on a fresh clone, whatever state rustup is in.
#
# 1. The pinned toolchain and every target rust-toolchain.toml lists are
#    installed (idempotent: rustup adds what is missing, e.g. the wasm
#    targets on a machine where Rust 1.95.0 is already installed without them).
# 2. The Rust suite (every crate), the cross builds for bare metal and iOS.
# 3. The firmware under QEMU on both bare-metal machines (boot/check.sh;
#    Debian's QEMU packages are installed when missing and apt is usable).
# 4. The JavaScript host: its npm dependencies, then Node's test runner
#    (conformance set, CLI, package) and the page in headless Chromium
#    (Debian's chromium package is installed when missing and apt is usable).
# .ci/run calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\n== %s\n' "$*"; }

say "toolchain and targets (rust-toolchain.toml)"
rustup toolchain install
toolchain=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
# rustup versions differ in whether `toolchain install` adds the listed
# targets to a toolchain that is already installed: add them explicitly.
for t in $(sed -n 's/^targets = \[\(.*\)\]/\1/p' rust-toolchain.toml | tr -d '" ' | tr ',' '\n'); do
  rustup target add --toolchain "$toolchain" "$t" >/dev/null
done
cargo --version

say "Rust: the whole workspace"
cargo test --workspace --locked

say "bare metal and iOS: the reading core and the host session without std"
cargo build --locked -p rvf-host --no-default-features --target thumbv7em-none-eabihf
cargo check --locked -p rvf-host --target aarch64-apple-ios

say "C API: the static library for iOS and for bare metal (docs/EMBEDDING.md)"
# `cargo build` would also link the cdylib, which needs Apple's linker.
cargo rustc --locked -q -p rvf-capi --release --target aarch64-apple-ios --lib --crate-type staticlib
cargo build --locked -q -p rvf-capi --release --target thumbv7em-none-eabihf --no-default-features --lib
# The iOS simulator: rustup's mirror here has no prebuilt std for
# aarch64-apple-ios-sim, so std is built from rust-src (a toolchain
# component) with the pinned compiler.
RUSTC_BOOTSTRAP=1 cargo rustc --locked -q -Zbuild-std=std,panic_abort -p rvf-capi --release \
  --target aarch64-apple-ios-sim --lib --crate-type staticlib
for t in aarch64-apple-ios aarch64-apple-ios-sim thumbv7em-none-eabihf; do
  lib=target/$t/release/librvf.a
  n=$(strings -a "$lib" | grep -c '^_\?rvf_file_open_bytes$' || true)
  [ "$n" -gt 0 ] || { echo "test.sh: $lib does not export rvf_file_open_bytes" >&2; exit 1; }
done

say "bare metal under QEMU: the firmware on Cortex-M4 and RV32IMAC (boot/check.sh)"
# The two emulators come from Debian's qemu-system-arm and qemu-system-misc
# packages, installed when missing (boot/install-qemu.sh: apt-get, root).
# check.sh builds the firmware for both targets (its own workspace, about
# 2.5 min on 2 cores), then compares digest and fuel of every method on the
# samples with `rvf-pack run --json --host-features none` and runs the
# hostile modules; it prints a table and fails on any difference.
if ! command -v qemu-system-arm > /dev/null || ! command -v qemu-system-riscv32 > /dev/null; then
  if command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
    boot/install-qemu.sh
  else
    echo "test.sh: the firmware check needs Debian's qemu-system-arm and qemu-system-misc packages" >&2
    exit 1
  fi
fi
boot/check.sh

say "JavaScript host and page"
# The page tests need Chromium; the decompression tests compare with the zstd tool.
missing=()
command -v chromium > /dev/null || missing+=(chromium)
command -v zstd > /dev/null || missing+=(zstd)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
  else
    echo "test.sh: the JavaScript tests need Debian's ${missing[*]} package(s)" >&2
    exit 1
  fi
fi
(cd web && npm ci --no-audit --no-fund && node --test test/)

say "all tests passed"
