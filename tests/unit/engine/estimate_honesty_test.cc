// Issue 13's cases, worked by hand: the two pricing bugs found by the differential run (as
// reproduced there, on the bundled rules), and each notice and range end that says what decides
// a figure (on tests/testdata/rules: in-network $500 deductible, 20%, $1,000 out-of-pocket
// maximum; TMS $300 first session, $200 later, 30 sessions per course; self-pay $250 a session;
// Test Medicare: $283 deductible, 20%, no maximum, sessions after 25 only with documented
// improvement).
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/engine/course_estimate.h"
#include "service/engine/readiness.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::EstimateCourseRequest FromJson(const std::string& json) {
  v1::EstimateCourseRequest r;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &r).ok()) << json;
  return r;
}

absl::StatusOr<v1::CourseEstimate> Estimate(const RuleSet& rules,
                                            const v1::EstimateCourseRequest& r) {
  auto response = EstimateCourse(rules, r, kToday);
  if (!response.ok()) return response.status();
  return response->estimate();
}

const v1::Notice* FindNotice(const v1::CourseEstimate& e, const std::string& code) {
  for (const auto& n : e.notices()) {
    if (n.code() == code) return &n;
  }
  return nullptr;
}

// In network at the test clinic, TMS (30 + 6 taper), self-only, calendar plan year.
v1::EstimateCourseRequest TestTms(const std::string& start = "2026-03-02") {
  v1::EstimateCourseRequest r;
  r.set_clinic_id("test_clinic");
  r.set_course_start_date(start);
  r.mutable_course()->set_treatment(v1::TREATMENT_TMS);
  r.mutable_course()->set_protocol_id("tms_standard_30_6");
  r.mutable_course()->mutable_sessions_used()->set_this_plan_year(0);
  r.mutable_course()->mutable_sessions_used()->set_this_course(0);
  auto* ins = r.mutable_coverage()->mutable_insurance();
  ins->set_payer_id("testpayer");
  ins->set_plan_id("ppo");
  ins->set_network(v1::NETWORK_IN_NETWORK);
  ins->set_coverage_tier(v1::COVERAGE_TIER_SELF_ONLY);
  ins->mutable_plan_year_start()->set_month(1);
  ins->mutable_plan_year_start()->set_day(1);
  ins->mutable_met_so_far()->set_deductible_met_cents(0);
  ins->mutable_met_so_far()->set_out_of_pocket_met_cents(0);
  return r;
}

// The same, for Spravato 56 mg under the medical benefit, no maintenance (no prior authorization
// under the test PPO).
v1::EstimateCourseRequest TestSpravato() {
  v1::EstimateCourseRequest r = TestTms();
  r.mutable_course()->set_treatment(v1::TREATMENT_SPRAVATO);
  r.mutable_course()->clear_protocol_id();
  r.mutable_course()->mutable_spravato()->set_dose_mg(56);
  r.mutable_course()->mutable_spravato()->set_drug_benefit(v1::BENEFIT_MEDICAL);
  r.mutable_course()->mutable_maintenance()->set_months(0);
  return r;
}

// ---- the two bugs --------------------------------------------------------------------------------

