#!/usr/bin/env bash
# Hostile JSON through a JSON client nobody on this project wrote: `buf curl` maps JSON to protobuf
# (with the schema it reads from the server's reflection service) and calls the real server.
#
#   tests/e2e/hostile_json_test.sh BUILD/estimator_server REPO_ROOT
#
# Each case says where the JSON must be refused and what the refusal must say:
# - client_refuses: buf's JSON mapping refuses it before anything is sent (exit 1, "Failure: ..."
#   naming the JSON field where buf does), and the server's log shows no call for it;
# - server_refuses: buf maps it to a protobuf message the server then refuses with the gRPC code
#   given and a message naming the field's path in the request.
# Then the server must still be SERVING, answer a normal request, and exit 0 on SIGTERM.
# Prints "hostile JSON e2e: N checks passed".
set -euo pipefail

E2E_NAME="hostile JSON e2e"
# shellcheck source=tests/e2e/buf_server.sh
source "$(dirname "${BASH_SOURCE[0]}")/buf_server.sh" "$@"
SVC="$URL/estimator.v1.EstimatorService"

# Calls the server has logged so far (one line per call, each with "method=").
calls_logged() {
  # The server writes audit lines from a buffer at least every 100 ms (README "Audit log"): wait
  # a little longer than that, so every call answered so far is counted.
  sleep 0.25
  grep -c 'method=' "$TMP/server.stderr" || true
}

# client_refuses NAME METHOD BODY TEXT: buf refuses BODY (JSON, or @file) before sending anything.
client_refuses() {
  local name="$1" method="$2" body="$3" text="$4"
  local before after code=0
  before="$(calls_logged)"
  bufcurl -d "$body" "$SVC/$method" >"$TMP/out" 2>"$TMP/err" || code=$?
  after="$(calls_logged)"
  if [ "$code" -ne 1 ]; then
    fail "$name: buf exited $code, expected 1 (its own JSON error)" "$(cat "$TMP/out" "$TMP/err")"
  elif ! grep -q '^Failure: ' "$TMP/err" || ! grep -qF -- "$text" "$TMP/err"; then
    fail "$name: buf's message does not say '$text'" "$(cat "$TMP/err")"
  elif [ "$after" != "$before" ]; then
    fail "$name: buf refused it but the server logged a call ($before -> $after)"
  else
    pass "$name: refused by buf before sending: $(head -c 200 "$TMP/err")"
  fi
}

# server_refuses NAME METHOD BODY CODE TEXT: buf sends BODY; the server answers CODE (buf's
# lower-case name, e.g. invalid_argument) with a message containing TEXT.
server_refuses() {
  local name="$1" method="$2" body="$3" want_code="$4" text="$5"
  local before after code=0 verdict
  before="$(calls_logged)"
  bufcurl -d "$body" "$SVC/$method" >"$TMP/out" 2>"$TMP/err" || code=$?
  after="$(calls_logged)"
  if [ "$code" -eq 0 ] || [ "$code" -eq 1 ]; then
    fail "$name: buf exited $code, expected the server's error" "$(cat "$TMP/out" "$TMP/err")"
    return
  fi
  # buf prints the error as JSON on stderr: {"code": "...", "message": "..."}.
  verdict="$(node -e '
    const [file, want, text] = process.argv.slice(1);
    let e;
    try { e = JSON.parse(require("fs").readFileSync(file, "utf8")); }
    catch (x) { console.log("not JSON"); process.exit(0); }
    if (e.code !== want) console.log(`code ${e.code}, expected ${want}`);
    else if (!(e.message || "").includes(text)) console.log(`message does not contain "${text}"`);
    else if (e.message.length > 1024) console.log(`message of ${e.message.length} characters`);
    else console.log("ok");' "$TMP/err" "$want_code" "$text")"
  if [ "$verdict" != "ok" ]; then
    fail "$name: $verdict" "$(head -c 1000 "$TMP/err")"
  elif [ "$after" -le "$before" ]; then
    fail "$name: the server answered but logged no call"
  else
    pass "$name: refused by the server: $(node -e '
      console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).message)' \
      "$TMP/err")"
  fi
}

