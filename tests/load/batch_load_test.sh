#!/usr/bin/env bash
# Load test of BatchCheckPriorAuthReadiness (issue 18, worklists) against the real server binary on
# loopback with h2load, beside single CheckPriorAuthReadiness calls. In one run, against one server,
# with interleaved rounds:
#   1. single:  CheckPriorAuthReadiness, the load test's Aetna TMS patient (tests/load/load_test.sh);
#   2. same100: a worklist of that same patient 100 times: the batch's cost per patient against (1);
#   3. mixed100: a worklist of 100 different patients: the 11 charts of
#      tests/testdata/documentation/ under each bundled plan and treatment (what a billing team
#      sends: ready, not ready, missing information, excluded);
#   4. mixed500: the same mix at the documented maximum of 500 patients.
# For each: requests/s at saturation (median of ROUNDS), patients/min (requests/s x patients x 60),
# the server's CPU per call and per patient (from /proc), p50/p99 latency (h2load's per-request
# log), and p50/p99 one call at a time; every call's status from the server's audit log (one line
# per call, with the batch's counts) and one grpc-status per RPC from nghttp (h2load counts HTTP
# 200 as success even when the RPC failed).
#
#   bash tests/load/batch_load_test.sh [BUILD_DIR]   # default: build-bench, else build
#
# Needs h2load and nghttp (nghttp2-client, installed with apt-get if missing), protoc, python3 and
# buf (build/tools, from deploy/install-deps.sh) to encode the JSON worklists. Settings
# (environment): ROUNDS=3, CLIENTS=4, STREAMS=16 (single calls), BATCH_STREAMS=4 (batches),
# PATIENTS=200000 per RPC and round (requests = PATIENTS / patients per request).
# The target of issue 18 is 20,000 patients a minute; BENCHMARKS.md has the figures.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The build directory and its server, tools, work folder, start_server / stop_server, cpu_ticks,
# grpc_status, rps_of, percentile, median.
source "$ROOT/tests/load/load_server.sh" "${1:-}"
BUF="${BUF:-$ROOT/build/tools/node_modules/.bin/buf}"
ROUNDS="${ROUNDS:-3}"
CLIENTS="${CLIENTS:-4}"
STREAMS="${STREAMS:-16}"
BATCH_STREAMS="${BATCH_STREAMS:-4}"
PATIENTS="${PATIENTS:-200000}"
TARGET_PER_MINUTE=20000

need python3 || { echo "python3 missing" >&2; exit 1; }
[[ -x "$BUF" ]] || { echo "no buf at $BUF: run deploy/install-deps.sh (or set BUF)" >&2; exit 1; }

# ---- request bodies: 1 flag byte, 4-byte big-endian length, the serialized request ----------------
source "$ROOT/tests/load/grpc_body.sh"
PATIENT="payer_id: \"aetna\" plan_id: \"open_access_ppo\" treatment: TREATMENT_TMS
  documentation { $(grep -v '^#' "$ROOT/tests/testdata/bench/ready_documentation.textproto") }"
encode estimator.v1.CheckPriorAuthReadinessRequest "$PATIENT" "$WORK/single.bin"
SAME=""
for i in $(seq 1 100); do SAME+="items { item_id: \"p$i\" request { $PATIENT } } "; done
encode estimator.v1.BatchCheckPriorAuthReadinessRequest "$SAME" "$WORK/same100.bin"

