// Good Faith Estimates: the clinic's business days and the deadline, the estimate built from a
// self-pay course (12-month cut, items, provider, disclaimers), replacement, the dispute check and
// the printable page. On the bundled rules (Riverbend has a provider identity) and the test rules
// (test_clinic has none).
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/common/dates.h"
#include "service/common/identifiers.h"
#include "service/engine/course_estimate.h"
#include "service/good_faith/business_days.h"
#include "service/good_faith/dispute_check.h"
#include "service/good_faith/gfe_document.h"
#include "service/good_faith/good_faith_estimate.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

using ::testing::HasSubstr;

const ClinicRules& Riverbend() { return *BundledRules().FindClinic("riverbend"); }

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

// ---- identifiers ---------------------------------------------------------------------------------

TEST(IdentifiersTest, NpiCheckDigit) {
  EXPECT_TRUE(IsValidNpi("1234567893"));   // CMS's documented example
  EXPECT_TRUE(IsValidNpi("1987654328"));   // Lakeshore's
  EXPECT_FALSE(IsValidNpi("1234567890"));  // wrong check digit
  EXPECT_FALSE(IsValidNpi("1234567894"));
  EXPECT_FALSE(IsValidNpi("123456789"));
  EXPECT_FALSE(IsValidNpi("12345678930"));
  EXPECT_FALSE(IsValidNpi("123456789A"));
  // Every check digit but one fails for the same first nine digits.
  int valid = 0;
  for (char d = '0'; d <= '9'; ++d) valid += IsValidNpi(absl::StrCat("123456789", std::string(1, d)));
  EXPECT_EQ(valid, 1);
}

TEST(IdentifiersTest, TinStatePostalPhone) {
  EXPECT_EQ(TinDigits("00-1234567").value_or(""), "001234567");
  EXPECT_EQ(TinDigits("001234567").value_or(""), "001234567");
  EXPECT_EQ(TinDigits("123-45-6789").value_or(""), "123456789");
  EXPECT_FALSE(TinDigits("12345678").has_value());
  EXPECT_FALSE(TinDigits("1234567890").has_value());
  EXPECT_FALSE(TinDigits("12-345678X").has_value());
  EXPECT_TRUE(IsUsStateCode("OH"));
  EXPECT_FALSE(IsUsStateCode("oh"));
  EXPECT_FALSE(IsUsStateCode("XX"));
  EXPECT_TRUE(IsUsPostalCode("43000"));
  EXPECT_TRUE(IsUsPostalCode("43000-1234"));
  EXPECT_FALSE(IsUsPostalCode("4300"));
  EXPECT_EQ(PhoneDigits("(555) 010-0142").value_or(""), "5550100142");
  EXPECT_EQ(PhoneDigits("+1 555.010.0142").value_or(""), "5550100142");
  EXPECT_FALSE(PhoneDigits("555-0100").has_value());
  EXPECT_FALSE(PhoneDigits("555 010 0142 ext 5").has_value());
}

// ---- business days and the deadline ---------------------------------------------------------------

TEST(BusinessDaysTest, WeekendsAndClosedDaysAreNotBusinessDays) {
  // Friday 2026-12-04 to Monday 2026-12-07: only the Monday.
  EXPECT_EQ(BusinessDaysBetween(Riverbend(), Day(2026, 12, 4), Day(2026, 12, 7)), 1);
  // Thanksgiving (Thursday 2026-11-26) is closed; the Friday after is open at Riverbend.
  EXPECT_EQ(BusinessDaysBetween(Riverbend(), Day(2026, 11, 25), Day(2026, 11, 30)), 2);
  // Christmas 2026 is a Friday: closed.
  EXPECT_EQ(NthBusinessDayAfter(Riverbend(), Day(2026, 12, 24), 1), Day(2026, 12, 28));
  EXPECT_EQ(BusinessDaysBetween(Riverbend(), Day(2026, 12, 7), Day(2026, 12, 7)), 0);
}

