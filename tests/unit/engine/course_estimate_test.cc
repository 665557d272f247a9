// Hand-computed estimates against tests/testdata/rules (round numbers: in-network $500 deductible,
// 20%, $1,000 out-of-pocket maximum; TMS $300 first session, $200 later, 30-session limit;
// self-pay $250 a TMS session; out of network: 50% of the in-network fee allowed, $1,000
// deductible, 40%, clinic charges $400 / $300).
#include "service/engine/course_estimate.h"

#include "gtest/gtest.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

v1::EstimateCourseRequest Request(const std::string& payer, const std::string& plan,
                                  v1::Treatment treatment, const std::string& start) {
  v1::EstimateCourseRequest r;
  r.set_clinic_id("test_clinic");
  r.set_course_start_date(start);
  r.mutable_course()->set_treatment(treatment);
  if (payer.empty()) {
    r.mutable_coverage()->mutable_self_pay();
  } else {
    auto* ins = r.mutable_coverage()->mutable_insurance();
    ins->set_payer_id(payer);
    ins->set_plan_id(plan);
    ins->set_network(v1::NETWORK_IN_NETWORK);
    ins->mutable_met_so_far()->set_deductible_met_cents(0);
    ins->mutable_met_so_far()->set_out_of_pocket_met_cents(0);
  }
  return r;
}

v1::CourseEstimate Estimate(const v1::EstimateCourseRequest& r) {
  auto response = EstimateCourse(TestRules(), r, kToday);
  EXPECT_TRUE(response.ok()) << response.status();
  return response.ok() ? response->estimate() : v1::CourseEstimate{};
}

bool HasNotice(const v1::CourseEstimate& e, const std::string& code) {
  for (const auto& n : e.notices()) {
    if (n.code() == code) return true;
  }
  return false;
}

std::string NoticeText(const v1::CourseEstimate& e, const std::string& code) {
  for (const auto& n : e.notices()) {
    if (n.code() == code) return n.message();
  }
  return "";
}

TEST(CourseEstimateTest, OutOfPocketMaximumThenSessionLimit) {
  // s1 $300 deductible; s2 $200 deductible (met); then $40 a session: s3-s14 = $480 (total $980);
  // s15 pays the last $20 of the $1,000 maximum; s16-s30 $0. s31-s36 are over the 30-session
  // limit: 6 x $250 self-pay.
  v1::CourseEstimate e = Estimate(Request("testpayer", "ppo", v1::TREATMENT_TMS, "2026-03-02"));
  ASSERT_EQ(e.lines_size(), 36);
  EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH);
  EXPECT_EQ(e.lines(0).codes(0).code(), "90867");
  EXPECT_EQ(e.lines(0).deductible_cents(), 30000);
  EXPECT_EQ(e.lines(1).deductible_cents(), 20000);
  EXPECT_EQ(e.lines(2).coinsurance_cents(), 4000);
  EXPECT_EQ(e.lines(14).coinsurance_cents(), 2000);  // session 15: the cap is reached mid-line
  EXPECT_EQ(e.lines(14).payer_cents(), 18000);
  EXPECT_EQ(e.lines(15).patient_cents(), 0);
  EXPECT_EQ(e.lines(29).patient_cents(), 0);
  for (int i = 30; i < 36; ++i) {
    EXPECT_FALSE(e.lines(i).covered());
    EXPECT_EQ(e.lines(i).not_covered_reason(), v1::NOT_COVERED_REASON_OVER_SESSION_LIMIT);
    EXPECT_EQ(e.lines(i).patient_cents(), 25000);
  }
  EXPECT_EQ(e.totals().sessions_scheduled(), 36);
  EXPECT_EQ(e.totals().sessions_covered(), 30);
  EXPECT_EQ(e.totals().allowed_cents(), 30000 + 29 * 20000);
  EXPECT_EQ(e.totals().patient_cents(), 100000 + 6 * 25000);
  EXPECT_EQ(e.totals().payer_cents(), 30000 + 29 * 20000 - 100000);
  EXPECT_EQ(NoticeText(e, "OVER_SESSION_LIMIT"),
            "sessions 31-36 exceed the plan's session limit and are priced at the clinic's "
            "self-pay price.");
  EXPECT_TRUE(HasNotice(e, "PRIOR_AUTH_REQUIRED"));
  EXPECT_FALSE(HasNotice(e, "DEDUCTIBLE_MET_UNKNOWN"));
}

