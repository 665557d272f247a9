#!/usr/bin/env bash
# End-to-end test through a client nobody on this project wrote: `buf curl`, which learns the API
# from the server's reflection service (no .proto files are given to it).
#
#   tests/e2e/buf_curl_test.sh BUILD/estimator_server REPO_ROOT
#
# Starts the server on 127.0.0.1:0 with the bundled rules, calls the health service,
# CompareTreatments, an invalid EstimateCourse and CheckPriorAuthReadiness with the example patient's
# JSON documentation, BatchCheckPriorAuthReadiness with the example worklist, saves and reads back a quote and issues a Good Faith Estimate through the
# quote service, checks the JSON answers with node; then the same calls over the Connect protocol
# (buf curl --protocol connect, HTTP/1.1) answer what gRPC answers; stops the server with SIGTERM and expects exit code 0. Prints "buf curl e2e: N checks passed".
set -euo pipefail

E2E_NAME="buf curl e2e"
# shellcheck source=tests/e2e/buf_server.sh
source "$(dirname "${BASH_SOURCE[0]}")/buf_server.sh" "$@"

# ---- reflection: the API is discoverable without .proto files ---------------------------------------
if services="$(bufcurl --list-services "$URL" 2>&1)" &&
   grep -qx "estimator.v1.EstimatorService" <<<"$services" &&
   grep -qx "grpc.health.v1.Health" <<<"$services"; then
  pass "reflection lists estimator.v1.EstimatorService and grpc.health.v1.Health"
else
  fail "reflection does not list the estimator and health services" "$services"
fi
# Listing methods needs every listed service's descriptors, the health service's included.
code=0
methods="$(bufcurl --list-methods "$URL" 2>&1)" || code=$?
if [ "$code" -eq 0 ] &&
   grep -qx "estimator.v1.EstimatorService/CompareTreatments" <<<"$methods" &&
   grep -qx "grpc.health.v1.Health/Check" <<<"$methods"; then
  pass "reflection describes the methods of every service"
else
  fail "buf curl --list-methods (exit $code) does not describe every service" "$methods"
fi

# ---- health ----------------------------------------------------------------------------------------
for service in "" "estimator.v1.EstimatorService"; do
  if out="$(bufcurl -d "{\"service\":\"$service\"}" "$URL/grpc.health.v1.Health/Check" 2>&1)" &&
     node -e 'process.exit(JSON.parse(process.argv[1]).status === "SERVING" ? 0 : 1)' "$out"; then
    pass "health of '$service' is SERVING"
  else
    fail "health of '$service' is not SERVING" "$out"
  fi
done

# ---- CompareTreatments, Medicare Part B, across the new year ----------------------------------------
COMPARE='{
  "clinicId": "riverbend",
  "coverage": {"insurance": {"payerId": "medicare", "planId": "part_b",
                             "network": "NETWORK_IN_NETWORK"}},
  "courseStartDate": "2026-12-14"
}'
if bufcurl -d "$COMPARE" "$URL/estimator.v1.EstimatorService/CompareTreatments" \
     >"$TMP/compare.json" 2>"$TMP/compare.err"; then
  pass "CompareTreatments answers"
  # Prints "ok: ..." or "FAIL: ..." per check; int64 fields are JSON strings, zero fields absent.
  CHECKS="$(cat <<'EOF'
