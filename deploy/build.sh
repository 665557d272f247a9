#!/usr/bin/env bash
# Configures and builds the estimator into build/ (ccache, Ninja, at most 2 parallel jobs).
# Usage: deploy/build.sh [ninja targets...]     (no targets: everything, tests included)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JOBS="${JOBS:-2}"
if [ ! -f "$ROOT/build/build.ninja" ]; then
  cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DESTIMATOR_BUILD_TESTS=ON >/dev/null
fi
ninja -C "$ROOT/build" -j"$JOBS" "$@"