TEST(BusinessDaysTest, DeadlineOneBusinessDayFromThreeAhead) {
  // Scheduled Friday 2026-12-04 for Wednesday 2026-12-09: Mon, Tue, Wed = 3 business days.
  const v1::GfeDeadline d =
      GoodFaithEstimateDeadline(Riverbend(), Day(2026, 12, 4), Day(2026, 12, 9), Day(2026, 12, 4));
  EXPECT_TRUE(d.required());
  EXPECT_EQ(d.business_days_ahead(), 3);
  EXPECT_EQ(d.due_by(), "2026-12-07");  // the Monday: 1 business day after the Friday
  EXPECT_THAT(d.explanation(), HasSubstr("within 1 business day of scheduling, by 2026-12-07"));
}

TEST(BusinessDaysTest, FewerThanThreeBusinessDaysNeedsNone) {
  // Scheduled Friday 2026-12-04 for Tuesday 2026-12-08: Mon, Tue = 2.
  const v1::GfeDeadline d =
      GoodFaithEstimateDeadline(Riverbend(), Day(2026, 12, 4), Day(2026, 12, 8), Day(2026, 12, 4));
  EXPECT_FALSE(d.required());
  EXPECT_EQ(d.due_by(), "");
  EXPECT_EQ(d.business_days_ahead(), 2);
  EXPECT_THAT(d.explanation(), HasSubstr("no Good Faith Estimate is required"));
}

TEST(BusinessDaysTest, TenAheadGivesThreeBusinessDaysAroundChristmas) {
  // Scheduled Wednesday 2026-12-23 for 2027-01-15: at least 10 business days. Three business days
  // after the 23rd: Thu 24, (Fri 25 Christmas, weekend), Mon 28, Tue 29.
  const v1::GfeDeadline d =
      GoodFaithEstimateDeadline(Riverbend(), Day(2026, 12, 23), Day(2027, 1, 15), Day(2026, 12, 23));
  EXPECT_TRUE(d.required());
  EXPECT_GE(d.business_days_ahead(), 10);
  EXPECT_EQ(d.due_by(), "2026-12-29");
  // Nine business days ahead is still the 1-business-day rule: Dec 24 .. Jan 7 holds Dec 24, 28,
  // 29, 30, 31, (Jan 1 closed), Jan 4, 5, 6, 7 = 9.
  const v1::GfeDeadline nine =
      GoodFaithEstimateDeadline(Riverbend(), Day(2026, 12, 23), Day(2027, 1, 7), Day(2026, 12, 23));
  EXPECT_EQ(nine.business_days_ahead(), 9);
  EXPECT_EQ(nine.due_by(), "2026-12-24");
}

TEST(BusinessDaysTest, AskedForWithoutSchedulingIsThreeBusinessDaysFromTheRequest) {
  const v1::GfeDeadline d = GoodFaithEstimateDeadline(Riverbend(), std::nullopt, Day(2027, 2, 1),
                                                      /*requested_on=*/Day(2026, 12, 24));
  EXPECT_TRUE(d.required());
  EXPECT_EQ(d.due_by(), "2026-12-30");  // 28, 29, 30: Christmas and the weekend skipped
  EXPECT_THAT(d.explanation(), HasSubstr("without scheduling"));
}

// ---- building the estimate --------------------------------------------------------------------------

v1::IssueGoodFaithEstimateRequest KetamineRequest(int maintenance_months) {
  v1::IssueGoodFaithEstimateRequest r;
  v1::EstimateCourseRequest& e = *r.mutable_estimate();
  e.set_clinic_id("riverbend");
  e.mutable_coverage()->mutable_self_pay();
  e.set_course_start_date("2026-12-14");
  e.mutable_course()->set_treatment(v1::TREATMENT_IV_KETAMINE);
  e.mutable_course()->mutable_maintenance()->set_months(maintenance_months);
  e.mutable_course()->mutable_maintenance()->set_frequency(v1::MAINTENANCE_FREQUENCY_MONTHLY);
  r.mutable_patient()->set_name("Jane Doe");
  r.mutable_patient()->set_date_of_birth("1980-02-03");
  r.add_diagnosis_codes("F33.2");
  r.set_scheduled_on("2026-11-20");
  return r;
}

struct Built {
  v1::EstimateCourseResponse answer;
  absl::StatusOr<v1::GoodFaithEstimate> gfe;
};

