#!/usr/bin/env bash
# The firmware against the host CLI, on both QEMU machines, in the default
# 512 KiB-RAM build:
#  1. every method on the bundled samples — ppr-forward, ppr-backward,
#     walk-estimate (karate and Les Misérables), cg (poisson16
#     with its right-hand side), knn (points.fvecs) — must print the same
#     `output digest` and `fuel` as `rvf-pack run ... --json
#     --host-features none`, bit for bit;
#  2. hostile modules in one boot: a spinning module stops out of fuel
#     (exit 8), a memory bomb stops at the memory cap (exit 9), and the
#     firmware then runs karate ppr-forward correctly;
#  3. refusals — a bad parameter, a bad option value, a missing file, a file
#     with one byte changed — end with rvf-pack's exit code.
# Prints a markdown table (digest, fuel, RAM per case); exit 1 on any
# mismatch. Needs QEMU (boot/install-qemu.sh).
#
#   boot/check.sh [arm] [riscv]          (default: both)
# Environment: RVF_PACK (default: the workspace's debug build, built if
# needed), CHECK_DIR (packed files; default target/boot-check), and
# qemu.sh's (FW_RAM, FW_STACK, FW_PROFILE, FW_FEATURES, QEMU_BIN_DIR, ...).
set -euo pipefail
boot=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$boot")
machines=("$@")
[ ${#machines[@]} -gt 0 ] || machines=(arm riscv)
target_dir=${CARGO_TARGET_DIR:-$root/target}
if [ -z "${RVF_PACK:-}" ]; then
  (cd "$root" && nice -n 10 cargo build --locked -q -p rvf-pack)
  RVF_PACK=$target_dir/debug/rvf-pack
fi
work=${CHECK_DIR:-$target_dir/boot-check}
mkdir -p "$work"
work=$(cd "$work" && pwd)

# The sample files, each with both solver variants (as samples/run.sh packs
# them), and the hostile modules with the karate matrix.
s=$root/samples
k=(--solver "$root/microkernel/dist/solver-baseline.wasm" --solver "$root/microkernel/dist/solver-simd.wasm")
pack() { "$RVF_PACK" create "$work/$1" "${@:2}" > /dev/null; }
pack karate.rvf --matrix "$s/karate.mtx" --with-transpose "${k[@]}"
pack lesmis.rvf --matrix "$s/lesmis.mtx" --with-transpose "${k[@]}"
pack poisson16.rvf --matrix "$s/poisson16.mtx" --rhs "$s/poisson16_rhs.txt" "${k[@]}"
pack points.rvf --vectors "$s/points.fvecs" "${k[@]}"
for h in spin bomb; do
  if command -v wat2wasm > /dev/null; then
    wat2wasm "$boot/hostile/$h.wat" -o "$work/$h.wasm"
    cmp -s "$work/$h.wasm" "$boot/hostile/$h.wasm" || {
      echo "check.sh: boot/hostile/$h.wasm is not wat2wasm's output of $h.wat; rebuild it" >&2
      exit 1
    }
  fi
  pack $h.rvf --matrix "$s/karate.mtx" --with-transpose --solver "$boot/hostile/$h.wasm"
done

# One byte changed in the middle of the karate file (inside a stored segment).
cp "$work/karate.rvf" "$work/flipped.rvf"
size=$(wc -c < "$work/flipped.rvf")
printf '\377' | dd of="$work/flipped.rvf" bs=1 seek=$((size / 2)) conv=notrunc status=none
cmp -s "$work/karate.rvf" "$work/flipped.rvf" && {
  printf '\000' | dd of="$work/flipped.rvf" bs=1 seek=$((size / 2)) conv=notrunc status=none
}
rm -f "$work/missing.rvf"

cases=(
  "karate.rvf ppr-forward --source 0 --epsilon 1e-6"
  "karate.rvf ppr-backward --target 33 --epsilon 1e-6"
  "karate.rvf walk-estimate --source 0 --target 33 --walks 1000 --seed 7"
  "lesmis.rvf ppr-forward --source 0 --epsilon 1e-6"
  "lesmis.rvf ppr-backward --target 11 --epsilon 1e-6"
  "lesmis.rvf walk-estimate --source 0 --target 11 --walks 1000 --seed 7"
  "poisson16.rvf cg --tol 1e-10"
  "points.rvf knn --query-index 3 --k 5"
)
field() { sed -n "s/^RAM .*$1=\([0-9]*\).*/\1/p" <<< "$2" | tail -n 1; }
# The host CLI's output digest and fuel for a case (its stderr shown only on failure).
reference() {
  local json
  json=$("$RVF_PACK" run "$@" --json --host-features none 2> "$work/host.err") || {
    cat "$work/host.err" >&2
    return 1
  }
  # Top-level fields of the pretty-printed report (two-space indent).
  local digest fuel
  digest=$(sed -n 's/^  "output_digest": "\([0-9a-f]\{64\}\)",$/\1/p' <<< "$json")
  fuel=$(sed -n 's/^  "fuel_used": \([0-9]\{1,\}\),$/\1/p' <<< "$json")
  [ -n "$digest" ] && [ -n "$fuel" ] || {
    echo "check.sh: no output_digest / fuel_used in rvf-pack run --json $*" >&2
    return 1
  }
  echo "$digest $fuel"
}
cd "$work"
fail=0
echo "| machine | case | digest (host = firmware?) | fuel host / firmware | heap peak B | guest memory B | stack B | RAM total B |"
echo "|---|---|---|---|---|---|---|---|"
for m in "${machines[@]}"; do
  "$boot/qemu.sh" "$m" --build > /dev/null # quiet; its errors on stderr
  export FW_NO_BUILD=1
  for c in "${cases[@]}"; do
    read -r -a w <<< "$c"
    host=$(reference "${w[@]}")
    out=$("$boot/qemu.sh" "$m" "${w[@]}") || true
    fw="$(sed -n 's/^  output digest //p' <<< "$out") $(sed -n 's/^  fuel //p' <<< "$out")"
    if [ "$host" = "$fw" ]; then ok=identical; else ok="DIFFERS (${fw:0:16}…)"; fail=1; fi
    echo "| $m | ${w[*]:0:2} | ${host:0:16}… $ok | ${host##* } / ${fw##* } | $(field heap_peak "$out") | $(field guest_memory "$out") | $(field stack "$out") | $(field total "$out") |"
    [ "$ok" = identical ] || echo "$out" >&2
  done
  # Hostile modules, then a normal job, in one boot.
  want="8 9 0"
  out=$("$boot/qemu.sh" "$m" spin.rvf ppr-forward --fuel 50000000 --then bomb.rvf ppr-forward \
    --then karate.rvf ppr-forward --source 0 --epsilon 1e-6) || true
  got=$(sed -n 's/^  exit \([0-9]*\) .*/\1/p' <<< "$out" | tr '\n' ' ')
  last="$(sed -n 's/^  output digest //p' <<< "$out") $(sed -n 's/^  fuel //p' <<< "$out")"
  ref=$(reference karate.rvf ppr-forward --source 0 --epsilon 1e-6)
  h8=0 h9=0
  "$RVF_PACK" run spin.rvf ppr-forward --fuel 50000000 > /dev/null 2>&1 || h8=$?
  "$RVF_PACK" run bomb.rvf ppr-forward --max-memory 2M > /dev/null 2>&1 || h9=$?
  if [ "${got% }" = "$want" ] && [ "$last" = "$ref" ] && [ "$h8 $h9" = "8 9" ]; then ok=yes; else ok=NO; fail=1; fi
  bomb=$(grep '^RAM' <<< "$out" | sed -n 2p) # the bomb's: its guest memory at the cap
  echo "| $m | spin, bomb, then karate ppr-forward in one boot | exits $got(want $want; host $h8 $h9), then ${last:0:16}… $ok | | $(field heap_peak "$bomb") | $(field guest_memory "$bomb") | $(field stack "$out") | |"
  [ "$ok" = yes ] || echo "$out" >&2
  # Refusals: a bad parameter, a bad option value, a missing file and a
  # file with one byte changed end with rvf-pack's exit code, never a hang
  # or a fault.
  for c in "karate.rvf ppr-forward --source 999" "karate.rvf ppr-forward --epsilon abc" \
    "missing.rvf ppr-forward" "flipped.rvf ppr-forward"; do
    read -r -a w <<< "$c"
    h=0 f=0
    "$RVF_PACK" run "${w[@]}" --host-features none > /dev/null 2>&1 || h=$?
    out=$("$boot/qemu.sh" "$m" "${w[@]}" 2>&1) || f=$?
    if [ "$h" != 0 ] && [ "$h" = "$f" ]; then ok=yes; else ok=NO; fail=1; fi
    echo "| $m | refused: ${w[*]} | exit host $h / firmware $f $ok | | | | | |"
    [ "$ok" = yes ] || echo "$out" >&2
  done
done
exit $fail
