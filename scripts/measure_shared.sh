#!/usr/bin/env bash
# Synthesises wrap and pinch grasps on every shared object (../shared/assets/objects) and
# validates them under the default protocol (DexGraspBench, object free); prints one table row
# per object and the totals. The figures in docs/sim.md and docs/synth.md come from this script.
#
#   bash scripts/measure_shared.sh [OUT_DIR] [COUNT] [extra synth flags...]
#   OBJECTS="grab_apple ycb_025_mug" bash scripts/measure_shared.sh   # a subset
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-out/measure}
count=${2:-16}
shift $(($# > 2 ? 2 : $#)) || true
assets="$here/../shared/assets/objects"
dexvlg=${DEXVLG:-$here/build/dexvlg}
[[ -d "$assets" ]] || { echo "no $assets: nothing to measure"; exit 0; }
mkdir -p "$out"
objects=${OBJECTS:-$(ls "$assets" | grep -v LICENSES)}
printf "%-26s %6s %6s %9s %9s %8s\n" object wrap pinch pen_mm synth_s sim_s
tw=0 tp=0 n=0 pen_total=0 synth_total=0 sim_total=0
for o in $objects; do
  mesh=$(ls "$assets/$o"/*.obj "$assets/$o"/*.stl "$assets/$o"/assets/"${o#*_}".obj 2>/dev/null | grep -v collision | head -1 || true)
  row=()
  pen=0
  for mode in wrap pinch; do
    f="$out/${o}_$mode.h5"
    s0=$(date +%s.%N)
    "$dexvlg" synth "$mesh" --part body --mode "$mode" --count "$count" --out "$f" "$@" >"$f.synth.log" 2>&1 || true
    s1=$(date +%s.%N)
    if [[ -f "$f" ]]; then
      "$dexvlg" validate "$f" >"$f.sim.log" 2>&1 || true
    fi
    s2=$(date +%s.%N)
    held=$(grep -o '^.*: [0-9]* of [0-9]* grasps hold' "$f.sim.log" 2>/dev/null | sed -E 's/.*: ([0-9]+) of ([0-9]+).*/\1 \2/' || true)
    h=${held% *}; c=${held#* }
    [[ -n "$held" ]] || { h=0; c=0; }
    p=$(grep -o 'mean [0-9.]* mm' "$f.sim.log" 2>/dev/null | head -1 | awk '{print $2}')
    pen=$(echo "$pen + ${p:-0} * $c" | bc -l)
    row+=("$h/$c")
    [[ $mode == wrap ]] && tw=$((tw + h)) || tp=$((tp + h))
    n=$((n + c))
    synth_total=$(echo "$synth_total + $s1 - $s0" | bc -l)
    sim_total=$(echo "$sim_total + $s2 - $s1" | bc -l)
    pen_total=$(echo "$pen_total + ${p:-0} * $c" | bc -l)
  done
  printf "%-26s %6s %6s %9.2f\n" "$o" "${row[0]}" "${row[1]}" "$(echo "$pen / ($(echo ${row[0]#*/} + ${row[1]#*/} | bc) + 0.000001)" | bc -l)"
done
printf "total: wrap %d + pinch %d held of %d (%.1f%%), mean penetration %.2f mm, synth %.0f s, validation %.0f s\n" \
  "$tw" "$tp" "$n" "$(echo "100 * ($tw + $tp) / ($n + 0.000001)" | bc -l)" "$(echo "$pen_total / ($n + 0.000001)" | bc -l)" \
  "$synth_total" "$sim_total"
