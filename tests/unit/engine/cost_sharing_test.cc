// Hand-computed cost-sharing cases. Amounts in cents; the comments show the arithmetic.
#include "service/engine/cost_sharing.h"

#include "gtest/gtest.h"

namespace estimator {
namespace {

Money C(int64_t cents) { return Money::Cents(cents); }

PlanYearLimits Limits(int64_t deductible, std::optional<int64_t> oop_max) {
  PlanYearLimits l;
  l.deductible = C(deductible);
  if (oop_max) l.out_of_pocket_max = C(*oop_max);
  return l;
}

LineTerms Coinsurance(int32_t bp) {
  LineTerms t;
  t.coinsurance_bp = bp;
  return t;
}

TEST(CostSharingTest, DeductibleSpansSeveralSessions) {
  // $500 deductible, 20%, $200 a session.
  PlanYearAccumulator year(Limits(50000, 500000), {});
  LineShare s1 = year.Apply(C(20000), Coinsurance(2000));
  LineShare s2 = year.Apply(C(20000), Coinsurance(2000));
  LineShare s3 = year.Apply(C(20000), Coinsurance(2000));
  LineShare s4 = year.Apply(C(20000), Coinsurance(2000));
  EXPECT_EQ(s1.deductible, C(20000));
  EXPECT_EQ(s1.coinsurance, C(0));
  EXPECT_EQ(s2.deductible, C(20000));
  EXPECT_EQ(s3.deductible, C(10000));    // the last $100 of the deductible
  EXPECT_EQ(s3.coinsurance, C(2000));    // 20% of the other $100
  EXPECT_EQ(s4.deductible, C(0));
  EXPECT_EQ(s4.coinsurance, C(4000));    // 20% of $200
  EXPECT_EQ(year.RemainingDeductible(), C(0));
  EXPECT_EQ(*year.RemainingOutOfPocket(), C(500000 - 50000 - 2000 - 4000));
}

TEST(CostSharingTest, OutOfPocketMaximumReachedDuringASession) {
  // No deductible, 50%, $250 maximum, $200 a session: $100, $100, then only $50 of $100.
  PlanYearAccumulator year(Limits(0, 25000), {});
  EXPECT_EQ(year.Apply(C(20000), Coinsurance(5000)).patient(), C(10000));
  EXPECT_EQ(year.Apply(C(20000), Coinsurance(5000)).patient(), C(10000));
  LineShare third = year.Apply(C(20000), Coinsurance(5000));
  EXPECT_EQ(third.coinsurance, C(5000));
  EXPECT_EQ(*year.RemainingOutOfPocket(), C(0));
  EXPECT_EQ(year.Apply(C(20000), Coinsurance(5000)).patient(), C(0));
}

TEST(CostSharingTest, CapTrimsCoinsuranceThenDeductibleThenCopay) {
  // $30 of room left; the line would be copay $20 + deductible $50 + coinsurance $26.
  MetSoFar met;
  met.out_of_pocket = C(97000);
  PlanYearAccumulator year(Limits(50000, 100000), met);
  LineTerms terms;
  terms.copay = C(2000);
  terms.coinsurance_bp = 2000;
  LineShare share = year.Apply(C(20000), terms);
  EXPECT_EQ(share.copay, C(2000));
  EXPECT_EQ(share.deductible, C(1000));
  EXPECT_EQ(share.coinsurance, C(0));
  EXPECT_EQ(share.patient(), C(3000));
}

TEST(CostSharingTest, CopayThenDeductibleThenCoinsurance) {
  // $20 copay, $50 of deductible left, 20% of the remaining $130 = $26.
  MetSoFar met;
  met.deductible = C(45000);
  met.out_of_pocket = C(45000);
  PlanYearAccumulator year(Limits(50000, 600000), met);
  LineTerms terms;
  terms.copay = C(2000);
  terms.coinsurance_bp = 2000;
  LineShare share = year.Apply(C(20000), terms);
  EXPECT_EQ(share.copay, C(2000));
  EXPECT_EQ(share.deductible, C(5000));
  EXPECT_EQ(share.coinsurance, C(2600));
}

TEST(CostSharingTest, DeductibleWaivedSkipsIt) {
  PlanYearAccumulator year(Limits(50000, 600000), {});
  LineTerms terms;
  terms.copay = C(3000);
  terms.deductible_applies = false;
  LineShare share = year.Apply(C(20000), terms);
  EXPECT_EQ(share.copay, C(3000));
  EXPECT_EQ(share.deductible, C(0));
  EXPECT_EQ(share.coinsurance, C(0));
  EXPECT_EQ(year.RemainingDeductible(), C(50000));
}

TEST(CostSharingTest, CopayNeverExceedsTheAllowedAmount) {
  PlanYearAccumulator year(Limits(0, 600000), {});
  LineTerms terms;
  terms.copay = C(5000);
  EXPECT_EQ(year.Apply(C(3000), terms).copay, C(3000));
}

TEST(CostSharingTest, MedicareHasNoCap) {
  // $283 deductible, then 20% forever: 100 sessions of $200.
  PlanYearAccumulator year(Limits(28300, std::nullopt), {});
  Money total;
  for (int i = 0; i < 100; ++i) total += year.Apply(C(20000), Coinsurance(2000)).patient();
  // 28300 + 20% of (2,000,000 - 28300) = 28300 + 394340
  EXPECT_EQ(total, C(28300 + 394340));
  EXPECT_FALSE(year.RemainingOutOfPocket().has_value());
}

TEST(CostSharingTest, EmbeddedFamilyDeductibleCapsTheIndividualOne) {
  PlanYearLimits l = Limits(100000, 600000);
  l.family_deductible = C(200000);
  l.family_kind = v1::FAMILY_DEDUCTIBLE_KIND_EMBEDDED;
  MetSoFar met;
  met.family_deductible = C(190000);  // others in the family met most of it
  PlanYearAccumulator year(l, met);
  EXPECT_EQ(year.RemainingDeductible(), C(10000));
  LineShare share = year.Apply(C(20000), Coinsurance(2000));
  EXPECT_EQ(share.deductible, C(10000));
  EXPECT_EQ(share.coinsurance, C(2000));
}

TEST(CostSharingTest, AggregateFamilyDeductibleIgnoresTheIndividualOne) {
  PlanYearLimits l = Limits(100000, 600000);
  l.family_deductible = C(300000);
  l.family_kind = v1::FAMILY_DEDUCTIBLE_KIND_AGGREGATE;
  MetSoFar met;
  met.deductible = C(100000);  // this patient met "their" amount, but only the family total counts
  met.family_deductible = C(150000);
  met.out_of_pocket = C(100000);
  met.family_out_of_pocket = C(150000);
  PlanYearAccumulator year(l, met);
  EXPECT_EQ(year.RemainingDeductible(), C(150000));
}

TEST(CostSharingTest, FamilyOutOfPocketMaximumEmbedsTheIndividualOne) {
  PlanYearLimits l = Limits(0, 600000);
  l.family_out_of_pocket_max = C(1200000);
  MetSoFar met;
  met.family_out_of_pocket = C(1190000);
  PlanYearAccumulator year(l, met);
  EXPECT_EQ(*year.RemainingOutOfPocket(), C(10000));
  EXPECT_EQ(year.Apply(C(100000), Coinsurance(5000)).patient(), C(10000));
}

}  // namespace
}  // namespace estimator
