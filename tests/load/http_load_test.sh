#!/usr/bin/env bash
# Connect over HTTP/1.1 beside gRPC, in one run against one server with h2load (nghttp2; --h1 for
# HTTP/1.1): the transports' own health checks (gRPC Health/Check, GET /healthz) and EstimateCourse
# (TMS 36 + 12 months, Aetna PPO) in the summary view and the full answer, over gRPC (protobuf) and
# over Connect (JSON). Interleaved rounds; medians of requests per second and of the server's CPU
# time per call (from /proc); every answer's status checked (h2load's status codes; the server's
# audit log for the RPCs).
#
#   bash tests/load/http_load_test.sh [BUILD_DIR]   # default: build-bench, else build
#
# Settings (environment): REQUESTS=100000 per key and round, CLIENTS=4 connections,
# STREAMS=16 (HTTP/2 streams per connection; for HTTP/1.1, requests pipelined per connection),
# ROUNDS=3. The results table goes to stdout; BENCHMARKS.md explains the figures.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-}"
if [[ -z "$BUILD" ]]; then
  for d in build-bench build; do [[ -x "$ROOT/$d/estimator_server" ]] && { BUILD="$ROOT/$d"; break; }; done
fi
BUILD="$(cd "${BUILD:?no build directory with estimator_server}" && pwd)"
SERVER="$BUILD/estimator_server"
REQUESTS="${REQUESTS:-100000}"
CLIENTS="${CLIENTS:-4}"
STREAMS="${STREAMS:-16}"
ROUNDS="${ROUNDS:-3}"
command -v h2load >/dev/null || { echo "h2load missing: apt-get install nghttp2-client" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
trap '[[ -n "$SERVER_PID" ]] && kill -TERM "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

source "$ROOT/tests/load/grpc_body.sh"
REQUEST='clinic_id: "riverbend" course_start_date: "2026-12-14"
  coverage { insurance { payer_id: "aetna" plan_id: "open_access_ppo" network: NETWORK_IN_NETWORK
    met_so_far { deductible_met_cents: 25000 out_of_pocket_met_cents: 40000 } } }
  course { treatment: TREATMENT_TMS maintenance { months: 12 frequency: MAINTENANCE_FREQUENCY_MONTHLY } }'
: > "$WORK/empty"
frame "$WORK/empty" "$WORK/grpc_health.bin"
encode estimator.v1.EstimateCourseRequest "$REQUEST view: ESTIMATE_VIEW_SUMMARY" "$WORK/grpc_summary.bin"
encode estimator.v1.EstimateCourseRequest "$REQUEST" "$WORK/grpc_full.bin"
JSON='{"clinicId":"riverbend","courseStartDate":"2026-12-14",
  "coverage":{"insurance":{"payerId":"aetna","planId":"open_access_ppo","network":"NETWORK_IN_NETWORK",
    "metSoFar":{"deductibleMetCents":"25000","outOfPocketMetCents":"40000"}}},
  "course":{"treatment":"TREATMENT_TMS","maintenance":{"months":12,"frequency":"MAINTENANCE_FREQUENCY_MONTHLY"}}'
printf '%s,"view":"ESTIMATE_VIEW_SUMMARY"}' "$JSON" > "$WORK/http_summary.json"
printf '%s}' "$JSON" > "$WORK/http_full.json"

"$SERVER" --rules_dir="$ROOT/payer_rules" --listen=127.0.0.1:0 --port_file="$WORK/port" --plaintext \
  --quote_store="sqlite:$WORK/quotes.db" --http_listen=127.0.0.1:0 --http_port_file="$WORK/http_port" \
  > /dev/null 2> "$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
GRPC="http://127.0.0.1:$(cat "$WORK/port")"
HTTP="http://127.0.0.1:$(cat "$WORK/http_port")"
E=/estimator.v1.EstimatorService/EstimateCourse

KEYS="grpc_health grpc_summary grpc_full http_healthz http_summary http_full"
declare -A NAME_OF=([grpc_health]="gRPC Health/Check" [grpc_summary]="gRPC EstimateCourse (summary)"
  [grpc_full]="gRPC EstimateCourse (full)" [http_healthz]="HTTP GET /healthz"
  [http_summary]="Connect JSON EstimateCourse (summary)" [http_full]="Connect JSON EstimateCourse (full)")
run() {  # run KEY N
  local key=$1 n=$2
  case "$key" in
    grpc_health) set -- -H 'content-type: application/grpc' -H 'te: trailers' -d "$WORK/grpc_health.bin" "$GRPC/grpc.health.v1.Health/Check" ;;
    grpc_summary|grpc_full) set -- -H 'content-type: application/grpc' -H 'te: trailers' -d "$WORK/$key.bin" "$GRPC$E" ;;
    http_healthz) set -- --h1 "$HTTP/healthz" ;;
    http_summary|http_full) set -- --h1 -H 'content-type: application/json' -d "$WORK/$key.json" "$HTTP$E" ;;
  esac
  h2load -n "$n" -c "$CLIENTS" -m "$STREAMS" -t 1 "$@" > "$WORK/h2load.out"
  if ! grep -q "^status codes: $n 2xx" "$WORK/h2load.out"; then
    echo "FAILED: ${NAME_OF[$key]}: not every answer was 2xx" >&2; cat "$WORK/h2load.out" >&2; exit 1
  fi
  awk '/^finished in/ {gsub(",", "", $4); print $4}' "$WORK/h2load.out"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
TICKS=$(getconf CLK_TCK)
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

echo "machine: $(nproc) CPUs; server: $SERVER; h2load $(h2load --version | awk '{print $2}'): -c $CLIENTS -m $STREAMS -t 1, $REQUESTS requests per key and round"
for key in $KEYS; do run "$key" 10000 > /dev/null; done  # warm-up
printf "\n| round | call | requests/s | server CPU us/call |\n|---|---|---|---|\n"
declare -A RPS CPU
for round in $(seq "$ROUNDS"); do
  for key in $KEYS; do
    before=$(cpu_ticks)
    rps=$(run "$key" "$REQUESTS")
    cpu=$(echo "($(cpu_ticks) - $before) * 1000000 / $TICKS / $REQUESTS" | bc -l | xargs printf '%.1f')
    RPS[$key]="${RPS[$key]:-} $rps"; CPU[$key]="${CPU[$key]:-} $cpu"
    printf "| %s | %s | %s | %s |\n" "$round" "${NAME_OF[$key]}" "$rps" "$cpu"
  done
done
echo
for key in $KEYS; do
  r=$(echo "${RPS[$key]}" | median)
  base=$(echo "${RPS[grpc_health]}" | median); [[ $key == http_* ]] && base=$(echo "${RPS[http_healthz]}" | median)
  printf "median %s: %s req/s (%.2f x gRPC Health/Check, %.2f x its transport's health check); server CPU %s us/call\n" \
    "${NAME_OF[$key]}" "$r" "$(echo "$r / $(echo "${RPS[grpc_health]}" | median)" | bc -l)" \
    "$(echo "$r / $base" | bc -l)" "$(echo "${CPU[$key]}" | median)"
done
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
total=$(grep -c "method=EstimateCourse .*via=http" "$WORK/server.log" || true)
ok=$(grep -c "method=EstimateCourse .*status=OK.*via=http" "$WORK/server.log" || true)
echo "server log: EstimateCourse over HTTP: $ok of $total calls status=OK"
