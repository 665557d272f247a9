#!/usr/bin/env bash
# Every test, on a fresh Debian 12 machine: installs what is missing, builds everything with
# AddressSanitizer and UndefinedBehaviorSanitizer (gcc, -O1) into build-asan/ and runs the whole
# suite there with ctest (unit, rule-file, property, end-to-end against the real server, buf curl,
# buf lint, the fuzz corpus replays, and engine_profile's check of the 4,308-request golden grid:
# arena = heap, summary view = full answer without lines), so a memory error or undefined
# behaviour anywhere in our code fails the run. The benchmarks are built (not run). Idempotent. Ends with ctest's summary; exits non-zero on any failure.
# The plain RelWithDebInfo build for running the service is deploy/build.sh (build/).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$ROOT/build-asan"
JOBS="${JOBS:-2}"
bash "$ROOT/deploy/install-deps.sh"
if [ ! -f "$BUILD/build.ninja" ]; then
  # -O1 -g1: fast enough to build and run, with file:line in sanitizer reports.
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DESTIMATOR_BUILD_TESTS=ON -DESTIMATOR_BUILD_BENCHMARKS=ON -DESTIMATOR_SANITIZE=address,undefined \
    -DESTIMATOR_WERROR=ON >/dev/null
fi
# Sanitizer options and leak suppressions are compiled in (tests/sanitizers/sanitizer_defaults.cc).
ninja -C "$BUILD" -j"$JOBS"
cd "$BUILD"
ctest --output-on-failure -j"$JOBS" --timeout 300