TEST(CourseEstimateTest, PlanYearResetMidCourse) {
  // From Mon 2026-12-14 (closed 12-25 and 01-01): 13 sessions in 2026, 23 in 2027.
  // 2026: $300 + $200 deductible, then 11 x $40 = $440 -> $940.
  // 2027: a fresh $500 deductible: $200, $200, then $100 + 20% x $100 = $120 -> $520;
  //       $40 a session reaches the $1,000 maximum after 12 more (s17-s28); s29-s30 $0;
  //       s31-s36 over the limit, 6 x $250.
  v1::CourseEstimate e = Estimate(Request("testpayer", "ppo", v1::TREATMENT_TMS, "2026-12-14"));
  ASSERT_EQ(e.plan_year_totals_size(), 2);
  EXPECT_EQ(e.plan_year_totals(0).plan_year_start(), "2026-01-01");
  EXPECT_EQ(e.plan_year_totals(0).totals().sessions_scheduled(), 13);
  EXPECT_EQ(e.plan_year_totals(0).totals().patient_cents(), 94000);
  EXPECT_EQ(e.plan_year_totals(1).plan_year_start(), "2027-01-01");
  EXPECT_EQ(e.plan_year_totals(1).totals().deductible_cents(), 50000);
  EXPECT_EQ(e.plan_year_totals(1).totals().patient_cents(), 100000 + 150000);
  EXPECT_EQ(e.totals().patient_cents(), 94000 + 250000);
  EXPECT_EQ(e.lines(13).date(), "2027-01-04");
  EXPECT_EQ(e.lines(13).deductible_cents(), 20000);
  EXPECT_EQ(NoticeText(e, "PLAN_YEAR_CROSSED"),
            "The course crosses into a new plan year on 2027-01-01: the deductible and "
            "out-of-pocket maximum start over for later sessions.");
}

TEST(CourseEstimateTest, OutOfNetworkWithBalanceBilling) {
  // Allowed 50%: $150 first, $100 later; billed $400 / $300: balance $250 + 29 x $200.
  // Deductible $1,000: $150 + 8 x $100 = $950, s10: $50 + 40% x $50 = $20; s11-s30: 20 x $40.
  v1::EstimateCourseRequest r = Request("testpayer", "ppo", v1::TREATMENT_TMS, "2026-03-02");
  r.mutable_coverage()->mutable_insurance()->set_network(v1::NETWORK_OUT_OF_NETWORK);
  v1::CourseEstimate e = Estimate(r);
  ASSERT_EQ(e.lines_size(), 36);
  EXPECT_EQ(e.lines(0).allowed_cents(), 15000);
  EXPECT_EQ(e.lines(0).billed_cents(), 40000);
  EXPECT_EQ(e.lines(0).balance_billed_cents(), 25000);
  EXPECT_EQ(e.lines(9).deductible_cents(), 5000);
  EXPECT_EQ(e.lines(9).coinsurance_cents(), 2000);
  EXPECT_EQ(e.totals().deductible_cents(), 100000);
  EXPECT_EQ(e.totals().coinsurance_cents(), 2000 + 20 * 4000);
  EXPECT_EQ(e.totals().balance_billed_cents(), 25000 + 29 * 20000);
  EXPECT_EQ(e.totals().not_covered_cents(), 6 * 25000);
  EXPECT_EQ(e.totals().patient_cents(), 100000 + 82000 + 605000 + 150000);
  EXPECT_EQ(e.totals().payer_cents(), 15000 + 29 * 10000 - 100000 - 82000);
  EXPECT_TRUE(HasNotice(e, "BALANCE_BILLING"));
}

