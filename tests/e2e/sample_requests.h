// Requests the end-to-end suites share: ordinary quotes that every bundled rule set answers.
#ifndef ESTIMATOR_TESTS_E2E_SAMPLE_REQUESTS_H_
#define ESTIMATOR_TESTS_E2E_SAMPLE_REQUESTS_H_

#include <string>

#include "estimator/v1/estimator.pb.h"

namespace estimator::e2e {

// TMS under Medicare Part B at Riverbend, in network, nothing met, from `start` (a Monday the
// clinic is open).
inline v1::EstimateCourseRequest MedicareTmsRequest(const std::string& start = "2026-03-02") {
  v1::EstimateCourseRequest r;
  r.set_clinic_id("riverbend");
  v1::InsuranceCoverage* ins = r.mutable_coverage()->mutable_insurance();
  ins->set_payer_id("medicare");
  ins->set_plan_id("part_b");
  ins->set_network(v1::NETWORK_IN_NETWORK);
  ins->mutable_met_so_far()->set_deductible_met_cents(0);
  ins->mutable_met_so_far()->set_out_of_pocket_met_cents(0);
  r.set_course_start_date(start);
  r.mutable_course()->set_treatment(v1::TREATMENT_TMS);
  return r;
}

// Every treatment Riverbend offers under the Aetna-modelled PPO, in network, from `start`.
inline v1::CompareTreatmentsRequest AetnaCompareRequest(const std::string& start = "2026-03-02") {
  v1::CompareTreatmentsRequest r;
  r.set_clinic_id("riverbend");
  v1::InsuranceCoverage* ins = r.mutable_coverage()->mutable_insurance();
  ins->set_payer_id("aetna");
  ins->set_plan_id("open_access_ppo");
  ins->set_network(v1::NETWORK_IN_NETWORK);
  r.set_course_start_date(start);
  return r;
}

}  // namespace estimator::e2e

#endif  // ESTIMATOR_TESTS_E2E_SAMPLE_REQUESTS_H_
