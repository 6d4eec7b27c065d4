#!/usr/bin/env bash
# The whole test suite, on a fresh clone, whatever state rustup is in.
#
# 1. The pinned toolchain and every target rust-toolchain.toml lists are
#    installed (idempotent: rustup adds what is missing, e.g. the wasm
#    targets on a machine where Rust 1.95.0 is already installed without them).
# 2. The Rust suite (every crate), the cross builds for bare metal and iOS.
# 3. The JavaScript host: its npm dependencies, then Node's test runner
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

say "JavaScript host and page"
if ! command -v chromium > /dev/null; then
  if command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
  else
    echo "test.sh: the page tests need Chromium (/usr/bin/chromium, Debian's chromium package)" >&2
    exit 1
  fi
fi
(cd web && npm ci --no-audit --no-fund && node --test test/)

say "all tests passed"
