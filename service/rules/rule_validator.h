// Semantic checks of parsed rule files, run before anything is served: required fields, money and
// percentage ranges, dates, duplicate ids, dangling protocol references, effective-date gaps and
// overlaps between versions of a plan, and sessions that no fee or price would match.
// Each problem is reported as `file:line:column: what is wrong, and how to fix it`.
#ifndef ESTIMATOR_RULES_RULE_VALIDATOR_H_
#define ESTIMATOR_RULES_RULE_VALIDATOR_H_

#include "absl/status/status.h"
#include "service/rules/rule_files.h"

namespace estimator {

// OK, or INVALID_ARGUMENT whose message has one line per problem, in file order.
absl::Status ValidateRuleFiles(const RuleFiles& files);

}  // namespace estimator

#endif  // ESTIMATOR_RULES_RULE_VALIDATOR_H_
