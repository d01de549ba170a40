#!/usr/bin/env bash
# Fails when a C++ file is not clang-formatted (style in .clang-format). Fix with: scripts/check_format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.h' '*.cc' 2>/dev/null || find src tests bench examples -name '*.h' -o -name '*.cc')
((${#files[@]})) || exit 0
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
clang-format --dry-run --Werror "${files[@]}"
echo "[format] ${#files[@]} files clean"