Built Build(const v1::IssueGoodFaithEstimateRequest& r, const v1::GoodFaithEstimate* replaces = nullptr) {
  Built b;
  absl::StatusOr<GfeFacts> facts = ValidateGoodFaithEstimateRequest(r, kToday);
  EXPECT_TRUE(facts.ok()) << facts.status();
  absl::StatusOr<v1::EstimateCourseResponse> answer = EstimateCourse(BundledRules(), r.estimate(), kToday);
  EXPECT_TRUE(answer.ok()) << answer.status();
  b.answer = *answer;
  b.gfe = BuildGoodFaithEstimate(Riverbend(), b.answer.estimate(), *facts, replaces);
  return b;
}

TEST(GoodFaithEstimateTest, CoversOnlyTheTwelveMonthsFromTheFirstSession) {
  // 6 infusions from 2026-12-14, then 24 monthly boosters: far past 12 months.
  const Built b = Build(KetamineRequest(24));
  ASSERT_TRUE(b.gfe.ok()) << b.gfe.status();
  const v1::GoodFaithEstimate& g = *b.gfe;
  EXPECT_EQ(g.period_start(), "2026-12-14");
  EXPECT_EQ(g.period_end(), "2027-12-13");
  int in_period = 0, after = 0;
  int64_t charges_in_period = 0;
  for (const v1::EstimateLine& line : b.answer.estimate().lines()) {
    if (line.date() <= g.period_end()) {
      ++in_period;
      charges_in_period += line.patient_cents();
    } else {
      ++after;
    }
  }
  ASSERT_GT(after, 0);
  EXPECT_EQ(g.sessions_included(), in_period);
  EXPECT_EQ(g.sessions_left_out(), after);
  EXPECT_EQ(g.total_expected_charges_cents(), charges_in_period);
  ASSERT_EQ(g.providers_size(), 1);
  int64_t items = 0;
  for (const v1::GfeItem& i : g.providers(0).items()) {
    EXPECT_EQ(i.expected_charge_cents(), i.quantity() * i.unit_charge_cents());
    EXPECT_LE(i.last_date(), g.period_end());
    EXPECT_THAT(i.diagnosis_codes(), ::testing::ElementsAre("F33.2"));
    EXPECT_FALSE(i.service_code().empty());
    items += i.expected_charge_cents();
  }
  EXPECT_EQ(items, g.total_expected_charges_cents());
  EXPECT_EQ(g.providers(0).expected_charges_cents(), items);
  EXPECT_THAT(absl::StrJoin(g.separately_scheduled(), "\n"),
              HasSubstr(absl::StrCat(after, " later sessions of the course, after 2027-12-13")));
  EXPECT_THAT(g.series(), HasSubstr(absl::StrCat(in_period, " sessions from 2026-12-14")));
}

TEST(GoodFaithEstimateTest, ACourseInsideTwelveMonthsLeavesNothingOut) {
  const Built b = Build(KetamineRequest(6));
  ASSERT_TRUE(b.gfe.ok()) << b.gfe.status();
  EXPECT_EQ(b.gfe->sessions_left_out(), 0);
  EXPECT_EQ(b.gfe->sessions_included(), b.answer.estimate().totals().sessions_scheduled());
  EXPECT_EQ(b.gfe->total_expected_charges_cents(), b.answer.estimate().totals().patient_cents());
  for (const std::string& s : b.gfe->separately_scheduled()) EXPECT_THAT(s, ::testing::Not(HasSubstr("later session")));
}

TEST(GoodFaithEstimateTest, HoldsEveryRequiredElement) {
  const Built b = Build(KetamineRequest(6));
  ASSERT_TRUE(b.gfe.ok()) << b.gfe.status();
  const v1::GoodFaithEstimate& g = *b.gfe;
  EXPECT_EQ(g.patient().name(), "Jane Doe");
  EXPECT_EQ(g.patient().date_of_birth(), "1980-02-03");
  EXPECT_EQ(g.scheduled_date(), "2026-12-14");
  EXPECT_THAT(g.primary_service(), HasSubstr("IV ketamine"));
  const v1::GfeProvider& p = g.providers(0);
  EXPECT_EQ(p.npi(), "1234567893");
  EXPECT_EQ(p.tin(), "00-1234567");
  EXPECT_EQ(p.address().state(), "OH");
  EXPECT_FALSE(p.phone().empty());
  ASSERT_EQ(g.disclaimers_size(), 4);
  EXPECT_THAT(g.disclaimers(0), HasSubstr("not included"));
  EXPECT_THAT(g.disclaimers(1), HasSubstr("only an estimate"));
  EXPECT_THAT(g.disclaimers(2), HasSubstr("patient-provider dispute resolution"));
  EXPECT_THAT(g.disclaimers(2), HasSubstr("120 days"));
  EXPECT_THAT(g.disclaimers(3), HasSubstr("not a contract"));
  EXPECT_THAT(absl::StrJoin(g.separately_scheduled(), "\n"), HasSubstr("Medical clearance"));
}

