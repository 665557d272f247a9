#include "service/engine/estimate_range.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "service/common/dates.h"
#include "service/common/status_macros.h"
#include "service/engine/estimate_notices.h"
#include "service/engine/plain_language.h"

namespace estimator {
namespace {

// One value of one unknown: what it changes and how it is said ("" for the figure's own value).
template <typename T>
struct Option {
  T value;
  std::string words;
};

// The lowest and highest totals seen, with the words that produced each.
class Extremes {
 public:
  void Offer(Money total, const std::vector<const std::string*>& words) {
    if (!low_ || total < low_->first ||
        (total == low_->first && Count(words) < Count(low_->second))) {
      low_ = std::make_pair(total, Texts(words));
    }
    if (!high_ || total > high_->first ||
        (total == high_->first && Count(words) < Count(high_->second))) {
      high_ = std::make_pair(total, Texts(words));
    }
  }
  void WriteTo(v1::PatientRange& range) const {
    range.set_low_cents(low_->first.cents());
    for (const std::string& w : low_->second) range.add_low_assumptions(w);
    range.set_high_cents(high_->first.cents());
    for (const std::string& w : high_->second) range.add_high_assumptions(w);
  }

 private:
  static std::vector<std::string> Texts(const std::vector<const std::string*>& words) {
    std::vector<std::string> out;
    for (const std::string* w : words) {
      if (!w->empty()) out.push_back(*w);
    }
    return out;
  }
  static size_t Count(const std::vector<const std::string*>& words) {
    size_t n = 0;
    for (const std::string* w : words) n += !w->empty();
    return n;
  }
  static size_t Count(const std::vector<std::string>& words) { return words.size(); }

