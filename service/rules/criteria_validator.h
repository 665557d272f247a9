// Semantic checks of a treatment's medical-necessity criteria and of the drug catalog: every typed
// check has its parameters in range, composites are well formed, ids are unique, nothing is
// unreachable (an any_of of one, a threshold outside the scale, a REMS check outside Spravato).
#ifndef ESTIMATOR_RULES_CRITERIA_VALIDATOR_H_
#define ESTIMATOR_RULES_CRITERIA_VALIDATOR_H_

#include <vector>

#include "service/rules/located_problems.h"

namespace estimator {

// `w` locates the Criterion message itself. `has_catalog`: whether a drug catalog is loaded (failed
// trials cannot be judged without one).
void ValidateCriteria(const Where& w, const v1::Criterion& root, v1::Treatment treatment,
                      bool has_catalog, Problems& p);

// Drug names and aliases are unique across files; doses parse, the maximum at least the minimum;
// classes agree with augmentation_agent; form words are single lower-case words, once per file, no
// drug's name or alias.
void ValidateDrugCatalogs(const std::vector<RuleFile<v1::DrugCatalog>>& catalogs, Problems& p);

}  // namespace estimator

#endif  // ESTIMATOR_RULES_CRITERIA_VALIDATOR_H_