const fs = require("fs");
const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const check = (ok, what) => console.log((ok ? "ok: " : "FAIL: ") + what);
const cents = (v) => BigInt(v ?? "0");
const estimates = r.estimates ?? [];
check(estimates.length === 3, `3 estimates (got ${estimates.length})`);
check(typeof r.ruleSetVersion === "string" && r.ruleSetVersion.length > 0, "ruleSetVersion is set");
const tms = estimates.find((e) => e.treatment === "TREATMENT_TMS");
check(tms !== undefined, "a TMS estimate");
if (tms) {
  const lines = tms.lines ?? [];
  const sessions = new Set(lines.map((l) => l.sessionNumber));
  check(sessions.size === 36 && tms.totals.sessionsScheduled === 36,
        `TMS has 36 sessions (lines ${sessions.size}, totals ${tms.totals.sessionsScheduled})`);
  check((tms.notices ?? []).some((n) => n.code === "PLAN_YEAR_CROSSED" && n.kind === "NOTICE_KIND_WARNING"),
        "TMS warns PLAN_YEAR_CROSSED");
  const years = (tms.planYearTotals ?? []).map((y) => y.planYearStart);
  check(JSON.stringify(years) === JSON.stringify(["2026-01-01", "2027-01-01"]),
        `TMS plan years 2026-01-01 and 2027-01-01 (got ${JSON.stringify(years)})`);
  const patient = lines.reduce((s, l) => s + cents(l.patientCents), 0n);
  check(patient === cents(tms.totals.patientCents),
        `TMS totals.patientCents ${tms.totals.patientCents} = sum of lines ${patient}`);
  const perYearOk = (tms.planYearTotals ?? []).every((y) =>
      lines.filter((l) => l.planYearStart === y.planYearStart)
           .reduce((s, l) => s + cents(l.patientCents), 0n) === cents(y.totals.patientCents));
  check(perYearOk, "TMS plan-year patientCents are the sums of their lines");
  // The Part B deductible ($283.00) starts over in 2027.
  const deductibles = (tms.planYearTotals ?? []).map((y) => cents(y.totals.deductibleCents));
  check(deductibles.length === 2 && deductibles.every((d) => d === 28300n),
        `TMS deductible 28300 in each plan year (got ${deductibles.join(", ")})`);
  // Codes name their description by index into billedItems (item 0 is absent from the JSON).
  const items = tms.billedItems ?? [];
  const codesOk = lines.every((l) => (l.codes ?? []).every((c) =>
      items[c.item ?? 0] !== undefined && items[c.item ?? 0].code === c.code));
  check(codesOk && items.some((i) => i.code === "90868" && i.description.length > 0),
        `TMS codes point at billedItems with the same code (${items.map((i) => i.code).join(", ")})`);
}
EOF
)"
  node -e "$CHECKS" "$TMP/compare.json" >"$TMP/checks.txt" 2>&1 || true
  while IFS= read -r line; do
    case "$line" in
      ok:*) pass "${line#ok: }" ;;
      FAIL:*) fail "${line#FAIL: }" ;;
      *) fail "unexpected output from the JSON checks" "$line" ;;
    esac
  done <"$TMP/checks.txt"
else
  fail "CompareTreatments failed" "$(cat "$TMP/compare.err")"
fi

# ---- an invalid request ----------------------------------------------------------------------------
INVALID='{
  "clinicId": "riverbend",
  "coverage": {"insurance": {"payerId": "medicare", "planId": "part_b",
                             "network": "NETWORK_IN_NETWORK",
                             "verifiedBenefits": {"coinsuranceBp": 12000}}},
  "courseStartDate": "2026-03-02",
  "course": {"treatment": "TREATMENT_TMS"}
}'
if out="$(bufcurl -d "$INVALID" "$URL/estimator.v1.EstimatorService/EstimateCourse" 2>&1)"; then
  fail "coinsurance 12000 was accepted" "$out"
elif grep -q "invalid_argument" <<<"$out" && grep -q "coinsurance_bp" <<<"$out"; then
  pass "coinsurance 12000 is invalid_argument naming coinsurance_bp"
else
  fail "coinsurance 12000 did not fail with invalid_argument naming coinsurance_bp" "$out"
fi

# ---- CheckPriorAuthReadiness from JSON documentation (deploy/examples) ------------------------------
DOC="$(cat "$ROOT/deploy/examples/patient_tms_ready.json")"
READINESS="{\"payerId\": \"aetna\", \"planId\": \"open_access_ppo\",
            \"treatment\": \"TREATMENT_SPRAVATO\", \"documentation\": $DOC}"
if out="$(bufcurl -d "$READINESS" "$URL/estimator.v1.EstimatorService/CheckPriorAuthReadiness" 2>&1)" &&
   node -e '
     const a = JSON.parse(process.argv[1]).assessment;
     const ok = a.priorAuth === "PRIOR_AUTH_READINESS_READY" && a.crdPaNeeded === "auth-needed" &&
                a.crdCovered === "covered" && a.summary.startsWith("Prior auth ready to submit") &&
                a.checklist.every((i) => i.kind === "DOCUMENTATION_KIND_ADMIN");
     process.exit(ok ? 0 : 1)' "$out"; then
  pass "CheckPriorAuthReadiness: Aetna Spravato is ready to submit for deploy/examples/patient_tms_ready.json"
else
  fail "CheckPriorAuthReadiness did not answer ready for the example patient" "$out"
