#include "service/engine/course_schedule.h"

#include <map>

#include "gtest/gtest.h"
#include "service/common/dates.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

using absl::CivilDay;

std::vector<ScheduledSession> Build(const std::string& protocol_id, CivilDay start, int dose,
                                    int months, v1::MaintenanceFrequency frequency,
                                    std::vector<CivilDay> closed = {}) {
  ScheduleRequest r;
  r.protocol = TestRules().FindProtocol(protocol_id);
  EXPECT_NE(r.protocol, nullptr);
  r.start = start;
  r.dose_mg = dose;
  r.maintenance_months = months;
  r.maintenance_frequency = frequency;
  r.is_open = [closed](int64_t day) {
    const CivilDay d = FromDayNumber(day);
    return !IsWeekend(d) && std::find(closed.begin(), closed.end(), d) == closed.end();
  };
  auto sessions = BuildSchedule(r);
  EXPECT_TRUE(sessions.ok()) << sessions.status();
  return sessions.ok() ? *sessions : std::vector<ScheduledSession>{};
}

CivilDay Monday(CivilDay d) { return d - static_cast<int>(absl::GetWeekday(d)); }

TEST(CourseScheduleTest, TmsStandardIsThirtyDailyThenThreeTwoOne) {
  // 2026-03-02 is a Monday; no closed days.
  auto s = Build("tms_standard_30_6", CivilDay(2026, 3, 2), 0, 0,
                 v1::MAINTENANCE_FREQUENCY_UNSPECIFIED);
  ASSERT_EQ(s.size(), 36u);
  EXPECT_TRUE(s[0].first);
  EXPECT_FALSE(s[1].first);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(s[i].phase, v1::PHASE_ACUTE) << i;
  for (int i = 30; i < 36; ++i) EXPECT_EQ(s[i].phase, v1::PHASE_TAPER) << i;
  EXPECT_EQ(s[0].date, CivilDay(2026, 3, 2));
  EXPECT_EQ(s[29].date, CivilDay(2026, 4, 10));  // six full weeks, Friday
  // Taper: Mon/Wed/Fri, then Mon/Thu, then one the following week.
  EXPECT_EQ(s[30].date, CivilDay(2026, 4, 13));
  EXPECT_EQ(s[31].date, CivilDay(2026, 4, 15));
  EXPECT_EQ(s[32].date, CivilDay(2026, 4, 17));
  EXPECT_EQ(s[33].date, CivilDay(2026, 4, 20));
  EXPECT_EQ(s[34].date, CivilDay(2026, 4, 23));
  EXPECT_EQ(s[35].date, CivilDay(2026, 4, 30));  // a week after the last, in week 3 of the taper
  for (size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s[i].number, static_cast<int>(i) + 1);
}

TEST(CourseScheduleTest, SkipsWeekendsAndClosedDaysAndKeepsTheCount) {
  // Starts on a Saturday: moves to Monday 2026-12-14? No: 2026-12-12 is a Saturday -> 12-14.
  auto s = Build("tms_standard_30_6", CivilDay(2026, 12, 12), 0, 0,
                 v1::MAINTENANCE_FREQUENCY_UNSPECIFIED,
                 {CivilDay(2026, 12, 25), CivilDay(2027, 1, 1)});
  ASSERT_EQ(s.size(), 36u);
  EXPECT_EQ(s[0].date, CivilDay(2026, 12, 14));
  std::map<CivilDay, int> per_week;
  for (size_t i = 0; i < s.size(); ++i) {
    EXPECT_FALSE(IsWeekend(s[i].date)) << FormatDate(s[i].date);
    EXPECT_NE(s[i].date, CivilDay(2026, 12, 25));
    EXPECT_NE(s[i].date, CivilDay(2027, 1, 1));
    if (i > 0) {
      EXPECT_GT(s[i].date, s[i - 1].date);
    }
    if (s[i].phase == v1::PHASE_ACUTE) ++per_week[Monday(s[i].date)];
  }
  for (const auto& [week, n] : per_week) EXPECT_LE(n, 5) << FormatDate(week);
  // Dec 14-18 (5), Dec 21-24 (4), Dec 28-31 (4): 13 sessions in 2026.
  int in_2026 = 0;
  for (const auto& x : s) in_2026 += x.date.year() == 2026;
  EXPECT_EQ(in_2026, 13);
}