TEST(GoodFaithEstimateTest, NotScheduledSaysSo) {
  v1::IssueGoodFaithEstimateRequest r = KetamineRequest(6);
  r.clear_scheduled_on();
  const Built b = Build(r);
  ASSERT_TRUE(b.gfe.ok());
  EXPECT_EQ(b.gfe->scheduled_date(), "");
  EXPECT_EQ(b.gfe->deadline().due_by(), FormatDate(NthBusinessDayAfter(Riverbend(), kToday, 3)));
  const std::string html = RenderGoodFaithEstimateHtml(*b.gfe, "q_test");
  EXPECT_THAT(html, HasSubstr("Not yet scheduled"));
}

TEST(GoodFaithEstimateTest, InsuredPatientsBillingTheirPlanAreRefused) {
  v1::IssueGoodFaithEstimateRequest r = KetamineRequest(6);
  r.mutable_estimate()->mutable_coverage()->mutable_insurance()->set_payer_id("aetna");
  const absl::StatusOr<GfeFacts> facts = ValidateGoodFaithEstimateRequest(r, kToday);
  ASSERT_EQ(facts.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(facts.status().message()), HasSubstr("not in force"));
  EXPECT_THAT(std::string(facts.status().message()), HasSubstr("self_pay"));
}

TEST(GoodFaithEstimateTest, BadRequestsNameTheField) {
  const std::pair<std::function<void(v1::IssueGoodFaithEstimateRequest&)>, std::string> cases[] = {
      {[](auto& r) { r.mutable_patient()->set_name(""); }, "patient.name is required"},
      {[](auto& r) { r.mutable_patient()->set_name("Jane\nDoe"); }, "patient.name: holds a control"},
      {[](auto& r) { r.mutable_patient()->set_name(std::string(201, 'x')); }, "patient.name: longer"},
      {[](auto& r) { r.mutable_patient()->set_date_of_birth(""); }, "patient.date_of_birth is required"},
      {[](auto& r) { r.mutable_patient()->set_date_of_birth("2030-01-01"); }, "patient.date_of_birth: 2030-01-01 is after today"},
      {[](auto& r) { r.mutable_patient()->set_date_of_birth("1980-02-30"); }, "patient.date_of_birth"},
      {[](auto& r) { r.clear_diagnosis_codes(); }, "diagnosis_codes: give at least one"},
      {[](auto& r) { r.set_diagnosis_codes(0, "depression"); }, "diagnosis_codes[0]: 'depression' is not an ICD-10-CM code"},
      {[](auto& r) { r.add_diagnosis_codes("f33.2"); }, "diagnosis_codes[1]"},
      {[](auto& r) { r.set_scheduled_on("2026-12-01"); }, "scheduled_on: 2026-12-01 is after today"},
      {[](auto& r) { r.set_treatment(v1::TREATMENT_TMS); }, "treatment: differs"},
  };
  for (const auto& [mutate, expected] : cases) {
    v1::IssueGoodFaithEstimateRequest r = KetamineRequest(6);
    mutate(r);
    const absl::StatusOr<GfeFacts> facts = ValidateGoodFaithEstimateRequest(r, kToday);
    EXPECT_EQ(facts.status().code(), absl::StatusCode::kInvalidArgument) << expected;
    EXPECT_THAT(std::string(facts.status().message()), HasSubstr(expected));
  }
}

