#!/usr/bin/env bash
# Every test, on a fresh Debian 12 machine: installs what is missing, builds everything and runs
# the whole suite with ctest (unit, rule-file, property, end-to-end against the real server,
# buf curl, buf lint). Idempotent. Ends with ctest's summary; exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "$ROOT/deploy/install-deps.sh"
bash "$ROOT/deploy/build.sh"
cd "$ROOT/build"
ctest --output-on-failure -j2 --timeout 300
