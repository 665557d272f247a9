// Prior-authorization readiness: a patient's documentation judged against one plan's criteria for
// one treatment, answered in the HL7 Da Vinci CRD vocabulary (covered / not-covered / conditional;
// no-auth / auth-needed; documentation needed clinical / admin / both) with one result per
// criterion and a checklist of what to obtain. Pure functions, safe from many threads.
//
//   absl::StatusOr<v1::CheckPriorAuthReadinessResponse> r = CheckPriorAuthReadiness(*rules, request, today);
#ifndef ESTIMATOR_ENGINE_READINESS_H_
#define ESTIMATOR_ENGINE_READINESS_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "estimator/v1/readiness.pb.h"
#include "service/rules/rule_set.h"

namespace estimator {

// `today` is used when the documentation gives no as_of_date. Errors: INVALID_ARGUMENT naming the
// field (`network` when the plan's answer depends on it and it is not given); NOT_FOUND for an unknown payer or plan, or no plan version in effect on the day.
absl::StatusOr<v1::CheckPriorAuthReadinessResponse> CheckPriorAuthReadiness(
    const RuleSet& rules, const v1::CheckPriorAuthReadinessRequest& request, absl::CivilDay today);

// The assessment of `treatment` under one plan version, for a clinic in `network`
// (NETWORK_UNSPECIFIED only where AnswerDependsOnNetwork is false); `documentation` must be
// validated. Also used by estimates that carry documentation.
v1::ReadinessAssessment AssessReadiness(const RuleSet& rules, const PlanVersion& plan,
                                        v1::Treatment treatment, v1::Network network,
                                        const v1::PatientDocumentation& documentation,
                                        absl::CivilDay as_of);

// As above, written into `response` / `assessment`, which may live on a protobuf Arena (see
// EstimateCourse in course_estimate.h). On error `response` holds a partial answer to discard.
absl::Status CheckPriorAuthReadinessInto(const RuleSet& rules,
                                         const v1::CheckPriorAuthReadinessRequest& request,
                                         absl::CivilDay today,
                                         v1::CheckPriorAuthReadinessResponse& response);
// The same, the assessment alone: a batch writes each into its own result and states the
// rule-set version once (readiness_batch.h).
absl::Status AssessReadinessRequestInto(const RuleSet& rules,
                                        const v1::CheckPriorAuthReadinessRequest& request,
                                        absl::CivilDay today, v1::ReadinessAssessment& assessment);
// What the request packet is counted from (CheckPriorAuthReadiness writes one; an estimate's
// assessment carries none).
struct PacketRequest {
  absl::CivilDay first_day;  // the planned first session
  int dose_mg = 0;           // Spravato's dose after the first session; 0: not given
  // A renewal: judged on the plan's renewal_criteria (which the caller checked it has), and the
  // packet counts no sessions (what to request depends on the plan for the next period).
  bool renewal = false;
};
void AssessReadinessInto(const RuleSet& rules, const PlanVersion& plan, v1::Treatment treatment,
                         v1::Network network, const v1::PatientDocumentation& documentation,
                         absl::CivilDay as_of, v1::ReadinessAssessment& assessment,
                         const PacketRequest* packet = nullptr);

// The documentation's as_of_date (validated), or `today` when it gives none.
absl::CivilDay AsOfDay(const v1::PatientDocumentation& documentation, absl::CivilDay today);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_READINESS_H_
