// Checks a request's shape before any rule is consulted. Every problem is INVALID_ARGUMENT and
// names the field by its path in the request, e.g.
//   "coverage.insurance.verified_benefits.coinsurance_bp: 12000 is over 10000 (100%)".
// Lookups against the rules (unknown payer, protocol of another treatment...) happen in the engine.
#ifndef ESTIMATOR_ENGINE_REQUEST_VALIDATION_H_
#define ESTIMATOR_ENGINE_REQUEST_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "estimator/v1/estimator.pb.h"

namespace estimator {

// Request limits, documented in README ("Limits"). Each is checked before any rule is consulted,
// so together with the server's 1 MiB receive limit they bound the work and memory of a request.
inline constexpr int kMaxIdLength = 64;
// Course length: the protocol's sessions (at most 400, checked when rule files load) plus at most
// this many months of maintenance (weekly at most, so about 157 more sessions).
inline constexpr int kMaxMaintenanceMonths = 36;
inline constexpr int kMaxCoursesPerComparison = 3;
inline constexpr int kMaxSessionsUsed = 1000;  // CourseOptions.sessions_used, each count
inline constexpr int kMaxDoseMg = 1000;  // a Spravato session dose (the label's doses are 28-84 mg)
// Course start dates outside these years are refused.
inline constexpr int kFirstCourseYear = 2000;
inline constexpr int kLastCourseYear = 2099;

// Documentation: at most this many trials, scores, courses, codes or conditions in each list.
inline constexpr int kMaxDocumentedItems = 50;
inline constexpr int kMaxDrugNameLength = 64;
inline constexpr int kMaxAgeYears = 130;
inline constexpr int kMaxTrialWeeks = 520;  // ten years, for an antidepressant or a psychotherapy
inline constexpr int kMaxTherapySessions = 1000;
// Documented dates (scores, trials, episodes, earlier courses) before this year are refused.
inline constexpr int kFirstDocumentedYear = 1900;

// Each returns the course start date, parsed once here for the engine.
absl::StatusOr<absl::CivilDay> ValidateEstimateCourseRequest(
    const v1::EstimateCourseRequest& request);
absl::StatusOr<absl::CivilDay> ValidateCompareTreatmentsRequest(
    const v1::CompareTreatmentsRequest& request);

// Ranges, units and dates of a patient's documentation; `field` is its path in the request
// (e.g. "documentation"). No documented date may be after the as_of_date, or `today` without one.
absl::Status ValidateDocumentation(const v1::PatientDocumentation& documentation,
                                   absl::string_view field, absl::CivilDay today);
absl::Status ValidateCheckPriorAuthReadinessRequest(
    const v1::CheckPriorAuthReadinessRequest& request, absl::CivilDay today);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_REQUEST_VALIDATION_H_
