#!/usr/bin/env bash
# Prepares every object of ../shared/assets/objects with `dexvlg object prepare` and prints a table:
# name, seconds, watertight faces, parts (geometric segmentation: these meshes carry no part
# labels), collision pieces. Output folders go to out/shared/<name>.
#   bash scripts/prepare_shared.sh [build/dexvlg]
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/dexvlg}
assets=../shared/assets/objects
[[ -d $assets ]] || { echo "$assets is absent"; exit 0; }
printf "%-26s %7s %9s %6s %16s\n" object seconds faces parts "collision pieces"
for dir in "$assets"/*/; do
  name=$(basename "$dir")
  [[ $name == LICENSES ]] && continue
  mesh=$(ls "$dir"/textured.obj "$dir"/*.stl 2>/dev/null | head -1)
  [[ -z $mesh ]] && mesh=$(ls "$dir"/assets/*.obj 2>/dev/null | grep -v collision | head -1)
  start=$(date +%s.%N)
  if ! out=$("$bin" object prepare "$mesh" --out "out/shared/$name" 2>&1); then
    printf "%-26s failed: %s\n" "$name" "$(echo "$out" | tail -1)"
    continue
  fi
  end=$(date +%s.%N)
  faces=$(echo "$out" | sed -n 's/.* \([0-9]*\) faces$/\1/p' | head -1)
  parts=$(echo "$out" | grep -cE '^  [a-z_0-9]+ +[0-9]+ +[0-9]+ ')
  pieces=$(echo "$out" | tail -1 | sed -n 's/.*, \([0-9]* [a-z]*\) collision pieces.*/\1/p')
  printf "%-26s %7.2f %9s %6s %16s\n" "$name" "$(echo "$end - $start" | bc)" "$faces" "$parts" \
    "$pieces"
done
