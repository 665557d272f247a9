#!/usr/bin/env bash
# End-to-end test of the offline rule checker, `estimator check` (no server).
#
#   tests/e2e/rule_check_test.sh BUILD/estimator REPO_ROOT
#
# 1. The bundled rules in payer_rules/ validate and every rule test in payer_rules/tests/ passes
#    (exit 0, "OK: N of N rule tests passed").
# 2. Every broken rule file in tests/testdata/invalid/ is put into a copy of tests/testdata/rules/
#    (under plans/, or catalogs/ for the catalog_* ones) and every broken rule-test file in tests/testdata/invalid_rule_tests/ under its
#    tests/: the checker must exit 1 and print a line starting with the file's path and the line
#    marked "# expect-error: <message>" in it, containing that message.
# 3. --policy prints one plan's policy; usage mistakes exit 2.
# Prints "rule check e2e: N checks passed".
set -euo pipefail
[ "$#" -eq 2 ] || { echo "usage: $0 ESTIMATOR_CLI REPO_ROOT" >&2; exit 2; }
CLI="$1" ROOT="$2"
[ -x "$CLI" ] || { echo "rule check e2e: FAIL: '$CLI' is not executable" >&2; exit 1; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/estimator_rule_check.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*" >&2; }

# ---- 1. the bundled rules --------------------------------------------------------------------------
set +e
"$CLI" check --rules_dir="$ROOT/payer_rules" >"$TMP/bundled.out" 2>&1
status=$?
set -e
if [ "$status" -eq 0 ]; then pass; else fail "bundled rules: exit $status"; cat "$TMP/bundled.out" >&2; fi
summary="$(tail -n 1 "$TMP/bundled.out")"
if [[ "$summary" =~ ^OK:\ ([0-9]+)\ of\ ([0-9]+)\ rule\ tests\ passed ]] &&
   [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] && [ "${BASH_REMATCH[1]}" -ge 21 ]; then
  pass
else
  fail "bundled rules: want 'OK: N of N rule tests passed' with N >= 21 (3 per plan), got '$summary'"
fi
# Which clinics can issue Good Faith Estimates: both bundled clinics (they have provider_identity);
# the test rules' clinic has none, and the checker says so with its file.
for clinic in riverbend lakeshore; do
  if grep -q "^  $clinic: can issue Good Faith Estimates (.*NPI [0-9]\{10\})" "$TMP/bundled.out"; then pass
  else fail "bundled rules: no 'can issue Good Faith Estimates' line for $clinic"; fi
done
"$CLI" check --rules_dir="$ROOT/tests/testdata/rules" >"$TMP/test_rules.out" 2>&1 || true
if grep -q "^  test_clinic (clinics/test_clinic.textproto): cannot issue Good Faith Estimates: it has no provider_identity" "$TMP/test_rules.out"; then pass
else fail "test rules: want 'cannot issue Good Faith Estimates' for test_clinic"; fi
# Every loaded plan has at least three tests ("Tests per plan: aetna/open_access_ppo 6, ...").
per_plan="$(grep '^Tests per plan: ' "$TMP/bundled.out" | sed 's/^Tests per plan: //')"
plans=0
IFS=',' read -ra entries <<<"$per_plan"
for entry in "${entries[@]}"; do
  read -r plan n <<<"$entry"
  plans=$((plans + 1))
  if [ "$n" -ge 3 ]; then pass; else fail "only $n rule tests quote $plan (want 3 or more)"; fi
done
if [ "$plans" -ge 7 ]; then pass; else fail "$plans plans in payer_rules/, want at least 7"; fi
# The unverified facts are listed for maintainers: a count, and each fact under its file, the same
# number as the files' unverified_facts lines.
listed="$(grep -c '^    - ' "$TMP/bundled.out" || true)"
in_files="$(cat "$ROOT"/payer_rules/*/*.textproto | grep -c '^unverified_facts: ' || true)"
if grep -qE "^Unverified facts \(for maintainers; never shown in answers\): $in_files facts in [0-9]+ files$" \
     "$TMP/bundled.out" && [ "$listed" = "$in_files" ] && [ "$in_files" -gt 0 ]; then
  pass
else
  fail "want every unverified fact listed ($in_files in the files, $listed listed)"
fi
if grep -qF '  plans/medi_cal_2026.textproto (' "$TMP/bundled.out"; then pass; else
  fail "Medi-Cal's unverified facts are not listed under its file"; fi

# ---- 2. every broken sample is reported at its marked line ------------------------------------------
check_sample() {  # FILE SUBDIR
  local file="$1" subdir="$2" name line message dir out status
  name="$(basename "$file")"
  line="$(grep -n '# expect-error: ' "$file" | head -n 1 | cut -d: -f1)"
  message="$(grep -o '# expect-error: .*' "$file" | head -n 1 | sed 's/^# expect-error: //')"
  if [ -z "$line" ]; then fail "$name has no '# expect-error:' marker"; return; fi
  dir="$TMP/rules_$name"
  cp -r "$ROOT/tests/testdata/rules" "$dir"
  mkdir -p "$dir/$subdir"
  cp "$file" "$dir/$subdir/$name"
  set +e
  out="$("$CLI" check --rules_dir="$dir" 2>&1)"
  status=$?
  set -e
  if [ "$status" -ne 1 ]; then fail "$name: exit $status, want 1"; echo "$out" >&2; return; fi
  if echo "$out" | sed 's/^ *//' | grep -F -- "$subdir/$name:$line:" | grep -qF -- "$message"; then
    pass
  else
    fail "$name: want a line starting '$subdir/$name:$line:' containing '$message'; got:"
    echo "$out" >&2
  fi
}
samples=0
for f in "$ROOT"/tests/testdata/invalid/*.textproto; do
  case "$(basename "$f")" in
    catalog_*) check_sample "$f" catalogs ;;  # a second drug catalog, as rule_validator_test adds it
    *) check_sample "$f" plans ;;
  esac
  samples=$((samples + 1))
done
for f in "$ROOT"/tests/testdata/invalid_rule_tests/*.textproto; do check_sample "$f" tests; samples=$((samples + 1)); done
if [ "$samples" -ge 30 ]; then pass; else fail "only $samples broken samples found"; fi

# ---- 3. the policy summary and usage errors ------------------------------------------------------------
set +e
"$CLI" check --rules_dir="$ROOT/payer_rules" --policy=medicare/part_b --date=2025-06-02 >"$TMP/policy.out" 2>&1
status=$?
set -e
if [ "$status" -eq 0 ]; then pass; else fail "--policy: exit $status"; cat "$TMP/policy.out" >&2; fi
for want in "Version in effect on 2025-06-02: 2025-01-01 to 2025-12-31, file plans/medicare_part_b_2025.textproto" \
            "In network: deductible \$257.00 a plan year" \
            "TMS: COVERED, no prior authorization" \
            "IV ketamine: NOT COVERED"; do
  if grep -qF -- "$want" "$TMP/policy.out"; then pass; else fail "--policy output lacks '$want'"; fi
done
expect_exit() {  # CODE ARGS...
  local want="$1" status
  shift
  set +e
  "$CLI" "$@" >"$TMP/usage.out" 2>&1
  status=$?
  set -e
  if [ "$status" -eq "$want" ]; then pass; else fail "estimator $*: exit $status, want $want"; fi
}
expect_exit 2 check --rules_dir="$TMP/does_not_exist"
expect_exit 2 check --rules_dir="$ROOT/payer_rules" --policy=medicare
expect_exit 2 check --rules_dir="$ROOT/payer_rules" --policy=medicare/part_b --date=2025-02-30
expect_exit 1 check --rules_dir="$ROOT/payer_rules" --policy=medicare/part_c
expect_exit 2 check --rules_dir="$ROOT/payer_rules" --clinic=riverbend
expect_exit 1 check --rules_dir="$ROOT/tests/testdata/broken_rules"

echo "rule check e2e: $PASSED checks passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
