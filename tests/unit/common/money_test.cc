#include "service/common/money.h"

#include "gtest/gtest.h"

namespace estimator {
namespace {

TEST(MoneyTest, ShareRoundsHalfUpToTheCent) {
  EXPECT_EQ(Money::Cents(12345).ShareInBasisPoints(2000), Money::Cents(2469));  // 2469.0
  EXPECT_EQ(Money::Cents(12347).ShareInBasisPoints(2000), Money::Cents(2469));  // 2469.4
  EXPECT_EQ(Money::Cents(12348).ShareInBasisPoints(2000), Money::Cents(2470));  // 2469.6
  EXPECT_EQ(Money::Cents(1).ShareInBasisPoints(5000), Money::Cents(1));         // 0.5 -> 1
  EXPECT_EQ(Money::Cents(1).ShareInBasisPoints(4999), Money::Cents(0));         // 0.4999 -> 0
  EXPECT_EQ(Money::Cents(3).ShareInBasisPoints(3333), Money::Cents(1));         // 0.9999 -> 1
  EXPECT_EQ(Money::Cents(kMaxMoneyCents).ShareInBasisPoints(10000), Money::Cents(kMaxMoneyCents));
  EXPECT_EQ(Money::Cents(777).ShareInBasisPoints(0), Money::Zero());
}

TEST(MoneyTest, FormatsDollarsWithGrouping) {
  EXPECT_EQ(FormatMoney(Money::Cents(0)), "$0.00");
  EXPECT_EQ(FormatMoney(Money::Cents(5)), "$0.05");
  EXPECT_EQ(FormatMoney(Money::Cents(123456789)), "$1,234,567.89");
  EXPECT_EQ(FormatMoney(Money::Cents(100000)), "$1,000.00");
  EXPECT_EQ(FormatMoney(Money::Cents(-2550)), "-$25.50");
}

TEST(MoneyTest, FormatsBasisPointsAsPercent) {
  EXPECT_EQ(FormatBasisPoints(2000), "20%");
  EXPECT_EQ(FormatBasisPoints(1250), "12.5%");
  EXPECT_EQ(FormatBasisPoints(1), "0.01%");
}

}  // namespace
}  // namespace estimator
