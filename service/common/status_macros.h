// Two small macros for propagating absl::Status, which Debian's Abseil 20220623 does not ship.
//
//   RETURN_IF_ERROR(ValidateDates(request));
//   ASSIGN_OR_RETURN(absl::CivilDay day, ParseDate(text, "course_start_date"));
#ifndef ESTIMATOR_COMMON_STATUS_MACROS_H_
#define ESTIMATOR_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define ESTIMATOR_CONCAT_INNER(a, b) a##b
#define ESTIMATOR_CONCAT(a, b) ESTIMATOR_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::absl::Status _status = (expr);           \
    if (!_status.ok()) return _status;         \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ESTIMATOR_ASSIGN_OR_RETURN_IMPL(ESTIMATOR_CONCAT(_statusor_, __LINE__), lhs, expr)

#define ESTIMATOR_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  if (!statusor.ok()) return statusor.status();              \
  lhs = std::move(statusor).value()

#endif  // ESTIMATOR_COMMON_STATUS_MACROS_H_