TEST(GoodFaithEstimateTest, AClinicWithoutIdentityCannotIssue) {
  v1::IssueGoodFaithEstimateRequest r = KetamineRequest(0);
  r.mutable_estimate()->set_clinic_id("test_clinic");
  r.mutable_estimate()->mutable_course()->clear_maintenance();
  const absl::StatusOr<GfeFacts> facts = ValidateGoodFaithEstimateRequest(r, kToday);
  ASSERT_TRUE(facts.ok());
  const absl::StatusOr<v1::EstimateCourseResponse> answer = EstimateCourse(TestRules(), r.estimate(), kToday);
  ASSERT_TRUE(answer.ok()) << answer.status();
  const absl::StatusOr<v1::GoodFaithEstimate> g = BuildGoodFaithEstimate(
      *TestRules().FindClinic("test_clinic"), answer->estimate(), *facts, nullptr);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(g.status().message()), HasSubstr("no provider_identity"));
}

TEST(GoodFaithEstimateTest, AReplacementSaysWhatChanged) {
  const Built before = Build(KetamineRequest(6));
  ASSERT_TRUE(before.gfe.ok());
  const Built after = Build(KetamineRequest(9), &*before.gfe);
  ASSERT_TRUE(after.gfe.ok()) << after.gfe.status();
  const std::string changes = absl::StrJoin(after.gfe->changes(), "\n");
  EXPECT_THAT(changes, HasSubstr(absl::StrCat("Sessions in the 12 months: ", before.gfe->sessions_included(),
                                              " are now ", after.gfe->sessions_included())));
  EXPECT_THAT(changes, HasSubstr("96365"));
  // 6 induction infusions + 6 (then 9) monthly boosters at $550, plus the $250 evaluation.
  EXPECT_THAT(changes, HasSubstr("96365 IV ketamine infusion (about 40 minutes plus recovery): "
                                 "12 x $550.00 = $6,600.00 is now 15 x $550.00 = $8,250.00."));
  EXPECT_THAT(changes, HasSubstr("Total expected charges: $6,850.00 are now $8,500.00"));
  EXPECT_THAT(changes, ::testing::Not(HasSubstr("Patient details")));
  // Nothing changed: no replacement.
  const Built same = Build(KetamineRequest(6), &*before.gfe);
  EXPECT_EQ(same.gfe.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(same.gfe.status().message()), HasSubstr("nothing changed"));
}

// ---- the dispute check -------------------------------------------------------------------------------

v1::GoodFaithEstimate OneProvider(int64_t expected_cents) {
  v1::GoodFaithEstimate g;
  v1::GfeProvider& p = *g.add_providers();
  p.set_legal_name("Riverbend Behavioral Health, LLC");
  p.set_npi("1234567893");
  p.set_expected_charges_cents(expected_cents);
  return g;
}

v1::CheckDisputeEligibilityRequest Bill(int64_t billed_cents, std::string bill_date = "2027-01-10") {
  v1::CheckDisputeEligibilityRequest r;
  r.set_quote_id("q_x");
  r.set_bill_date(std::move(bill_date));
  v1::ProviderBill& b = *r.add_bills();
  b.set_npi("1234567893");
  b.set_billed_cents(billed_cents);
  return r;
}

TEST(DisputeCheckTest, FourHundredDollarsAboveThatProvidersChargesIsTheLine) {
  const absl::CivilDay today = Day(2027, 2, 1);
  const v1::GoodFaithEstimate g = OneProvider(685000);
  auto below = CheckDispute(g, Bill(685000 + 39999), today);
  ASSERT_TRUE(below.ok());
  EXPECT_FALSE(below->providers(0).may_dispute());
  EXPECT_EQ(below->providers(0).over_estimate_cents(), 39999);
  EXPECT_THAT(below->providers(0).explanation(), HasSubstr("$399.99 more"));
  EXPECT_THAT(below->providers(0).explanation(), HasSubstr("under the $400.00"));
  auto at = CheckDispute(g, Bill(685000 + 40000), today);
  ASSERT_TRUE(at.ok());
  EXPECT_TRUE(at->providers(0).may_dispute());
  EXPECT_EQ(at->dispute_deadline(), "2027-05-10");  // 120 days after 2027-01-10
  EXPECT_THAT(at->providers(0).explanation(), HasSubstr("by 2027-05-10"));
  EXPECT_THAT(at->how_to_start(), HasSubstr("1-800-985-3059"));
  auto under = CheckDispute(g, Bill(600000), today);
  ASSERT_TRUE(under.ok());
  EXPECT_FALSE(under->providers(0).may_dispute());
  EXPECT_EQ(under->providers(0).over_estimate_cents(), -85000);
}

