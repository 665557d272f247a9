#!/usr/bin/env bash
# End-to-end test of the billing team's command `estimator worklist` against the real server.
#
#   tests/e2e/cli_worklist_test.sh BUILD/estimator_server BUILD/estimator REPO_ROOT
#
# Starts the server on 127.0.0.1:0 with the bundled rules and runs the command on worklists made
# from deploy/examples/worklist.json (one patient per outcome and a bad row) and the charts of
# tests/testdata/documentation/, checking the rows, the summary and the exit code the usage text
# documents: 1 when any item has an error, else 3 when any is not ready or needs information, else
# 4 when any is not covered, else 0; --json (parsed with python3); 500 patients (the largest
# answer, above gRPC's default 4 MiB); and the refusals: 501 items and a repeated id (1, the call
# failed), a malformed or missing file and misplaced flags (2, usage). Prints
# "cli worklist e2e: N checks passed".
set -euo pipefail
[ "$#" -eq 3 ] || { echo "usage: $0 ESTIMATOR_SERVER ESTIMATOR_CLI REPO_ROOT" >&2; exit 2; }
CLI="$2"
E2E_NAME="cli worklist e2e"
# The server on a free port, pass / fail, finish_e2e (shared with the buf curl tests).
# shellcheck source=tests/e2e/buf_server.sh
source "$(dirname "${BASH_SOURCE[0]}")/buf_server.sh" "$1" "$3"
[ -x "$CLI" ] || { echo "$E2E_NAME: FAIL: '$CLI' is not executable" >&2; exit 1; }
EXAMPLE="$ROOT/deploy/examples/worklist.json"
DOCS="$ROOT/tests/testdata/documentation"
SERVER_ADDRESS="127.0.0.1:$PORT"

# worklist NAME FILE [flags...]: runs the command; output in $TMP/NAME.out and $TMP/NAME.err, exit
# code in $CODE.
worklist() {
  local name="$1" file="$2"
  shift 2
  CODE=0
  timeout 60 "$CLI" worklist --server="$SERVER_ADDRESS" --items="$file" "$@" \
    >"$TMP/$name.out" 2>"$TMP/$name.err" || CODE=$?
}

# expect NAME CODE PATTERN...: the exit code, then each extended regular expression matches a line.
expect() {
  local name="$1" code="$2"
  shift 2
  if [ "$CODE" -ne "$code" ]; then
    fail "$name: exit code $CODE, expected $code" "$(cat "$TMP/$name.err" "$TMP/$name.out")"
    return
  fi
  pass "$name: exit code $code"
  for pattern in "$@"; do
    if grep -Eq -- "$pattern" "$TMP/$name.out" "$TMP/$name.err"; then
      pass "$name: prints /$pattern/"
    else
      fail "$name: nothing matches /$pattern/" "$(cat "$TMP/$name.out")"
    fi
  done
}

# rows IN OUT ROW...: the worklist IN with only the listed rows (1-based), in that order.
rows() {
  python3 - "$@" <<'EOF'
import json, sys
source, target, rows = sys.argv[1], sys.argv[2], [int(r) for r in sys.argv[3:]]
items = json.load(open(source))["items"]
json.dump({"items": [items[r - 1] for r in rows]}, open(target, "w"))
EOF
}

# ---- the example: one patient per outcome and a bad row: exit 1 ----------------------------------
worklist example "$EXAMPLE"
expect example 1 \
  '^Item +Plan +Treatment +Verdict +First gap$' \
  '^row-1 +aetna/open_access_ppo +TMS +Ready to submit +-$' \
  '^row-2 +aetna/open_access_ppo +Spravato \(esketamine\) +Not ready +Current medication list' \
  '^row-3 +medicare/part_b +TMS +No prior auth needed +-$' \
  '^row-4 +medicare/part_b +TMS +Information needed +A PHQ-9 of 15 or more' \
  '^row-5 +aetna/open_access_ppo +IV ketamine +Not covered +Excluded \(Aetna CPB 0938' \
  '^row-6 +aetna/open_access_ppo +TMS +Error +items\[5\]\.request\.documentation\.age_years: 420 is outside 0-130 years$' \
  '^Summary: 6 patients: 1 ready to submit, 1 not ready, 1 information needed, 1 not covered, 1 no prior$' \
  '^auth needed, 1 error\.$' \
  '^Rules: version [0-9a-f]{12}$'
# The rows follow the file's order, one each.
if [ "$(grep -Ec '^row-[0-9] ' "$TMP/example.out")" -eq 6 ] &&
   [ "$(grep -Eo '^row-[0-9]' "$TMP/example.out" | tr '\n' ' ')" = "row-1 row-2 row-3 row-4 row-5 row-6 " ]; then
  pass "example: six rows in the file's order"
else
  fail "example: not six rows in order" "$(cat "$TMP/example.out")"
fi

# ---- exit codes: the worst outcome decides --------------------------------------------------------
rows "$EXAMPLE" "$TMP/not_ready.json" 1 2 3 5
worklist not_ready "$TMP/not_ready.json"
expect not_ready 3 '^Summary: 4 patients: 1 ready to submit, 1 not ready, 0 information needed, 1 not covered'
rows "$EXAMPLE" "$TMP/info.json" 4 1
worklist info "$TMP/info.json"
expect info 3 '^Summary: 2 patients: 1 ready to submit, 0 not ready, 1 information needed'
rows "$EXAMPLE" "$TMP/not_covered.json" 1 5 3
worklist not_covered "$TMP/not_covered.json"
expect not_covered 4 '^Summary: 3 patients: 1 ready to submit, 0 not ready, 0 information needed, 1 not covered, 1'
rows "$EXAMPLE" "$TMP/all_ready.json" 1 3
worklist all_ready "$TMP/all_ready.json"
expect all_ready 0 '^Summary: 2 patients: 1 ready to submit, 0 not ready, 0 information needed, 0 not covered, 1'