  std::optional<std::pair<Money, std::vector<std::string>>> low_, high_;
};

// Everything not stated already met: given values kept, the rest at their limits.
MetSoFar MetAtLimits(const v1::Accumulators* said, const PlanYearLimits& limits) {
  const v1::Accumulators empty;
  const v1::Accumulators& a = said != nullptr ? *said : empty;
  MetSoFar met;
  met.deductible = a.has_deductible_met_cents() ? Money::Cents(a.deductible_met_cents())
                                                : limits.deductible;
  met.out_of_pocket = a.has_out_of_pocket_met_cents()
                          ? Money::Cents(a.out_of_pocket_met_cents())
                          : Max(met.deductible, limits.out_of_pocket_max.value_or(Money::Zero()));
  met.family_deductible = a.has_family_deductible_met_cents()
                              ? Money::Cents(a.family_deductible_met_cents())
                              : Max(met.deductible,
                                    limits.family_deductible.value_or(Money::Zero()));
  met.family_out_of_pocket =
      a.has_family_out_of_pocket_met_cents()
          ? Money::Cents(a.family_out_of_pocket_met_cents())
          : Max(met.out_of_pocket, limits.family_out_of_pocket_max.value_or(Money::Zero()));
  return met;
}

bool Unknown(const v1::Accumulators& a, const PlanYearLimits& limits, bool family) {
  return (!a.has_deductible_met_cents() && limits.deductible > Money::Zero()) ||
         (!a.has_out_of_pocket_met_cents() && limits.out_of_pocket_max) ||
         (family && limits.family_deductible && !a.has_family_deductible_met_cents()) ||
         (family && limits.family_out_of_pocket_max && !a.has_family_out_of_pocket_met_cents());
}

// The amounts met when everything unknown is already met, in the plan year of the first covered
// line; nullopt when nothing about them is unknown.
std::optional<MetBefore> AllMet(const CourseContext& ctx, const PricedCourse& priced,
                                const MetBefore& figure) {
  const PricedLine* first_covered = FirstCoveredLine(priced);
  if (first_covered == nullptr) return std::nullopt;
  MetBefore all = figure;
  const bool same_year = first_covered->plan_year == figure.plan_year;
  all.plan_year = first_covered->plan_year;
  if (!same_year) all = MetBefore{first_covered->plan_year, {}};
  const auto first = FirstCoveredLines(priced, all.plan_year);
  bool unknown = false;
  for (int set = 0; set < kAccumulatorSets; ++set) {
    if (first[set] == nullptr) continue;
    const PlanYearLimits limits = LimitsOf(ctx, *first[set]);
    const v1::Accumulators* said = nullptr;
    if (same_year && set == static_cast<int>(RequestedSet(ctx))) {
      said = &ctx.insurance->met_so_far();
    } else if (same_year && ctx.out_of_network &&
               set == static_cast<int>(AccumulatorSet::kInNetwork)) {
      said = &ctx.insurance->in_network_met_so_far();
    }
    const bool set_unknown =
        said == nullptr ? limits.deductible > Money::Zero() || limits.out_of_pocket_max.has_value()
                        : Unknown(*said, limits, ctx.family_tier);
    if (!set_unknown) continue;
    unknown = true;
    all.met[set] = MetAtLimits(said, limits);
  }
  if (!unknown) return std::nullopt;
  return all;
}

// Whether family coverage could change what this patient pays, when the tier is not given. With
// an embedded family deductible and family amounts no smaller than the individual ones, the
// individual amounts always bind first for one patient whose own spending is all the family's
// known spending: family coverage prices the same, so it is not tried.
bool FamilyTierCanDiffer(const CourseContext& ctx) {
  if (!ctx.tier_assumed) return false;
  for (const v1::NetworkBenefits* n :
       {&ctx.start_version->plan.in_network(), &ctx.start_version->plan.out_of_network()}) {
    if (n->has_family_deductible_cents() &&
        (n->family_deductible_kind() == v1::FAMILY_DEDUCTIBLE_KIND_AGGREGATE ||
         n->family_deductible_cents() < n->deductible_cents())) {
      return true;
    }
    if (n->has_family_out_of_pocket_max_cents() && n->has_out_of_pocket_max_cents() &&
        n->family_out_of_pocket_max_cents() < n->out_of_pocket_max_cents()) {
      return true;
    }
  }
  return false;
}

std::string MonthDayWords(int month, int day) {
  static const char* const kMonths[] = {"January", "February", "March",     "April",
                                        "May",     "June",     "July",      "August",
                                        "September", "October", "November", "December"};
  return absl::StrCat(kMonths[month - 1], " ", day);
}

// Plan-year starts to try when the request does not give one: the figure's, and the first of each
// month after the first and up to the last covered session.
std::vector<Option<std::pair<int, int>>> PlanYearOptions(const CourseContext& ctx,
                                                         const PricedCourse& figure_priced,
                                                         const CoverageAssumptions& figure) {
  std::vector<Option<std::pair<int, int>>> out;
  out.push_back({{figure.plan_year_month, figure.plan_year_day}, ""});
  if (ctx.insurance == nullptr || !ctx.plan_year_assumed) return out;
  const PricedLine* first = nullptr;
  const PricedLine* last = nullptr;
  for (const PricedLine& line : figure_priced.lines) {
    if (!line.covered) continue;
    if (first == nullptr) first = &line;
    last = &line;
  }
  if (first == nullptr) return out;
  absl::CivilMonth month(first->session->date);
  for (++month; absl::CivilDay(month) <= last->session->date; ++month) {
    const int m = month.month();
    if (m == figure.plan_year_month && figure.plan_year_day == 1) continue;
    out.push_back({{m, 1}, absl::StrCat("the plan year starts each year on ",
                                        MonthDayWords(m, 1))});
  }
  return out;
}

}  // namespace

absl::Status WritePatientRange(const CourseContext& ctx, const SessionPrices& prices,
                               const CoverageAssumptions& figure,
                               const PricedCourse* figure_priced, v1::CoverageStatus status,
                               Money figure_total, v1::PatientRange& range) {
  Extremes extremes;
  extremes.Offer(figure_total, {});
  if (ctx.insurance == nullptr || status == v1::COVERAGE_STATUS_NOT_COVERED) {
    extremes.WriteTo(range);
    return absl::OkStatus();
  }
  Notices silent(nullptr);
  const std::string payer = ctx.start_version->plan.payer_name();
  const bool prior_auth =
      PriorAuthRequiredIn(ctx.start_version->Policy(ctx.treatment)->covered(), ctx.network());

  // The prior-authorization outcome.
  std::vector<Option<bool>> approvals = {{figure.criteria_not_met, ""}};
  if (status == v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH) {
    approvals.push_back({true, absl::StrCat(payer, " denies the prior authorization, so every "
                                            "session is at the clinic's self-pay price")});
  } else if (status == v1::COVERAGE_STATUS_CRITERIA_NOT_MET) {
    approvals.push_back({false, prior_auth ? absl::StrCat(payer, " approves the course")
                                           : absl::StrCat("the record shows ", payer,
                                                          "'s criteria are met")});
  }
  const std::string none;
  const std::string family_words = "the patient has family coverage";
  for (const Option<bool>& approval : approvals) {
    if (approval.value) {  // nothing covered: the other unknowns do not matter
      ASSIGN_OR_RETURN(const Money self_pay, prices.SelfPayTotal());
      extremes.Offer(self_pay, {&approval.words});
      continue;
    }
    CoverageAssumptions assume = figure;
    assume.criteria_not_met = false;
    // The figure's own assumptions were priced for its lines already.
    std::optional<PricedCourse> repriced;
    if (figure_priced == nullptr || figure.criteria_not_met) {
      ASSIGN_OR_RETURN(repriced, prices.Cover(assume));
    }
    const PricedCourse& base = repriced ? *repriced : *figure_priced;
    for (const auto& year : PlanYearOptions(ctx, base, figure)) {
      assume.plan_year_month = year.value.first;
      assume.plan_year_day = year.value.second;
      std::vector<Option<bool>> conditions = {{true, ""}};
      for (size_t c = 0; c < conditions.size(); ++c) {  // grows once the first pricing shows
        const Option<bool> condition = conditions[c];     // sessions on a condition
        assume.conditional_sessions_met = condition.value;
        // The figure's own plan year and condition were covered as `base` already.
        std::optional<PricedCourse> other;
        if (!condition.value) {
          ASSIGN_OR_RETURN(other, prices.Cover(assume));
        } else if (!year.words.empty()) {  // only the plan year's start differs from `base`
          ASSIGN_OR_RETURN(other, prices.WithPlanYear(base, assume));
        }
        const PricedCourse& priced = other ? *other : base;
        if (condition.value && !priced.conditional.empty()) {
          conditions.push_back(
              {false, absl::StrCat("there is no ", priced.condition->condition(), ", so ",
                                   SessionRanges(priced.conditional),
                                   " are at the clinic's self-pay price")});
        }
        for (const bool family : {false, true}) {
          if (family && !FamilyTierCanDiffer(ctx)) continue;
          CourseContext tier_ctx = ctx;
          tier_ctx.family_tier = ctx.family_tier || family;
          const MetBefore said = MetFromRequest(tier_ctx, priced, assume, silent);
          std::vector<Option<MetBefore>> mets = {{said, ""}};
          if (std::optional<MetBefore> all = AllMet(tier_ctx, priced, said)) {
            const std::string amounts = PlanYearResetWords(tier_ctx, priced, said.plan_year);
            mets.push_back(
                {*all, absl::StrCat("the ", amounts.empty() ? "plan's yearly amounts" : amounts,
                                    amounts.find(" and ") == std::string::npos && !amounts.empty()
                                        ? " is"
                                        : " are",
                                    " already met this plan year")});
          }
          for (const Option<MetBefore>& met : mets) {
            if (approval.words.empty() && year.words.empty() && condition.words.empty() &&
                !family && met.words.empty()) {
              continue;  // the figure's own assumptions: offered already
            }
            const Money total = PatientTotal(tier_ctx, priced, met.value);
            extremes.Offer(total, {&approval.words, &year.words, &condition.words,
                                   family ? &family_words : &none, &met.words});
          }
        }
      }
    }
  }
  extremes.WriteTo(range);
  return absl::OkStatus();
}

}  // namespace estimator
