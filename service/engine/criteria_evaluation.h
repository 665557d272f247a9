// Judging one medical-necessity criterion (rules.proto `Criterion`) against a patient's documented
// facts, with three answers: met, not met, or missing information (the documentation does not say
// enough). Composites follow three-valued logic: all_of fails if any child fails, else is missing if
// any child is; any_of is met if any child is met, else missing if any child is; not swaps met and
// not met. Absent documentation is never a pass.
//
//   DocumentedFacts facts = DigestDocumentation(rules, documentation, v1::TREATMENT_TMS, as_of, &notices);
//   v1::CriterionResult r = EvaluateCriterion(policy.criteria(), facts);
#ifndef ESTIMATOR_ENGINE_CRITERIA_EVALUATION_H_
#define ESTIMATOR_ENGINE_CRITERIA_EVALUATION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "estimator/v1/readiness.pb.h"
#include "estimator/v1/rules.pb.h"
#include "service/rules/rule_set.h"

namespace estimator {

// One antidepressant trial with its catalog entry looked up.
struct DocumentedTrial {
  int index = 0;                            // in antidepressant_history.trials
  const v1::AntidepressantTrial* trial = nullptr;
  const CatalogDrug* drug = nullptr;        // nullptr: not in the catalog (reported as a notice)
  // For a drug not in the catalog: the catalog name near it, to offer ("did you mean sertraline?"),
  // never to count. nullptr: none near, or a tie.
  const DrugSuggestion* suggestion = nullptr;
  int64_t dose_mcg = 0;
  v1::Episode episode = v1::EPISODE_UNSPECIFIED;  // as documented, or derived from dates
  std::optional<int> weeks;                 // as documented, or whole weeks from start to end date
  bool weeks_from_dates = false;            // `weeks` was derived from the dates
  std::optional<absl::CivilDay> end;        // end_date, when documented
};

// The documentation, read once and shared by every criterion of a check.
struct DocumentedFacts {
  const v1::PatientDocumentation* doc = nullptr;
  absl::CivilDay as_of;
  v1::Treatment treatment = v1::TREATMENT_UNSPECIFIED;
  std::vector<DocumentedTrial> trials;
  const CatalogDrug* oral_antidepressant = nullptr;
  const DrugSuggestion* oral_antidepressant_suggestion = nullptr;  // as DocumentedTrial::suggestion
  // The plan's criteria worded when its rule set was compiled (criteria_words.h). Without it (a
  // criterion made outside a rule set, in tests) the words are made on the spot.
  const CriterionWordsMap* words = nullptr;
};

// `doc` must have passed request validation and must outlive the result. Drugs not in the catalog
// are reported in `notices` (code UNKNOWN_DRUG, with "did you mean ...?" when one catalog name is
// near) and their trials are not counted.
DocumentedFacts DigestDocumentation(const RuleSet& rules, const v1::PatientDocumentation& doc,
                                    v1::Treatment treatment, absl::CivilDay as_of,
                                    std::vector<v1::Notice>* notices);

v1::CriterionResult EvaluateCriterion(const v1::Criterion& criterion, const DocumentedFacts& facts);
// The same, written into a fresh `result` (which may live on a protobuf Arena).
void EvaluateCriterionInto(const v1::Criterion& criterion, const DocumentedFacts& facts,
                           v1::CriterionResult& result);

// "all_of", "severity", ... (the oneof field's name, which lives as long as the program).
const std::string& CriterionKind(const v1::Criterion& criterion);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_CRITERIA_EVALUATION_H_