TEST(CourseEstimateTest, MedicareTwentyPercentWithNoCap) {
  // $283 deductible, then 20%: s1 $283 + 20% x $17 = $3.40; s2-s36 35 x $40.
  v1::CourseEstimate e =
      Estimate(Request("testmedicare", "part_b", v1::TREATMENT_TMS, "2026-03-02"));
  EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_COVERED);
  EXPECT_EQ(e.lines(0).deductible_cents(), 28300);
  EXPECT_EQ(e.lines(0).coinsurance_cents(), 340);
  EXPECT_EQ(e.totals().patient_cents(), 28300 + 340 + 35 * 4000);
  EXPECT_EQ(e.totals().sessions_covered(), 36);
  EXPECT_TRUE(HasNotice(e, "NO_OUT_OF_POCKET_MAX"));
}

TEST(CourseEstimateTest, SelfPayPricesEverySessionAtTheClinicPrice) {
  v1::CourseEstimate e = Estimate(Request("", "", v1::TREATMENT_TMS, "2026-03-02"));
  EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_SELF_PAY);
  EXPECT_EQ(e.totals().patient_cents(), 36 * 25000);
  EXPECT_EQ(e.totals().payer_cents(), 0);
  EXPECT_EQ(e.totals().sessions_covered(), 0);
  for (const auto& line : e.lines()) {
    EXPECT_EQ(line.not_covered_reason(), v1::NOT_COVERED_REASON_SELF_PAY);
  }
  EXPECT_TRUE(HasNotice(e, "GOOD_FAITH_ESTIMATE"));
}

TEST(CourseEstimateTest, ExcludedTreatmentIsSelfPayWithTheReason) {
  // Ketamine: 6 infusions + 12 monthly boosters at $500, plus a $200 evaluation on the first.
  v1::CourseEstimate e =
      Estimate(Request("testpayer", "ppo", v1::TREATMENT_IV_KETAMINE, "2026-03-02"));
  EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_NOT_COVERED);
  EXPECT_EQ(e.coverage().explanation(),
            "Not covered: Ketamine infusion is experimental under this plan.");
  EXPECT_EQ(e.coverage().policy_section(), "TEST-1 Ketamine");
  ASSERT_EQ(e.lines_size(), 18);
  for (const auto& line : e.lines()) {
    EXPECT_EQ(line.not_covered_reason(), v1::NOT_COVERED_REASON_EXCLUDED_BY_POLICY);
  }
  EXPECT_EQ(e.totals().patient_cents(), 18 * 50000 + 20000);
  // Uncovered costs never touch the accumulators: no deductible notice either.
  EXPECT_EQ(e.totals().deductible_cents(), 0);
}

TEST(CourseEstimateTest, MaintenanceExcludedIsPricedAtSelfPay) {
  v1::EstimateCourseRequest r = Request("testpayer", "ppo", v1::TREATMENT_TMS, "2026-03-02");
  r.mutable_course()->set_protocol_id("tms_medicare_20_5");
  r.mutable_course()->mutable_maintenance()->set_months(3);
  r.mutable_course()->mutable_maintenance()->set_frequency(v1::MAINTENANCE_FREQUENCY_MONTHLY);
  v1::CourseEstimate e = Estimate(r);
  ASSERT_EQ(e.lines_size(), 28);
  for (int i = 25; i < 28; ++i) {
    EXPECT_EQ(e.lines(i).phase(), v1::PHASE_MAINTENANCE);
    EXPECT_EQ(e.lines(i).not_covered_reason(), v1::NOT_COVERED_REASON_MAINTENANCE_EXCLUDED);
    EXPECT_EQ(e.lines(i).not_covered_explanation(), "Maintenance TMS is not covered.");
    EXPECT_EQ(e.lines(i).patient_cents(), 25000);
  }
  ASSERT_EQ(e.phase_totals_size(), 3);
  EXPECT_EQ(e.phase_totals(2).totals().patient_cents(), 3 * 25000);
  EXPECT_EQ(NoticeText(e, "MAINTENANCE_EXCLUDED"),
            "Maintenance sessions 26-28 are not covered by the plan and are priced at the "
            "clinic's self-pay price.");
}

