#!/usr/bin/env bash
# Load test of the real server binary on loopback with h2load (nghttp2), a load generator nobody on
# this project wrote. In one run, against one server, with the same client settings:
#   1. grpc.health.v1.Health/Check: gRPC's own default health service (a callback service, as
#      ours is), the transport's ceiling;
#   2. EstimateCourse: TMS 36 sessions + 12 months of maintenance, Aetna PPO (48 lines, ~10 kB);
#   3. CompareTreatments: TMS, Spravato and IV ketamine side by side (~30 kB).
# For each: requests per second at saturation (median of interleaved rounds), the server's CPU time
# per call (from /proc), p50/p99 latency
# (from h2load's per-request log) and the ratio to the health check; latency one call at a time;
# p50/p99 at half of saturation (Health/Check at the same offered load as EstimateCourse); every
# RPC's grpc-status checked on a sample with nghttp (h2load counts HTTP 200 as success even when
# the RPC failed) and on every call through the server's own log; the server's resident memory
# before and after 1,000,000 EstimateCourse calls; and its memory with 1,000 generated plan files.
#
#   bash tests/load/load_test.sh [BUILD_DIR]     # BUILD_DIR default: build-bench, else build
#
# Settings (environment): REQUESTS=200000 per RPC, CLIENTS=4 connections, STREAMS=16 concurrent
# streams per connection, ROUNDS=3 (saturation runs, interleaved), MEMORY_REQUESTS=1000000,
# GENERATED_PLANS=1000, HALF_SECONDS=10, HALF_CLIENTS=10 (connections of the paced runs).
# The results table goes to stdout; BENCHMARKS.md explains the figures.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The build directory and its server, tools, work folder, start_server / stop_server, cpu_ticks,
# grpc_status, rps_of, percentile, median.
source "$ROOT/tests/load/load_server.sh" "${1:-}"
GENERATE="$BUILD/tests/bench/generate_rules"
REQUESTS="${REQUESTS:-200000}"
CLIENTS="${CLIENTS:-4}"
STREAMS="${STREAMS:-16}"
MEMORY_REQUESTS="${MEMORY_REQUESTS:-1000000}"
GENERATED_PLANS="${GENERATED_PLANS:-1000}"
HALF_SECONDS="${HALF_SECONDS:-10}"
ROUNDS="${ROUNDS:-3}"

# ---- request bodies: 1 flag byte, 4-byte big-endian length, the serialized request ----------------
source "$ROOT/tests/load/grpc_body.sh"
COVERAGE='coverage { insurance { payer_id: "aetna" plan_id: "open_access_ppo" network: NETWORK_IN_NETWORK
  met_so_far { deductible_met_cents: 25000 out_of_pocket_met_cents: 40000 } } }
  clinic_id: "riverbend" course_start_date: "2026-12-14"'
: > "$WORK/empty"
frame "$WORK/empty" "$WORK/health.bin"  # HealthCheckRequest{} (empty: the server as a whole)
encode estimator.v1.EstimateCourseRequest "$COVERAGE
  course { treatment: TREATMENT_TMS maintenance { months: 12 frequency: MAINTENANCE_FREQUENCY_MONTHLY } }" \
  "$WORK/estimate.bin"
encode estimator.v1.CompareTreatmentsRequest "$COVERAGE" "$WORK/compare.bin"
# The same two in the summary view (issue 19): no lines.
encode estimator.v1.EstimateCourseRequest "$COVERAGE view: ESTIMATE_VIEW_SUMMARY
  course { treatment: TREATMENT_TMS maintenance { months: 12 frequency: MAINTENANCE_FREQUENCY_MONTHLY } }" \
  "$WORK/estimate_summary.bin"
encode estimator.v1.CompareTreatmentsRequest "$COVERAGE view: ESTIMATE_VIEW_SUMMARY" "$WORK/compare_summary.bin"
# A readiness check with documentation that meets the Aetna-modelled TMS policy.
encode estimator.v1.CheckPriorAuthReadinessRequest "payer_id: \"aetna\" plan_id: \"open_access_ppo\"
  treatment: TREATMENT_TMS documentation { $(grep -v '^#' "$ROOT/tests/testdata/bench/ready_documentation.textproto") }" \
  "$WORK/readiness.bin"
