#!/usr/bin/env bash
# The front desk's page (service/web) in Debian's headless Chromium, driven by playwright-core
# (front_desk_page.mjs), against the real server with an access config holding a front-desk token,
# so that every call the page makes carries a real Authorization header. Without --web_dir the
# server serves the page compiled into it, which is what this checks by default.
#
#   front_desk_page_test.sh SERVER_BINARY REPO_ROOT [WEB_DIR]
#
# WEB_DIR (the third argument or the environment variable) serves the page from that folder
# instead, to try edits without a rebuild. Screenshots go to $SCREENSHOT_DIR (default: a new
# temporary folder, printed at the end).
set -euo pipefail
if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
  echo "usage: $0 SERVER_BINARY REPO_ROOT [WEB_DIR]" >&2
  exit 2
fi
SERVER="$1"; ROOT="$2"; WEB_DIR="${3:-${WEB_DIR:-}}"
NAME="front_desk_page_test"
fail() { echo "$NAME: FAIL: $*" >&2; exit 1; }
[ -x "$SERVER" ] || fail "server binary '$SERVER' is not executable"
command -v node >/dev/null || fail "node is not installed"
[ -x /usr/bin/chromium ] || [ -n "${CHROMIUM:-}" ] || fail "Debian's chromium is not installed at /usr/bin/chromium"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/front_desk_page.XXXXXX")"
SCREENSHOT_DIR="${SCREENSHOT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/front_desk_page_screenshots.XXXXXX")}"
mkdir -p "$SCREENSHOT_DIR"
SERVER_PID=""
BROWSER_GROUP=""

# Stops what this script started: the server by SIGTERM (SIGKILL after 10 s), and anything left
# of the browser run (node, Chromium), which runs in its own process group under `timeout`.
cleanup() {
  local status=$?
  if [ -n "$BROWSER_GROUP" ] && pgrep -g "$BROWSER_GROUP" >/dev/null 2>&1; then
    kill -KILL -- "-$BROWSER_GROUP" 2>/dev/null || true
  fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$TMP/server.log" ]; then
    echo "---- estimator_server log (last 40 lines) ----" >&2
    tail -n 40 "$TMP/server.log" >&2 || true
  fi
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT

# A front-desk caller; the server keeps only the token's SHA-256.
TOKEN="front-desk-page-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf 'callers { name: "front_desk_page_test" role: ROLE_FRONT_DESK token_sha256: "%s" }\n' \
  "$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)" >"$TMP/access.textproto"

"$SERVER" --rules_dir="$ROOT/payer_rules" --listen=127.0.0.1:0 --plaintext --port_file="$TMP/port" \
  --http_listen=127.0.0.1:0 --http_port_file="$TMP/http_port" \
  --quote_store="sqlite:$TMP/quotes.db" --access_config="$TMP/access.textproto" \
  ${WEB_DIR:+--web_dir="$WEB_DIR"} >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 200); do  # up to 10 s; the HTTP port file is written before the gRPC one
  [ -s "$TMP/port" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited before writing its port file"
  sleep 0.05
done
[ -s "$TMP/port" ] || fail "no port file after 10 s"
BASE_URL="http://127.0.0.1:$(tr -d '[:space:]' <"$TMP/http_port")"
if [ -n "$WEB_DIR" ]; then
  echo "$NAME: server at $BASE_URL, serving the page from $WEB_DIR (--web_dir)"
else
  echo "$NAME: server at $BASE_URL, serving the page compiled into it"
fi

# `timeout` puts itself, node and Chromium in one new process group (its pid), checked below.
code=0
timeout 170 node "$ROOT/tests/e2e/front_desk_page.mjs" "$BASE_URL" "$TOKEN" "$ROOT" "$SCREENSHOT_DIR" &
BROWSER_GROUP=$!
wait "$BROWSER_GROUP" || code=$?
echo "$NAME: screenshots in $SCREENSHOT_DIR"
[ "$code" -ne 124 ] || fail "the browser run took more than 170 s"
[ "$code" -eq 0 ] || fail "the browser run failed (exit $code)"
for _ in $(seq 1 100); do  # Chromium's helpers may take a moment to exit after the browser
  pgrep -g "$BROWSER_GROUP" >/dev/null 2>&1 || break
  sleep 0.05
done
if pgrep -g "$BROWSER_GROUP" >/dev/null 2>&1; then
  fail "processes of the browser run are left: $(pgrep -g "$BROWSER_GROUP" -l | tr '\n' ' ')"
fi
BROWSER_GROUP=""

# The page's calls went through the access check, as the front-desk caller (the audit log).
grep -q 'caller=front_desk_page_test role=front_desk .*status=OK .*via=http' "$TMP/server.log" ||
  fail "no audited call of the front-desk caller over HTTP in the server log"

# SIGTERM stops the server cleanly, and nothing of it is left.
kill -TERM "$SERVER_PID"
server_code=0
wait "$SERVER_PID" || server_code=$?
[ "$server_code" -eq 0 ] || fail "the server exited with code $server_code on SIGTERM"
kill -0 "$SERVER_PID" 2>/dev/null && fail "the server is still running after SIGTERM"
SERVER_PID=""
echo "$NAME: passed"
