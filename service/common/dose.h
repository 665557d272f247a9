// Daily drug doses written as clinicians chart them ("100 mg", "37.5mg/day", "25 mcg daily"), held
// exactly as whole micrograms. Used by the drug catalog (minimum and maximum daily doses) and by a
// patient's documented trials, so both are read the same way.
//
//   absl::StatusOr<int64_t> mcg = ParseDoseMcg("37.5 mg/day", "trials[0].daily_dose");  // 37500
#ifndef ESTIMATOR_COMMON_DOSE_H_
#define ESTIMATOR_COMMON_DOSE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace estimator {

// The largest dose accepted, 10 g a day: anything above is a typing mistake.
inline constexpr int64_t kMaxDoseMcg = 10'000'000;

// The forms ParseDoseMcg accepts, as every refusal states them.
inline constexpr absl::string_view kDoseForms =
    "a number and mg or mcg (also ug, \xC2\xB5g), optionally followed by /day, /d, daily, per day, "
    "a day, once daily, once a day, qd, qhs or /24 h, e.g. \"100 mg\", \"37.5mg/day\", \"25 mcg "
    "daily\"";

// Parses "<number> <unit> [per day]": the number with up to three decimals for mg; the unit mg or
// mcg (ug, the micro sign or Greek mu + g); the space optional; case ignored. A per-day word after
// the unit ("/day", "daily", "qd"...: kDoseForms) is accepted and changes nothing, as the value is
// already the total for one day. Anything that would change the meaning is refused rather than
// read: more or fewer intakes than once a day ("50 mg bid", "100 mg/week"), a range ("50-100 mg"),
// a dose per body weight ("mg/kg"), any other word. Errors are INVALID_ARGUMENT naming `field` and
// ending with the accepted forms, e.g. "trials[0].daily_dose: '50 mg bid': 'bid' after the unit is
// not a per-day word; ...".
absl::StatusOr<int64_t> ParseDoseMcg(absl::string_view text, absl::string_view field);

// "37.5 mg" for 37500; "25 mcg" for amounts under 1 mg that are not whole mg.
std::string FormatDose(int64_t mcg);

}  // namespace estimator

#endif  // ESTIMATOR_COMMON_DOSE_H_