TEST(CourseEstimateTest, SpravatoUnderThePharmacyBenefitHasTwoLinesPerSession) {
  v1::EstimateCourseRequest r = Request("testpayer", "ppo", v1::TREATMENT_SPRAVATO, "2026-03-02");
  r.mutable_course()->mutable_spravato()->set_dose_mg(84);
  r.mutable_course()->mutable_spravato()->set_drug_benefit(v1::BENEFIT_PHARMACY);
  r.mutable_course()->mutable_maintenance()->set_months(0);
  v1::CourseEstimate e = Estimate(r);
  ASSERT_EQ(e.totals().sessions_scheduled(), 12);
  ASSERT_EQ(e.lines_size(), 24);
  // Session 1: visit $100 (medical, all deductible), drug 56 mg x $10 = $560 under pharmacy
  // with a $50 copay and no deductible.
  EXPECT_EQ(e.lines(0).benefit(), v1::BENEFIT_MEDICAL);
  EXPECT_EQ(e.lines(0).allowed_cents(), 10000);
  EXPECT_EQ(e.lines(1).benefit(), v1::BENEFIT_PHARMACY);
  EXPECT_EQ(e.lines(1).codes(0).units(), 56);
  EXPECT_EQ(e.lines(1).allowed_cents(), 56000);
  EXPECT_EQ(e.lines(1).copay_cents(), 5000);
  EXPECT_EQ(e.lines(1).deductible_cents(), 0);
  EXPECT_EQ(e.lines(3).codes(0).units(), 84);  // later sessions at 84 mg
  EXPECT_EQ(e.lines(3).allowed_cents(), 84000);
}

TEST(CourseEstimateTest, WhatEachCodeBillsIsSaidOncePerEstimate) {
  // Medical lines bill the visit, pharmacy lines the drug: two items, in order of first use.
  v1::EstimateCourseRequest r = Request("testpayer", "ppo", v1::TREATMENT_SPRAVATO, "2026-03-02");
  r.mutable_course()->mutable_spravato()->set_drug_benefit(v1::BENEFIT_PHARMACY);
  r.mutable_course()->mutable_maintenance()->set_months(0);
  v1::CourseEstimate e = Estimate(r);
  ASSERT_EQ(e.billed_items_size(), 2);
  EXPECT_EQ(e.billed_items(0).code(), "99214");
  EXPECT_EQ(e.billed_items(0).description(), "visit");
  EXPECT_EQ(e.billed_items(1).code(), "J0013");
  EXPECT_EQ(e.billed_items(1).description(), "esketamine 1 mg (pharmacy)");
  ASSERT_EQ(e.lines_size(), 24);
  for (int i = 0; i < e.lines_size(); ++i) {
    ASSERT_EQ(e.lines(i).codes_size(), 1);
    EXPECT_EQ(e.lines(i).codes(0).item(), i % 2) << "line " << i;
  }

  // The same code under the medical benefit is another item with the plan's other wording.
  r.mutable_course()->mutable_spravato()->set_drug_benefit(v1::BENEFIT_MEDICAL);
  e = Estimate(r);
  ASSERT_EQ(e.billed_items_size(), 2);
  EXPECT_EQ(e.billed_items(0).code(), "J0013");
  EXPECT_EQ(e.billed_items(0).description(), "esketamine 1 mg");
  EXPECT_EQ(e.billed_items(1).code(), "99214");

  // Self-pay items have no code: the clinic's price list names them.
  e = Estimate(Request("", "", v1::TREATMENT_IV_KETAMINE, "2026-03-02"));
  ASSERT_EQ(e.billed_items_size(), 2);
  EXPECT_EQ(e.billed_items(0).code(), "");
  EXPECT_EQ(e.billed_items(0).description(), "Ketamine infusion");
  EXPECT_EQ(e.billed_items(1).description(), "Evaluation");
  ASSERT_EQ(e.lines(0).codes_size(), 2);
  EXPECT_EQ(e.lines(0).codes(1).item(), 1);
  EXPECT_EQ(e.lines(1).codes_size(), 1);
  EXPECT_EQ(e.lines(1).codes(0).item(), 0);
}

TEST(CourseEstimateTest, UnknownAccumulatorsAreStatedAsAssumptions) {
  v1::EstimateCourseRequest r = Request("testpayer", "ppo", v1::TREATMENT_TMS, "2026-03-02");
  r.mutable_coverage()->mutable_insurance()->clear_met_so_far();
  v1::CourseEstimate e = Estimate(r);
  EXPECT_EQ(NoticeText(e, "DEDUCTIBLE_MET_UNKNOWN"),
            "Deductible met so far this plan year is unknown: assumed none met.");
  EXPECT_TRUE(HasNotice(e, "OUT_OF_POCKET_MET_UNKNOWN"));
  EXPECT_TRUE(HasNotice(e, "COVERAGE_TIER_ASSUMED"));
}

