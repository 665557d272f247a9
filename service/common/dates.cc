#include "service/common/dates.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace estimator {

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view field) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", text.substr(0, 40), "' ", why));
  };
  if (text.empty()) return bad("is empty (want a date, YYYY-MM-DD)");
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return bad("is not a date (want YYYY-MM-DD)");
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      return bad("is not a date (want YYYY-MM-DD)");
    }
  }
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  const int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  const absl::CivilDay day(y, m, d);
  // CivilDay normalizes out-of-range fields (2026-02-30 -> 2026-03-02); a round trip catches that.
  if (day.year() != y || day.month() != m || day.day() != d) {
    return bad("is not a real calendar day");
  }
  if (y < 1900 || y > 2199) return bad("is outside the years 1900-2199");
  return day;
}

std::string FormatDate(absl::CivilDay day) {
  const int64_t y = day.year();
  if (y < 0 || y > 9999) {
    return absl::StrFormat("%04d-%02d-%02d", y, day.month(), day.day());
  }
  // Every estimate line carries two dates, so this is written out by hand: StrFormat parses its
  // format string on each call and cost a quarter of a full-course estimate.
  const int m = day.month(), d = day.day();
  const char text[10] = {static_cast<char>('0' + y / 1000), static_cast<char>('0' + y / 100 % 10),
                         static_cast<char>('0' + y / 10 % 10), static_cast<char>('0' + y % 10),
                         '-', static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10),
                         '-', static_cast<char>('0' + d / 10), static_cast<char>('0' + d % 10)};
  return std::string(text, sizeof(text));
}

std::string Rfc3339Utc(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

std::string Rfc3339UtcMicros(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", time, absl::UTCTimeZone());
}

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Month arithmetic on plain integers, then one CivilDay of valid fields: a schedule asks for a
// maintenance month per session.
absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  const int64_t index = day.year() * 12 + (day.month() - 1) + months;  // months since year 0
  const int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
  const int month = static_cast<int>(index - year * 12) + 1;
  return absl::CivilDay(year, month, std::min(day.day(), DaysInMonth(year, month)));
}

bool IsValidMonthDay(int month, int day) {
  if (month < 1 || month > 12 || day < 1) return false;
  const absl::CivilDay probe(2023, month, day);  // 2023 is not a leap year
  return probe.month() == month && probe.day() == day;
}

absl::CivilDay PlanYearStartFor(absl::CivilDay day, int month, int day_of_month) {
  const absl::CivilDay this_year(day.year(), month, day_of_month);
  return day >= this_year ? this_year : absl::CivilDay(day.year() - 1, month, day_of_month);
}

}  // namespace estimator
