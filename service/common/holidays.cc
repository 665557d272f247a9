#include "service/common/holidays.h"

#include <algorithm>
#include <utility>

namespace estimator {
namespace {

// The `n`th (1-based) `weekday` of a month.
absl::CivilDay NthWeekday(int year, int month, absl::Weekday weekday, int n) {
  absl::CivilDay day(year, month, 1);
  while (absl::GetWeekday(day) != weekday) ++day;
  return day + 7 * (n - 1);
}

// The last `weekday` of a month.
absl::CivilDay LastWeekday(int year, int month, absl::Weekday weekday) {
  absl::CivilDay day = absl::CivilDay(absl::CivilMonth(year, month) + 1) - 1;
  while (absl::GetWeekday(day) != weekday) --day;
  return day;
}

}  // namespace

absl::string_view HolidayName(UsHoliday holiday) {
  switch (holiday) {
    case UsHoliday::kNewYearsDay: return "New Year's Day";
    case UsHoliday::kMartinLutherKingJrDay: return "Martin Luther King Jr. Day";
    case UsHoliday::kWashingtonsBirthday: return "Washington's Birthday";
    case UsHoliday::kMemorialDay: return "Memorial Day";
    case UsHoliday::kJuneteenth: return "Juneteenth National Independence Day";
    case UsHoliday::kIndependenceDay: return "Independence Day";
    case UsHoliday::kLaborDay: return "Labor Day";
    case UsHoliday::kColumbusDay: return "Columbus Day";
    case UsHoliday::kVeteransDay: return "Veterans Day";
    case UsHoliday::kThanksgiving: return "Thanksgiving Day";
    case UsHoliday::kChristmasDay: return "Christmas Day";
  }
  return "holiday";
}

std::optional<absl::CivilDay> HolidayDate(UsHoliday holiday, int year) {
  using W = absl::Weekday;
  switch (holiday) {
    case UsHoliday::kNewYearsDay: return absl::CivilDay(year, 1, 1);
    case UsHoliday::kMartinLutherKingJrDay: return NthWeekday(year, 1, W::monday, 3);
    case UsHoliday::kWashingtonsBirthday: return NthWeekday(year, 2, W::monday, 3);
    case UsHoliday::kMemorialDay: return LastWeekday(year, 5, W::monday);
    case UsHoliday::kJuneteenth:
      if (year < 2021) return std::nullopt;
      return absl::CivilDay(year, 6, 19);
    case UsHoliday::kIndependenceDay: return absl::CivilDay(year, 7, 4);
    case UsHoliday::kLaborDay: return NthWeekday(year, 9, W::monday, 1);
    case UsHoliday::kColumbusDay: return NthWeekday(year, 10, W::monday, 2);
    case UsHoliday::kVeteransDay: return absl::CivilDay(year, 11, 11);
    case UsHoliday::kThanksgiving: return NthWeekday(year, 11, W::thursday, 4);
    case UsHoliday::kChristmasDay: return absl::CivilDay(year, 12, 25);
  }
  return std::nullopt;
}

std::optional<absl::CivilDay> ObservedDate(UsHoliday holiday, int year) {
  std::optional<absl::CivilDay> day = HolidayDate(holiday, year);
  if (!day) return std::nullopt;
  switch (absl::GetWeekday(*day)) {
    case absl::Weekday::saturday: return *day - 1;
    case absl::Weekday::sunday: return *day + 1;
    default: return day;
  }
}

std::vector<std::pair<absl::CivilDay, UsHoliday>> ObservedDatesIn(
    int year, const std::vector<UsHoliday>& holidays) {
  std::vector<std::pair<absl::CivilDay, UsHoliday>> out;
  for (UsHoliday h : holidays) {
    for (int y : {year, year + 1}) {  // next New Year's Day may be observed on December 31
      std::optional<absl::CivilDay> day = ObservedDate(h, y);
      if (day && day->year() == year) out.emplace_back(*day, h);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace estimator
