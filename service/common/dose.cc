#include "service/common/dose.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace estimator {
namespace {

// Words after the unit that say "per day" or "once a day", which a daily dose already means, so
// they change nothing. "qd" is on the Joint Commission's do-not-use list (misread as "qid"); it is
// accepted because charts hold it and "qid" itself is refused below, never read as once a day.
// "qhs" (at bedtime) is once a day; "/24 h" is how a transdermal patch (selegiline) is labelled.
// Compared after NormalizeSuffix: lower case, single spaces, none beside a '/'.
constexpr absl::string_view kPerDayWords[] = {"/day",  "/d",         "daily",      "per day",
                                              "a day", "once daily", "once a day", "qd",
                                              "qhs",   "/24 h",      "/24h"};

absl::Status Refuse(absl::string_view field, absl::string_view quoted, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": '", quoted, "' ", why, "; write ", kDoseForms));
}

// Lower case, runs of spaces as one, no space beside a '/': "/ Day" -> "/day", "per  DAY" -> "per day".
std::string NormalizeSuffix(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ' && out.back() != '/') out += ' ';
      continue;
    }
    if (c == '/' && !out.empty() && out.back() == ' ') out.pop_back();
    out += absl::ascii_tolower(static_cast<unsigned char>(c));
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Whether `s` (what follows a number, or a unit) starts a second number: "-100 mg", "to 100 mg".
bool StartsARange(absl::string_view s) {
  s = absl::StripLeadingAsciiWhitespace(s);
  if (absl::StartsWith(s, "-") || absl::StartsWith(s, "\xE2\x80\x93")) return true;  // en dash
  if (!absl::StartsWithIgnoreCase(s, "to")) return false;
  s = absl::StripLeadingAsciiWhitespace(s.substr(2));
  return !s.empty() && absl::ascii_isdigit(static_cast<unsigned char>(s[0]));
}

}  // namespace

absl::StatusOr<int64_t> ParseDoseMcg(absl::string_view text, absl::string_view field) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  if (rest.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  // Messages quote `rest`, which is at most 32 characters from here on, never `text`: the
  // whitespace around a dose may be any length, and an error message must not echo a request.
  if (rest.size() > 32) return Refuse(field, rest.substr(0, 32), "is too long for a dose");
  // Whole part, then up to three decimals, counted in thousandths of the unit.
  int64_t thousandths = 0;
  size_t i = 0;
  bool digits = false;
  for (; i < rest.size() && absl::ascii_isdigit(rest[i]); ++i) {
    thousandths = thousandths * 10 + (rest[i] - '0');
    if (thousandths > kMaxDoseMcg) return Refuse(field, rest, "is over the largest dose accepted");
    digits = true;
  }
  thousandths *= 1000;
  if (i < rest.size() && rest[i] == '.') {
    ++i;
    int64_t scale = 100;
    for (; i < rest.size() && absl::ascii_isdigit(rest[i]); ++i) {
      if (scale == 0) return Refuse(field, rest, "has more than three decimals");
      thousandths += (rest[i] - '0') * scale;
      scale /= 10;
      digits = true;
    }
  }
  if (!digits) return Refuse(field, rest, "does not start with a number");
  if (StartsARange(rest.substr(i))) {
    return Refuse(field, rest, "is a range: give one dose, the total for one day");
  }
  // The unit: letters (and the bytes of a micro sign or mu) up to the first other character, so
  // that "mg/day" is "mg" then "/day".
  const absl::string_view after_number = absl::StripLeadingAsciiWhitespace(rest.substr(i));
  size_t unit_end = 0;
  while (unit_end < after_number.size() &&
         (absl::ascii_isalpha(static_cast<unsigned char>(after_number[unit_end])) ||
          static_cast<unsigned char>(after_number[unit_end]) >= 0x80)) {
    ++unit_end;
  }
  const absl::string_view unit_text = after_number.substr(0, unit_end);
  const std::string unit = absl::AsciiStrToLower(unit_text);
  int64_t mcg;
  if (unit == "mg") {
    mcg = thousandths;
  } else if (unit == "mcg" || unit == "ug" || unit == "\xC2\xB5g" || unit == "\xCE\xBCg") {
    if (thousandths % 1000 != 0) return Refuse(field, rest, "has a fraction of a microgram");
    mcg = thousandths / 1000;
  } else if (unit.empty()) {
    return Refuse(field, rest, "has no unit");
  } else {
    // All that follows the number is quoted: "1e400 mg" reads better as unit 'e400 mg' than 'e'.
    return absl::InvalidArgumentError(absl::StrCat(field, ": unit '",
                                                   absl::StripTrailingAsciiWhitespace(after_number),
                                                   "' is not a dose unit; write ", kDoseForms));
  }
  const absl::string_view suffix_text = after_number.substr(unit_end);
  const std::string suffix = NormalizeSuffix(suffix_text);
  if (!suffix.empty()) {
    bool per_day = false;
    for (absl::string_view word : kPerDayWords) per_day = per_day || suffix == word;
    if (!per_day) {
      if (StartsARange(suffix)) {
        return Refuse(field, rest, "is a range: give one dose, the total for one day");
      }
      if (absl::StartsWith(suffix, "/kg") || absl::StartsWith(suffix, "per kg")) {
        return Refuse(field, rest, "is a dose per kilogram of body weight: give the total for one day");
      }
      return Refuse(field, rest,
                    absl::StrCat("has '", absl::StripAsciiWhitespace(suffix_text),
                                 "' after the unit, which is not a per-day word: the dose is the "
                                 "total for one day (for 50 mg twice a day, \"100 mg\")"));
    }
  }
  if (mcg <= 0) return Refuse(field, rest, "is not a positive dose");
  if (mcg > kMaxDoseMcg) return Refuse(field, rest, "is over the largest dose accepted (10 g)");
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
