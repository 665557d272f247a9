#include "tests/fuzz/bundled_rules.h"

#include <cstdlib>

namespace estimator {

std::string BundledRulesDir() {
  const char* dir = std::getenv("ESTIMATOR_SOURCE_DIR");
  return std::string(dir != nullptr ? dir : ESTIMATOR_BUILT_FROM_SOURCE_DIR) + "/payer_rules";
}

}  // namespace estimator
