#include "service/common/dose.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace estimator {
namespace {

absl::Status Bad(absl::string_view field, absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": '", text, "' ", why, "; write the daily dose as a number and mg or mcg, "
                   "e.g. \"100 mg\" or \"25 mcg\""));
}

}  // namespace

absl::StatusOr<int64_t> ParseDoseMcg(absl::string_view text, absl::string_view field) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  if (rest.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  // Messages quote `rest`, which is at most 32 characters from here on, never `text`: the
  // whitespace around a dose may be any length, and an error message must not echo a request.
  if (rest.size() > 32) return Bad(field, rest.substr(0, 32), "is too long for a dose");
  // Whole part, then up to three decimals, counted in thousandths of the unit.
  int64_t thousandths = 0;
  size_t i = 0;
  bool digits = false;
  for (; i < rest.size() && absl::ascii_isdigit(rest[i]); ++i) {
    thousandths = thousandths * 10 + (rest[i] - '0');
    if (thousandths > kMaxDoseMcg) return Bad(field, rest, "is over the largest dose accepted");
    digits = true;
  }
  thousandths *= 1000;
  if (i < rest.size() && rest[i] == '.') {
    ++i;
    int64_t scale = 100;
    for (; i < rest.size() && absl::ascii_isdigit(rest[i]); ++i) {
      if (scale == 0) return Bad(field, rest, "has more than three decimals");
      thousandths += (rest[i] - '0') * scale;
      scale /= 10;
      digits = true;
    }
  }
  if (!digits) return Bad(field, rest, "does not start with a number");
  const std::string unit = absl::AsciiStrToLower(absl::StripAsciiWhitespace(rest.substr(i)));
  int64_t mcg;
  if (unit == "mg") {
    mcg = thousandths;
  } else if (unit == "mcg" || unit == "ug" || unit == "\xC2\xB5g") {
    if (thousandths % 1000 != 0) return Bad(field, rest, "has a fraction of a microgram");
    mcg = thousandths / 1000;
  } else if (unit.empty()) {
    return Bad(field, rest, "has no unit");
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": unit '", absl::StripAsciiWhitespace(rest.substr(i)),
        "' is not a dose unit; write the daily dose in mg or mcg, e.g. \"100 mg\""));
  }
  if (mcg <= 0) return Bad(field, rest, "is not a positive dose");
  if (mcg > kMaxDoseMcg) return Bad(field, rest, "is over the largest dose accepted (10 g)");
  return mcg;
}

std::string FormatDose(int64_t mcg) {
  if (mcg < 1000 || mcg % 1000 != 0) {
    if (mcg < 1000) return absl::StrCat(mcg, " mcg");
    std::string decimals = absl::StrCat(1000 + mcg % 1000).substr(1);
    while (!decimals.empty() && decimals.back() == '0') decimals.pop_back();
    return absl::StrCat(mcg / 1000, ".", decimals, " mg");
  }
  return absl::StrCat(mcg / 1000, " mg");
}

}  // namespace estimator
