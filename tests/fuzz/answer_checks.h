// What must hold of every answer the engine gives, whatever the input: the fuzz targets call these
// on each answer, and a violation aborts the process (a finding, reported by libFuzzer or by the
// corpus replay test like any crash).
//
//   auto r = EstimateCourse(rules, request, kFuzzToday);
//   if (r.ok()) CheckEstimate(r->estimate()); else CheckRefusal(r.status());
#ifndef ESTIMATOR_TESTS_FUZZ_ANSWER_CHECKS_H_
#define ESTIMATOR_TESTS_FUZZ_ANSWER_CHECKS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "estimator/v1/estimator.pb.h"
#include "estimator/v1/readiness.pb.h"
#include "google/protobuf/message.h"

namespace estimator {

// Prints "FINDING: <what>" and the detail to stderr, then aborts.
[[noreturn]] void Finding(absl::string_view what, absl::string_view detail = "");

// A refused request gets one of the documented codes (INVALID_ARGUMENT, NOT_FOUND,
// FAILED_PRECONDITION) and a message saying why; never INTERNAL, UNKNOWN or an empty message.
void CheckRefusal(const absl::Status& status);

// The money adds up: no amount is negative, each line's parts make its patient and payer shares,
// and every total (course, phase, plan year) is the exact sum of its lines.
void CheckEstimate(const v1::CourseEstimate& estimate);

// Every verdict is set, every criterion result has a status, and all_of / any_of / not combine
// their children's statuses by the documented three-valued logic.
void CheckReadiness(const v1::ReadinessAssessment& assessment);

// The answer survives the wire: serialized and parsed back as a client would (a string cut inside
// a UTF-8 sequence fails there).
void CheckWire(const google::protobuf::Message& answer);

}  // namespace estimator

#endif  // ESTIMATOR_TESTS_FUZZ_ANSWER_CHECKS_H_
