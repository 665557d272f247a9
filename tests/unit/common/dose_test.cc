#include "service/common/dose.h"

#include <cstdint>
#include <string>

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
  }
}

TEST(DoseTest, WrongUnitMessageTellsHowToWriteADose) {
  auto dose = ParseDoseMcg("150 mL", "trials[0].daily_dose");
  ASSERT_FALSE(dose.ok());
  EXPECT_EQ(dose.status().message(),
            "trials[0].daily_dose: unit 'mL' is not a dose unit; write the daily dose in mg or "
            "mcg, e.g. \"100 mg\"");
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
