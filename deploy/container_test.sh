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
  # Debian's images take updates and security fixes: the same three suites.
  rm -f "$WORK/rootfs/etc/apt/sources.list"
  cat >"$WORK/rootfs/etc/apt/sources.list.d/debian.sources" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
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

# ---- the image ----------------------------------------------------------------------------------
say "building $IMAGE (deploy/Containerfile)"
started=$(date +%s)
"${PODMAN[@]}" build --network host --pull=never -f "$ROOT/deploy/Containerfile" -t "$IMAGE" "$ROOT" \
  >"$WORK/podman_build.log" 2>&1 || { tail -n 40 "$WORK/podman_build.log" >&2; fail "podman build"; }
BUILD_SECONDS=$(( $(date +%s) - started ))
IMAGE_BYTES=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE")
pass "built in ${BUILD_SECONDS} s; image $((IMAGE_BYTES / 1000000)) MB"

[ "$("${PODMAN[@]}" image inspect --format '{{.Config.User}}' "$IMAGE")" = "10001:10001" ] ||
  fail "the image does not run as the non-root user 10001"
pass "runs as user 10001:10001"
tools=$("${PODMAN[@]}" run --rm --network host --entrypoint /bin/sh "$IMAGE" -c \
  'for t in cc gcc g++ c++ cmake ninja npm node protoc; do command -v $t; done; ls /usr/include 2>/dev/null | head -1' || true)
[ -z "$tools" ] || fail "the runtime image holds build tools or headers: $tools"
pass "no compiler, headers, cmake or npm in the runtime image"

# ---- refuses to start without TLS material --------------------------------------------------------
code=0
"${PODMAN[@]}" run --rm --network host "$IMAGE" >"$WORK/no_tls.out" 2>"$WORK/no_tls.err" || code=$?
[ "$code" -ne 0 ] || fail "the image started without TLS material"
grep -q "cannot read --tls_cert_file" "$WORK/no_tls.err" || fail "no clear line: $(cat "$WORK/no_tls.err")"
pass "without mounted TLS files it refuses to start (exit $code): $(grep -o 'cannot read --tls_cert_file.*' "$WORK/no_tls.err" | head -1)"

# ---- TLS material and callers, as a Secret would mount them -----------------------------------------
SECRETS="$WORK/secrets"
rm -rf "$SECRETS"
bash "$ROOT/tests/deploy/test_secrets.sh" "$SECRETS" "$CLI"
mkdir -p "$SECRETS/tls" "$SECRETS/access"
mv "$SECRETS/tls.crt" "$SECRETS/tls.key" "$SECRETS/tls/"
mv "$SECRETS/access.textproto" "$SECRETS/access/"
chown -R 10001:10001 "$SECRETS/tls" "$SECRETS/access"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
GRPC_PORT=$(free_port)
HTTP_PORT=$(free_port)
HEALTH_PORT=$(free_port)
run_server() {  # the production command line of the image's CMD, on free ports
  "${PODMAN[@]}" rm -f "$NAME" >/dev/null 2>&1 || true
  "${PODMAN[@]}" run -d --name "$NAME" --network host --read-only --read-only-tmpfs=false \
    -v "$VOLUME:/var/lib/estimator" -v "$SECRETS/tls:/etc/estimator/tls:ro" \
    -v "$SECRETS/access:/etc/estimator/access:ro" "$IMAGE" \
    --listen="127.0.0.1:$GRPC_PORT" --http_listen="127.0.0.1:$HTTP_PORT" \
    --health_listen="127.0.0.1:$HEALTH_PORT" \
    --tls_cert_file=/etc/estimator/tls/tls.crt --tls_key_file=/etc/estimator/tls/tls.key \
    --access_config=/etc/estimator/access/access.textproto >/dev/null
  for _ in $(seq 1 100); do
    "${PODMAN[@]}" logs "$NAME" 2>/dev/null | grep -q "^http listening on" && return 0
    sleep 0.2
  done
  "${PODMAN[@]}" logs "$NAME" >&2 || true
  fail "the container did not start listening"
}
cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then "${PODMAN[@]}" logs --tail 50 "$NAME" >&2 2>/dev/null || true; fi
  "${PODMAN[@]}" rm -f "$NAME" >/dev/null 2>&1 || true
  "${PODMAN[@]}" volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT
"${PODMAN[@]}" volume rm -f "$VOLUME" >/dev/null 2>&1 || true
"${PODMAN[@]}" volume create "$VOLUME" >/dev/null

say "running it: TLS, access config, read-only root, quotes on volume $VOLUME"
started=$(date +%s%N)
run_server
pass "listening on gRPC $GRPC_PORT and HTTP $HTTP_PORT (TLS) in $(( ($(date +%s%N) - started) / 1000000 )) ms"

CALL=("$CLI" --server="127.0.0.1:$GRPC_PORT" --tls_ca_file="$SECRETS/ca.pem"
      --token_file="$SECRETS/desk.token" --clinic=riverbend)
out=$("${CALL[@]}" compare --payer=aetna --plan=open_access_ppo --start=2026-12-14 --deductible_met=250)
grep -q "Spravato" <<<"$out" || fail "gRPC compare: $out"
pass "gRPC over TLS from outside the container: a comparison of the three treatments"
out=$("${CALL[@]}" quote --self_pay --treatment=ketamine --start=2026-12-14 --save --patient_ref=CT-1)
QUOTE_ID=$(grep -o 'Saved as quote [^ ]*' <<<"$out" | awk '{print $4}')
[ -n "$QUOTE_ID" ] || fail "no quote saved: $out"
pass "a quote saved over gRPC: $QUOTE_ID"

