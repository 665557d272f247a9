#include "service/common/dates.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace estimator {
namespace {

TEST(DatesTest, ParsesStrictIsoDates) {
  auto day = ParseDate("2026-12-14", "d");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(*day, absl::CivilDay(2026, 12, 14));
  EXPECT_EQ(FormatDate(*day), "2026-12-14");
}

TEST(DatesTest, RejectsWhatIsNotADayNamingTheField) {
  for (const char* bad : {"", "2026-2-01", "2026/02/01", "2026-02-30", "2026-13-01", "20260201",
                          "2026-02-01T00:00", "abcd-ef-gh", "1899-12-31", "2200-01-01"}) {
    auto day = ParseDate(bad, "course_start_date");
    ASSERT_FALSE(day.ok()) << bad;
    EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(day.status().message().find("course_start_date"), std::string::npos) << bad;
  }
}

TEST(DatesTest, AddMonthsClampsToTheMonthEnd) {
  EXPECT_EQ(AddMonths(absl::CivilDay(2026, 1, 31), 1), absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(AddMonths(absl::CivilDay(2028, 1, 31), 1), absl::CivilDay(2028, 2, 29));
  EXPECT_EQ(AddMonths(absl::CivilDay(2026, 12, 14), 12), absl::CivilDay(2027, 12, 14));
  EXPECT_EQ(AddMonths(absl::CivilDay(2026, 3, 31), 1), absl::CivilDay(2026, 4, 30));
}

// AddMonths works on plain integers: it must agree with the calendar as absl's civil times keep
// it (CivilMonth arithmetic, the month's length from the next month's first day) on every day of
// three centuries, forward and back.
TEST(DatesTest, AddMonthsAgreesWithCivilTimeArithmetic) {
  for (absl::CivilDay day(1900, 1, 1); day <= absl::CivilDay(2199, 12, 31); day += 1) {
    for (int months : {-13, -1, 0, 1, 2, 11, 12, 13, 25, 36}) {
      const absl::CivilMonth target = absl::CivilMonth(day) + months;
      const int length = absl::CivilDay(target + 1) - absl::CivilDay(target);
      const absl::CivilDay expected = absl::CivilDay(target) + (std::min(day.day(), length) - 1);
      ASSERT_EQ(AddMonths(day, months), expected) << day << " + " << months;
    }
  }
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2026, 4), 30);
}

TEST(DatesTest, PlanYearStartContainingADay) {
  EXPECT_EQ(PlanYearStartFor(absl::CivilDay(2026, 12, 31), 1, 1), absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(PlanYearStartFor(absl::CivilDay(2027, 1, 1), 1, 1), absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(PlanYearStartFor(absl::CivilDay(2026, 6, 30), 7, 1), absl::CivilDay(2025, 7, 1));
  EXPECT_EQ(PlanYearStartFor(absl::CivilDay(2026, 7, 1), 7, 1), absl::CivilDay(2026, 7, 1));
}

TEST(DatesTest, MonthDayValidity) {
  EXPECT_TRUE(IsValidMonthDay(1, 1));
  EXPECT_TRUE(IsValidMonthDay(12, 31));
  EXPECT_FALSE(IsValidMonthDay(2, 29));
  EXPECT_FALSE(IsValidMonthDay(4, 31));
  EXPECT_FALSE(IsValidMonthDay(0, 1));
  EXPECT_FALSE(IsValidMonthDay(13, 1));
}

TEST(DatesTest, Weekends) {
  EXPECT_TRUE(IsWeekend(absl::CivilDay(2026, 11, 21)));   // Saturday
  EXPECT_TRUE(IsWeekend(absl::CivilDay(2026, 11, 22)));   // Sunday
  EXPECT_FALSE(IsWeekend(absl::CivilDay(2026, 11, 23)));  // Monday
}

// Day numbers (the schedule's days) against CivilDay itself, over every day the service accepts
// and across 1970-01-01, where the numbers turn negative.
TEST(DatesTest, DayNumbersAgreeWithCivilDays) {
  EXPECT_EQ(DayNumber(absl::CivilDay(1970, 1, 1)), 0);
  EXPECT_EQ(DayNumber(absl::CivilDay(1969, 12, 31)), -1);
  for (absl::CivilDay d(1900, 1, 1); d <= absl::CivilDay(2199, 12, 31); ++d) {
    const int64_t n = DayNumber(d);
    ASSERT_EQ(FromDayNumber(n), d) << FormatDate(d);
    ASSERT_EQ(WeekdayOfDayNumber(n), static_cast<int>(absl::GetWeekday(d))) << FormatDate(d);
    ASSERT_EQ(IsWeekendDayNumber(n), IsWeekend(d)) << FormatDate(d);
  }
}

}  // namespace
}  // namespace estimator