TEST(EstimateHonestyTest, SpravatoPharmacyLineUsesTheInNetworkAmountsOutOfNetwork) {
  // Out of network, the out-of-network maximum is met ($12,000 of $12,000), but the pharmacy
  // benefit counts toward the in-network amounts, which have room: 25% of $630.00 (56 mg) on
  // each of the 12 drug lines, $157.50 each, on top of the medical lines.
  const auto e = Estimate(BundledRules(), FromJson(R"({"clinic_id":"riverbend","course_start_date":"2026-03-02","coverage":{"insurance":{"payer_id":"aetna","plan_id":"open_access_ppo","network":"NETWORK_OUT_OF_NETWORK","coverage_tier":"COVERAGE_TIER_SELF_ONLY","met_so_far":{"deductible_met_cents":"300000","out_of_pocket_met_cents":"1200000"}}},"course":{"treatment":"TREATMENT_SPRAVATO","spravato":{"dose_mg":56,"drug_benefit":"BENEFIT_PHARMACY"},"maintenance":{"months":0}}})"));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->totals().patient_cents(), 738600);
  int drug_lines = 0;
  for (const auto& l : e->lines()) {
    if (l.benefit() != v1::BENEFIT_PHARMACY) continue;
    ++drug_lines;
    EXPECT_EQ(l.allowed_cents(), 63000);
    EXPECT_EQ(l.coinsurance_cents(), 15750);
    EXPECT_EQ(l.deductible_cents(), 0);
  }
  EXPECT_EQ(drug_lines, 12);
  // The in-network amounts met were not given: said, and the range's low end has them met.
  ASSERT_NE(FindNotice(*e, "IN_NETWORK_OUT_OF_POCKET_MET_UNKNOWN"), nullptr);
  const v1::Notice* how = FindNotice(*e, "PHARMACY_ACCUMULATORS");
  ASSERT_NE(how, nullptr);
  EXPECT_THAT(how->message(), HasSubstr("in-network out-of-pocket maximum"));
  EXPECT_THAT(how->message(), HasSubstr("even though the clinic is out of network"));
  EXPECT_LT(e->patient_range().low_cents(), e->totals().patient_cents());
}

TEST(EstimateHonestyTest, AmountsMetStayInThePlanYearOfTheRequestedStart) {
  // Requested Sunday 2026-05-31, the last day of a plan year starting June 1: the first session
  // is Monday June 1, in the new plan year, so the $1,500 / $6,000 met do not apply to it.
  const auto e = Estimate(BundledRules(), FromJson(R"({"clinic_id":"riverbend","course_start_date":"2026-05-31","coverage":{"insurance":{"payer_id":"aetna","plan_id":"open_access_ppo","network":"NETWORK_IN_NETWORK","coverage_tier":"COVERAGE_TIER_SELF_ONLY","plan_year_start":{"month":6,"day":1},"met_so_far":{"deductible_met_cents":"150000","out_of_pocket_met_cents":"600000"}}},"course":{"treatment":"TREATMENT_TMS","protocol_id":"tms_standard_30_6"}})"));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->lines(0).date(), "2026-06-01");
  EXPECT_EQ(e->lines(0).plan_year_start(), "2026-06-01");
  EXPECT_EQ(e->totals().patient_cents(), 273400);
  EXPECT_EQ(e->lines(0).deductible_cents(), 32000);  // a fresh deductible
  const v1::Notice* n = FindNotice(*e, "MET_SO_FAR_OTHER_PLAN_YEAR");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->message(),
            "The amounts met so far describe the plan year that began 2025-06-01; the first "
            "covered session, on 2026-06-01, falls in the plan year that begins 2026-06-01, "
            "where nothing is assumed met yet.");
}

// ---- inputs that decide the figure ---------------------------------------------------------------

TEST(EstimateHonestyTest, OutOfPocketMetIsAtLeastTheDeductibleMet) {
  // Deductible met in full ($500), out-of-pocket met not given: at least $500 of the $1,000
  // maximum is met. Sessions 1-30 at 20%: $60 + 29 x $40 = $1,220, capped at the $500 left;
  // sessions 31-36 over the 30-session limit at $250: $1,500. Total $2,000.
  v1::EstimateCourseRequest r = TestTms();
  r.mutable_coverage()->mutable_insurance()->mutable_met_so_far()->set_deductible_met_cents(50000);
  r.mutable_coverage()->mutable_insurance()->mutable_met_so_far()->clear_out_of_pocket_met_cents();
  const auto e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->totals().patient_cents(), 200000);
  const v1::Notice* n = FindNotice(*e, "OUT_OF_POCKET_MET_FROM_DEDUCTIBLE");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->message(), "Out-of-pocket spending so far this plan year is unknown: taken as the "
                          "$500.00 of deductible met, which counts toward it.");
  EXPECT_EQ(FindNotice(*e, "OUT_OF_POCKET_MET_UNKNOWN"), nullptr);
  // The low end has the rest of the maximum met too: only the over-limit sessions, $1,500.
  EXPECT_EQ(e->patient_range().low_cents(), 150000);
}