# ---- bodies ----------------------------------------------------------------------------------------
# A valid EstimateCourse around a changed insurance object, and a readiness check around changed
# documentation (dated before a fixed as_of_date, so the test does not depend on today).
estimate_with_insurance() {
  printf '{"clinicId":"riverbend","courseStartDate":"2026-12-14","course":{"treatment":"TREATMENT_TMS"},"coverage":{"insurance":{"payerId":"medicare","planId":"part_b","network":"NETWORK_IN_NETWORK"%s}}}' "$1"
}
readiness_with() {
  printf '{"payerId":"aetna","planId":"open_access_ppo","treatment":"TREATMENT_TMS","documentation":{"asOfDate":"2026-11-20"%s}}' "$1"
}
met() { estimate_with_insurance ",\"metSoFar\":{\"deductibleMetCents\":$1}"; }

# ---- wrong types and impossible numbers: buf's JSON mapping refuses them -----------------------------
client_refuses "a word for int64 cents" EstimateCourse "$(met '"abc"')" \
  'invalid value for int64 field deductibleMetCents: "abc"'
client_refuses '"NaN" for int64 cents' EstimateCourse "$(met '"NaN"')" \
  'invalid value for int64 field deductibleMetCents: "NaN"'
client_refuses '"Infinity" for int64 cents' EstimateCourse "$(met '"Infinity"')" \
  'invalid value for int64 field deductibleMetCents: "Infinity"'
client_refuses '"1e400" (string) for int64 cents' EstimateCourse "$(met '"1e400"')" \
  'invalid value for int64 field deductibleMetCents: "1e400"'
client_refuses '1e400 (number) for int64 cents' EstimateCourse "$(met '1e400')" \
  'invalid value for int64 field deductibleMetCents: 1e400'
client_refuses '2^63 for int64 cents' EstimateCourse "$(met '"9223372036854775808"')" \
  'invalid value for int64 field deductibleMetCents: "9223372036854775808"'
client_refuses '2^64 (number) for int64 cents' EstimateCourse "$(met '18446744073709551616')" \
  'invalid value for int64 field deductibleMetCents: 18446744073709551616'
client_refuses '-2^63-1 for int64 cents' EstimateCourse "$(met '"-9223372036854775809"')" \
  'invalid value for int64 field deductibleMetCents: "-9223372036854775809"'
client_refuses '12.5 for int64 cents' EstimateCourse "$(met '12.5')" \
  'invalid value for int64 field deductibleMetCents: 12.5'
client_refuses '"NaN" for int32 basis points' EstimateCourse \
  "$(estimate_with_insurance ',"verifiedBenefits":{"coinsuranceBp":"NaN"}')" \
  'invalid value for int32 field coinsuranceBp: "NaN"'
client_refuses '2^32 for int32 age' CheckPriorAuthReadiness "$(readiness_with ',"ageYears":4294967296')" \
  'invalid value for int32 field ageYears: 4294967296'
client_refuses 'an enum name that does not exist' EstimateCourse \
  "$(printf '{"clinicId":"riverbend","coverage":{"insurance":{"payerId":"medicare","planId":"part_b","network":"NETWORK_BOGUS"}}}')" \
  'invalid value for enum field network: "NETWORK_BOGUS"'
client_refuses 'a number for a string (date)' CheckPriorAuthReadiness \
  '{"payerId":"aetna","planId":"open_access_ppo","documentation":{"asOfDate":20261120}}' \
  'invalid value for string field asOfDate: 20261120'
client_refuses '"yes" for a bool' CheckPriorAuthReadiness \
  "$(readiness_with ',"takesOralAntidepressant":"yes"')" \
  'invalid value for bool field takesOralAntidepressant: "yes"'
# buf's message gives the position of the token, not the field's name.
client_refuses 'an object where a list is expected' CheckPriorAuthReadiness \
  "$(readiness_with ',"diagnosisCodes":{"F33.2":true}')" 'syntax error (line 1:'
client_refuses 'a list where an object is expected' CheckPriorAuthReadiness \
  '{"payerId":"aetna","planId":"open_access_ppo","documentation":[1,2]}' 'unexpected token ['
