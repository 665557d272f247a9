// The computed federal holidays against OPM's published tables for 2025-2030
// (https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/), observed dates as OPM
// lists them.
#include "service/common/holidays.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "service/common/dates.h"

namespace estimator {
namespace {

constexpr UsHoliday kAll[] = {
    UsHoliday::kNewYearsDay,     UsHoliday::kMartinLutherKingJrDay, UsHoliday::kWashingtonsBirthday,
    UsHoliday::kMemorialDay,     UsHoliday::kJuneteenth,           UsHoliday::kIndependenceDay,
    UsHoliday::kLaborDay,        UsHoliday::kColumbusDay,          UsHoliday::kVeteransDay,
    UsHoliday::kThanksgiving,    UsHoliday::kChristmasDay};

std::vector<std::string> Observed(int year) {
  std::vector<std::string> out;
  for (const auto& [day, holiday] :
       ObservedDatesIn(year, std::vector<UsHoliday>(std::begin(kAll), std::end(kAll)))) {
    out.push_back(FormatDate(day) + " " + std::string(HolidayName(holiday)));
  }
  return out;
}

TEST(HolidaysTest, ObservedDatesMatchOpmTables2025To2030) {
  EXPECT_EQ(Observed(2025), (std::vector<std::string>{
      "2025-01-01 New Year's Day", "2025-01-20 Martin Luther King Jr. Day",
      "2025-02-17 Washington's Birthday", "2025-05-26 Memorial Day",
      "2025-06-19 Juneteenth National Independence Day", "2025-07-04 Independence Day",
      "2025-09-01 Labor Day", "2025-10-13 Columbus Day", "2025-11-11 Veterans Day",
      "2025-11-27 Thanksgiving Day", "2025-12-25 Christmas Day"}));
  EXPECT_EQ(Observed(2026), (std::vector<std::string>{
      "2026-01-01 New Year's Day", "2026-01-19 Martin Luther King Jr. Day",
      "2026-02-16 Washington's Birthday", "2026-05-25 Memorial Day",
      "2026-06-19 Juneteenth National Independence Day",
      "2026-07-03 Independence Day",  // July 4 is a Saturday
      "2026-09-07 Labor Day", "2026-10-12 Columbus Day", "2026-11-11 Veterans Day",
      "2026-11-26 Thanksgiving Day", "2026-12-25 Christmas Day"}));
  EXPECT_EQ(Observed(2027), (std::vector<std::string>{
      "2027-01-01 New Year's Day", "2027-01-18 Martin Luther King Jr. Day",
      "2027-02-15 Washington's Birthday", "2027-05-31 Memorial Day",
      "2027-06-18 Juneteenth National Independence Day",  // June 19 is a Saturday
      "2027-07-05 Independence Day",                      // July 4 is a Sunday
      "2027-09-06 Labor Day", "2027-10-11 Columbus Day", "2027-11-11 Veterans Day",
      "2027-11-25 Thanksgiving Day",
      "2027-12-24 Christmas Day",     // December 25 is a Saturday
      "2027-12-31 New Year's Day"}));  // January 1, 2028 is a Saturday
  EXPECT_EQ(Observed(2028), (std::vector<std::string>{
      "2028-01-17 Martin Luther King Jr. Day", "2028-02-21 Washington's Birthday",
      "2028-05-29 Memorial Day", "2028-06-19 Juneteenth National Independence Day",
      "2028-07-04 Independence Day", "2028-09-04 Labor Day", "2028-10-09 Columbus Day",
      "2028-11-10 Veterans Day",  // November 11 is a Saturday
      "2028-11-23 Thanksgiving Day", "2028-12-25 Christmas Day"}));
  EXPECT_EQ(Observed(2029), (std::vector<std::string>{
      "2029-01-01 New Year's Day", "2029-01-15 Martin Luther King Jr. Day",
      "2029-02-19 Washington's Birthday", "2029-05-28 Memorial Day",
      "2029-06-19 Juneteenth National Independence Day", "2029-07-04 Independence Day",
      "2029-09-03 Labor Day", "2029-10-08 Columbus Day",
      "2029-11-12 Veterans Day",  // November 11 is a Sunday
      "2029-11-22 Thanksgiving Day", "2029-12-25 Christmas Day"}));
  EXPECT_EQ(Observed(2030), (std::vector<std::string>{
      "2030-01-01 New Year's Day", "2030-01-21 Martin Luther King Jr. Day",
      "2030-02-18 Washington's Birthday", "2030-05-27 Memorial Day",
      "2030-06-19 Juneteenth National Independence Day", "2030-07-04 Independence Day",
      "2030-09-02 Labor Day", "2030-10-14 Columbus Day", "2030-11-11 Veterans Day",
      "2030-11-28 Thanksgiving Day", "2030-12-25 Christmas Day"}));
}

TEST(HolidaysTest, ActualDatesStayOnTheirDay) {
  EXPECT_EQ(*HolidayDate(UsHoliday::kIndependenceDay, 2026), absl::CivilDay(2026, 7, 4));
  EXPECT_EQ(*ObservedDate(UsHoliday::kIndependenceDay, 2026), absl::CivilDay(2026, 7, 3));
  EXPECT_EQ(*ObservedDate(UsHoliday::kNewYearsDay, 2028), absl::CivilDay(2027, 12, 31));
}

TEST(HolidaysTest, JuneteenthStartsIn2021) {
  EXPECT_FALSE(HolidayDate(UsHoliday::kJuneteenth, 2020).has_value());
  EXPECT_EQ(*ObservedDate(UsHoliday::kJuneteenth, 2021), absl::CivilDay(2021, 6, 18));
}

}  // namespace
}  // namespace estimator
