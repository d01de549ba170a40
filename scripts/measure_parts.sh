#!/usr/bin/env bash
# Synthesises wrap and pinch grasps on part targets of procedural objects (by default seeded
# instances that no tuning used) and validates them under the default protocol (object free).
# Prints per target: accepted of attempts, held, also valid (the DexVLG checks), seconds; then
# the totals and valid grasps per second (synthesis + validation, 2 cores).
#
#   bash scripts/measure_parts.sh [OUT_DIR] [COUNT] [ATTEMPTS] [extra synth flags...]
#   TARGETS="mug:seed=501/handle hammer:seed=501/handle" bash scripts/measure_parts.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-out/measure_parts}
count=${2:-4}
attempts=${3:-48}
shift $(($# > 3 ? 3 : $#)) || true
dexvlg=${DEXVLG:-$here/build/dexvlg}
targets=${TARGETS:-"mug:seed=500/handle mug:seed=500/body hammer:seed=500/handle hammer:seed=500/head
kettle:seed=500/handle bottle:seed=500/body box:seed=500/lid saucepan:seed=500/handle
cup:seed=500/body knife:seed=500/handle"}
[[ -x "$dexvlg" ]] || { echo "no $dexvlg: build first (bash scripts/setup.sh)"; exit 1; }
mkdir -p "$out"
printf "%-30s %-6s %9s %5s %6s %8s\n" target mode accepted held valid seconds
ta=0 tt=0 th=0 tv=0 ts=0
for t in $targets; do
  object=${t%/*} part=${t##*/}
  for mode in wrap pinch; do
    f="$out/$(basename "$object" | tr ':=,' '___')_${part}_$mode.h5"
    rm -f "$f"
    s0=$(date +%s.%N)
    "$dexvlg" synth "$object" --part "$part" --mode "$mode" --count "$count" --attempts "$attempts" \
      --out "$f" "$@" >"$f.synth.log" 2>&1 || true
    line=$(grep -E ' accepted of [0-9]+ attempts' "$f.synth.log" | tail -1 || true)
    acc=$(echo "$line" | sed -E 's/.*: ([0-9]+) accepted of ([0-9]+) attempts.*/\1/')
    att=$(echo "$line" | sed -E 's/.*: ([0-9]+) accepted of ([0-9]+) attempts.*/\2/')
    [[ -n "$line" ]] || { acc=0; att=$attempts; }
    held=0 valid=0
    if [[ -f "$f" ]]; then
      "$dexvlg" validate "$f" >"$f.sim.log" 2>&1 || true
      sim=$(grep -E '[0-9]+ of [0-9]+ grasps hold' "$f.sim.log" | tail -1 || true)
      held=$(echo "$sim" | sed -E 's/.*: ([0-9]+) of [0-9]+ grasps hold.*/\1/')
      valid=$(echo "$sim" | sed -E 's/.*, ([0-9]+) also pass the DexVLG checks.*/\1/')
    fi
    s1=$(date +%s.%N)
    sec=$(echo "$s1 - $s0" | bc -l)
    printf "%-30s %-6s %4s/%-4s %5s %6s %8.1f\n" "$object/$part" "$mode" "$acc" "$att" "$held" "$valid" "$sec"
    ta=$((ta + acc)) tt=$((tt + att)) th=$((th + held)) tv=$((tv + valid))
    ts=$(echo "$ts + $sec" | bc -l)
  done
done
printf "total: %d accepted of %d attempts, %d held (%.1f%%), %d valid, %.0f s: %.3f held/s, %.3f valid/s\n" \
  "$ta" "$tt" "$th" "$(echo "100 * $th / ($ta + 0.000001)" | bc -l)" "$tv" "$ts" \
  "$(echo "$th / $ts" | bc -l)" "$(echo "$tv / $ts" | bc -l)"
