// Loads the hand-computable rule set in tests/testdata/rules (or the bundled payer_rules) once.
#ifndef ESTIMATOR_TESTS_UNIT_ENGINE_TEST_RULES_H_
#define ESTIMATOR_TESTS_UNIT_ENGINE_TEST_RULES_H_

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/rules/rule_set.h"

namespace estimator {

// A fixed "today" so that nothing in the tests depends on the machine's clock.
inline const absl::CivilDay kToday(2026, 11, 20);

inline std::string SourceDir() {
  const char* dir = std::getenv("ESTIMATOR_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

inline std::shared_ptr<const RuleSet> LoadRules(const std::string& relative_dir) {
  auto set = RuleSet::Load(SourceDir() + "/" + relative_dir, absl::Now());
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : nullptr;
}

inline const RuleSet& TestRules() {
  static const std::shared_ptr<const RuleSet> rules = LoadRules("tests/testdata/rules");
  return *rules;
}

inline const RuleSet& BundledRules() {
  static const std::shared_ptr<const RuleSet> rules = LoadRules("payer_rules");
  return *rules;
}

}  // namespace estimator

#endif  // ESTIMATOR_TESTS_UNIT_ENGINE_TEST_RULES_H_