fi
# A PHQ-9 of 30 is outside the scale: invalid_argument naming the field.
BAD_SCORE='{"payerId": "aetna", "planId": "open_access_ppo", "treatment": "TREATMENT_TMS",
  "documentation": {"asOfDate": "2026-11-20",
    "severityScores": [{"instrument": "SEVERITY_INSTRUMENT_PHQ9", "score": 30, "date": "2026-11-01"}]}}'
if out="$(bufcurl -d "$BAD_SCORE" "$URL/estimator.v1.EstimatorService/CheckPriorAuthReadiness" 2>&1)"; then
  fail "a PHQ-9 of 30 was accepted" "$out"
elif grep -q "invalid_argument" <<<"$out" && grep -q "documentation.severity_scores\[0\].score" <<<"$out"; then
  pass "a PHQ-9 of 30 is invalid_argument naming documentation.severity_scores[0].score"
else
  fail "a PHQ-9 of 30 did not fail with invalid_argument naming the field" "$out"
fi

# ---- BatchCheckPriorAuthReadiness: the example worklist (deploy/examples/worklist.json) --------------
BATCH="$(cat "$ROOT/deploy/examples/worklist.json")"
if out="$(bufcurl -d "$BATCH" "$URL/estimator.v1.EstimatorService/BatchCheckPriorAuthReadiness" 2>&1)" &&
   node -e '
     const r = JSON.parse(process.argv[1]);
     const ids = r.results.map((x) => x.itemId).join(",");
     const s = r.summary;
     const ok = ids === "row-1,row-2,row-3,row-4,row-5,row-6" &&
                r.results[0].assessment.priorAuth === "PRIOR_AUTH_READINESS_READY" &&
                r.results[5].error.code === 3 &&
                r.results[5].error.message.startsWith("items[5].request.documentation.age_years: ") &&
                s.total === 6 && s.ready === 1 && s.notReady === 1 && s.informationNeeded === 1 &&
                s.notCovered === 1 && s.priorAuthNotNeeded === 1 && s.errors === 1 &&
                r.ruleSetVersion.length > 0;
     process.exit(ok ? 0 : 1)' "$out"; then
  pass "BatchCheckPriorAuthReadiness: the example worklist, one result per row in order, the bad row its own error, the summary"
else
  fail "BatchCheckPriorAuthReadiness did not answer the example worklist as expected" "$out"
fi

# ---- saved quotes and a Good Faith Estimate, through the quote service --------------------------------
if out="$(bufcurl -d '{"service":"estimator.v1.QuoteService"}' "$URL/grpc.health.v1.Health/Check" 2>&1)" &&
   node -e 'process.exit(JSON.parse(process.argv[1]).status === "SERVING" ? 0 : 1)' "$out"; then
  pass "health of 'estimator.v1.QuoteService' is SERVING (its store is up)"
else
  fail "the quote service is not SERVING" "$out"
fi
SAVE='{"estimate": {"clinicId": "riverbend", "coverage": {"selfPay": {}}, "courseStartDate": "2027-01-11",
                   "course": {"treatment": "TREATMENT_IV_KETAMINE"}},
       "patientReference": "MRN-BUF-1", "channel": "QUOTE_CHANNEL_FRONT_DESK"}'
if saved="$(bufcurl -d "$SAVE" "$URL/estimator.v1.QuoteService/SaveQuote" 2>&1)" &&
   id="$(node -e 'const q = JSON.parse(process.argv[1]).quote;
                  if (!/^q_[a-z2-7]{26}$/.test(q.quoteId) || q.status !== "QUOTE_STATUS_ISSUED") process.exit(1);
                  console.log(q.quoteId)' "$saved")" &&
   read_back="$(bufcurl -d "{\"quoteId\": \"$id\"}" "$URL/estimator.v1.QuoteService/GetQuote" 2>&1)" &&
   node -e 'const a = JSON.parse(process.argv[1]).quote, b = JSON.parse(process.argv[2]).quote;
            process.exit(a.answerSha256 === b.answerSha256 &&
                         JSON.stringify(a.estimate) === JSON.stringify(b.estimate) &&
                         b.patientReference === "MRN-BUF-1" ? 0 : 1)' "$saved" "$read_back"; then
  pass "SaveQuote then GetQuote: the same answer and SHA-256 ($id)"
else
  fail "SaveQuote/GetQuote through buf curl" "${saved:-} ${read_back:-}"