# Every RPC measured, in the order of each round.
KEYS="${KEYS:-health estimate estimate_summary compare compare_summary readiness}"

declare -A PATH_OF=(
  [health]=/grpc.health.v1.Health/Check
  [estimate]=/estimator.v1.EstimatorService/EstimateCourse
  [compare]=/estimator.v1.EstimatorService/CompareTreatments
  [estimate_summary]=/estimator.v1.EstimatorService/EstimateCourse
  [compare_summary]=/estimator.v1.EstimatorService/CompareTreatments
  [readiness]=/estimator.v1.EstimatorService/CheckPriorAuthReadiness)
declare -A NAME_OF=([health]=Health/Check [estimate]=EstimateCourse [compare]=CompareTreatments
  [estimate_summary]="EstimateCourse (summary)" [compare_summary]="CompareTreatments (summary)"
  [readiness]=CheckPriorAuthReadiness)

h2() {  # h2 KEY REQUESTS LOG [extra h2load options...]: runs h2load, prints its summary lines
  local key=$1 n=$2 log=$3; shift 3
  rm -f "$log"  # h2load appends to its log file
  h2load -n "$n" -c "$CLIENTS" -m "$STREAMS" -t 1 \
    -H 'content-type: application/grpc' -H 'te: trailers' -d "$WORK/$key.bin" \
    --log-file="$log" "$@" "$URL${PATH_OF[$key]}" > "$WORK/h2load.out"
  grep -E "^finished in|^requests:|^status codes:" "$WORK/h2load.out"
}

echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: $SERVER; h2load $(h2load --version | awk '{print $2}'): -c $CLIENTS -m $STREAMS -t 1, $REQUESTS requests per RPC and round"
echo

start_server "$ROOT/payer_rules"
RSS_IDLE=$(rss_kb)
echo "grpc-status of one call each (nghttp):"
for key in $KEYS; do
  s=$(grpc_status "$key")
  echo "  ${NAME_OF[$key]}: grpc-status ${s:-missing}"
  [[ "$s" == 0 ]] || { echo "FAILED: ${NAME_OF[$key]} does not answer grpc-status 0" >&2; exit 1; }
done

# Warm-up: threads, connections and allocator pools settle before anything is measured.
for key in $KEYS; do h2 "$key" 20000 "$WORK/warm.log" > /dev/null; done
RSS_WARM=$(rss_kb)
echo
# Saturation, in ROUNDS interleaved rounds (health, estimate, compare, health, ...) so that a
# burst of load from elsewhere on the machine hits every RPC alike; the medians are the figures.
printf "| round | RPC | requests/s | p50 ms | p99 ms | server CPU us/call | h2load status codes |\n"
printf "|---|---|---|---|---|---|---|\n"
declare -A RPS ALL CPU
for round in $(seq "$ROUNDS"); do
  for key in $KEYS; do
    ticks=$(cpu_ticks)
    h2 "$key" "$REQUESTS" "$WORK/$key.log" > /dev/null
    cpu_us=$(echo "($(cpu_ticks) - $ticks) * 1000000 / $TICKS_PER_SECOND / $REQUESTS" | bc -l | xargs printf '%.1f')
    CPU[$key]="${CPU[$key]:-} $cpu_us"
    rps=$(rps_of)
    ALL[$key]="${ALL[$key]:-} $rps"
    codes=$(awk '/^status codes:/ {print $3, $4, $5, $6, $7, $8, $9, $10}' "$WORK/h2load.out")
    failed=$(awk '/^requests:/ {print $8, $9, $10, $11}' "$WORK/h2load.out")
    printf "| %s | %s | %s | %s | %s | %s | %s; %s |\n" "$round" "${NAME_OF[$key]}" "$rps" \
      "$(percentile "$WORK/$key.log" 50)" "$(percentile "$WORK/$key.log" 99)" "$cpu_us" \
      "$codes" "$failed"
  done
done
echo
for key in $KEYS; do
  RPS[$key]=$(echo "${ALL[$key]}" | median)
  printf "median %s: %s req/s, %.2f x Health/Check; server CPU %s us per call\n" \
    "${NAME_OF[$key]}" "${RPS[$key]}" "$(echo "${RPS[$key]} / ${RPS[health]}" | bc -l)" \
    "$(echo "${CPU[$key]}" | median)"