TEST(EstimateHonestyTest, FamilyOutOfPocketMetBelowFamilyDeductibleMetIsRefused) {
  v1::EstimateCourseRequest r = TestTms();
  auto* met = r.mutable_coverage()->mutable_insurance()->mutable_met_so_far();
  met->set_family_deductible_met_cents(80000);
  met->set_family_out_of_pocket_met_cents(70000);
  const auto e = Estimate(TestRules(), r);
  ASSERT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(e.status().message()),
              HasSubstr("coverage.insurance.met_so_far.family_out_of_pocket_met_cents"));
}

TEST(EstimateHonestyTest, VerifiedBenefitsHoldInTheirPlanYearUnlessSaidOtherwise) {
  // Deductible met; verified coinsurance 10%. TMS from 2026-12-01 runs into 2027: 2026's later
  // sessions are 10% of $200 ($20); 2027 starts a fresh $500 deductible and the plan's 20%.
  v1::EstimateCourseRequest r = TestTms("2026-12-01");
  auto* ins = r.mutable_coverage()->mutable_insurance();
  ins->mutable_met_so_far()->set_deductible_met_cents(50000);
  ins->mutable_met_so_far()->set_out_of_pocket_met_cents(50000);
  ins->mutable_verified_benefits()->set_coinsurance_bp(1000);
  auto e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  const v1::EstimateLine* last_2026 = nullptr;
  const v1::EstimateLine* first_2027_after_deductible = nullptr;
  for (const auto& l : e->lines()) {
    if (l.plan_year_start() == "2026-01-01") last_2026 = &l;
    if (l.plan_year_start() == "2027-01-01" && l.deductible_cents() == 0 && l.covered() &&
        first_2027_after_deductible == nullptr) {
      first_2027_after_deductible = &l;
    }
  }
  ASSERT_NE(last_2026, nullptr);
  ASSERT_NE(first_2027_after_deductible, nullptr);
  EXPECT_EQ(last_2026->coinsurance_cents(), 2000);
  EXPECT_EQ(first_2027_after_deductible->coinsurance_cents(), 4000);
  const v1::Notice* n = FindNotice(*e, "VERIFIED_BENEFITS");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->message(),
            "Verified benefits (coinsurance 10%) replace the plan's values for in-network "
            "services in the plan year that contains 2026-12-01. From 2027-01-01 the plan's own "
            "values are used; say whether the verified values still hold then "
            "(verified_benefits_for_later_plan_years).");

  ins->set_verified_benefits_for_later_plan_years(true);
  e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  for (const auto& l : e->lines()) {
    if (l.plan_year_start() == "2027-01-01" && l.covered() && l.deductible_cents() == 0) {
      EXPECT_EQ(l.coinsurance_cents(), 2000) << l.date();
    }
  }
  EXPECT_THAT(FindNotice(*e, "VERIFIED_BENEFITS")->message(),
              HasSubstr("They are also used from 2027-01-01"));
}

