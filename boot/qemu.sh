#!/usr/bin/env bash
# Run a method of an .rvf file on bare metal under QEMU: the firmware
# (boot/firmware) reads FILE over semihosting, selects and verifies its
# solver through rvf-host, runs METHOD in the wasmi sandbox, and prints
# the status words, `output digest <hex>` and `fuel <n>` as `rvf-pack run`
# does, then the RAM it took.
#
#   boot/qemu.sh {arm|riscv} FILE METHOD [rvf-pack run options] [--then FILE METHOD [options]]...
#   boot/qemu.sh {arm|riscv} --build     only build; print the firmware's path
#
#   arm    qemu-system-arm -M mps2-an386 (Cortex-M4F, thumbv7em-none-eabihf)
#   riscv  qemu-system-riscv32 -M virt   (RV32IMAC, riscv32imac-unknown-none-elf)
#
# Options are those of `rvf-pack run`: the request's (--tol --max-iter
# --precondition --min-margin --alpha --epsilon --source --target --walks
# --seed --budget --k --metric --query --query-index --data --verify-data)
# and the host's (--host-features --segment --fuel --max-memory
# --allow-unhashed); plus --breakdown (where the heap goes) and --then
# (another job in the same boot). FILE is opened relative to the current
# directory; no word may contain a space.
# Exit status: rvf-pack run's for the (last) job; 70 CPU fault, 101 panic.
#
# Builds what it needs first (quietly; nothing when up to date): the
# rustup target and the firmware. Environment:
#   FW_RAM, FW_STACK   RAM in all and stack of the build (default 512K, 24K)
#   FW_PROFILE         cargo profile: release (opt "s"), release-3, release-z
#   FW_FEATURES        firmware features: portable-dispatch, indirect-dispatch, simd, embed
#   RVF_EMBED          the file to embed (with FW_FEATURES=embed)
#   FW_TARGET_DIR      cargo target directory (default boot/firmware/target)
#   QEMU_BIN_DIR       where qemu-system-* are (default: PATH); see install-qemu.sh
#   FW_TIMEOUT         seconds before QEMU is stopped (default 600; exit 124)
#   FW_NO_BUILD=1      run the firmware built last (skip cargo's check)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 3 ] && [ "${2:-}" != --build ]; then
  sed -n 's/^#   boot/boot/p' "$0" | head -n 1 >&2
  exit 2
fi
machine=$1
shift
case $machine in
  arm) target=thumbv7em-none-eabihf qemu=(qemu-system-arm -M mps2-an386) ;;
  riscv) target=riscv32imac-unknown-none-elf qemu=(qemu-system-riscv32 -M virt -bios none) ;;
  *)
    echo "qemu.sh: the machine is arm or riscv, not '$machine'" >&2
    exit 2
    ;;
esac
build_only=
if [ "${1:-}" = --build ]; then build_only=1 FW_NO_BUILD=; fi
for w in "$@"; do
  case $w in *[[:space:]]*)
    echo "qemu.sh: '$w': words passed to the firmware may not contain spaces" >&2
    exit 2
    ;;
  esac
done
if [ -n "${QEMU_BIN_DIR:-}" ]; then qemu[0]=$QEMU_BIN_DIR/${qemu[0]}; fi
if [ -z "$build_only" ] && ! command -v "${qemu[0]}" > /dev/null; then
  echo "qemu.sh: ${qemu[0]} not found; run boot/install-qemu.sh as root (or set QEMU_BIN_DIR)" >&2
  exit 127
fi

fw=$here/firmware
profile=${FW_PROFILE:-release}
tdir=${FW_TARGET_DIR:-$fw/target}
case $tdir in /*) ;; *) tdir=$PWD/$tdir ;; esac
case ${RVF_EMBED:-/} in /*) ;; *) export RVF_EMBED=$PWD/$RVF_EMBED ;; esac
if [ -z "${FW_NO_BUILD:-}" ]; then
  # The toolchain is the workspace's (rust-toolchain.toml); add the target if missing.
  if ! (cd "$fw" && rustup target list --installed) | grep -qx "$target"; then
    (cd "$fw" && rustup target add "$target" > /dev/null 2>&1)
  fi
  if ! log=$(cd "$fw" && nice -n 10 cargo build --locked -q --target "$target" --profile "$profile" \
    --target-dir "$tdir" ${FW_FEATURES:+--features "$FW_FEATURES"} 2>&1); then
    echo "$log" >&2
    exit 2
  fi
fi
elf=$tdir/$target/$profile/rvf-firmware
if [ -n "$build_only" ]; then
  echo "$elf"
  exit 0
fi
exec timeout "${FW_TIMEOUT:-600}" "${qemu[@]}" -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$elf" -append "$*"
