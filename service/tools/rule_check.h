// The offline rule checker behind `estimator check`: reads a rule directory the way the server does,
// validates every file, then runs every rule test in its tests/ folder, all without a server.
//
//   RuleCheckReport report = CheckRules("payer_rules", absl::Now());
//   PrintRuleCheck(report, std::cout);
//   return report.ok() ? 0 : 1;
#ifndef ESTIMATOR_TOOLS_RULE_CHECK_H_
#define ESTIMATOR_TOOLS_RULE_CHECK_H_

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "service/rules/rule_set.h"
#include "service/tools/rule_tests.h"

namespace estimator {

struct RuleCheckReport {
  std::string rules_dir;
  // `file:line:column: message` lines from parsing and validation; empty when the rules are valid.
  std::vector<std::string> rule_problems;
  // What was loaded, e.g. "9 plan versions of 7 plans, 2 clinics, 4 protocols, 32 drugs, 18 codes".
  std::string loaded;
  // Null unless the rules are valid.
  std::shared_ptr<const RuleSet> rules;
  // Problems in the rule-test files themselves (syntax, missing fields).
  std::vector<std::string> test_file_problems;
  int test_files = 0;
  std::vector<RuleTestResult> results;
  // Tests per loaded plan ("payer/plan"), zero included: the plans the tests leave untested show.
  std::map<std::string, int> tests_per_plan;
  // Each file's unverified_facts (by path; files without any left out): what maintainers still
  // have to check against the sources, never shown in answers.
  std::map<std::string, std::vector<std::string>> unverified_facts;
  int unverified_count() const;
  // One line per clinic: whether it can issue Good Faith Estimates (it needs provider_identity).
  std::vector<std::string> good_faith_estimates;

  int failed() const;
  bool ok() const {
    return rule_problems.empty() && test_file_problems.empty() && failed() == 0 && !results.empty();
  }
};

RuleCheckReport CheckRules(const std::string& rules_dir, absl::Time now);

// The report for people: what was checked, each failure at its line, and a closing summary line.
void PrintRuleCheck(const RuleCheckReport& report, std::ostream& out);

}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_RULE_CHECK_H_
