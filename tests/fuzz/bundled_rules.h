// Where the fuzz targets find the bundled rules (payer_rules/), and the day they judge requests on.
// The rules are read once per process; each input is then judged against them in memory.
#ifndef ESTIMATOR_TESTS_FUZZ_BUNDLED_RULES_H_
#define ESTIMATOR_TESTS_FUZZ_BUNDLED_RULES_H_

#include <string>

#include "absl/time/civil_time.h"

namespace estimator {

// A fixed "today", so that an input means the same thing on every run and every machine (the
// date of the bundled sample documentation, as in the unit tests).
inline const absl::CivilDay kFuzzToday(2026, 11, 20);

// $ESTIMATOR_SOURCE_DIR/payer_rules when that variable is set, else payer_rules/ of the source tree
// the binary was built from.
std::string BundledRulesDir();

}  // namespace estimator

#endif  // ESTIMATOR_TESTS_FUZZ_BUNDLED_RULES_H_
