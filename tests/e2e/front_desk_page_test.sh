#!/usr/bin/env bash
# The front desk's page in real headless Chromium (Debian's, driven by playwright-core), against the
# real server with an access config, the page as compiled into the binary: a comparison filled in
# (partly with the keyboard alone) and checked against the API's own answer, a treatment's
# sessions, readiness from a documentation file, an error shown at its field, the refusal without a
# token, a saved quote, and a Good Faith Estimate. Screenshots go to $SCREENSHOT_DIR (default: a
# folder under build/, printed).
#   front_desk_page_test.sh SERVER_BINARY REPO_ROOT
set -euo pipefail
SERVER="$1"; ROOT="$2"
TMP="$(mktemp -d)"
TOKEN="front-desk-page-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf 'callers { name: "page_test" role: ROLE_FRONT_DESK token_sha256: "%s" }\n' \
  "$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)" > "$TMP/access.textproto"
"$SERVER" --rules_dir="$ROOT/payer_rules" --listen=127.0.0.1:0 --plaintext --port_file="$TMP/port" \
  --quote_store="sqlite:$TMP/quotes.db" --access_config="$TMP/access.textproto" \
  --http_listen=127.0.0.1:0 --http_port_file="$TMP/http_port" ${WEB_DIR:+--web_dir="$WEB_DIR"} \
  >/dev/null 2>"$TMP/server.log" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
[ -s "$TMP/port" ] || { cat "$TMP/server.log" >&2; exit 1; }
SCREENSHOT_DIR="${SCREENSHOT_DIR:-$ROOT/build/screenshots/front_desk_page}"
mkdir -p "$SCREENSHOT_DIR"
code=0
timeout 170 node "$ROOT/tests/e2e/front_desk_page.mjs" "http://127.0.0.1:$(cat "$TMP/http_port")" \
  "$TOKEN" "$ROOT" "$SCREENSHOT_DIR" || code=$?
echo "screenshots: $SCREENSHOT_DIR"
if [ "$code" -ne 0 ]; then
  echo "---- server log (last 30 lines) ----" >&2; tail -n 30 "$TMP/server.log" >&2
  exit "$code"
fi
# The server is still serving, and every API call the page made has its audit line.
grep -q "via=http" "$TMP/server.log" || { echo "FAIL: no audit line via=http" >&2; exit 1; }