done

# Every call's status, from the server's own log (one line per call: method=... status=...).
echo
for m in EstimateCourse CompareTreatments CheckPriorAuthReadiness; do
  total=$(grep -c "method=$m " "$WORK/server.log" || true)
  ok=$(grep -c "method=$m .*status=OK" "$WORK/server.log" || true)
  echo "server log: $m $ok of $total calls status=OK"
done

# One call at a time on one connection: the latency of a call with nothing queued before it.
echo
for key in $KEYS; do
  rm -f "$WORK/single.log"
  h2load -n 5000 -c 1 -m 1 -t 1 -H 'content-type: application/grpc' -H 'te: trailers' \
    -d "$WORK/$key.bin" --log-file="$WORK/single.log" "$URL${PATH_OF[$key]}" > "$WORK/h2load.out"
  echo "${NAME_OF[$key]} one call at a time: $(rps_of) req/s, p50 $(percentile "$WORK/single.log" 50) ms, p99 $(percentile "$WORK/single.log" 99) ms"
done

# Half of saturation: each of our RPCs at half the throughput just measured, and Health/Check at
# the same offered load as EstimateCourse (what the machine and transport add, not our handler).
# h2load --rps sends each client's requests in bursts, every max(10 ms, 1/rps); to spread them,
# HALF_CLIENTS connections are started 1 ms apart, so that a burst of rate/1000 requests leaves
# every millisecond (the finest h2load can pace).
echo
HALF_CLIENTS="${HALF_CLIENTS:-10}"
half_run() {  # half_run KEY RATE_TOTAL
  local per_client=$(( $2 / HALF_CLIENTS ))
  rm -f "$WORK/half.log"
  h2load -n $(( per_client * HALF_CLIENTS * HALF_SECONDS )) -c "$HALF_CLIENTS" -m "$STREAMS" -t 1 \
    --rps="$per_client" -r 1 --rate-period=1ms \
    -H 'content-type: application/grpc' -H 'te: trailers' -d "$WORK/$1.bin" \
    --log-file="$WORK/half.log" "$URL${PATH_OF[$1]}" > "$WORK/h2load.out"
  echo "${NAME_OF[$1]} at $(( per_client * HALF_CLIENTS )) req/s offered ($(rps_of) served): p50 $(percentile "$WORK/half.log" 50) ms, p99 $(percentile "$WORK/half.log" 99) ms"
}
half_run estimate "$(echo "${RPS[estimate]} / 2" | bc)"
half_run health "$(echo "${RPS[estimate]} / 2" | bc)"
half_run compare "$(echo "${RPS[compare]} / 2" | bc)"

# Memory: 1,000,000 EstimateCourse calls.
RSS_BEFORE=$(rss_kb)
h2 estimate "$MEMORY_REQUESTS" "$WORK/million.log" > /dev/null
MILLION_RPS=$(rps_of)
RSS_AFTER=$(rss_kb)
echo
echo "server RSS: idle after start $RSS_IDLE kB; after warm-up $RSS_WARM kB; before $MEMORY_REQUESTS EstimateCourse calls $RSS_BEFORE kB; after $RSS_AFTER kB ($(echo "($RSS_AFTER - $RSS_BEFORE) * 100 / $RSS_BEFORE" | bc -l | xargs printf '%+.1f')%); served at $MILLION_RPS req/s"
echo "grpc-status after the million: EstimateCourse $(grpc_status estimate)"
stop_server

# Memory with 1,000 generated plan files (the bundled plans under new payer ids).
if [[ -x "$GENERATE" ]]; then
  "$GENERATE" "$ROOT/payer_rules" "$GENERATED_PLANS" "$WORK/rules_many"
  files=$(ls "$WORK/rules_many/plans" | wc -l)
  t0=$(date +%s.%N)
  start_server "$WORK/rules_many"
  t1=$(date +%s.%N)
  echo "server with $files plan files: RSS $(rss_kb) kB (bundled rules: $RSS_IDLE kB); started and listening in $(echo "$t1 - $t0" | bc | xargs printf '%.2f') s; EstimateCourse grpc-status $(grpc_status estimate)"
  stop_server
else
  echo "($GENERATE not built: no figure for $GENERATED_PLANS plan files)"
fi
