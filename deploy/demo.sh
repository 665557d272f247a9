#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine: installs what is missing, builds, starts the server
# on the bundled payer rules and shows real quotes - the three treatments side by side for a
# sample patient under Medicare Part B, a commercial PPO, and self-pay; then prior-authorization
# readiness for that patient's documentation, the plans the rules know and the offline rule check;
# then saves a quote and issues a Good Faith Estimate for the self-pay IV ketamine patient, writing
# its printable page to deploy/out/, and asks for an estimate over HTTP (the Connect protocol, as a
# patient portal would) - then stops the server.
# Idempotent: run it again and it only rebuilds what changed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "$ROOT/deploy/install-deps.sh"
bash "$ROOT/deploy/build.sh" estimator_server estimator

WORK="$(mktemp -d)"
# The demo's quotes live in its own SQLite file (mode 0600) next to the printed estimate.
OUT="$ROOT/deploy/out"
mkdir -p "$OUT"
"$ROOT/build/estimator_server" --rules_dir="$ROOT/payer_rules" --listen=127.0.0.1:0 --plaintext \
  --port_file="$WORK/port" --quote_store="sqlite:$OUT/demo_quotes.db" \
  --http_listen=127.0.0.1:0 --http_port_file="$WORK/http_port" >/dev/null 2>"$WORK/server.log" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
if [ ! -s "$WORK/port" ]; then cat "$WORK/server.log" >&2; exit 1; fi
CLI=("$ROOT/build/estimator" --server="127.0.0.1:$(cat "$WORK/port")" --clinic=riverbend)

banner() { printf '\n=== %s ===\n\n' "$1"; }
banner "Sample patient on Medicare Part B, starting TMS/Spravato/ketamine on 2026-12-14 (deductible not met yet)"
"${CLI[@]}" compare --payer=medicare --plan=part_b --start=2026-12-14 --deductible_met=0
banner "Same patient on a commercial PPO (Aetna-modelled), \$250 of the deductible met, \$400 spent"
"${CLI[@]}" compare --payer=aetna --plan=open_access_ppo --start=2026-12-14 --deductible_met=250 --oop_met=400
banner "Same patient paying for themselves"
"${CLI[@]}" compare --self_pay --start=2026-12-14
banner "Billing: is a prior authorization ready? Same patient, documentation in deploy/examples/patient_tms_ready.json"
# readiness exits 0 when ready to submit, 3 when not ready yet, 4 when the plan excludes the treatment.
for treatment in tms spravato; do
  code=0
  "$ROOT/build/estimator" --server="127.0.0.1:$(cat "$WORK/port")" readiness --payer=aetna \
    --plan=open_access_ppo --treatment=$treatment \
    --documentation="$ROOT/deploy/examples/patient_tms_ready.json" || code=$?
  case "$code" in
    0) echo "(exit code 0: ready to submit)" ;;
    3) echo "(exit code 3: not ready yet)" ;;
    4) echo "(exit code 4: the plan does not cover it)" ;;
    *) exit "$code" ;;
  esac
  echo
done
banner "Front desk: the same comparison with incomplete documentation (deploy/examples/patient_incomplete.json)"
"${CLI[@]}" compare --payer=aetna --plan=open_access_ppo --start=2026-12-14 --deductible_met=250 \
  --oop_met=400 --documentation="$ROOT/deploy/examples/patient_incomplete.json"
banner "What the rules know (estimator payers)"
"${CLI[@]}" payers
banner "Operations: which rules are served and how the last loads went (estimator rules-status)"
"$ROOT/build/estimator" --server="127.0.0.1:$(cat "$WORK/port")" rules-status
banner "Billing lead: the offline rule check (estimator check: validate every file, run the rule tests)"
"$ROOT/build/estimator" check --rules_dir="$ROOT/payer_rules" | grep -v '^    PASS \|^  tests/\|^Rule tests'
banner "Front desk: save the self-pay ketamine quote for patient MRN-20417"
"${CLI[@]}" quote --self_pay --treatment=ketamine --start=2026-12-14 --maintenance_months=12 \
  --maintenance_frequency=monthly --save --patient_ref=MRN-20417 | tail -n 3
banner "Good Faith Estimate for the self-pay IV ketamine patient (No Surprises Act, 45 CFR 149.610)"
"${CLI[@]}" gfe --self_pay --treatment=ketamine --start=2026-12-14 --maintenance_months=12 \
  --maintenance_frequency=monthly --patient_name="Sample Patient" --birth_date=1985-06-15 \
  --diagnoses=F33.2 --patient_ref=MRN-20417 --html_out="$OUT/good_faith_estimate.html"
banner "Saved quotes for MRN-20417"
"${CLI[@]}" quotes --patient_ref=MRN-20417
HTTP="http://127.0.0.1:$(cat "$WORK/http_port")"
banner "A patient portal's view over HTTP (Connect protocol, JSON): the self-pay ketamine estimate's summary"
curl -sS -X POST -H 'Content-Type: application/json' -H 'Connect-Protocol-Version: 1' \
  -d '{"clinicId":"riverbend","coverage":{"selfPay":{}},"courseStartDate":"2026-12-14",
       "course":{"treatment":"TREATMENT_IV_KETAMINE"},"view":"ESTIMATE_VIEW_SUMMARY"}' \
  "$HTTP/estimator.v1.EstimatorService/EstimateCourse" |
  python3 -c 'import json,sys; e=json.load(sys.stdin)["estimate"]; print(e["plainSummary"])'
echo "(GET $HTTP/healthz: $(curl -sS "$HTTP/healthz"); the front desk's page is served at $HTTP/ while the server runs)"
echo
echo "The printable Good Faith Estimate is $OUT/good_faith_estimate.html (open it in a browser and print)."