client_refuses 'an object where a list is expected (CompareTreatments courses)' CompareTreatments \
  '{"clinicId":"riverbend","courses":{"treatment":"TREATMENT_TMS"}}' 'unexpected token {'
client_refuses 'a field the API does not have' CheckPriorAuthReadiness \
  '{"payerId":"aetna","planId":"open_access_ppo","patientName":"x"}' 'unknown field "patientName"'
client_refuses 'a field given twice' CheckPriorAuthReadiness \
  '{"payerId":"aetna","planId":"open_access_ppo","payerId":"cigna"}' 'duplicate field "payerId"'
client_refuses 'ListPayers with a field' ListPayers '{"payer":"aetna"}' 'unknown field "payer"'
client_refuses 'lists nested 10,000 deep' CheckPriorAuthReadiness \
  "$(readiness_with ",\"diagnosisCodes\":$(printf '%*s' 10000 '' | tr ' ' '[')$(printf '%*s' 10000 '' | tr ' ' ']')")" \
  'exceeded max depth'
client_refuses 'not JSON at all' EstimateCourse '{"clinicId":' 'unexpected EOF'

# ---- what JSON can say and the server must refuse ------------------------------------------------------
server_refuses '2^63-1 (the largest int64) cents' EstimateCourse "$(met '"9223372036854775807"')" \
  invalid_argument 'coverage.insurance.met_so_far.deductible_met_cents: 9223372036854775807 cents is over'
server_refuses '-2^63 cents' EstimateCourse "$(met '"-9223372036854775808"')" \
  invalid_argument 'coverage.insurance.met_so_far.deductible_met_cents: -9223372036854775808 is negative'
server_refuses '2^31-1 basis points' EstimateCourse \
  "$(estimate_with_insurance ',"verifiedBenefits":{"coinsuranceBp":2147483647}')" \
  invalid_argument 'coverage.insurance.verified_benefits.coinsurance_bp: 2147483647 is over 10000'
# protojson reads 1e3 as the integer 1000 and "-5" as -5.
server_refuses '1e3 (exponent notation) for an age' CheckPriorAuthReadiness \
  "$(readiness_with ',"ageYears":1e3')" invalid_argument 'documentation.age_years: 1000 is outside 0-130'
server_refuses '"-5" (a string) for an age' CheckPriorAuthReadiness \
  "$(readiness_with ',"ageYears":"-5"')" invalid_argument 'documentation.age_years: -5 is outside 0-130'
# An enum number the API does not define is passed through (proto3 enums are open).
server_refuses 'enum number 42 for network' EstimateCourse \
  "$(printf '{"clinicId":"riverbend","courseStartDate":"2026-12-14","course":{"treatment":"TREATMENT_TMS"},"coverage":{"insurance":{"payerId":"medicare","planId":"part_b","network":42}}}')" \
  invalid_argument 'coverage.insurance.network: unknown value 42'
server_refuses 'enum number -1 for treatment' CheckPriorAuthReadiness \
  '{"payerId":"aetna","planId":"open_access_ppo","treatment":-1}' invalid_argument 'treatment: unknown value -1'
server_refuses 'enum number 99 in a list of enums' CheckPriorAuthReadiness \
  "$(readiness_with ',"contraindicationScreening":{"present":["CONTRAINDICATION_PSYCHOSIS",99]}')" \
  invalid_argument 'documentation.contraindication_screening.present[1]: unknown value 99'
server_refuses 'null for a required id (read as absent)' EstimateCourse \
  '{"clinicId":null,"courseStartDate":"2026-12-14"}' invalid_argument 'clinic_id: is required'
server_refuses 'an empty object' CompareTreatments '{}' invalid_argument 'clinic_id: is required'
server_refuses 'an empty date' EstimateCourse \
  "$(printf '{"clinicId":"riverbend","courseStartDate":"","course":{"treatment":"TREATMENT_TMS"},"coverage":{"selfPay":{}}}')" \
  invalid_argument "course_start_date: '' is empty"
