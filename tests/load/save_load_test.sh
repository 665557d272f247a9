#!/usr/bin/env bash
# What saving a quote costs through one real server, per backend, with durable commits: h2load
# sends SaveQuote (a self-pay IV ketamine estimate, computed and stored) and, on the same server,
# EstimateCourse and the health check, so the save is seen beside the path that never touches
# the database. Reports requests/s and p50/p99 latency per RPC; checks every SaveQuote answered
# OK in the server's audit log and counts the rows the store holds afterwards.
#
#   bash tests/load/save_load_test.sh [BUILD_DIR]      # BUILD_DIR default: build-bench, else build
#
# Settings: REQUESTS=20000 per RPC, CLIENTS=4, STREAMS=8. PostgreSQL: the private test cluster
# (tests/store/postgres_fixture.sh), started and stopped here.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-}"
if [[ -z "$BUILD" ]]; then
  for d in build-bench build; do [[ -x "$ROOT/$d/estimator_server" ]] && { BUILD="$ROOT/$d"; break; }; done
fi
SERVER="$BUILD/estimator_server"
REQUESTS="${REQUESTS:-20000}"
CLIENTS="${CLIENTS:-4}"
STREAMS="${STREAMS:-8}"
WORK="$(mktemp -d)"
PID=""
stop_server() { if [[ -n "$PID" ]]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; fi; }
trap 'stop_server; bash "$ROOT/tests/store/postgres_fixture.sh" stop "$WORK/pg" >/dev/null; rm -rf "$WORK"' EXIT

source "$ROOT/tests/load/grpc_body.sh"
COURSE='clinic_id: "riverbend" course_start_date: "2026-12-14" coverage { self_pay {} }
  course { treatment: TREATMENT_IV_KETAMINE maintenance { months: 12 frequency: MAINTENANCE_FREQUENCY_MONTHLY } }'
encode estimator.v1.SaveQuoteRequest "estimate { $COURSE } patient_reference: \"MRN-LOAD\" channel: QUOTE_CHANNEL_FRONT_DESK" \
  "$WORK/save.bin" estimator/v1/quotes.proto
encode estimator.v1.EstimateCourseRequest "$COURSE" "$WORK/estimate.bin"
: > "$WORK/empty"; frame "$WORK/empty" "$WORK/health.bin"
declare -A PATH_OF=([save]=/estimator.v1.QuoteService/SaveQuote [estimate]=/estimator.v1.EstimatorService/EstimateCourse
                    [health]=/grpc.health.v1.Health/Check)

percentile() { sort -n -k3 "$1" | awk -v p="$2" '{a[NR]=$3} END {i=int(NR*p/100); if (i<1) i=1; printf "%.2f", a[i]/1000}'; }

run() {  # run BACKEND LOCATION
  rm -f "$WORK/port"
  "$SERVER" --rules_dir="$ROOT/payer_rules" --listen=127.0.0.1:0 --plaintext --port_file="$WORK/port" \
    --quote_store="$2" >/dev/null 2>"$WORK/server.log" &
  PID=$!
  for _ in $(seq 100); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
  local url="http://127.0.0.1:$(cat "$WORK/port")"
  for key in health estimate save; do
    rm -f "$WORK/$key.log"
    h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" -t 1 -H 'content-type: application/grpc' \
      -H 'te: trailers' -d "$WORK/$key.bin" --log-file="$WORK/$key.log" "$url${PATH_OF[$key]}" > "$WORK/h2load.out"
    rps=$(awk '/^finished in/ {gsub(",", "", $4); print $4}' "$WORK/h2load.out")
    printf "| %s | %s | %s | %s | %s |\n" "$1" "${PATH_OF[$key]#/}" "$rps" \
      "$(percentile "$WORK/$key.log" 50)" "$(percentile "$WORK/$key.log" 99)"
  done
  # Estimates while saves run: the estimate path must not wait on the database.
  h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" -t 1 -H 'content-type: application/grpc' \
    -H 'te: trailers' -d "$WORK/save.bin" "$url${PATH_OF[save]}" > "$WORK/save_bg.out" &
  local bg=$!
  rm -f "$WORK/both.log"
  h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" -t 1 -H 'content-type: application/grpc' \
    -H 'te: trailers' -d "$WORK/estimate.bin" --log-file="$WORK/both.log" "$url${PATH_OF[estimate]}" > "$WORK/h2load.out"
  wait "$bg"
  printf "| %s | %s | %s | %s | %s |\n" "$1" "EstimateCourse while SaveQuote runs" \
    "$(awk '/^finished in/ {gsub(",", "", $4); print $4}' "$WORK/h2load.out")" \
    "$(percentile "$WORK/both.log" 50)" "$(percentile "$WORK/both.log" 99)"
  stop_server
  ok=$(grep -c "method=SaveQuote .* status=OK" "$WORK/server.log" || true)
  echo "  $1: $ok of $((2 * REQUESTS)) SaveQuote calls answered OK in the audit log"
  [[ "$ok" -eq "$((2 * REQUESTS))" ]] || { echo "  some saves failed:"; grep "method=SaveQuote" "$WORK/server.log" | grep -v status=OK | head -3; }
}

echo "server: $SERVER; h2load -c $CLIENTS -m $STREAMS, $REQUESTS requests per RPC; $(nproc) cores"
echo "| backend | RPC | requests/s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|"
run sqlite "sqlite:$WORK/quotes.db"
echo "  sqlite rows: $(sqlite3 "$WORK/quotes.db" 'select count(*) from quotes')"
bash "$ROOT/tests/store/postgres_fixture.sh" start "$WORK/pg" >/dev/null
run postgresql "$(cat "$WORK/pg/url")"
echo "  postgresql rows: $(psql -At "$(cat "$WORK/pg/url")" -c 'select count(*) from quotes')"
