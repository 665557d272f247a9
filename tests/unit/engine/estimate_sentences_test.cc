// Every sentence an answer contains must be true of that answer: over generated requests on every
// bundled plan (amounts met known or not, tiers, plan years, documentation that meets the
// criteria or not, sessions already used), each checkable statement of the notices and the
// plain-language summary is checked against the estimate's own numbers and the plan.
#include <algorithm>
#include <iterator>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "service/common/dates.h"
#include "service/common/money.h"
#include "service/engine/course_estimate.h"
#include "service/engine/plain_language.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

struct Plan {
  const char* payer;
  const char* plan;
};
constexpr Plan kPlans[] = {{"aetna", "open_access_ppo"},     {"bcbs_michigan", "ppo"},
                           {"cigna", "open_access_plus"},    {"humana", "medicare_advantage_hmo"},
                           {"illustrative_employer", "basic_epo"}, {"medi_cal", "fee_for_service"},
                           {"medicare", "part_b"}};

class Requests {
 public:
  explicit Requests(uint32_t seed) : rng_(seed) {}

  v1::EstimateCourseRequest Next() {
    v1::EstimateCourseRequest r;
    r.set_clinic_id(Pick(2) ? "riverbend" : "lakeshore");
    r.set_course_start_date(FormatDate(absl::CivilDay(2026, 1, 1) + Pick(365)));
    const v1::Treatment treatments[] = {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO,
                                        v1::TREATMENT_IV_KETAMINE};
    v1::CourseOptions& course = *r.mutable_course();
    course.set_treatment(treatments[Pick(3)]);
    if (course.treatment() == v1::TREATMENT_TMS && Pick(2)) {
      course.set_protocol_id(Pick(2) ? "tms_medicare_20_5" : "tms_standard_30_6");
    }
    if (course.treatment() == v1::TREATMENT_SPRAVATO) {
      course.mutable_spravato()->set_dose_mg(Pick(2) ? 56 : 84);
    }
    if (Pick(3) > 0) {
      course.mutable_maintenance()->set_months(Pick(14));
      course.mutable_maintenance()->set_frequency(
          static_cast<v1::MaintenanceFrequency>(1 + Pick(3)));
    }
    if (Pick(3) == 0) course.mutable_sessions_used()->set_this_course(Pick(30));
    if (Pick(3) == 0) course.mutable_sessions_used()->set_this_plan_year(Pick(30));
    if (Pick(6) == 0) {
      r.mutable_coverage()->mutable_self_pay();
      return r;
    }
    auto* ins = r.mutable_coverage()->mutable_insurance();
    const Plan& plan = kPlans[Pick(std::size(kPlans))];
    ins->set_payer_id(plan.payer);
    ins->set_plan_id(plan.plan);
    ins->set_network(Pick(4) == 0 ? v1::NETWORK_OUT_OF_NETWORK : v1::NETWORK_IN_NETWORK);
    ins->set_coverage_tier(static_cast<v1::CoverageTier>(Pick(3)));
    if (Pick(2)) ins->mutable_met_so_far()->set_deductible_met_cents(Pick(200000));
    if (Pick(2)) {
      ins->mutable_met_so_far()->set_out_of_pocket_met_cents(
          ins->met_so_far().deductible_met_cents() + Pick(800000));
    }
    if (Pick(5) == 0) ins->mutable_verified_benefits()->set_coinsurance_bp(Pick(10001));
    if (Pick(5) == 0) ins->set_verified_benefits_for_later_plan_years(true);
    if (Pick(3) == 0) {
      ins->mutable_plan_year_start()->set_month(1 + Pick(12));
      ins->mutable_plan_year_start()->set_day(1 + Pick(28));
    }
    if (Pick(4) == 0) {
      // A chart that shows too little (a minor), so criteria are not met where a plan has them.
      r.mutable_documentation()->set_as_of_date("2025-12-20");
      r.mutable_documentation()->set_age_years(14);
    }
    return r;
  }

 private:
  int64_t Pick(int64_t n) { return std::uniform_int_distribution<int64_t>(0, n - 1)(rng_); }
  std::mt19937 rng_;
};

