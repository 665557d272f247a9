#!/usr/bin/env bash
# A Good Faith Estimate as a patient gets it: issued through the real server by the command line,
# its page printed to PDF in headless Chromium, and the PDF's text (pdftotext) holding every
# element 45 CFR 149.610 requires, with a hostile patient name shown as plain text.
# Usage: gfe_pdf_test.sh SERVER_BINARY CLI_BINARY REPO_ROOT
set -euo pipefail
SERVER="$1"; CLI="$2"; ROOT="$3"
TMP="$(mktemp -d)"
"$SERVER" --rules_dir="$ROOT/payer_rules" --listen=127.0.0.1:0 --plaintext --port_file="$TMP/port" \
  --quote_store="sqlite:$TMP/quotes.db" >/dev/null 2>"$TMP/server.log" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
[ -s "$TMP/port" ] || { cat "$TMP/server.log" >&2; exit 1; }
E=("$CLI" --server="127.0.0.1:$(cat "$TMP/port")")

# Self-pay IV ketamine with 18 months of boosters: the estimate covers only the first 12 months.
NAME='Ana <script>alert(1)</script> Müller'
"${E[@]}" gfe --clinic=riverbend --self_pay --treatment=ketamine --start=2027-01-11 \
  --maintenance_months=18 --maintenance_frequency=monthly --patient_name="$NAME" \
  --birth_date=1979-04-30 --diagnoses=F33.2,F41.1 --scheduled_on="$(date -u +%F)" \
  --html_out="$TMP/gfe.html" >"$TMP/cli.txt"
grep -q "Printable Good Faith Estimate written to $TMP/gfe.html" "$TMP/cli.txt"
node "$ROOT/tests/e2e/print_to_pdf.mjs" "$TMP/gfe.html" "$TMP/gfe.pdf" "$TMP/gfe.png"
TEXT="$(pdftotext -enc UTF-8 "$TMP/gfe.pdf" - | tr -s ' \n' '  ')"

failures=0
expect() {
  if ! grep -qF -- "$1" <<<"$TEXT"; then echo "FAIL: the PDF does not say: $1" >&2; failures=$((failures + 1)); fi
}
expect "Good Faith Estimate for Health Care Items and Services"
expect "$NAME"                     # the hostile name, as text
expect "1979-04-30"
expect "IV ketamine: 6 infusions over 2 weeks, then monthly boosters"
expect "2027-01-11"                # the scheduled first session
expect "2028-01-10"                # the end of the 12 months covered
expect "A new Good Faith Estimate will be given"
expect "F33.2, F41.1"
expect "Riverbend Behavioral Health, LLC"
expect "1234567893"                # NPI
expect "00-1234567"                # TIN
expect "400 Riverbend Parkway, Suite 210"
expect "Riverbend, OH 43000"
expect "(555) 010-0142"
expect "96365"
expect "90792"
expect "Total expected charges"
expect "scheduled separately"
expect "Medical clearance"
expect "not included in this estimate"
expect "only an estimate"
expect "patient-provider dispute resolution process"
expect "\$400.00"
expect "120 days"
expect "1-800-985-3059"
expect "not a contract"
expect "within 3 business days of scheduling"   # at least 10 business days ahead
# The total the server computed, as printed by the command line, is the one on paper.
TOTAL="$(sed -n 's/^ *Expected: *//p' "$TMP/cli.txt")"
[ -n "$TOTAL" ] && expect "$TOTAL"
[ "$failures" -eq 0 ] || { echo "gfe_pdf_test: $failures element(s) missing" >&2; exit 1; }
[ -n "${GFE_PNG_OUT:-}" ] && cp "$TMP/gfe.png" "$GFE_PNG_OUT"
PAGES="$(pdfinfo "$TMP/gfe.pdf" | sed -n 's/^Pages: *//p')"
echo "gfe_pdf_test: every required element is in the printed PDF ($PAGES pages, total $TOTAL)"