TEST(EstimateHonestyTest, SessionsAlreadyUsedCountAgainstTheLimit) {
  // 25 of the 30 covered sessions of this course were used: sessions 1-5 covered, 6-36 at $250.
  v1::EstimateCourseRequest r = TestTms();
  r.mutable_course()->mutable_sessions_used()->set_this_course(25);
  auto e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->totals().sessions_covered(), 5);
  EXPECT_EQ(FindNotice(*e, "OVER_SESSION_LIMIT")->message(),
            "sessions 6-36 exceed the plan's session limit and are priced at the clinic's "
            "self-pay price.");
  EXPECT_EQ(FindNotice(*e, "SESSIONS_USED_UNKNOWN"), nullptr);
  // Not said: assumed none, and said so.
  r.mutable_course()->clear_sessions_used();
  e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->totals().sessions_covered(), 30);
  ASSERT_NE(FindNotice(*e, "SESSIONS_USED_UNKNOWN"), nullptr);
  // Out of range: refused naming the field.
  r.mutable_course()->mutable_sessions_used()->set_this_plan_year(-1);
  EXPECT_THAT(std::string(Estimate(TestRules(), r).status().message()),
              HasSubstr("course.sessions_used.this_plan_year"));
}

TEST(EstimateHonestyTest, DefaultProtocolIsNamedAsTheRuleFilesDefault) {
  v1::EstimateCourseRequest r = TestTms();
  r.mutable_course()->clear_protocol_id();
  const auto e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(FindNotice(*e, "PROTOCOL_DEFAULT")->message(),
              HasSubstr("no protocol was asked for; this is the rule files' default TMS "
                        "protocol"));
}

TEST(EstimateHonestyTest, SessionsBeforeThePriceListTakesEffectAreWarnedAbout) {
  // The test clinic's prices take effect 2026-01-01; a self-pay course from 2025-12-15 uses them.
  v1::EstimateCourseRequest r = TestTms("2025-12-15");
  r.mutable_coverage()->mutable_self_pay();
  const auto e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  const v1::Notice* n = FindNotice(*e, "PRICES_NOT_YET_IN_EFFECT");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->message(), "Test Clinic's price list takes effect on 2026-01-01; sessions before "
                          "then are priced with it all the same.");
  EXPECT_EQ(FindNotice(*Estimate(TestRules(), TestTms()), "PRICES_NOT_YET_IN_EFFECT"), nullptr);
}

// ---- what starts over, and who approves --------------------------------------------------------

TEST(EstimateHonestyTest, ANewPlanYearSaysOnlyWhatStartsOver) {
  // Test Medicare has a deductible and no out-of-pocket maximum.
  v1::EstimateCourseRequest r = TestTms("2026-12-01");
  r.mutable_coverage()->mutable_insurance()->set_payer_id("testmedicare");
  r.mutable_coverage()->mutable_insurance()->set_plan_id("part_b");
  const auto e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(FindNotice(*e, "PLAN_YEAR_CROSSED")->message(),
            "The course crosses into a new plan year on 2027-01-01: the deductible starts over "
            "for later sessions.");
  EXPECT_THAT(e->plain_summary(),
              HasSubstr("The course runs into a new plan year on 2027-01-01, when your "
                        "deductible starts over."));
  EXPECT_THAT(e->plain_summary(), testing::Not(HasSubstr("out-of-pocket")));
}

TEST(EstimateHonestyTest, APlanWithoutPriorAuthorizationIsNotSaidToApprove) {
  // Original Medicare checks its TMS criteria on claims: no prior authorization. A chart that
  // does not show them met is priced at self-pay, and nothing speaks of Medicare approving.
  v1::EstimateCourseRequest r = FromJson(R"({"clinic_id":"riverbend","course_start_date":"2026-03-02","coverage":{"insurance":{"payer_id":"medicare","plan_id":"part_b","network":"NETWORK_IN_NETWORK"}},"course":{"treatment":"TREATMENT_TMS"},"documentation":{"asOfDate":"2026-02-20","ageYears":14}})");
  const auto e = Estimate(BundledRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->coverage().status(), v1::COVERAGE_STATUS_CRITERIA_NOT_MET);
  EXPECT_THAT(e->plain_summary(), testing::Not(HasSubstr("approves")));
  EXPECT_THAT(e->plain_summary(), HasSubstr("Once your records show Medicare's criteria are met, "
                                            "you would pay about"));
  ASSERT_NE(FindNotice(*e, "CRITERIA_NOT_MET"), nullptr);
  EXPECT_EQ(FindNotice(*e, "PRIOR_AUTH_NOT_READY"), nullptr);
  for (const auto& w : e->patient_range().low_assumptions()) {
    EXPECT_THAT(w, testing::Not(HasSubstr("approves"))) << w;
  }
}