# ---- --json: the response, and the same exit code ---------------------------------------------------
worklist json "$EXAMPLE" --json
expect json 1
if python3 - "$TMP/json.out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["rule_set_version"], "rule_set_version is empty"
ids = [x["item_id"] for x in r["results"]]
assert ids == ["row-%d" % i for i in range(1, 7)], ids
assert r["results"][0]["assessment"]["prior_auth"] == "PRIOR_AUTH_READINESS_READY", r["results"][0]
err = r["results"][5]["error"]
assert err == {"code": 3, "message": "items[5].request.documentation.age_years: 420 is outside 0-130 years"}, err
s = r["summary"]
assert s == {"total": 6, "ready": 1, "not_ready": 1, "information_needed": 1, "not_covered": 1,
             "prior_auth_not_needed": 1, "errors": 1}, s
EOF
then
  pass "json: the response, each item and the summary"
else
  fail "json: not the expected JSON" "$(cat "$TMP/json.out")"
fi

# ---- 500 patients ready to submit: the largest answer (~6 MB) arrives ----------------------------
python3 - "$DOCS" "$TMP/ready500.json" <<'EOF'
import json, sys
docs, target = sys.argv[1], sys.argv[2]
tms = json.load(open(docs + "/aetna_tms_ready.json"))
spravato = json.load(open(docs + "/spravato_ready.json"))
items = [{"itemId": "p%d" % i,
          "request": {"payerId": "aetna", "planId": "open_access_ppo", "network": "NETWORK_IN_NETWORK",
                      "treatment": "TREATMENT_TMS" if i % 2 == 0 else "TREATMENT_SPRAVATO",
                      "documentation": tms if i % 2 == 0 else spravato}} for i in range(500)]
json.dump({"items": items}, open(target, "w"))
EOF
worklist ready500 "$TMP/ready500.json"
expect ready500 0 '^Summary: 500 patients: 500 ready to submit, 0 not ready' '^p499 +aetna/open_access_ppo'

# ---- refusals ----------------------------------------------------------------------------------------
python3 - "$TMP/ready500.json" "$TMP/too_many.json" <<'EOF'
import json, sys
items = json.load(open(sys.argv[1]))["items"]
items.append(dict(items[0], itemId="one-more"))
json.dump({"items": items}, open(sys.argv[2], "w"))
EOF
worklist too_many "$TMP/too_many.json"
expect too_many 1 '^error: INVALID_ARGUMENT: items: 501 items; at most 500 per call$'
rows "$EXAMPLE" "$TMP/repeated.json" 1 1
worklist repeated "$TMP/repeated.json"
expect repeated 1 '^error: INVALID_ARGUMENT: items\[1\]\.item_id: repeats items\[0\]\.item_id'
printf '{"items": [{"itemId": ' >"$TMP/malformed.json"
worklist malformed "$TMP/malformed.json"
expect malformed 2 "^error: --items: .*malformed\.json. is not a BatchCheckPriorAuthReadinessRequest in JSON"
worklist missing "$TMP/no_such_file.json"
expect missing 2 '^error: --items: cannot read'
worklist with_payer "$EXAMPLE" --payer=aetna
expect with_payer 2 '^error: --payer: does not apply to worklist'
CODE=0
"$CLI" readiness --server="$SERVER_ADDRESS" --payer=aetna --plan=open_access_ppo --treatment=tms \
  --documentation="$DOCS/aetna_tms_ready.json" --items="$EXAMPLE" >"$TMP/misplaced.out" 2>"$TMP/misplaced.err" || CODE=$?
expect misplaced 2 '^error: --items: applies to `worklist` only$'
# (Read from a file: grep -q would stop reading early, and pipefail count the writer's SIGPIPE.)
"$CLI" --help >"$TMP/help.out" 2>&1 || true
if grep -q '^  worklist ' "$TMP/help.out"; then
  pass "help: lists worklist"
else
  fail "help: no worklist" "$(cat "$TMP/help.out")"
fi
if grep -Eq '^exits 0 when every patient is ready to submit or needs no prior auth, 3 when any is not ready or$' "$TMP/help.out" &&
   grep -Eq '^needs information, 4 when any is not covered and none is in the former, and 1 when any item was$' "$TMP/help.out"; then
  pass "help: documents worklist's exit codes"
else
  fail "help: worklist's exit codes are not documented" "$(cat "$TMP/help.out")"
fi

# ---- the audit log: one line per call, counts only ---------------------------------------------------
sleep 0.3  # lines are written from a buffer at least every 100 ms
if grep -q 'method=BatchCheckPriorAuthReadiness .* items=6 ready=1 not_ready=1 info_needed=1 not_covered=1 no_prior_auth=1 errors=1 status=OK ' "$TMP/server.stderr" &&
   ! grep -q 'row-' "$TMP/server.stderr"; then
  pass "audit: the example's line carries its counts, no item id"
else
  fail "audit: no counts line for the example, or an item id logged" "$(cat "$TMP/server.stderr")"
fi

finish_e2e
