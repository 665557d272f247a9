// Calendar dates as absl::CivilDay, written YYYY-MM-DD everywhere (files, requests, responses).
#ifndef ESTIMATOR_COMMON_DATES_H_
#define ESTIMATOR_COMMON_DATES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace estimator {

// Parses a strict YYYY-MM-DD between 1900-01-01 and 2199-12-31. `field` names the input in the
// error, e.g. "course_start_date: '2026-13-01' is not a date (want YYYY-MM-DD)".
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view field);

std::string FormatDate(absl::CivilDay day);

// RFC 3339 in UTC to the second, e.g. "2026-11-21T06:52:14Z".
std::string Rfc3339Utc(absl::Time time);
// The same to the microsecond, e.g. "2026-11-21T06:52:14.123456Z" (saved quotes' instants).
std::string Rfc3339UtcMicros(absl::Time time);

bool IsWeekend(absl::CivilDay day);

// Days since 1970-01-01 (negative before it): for loops that step through many days (the
// schedule), where each CivilDay step or weekday would convert year/month/day again.
inline constexpr absl::CivilDay kDayNumberEpoch(1970, 1, 1);
inline int64_t DayNumber(absl::CivilDay day) { return day - kDayNumberEpoch; }
inline absl::CivilDay FromDayNumber(int64_t n) { return kDayNumberEpoch + n; }
// Monday = 0 ... Sunday = 6, as absl::Weekday counts (1970-01-01 was a Thursday).
inline int WeekdayOfDayNumber(int64_t n) { return static_cast<int>(((n + 3) % 7 + 7) % 7); }
inline bool IsWeekendDayNumber(int64_t n) { return WeekdayOfDayNumber(n) >= 5; }

// The same day of the month `months` later, clamped to the month's last day (Jan 31 + 1 = Feb 28).
absl::CivilDay AddMonths(absl::CivilDay day, int months);
// Days in `month` (1-12) of `year` in the Gregorian calendar.
int DaysInMonth(int64_t year, int month);

// Whether month/day names a real day in every year (February 29 is refused).
bool IsValidMonthDay(int month, int day);

// The start of the plan year containing `day`, for plan years starting each year on month/day.
absl::CivilDay PlanYearStartFor(absl::CivilDay day, int month, int day_of_month);

}  // namespace estimator

#endif  // ESTIMATOR_COMMON_DATES_H_
