#!/usr/bin/env bash
# The container image, built and run here (README "Container image"): builds deploy/Containerfile
# with podman, starts the image as production would (TLS and an access config from mounted files,
# read-only root filesystem, state on a volume), calls it over gRPC (the estimator CLI) and over
# Connect (curl), checks gRPC and HTTP health, sends SIGTERM under load and checks the drain, the
# exit code and the audit lines, starts it again on the same volume and reads the saved quote back,
# and reports the build time and the image's size.
#
#   deploy/container_test.sh            (as root; installs podman, runc, debootstrap if missing)
#
# This machine has no image registry: the base image the Containerfile names is made locally with
# debootstrap (bookworm, minbase, trimmed like Debian's slim image) and imported under that name.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/build/container"
BASE=docker.io/library/debian:bookworm-slim
IMAGE=localhost/estimator:test
NAME=estimator-container-test
VOLUME=estimator-container-test-state
PASSED=0

say() { printf '\n== %s\n' "$*"; }
pass() { PASSED=$((PASSED + 1)); echo "ok: $1"; }
fail() { echo "container test: FAIL: $1" >&2; exit 1; }

# ---- tools --------------------------------------------------------------------------------------
bash "$ROOT/deploy/install-deps.sh" >/dev/null
missing=()
for p in podman runc debootstrap openssl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
# A sandbox that refuses rlimit changes needs podman not to set any (DESIGN.md).
if ! grep -qs '^default_ulimits' /etc/containers/containers.conf; then
  printf '[containers]\ndefault_ulimits = []\n' >>/etc/containers/containers.conf
fi
PODMAN=(podman --runtime runc)
bash "$ROOT/deploy/build.sh" estimator >/dev/null   # the host's CLI, the gRPC client below
CLI="$ROOT/build/estimator"
mkdir -p "$WORK"

# ---- base image ---------------------------------------------------------------------------------
if ! "${PODMAN[@]}" image exists "$BASE"; then
  say "making $BASE with debootstrap"
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log"
  # Trimmed as Debian's slim images are: no documentation, manuals or translations, now or later.
  cat >"$WORK/rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
SLIM
  find "$WORK/rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$WORK/rootfs/usr/share/man/"* "$WORK/rootfs/usr/share/info/"* \
    "$WORK/rootfs/var/cache/apt/"*.bin "$WORK/rootfs/var/cache/apt/archives/"*.deb \
    "$WORK/rootfs/var/lib/apt/lists/"*
  find "$WORK/rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  tar -C "$WORK/rootfs" -c . | "${PODMAN[@]}" import - "$BASE" >/dev/null
  rm -rf "$WORK/rootfs"
fi