// ---- holidays ------------------------------------------------------------------------------------

TEST(EstimateHonestyTest, LakeshoreCoursesIn2027SkipItsHolidays) {
  // Lakeshore's hand-listed dates used to stop at 2027-01-01, so a 2027 course landed on Memorial
  // Day. Now its observed federal holidays are computed for every year.
  const auto e = Estimate(BundledRules(), FromJson(R"({"clinic_id":"lakeshore","course_start_date":"2027-05-17","coverage":{"selfPay":{}},"course":{"treatment":"TREATMENT_TMS","protocol_id":"tms_standard_30_6","maintenance":{"months":0}}})"));
  ASSERT_TRUE(e.ok()) << e.status();
  for (const auto& l : e->lines()) {
    EXPECT_NE(l.date(), "2027-05-31") << "Memorial Day";
    EXPECT_NE(l.date(), "2027-07-05") << "Independence Day, observed";
  }
  EXPECT_EQ(FindNotice(*e, "CLOSED_DATES_NOT_DECLARED"), nullptr);
}

TEST(EstimateHonestyTest, ASchedulePastTheDeclaredClosedDatesIsWarnedAbout) {
  // Riverbend declares its own closures through 2027-12-31; monthly maintenance runs into 2028.
  const auto e = Estimate(BundledRules(), FromJson(R"({"clinic_id":"riverbend","course_start_date":"2027-11-01","coverage":{"selfPay":{}},"course":{"treatment":"TREATMENT_IV_KETAMINE","maintenance":{"months":3,"frequency":"MAINTENANCE_FREQUENCY_MONTHLY"}}})"));
  ASSERT_TRUE(e.ok()) << e.status();
  const v1::Notice* n = FindNotice(*e, "CLOSED_DATES_NOT_DECLARED");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->message(),
            "Riverbend Behavioral Health has listed its own closed days only through 2027-12-31; "
            "later sessions are scheduled on every weekday but the federal holidays it "
            "observes, so a closure not yet listed could move them.");
  // New Year's Day 2028 is a Saturday, observed Friday 2027-12-31: no session on it.
  for (const auto& l : e->lines()) EXPECT_NE(l.date(), "2027-12-31");
}

// ---- ranges --------------------------------------------------------------------------------------

TEST(EstimateHonestyTest, NothingUnknownGivesNoRange) {
  // Spravato under the test PPO needs no prior authorization; everything else is stated.
  v1::EstimateCourseRequest r = TestSpravato();
  const auto e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->patient_range().low_cents(), e->totals().patient_cents());
  EXPECT_EQ(e->patient_range().high_cents(), e->totals().patient_cents());
  EXPECT_THAT(e->patient_range().low_assumptions(), IsEmpty());
  EXPECT_THAT(e->patient_range().high_assumptions(), IsEmpty());
  EXPECT_THAT(e->plain_summary(), testing::Not(HasSubstr("as little as")));
}

TEST(EstimateHonestyTest, PriorAuthorizationDeniedIsTheHighEnd) {
  // Figure: $300 + $200 deductible, then 20% until the $1,000 maximum; 6 over-limit sessions at
  // $250: $2,500. Denied: 36 sessions at $250 = $9,000.
  const auto e = Estimate(TestRules(), TestTms());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->totals().patient_cents(), 250000);
  EXPECT_EQ(e->patient_range().low_cents(), 250000);
  EXPECT_THAT(e->patient_range().low_assumptions(), IsEmpty());
  EXPECT_EQ(e->patient_range().high_cents(), 900000);
  EXPECT_THAT(e->patient_range().high_assumptions(),
              ElementsAre("Test Payer denies the prior authorization, so every session is at "
                          "the clinic's self-pay price"));
  EXPECT_THAT(e->plain_summary(),
              HasSubstr("it could be as little as $2,500.00 or as much as $9,000.00 (if Test "
                        "Payer denies the prior authorization"));
}

