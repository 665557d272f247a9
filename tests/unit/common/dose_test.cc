#include "service/common/dose.h"

#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace estimator {
namespace {

TEST(DoseTest, ParsesMilligramsAndMicrogramsWhateverTheCaseAndSpacing) {
  const struct {
    const char* text;
    int64_t mcg;
  } cases[] = {
      {"100 mg", 100000},   {"37.5 mg", 37500},   {"25 mcg", 25},     {"0.125 mg", 125},
      {"1.5 mg", 1500},     {"  50 mg  ", 50000}, {"100 MG", 100000}, {"100 Mg", 100000},
      {"25 MCG", 25},       {"20mg", 20000},      {"25mcg", 25},      {"25 ug", 25},
      {"25 \xC2\xB5g", 25},  // micro sign
  };
  for (const auto& c : cases) {
    auto mcg = ParseDoseMcg(c.text, "d");
    ASSERT_TRUE(mcg.ok()) << "'" << c.text << "': " << mcg.status();
    EXPECT_EQ(*mcg, c.mcg) << c.text;
  }
}

// Every way a chart writes "a day" after the unit: accepted, and the amount is unchanged (the field
// is already the total for one day).
TEST(DoseTest, PerDayWordsAfterTheUnitAreAcceptedAndChangeNothing) {
  const struct {
    const char* text;
    int64_t mcg;
  } cases[] = {
      {"100 mg", 100000},          {"100mg", 100000},          {"100 mg/day", 100000},
      {"100mg/day", 100000},       {"100 mg / day", 100000},   {"100 mg daily", 100000},
      {"100mg daily", 100000},     {"100 mg per day", 100000}, {"100 mg/d", 100000},
      {"100 mg a day", 100000},    {"100 mg qd", 100000},      {"100 MG QD", 100000},
      {"100 Mg/Day", 100000},      {"100 mg Daily", 100000},   {"100 mg  per   day", 100000},
      {"100 mg once daily", 100000}, {"100 mg once a day", 100000}, {"150 mg qhs", 150000},
      {"37.5 mg/day", 37500},      {"37.5mg/day", 37500},      {"6 mg/24 h", 6000},
      {"6 mg/24h", 6000},          {"25 mcg daily", 25},       {"25mcg/day", 25},
      {"25 MCG/D", 25},            {"25 ug per day", 25},      {"25 \xC2\xB5g/day", 25},
      {"25 \xCE\xBCg a day", 25},  // Greek small mu
      {"  100 mg daily  ", 100000},
  };
  for (const auto& c : cases) {
    auto mcg = ParseDoseMcg(c.text, "d");
    ASSERT_TRUE(mcg.ok()) << "'" << c.text << "': " << mcg.status();
    EXPECT_EQ(*mcg, c.mcg) << c.text;
  }
}

// Anything that would change what the number means is refused, never read: several intakes a day
// (the number would be one intake, not the day's total), fewer than daily, a range, a dose per
// body weight, any other word. Each refusal names the field, says why, and gives the accepted forms.
TEST(DoseTest, FormsThatWouldChangeTheMeaningAreRefusedWithTheAcceptedForms) {
  const struct {
    const char* text;
    const char* why;
  } cases[] = {
      {"100 mg bid", "has 'bid' after the unit, which is not a per-day word"},
      {"100 mg BID", "has 'BID' after the unit"},
      {"50 mg twice daily", "has 'twice daily' after the unit"},
      {"50 mg b.i.d.", "has 'b.i.d.' after the unit"},
      {"25 mg tid", "has 'tid' after the unit"},
      {"25 mg qid", "has 'qid' after the unit"},
      {"50 mg twice a day", "has 'twice a day' after the unit"},
      {"50 mg x2", "has 'x2' after the unit"},
      {"100 mg/week", "has '/week' after the unit"},
      {"90 mg weekly", "has 'weekly' after the unit"},
      {"100 mg every other day", "has 'every other day' after the unit"},
      {"100 mg qod", "has 'qod' after the unit"},
      {"100 mg/12h", "has '/12h' after the unit"},
      {"100 mg/dose", "has '/dose' after the unit"},
      {"100 mg daily.", "has 'daily.' after the unit"},
      {"100 mg tablet", "has 'tablet' after the unit"},
      {"50-100 mg", "is a range"},
      {"50 - 100 mg", "is a range"},
      {"50 to 100 mg", "is a range"},
      {"50mg-100mg", "is a range"},
      {"50 mg - 100 mg", "is a range"},
      {"50 mg to 100 mg", "is a range"},
      {"50\xE2\x80\x93" "100 mg", "is a range"},  // en dash
      {"2 mg/kg", "is a dose per kilogram of body weight"},
      {"2 mg/kg/day", "is a dose per kilogram of body weight"},
      {"5 mcg per kg", "is a dose per kilogram of body weight"},
      {"100 mgdaily", "unit 'mgdaily' is not a dose unit"},
      {"100 milligrams", "unit 'milligrams' is not a dose unit"},
      {"100 /day", "has no unit"},
  };
  for (const auto& c : cases) {
    auto dose = ParseDoseMcg(c.text, "documentation.antidepressant_history.trials[2].daily_dose");
    ASSERT_FALSE(dose.ok()) << "'" << c.text << "' parsed as " << dose.value();
    EXPECT_EQ(dose.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    const std::string message(dose.status().message());
    EXPECT_EQ(message.rfind("documentation.antidepressant_history.trials[2].daily_dose", 0), 0u)
        << message;
    EXPECT_NE(message.find(c.why), std::string::npos) << "'" << c.text << "': " << message;
    EXPECT_NE(message.find(std::string(kDoseForms)), std::string::npos) << message;
  }
}

TEST(DoseTest, TheLargestDoseIsAcceptedAndOneMicrogramMoreIsNot) {
  EXPECT_EQ(ParseDoseMcg("10000 mg", "d").value(), kMaxDoseMcg);
  auto over = ParseDoseMcg("10000.001 mg", "d");
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.status().message().find("is over the largest dose accepted"), std::string::npos)
      << over.status();
}

TEST(DoseTest, HugeNumbersAreRefusedWithoutOverflow) {
  // Far beyond int64: the parser must stop before multiplying past it.
  for (const char* huge : {"99999999999999999999999999 mg", "9223372036854775808 mcg",
                           "18446744073709551617mg", "10000001 mcg"}) {
    auto dose = ParseDoseMcg(huge, "trials[0].daily_dose");
    ASSERT_FALSE(dose.ok()) << huge;
    EXPECT_EQ(dose.status().code(), absl::StatusCode::kInvalidArgument) << huge;
    EXPECT_NE(dose.status().message().find("is over the largest dose accepted"), std::string::npos)
        << dose.status();
  }
}

TEST(DoseTest, EachMistakeIsRefusedNamingTheFieldAndSayingWhy) {
  struct Case {
    const char* text;
    const char* why;
  };
  const Case cases[] = {
      {"", "trials[0].daily_dose is required"},
      {"   ", "trials[0].daily_dose is required"},
      {"mg", "does not start with a number"},
      {"-5 mg", "does not start with a number"},
      {"150", "has no unit"},
      {"150 mL", "unit 'mL' is not a dose unit"},
      {"2 tablets", "unit 'tablets' is not a dose unit"},
      {"0 mg", "is not a positive dose"},
      {"0.000 mg", "is not a positive dose"},
      {"1.2345 mg", "has more than three decimals"},
      {"0.5 mcg", "has a fraction of a microgram"},
      {"12.5 mcg", "has a fraction of a microgram"},
      {"100 mg twice a day and more words", "is too long for a dose"},
  };
  for (const Case& c : cases) {
    auto dose = ParseDoseMcg(c.text, "trials[0].daily_dose");
    ASSERT_FALSE(dose.ok()) << "'" << c.text << "' parsed as " << dose.value();
    EXPECT_EQ(dose.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    const std::string message(dose.status().message());
    EXPECT_EQ(message.rfind("trials[0].daily_dose", 0), 0u) << message;
    EXPECT_NE(message.find(c.why), std::string::npos) << "'" << c.text << "': " << message;
    if (!absl::EndsWith(message, "is required")) {
      EXPECT_NE(message.find(std::string(kDoseForms)), std::string::npos) << message;
    }
  }
}

TEST(DoseTest, WrongUnitMessageTellsHowToWriteADose) {
  auto dose = ParseDoseMcg("150 mL", "trials[0].daily_dose");
  ASSERT_FALSE(dose.ok());
  EXPECT_EQ(dose.status().message(),
            "trials[0].daily_dose: unit 'mL' is not a dose unit; write a number and mg or mcg "
            "(also ug, \xC2\xB5g), optionally followed by /day, /d, daily, per day, a day, once "
            "daily, once a day, qd, qhs or /24 h, e.g. \"100 mg\", \"37.5mg/day\", \"25 mcg "
            "daily\"");
}

TEST(DoseTest, FormatsWholeMilligramsDecimalsAndMicrograms) {
  EXPECT_EQ(FormatDose(100000), "100 mg");
  EXPECT_EQ(FormatDose(37500), "37.5 mg");
  EXPECT_EQ(FormatDose(1001), "1.001 mg");
  EXPECT_EQ(FormatDose(1010), "1.01 mg");
  EXPECT_EQ(FormatDose(1000), "1 mg");
  EXPECT_EQ(FormatDose(25), "25 mcg");
  EXPECT_EQ(FormatDose(125), "125 mcg");
  EXPECT_EQ(FormatDose(999), "999 mcg");
  EXPECT_EQ(FormatDose(kMaxDoseMcg), "10000 mg");
}

TEST(DoseTest, FormattedDosesParseBackToTheSameAmount) {
  for (int64_t mcg : {int64_t{1}, int64_t{25}, int64_t{125}, int64_t{999}, int64_t{1000},
                      int64_t{1001}, int64_t{1500}, int64_t{37500}, int64_t{50000}, int64_t{100010},
                      int64_t{123456}, kMaxDoseMcg}) {
    const std::string text = FormatDose(mcg);
    auto back = ParseDoseMcg(text, "d");
    ASSERT_TRUE(back.ok()) << mcg << " -> '" << text << "': " << back.status();
    EXPECT_EQ(*back, mcg) << text;
  }
}

}  // namespace
}  // namespace estimator
