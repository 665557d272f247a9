// Properties over many generated requests, on the bundled rules and the test rules:
// every total is the exact sum of its lines; each line's parts add up; per plan year the
// patient's cost sharing never exceeds the out-of-pocket room; no line is negative; and having
// paid more earlier in the year (higher amounts met) never raises what the course costs.
#include <random>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/common/dates.h"
#include "service/engine/course_estimate.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

struct Generated {
  const RuleSet* rules;
  v1::EstimateCourseRequest request;
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  Generated Next() {
    const bool bundled = Pick(2) == 0;
    Generated g{bundled ? &BundledRules() : &TestRules(), {}};
    v1::EstimateCourseRequest& r = g.request;
    r.set_clinic_id(bundled ? "riverbend" : "test_clinic");
    r.set_course_start_date(FormatDate(absl::CivilDay(2026, 1, 1) + Pick(365)));
    const v1::Treatment treatments[] = {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO,
                                        v1::TREATMENT_IV_KETAMINE};
    v1::CourseOptions& course = *r.mutable_course();
    course.set_treatment(treatments[Pick(3)]);
    if (course.treatment() == v1::TREATMENT_TMS && Pick(2)) {
      course.set_protocol_id("tms_medicare_20_5");
    }
    if (course.treatment() == v1::TREATMENT_SPRAVATO) {
      course.mutable_spravato()->set_dose_mg(Pick(2) ? 56 : 84);
      if (!bundled || Pick(2)) {
        // Only the PPOs take the pharmacy benefit; Medicare answers INVALID_ARGUMENT (skipped).
        course.mutable_spravato()->set_drug_benefit(Pick(2) ? v1::BENEFIT_MEDICAL
                                                            : v1::BENEFIT_PHARMACY);
      }
    }
    if (Pick(3) > 0) {
      course.mutable_maintenance()->set_months(Pick(25));
      course.mutable_maintenance()->set_frequency(
          static_cast<v1::MaintenanceFrequency>(1 + Pick(3)));
    }
    if (Pick(6) == 0) {
      r.mutable_coverage()->mutable_self_pay();
      return g;
    }
    auto* ins = r.mutable_coverage()->mutable_insurance();
    if (bundled) {
      const bool medicare = Pick(2);
      ins->set_payer_id(medicare ? "medicare" : "aetna");
      ins->set_plan_id(medicare ? "part_b" : "open_access_ppo");
    } else {
      const bool medicare = Pick(2);
      ins->set_payer_id(medicare ? "testmedicare" : "testpayer");
      ins->set_plan_id(medicare ? "part_b" : "ppo");
    }
    ins->set_network(Pick(4) == 0 ? v1::NETWORK_OUT_OF_NETWORK : v1::NETWORK_IN_NETWORK);
    ins->set_coverage_tier(static_cast<v1::CoverageTier>(Pick(3)));
    if (Pick(2)) {
      const int64_t ded = Pick(200000);
      ins->mutable_met_so_far()->set_deductible_met_cents(ded);
      ins->mutable_met_so_far()->set_out_of_pocket_met_cents(ded + Pick(800000));
    }
    if (Pick(4) == 0) ins->mutable_verified_benefits()->set_coinsurance_bp(Pick(10001));
    if (Pick(4) == 0) ins->mutable_verified_benefits()->set_copay_cents(Pick(10000));
    if (Pick(4) == 0) {
      ins->mutable_plan_year_start()->set_month(1 + Pick(12));
      ins->mutable_plan_year_start()->set_day(1 + Pick(28));
    } else if (Pick(3) == 0) {
      // The requested start is the last day of a plan year: on a weekend or closed day the first
      // session falls in the next one, which the amounts met do not describe.
      const absl::CivilDay next = *ParseDate(r.course_start_date(), "start") + 1;
      if (!(next.month() == 2 && next.day() == 29)) {
        ins->mutable_plan_year_start()->set_month(next.month());
        ins->mutable_plan_year_start()->set_day(next.day());
      }
    }
    return g;
  }

 private:
  int64_t Pick(int64_t n) { return std::uniform_int_distribution<int64_t>(0, n - 1)(rng_); }
  std::mt19937 rng_;
};

