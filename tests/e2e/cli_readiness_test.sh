#!/usr/bin/env bash
# End-to-end test of the front-desk command `estimator readiness` against the real server.
#
#   tests/e2e/cli_readiness_test.sh BUILD/estimator_server BUILD/estimator REPO_ROOT
#
# Starts the server on 127.0.0.1:0 with the bundled rules, runs the command with patient
# documentation from tests/testdata/documentation/ and checks its exit code and the summary,
# verdict, criterion and checklist lines it prints; then --json (parsed with python3), and the exit
# codes for a malformed file (2, usage), a missing file (2) and an out-of-range score (1, the call
# failed). Prints "cli readiness e2e: N checks passed".
set -euo pipefail
[ "$#" -eq 3 ] || { echo "usage: $0 ESTIMATOR_SERVER ESTIMATOR_CLI REPO_ROOT" >&2; exit 2; }
SERVER="$1" CLI="$2" ROOT="$3"
DOCS="$ROOT/tests/testdata/documentation"
for binary in "$SERVER" "$CLI"; do
  if [ ! -x "$binary" ]; then
    echo "cli readiness e2e: FAIL: '$binary' is not executable" >&2
    exit 1
  fi
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/estimator_cli_readiness.XXXXXX")"
SERVER_PID=""
PASSED=0
FAILED=0

# On exit: stop the server if it still runs (SIGTERM, SIGKILL after 10 s), show its log on failure.
finish() {
  local status=$?
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    timeout 10 tail --pid="$SERVER_PID" -f /dev/null || kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ]; then
    echo "---- estimator_server stderr ----" >&2
    cat "$TMP/server.stderr" >&2 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit "$status"
}
trap finish EXIT

# result ok|FAIL WHAT [FILE]: prints and counts one check; a failure shows the start of FILE.
result() {
  echo "$1: $2"
  if [ "$1" = ok ]; then
    PASSED=$((PASSED + 1))
  else
    FAILED=$((FAILED + 1))
    [ -z "${3:-}" ] || head -c 4000 "$3"
  fi
}

"$SERVER" --rules_dir="$ROOT/payer_rules" --listen=127.0.0.1:0 --plaintext --port_file="$TMP/port" --quote_store="sqlite:$TMP/quotes.db" \
  >"$TMP/server.stdout" 2>"$TMP/server.stderr" &
SERVER_PID=$!
for _ in $(seq 1 200); do  # the port file appears (by rename) within 10 s
  [ -s "$TMP/port" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "cli readiness e2e: FAIL: the server exited" >&2; exit 1; }
  sleep 0.05
done
[ -s "$TMP/port" ] || { echo "cli readiness e2e: FAIL: no port file after 10 s" >&2; exit 1; }
SERVER_ADDRESS="127.0.0.1:$(tr -d '[:space:]' <"$TMP/port")"

# readiness NAME FILE [flags...]: runs the command for Aetna's Spravato policy; output in $TMP/NAME.out
# and $TMP/NAME.err, exit code in $CODE.
readiness() {
  local name="$1" file="$2"
  shift 2
  CODE=0
  timeout 30 "$CLI" readiness --server="$SERVER_ADDRESS" --payer=aetna --plan=open_access_ppo \
    --treatment=spravato --documentation="$file" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || CODE=$?
}

# expect NAME CODE PATTERN...: the exit code, then each extended regular expression matches a line.
expect() {
  local name="$1" code="$2"
  shift 2
  if [ "$CODE" -ne "$code" ]; then
    result FAIL "$name: exit code $CODE, expected $code" "$TMP/$name.err"
    return
  fi
  result ok "$name: exit code $code"
  for pattern in "$@"; do
    if grep -Eq -- "$pattern" "$TMP/$name.out" "$TMP/$name.err"; then
      result ok "$name: prints /$pattern/"
    else
      result FAIL "$name: nothing matches /$pattern/" "$TMP/$name.out"
    fi
  done
}

# ---- a patient who takes no oral antidepressant: Aetna would deny Spravato as it stands ----------
readiness not_ready "$DOCS/aetna_spravato_not_ready_no_oral_antidepressant.json"
expect not_ready 3 \
  '^Prior auth readiness: Spravato \(esketamine\), Aetna / Aetna Open Access PPO' \
  '^  Summary: +Prior auth not ready: 1 criterion not met \(An oral antidepressant' \
  '^  Coverage: +Covered by the plan, but a criterion is not met as documented \(covered\)$' \
  '^  Prior auth: +Not ready \(auth-needed\)$' \
  '^  Documentation needed: +Clinical and administrative \(clinical, admin\)$' \
  '^  As of: +2026-11-20$' \
  '^    NOT MET  An oral antidepressant taken alongside the treatment required; the patient takes none$' \
  '^  1\. \[clinical\] Current medication list showing an oral antidepressant the patient will keep' \
  '^  4\. \[admin\] Clinic.s SPRAVATO REMS healthcare-setting certification$' \
  '^  Request: +J0013 x [0-9]+ \(' \
  '^  Submit: +portal: Availity Essentials' \
  '^  Turnaround: +standard decision within 15 days'
# Names, never ids, in what a person reads (the ids stay in --json).
if grep -q 'oral_antidepressant_alongside\|aetna_spravato_initial' "$TMP/not_ready.out"; then
  result FAIL "not_ready: prints a criterion id" "$TMP/not_ready.out"