// Every "$1,234.56" in a text, in cents.
std::vector<int64_t> Amounts(const std::string& text) {
  static const std::regex money(R"(\$([0-9,]+)\.([0-9]{2}))");
  std::vector<int64_t> out;
  for (std::sregex_iterator it(text.begin(), text.end(), money), end; it != end; ++it) {
    std::string dollars = (*it)[1];
    dollars.erase(std::remove(dollars.begin(), dollars.end(), ','), dollars.end());
    out.push_back(std::stoll(dollars) * 100 + std::stoll((*it)[2]));
  }
  return out;
}

// The session numbers a notice names ("sessions 3, 7-9", "session 5").
std::set<int> SessionsNamed(const std::string& text) {
  std::set<int> out;
  static const std::regex head(R"(sessions? ((?:\d+(?:-\d+)?)(?:, \d+(?:-\d+)?)*))");
  std::smatch m;
  if (!std::regex_search(text, m, head)) return out;
  static const std::regex part(R"((\d+)(?:-(\d+))?)");
  const std::string list = m[1];
  for (std::sregex_iterator it(list.begin(), list.end(), part), end; it != end; ++it) {
    const int from = std::stoi((*it)[1]);
    const int to = (*it)[2].matched ? std::stoi((*it)[2]) : from;
    for (int n = from; n <= to; ++n) out.insert(n);
  }
  return out;
}

std::set<int> SessionsWith(const v1::CourseEstimate& e, v1::NotCoveredReason reason) {
  std::set<int> out;
  for (const auto& l : e.lines()) {
    if (!l.covered() && l.not_covered_reason() == reason) out.insert(l.session_number());
  }
  return out;
}