# The mixed worklists, as JSON (the charts are JSON), encoded by buf with the repository's schema.
mixed() {  # mixed N OUT
  python3 - "$ROOT" "$1" > "$WORK/mixed.json" <<'EOF'
import glob, json, sys
root, n = sys.argv[1], int(sys.argv[2])
charts = [json.load(open(f)) for f in sorted(glob.glob(root + "/tests/testdata/documentation/*.json"))]
plans = sorted({(p.split("payer_id:")[1].split('"')[1], p.split("plan_id:")[1].split('"')[1])
                for p in (open(f).read() for f in glob.glob(root + "/payer_rules/plans/*.textproto"))})
treatments = ["TREATMENT_TMS", "TREATMENT_SPRAVATO", "TREATMENT_IV_KETAMINE"]
combos = [(p, t, c) for p in plans for t in treatments for c in range(len(charts))]
# Every n-th combination, so that a worklist of 100 spreads over every plan, treatment and chart.
step = max(1, len(combos) // n)
items = []
for i in range(n):
    (payer, plan), treatment, chart = combos[(i * step + i // len(combos)) % len(combos)]
    items.append({"itemId": "row-%d" % (i + 1),
                  "request": {"payerId": payer, "planId": plan, "treatment": treatment,
                              "network": "NETWORK_IN_NETWORK", "documentation": charts[chart]}})
print(json.dumps({"items": items}))
EOF
  "$BUF" convert "$ROOT/proto" --type estimator.v1.BatchCheckPriorAuthReadinessRequest \
    --from "$WORK/mixed.json" --to "$WORK/raw"
  frame "$WORK/raw" "$2"
}
mixed 100 "$WORK/mixed100.bin"
mixed 500 "$WORK/mixed500.bin"

KEYS="single same100 mixed100 mixed500"
declare -A PATIENTS_OF=([single]=1 [same100]=100 [mixed100]=100 [mixed500]=500)
declare -A STREAMS_OF=([single]=$STREAMS [same100]=$BATCH_STREAMS [mixed100]=$BATCH_STREAMS [mixed500]=$BATCH_STREAMS)
declare -A PATH_OF=([single]=/estimator.v1.EstimatorService/CheckPriorAuthReadiness
  [same100]=/estimator.v1.EstimatorService/BatchCheckPriorAuthReadiness
  [mixed100]=/estimator.v1.EstimatorService/BatchCheckPriorAuthReadiness
  [mixed500]=/estimator.v1.EstimatorService/BatchCheckPriorAuthReadiness)
declare -A NAME_OF=([single]="CheckPriorAuthReadiness (1 patient)"
  [same100]="Batch, 100 x the same patient" [mixed100]="Batch, 100 mixed patients"
  [mixed500]="Batch, 500 mixed patients")

start_server "$ROOT/payer_rules"
h2() {  # h2 KEY REQUESTS LOG CLIENTS STREAMS
  rm -f "$3"
  h2load -n "$2" -c "$4" -m "$5" -t 1 -H 'content-type: application/grpc' -H 'te: trailers' \
    -d "$WORK/$1.bin" --log-file="$3" "$URL${PATH_OF[$1]}" > "$WORK/h2load.out"
}
echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: $SERVER; h2load $(h2load --version | awk '{print $2}'): -c $CLIENTS -t 1, -m $STREAMS (single) / -m $BATCH_STREAMS (batches); $PATIENTS patients per RPC and round"
for key in $KEYS; do
  printf "request %s: %s bytes\n" "${NAME_OF[$key]}" "$(( $(stat -c %s "$WORK/$key.bin") - 5 ))"
done
echo
echo "grpc-status of one call each (nghttp):"
for key in $KEYS; do
  s=$(grpc_status "$key")
  echo "  ${NAME_OF[$key]}: grpc-status ${s:-missing}"
  [[ "$s" == 0 ]] || { echo "FAILED: ${NAME_OF[$key]} does not answer grpc-status 0" >&2; exit 1; }
done
# What each worklist found (the audit line's counts of those calls).
sleep 0.3
sed -n 's/.*method=BatchCheckPriorAuthReadiness .* quote=- \(.*\) status=.*/  counts: \1/p' "$WORK/server.log" | sort -u

# Warm-up, then saturation in interleaved rounds.
for key in $KEYS; do h2 "$key" $(( 20000 / PATIENTS_OF[$key] + 20 )) "$WORK/warm.log" "$CLIENTS" "${STREAMS_OF[$key]}"; done
echo
printf "| round | RPC | requests/s | patients/min | p50 ms | p99 ms | server CPU us/call | us/patient |\n"
printf "|---|---|---|---|---|---|---|---|\n"
declare -A RPS CPU
for round in $(seq "$ROUNDS"); do
  for key in $KEYS; do
    n=$(( PATIENTS / PATIENTS_OF[$key] ))
    ticks=$(cpu_ticks)
    h2 "$key" "$n" "$WORK/$key.log" "$CLIENTS" "${STREAMS_OF[$key]}"
    cpu_us=$(echo "($(cpu_ticks) - $ticks) * 1000000 / $TICKS_PER_SECOND / $n" | bc -l)
    rps=$(rps_of)
    RPS[$key]="${RPS[$key]:-} $rps"
    CPU[$key]="${CPU[$key]:-} $cpu_us"
    printf "| %s | %s | %s | %.0f | %s | %s | %.0f | %.1f |\n" "$round" "${NAME_OF[$key]}" "$rps" \
      "$(echo "$rps * ${PATIENTS_OF[$key]} * 60" | bc -l)" "$(percentile "$WORK/$key.log" 50)" \
      "$(percentile "$WORK/$key.log" 99)" "$cpu_us" "$(echo "$cpu_us / ${PATIENTS_OF[$key]}" | bc -l)"
  done
done
echo
for key in $KEYS; do
  rps=$(echo "${RPS[$key]}" | median)
  cpu=$(echo "${CPU[$key]}" | median)
  per_minute=$(echo "$rps * ${PATIENTS_OF[$key]} * 60" | bc -l)
  printf "median %s: %s req/s = %.0f patients/min (%.1fx the target of %d); server CPU %.0f us per call, %.1f us per patient\n" \
    "${NAME_OF[$key]}" "$rps" "$per_minute" "$(echo "$per_minute / $TARGET_PER_MINUTE" | bc -l)" \
    "$TARGET_PER_MINUTE" "$cpu" "$(echo "$cpu / ${PATIENTS_OF[$key]}" | bc -l)"
done

# One call at a time on one connection: the latency with nothing queued before it.
echo
for key in $KEYS; do
  h2 "$key" $(( 2000 / (PATIENTS_OF[$key] > 100 ? 4 : 1) )) "$WORK/single.log" 1 1
  echo "${NAME_OF[$key]} one call at a time: $(rps_of) req/s, p50 $(percentile "$WORK/single.log" 50) ms, p99 $(percentile "$WORK/single.log" 99) ms"
done

# Every call's status, from the server's own log (one line per call).
echo
sleep 0.3
for m in CheckPriorAuthReadiness BatchCheckPriorAuthReadiness; do
  total=$(grep -c "method=$m " "$WORK/server.log" || true)
  ok=$(grep -c "method=$m .*status=OK" "$WORK/server.log" || true)
  echo "server log: $m $ok of $total calls status=OK"
  [[ "$ok" == "$total" ]] || { echo "FAILED: $m calls not OK in the server log" >&2; exit 1; }
done
errors=$(grep "method=BatchCheckPriorAuthReadiness " "$WORK/server.log" | grep -vc " errors=0 " || true)
echo "server log: $errors batch calls with an item error (expected 0)"
stop_server
