// Whether a patient may dispute a bill against their Good Faith Estimate (45 CFR 149.620): per
// provider, billed at least $400.00 above that provider's expected charges, started within 120
// days of the bill's date. Pure.
//
//   ASSIGN_OR_RETURN(v1::CheckDisputeEligibilityResponse answer,
//                    CheckDispute(gfe, request, /*today=*/day(2027, 3, 1)));
#ifndef ESTIMATOR_GOOD_FAITH_DISPUTE_CHECK_H_
#define ESTIMATOR_GOOD_FAITH_DISPUTE_CHECK_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "estimator/v1/quotes.pb.h"

namespace estimator {

// INVALID_ARGUMENT naming the field for a bad bill_date (or one after today), no bills, an NPI not
// on the estimate or given twice, a negative or absurd amount. A provider of the estimate
// without a bill is left out of the answer.
absl::StatusOr<v1::CheckDisputeEligibilityResponse> CheckDispute(
    const v1::GoodFaithEstimate& gfe, const v1::CheckDisputeEligibilityRequest& request,
    absl::CivilDay today);

}  // namespace estimator

#endif  // ESTIMATOR_GOOD_FAITH_DISPUTE_CHECK_H_
