// Semantic checks of parsed rule files, run before anything is served: required fields, money and
// percentage ranges, dates, duplicate ids, dangling protocol references, effective-date gaps and
// overlaps between versions of a plan, and sessions that no fee or price would match.
// Each problem is reported as `file:line:column: what is wrong, and how to fix it`.
#ifndef ESTIMATOR_RULES_RULE_VALIDATOR_H_
#define ESTIMATOR_RULES_RULE_VALIDATOR_H_

#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "service/rules/rule_files.h"

namespace estimator {

// The dates of one plan file, parsed once while validating it, for the rule set to use.
struct PlanDates {
  absl::CivilDay effective_from;
  std::optional<absl::CivilDay> effective_to;
  std::optional<absl::CivilDay> amounts_published_through;
};

// OK, or INVALID_ARGUMENT whose message has one line per problem, in file order. When OK and
// `plan_dates` is given, it holds each plan file's dates, in the order of files.plans.
absl::Status ValidateRuleFiles(const RuleFiles& files,
                               std::vector<PlanDates>* plan_dates = nullptr);

}  // namespace estimator

#endif  // ESTIMATOR_RULES_RULE_VALIDATOR_H_