void ExpectSumsTo(const v1::Totals& t, const std::vector<const v1::EstimateLine*>& lines,
                  const std::string& what) {
  int64_t billed = 0, allowed = 0, copay = 0, ded = 0, coins = 0, bal = 0, nc = 0, pat = 0, pay = 0;
  for (const auto* l : lines) {
    billed += l->billed_cents();
    allowed += l->allowed_cents();
    copay += l->copay_cents();
    ded += l->deductible_cents();
    coins += l->coinsurance_cents();
    bal += l->balance_billed_cents();
    nc += l->not_covered_cents();
    pat += l->patient_cents();
    pay += l->payer_cents();
  }
  EXPECT_EQ(t.billed_cents(), billed) << what;
  EXPECT_EQ(t.allowed_cents(), allowed) << what;
  EXPECT_EQ(t.copay_cents(), copay) << what;
  EXPECT_EQ(t.deductible_cents(), ded) << what;
  EXPECT_EQ(t.coinsurance_cents(), coins) << what;
  EXPECT_EQ(t.balance_billed_cents(), bal) << what;
  EXPECT_EQ(t.not_covered_cents(), nc) << what;
  EXPECT_EQ(t.patient_cents(), pat) << what;
  EXPECT_EQ(t.payer_cents(), pay) << what;
}

// The plan in effect on the course start (every generated course starts in 2026, and its plan
// years use the version in effect then).
const v1::PayerPlan& PlanOf(const Generated& g) {
  const auto& ins = g.request.coverage().insurance();
  const auto* versions = g.rules->FindPlanVersions(ins.payer_id(), ins.plan_id());
  return RuleSet::VersionOn(*versions, *ParseDate(g.request.course_start_date(), "start"))->plan;
}

// Whether a covered line counts toward the in-network amounts (else the out-of-network ones):
// medical lines follow the request's network; pharmacy lines what the plan file says.
bool CountsInNetwork(const Generated& g, const v1::EstimateLine& l) {
  if (l.benefit() == v1::BENEFIT_PHARMACY) {
    EXPECT_EQ(PlanOf(g).pharmacy().accumulators(), v1::PHARMACY_ACCUMULATORS_IN_NETWORK);
    return true;
  }
  return g.request.coverage().insurance().network() != v1::NETWORK_OUT_OF_NETWORK;
}

// The out-of-pocket maximum of the in- or out-of-network amounts, or -1 when there is none.
int64_t OutOfPocketMax(const Generated& g, bool in_network) {
  const auto& ins = g.request.coverage().insurance();
  const bool requested = in_network == (ins.network() != v1::NETWORK_OUT_OF_NETWORK);
  if (requested && ins.verified_benefits().has_out_of_pocket_max_cents()) {
    return ins.verified_benefits().out_of_pocket_max_cents();
  }
  const auto& n = in_network ? PlanOf(g).in_network() : PlanOf(g).out_of_network();
  return n.has_out_of_pocket_max_cents() ? n.out_of_pocket_max_cents() : -1;
}

// The start (YYYY-MM-DD) of the plan year that contains the requested course start: the one the
// request's amounts met describe.
std::string StartPlanYear(const Generated& g) {
  const auto& ins = g.request.coverage().insurance();
  const v1::MonthDay& md = ins.has_plan_year_start() ? ins.plan_year_start()
                                                     : PlanOf(g).plan_year_start();
  return FormatDate(PlanYearStartFor(*ParseDate(g.request.course_start_date(), "start"),
                                     md.month(), md.day()));
}

