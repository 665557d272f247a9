// Writes a rule directory with many payer plans, for the rule-loading and server-memory figures of
// BENCHMARKS.md: the bundled rules plus N generated plan files (bundled plans under new payer ids).
//
//   generate_rules payer_rules 1000 /tmp/rules_1000
#include <cstdlib>
#include <iostream>
#include <string>

#include "tests/bench/generated_rules.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: generate_rules SOURCE_RULES_DIR GENERATED_PLANS OUT_DIR\n";
    return 2;
  }
  const absl::Status s =
      estimator::bench::WriteGeneratedRuleDirectory(argv[1], std::atoi(argv[2]), argv[3]);
  if (!s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }
  return 0;
}