TEST(CourseEstimateTest, VerifiedBenefitsOverrideThePlan) {
  // Verified: deductible $0, coinsurance 10%, maximum $5,000: $30 + 29 x $20, no cap reached.
  v1::EstimateCourseRequest r = Request("testpayer", "ppo", v1::TREATMENT_TMS, "2026-03-02");
  auto* v = r.mutable_coverage()->mutable_insurance()->mutable_verified_benefits();
  v->set_deductible_cents(0);
  v->set_coinsurance_bp(1000);
  v->set_out_of_pocket_max_cents(500000);
  v1::CourseEstimate e = Estimate(r);
  EXPECT_EQ(e.totals().deductible_cents(), 0);
  EXPECT_EQ(e.totals().coinsurance_cents(), 3000 + 29 * 2000);
}

TEST(CourseEstimateTest, MetSoFarReducesWhatIsLeft) {
  // Deductible met in full and $900 spent: only $100 of room left.
  v1::EstimateCourseRequest r = Request("testpayer", "ppo", v1::TREATMENT_TMS, "2026-03-02");
  auto* met = r.mutable_coverage()->mutable_insurance()->mutable_met_so_far();
  met->set_deductible_met_cents(50000);
  met->set_out_of_pocket_met_cents(90000);
  v1::CourseEstimate e = Estimate(r);
  EXPECT_EQ(e.lines(0).coinsurance_cents(), 6000);  // 20% of $300
  EXPECT_EQ(e.lines(1).coinsurance_cents(), 4000);  // $100 room: $60 + $40 reaches it
  EXPECT_EQ(e.lines(2).patient_cents(), 0);
  EXPECT_EQ(e.totals().patient_cents(), 10000 + 6 * 25000);
}

TEST(CourseEstimateTest, LookupsFailWithTheIdThatWasNotFound) {
  auto r = Request("nobody", "ppo", v1::TREATMENT_TMS, "2026-03-02");
  auto result = EstimateCourse(TestRules(), r, kToday);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("'nobody'"), std::string::npos);

  r = Request("testpayer", "hmo", v1::TREATMENT_TMS, "2026-03-02");
  result = EstimateCourse(TestRules(), r, kToday);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("'hmo'"), std::string::npos);

  r = Request("testpayer", "ppo", v1::TREATMENT_TMS, "2026-03-02");
  r.set_clinic_id("elsewhere");
  result = EstimateCourse(TestRules(), r, kToday);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("'elsewhere'"), std::string::npos);

  r = Request("testpayer", "ppo", v1::TREATMENT_TMS, "2026-03-02");
  r.mutable_course()->set_protocol_id("spravato_label");
  result = EstimateCourse(TestRules(), r, kToday);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("course.protocol_id"), std::string::npos);

  r = Request("testpayer", "ppo", v1::TREATMENT_TMS, "2025-06-02");  // before the plan's rules
  result = EstimateCourse(TestRules(), r, kToday);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(result.status().message().find("2025-06-02"), std::string::npos);
}

TEST(CourseEstimateTest, CompareQuotesEveryOfferedTreatment) {
  v1::CompareTreatmentsRequest r;
  r.set_clinic_id("test_clinic");
  r.set_course_start_date("2026-03-02");
  r.mutable_coverage()->mutable_self_pay();
  auto result = CompareTreatments(TestRules(), r, kToday);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->estimates_size(), 3);
  EXPECT_EQ(result->estimates(0).treatment(), v1::TREATMENT_TMS);
  EXPECT_EQ(result->estimates(1).treatment(), v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(result->estimates(2).treatment(), v1::TREATMENT_IV_KETAMINE);
  EXPECT_EQ(result->rule_set_version(), TestRules().version());
  EXPECT_NE(result->summary().find("TMS: patient pays $9,000.00 for 36 sessions (self-pay)"),
            std::string::npos)
      << result->summary();
}

}  // namespace
}  // namespace estimator