else
  result ok "not_ready: criteria named in words"
fi
# No letter of medical necessity for a patient who does not meet the criteria.
if grep -q 'Draft letter' "$TMP/not_ready.out"; then
  result FAIL "not_ready: prints a draft letter" "$TMP/not_ready.out"
else
  result ok "not_ready: no draft letter"
fi

# ---- a ready patient: only the precertification documents are left ------------------------------
readiness ready "$DOCS/spravato_ready.json"
expect ready 0 \
  '^  Summary: +Prior auth ready to submit: all 8 criteria met\. Include: Aetna Spravato$' \
  '^  Prior auth: +Ready to submit \(auth-needed\)$' \
  '^  Documentation needed: +Administrative \(admin\)$' \
  '^  1\. \[admin\] Aetna Spravato \(esketamine\) precertification request form \(completed and signed\)$' \
  '^  Approval: +6 months; renew by 20[0-9]{2}-[0-9]{2}-[0-9]{2}$' \
  '^  Draft letter of medical necessity:$' \
  '^    I am requesting prior authorization of Spravato \(esketamine\) for my patient'
if grep -q '\[clinical\]' "$TMP/ready.out"; then
  result FAIL "ready: lists clinical items to obtain" "$TMP/ready.out"
else
  result ok "ready: no clinical item to obtain"
fi

# A patient who could be covered once the criterion is met is never told "Not covered".
if grep -qi "not covered" "$TMP/not_ready.out"; then
  result FAIL "not_ready: says 'not covered' of a patient the plan covers on criteria" "$TMP/not_ready.out"
else
  result ok "not_ready: never says 'not covered'"
fi

# ---- IV ketamine, which the plan excludes: exit code 4, whatever the documentation --------------------
readiness excluded "$DOCS/spravato_ready.json" --treatment=ketamine
expect excluded 4 '^  Coverage: +Not covered \(not-covered\)$'

# ---- --json: the response as protobuf JSON ------------------------------------------------------
readiness json "$DOCS/aetna_spravato_not_ready_no_oral_antidepressant.json" --json
expect json 3
if python3 - "$TMP/json.out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
a = r["assessment"]
assert r["rule_set_version"], "rule_set_version is empty"
assert a["prior_auth"] == "PRIOR_AUTH_READINESS_NOT_READY", a["prior_auth"]
# Da Vinci CRD STU 2.2: covered (the plan covers Spravato; a criterion is unmet), auth-needed,
# clinical and admin documentation to go with the request; "both" no longer exists.
assert a["coverage"] == "COVERAGE_REQUIREMENT_CRITERIA_NOT_MET", a["coverage"]
crd = a["crd"]
assert crd["covered"] == "covered" and crd["pa_needed"] == "auth-needed", crd
assert crd["doc_needed"] == ["clinical", "admin"] and crd["doc_purpose"] == ["withpa"], crd
assert "info_needed" not in crd and crd["reason"] == a["summary"], crd
assert a["crd_covered"] == "covered" and a["crd_doc_needed"] == "clinical", a
assert a["summary"] == "Prior auth not ready: 1 criterion not met (An oral antidepressant taken alongside the treatment).", a["summary"]
p = a["request_packet"]
codes = [s["code"] for s in p["services"]]
assert codes[0] == "J0013" and "99214" in codes, codes
assert p["approval_period"] == "6 months" and p["routes"][0]["method"] == "portal", p
assert "draft_letter" not in p, "a letter for a patient who is not ready"
clinical = [i for i in a["checklist"] if i["kind"] == "DOCUMENTATION_KIND_CLINICAL"]
assert [i["criterion_id"] for i in clinical] == ["oral_antidepressant_alongside"], clinical
EOF
then
  result ok "json: parses, with the verdict, summary and checklist"
else
  result FAIL "json: not the expected JSON" "$TMP/json.out"
fi

# ---- bad files and bad documentation ---------------------------------------------------------------
printf '{"asOfDate": "2026-11-20", ' >"$TMP/malformed.json"
readiness malformed "$TMP/malformed.json"
expect malformed 2 '^error: --documentation: .*malformed\.json. is not a PatientDocumentation in JSON'

readiness missing "$TMP/no_such_file.json"
expect missing 2 '^error: --documentation: cannot read'

sed 's/"score": 19/"score": 30/' "$DOCS/spravato_ready.json" >"$TMP/phq9_30.json"
readiness out_of_range "$TMP/phq9_30.json"
expect out_of_range 1 "INVALID_ARGUMENT: documentation\.severity_scores\[0\]\.score: 30 is outside PHQ-9's range 0-27"

# ---- SIGTERM: a clean exit --------------------------------------------------------------------------
kill -TERM "$SERVER_PID"
CODE=0
wait "$SERVER_PID" || CODE=$?
SERVER_PID=""
if [ "$CODE" -eq 0 ]; then
  result ok "SIGTERM: the server exits with code 0"
else
  result FAIL "SIGTERM: the server exited with code $CODE"
fi

if [ "$FAILED" -ne 0 ]; then
  echo "cli readiness e2e: $FAILED checks FAILED, $PASSED passed" >&2
  exit 1
fi
echo "cli readiness e2e: $PASSED checks passed"
