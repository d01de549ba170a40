#!/usr/bin/env bash
# README command (2): install dependencies, build, check formatting, run the whole test suite.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/setup.sh
bash scripts/check_format.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
