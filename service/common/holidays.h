// US federal holidays, computed for any year, on their dates and on the days they are observed
// (5 U.S.C. 6103 and OPM's rule: a holiday on a Saturday is observed the Friday before, one on a
// Sunday the Monday after, so New Year's Day 2028, a Saturday, is observed on 2027-12-31).
//
//   ObservedDate(UsHoliday::kIndependenceDay, 2026)  // -> 2026-07-03 (July 4 is a Saturday)
//   HolidayName(UsHoliday::kThanksgiving)            // -> "Thanksgiving Day"
#ifndef ESTIMATOR_COMMON_HOLIDAYS_H_
#define ESTIMATOR_COMMON_HOLIDAYS_H_

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace estimator {

// In calendar order.
enum class UsHoliday {
  kNewYearsDay,
  kMartinLutherKingJrDay,  // third Monday of January
  kWashingtonsBirthday,    // third Monday of February
  kMemorialDay,            // last Monday of May
  kJuneteenth,             // June 19, from 2021
  kIndependenceDay,
  kLaborDay,               // first Monday of September
  kColumbusDay,            // second Monday of October
  kVeteransDay,            // November 11
  kThanksgiving,           // fourth Thursday of November
  kChristmasDay,
};
inline constexpr int kUsHolidays = 11;

// "New Year's Day", "Martin Luther King Jr. Day", ...
absl::string_view HolidayName(UsHoliday holiday);

// The holiday's date in `year`, or nullopt when it did not exist that year (Juneteenth before
// 2021).
std::optional<absl::CivilDay> HolidayDate(UsHoliday holiday, int year);

// The day the holiday of `year` is observed: its date moved off a weekend.
std::optional<absl::CivilDay> ObservedDate(UsHoliday holiday, int year);

// Every observed date of `holidays` whose day falls in `year` (New Year's Day of the next year
// included when it is observed on December 31), with the holiday, in date order.
std::vector<std::pair<absl::CivilDay, UsHoliday>> ObservedDatesIn(
    int year, const std::vector<UsHoliday>& holidays);

}  // namespace estimator

#endif  // ESTIMATOR_COMMON_HOLIDAYS_H_
