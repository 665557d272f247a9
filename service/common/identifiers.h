// Identifiers printed on Good Faith Estimates, checked where they enter: rule files (a clinic's
// provider identity) and requests (a provider's NPI in a dispute check).
//
//   IsValidNpi("1234567893")        -> true   (check digit verified)
//   TinDigits("00-1234567")         -> "001234567"
//   IsUsStateCode("OH")             -> true
#ifndef ESTIMATOR_COMMON_IDENTIFIERS_H_
#define ESTIMATOR_COMMON_IDENTIFIERS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace estimator {

// A National Provider Identifier: 10 digits, the last the Luhn check digit computed over the
// prefix "80840" followed by the first 9 (45 CFR 162.406; CMS "NPI check digit").
bool IsValidNpi(absl::string_view npi);

// A Taxpayer Identification Number written as 9 digits or as an EIN "12-3456789" (or SSN-style
// "123-45-6789"): the 9 digits, or nullopt.
std::optional<std::string> TinDigits(absl::string_view tin);

// The two-letter USPS code of a state, the District of Columbia or a territory.
bool IsUsStateCode(absl::string_view code);

// "43000" or "43000-1234".
bool IsUsPostalCode(absl::string_view code);

// A US phone number's 10 digits, ignoring spaces, dots, dashes, parentheses and a leading +1;
// nullopt when not 10 digits.
std::optional<std::string> PhoneDigits(absl::string_view phone);

}  // namespace estimator

#endif  // ESTIMATOR_COMMON_IDENTIFIERS_H_
