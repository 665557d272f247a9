// The range beside an estimate's figure: the lowest and highest total the patient could owe given
// what the request leaves unknown, each end found by pricing the same schedule again (through
// session_pricing) under other values of the unknowns:
//
//   - amounts met so far, when the request leaves any out: none met (the figure's assumption) or
//     everything not stated already met (the deductible and the out-of-pocket maximum);
//   - the coverage tier, when not stated and the plan has family amounts: self-only or family;
//   - the plan-year start, when not stated: the plan's default, or the first of any month between
//     the first and the last covered session (a plan year that starts mid-course);
//   - the prior-authorization outcome: approved or denied (every session at the self-pay price);
//     for a chart that does not yet show the criteria met, not approved or approved;
//   - policy steps that depend on progress (TreatmentCovered.conditional_sessions): documented or
//     not.
//
// Every combination is priced; each end keeps the assumptions (beyond the figure's own) that give
// it, the fewest when several give the same total. The figure is one of the combinations, so
// low <= figure <= high; with nothing unknown, low = high = figure.
#ifndef ESTIMATOR_ENGINE_ESTIMATE_RANGE_H_
#define ESTIMATOR_ENGINE_ESTIMATE_RANGE_H_

#include "absl/status/status.h"
#include "estimator/v1/estimator.pb.h"
#include "service/common/money.h"
#include "service/engine/course_context.h"
#include "service/engine/session_pricing.h"

namespace estimator {

// `figure` is what the estimate's lines were priced under, `figure_priced` those lines (priced
// again here if null), `status` its coverage status and `figure_total` its totals.patient_cents.
absl::Status WritePatientRange(const CourseContext& ctx, const SessionPrices& prices,
                               const CoverageAssumptions& figure,
                               const PricedCourse* figure_priced, v1::CoverageStatus status,
                               Money figure_total, v1::PatientRange& range);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_ESTIMATE_RANGE_H_
