// Daily drug doses written as a number and a unit ("100 mg", "37.5 mg", "25 mcg"), held exactly as
// whole micrograms. Used by the drug catalog (minimum therapeutic doses) and by a patient's
// documented trials, so both are read the same way.
//
//   absl::StatusOr<int64_t> mcg = ParseDoseMcg("37.5 mg", "trials[0].daily_dose");  // 37500
#ifndef ESTIMATOR_COMMON_DOSE_H_
#define ESTIMATOR_COMMON_DOSE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace estimator {

// The largest dose accepted, 10 g a day: anything above is a typing mistake.
inline constexpr int64_t kMaxDoseMcg = 10'000'000;

// Parses "<number> <unit>" with unit mg or mcg (case-insensitive, the space optional) and up to three
// decimals for mg. Errors are INVALID_ARGUMENT naming `field`, e.g.
// "trials[0].daily_dose: unit 'mL' is not a dose unit; write the daily dose in mg or mcg, e.g. \"100 mg\"".
absl::StatusOr<int64_t> ParseDoseMcg(absl::string_view text, absl::string_view field);

// "37.5 mg" for 37500; "25 mcg" for amounts under 1 mg that are not whole mg.
std::string FormatDose(int64_t mcg);

}  // namespace estimator

#endif  // ESTIMATOR_COMMON_DOSE_H_