TEST(EstimatePropertiesTest, LinesSumToTotalsAndStayWithinTheMaximum) {
  Generator gen(20261121);
  int checked = 0;
  for (int i = 0; i < 600; ++i) {
    const Generated g = gen.Next();
    auto response = EstimateCourse(*g.rules, g.request, kToday);
    if (!response.ok()) {
      // The only refusal the generator can provoke: Spravato pharmacy on Medicare Part B.
      EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument)
          << response.status() << "\n" << g.request.DebugString();
      continue;
    }
    ++checked;
    const v1::CourseEstimate& e = response->estimate();
    const std::string what = g.request.ShortDebugString();

    std::vector<const v1::EstimateLine*> all;
    std::map<int, std::vector<const v1::EstimateLine*>> by_phase;
    std::map<std::string, std::vector<const v1::EstimateLine*>> by_year;
    // By plan year and by whether the line counts toward the in-network amounts.
    std::map<std::pair<std::string, bool>, int64_t> shared_by_year;
    for (const auto& l : e.lines()) {
      all.push_back(&l);
      by_phase[l.phase()].push_back(&l);
      by_year[l.plan_year_start()].push_back(&l);
      if (l.covered()) {
        shared_by_year[{l.plan_year_start(), CountsInNetwork(g, l)}] +=
            l.copay_cents() + l.deductible_cents() + l.coinsurance_cents();
      }
      for (int64_t v : {l.billed_cents(), l.allowed_cents(), l.copay_cents(),
                        l.deductible_cents(), l.coinsurance_cents(), l.balance_billed_cents(),
                        l.not_covered_cents(), l.patient_cents(), l.payer_cents()}) {
        EXPECT_GE(v, 0) << what;
      }
      EXPECT_EQ(l.patient_cents(), l.copay_cents() + l.deductible_cents() +
                                       l.coinsurance_cents() + l.balance_billed_cents() +
                                       l.not_covered_cents())
          << what;
      if (l.covered()) {
        EXPECT_EQ(l.payer_cents(), l.allowed_cents() - l.copay_cents() - l.deductible_cents() -
                                       l.coinsurance_cents())
            << what;
        EXPECT_EQ(l.not_covered_cents(), 0) << what;
      } else {
        EXPECT_EQ(l.payer_cents(), 0) << what;
        EXPECT_EQ(l.patient_cents(), l.not_covered_cents()) << what;
        EXPECT_NE(l.not_covered_reason(), v1::NOT_COVERED_REASON_UNSPECIFIED) << what;
      }
    }
    ExpectSumsTo(e.totals(), all, what);

    // Every code names an item of billed_items with the same code; each item is used, once.
    std::set<int> used;
    for (const auto& l : e.lines()) {
      EXPECT_GT(l.codes_size(), 0) << what;
      for (const auto& c : l.codes()) {
        ASSERT_GE(c.item(), 0) << what;
        ASSERT_LT(c.item(), e.billed_items_size()) << what;
        EXPECT_EQ(e.billed_items(c.item()).code(), c.code()) << what;
        used.insert(c.item());
      }
    }
    EXPECT_EQ(static_cast<int>(used.size()), e.billed_items_size()) << what;
    std::set<std::pair<std::string, std::string>> distinct;
    for (const auto& item : e.billed_items()) {
      EXPECT_FALSE(item.description().empty()) << what;
      distinct.emplace(item.code(), item.description());
    }
    EXPECT_EQ(static_cast<int>(distinct.size()), e.billed_items_size()) << what;

    ASSERT_EQ(e.phase_totals_size(), static_cast<int>(by_phase.size()));
    for (const auto& p : e.phase_totals()) ExpectSumsTo(p.totals(), by_phase[p.phase()], what);
    ASSERT_EQ(e.plan_year_totals_size(), static_cast<int>(by_year.size()));
    for (const auto& y : e.plan_year_totals()) {
      ExpectSumsTo(y.totals(), by_year[y.plan_year_start()], what);
    }

    // The patient never pays more than the maximum plus what the plan does not cover, per plan
    // year and set of amounts; what was met before counts only in the plan year of the requested
    // start and only toward the request's network.
    if (g.request.coverage().has_insurance()) {
      const auto& ins = g.request.coverage().insurance();
      for (const auto& [key, shared] : shared_by_year) {
        const auto& [year, in_network] = key;
        const int64_t max = OutOfPocketMax(g, in_network);
        if (max < 0) continue;
        const bool requested = in_network == (ins.network() != v1::NETWORK_OUT_OF_NETWORK);
        const int64_t met = requested && year == StartPlanYear(g)
                                ? ins.met_so_far().out_of_pocket_met_cents()
                                : 0;
        EXPECT_LE(shared, std::max<int64_t>(0, max - met)) << year << " " << what;
      }
    }

    // Paying more earlier never raises the total: add to the amounts met and re-estimate.
    if (g.request.coverage().has_insurance()) {
      v1::EstimateCourseRequest more = g.request;
      auto* met = more.mutable_coverage()->mutable_insurance()->mutable_met_so_far();
      met->set_deductible_met_cents(met->deductible_met_cents() + 10000);
      met->set_out_of_pocket_met_cents(met->out_of_pocket_met_cents() + 25000);
      auto again = EstimateCourse(*g.rules, more, kToday);
      ASSERT_TRUE(again.ok()) << again.status();
      EXPECT_LE(again->estimate().totals().patient_cents(), e.totals().patient_cents()) << what;
    }
  }
  EXPECT_GT(checked, 500);
}

// The cost sharing of each line, for comparing two estimates line by line.
std::vector<std::string> Shares(const v1::CourseEstimate& e) {
  std::vector<std::string> out;
  for (const auto& l : e.lines()) {
    out.push_back(absl::StrCat(l.date(), " ", l.benefit(), " ", l.copay_cents(), "/",
                               l.deductible_cents(), "/", l.coinsurance_cents(), "/",
                               l.patient_cents()));
  }
  return out;
}