TEST(EstimateHonestyTest, UnknownAmountsMetGiveTheLowEnd) {
  // Nothing said about amounts met: the figure assumes none ($2,500); with the deductible and
  // the maximum already met, only the 6 over-limit sessions are paid: $1,500.
  v1::EstimateCourseRequest r = TestTms();
  r.mutable_coverage()->mutable_insurance()->clear_met_so_far();
  const auto e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->totals().patient_cents(), 250000);
  EXPECT_EQ(e->patient_range().low_cents(), 150000);
  EXPECT_THAT(e->patient_range().low_assumptions(),
              ElementsAre("the deductible and out-of-pocket maximum are already met this plan "
                          "year"));
}

TEST(EstimateHonestyTest, ProgressConditionIsPricedCoveredAndItsAbsenceIsTheHighEnd) {
  // Test Medicare, deductible met, no maximum: 20% of $300, then of $200 ($40) a session.
  // Figure: sessions 1-36 covered: $60 + 35 x $40 = $1,460. Without the documented improvement,
  // sessions 26-36 are self-pay: $60 + 24 x $40 + 11 x $250 = $3,770.
  v1::EstimateCourseRequest r = TestTms();
  auto* ins = r.mutable_coverage()->mutable_insurance();
  ins->set_payer_id("testmedicare");
  ins->set_plan_id("part_b");
  ins->mutable_met_so_far()->set_deductible_met_cents(28300);
  ins->mutable_met_so_far()->set_out_of_pocket_met_cents(28300);
  const auto e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->totals().patient_cents(), 146000);
  EXPECT_EQ(FindNotice(*e, "PROGRESS_CONDITION")->message(),
            "sessions 26-36 are priced as covered, assuming documented improvement of at least "
            "25%; "
            "without it the plan pays none of them and they are the patient's at the clinic's "
            "self-pay price.");
  EXPECT_EQ(e->patient_range().low_cents(), 146000);
  EXPECT_EQ(e->patient_range().high_cents(), 377000);
  EXPECT_THAT(e->patient_range().high_assumptions(),
              ElementsAre("there is no documented improvement of at least 25%, so sessions "
                          "26-36 are at the clinic's self-pay price"));
}

TEST(EstimateHonestyTest, UnknownPlanYearStartCanCrossMidCourse) {
  // Spravato 56 mg under the medical benefit, no prior authorization: $560 drug + $100 visit =
  // $660 a session. Deductible met, $500 of the $1,000 maximum left; plan year not given.
  // Figure (calendar year): 12 sessions from 2026-03-02 at 20% ($132) reach the $500 left: $500.
  // A plan year starting April 1 gives the 4 April sessions (weekly, Thursdays) a fresh year:
  // $500 deductible + 20% of $160 ($532), then $132 three times: $928. High end $1,428.
  v1::EstimateCourseRequest r = TestSpravato();
  auto* ins = r.mutable_coverage()->mutable_insurance();
  ins->clear_plan_year_start();
  ins->mutable_met_so_far()->set_deductible_met_cents(50000);
  ins->mutable_met_so_far()->set_out_of_pocket_met_cents(50000);
  const auto e = Estimate(TestRules(), r);
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->lines_size(), 12);
  EXPECT_EQ(e->lines(8).date(), "2026-04-02");
  EXPECT_EQ(e->totals().patient_cents(), 50000);
  EXPECT_EQ(e->patient_range().low_cents(), 50000);
  EXPECT_THAT(e->patient_range().low_assumptions(), IsEmpty());
  EXPECT_EQ(e->patient_range().high_cents(), 142800);
  EXPECT_THAT(e->patient_range().high_assumptions(),
              ElementsAre("the plan year starts each year on April 1"));
}