TEST(CourseScheduleTest, SpravatoTwiceWeeklyThenWeeklyThenEveryOtherWeek) {
  auto s = Build("spravato_label", CivilDay(2026, 3, 2), 84, 12,
                 v1::MAINTENANCE_FREQUENCY_EVERY_OTHER_WEEK);
  // 8 induction + 4 optimization + 26 maintenance (every 14 days for 12 months).
  ASSERT_EQ(s.size(), 38u);
  EXPECT_EQ(s[0].dose_mg, 56);  // day 1 is always 56 mg
  for (size_t i = 1; i < s.size(); ++i) EXPECT_EQ(s[i].dose_mg, 84);
  std::map<CivilDay, int> induction_weeks;
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(s[i].phase, v1::PHASE_ACUTE);
    ++induction_weeks[Monday(s[i].date)];
  }
  EXPECT_EQ(induction_weeks.size(), 4u);
  for (const auto& [week, n] : induction_weeks) EXPECT_EQ(n, 2);
  EXPECT_EQ(s[1].date - s[0].date, 3);  // Monday, Thursday
  for (int i = 8; i < 12; ++i) EXPECT_EQ(s[i].phase, v1::PHASE_TAPER);
  for (int i = 12; i < 38; ++i) {
    EXPECT_EQ(s[i].phase, v1::PHASE_MAINTENANCE);
    EXPECT_EQ(s[i].date - s[i - 1].date, 14) << i;
  }
}

TEST(CourseScheduleTest, MonthlyBoostersKeepTheDayOfMonthAndSkipClosedDays) {
  // Ketamine: 6 infusions Mon/Wed/Fri from 2026-03-02, last on Fri 2026-03-13.
  auto s = Build("iv_ketamine_standard", CivilDay(2026, 3, 2), 0, 12,
                 v1::MAINTENANCE_FREQUENCY_MONTHLY, {CivilDay(2026, 4, 13)});
  ASSERT_EQ(s.size(), 18u);
  EXPECT_EQ(s[5].date, CivilDay(2026, 3, 13));
  EXPECT_EQ(s[6].date, CivilDay(2026, 4, 14));  // 04-13 is closed -> Tuesday
  EXPECT_EQ(s[7].date, CivilDay(2026, 5, 13));
  EXPECT_EQ(s[8].date, CivilDay(2026, 6, 15));  // 06-13 is a Saturday -> Monday
  EXPECT_EQ(s[17].date, CivilDay(2027, 3, 15));  // 2027-03-13 is a Saturday
}

TEST(CourseScheduleTest, NoMaintenanceWhenZeroMonths) {
  auto s = Build("iv_ketamine_standard", CivilDay(2026, 3, 2), 0, 0,
                 v1::MAINTENANCE_FREQUENCY_MONTHLY);
  EXPECT_EQ(s.size(), 6u);
}

TEST(CourseScheduleTest, ClinicNeverOpenIsAnErrorNotALoop) {
  ScheduleRequest r;
  r.protocol = TestRules().FindProtocol("tms_standard_30_6");
  r.start = CivilDay(2026, 3, 2);
  r.is_open = [](int64_t) { return false; };
  auto s = BuildSchedule(r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace estimator

namespace estimator {
namespace {

TEST(CourseScheduleTest, ATaperStartingMidWeekKeepsItsWeeklyFrequency) {
  // Medicare 20+5 from Mon 2026-12-14 with 12-25 and 01-01 closed: the 20th acute session falls on
  // Tue 2027-01-12. In that week the 3-a-week taper adds only one more (Thu), and no later week
  // holds more sessions than the block then running allows.
  auto s = Build("tms_medicare_20_5", CivilDay(2026, 12, 14), 0, 0,
                 v1::MAINTENANCE_FREQUENCY_UNSPECIFIED,
                 {CivilDay(2026, 12, 25), CivilDay(2027, 1, 1)});
  ASSERT_EQ(s.size(), 25u);
  std::map<CivilDay, int> per_week;
  for (const auto& x : s) ++per_week[Monday(x.date)];
  EXPECT_EQ(s[19].date, CivilDay(2027, 1, 12));
  EXPECT_EQ(s[20].date, CivilDay(2027, 1, 14));
  EXPECT_EQ(per_week[CivilDay(2027, 1, 11)], 3);  // Mon, Tue acute + Thu taper
  EXPECT_EQ(per_week[CivilDay(2027, 1, 18)], 2);  // the rest of the 3-a-week block
  EXPECT_EQ(per_week[CivilDay(2027, 1, 25)], 2);  // the 2-a-week block
  EXPECT_EQ(s[24].date, CivilDay(2027, 1, 28));
}

}  // namespace
}  // namespace estimator
