// The estimator's entry points: a validated request and a rule set in, a priced course out.
// Pure functions of their arguments (no I/O, no clock: `today` is passed in), safe to call from
// many threads.
//
//   absl::StatusOr<v1::EstimateCourseResponse> r = EstimateCourse(*rules, request, today);
//
// `today` matters only for a request carrying documentation without an as_of_date: the plan's
// criteria are judged on that day (see readiness.h).
//
// Errors: INVALID_ARGUMENT naming the request field; NOT_FOUND naming an unknown clinic, payer,
// plan or protocol id; FAILED_PRECONDITION when the rules cannot price what was asked (no plan
// version in effect on the start date, a clinic without a charge for an out-of-network code).
#ifndef ESTIMATOR_ENGINE_COURSE_ESTIMATE_H_
#define ESTIMATOR_ENGINE_COURSE_ESTIMATE_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "estimator/v1/estimator.pb.h"
#include "service/rules/rule_set.h"

namespace estimator {

absl::StatusOr<v1::EstimateCourseResponse> EstimateCourse(const RuleSet& rules,
                                                          const v1::EstimateCourseRequest& request,
                                                          absl::CivilDay today);

absl::StatusOr<v1::CompareTreatmentsResponse> CompareTreatments(
    const RuleSet& rules, const v1::CompareTreatmentsRequest& request, absl::CivilDay today);

// The same answers written into `response`, which may live on a protobuf Arena: every message and
// string of the answer is then allocated there, so that a server giving each call an arena
// (grpc::MessageAllocator) pays almost nothing to allocate and free an estimate of a few hundred
// parts. On error, `response` holds a partial answer to discard.
absl::Status EstimateCourseInto(const RuleSet& rules, const v1::EstimateCourseRequest& request,
                                absl::CivilDay today, v1::EstimateCourseResponse& response);
absl::Status CompareTreatmentsInto(const RuleSet& rules,
                                   const v1::CompareTreatmentsRequest& request,
                                   absl::CivilDay today, v1::CompareTreatmentsResponse& response);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_COURSE_ESTIMATE_H_
