// The prior-authorization request packet (readiness.proto PriorAuthRequestPacket): what a billing
// team submits once readiness says a request is needed. Everything comes from the plan file (its
// PriorAuthProcess, fees, covered protocols and limits) and from the criteria already judged:
// the codes and units of the sessions the approval period covers, the period and the renewal date,
// where to submit and the stated turnaround, the chart documents per criterion, and, only when
// every criterion is met, a draft letter of medical necessity.
//
//   WriteRequestPacket({rules, plan, covered, treatment, first_day, as_of, dose_mg}, assessment);
#ifndef ESTIMATOR_ENGINE_PRIOR_AUTH_PACKET_H_
#define ESTIMATOR_ENGINE_PRIOR_AUTH_PACKET_H_

#include "absl/time/civil_time.h"
#include "estimator/v1/readiness.pb.h"
#include "estimator/v1/rules.pb.h"
#include "service/rules/rule_set.h"

namespace estimator {

struct PacketInputs {
  const RuleSet& rules;
  const PlanVersion& plan;
  const v1::TreatmentCovered& covered;  // its prior_auth_process may be absent
  v1::Treatment treatment;
  absl::CivilDay first_day;  // the planned start, or the day of the check
  absl::CivilDay as_of;
  int dose_mg = 0;  // Spravato's dose after the first session; 0: the schedule's highest
  // A renewal: the criteria judged (the plan's renewal criteria); no sessions are counted.
  const v1::Criterion* renewal_criteria = nullptr;
};

// The schedule a request for `treatment` under `covered` is counted from: the plan's default covered
// protocol, else the first it covers, else the treatment's default. Null only for rules without one.
const v1::TreatmentProtocol* PacketProtocol(const RuleSet& rules, const v1::TreatmentCovered& covered,
                                            v1::Treatment treatment);

// Writes `assessment.request_packet` from `in` and the assessment's criteria results (evaluated
// against `in.covered.criteria()`, in the same order). Pure; safe from many threads.
void WriteRequestPacket(const PacketInputs& in, v1::ReadinessAssessment& assessment);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_PRIOR_AUTH_PACKET_H_
