// The two trial checks of the medical-necessity criteria: failed antidepressant trials (counted
// from the drug catalog: class, therapeutic dose, augmentation) and a failed psychotherapy trial.
// Called by EvaluateCriterionInto (criteria_evaluation.h).
#ifndef ESTIMATOR_ENGINE_CRITERIA_TRIALS_H_
#define ESTIMATOR_ENGINE_CRITERIA_TRIALS_H_

#include <string>

#include "estimator/v1/readiness.pb.h"
#include "estimator/v1/rules.pb.h"
#include "service/engine/criteria_evaluation.h"

namespace estimator {

// Each writes its verdict, explanation (`requirement`, the criterion's words from
// criteria_words.h, then what the documentation shows) and evidence into `r`.
void EvaluateFailedTrials(const v1::FailedTrialsCriterion& c, absl::string_view requirement,
                          const DocumentedFacts& f, v1::CriterionResult& r);
void EvaluatePsychotherapy(const v1::PsychotherapyCriterion& c, absl::string_view requirement,
                           const DocumentedFacts& f, v1::CriterionResult& r);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_CRITERIA_TRIALS_H_
