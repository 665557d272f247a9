#!/usr/bin/env bash
# End-to-end test through @connectrpc/connect-web, the Connect client a patient portal would use in
# a browser (run here on Node's fetch), with descriptors read at run time from a FileDescriptorSet
# protoc makes from proto/ (no generated code). Each answer is compared with the gRPC answer to the
# same request (buf curl --protocol grpc).
#
#   tests/e2e/connect_web_test.sh BUILD/estimator_server REPO_ROOT
set -euo pipefail

E2E_NAME="connect-web e2e"
# shellcheck source=tests/e2e/buf_server.sh
source "$(dirname "${BASH_SOURCE[0]}")/buf_server.sh" "$@"

if [ ! -d "$ROOT/build/tools/node_modules/@connectrpc/connect-web" ]; then
  fail "@connectrpc/connect-web is not installed in build/tools (deploy/install-deps.sh)"
  finish_e2e
fi
protoc -I "$ROOT/proto" --include_imports --descriptor_set_out="$TMP/api.pb" \
  "$ROOT/proto/estimator/v1/estimator.proto" "$ROOT/proto/estimator/v1/quotes.proto"
web() {
  timeout 30 node "$ROOT/tests/e2e/connect_web_client.mjs" "$TMP/api.pb" "$HTTP_URL" "$@"
}
same_json='const [a, b] = process.argv.slice(1).map((t) => JSON.stringify(JSON.parse(t)));
           process.exit(a === b ? 0 : 1)'

COMPARE='{"clinicId": "riverbend",
  "coverage": {"insurance": {"payerId": "aetna", "planId": "open_access_ppo", "network": "NETWORK_IN_NETWORK"}},
  "courseStartDate": "2026-12-14", "view": "ESTIMATE_VIEW_SUMMARY"}'
ESTIMATE='{"clinicId": "riverbend",
  "coverage": {"insurance": {"payerId": "medicare", "planId": "part_b", "network": "NETWORK_IN_NETWORK"}},
  "courseStartDate": "2026-12-14", "course": {"treatment": "TREATMENT_TMS"}}'
for format in json binary; do
  for call in CompareTreatments:COMPARE EstimateCourse:ESTIMATE; do
    name="${call%%:*}"; variable="${call##*:}"; body="${!variable}"
    if over_grpc="$(bufcurl -d "$body" "$URL/estimator.v1.EstimatorService/$name" 2>&1)" &&
       over_web="$(web "estimator.v1.EstimatorService/$name" "$body" "$format" 2>&1)" &&
       node -e "$same_json" "$over_grpc" "$over_web"; then
      pass "$name through connect-web ($format) answers what gRPC answers"
    else
      fail "$name through connect-web ($format) differs from gRPC (or failed)" "$over_web"
    fi
  done
done

code=0
out="$(web estimator.v1.EstimatorService/EstimateCourse \
          "$(sed 's/2026-12-14/2026-02-30/' <<<"$ESTIMATE")")" || code=$?
if [ "$code" -eq 3 ] && grep -q "^error InvalidArgument course_start_date" <<<"$out"; then
  pass "an impossible date is a ConnectError InvalidArgument naming course_start_date"
else
  fail "an impossible date did not give InvalidArgument naming course_start_date (exit $code)" "$out"
fi

SAVE="{\"estimate\": $ESTIMATE, \"patientReference\": \"web-1\", \"channel\": \"QUOTE_CHANNEL_PATIENT_PORTAL\"}"
if saved="$(web estimator.v1.QuoteService/SaveQuote "$SAVE")" &&
   id="$(node -e 'console.log(JSON.parse(process.argv[1]).quote.quoteId)' "$saved")" &&
   read_back="$(bufcurl -d "{\"quoteId\": \"$id\"}" "$URL/estimator.v1.QuoteService/GetQuote" 2>&1)" &&
   node -e 'const [s, r] = process.argv.slice(1).map((t) => JSON.parse(t).quote);
            process.exit(JSON.stringify(s) === JSON.stringify(r) ? 0 : 1)' "$saved" "$read_back"; then
  pass "SaveQuote through connect-web reads back the same over gRPC"
else
  fail "SaveQuote through connect-web and GetQuote over gRPC disagree" "$saved"
fi

finish_e2e