// A decision names the documents it comes from: the plan's sources about its treatment and those
// about the whole plan, never another treatment's policy (Aetna's ketamine bulletin is no source
// of its TMS decision).
std::vector<std::string> SourceIds(const v1::CoverageDecision& d) {
  std::vector<std::string> ids;
  for (const auto& s : d.sources()) ids.push_back(s.document_id());
  return ids;
}

TEST(EstimateHonestyTest, EachDecisionNamesItsOwnTreatmentsSources) {
  v1::CompareTreatmentsRequest r;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  R"({"clinic_id":"riverbend","course_start_date":"2026-03-02","coverage":{"insurance":{"payer_id":"aetna","plan_id":"open_access_ppo","network":"NETWORK_IN_NETWORK"}}})",
                  &r)
                  .ok());
  auto aetna = CompareTreatments(BundledRules(), r, kToday);
  ASSERT_TRUE(aetna.ok()) << aetna.status();
  std::map<v1::Treatment, std::vector<std::string>> ids;
  for (const auto& e : aetna->estimates()) ids[e.treatment()] = SourceIds(e.coverage());
  EXPECT_THAT(ids[v1::TREATMENT_TMS], ElementsAre("Aetna CPB 0469"));
  EXPECT_THAT(ids[v1::TREATMENT_SPRAVATO],
              ElementsAre("Aetna Specialty Pharmacy Clinical Policy Bulletin: Spravato (esketamine)"));
  EXPECT_THAT(ids[v1::TREATMENT_IV_KETAMINE], ElementsAre("Aetna CPB 0938"));

  // Medicare: the Part B deductible's fact sheet is about the whole plan, so every decision has it.
  r.mutable_coverage()->mutable_insurance()->set_payer_id("medicare");
  r.mutable_coverage()->mutable_insurance()->set_plan_id("part_b");
  auto medicare = CompareTreatments(BundledRules(), r, kToday);
  ASSERT_TRUE(medicare.ok()) << medicare.status();
  for (const auto& e : medicare->estimates()) ids[e.treatment()] = SourceIds(e.coverage());
  EXPECT_THAT(ids[v1::TREATMENT_TMS],
              ElementsAre(HasSubstr("CMS fact sheet: 2026 Medicare Parts A & B"), "LCD L34641"));
  EXPECT_THAT(ids[v1::TREATMENT_IV_KETAMINE],
              ElementsAre(HasSubstr("CMS fact sheet: 2026 Medicare Parts A & B")));
  EXPECT_THAT(ids[v1::TREATMENT_SPRAVATO],
              ElementsAre(HasSubstr("CMS fact sheet"), HasSubstr("HCPCS G2082 / G2083"),
                          HasSubstr("SPRAVATO US Prescribing Information")));
}

// Over every bundled plan version and treatment, readiness answers name the same documents: each
// cites at least one, and none that the plan file marks as about other treatments only.
TEST(EstimateHonestyTest, EveryReadinessAnswerCitesItsTreatmentsSourcesOnly) {
  int checked = 0;
  for (const PlanVersion* v : BundledRules().AllPlanVersions()) {
    for (v1::Treatment t :
         {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO, v1::TREATMENT_IV_KETAMINE}) {
      const v1::ReadinessAssessment a =
          AssessReadiness(BundledRules(), *v, t, v1::NETWORK_IN_NETWORK,
                          v1::PatientDocumentation(), kToday);
      EXPECT_GE(a.sources_size(), 1) << v->file << " " << v1::Treatment_Name(t);
      for (const auto& cited : a.sources()) {
        const auto& about = cited.treatments();
        EXPECT_TRUE(about.empty() || std::find(about.begin(), about.end(), t) != about.end())
            << v->file << " " << v1::Treatment_Name(t) << " cites " << cited.document_id();
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 30);
}

}  // namespace
}  // namespace estimator
