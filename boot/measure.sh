#!/usr/bin/env bash
# The flash and speed figures of boot/README.md: builds the firmware in
# several configurations (each in its own target directory) and prints a
# markdown row per build: .text, .rodata, flash (= both), QEMU's CPU time
# (user + system, best of 3) for a long job — emulation cost, so compare
# ratios only — deepest stack, fuel and digest (which must not change).
#
#   boot/measure.sh [CONFIG...]       run from a directory holding karate.rvf
#     CONFIG = machine:profile[:features], e.g. arm:release:portable-dispatch
#     (default: the set in README.md)
#   boot/measure.sh crates ELF        flash per crate of one ELF (llvm-nm)
# Needs rustup's llvm-tools component (llvm-size, llvm-nm).
set -euo pipefail
boot=$(cd "$(dirname "$0")" && pwd)
bin=$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin
if [ ! -x "$bin/llvm-size" ]; then
  echo "measure.sh: needs llvm-size: rustup component add llvm-tools" >&2
  exit 1
fi
if [ "${1:-}" = crates ]; then
  "$bin/llvm-nm" -S -C --size-sort "$2" | python3 -c '
import collections, re, sys
total = collections.Counter()
for line in sys.stdin:
    p = line.split(None, 3)
    if len(p) < 4 or p[2].lower() not in "tr":
        continue
    name = re.sub(r"^\.Lswitch\.table\._ZN\d+", "", p[3])
    for x, y in (("_$LT$", "<"), ("$LT$", "<"), ("$GT$", ">"), ("$RF$", "&"), ("$u20$", " "), ("..", "::")):
        name = name.replace(x, y)
    if name.startswith(".Lanon"):
        name = "anonymous_constants::"
    if re.match(r"^[<&\s]*(f32|f64|char|u8|u16|u32|u64|usize|i32|i64|str|\[)", name):
        name = "core::" + name
    m = re.match(r"^[<&*\s]*(?:dyn )?([A-Za-z_][A-Za-z0-9_]*)::", name)
    total[m.group(1) if m else "(other)"] += int(p[1], 16)
print("| crate | bytes |\n|---|---|")
top = total.most_common(20)
for crate, v in top:
    print(f"| {crate} | {v} |")
print(f"| (the {len(total) - len(top)} others) | {sum(total.values()) - sum(v for _, v in top)} |")
print(f"| total | {sum(total.values())} |")'
  exit 0
fi
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(
  arm:release arm:release-3 arm:release-z
  arm:release:portable-dispatch arm:release:indirect-dispatch arm:release:simd
  riscv:release riscv:release-3 riscv:release-z
)
job=${JOB:-karate.rvf walk-estimate --source 0 --target 33 --walks 100000 --seed 7}
echo "| build | .text | .rodata | flash | QEMU CPU s | stack B | fuel | digest |"
echo "|---|---|---|---|---|---|---|---|"
for c in "${configs[@]}"; do
  IFS=: read -r machine profile features <<< "$c"
  case $machine in arm) t=thumbv7em-none-eabihf ;; riscv) t=riscv32imac-unknown-none-elf ;; esac
  tdir=$boot/firmware/target/measure/${profile}${features:+-$features}
  export FW_PROFILE=$profile FW_FEATURES=$features FW_TARGET_DIR=$tdir
  "$boot/qemu.sh" "$machine" --build > /dev/null
  out=$(FW_NO_BUILD=1 "$boot/qemu.sh" "$machine" $job) || true
  best=$(FW_NO_BUILD=1 python3 -c '
import resource, subprocess, sys
best = 1e9
for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    best = min(best, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
print(best)' "$boot/qemu.sh" "$machine" $job)
  read -r text rodata < <("$bin/llvm-size" -A "$tdir/$t/$profile/rvf-firmware" |
    awk '$1==".text"{t=$2} $1==".rodata"{r=$2} END{print t, r}')
  stack=$(sed -n 's/^RAM .* stack=\([0-9]*\).*/\1/p' <<< "$out")
  fuel=$(sed -n 's/^  fuel //p' <<< "$out")
  dig=$(sed -n 's/^  output digest //p' <<< "$out")
  printf "| %s %s %s | %d | %d | %d | %.2f | %s | %s | %s… |\n" "$machine" "$profile" "$features" \
    "$text" "$rodata" $((text + rodata)) "$best" "$stack" "$fuel" "${dig:0:12}"
done