fi
GFE='{"estimate": {"clinicId": "riverbend", "coverage": {"selfPay": {}}, "courseStartDate": "2027-01-11",
                  "course": {"treatment": "TREATMENT_IV_KETAMINE"}},
      "patient": {"name": "Jane Doe", "dateOfBirth": "1980-02-03"}, "diagnosisCodes": ["F33.2"],
      "channel": "QUOTE_CHANNEL_FRONT_DESK"}'
if out="$(bufcurl -d "$GFE" "$URL/estimator.v1.QuoteService/IssueGoodFaithEstimate" 2>&1)" &&
   node -e 'const g = JSON.parse(process.argv[1]).quote.goodFaithEstimate;
            const crypto = require("crypto");
            const sha = crypto.createHash("sha256").update(g.documentHtml, "utf8").digest("hex");
            process.exit(sha === g.documentSha256 && g.providers[0].npi === "1234567893" &&
                         g.disclaimers.length === 4 ? 0 : 1)' "$out"; then
  pass "IssueGoodFaithEstimate: the page's SHA-256 checks out, NPI and four disclaimers"
else
  fail "IssueGoodFaithEstimate through buf curl" "$out"
fi
if out="$(bufcurl -d "$(sed 's/selfPay": {}/insurance": {"payerId": "medicare", "planId": "part_b", "network": "NETWORK_IN_NETWORK"}/' <<<"$GFE")" \
            "$URL/estimator.v1.QuoteService/IssueGoodFaithEstimate" 2>&1)"; then
  fail "a GFE for an insured patient was issued" "$out"
elif grep -q "failed_precondition" <<<"$out" && grep -q "not in force" <<<"$out"; then
  pass "a GFE for an insured patient billing the plan is failed_precondition (not in force)"
else
  fail "a GFE for an insured patient did not fail as it should" "$out"
fi

# ---- the same API over the Connect protocol (HTTP/1.1), buf curl --protocol connect -----------------
# The same request answers the same JSON over both protocols.
same_json='const [a, b] = process.argv.slice(1).map((t) => JSON.stringify(JSON.parse(t)));
           process.exit(a === b ? 0 : 1)'
for method in CompareTreatments:COMPARE CheckPriorAuthReadiness:READINESS \
              BatchCheckPriorAuthReadiness:BATCH; do
  name="${method%%:*}"; variable="${method##*:}"; body="${!variable}"
  if over_grpc="$(bufcurl -d "$body" "$URL/estimator.v1.EstimatorService/$name" 2>&1)" &&
     over_connect="$(bufconnect -d "$body" "$HTTP_URL/estimator.v1.EstimatorService/$name" 2>&1)" &&
     node -e "$same_json" "$over_grpc" "$over_connect"; then
    pass "$name over Connect answers what gRPC answers"
  else
    fail "$name over Connect differs from gRPC (or failed)" "$over_connect"
  fi
done
if out="$(bufconnect -d "$INVALID" "$HTTP_URL/estimator.v1.EstimatorService/EstimateCourse" 2>&1)"; then
  fail "coinsurance 12000 was accepted over Connect" "$out"
elif grep -q "invalid_argument" <<<"$out" && grep -q "coinsurance_bp" <<<"$out"; then
  pass "over Connect, coinsurance 12000 is invalid_argument naming coinsurance_bp"
else
  fail "over Connect, coinsurance 12000 did not fail as over gRPC" "$out"
fi
# A quote saved over Connect is read back over gRPC with the same answer and hash.
if saved="$(bufconnect -d "$SAVE" "$HTTP_URL/estimator.v1.QuoteService/SaveQuote" 2>&1)" &&
   id="$(node -e 'console.log(JSON.parse(process.argv[1]).quote.quoteId)' "$saved")" &&
   read_back="$(bufcurl -d "{\"quoteId\": \"$id\"}" "$URL/estimator.v1.QuoteService/GetQuote" 2>&1)" &&
   node -e 'const [s, r] = process.argv.slice(1).map((t) => JSON.parse(t).quote);
            process.exit(JSON.stringify(s) === JSON.stringify(r) && s.answerSha256.length === 64 ? 0 : 1)' \
        "$saved" "$read_back"; then
  pass "SaveQuote over Connect, GetQuote over gRPC: the same quote"
else
  fail "SaveQuote over Connect and GetQuote over gRPC disagree" "$saved"
fi

finish_e2e
