// Rule tests as data (payer_rules/tests/*.textproto, schema rule_tests.proto): reading them with
// `file:line:column` errors, and running each scenario through the same engine the server uses,
// without a server. A test passes when every expectation it writes matches.
//
//   absl::StatusOr<std::vector<RuleFile<v1::RuleTestFile>>> files = ReadRuleTests("payer_rules");
//   RuleTestResult r = RunRuleTest(*rules, file, 0);  // r.failures empty: passed
#ifndef ESTIMATOR_TOOLS_RULE_TESTS_H_
#define ESTIMATOR_TOOLS_RULE_TESTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "estimator/v1/readiness.pb.h"
#include "estimator/v1/rule_tests.pb.h"
#include "service/rules/rule_files.h"
#include "service/rules/rule_set.h"

namespace estimator {

// Parses every *.textproto in `rules_dir`/tests (sorted) and checks each test's own fields (name,
// description, today, request, at least one expectation). All problems of all files are reported
// together as INVALID_ARGUMENT, one `tests/file.textproto:line:column: message` line each.
absl::StatusOr<std::vector<RuleFile<v1::RuleTestFile>>> ReadRuleTests(const std::string& rules_dir);

struct RuleTestResult {
  std::string file;  // as shown, e.g. "tests/medicare_part_b_test.textproto"
  std::string name;
  // One `path:line:column: what differs` line per unmet expectation; empty when the test passed.
  std::vector<std::string> failures;
};

// Runs test `index` of `file` against `rules`, in process, judged on the test's `today`.
RuleTestResult RunRuleTest(const RuleSet& rules, const RuleFile<v1::RuleTestFile>& file, int index);

// What a test's scenario produced, however it was run (in process, or through a server).
struct RuleTestOutcome {
  absl::StatusOr<v1::EstimateCourseResponse> estimate;
  // Present when the test expects readiness answers (see ChecksReadiness).
  std::optional<absl::StatusOr<v1::CheckPriorAuthReadinessResponse>> readiness;
};

// Whether the test expects readiness answers, and the readiness request it implies: the same
// payer, plan, treatment, course start (as planned_start_date) and documentation.
bool ChecksReadiness(const v1::RuleTest& test);
v1::CheckPriorAuthReadinessRequest ReadinessRequestOf(const v1::RuleTest& test);

// Compares an outcome with test `index`'s expectations.
RuleTestResult JudgeRuleTest(const RuleFile<v1::RuleTestFile>& file, int index,
                             const RuleTestOutcome& outcome);

}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_RULE_TESTS_H_
