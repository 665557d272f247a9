// One payer plan's policy in plain words, for a front desk to read aloud or a billing lead to check
// a rule file against its source: who it models, cost sharing, and per treatment whether it is
// covered, the limits, codes and fees, and the criteria. Printed by `estimator check --policy=`.
//
//   std::string text = PolicySummary(*rules, *rules->FindPlanVersions("medicare", "part_b"), day);
#ifndef ESTIMATOR_TOOLS_POLICY_SUMMARY_H_
#define ESTIMATOR_TOOLS_POLICY_SUMMARY_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "service/rules/rule_set.h"

namespace estimator {

// The version of `versions` in effect on `day` in full, and the other versions by date and file.
// `versions` must hold the version in effect on `day` (see RuleSet::VersionOn).
std::string PolicySummary(const std::vector<PlanVersion>& versions, absl::CivilDay day);

}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_POLICY_SUMMARY_H_