HTTPS="https://127.0.0.1:$HTTP_PORT"
CURL=(curl -sS --cacert "$SECRETS/ca.pem")
answer=$("${CURL[@]}" -X POST -H 'Content-Type: application/json' -H 'Connect-Protocol-Version: 1' \
  -H "Authorization: Bearer $(cat "$SECRETS/desk.token")" \
  -d '{"clinicId":"riverbend","coverage":{"selfPay":{}},"courseStartDate":"2026-12-14",
       "course":{"treatment":"TREATMENT_IV_KETAMINE"},"view":"ESTIMATE_VIEW_SUMMARY"}' \
  "$HTTPS/estimator.v1.EstimatorService/EstimateCourse")
grep -q '"plainSummary"' <<<"$answer" || fail "Connect EstimateCourse: $answer"
pass "Connect JSON over HTTPS from outside the container: an estimate with its plain summary"
[ "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$HTTPS/healthz")" = 200 ] || fail "/healthz"
[ "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$HTTPS/healthz?service=estimator.v1.QuoteService")" = 200 ] ||
  fail "/healthz?service=estimator.v1.QuoteService"
pass "HTTP health: /healthz and the quote service's 200"
health=$("$ROOT/build/tools/node_modules/.bin/buf" curl --protocol grpc --cacert "$SECRETS/ca.pem" \
  -d '{"service":"estimator.v1.QuoteService"}' "https://127.0.0.1:$GRPC_PORT/grpc.health.v1.Health/Check")
grep -q SERVING <<<"$health" || fail "gRPC health: $health"
pass "gRPC health (buf curl, reflection over TLS): estimator.v1.QuoteService SERVING"
probe=$("$ROOT/build/tools/node_modules/.bin/buf" curl --protocol grpc --http2-prior-knowledge \
  --schema "$ROOT/proto/grpc/health/v1/health.proto" -d '{"service":""}' \
  "http://127.0.0.1:$HEALTH_PORT/grpc.health.v1.Health/Check")
grep -q SERVING <<<"$probe" || fail "the probe port: $probe"
pass "the probe port (plaintext, as the kubelet asks): SERVING"

"${PODMAN[@]}" exec "$NAME" sh -c 'touch /usr/local/bin/x' 2>/dev/null && fail "the root filesystem is writable"
mode=$("${PODMAN[@]}" exec "$NAME" stat -c '%a %u' /var/lib/estimator/quotes.db)
[ "$mode" = "600 10001" ] || fail "quotes.db is '$mode', not 600 owned by 10001"
pass "root filesystem read-only; quotes.db on the volume, mode 600, owned by 10001"

# ---- SIGTERM under load: the drain ------------------------------------------------------------------
say "SIGTERM under load"
LOAD="$WORK/load"
rm -rf "$LOAD" && mkdir -p "$LOAD"
for c in 1 2 3 4; do
  ( ok=0; failed=0
    while [ ! -e "$LOAD/stop" ]; do
      if "${CALL[@]}" --timeout_ms=5000 quote --payer=medicare --plan=part_b --treatment=tms \
           --start=2026-12-14 >/dev/null 2>>"$LOAD/errors.$c"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
    done
    echo "$ok $failed" >"$LOAD/count.$c" ) &
done
sleep 3
PID=$("${PODMAN[@]}" inspect --format '{{.State.Pid}}' "$NAME")
MEMORY=$(awk '/^VmRSS|^VmHWM/ {printf "%s %s kB; ", $1, $2}' "/proc/$PID/status")
term_at=$(date +%s%N)
"${PODMAN[@]}" kill --signal TERM "$NAME" >/dev/null
exit_code=$("${PODMAN[@]}" wait "$NAME")
stop_ms=$(( ($(date +%s%N) - term_at) / 1000000 ))
touch "$LOAD/stop"
wait
[ "$exit_code" = 0 ] || fail "exit code $exit_code after SIGTERM"
ok_calls=$(cat "$LOAD"/count.* | awk '{s += $1} END {print s}')
failed_calls=$(cat "$LOAD"/count.* | awk '{s += $2} END {print s}')
"${PODMAN[@]}" logs "$NAME" >"$WORK/server.log" 2>&1
grep -q "shutting down: health NOT_SERVING" "$WORK/server.log" || fail "no drain line in the log"
grep -q " stopped$" "$WORK/server.log" || fail "no 'stopped' line in the log"
logged_ok=$(grep -c "audit method=EstimateCourse .* status=OK " "$WORK/server.log" || true)
[ "$logged_ok" -ge "$ok_calls" ] ||
  fail "$ok_calls estimates answered OK but only $logged_ok audit lines for them"
if grep -v -h -i "unavailable\|connect\|refused\|shutting\|GOAWAY\|closed\|^$" "$LOAD"/errors.* | grep -q .; then
  fail "a call failed otherwise than by finding the server gone: $(grep -h . "$LOAD"/errors.* | head -3)"
fi
pass "the server's memory under load (/proc of the container's process): $MEMORY"
pass "SIGTERM: exit 0 in $stop_ms ms; $ok_calls estimates answered OK (each with its audit line, $logged_ok logged), $failed_calls refused after the stop"

# ---- the saved quote outlives the container ----------------------------------------------------------
run_server
out=$("${CALL[@]}" show --id="$QUOTE_ID")
grep -q "$QUOTE_ID" <<<"$out" || fail "quote $QUOTE_ID not found after a restart: $out"
pass "a new container on the same volume returns quote $QUOTE_ID"

echo
echo "container test: $PASSED checks passed; build ${BUILD_SECONDS} s, image $((IMAGE_BYTES / 1000000)) MB ($IMAGE_BYTES bytes)"
