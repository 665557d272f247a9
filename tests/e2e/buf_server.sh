# Shared by the end-to-end scripts that call the real server through `buf curl` (buf_curl_test.sh,
# hostile_json_test.sh) or the `estimator` CLI (cli_worklist_test.sh): checks the tools, starts the server on a free port with the bundled rules,
# with its HTTP listener too ($HTTP_URL), counts checks, and on exit stops the server (SIGTERM, SIGKILL after 10 s), showing its log if the
# script failed. Sourced, not run:
#
#   E2E_NAME="buf curl e2e"
#   source "$(dirname "${BASH_SOURCE[0]}")/buf_server.sh" "$@"   # ESTIMATOR_SERVER REPO_ROOT
#   ... checks with pass / fail, calls with bufcurl and $URL ...
#   finish_e2e   # SIGTERM must give exit code 0; prints "$E2E_NAME: N checks passed"

if [ "$#" -ne 2 ]; then
  echo "usage: $0 ESTIMATOR_SERVER REPO_ROOT" >&2
  exit 2
fi
SERVER="$1"
ROOT="$2"
BUF="$ROOT/build/tools/node_modules/.bin/buf"

if [ ! -x "$SERVER" ]; then
  echo "$E2E_NAME: FAIL: server binary '$SERVER' is not executable" >&2
  exit 1
fi
if [ ! -x "$BUF" ]; then
  echo "$E2E_NAME: FAIL: buf is not installed at $BUF" >&2
  echo "  install it with deploy/install-deps.sh (npm install @bufbuild/buf into build/tools)" >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1; then
  echo "$E2E_NAME: FAIL: node is needed to read buf's JSON answers" >&2
  exit 1
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/estimator_e2e.XXXXXX")"
SERVER_PID=""
PASSED=0
FAILED=0

cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 200); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$TMP/server.stderr" ]; then
    echo "---- estimator_server stderr (last 100 lines) ----" >&2
    tail -n 100 "$TMP/server.stderr" >&2 || true
  fi
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT

pass() {
  PASSED=$((PASSED + 1))
  echo "ok: $1"
}
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL: $1" >&2
  if [ -n "${2:-}" ]; then echo "$2" | head -c 4000 >&2; echo >&2; fi
}

# ---- start the server on a free port -------------------------------------------------------------
"$SERVER" --rules_dir="$ROOT/payer_rules" --listen=127.0.0.1:0 --plaintext --port_file="$TMP/port" --quote_store="sqlite:$TMP/quotes.db" \
  --http_listen=127.0.0.1:0 --http_port_file="$TMP/http_port" \
  >"$TMP/server.stdout" 2>"$TMP/server.stderr" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 200); do  # up to 10 s
  if [ -s "$TMP/port" ]; then
    PORT="$(tr -d '[:space:]' <"$TMP/port")"
    break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "$E2E_NAME: FAIL: the server exited before writing its port file" >&2
    exit 1
  fi
  sleep 0.05
done
if [ -z "$PORT" ]; then
  echo "$E2E_NAME: FAIL: no port file after 10 s" >&2
  exit 1
fi
URL="http://127.0.0.1:$PORT"
# The HTTP listener (Connect over HTTP/1.1); its port file is written before the gRPC one.
HTTP_URL="http://127.0.0.1:$(tr -d '[:space:]' <"$TMP/http_port")"

# buf curl over plain HTTP/2 gRPC, bounded in time.
bufcurl() {
  timeout 30 "$BUF" curl --protocol grpc --http2-prior-knowledge "$@"
}

# buf curl over the Connect protocol on HTTP/1.1 (an http:// URL without --http2-prior-knowledge).
# Reflection needs HTTP/2, so buf reads the schema from the .proto files.
bufconnect() {
  timeout 30 "$BUF" curl --protocol connect --schema "$ROOT/proto" "$@"
}

# SIGTERM: the server must exit with code 0. Then the summary; exit 1 if any check failed.
finish_e2e() {
  kill -TERM "$SERVER_PID"
  local code=0
  wait "$SERVER_PID" || code=$?
  SERVER_PID=""
  if [ "$code" -eq 0 ]; then
    pass "SIGTERM: the server exits with code 0"
  else
    fail "SIGTERM: the server exited with code $code"
  fi
  if [ "$FAILED" -ne 0 ]; then
    echo "$E2E_NAME: $FAILED checks FAILED, $PASSED passed" >&2
    exit 1
  fi
  echo "$E2E_NAME: $PASSED checks passed"
}
