// The two trial checks of the medical-necessity criteria: failed antidepressant trials (counted
// from the drug catalog: class, therapeutic dose, augmentation) and a failed psychotherapy trial.
// Called by EvaluateCriterionInto (criteria_evaluation.h); their requirements also make checklist
// items and RequirementOf.
#ifndef ESTIMATOR_ENGINE_CRITERIA_TRIALS_H_
#define ESTIMATOR_ENGINE_CRITERIA_TRIALS_H_

#include <string>

#include "estimator/v1/readiness.pb.h"
#include "estimator/v1/rules.pb.h"
#include "service/engine/criteria_evaluation.h"

namespace estimator {

// "2 failed trials from 2 classes ... (6+ weeks at a therapeutic dose, intolerance counts)".
void AppendTrialsRequirement(const v1::FailedTrialsCriterion& c, std::string& out);
// "a failed trial of psychotherapy (6+ weeks; CBT or interpersonal therapy)".
void AppendPsychotherapyRequirement(const v1::PsychotherapyCriterion& c, std::string& out);

// Each writes its verdict, explanation (the requirement, then what the documentation shows) and
// evidence into `r`.
void EvaluateFailedTrials(const v1::FailedTrialsCriterion& c, const DocumentedFacts& f,
                          v1::CriterionResult& r);
void EvaluatePsychotherapy(const v1::PsychotherapyCriterion& c, const DocumentedFacts& f,
                           v1::CriterionResult& r);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_CRITERIA_TRIALS_H_