TEST(EstimateSentencesTest, EverySentenceIsTrueOfItsAnswer) {
  Requests gen(20261205);
  int checked = 0, ranges = 0, if_approved = 0, crossings = 0;
  for (int i = 0; i < 1500; ++i) {
    const v1::EstimateCourseRequest r = gen.Next();
    auto response = EstimateCourse(BundledRules(), r, kToday);
    if (!response.ok()) continue;  // e.g. a benefit or protocol a plan does not take
    ++checked;
    const v1::CourseEstimate& e = response->estimate();
    const std::string what = r.ShortDebugString();
    const v1::Totals& t = e.totals();
    // The maintainers' mark for unverified facts never reaches an answer (readiness included).
    EXPECT_FALSE(absl::StrContains(response->DebugString(), "(check)")) << what;
    const bool insured = r.coverage().has_insurance();
    const v1::PayerPlan* plan = nullptr;
    if (insured) {
      const auto* versions = BundledRules().FindPlanVersions(r.coverage().insurance().payer_id(),
                                                             r.coverage().insurance().plan_id());
      plan = &RuleSet::VersionOn(*versions, *ParseDate(r.course_start_date(), "start"))->plan;
    }
    const bool out_of_network =
        insured && r.coverage().insurance().network() == v1::NETWORK_OUT_OF_NETWORK;
    const v1::NetworkBenefits* network =
        plan == nullptr ? nullptr : out_of_network ? &plan->out_of_network() : &plan->in_network();

    // The range holds the figure; equal ends say nothing more.
    const v1::PatientRange& range = e.patient_range();
    EXPECT_LE(range.low_cents(), t.patient_cents()) << what;
    EXPECT_GE(range.high_cents(), t.patient_cents()) << what;
    if (range.low_cents() == range.high_cents()) {
      EXPECT_EQ(range.low_assumptions_size() + range.high_assumptions_size(), 0) << what;
      EXPECT_FALSE(absl::StrContains(e.plain_summary(), "as little as")) << what;
    } else {
      ++ranges;
      EXPECT_TRUE(absl::StrContains(e.plain_summary(), "as little as")) << what;
    }

    // Every amount the summary states is one of the answer's own figures.
    const std::set<int64_t> figures = {t.patient_cents(),        t.payer_cents(),
                                       t.not_covered_cents(),    t.balance_billed_cents(),
                                       e.if_approved().patient_cents(), range.low_cents(),
                                       range.high_cents()};
    for (int64_t amount : Amounts(e.plain_summary())) {
      EXPECT_TRUE(figures.count(amount)) << amount << " in: " << e.plain_summary() << "\n" << what;
    }
    // "N sessions from A to B".
    EXPECT_TRUE(absl::StrContains(
        e.plain_summary(), absl::StrCat(t.sessions_scheduled(), " sessions from ",
                                        e.lines(0).date(), " to ",
                                        e.lines(e.lines_size() - 1).date())))
        << e.plain_summary();

    // Approval is spoken of only where the plan asks for prior authorization.
    const bool prior_auth =
        plan != nullptr && [&] {
          for (const auto& p : plan->treatments()) {
            if (p.treatment() == e.treatment()) {
              return p.has_covered() &&
                     PriorAuthRequiredIn(p.covered(), out_of_network ? v1::NETWORK_OUT_OF_NETWORK
                                                                     : v1::NETWORK_IN_NETWORK);
            }
          }
          return false;
        }();
    if (!prior_auth) {
      EXPECT_FALSE(absl::StrContains(e.plain_summary(), "approves")) << e.plain_summary();
      EXPECT_FALSE(absl::StrContains(e.plain_summary(), "prior authorization"))
          << e.plain_summary();
    }

    for (const v1::Notice& n : e.notices()) {
      const std::string& m = n.message();
      EXPECT_FALSE(m.empty()) << n.code();
      // "If approved" notices exist only beside an if-approved figure, and say so.
      EXPECT_EQ(n.about_if_approved(), absl::StartsWith(m, "If approved: ")) << m;
      if (n.about_if_approved()) {
        EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_CRITERIA_NOT_MET) << m;
        ++if_approved;
        continue;  // about the approved lines, which this answer does not list
      }
      if (n.code() == "PLAN_YEAR_CROSSED") {
        ++crossings;
        // What it says starts over exists in this plan.
        ASSERT_NE(network, nullptr) << m;
        const bool verified_max = r.coverage().insurance().verified_benefits()
                                      .has_out_of_pocket_max_cents();
        EXPECT_EQ(absl::StrContains(m, "out-of-pocket maximum"),
                  network->has_out_of_pocket_max_cents() || verified_max) << m << "\n" << what;
        if (absl::StrContains(m, "deductible")) {
          EXPECT_TRUE(network->deductible_cents() > 0 ||
                      network->family_deductible_cents() > 0) << m;
        }
        EXPECT_GT(t.sessions_covered(), 0) << m;
      }
      if (n.code() == "NO_OUT_OF_POCKET_MAX") {
        ASSERT_NE(network, nullptr);
        EXPECT_TRUE(network->no_out_of_pocket_max()) << m;
      }
      if (n.code() == "OVER_SESSION_LIMIT") {
        EXPECT_EQ(SessionsNamed(m), SessionsWith(e, v1::NOT_COVERED_REASON_OVER_SESSION_LIMIT))
            << m;
      }
      if (n.code() == "MAINTENANCE_EXCLUDED") {
        EXPECT_EQ(SessionsNamed(m),
                  SessionsWith(e, v1::NOT_COVERED_REASON_MAINTENANCE_EXCLUDED)) << m;
      }
      if (n.code() == "PROGRESS_CONDITION") {
        for (int s : SessionsNamed(m)) {
          bool covered = false;
          for (const auto& l : e.lines()) covered |= l.session_number() == s && l.covered();
          EXPECT_TRUE(covered) << "session " << s << ": " << m;
        }
      }
      if (n.code() == "BALANCE_BILLING") {
        EXPECT_EQ(Amounts(m), std::vector<int64_t>{t.balance_billed_cents()}) << m;
      }
      if (n.code() == "GOOD_FAITH_ESTIMATE") {
        EXPECT_FALSE(insured) << m;
      }
      if (n.code() == "PRIOR_AUTH_REQUIRED") {
        EXPECT_TRUE(prior_auth) << m;
      }
      if (n.code() == "PRIOR_AUTH_NOT_READY" || n.code() == "CRITERIA_NOT_MET") {
        EXPECT_EQ(n.code() == "PRIOR_AUTH_NOT_READY", prior_auth) << m;
        EXPECT_EQ(Amounts(m), std::vector<int64_t>{e.if_approved().patient_cents()}) << m;
      }
      if (n.code() == "START_MOVED") {
        EXPECT_NE(e.lines(0).date(), r.course_start_date()) << m;
      }
    }
    if (e.coverage().status() == v1::COVERAGE_STATUS_SELF_PAY) {
      EXPECT_FALSE(insured);
      EXPECT_EQ(t.payer_cents(), 0);
    }
  }
  EXPECT_GT(checked, 1000);
  // The generator reaches the statements that matter.
  EXPECT_GT(ranges, 300);
  EXPECT_GT(if_approved, 50);
  EXPECT_GT(crossings, 50);
}

}  // namespace
}  // namespace estimator
