// Rule sets larger than the bundled one, for measuring how loading and lookups grow with the number
// of payer plans. A generated plan is a bundled plan file under a new payer id ("g00042_aetna"), so
// it is as long and as rich as a real one and passes the same validation.
//
//   ASSIGN_OR_RETURN(RuleFiles files, ReadRuleDirectory("payer_rules"));
//   RuleFiles big = WithGeneratedPlans(files, 10000);  // aetna/open_access_ppo + 9,999 others
//   RETURN_IF_ERROR(WriteGeneratedRuleDirectory("payer_rules", 1000, "/tmp/rules_1000"));
#ifndef ESTIMATOR_TESTS_BENCH_GENERATED_RULES_H_
#define ESTIMATOR_TESTS_BENCH_GENERATED_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "service/rules/rule_files.h"

namespace estimator::bench {

// The payer id of generated plan `index` made from a plan of `payer_id`.
std::string GeneratedPayerId(int index, const std::string& payer_id);

// `bundled` with its plans replaced by `plans` payer plans: Aetna Open Access PPO (both versions,
// as bundled) and `plans - 1` generated ones, copies of the other bundled plan versions in turn.
// Clinics, protocols and catalogs are kept.
RuleFiles WithGeneratedPlans(const RuleFiles& bundled, int plans);

// Writes a rule directory to `out_dir` (created; must not hold other rule files): the clinics,
// protocols and catalogs of `source_dir`, its plan files unchanged, and `generated` more plan
// files, each a bundled plan file in turn with its payer id renamed.
absl::Status WriteGeneratedRuleDirectory(const std::string& source_dir, int generated,
                                         const std::string& out_dir);

}  // namespace estimator::bench

#endif  // ESTIMATOR_TESTS_BENCH_GENERATED_RULES_H_
