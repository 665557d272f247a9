#include "service/common/identifiers.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace estimator {
namespace {

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

}  // namespace

bool IsValidNpi(absl::string_view npi) {
  if (npi.size() != 10 || !AllDigits(npi)) return false;
  // Luhn over "80840" + the first 9 digits, doubling every second digit from the right of that
  // 14-digit string (the check digit would be the 15th).
  const std::string digits = std::string("80840") + std::string(npi.substr(0, 9));
  int sum = 0;
  bool double_it = true;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (double_it) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double_it = !double_it;
  }
  const int check = (10 - sum % 10) % 10;
  return npi[9] - '0' == check;
}

std::optional<std::string> TinDigits(absl::string_view tin) {
  if (tin.size() == 9 && AllDigits(tin)) return std::string(tin);
  if (tin.size() == 10 && tin[2] == '-' && AllDigits(tin.substr(0, 2)) &&
      AllDigits(tin.substr(3))) {
    return absl::StrCat(tin.substr(0, 2), tin.substr(3));
  }
  if (tin.size() == 11 && tin[3] == '-' && tin[6] == '-' && AllDigits(tin.substr(0, 3)) &&
      AllDigits(tin.substr(4, 2)) && AllDigits(tin.substr(7))) {
    return absl::StrCat(tin.substr(0, 3), tin.substr(4, 2), tin.substr(7));
  }
  return std::nullopt;
}

bool IsUsStateCode(absl::string_view code) {
  static constexpr std::array<const char*, 56> kCodes = {
      "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN",
      "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV",
      "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN",
      "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR", "GU", "VI", "AS", "MP"};
  return std::any_of(kCodes.begin(), kCodes.end(),
                     [&](const char* c) { return code == c; });
}

bool IsUsPostalCode(absl::string_view code) {
  if (code.size() == 5) return AllDigits(code);
  return code.size() == 10 && code[5] == '-' && AllDigits(code.substr(0, 5)) &&
         AllDigits(code.substr(6));
}

std::optional<std::string> PhoneDigits(absl::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (absl::ascii_isdigit(c)) {
      digits.push_back(c);
    } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')' && c != '+') {
      return std::nullopt;
    }
  }
  if (digits.size() == 11 && digits[0] == '1') digits.erase(0, 1);
  if (digits.size() != 10) return std::nullopt;
  return digits;
}

}  // namespace estimator