server_refuses 'a date 8000 years ahead' CheckPriorAuthReadiness \
  '{"payerId":"aetna","planId":"open_access_ppo","treatment":"TREATMENT_TMS","plannedStartDate":"9999-12-31"}' \
  invalid_argument "planned_start_date: '9999-12-31' is outside the years 2000-2099"
server_refuses '"NaN mg" as a dose' CheckPriorAuthReadiness \
  "$(readiness_with ',"antidepressantHistory":{"trials":[{"drug":"sertraline","dailyDose":"NaN mg"}]}')" \
  invalid_argument "documentation.antidepressant_history.trials[0].daily_dose: 'NaN mg' does not start with a number"
server_refuses 'four courses to compare' CompareTreatments \
  "$(printf '{"clinicId":"riverbend","courseStartDate":"2026-12-14","coverage":{"selfPay":{}},"courses":[%s]}' \
     '{"treatment":"TREATMENT_TMS"},{"treatment":"TREATMENT_TMS"},{"treatment":"TREATMENT_TMS"},{"treatment":"TREATMENT_TMS"}')" \
  invalid_argument 'courses: 4 courses; at most 3'

# Big bodies go through files: one command-line argument is limited to 128 KiB.
node -e 'process.stdout.write(JSON.stringify({clinicId: "a".repeat(900000)}))' >"$TMP/900k.json"
node -e 'process.stdout.write(JSON.stringify({clinicId: "a".repeat(1200000)}))' >"$TMP/1200k.json"
node -e '
  const codes = Array(100000).fill("F33.2");
  process.stdout.write(JSON.stringify({payerId: "aetna", planId: "open_access_ppo",
    treatment: "TREATMENT_TMS", documentation: {asOfDate: "2026-11-20", diagnosisCodes: codes}}));' \
  >"$TMP/100k_codes.json"
server_refuses 'a 900 KB clinicId' EstimateCourse "@$TMP/900k.json" invalid_argument \
  'clinic_id: is 900000 characters; ids are at most 64'
server_refuses '100,000 diagnosis codes' CheckPriorAuthReadiness "@$TMP/100k_codes.json" \
  invalid_argument 'documentation.diagnosis_codes: 100000 entries; at most 50'
# Over the 1 MiB receive limit gRPC refuses the message itself, before the handler: no call is
# logged, so this one is checked here rather than with server_refuses.
code=0
bufcurl -d "@$TMP/1200k.json" "$SVC/EstimateCourse" >"$TMP/out" 2>"$TMP/err" || code=$?
if [ "$code" -ne 0 ] && grep -q '"code": "resource_exhausted"' "$TMP/err" &&
   grep -q 'Received message larger than max (1200004 vs. 1048576)' "$TMP/err"; then
  pass "a 1.2 MB clinicId: resource_exhausted from gRPC ($(grep -o 'Received[^"]*' "$TMP/err"))"
else
  fail "a 1.2 MB clinicId was not refused with resource_exhausted" "$(cat "$TMP/err")"
fi

# ---- the server is still up and answers correctly --------------------------------------------------
if out="$(bufcurl -d '{"service":"estimator.v1.EstimatorService"}' "$URL/grpc.health.v1.Health/Check" 2>&1)" &&
   node -e 'process.exit(JSON.parse(process.argv[1]).status === "SERVING" ? 0 : 1)' "$out"; then
  pass "health is SERVING after the hostile JSON"
else
  fail "health is not SERVING after the hostile JSON" "$out"
fi
GOOD="$(estimate_with_insurance '')"
if out="$(bufcurl -d "$GOOD" "$SVC/EstimateCourse" 2>&1)" &&
   node -e '
     const e = JSON.parse(process.argv[1]).estimate;
     const lines = e.lines || [];
     const sum = lines.reduce((s, l) => s + BigInt(l.patientCents || "0"), 0n);
     process.exit(e.totals.sessionsScheduled > 0 && sum === BigInt(e.totals.patientCents || "0") ? 0 : 1)' "$out"; then
  pass "a normal EstimateCourse still answers, its totals the sum of its lines"
else
  fail "a normal EstimateCourse fails after the hostile JSON" "$(echo "$out" | head -c 1000)"
fi

finish_e2e