// What the request says was met describes the plan year of the requested start and the amounts of
// the request's network: lines in any other plan year, and pharmacy lines that count toward the
// in-network amounts on an out-of-network request, are the same whatever it says. (Caught two
// bugs: a first session moved past a plan-year start took the old year's amounts, and Spravato's
// pharmacy line on an out-of-network request used the out-of-network amounts.)
TEST(EstimatePropertiesTest, AmountsMetApplyOnlyToTheirPlanYearAndNetwork) {
  Generator gen(20261205);
  int other_years = 0, pharmacy_out_of_network = 0;
  for (int i = 0; i < 1500; ++i) {
    Generated g = gen.Next();
    if (!g.request.coverage().has_insurance()) continue;
    auto* ins = g.request.mutable_coverage()->mutable_insurance();
    ins->mutable_met_so_far()->set_deductible_met_cents(100000 + i);
    ins->mutable_met_so_far()->set_out_of_pocket_met_cents(900000 + i);
    auto with = EstimateCourse(*g.rules, g.request, kToday);
    if (!with.ok()) continue;
    Generated none = g;
    none.request.mutable_coverage()->mutable_insurance()->clear_met_so_far();
    auto without = EstimateCourse(*none.rules, none.request, kToday);
    ASSERT_TRUE(without.ok()) << without.status();
    const auto a = Shares(with->estimate());
    const auto b = Shares(without->estimate());
    ASSERT_EQ(a.size(), b.size());
    const std::string start_year = StartPlanYear(g);
    const bool out_of_network = ins->network() == v1::NETWORK_OUT_OF_NETWORK;
    for (size_t j = 0; j < a.size(); ++j) {
      const v1::EstimateLine& l = with->estimate().lines(static_cast<int>(j));
      if (!l.covered()) continue;
      const bool other_year = l.plan_year_start() != start_year;
      const bool other_network = out_of_network && CountsInNetwork(g, l);
      if (!other_year && !other_network) continue;
      other_years += other_year;
      pharmacy_out_of_network += other_network;
      EXPECT_EQ(a[j], b[j]) << "line " << j << " " << g.request.ShortDebugString();
    }
  }
  // The generator reaches both cases often enough to matter.
  EXPECT_GT(other_years, 100);
  EXPECT_GT(pharmacy_out_of_network, 20);
}

// AIP-157 views: the summary is the full answer without its lines and billed items, byte for byte
// (totals, range, notices, readiness, summary sentences), though the engine never builds the lines.
TEST(EstimatePropertiesTest, TheSummaryViewIsTheFullAnswerWithoutLines) {
  Generator gen(157);
  int compared = 0, not_covered = 0;
  for (int i = 0; i < 1500; ++i) {
    Generated g = gen.Next();
    auto full = EstimateCourse(*g.rules, g.request, kToday);
    g.request.set_view(v1::ESTIMATE_VIEW_SUMMARY);
    auto summary = EstimateCourse(*g.rules, g.request, kToday);
    ASSERT_EQ(full.ok(), summary.ok()) << g.request.ShortDebugString();
    if (!full.ok()) {
      EXPECT_EQ(full.status(), summary.status());
      continue;
    }
    g.request.set_view(v1::ESTIMATE_VIEW_FULL);
    auto explicit_full = EstimateCourse(*g.rules, g.request, kToday);
    ASSERT_TRUE(explicit_full.ok());
    EXPECT_EQ(explicit_full->SerializeAsString(), full->SerializeAsString());
    EXPECT_EQ(summary->estimate().lines_size(), 0);
    EXPECT_EQ(summary->estimate().billed_items_size(), 0);
    v1::EstimateCourseResponse stripped = *full;
    stripped.mutable_estimate()->clear_lines();
    stripped.mutable_estimate()->clear_billed_items();
    ASSERT_EQ(stripped.SerializeAsString(), summary->SerializeAsString())
        << g.request.ShortDebugString();
    ++compared;
    not_covered += full->estimate().coverage().status() != v1::COVERAGE_STATUS_COVERED &&
                   full->estimate().coverage().status() != v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH;
  }
  EXPECT_GT(compared, 1000);
  EXPECT_GT(not_covered, 50);
}

TEST(EstimatePropertiesTest, EstimatesAreDeterministic) {
  Generator a(7), b(7);
  for (int i = 0; i < 50; ++i) {
    Generated ga = a.Next(), gb = b.Next();
    auto ra = EstimateCourse(*ga.rules, ga.request, kToday);
    auto rb = EstimateCourse(*gb.rules, gb.request, kToday);
    ASSERT_EQ(ra.ok(), rb.ok());
    if (ra.ok()) {
      EXPECT_EQ(ra->SerializeAsString(), rb->SerializeAsString());
    }
  }
}

}  // namespace
}  // namespace estimator