TEST(DisputeCheckTest, TheWindowIs120DaysFromTheBill) {
  const v1::GoodFaithEstimate g = OneProvider(100000);
  auto last_day = CheckDispute(g, Bill(200000, "2026-08-01"), Day(2026, 11, 29));  // day 120
  ASSERT_TRUE(last_day.ok());
  EXPECT_TRUE(last_day->providers(0).may_dispute());
  auto late = CheckDispute(g, Bill(200000, "2026-08-01"), Day(2026, 11, 30));
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->providers(0).may_dispute());
  EXPECT_THAT(late->providers(0).explanation(), HasSubstr("ended on 2026-11-29"));
}

TEST(DisputeCheckTest, BadBillsNameTheField) {
  const v1::GoodFaithEstimate g = OneProvider(100000);
  const absl::CivilDay today = Day(2027, 2, 1);
  v1::CheckDisputeEligibilityRequest other = Bill(1);
  other.mutable_bills(0)->set_npi("1987654328");
  EXPECT_THAT(std::string(CheckDispute(g, other, today).status().message()),
              HasSubstr("bills[0].npi: '1987654328' is not the NPI of a provider"));
  v1::CheckDisputeEligibilityRequest twice = Bill(1);
  *twice.add_bills() = twice.bills(0);
  EXPECT_THAT(std::string(CheckDispute(g, twice, today).status().message()), HasSubstr("bills[1].npi"));
  EXPECT_THAT(std::string(CheckDispute(g, Bill(-1), today).status().message()),
              HasSubstr("bills[0].billed_cents"));
  EXPECT_THAT(std::string(CheckDispute(g, Bill(1, "2027-13-01"), today).status().message()),
              HasSubstr("bill_date"));
  EXPECT_THAT(std::string(CheckDispute(g, Bill(1, "2027-02-02"), today).status().message()),
              HasSubstr("bill_date: 2027-02-02 is after today"));
}

// ---- the printable page ------------------------------------------------------------------------------

TEST(GfeDocumentTest, AHostileNameIsRenderedAsText) {
  v1::IssueGoodFaithEstimateRequest r = KetamineRequest(6);
  r.mutable_patient()->set_name("<script>alert(1)</script>\"><img src=x onerror=alert(2)>");
  const Built b = Build(r);
  ASSERT_TRUE(b.gfe.ok());
  const std::string html = RenderGoodFaithEstimateHtml(*b.gfe, "q_test");
  EXPECT_THAT(html, ::testing::Not(HasSubstr("<script")));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
  // Self-contained: no attribute reaches outside the page.
  EXPECT_FALSE(std::regex_search(html, std::regex("<[^>]*\\s(src|href)\\s*=", std::regex::icase)));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("<link")));
  // The same estimate gives the same bytes.
  EXPECT_EQ(html, RenderGoodFaithEstimateHtml(*b.gfe, "q_test"));
}

TEST(GfeDocumentTest, ThePageHoldsEveryElement) {
  const Built b = Build(KetamineRequest(24));
  ASSERT_TRUE(b.gfe.ok());
  const std::string html = RenderGoodFaithEstimateHtml(*b.gfe, "q_test");
  for (const char* expected :
       {"Good Faith Estimate", "Jane Doe", "1980-02-03", "q_test", "2026-12-14", "F33.2",
        "Riverbend Behavioral Health, LLC", "1234567893", "00-1234567", "400 Riverbend Parkway",
        "OH", "(555) 010-0142", "96365", "90792", "scheduled separately", "not a contract",
        "dispute", "only an estimate", "A new Good Faith Estimate will be given", "@media print"}) {
    EXPECT_THAT(html, HasSubstr(expected));
  }
  for (const std::string& d : b.gfe->disclaimers()) EXPECT_THAT(html, HasSubstr(EscapeHtml(d)));
}

}  // namespace
}  // namespace estimator
