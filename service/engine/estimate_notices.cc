#include "service/engine/estimate_notices.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/common/dates.h"
#include "service/common/holidays.h"
#include "service/common/money.h"
#include "service/engine/plain_language.h"

namespace estimator {
namespace {

bool ProtocolCovered(const v1::TreatmentCovered& c, const v1::TreatmentProtocol& protocol) {
  if (c.covered_protocol_ids().empty()) return true;
  return std::find(c.covered_protocol_ids().begin(), c.covered_protocol_ids().end(),
                   protocol.protocol_id()) != c.covered_protocol_ids().end();
}

}  // namespace

void WriteCoverageDecision(const CourseContext& ctx, v1::CourseEstimate& e) {
  v1::CoverageDecision& d = *e.mutable_coverage();
  if (ctx.insurance == nullptr) {
    d.set_status(v1::COVERAGE_STATUS_SELF_PAY);
    d.set_explanation(absl::StrCat("Self-pay: every session at ", ctx.clinic->clinic.name(),
                                   "'s self-pay price."));
    return;
  }
  const PlanVersion& v = *ctx.start_version;
  d.set_payer_name(v.plan.payer_name());
  d.set_plan_name(v.plan.plan_name());
  CopySourcesFor(v.plan, ctx.treatment, *d.mutable_sources());
  d.set_plan_file_version(v.file_version);
  const v1::TreatmentPolicy& policy = *v.Policy(ctx.treatment);
  const std::string name = TreatmentName(ctx.treatment);
  if (policy.has_excluded()) {
    d.set_status(v1::COVERAGE_STATUS_NOT_COVERED);
    d.set_policy_section(policy.excluded().policy_section());
    d.set_explanation(absl::StrCat("Not covered: ", policy.excluded().explanation()));
    return;
  }
  const v1::TreatmentCovered& c = policy.covered();
  d.set_policy_section(c.policy_section());
  if (ctx.out_of_network && !v.plan.has_out_of_network()) {
    d.set_status(v1::COVERAGE_STATUS_NOT_COVERED);
    d.set_explanation(absl::StrCat("Not covered: ", v.plan.plan_name(),
                                   " pays nothing out of network."));
    return;
  }
  if (!ProtocolCovered(c, *ctx.protocol)) {
    d.set_status(v1::COVERAGE_STATUS_NOT_COVERED);
    d.set_explanation(absl::StrCat("Not covered: the plan does not cover the schedule '",
                                   ctx.protocol->name(), "'."));
    return;
  }
  if (PriorAuthRequiredIn(c, ctx.network())) {
    d.set_status(v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH);
    d.set_explanation(absl::StrCat(name, " is covered once ", v.plan.payer_name(),
                                   " approves a prior authorization."));
  } else {
    d.set_status(v1::COVERAGE_STATUS_COVERED);
    d.set_explanation(absl::StrCat(name, " is covered; no prior authorization is required."));
  }
}

namespace {

// Amounts met toward one set of accumulators, from what the request says, with an assumption
// stated for each unknown that matters. `whose` names the amounts ("" or "In-network ").
MetSoFar MetOf(const CourseContext& ctx, const v1::Accumulators& a, const PlanYearLimits& limits,
               absl::string_view whose, absl::string_view code_prefix, Notices& notices) {
  MetSoFar met;
  met.deductible = Money::Cents(a.deductible_met_cents());
  // Unknown out-of-pocket spending is at least the deductible paid, which counts toward it.
  met.out_of_pocket =
      a.has_out_of_pocket_met_cents() ? Money::Cents(a.out_of_pocket_met_cents()) : met.deductible;
  // The patient's own spending counts toward the family's.
  met.family_deductible = a.has_family_deductible_met_cents()
                              ? Money::Cents(a.family_deductible_met_cents())
                              : met.deductible;
  met.family_out_of_pocket = a.has_family_out_of_pocket_met_cents()
                                 ? Money::Cents(a.family_out_of_pocket_met_cents())
                                 : met.out_of_pocket;
  if (notices.silent()) return met;

  // "Deductible ..." or "In-network deductible ...".
  auto begin = [whose](absl::string_view what) {
    std::string s = absl::StrCat(whose, what);
    if (whose.empty()) s[0] = static_cast<char>(std::toupper(s[0]));
    return s;
  };
  const std::string prefix(code_prefix);
  if (!a.has_deductible_met_cents() && limits.deductible > Money::Zero()) {
    notices.Assume(prefix + "DEDUCTIBLE_MET_UNKNOWN",
                   absl::StrCat(begin("deductible"), " met so far this plan year is unknown: "
                                "assumed none met."));
  }
  if (!a.has_out_of_pocket_met_cents() && limits.out_of_pocket_max) {
    if (met.out_of_pocket > Money::Zero()) {
      notices.Assume(prefix + "OUT_OF_POCKET_MET_FROM_DEDUCTIBLE",
                     absl::StrCat(begin("out-of-pocket"), " spending so far this plan year is "
                                  "unknown: taken as the ", FormatMoney(met.deductible),
                                  " of deductible met, which counts toward it."));
    } else {
      notices.Assume(prefix + "OUT_OF_POCKET_MET_UNKNOWN",
                     absl::StrCat(begin("out-of-pocket"), " spending so far this plan year is "
                                  "unknown: assumed none."));
    }
  }
  if (ctx.family_tier && (limits.family_deductible || limits.family_out_of_pocket_max) &&
      (!a.has_family_deductible_met_cents() || !a.has_family_out_of_pocket_met_cents())) {
    notices.Assume(prefix + "FAMILY_MET_UNKNOWN",
                   "Family amounts met so far are unknown: only this patient's spending counted.");
  }
  return met;
}

bool AnyMet(const v1::Accumulators& a) {
  return a.has_deductible_met_cents() || a.has_out_of_pocket_met_cents() ||
         a.has_family_deductible_met_cents() || a.has_family_out_of_pocket_met_cents();
}

}  // namespace

AccumulatorSet RequestedSet(const CourseContext& ctx) {
  return ctx.out_of_network ? AccumulatorSet::kOutOfNetwork : AccumulatorSet::kInNetwork;
}

std::array<const PricedLine*, kAccumulatorSets> FirstCoveredLines(const PricedCourse& priced,
                                                                  absl::CivilDay plan_year) {
  std::array<const PricedLine*, kAccumulatorSets> first{};
  for (const PricedLine& line : priced.lines) {
    const int set = static_cast<int>(line.accumulators);
    if (line.covered && line.plan_year == plan_year && first[set] == nullptr) first[set] = &line;
  }
  return first;
}

MetBefore MetFromRequest(const CourseContext& ctx, const PricedCourse& priced,
                         const CoverageAssumptions& coverage, Notices& notices) {
  MetBefore before;
  before.plan_year = PlanYearOf(ctx.start, coverage);
  if (ctx.insurance == nullptr) return before;
  const auto first = FirstCoveredLines(priced, before.plan_year);
  const int requested = static_cast<int>(RequestedSet(ctx));
  if (first[requested] != nullptr) {
    before.met[requested] = MetOf(ctx, ctx.insurance->met_so_far(),
                                  LimitsOf(ctx, *first[requested]), "", "", notices);
  }
  const int in_network = static_cast<int>(AccumulatorSet::kInNetwork);
  if (ctx.out_of_network && first[in_network] != nullptr) {
    // A benefit that counts toward the in-network amounts on an out-of-network request.
    before.met[in_network] =
        MetOf(ctx, ctx.insurance->in_network_met_so_far(), LimitsOf(ctx, *first[in_network]),
              "In-network ", "IN_NETWORK_", notices);
  }
  if (notices.silent()) return before;  // the rest only says what was assumed
  const int pharmacy = static_cast<int>(AccumulatorSet::kPharmacySeparate);
  if (first[pharmacy] != nullptr) {
    const PlanYearLimits limits = LimitsOf(ctx, *first[pharmacy]);
    if (limits.deductible > Money::Zero() || limits.out_of_pocket_max) {
      notices.Assume("PHARMACY_MET_UNKNOWN",
                     "Amounts met so far toward the pharmacy benefit's own deductible and "
                     "out-of-pocket maximum are unknown: assumed none.");
    }
  }
  // met_so_far describes the plan year of the requested start; a first session in the next one
  // (the start fell on a closed day just before it) meets none of it.
  const PricedLine* first_covered = FirstCoveredLine(priced);
  if (first_covered != nullptr && first_covered->plan_year != before.plan_year &&
      (AnyMet(ctx.insurance->met_so_far()) || AnyMet(ctx.insurance->in_network_met_so_far()))) {
    notices.Assume("MET_SO_FAR_OTHER_PLAN_YEAR",
                   absl::StrCat("The amounts met so far describe the plan year that began ",
                                FormatDate(before.plan_year), "; the first covered session, on ",
                                FormatDate(first_covered->session->date), ", falls in the plan "
                                "year that begins ", FormatDate(first_covered->plan_year),
                                ", where nothing is assumed met yet."));
  }
  return before;
}

void UnpublishedAmountsNotice(const PricedCourse& priced, Notices& notices) {
  const absl::CivilDay date = priced.unpublished_from->date;
  const PlanVersion& version = *priced.unpublished_version;
  notices.Warn("AMOUNTS_NOT_PUBLISHED",
               absl::StrCat("Sessions from ", FormatDate(date), " are priced with the ",
                            "amounts published through ",
                            FormatDate(*version.amounts_published_through),
                            "; the plan has not published later figures."));
}

void AddCourseAssumptions(const CourseContext& ctx, const std::vector<ScheduledSession>& sessions,
                          const v1::CourseEstimate& e, Notices& notices) {
  const absl::CivilDay start = ctx.start;
  if (e.coverage().status() != v1::COVERAGE_STATUS_NOT_COVERED &&
      e.coverage().status() != v1::COVERAGE_STATUS_SELF_PAY) {
    if (ctx.tier_assumed) {
      notices.Assume("COVERAGE_TIER_ASSUMED", "Coverage tier not stated: self-only limits used.");
    }
    if (ctx.plan_year_assumed) {
      notices.Assume("PLAN_YEAR_START_DEFAULT",
                     absl::StrCat("Plan year assumed to start each year on ",
                                  FormatDate(absl::CivilDay(2001, ctx.plan_year_month,
                                                            ctx.plan_year_day)).substr(5),
                                  " (MM-DD), the plan's default."));
    }
  }
  if (!sessions.empty() && sessions.front().date != start) {
    const std::optional<UsHoliday> holiday = ctx.clinic->HolidayOn(start);
    notices.Warn("START_MOVED",
                 absl::StrCat("The clinic is closed on ", FormatDate(start),
                              holiday ? absl::StrCat(" (", HolidayName(*holiday), ")") : "",
                              "; the course starts ", FormatDate(sessions.front().date), "."));
  }
  if (!sessions.empty() && sessions.back().date > ctx.clinic->closed_dates_declared_through) {
    notices.Warn("CLOSED_DATES_NOT_DECLARED",
                 absl::StrCat(ctx.clinic->clinic.name(), " has listed its own closed days only "
                              "through ", FormatDate(ctx.clinic->closed_dates_declared_through),
                              "; later sessions are scheduled on every weekday but the federal "
                              "holidays it observes, so a closure not yet listed could move "
                              "them."));
  }

}

std::string YearlyAmountsWords(const PlanYearLimits& limits) {
  const bool deductible = limits.deductible > Money::Zero() ||
                          (limits.family_deductible && *limits.family_deductible > Money::Zero());
  const bool maximum = limits.out_of_pocket_max.has_value();
  if (deductible && maximum) return "deductible and out-of-pocket maximum";
  if (deductible) return "deductible";
  if (maximum) return "out-of-pocket maximum";
  return "";
}

std::string PlanYearResetWords(const CourseContext& ctx, const PricedCourse& priced,
                               absl::CivilDay plan_year) {
  if (ctx.insurance == nullptr) return "";
  const auto first = FirstCoveredLines(priced, plan_year);
  const PricedLine* line = first[static_cast<int>(RequestedSet(ctx))];
  return line == nullptr ? "" : YearlyAmountsWords(LimitsOf(ctx, *line));
}

namespace {

// The verified values the request gives, in words ("deductible $500.00, coinsurance 10%").
std::string VerifiedWords(const v1::VerifiedBenefits& v) {
  std::vector<std::string> parts;
  if (v.has_deductible_cents()) {
    parts.push_back(absl::StrCat("deductible ", FormatMoney(Money::Cents(v.deductible_cents()))));
  }
  if (v.has_coinsurance_bp()) {
    parts.push_back(absl::StrCat("coinsurance ", FormatBasisPoints(v.coinsurance_bp())));
  }
  if (v.has_copay_cents()) {
    parts.push_back(absl::StrCat("copay ", FormatMoney(Money::Cents(v.copay_cents()))));
  }
  if (v.has_out_of_pocket_max_cents()) {
    parts.push_back(absl::StrCat("out-of-pocket maximum ",
                                 FormatMoney(Money::Cents(v.out_of_pocket_max_cents()))));
  }
  return absl::StrJoin(parts, ", ");
}

// Notices about the request's inputs that decide the figure without it saying so.
void AddInputNotices(const CourseContext& ctx, const PricedCourse& priced,
                     const v1::CourseEstimate& e, Notices& notices) {
  const v1::VerifiedBenefits& v = ctx.insurance->verified_benefits();
  const std::string verified = VerifiedWords(v);
  if (!verified.empty()) {
    std::string later;
    for (const absl::CivilDay year : LaterCoveredPlanYears(priced)) {
      later = ctx.insurance->verified_benefits_for_later_plan_years()
                  ? absl::StrCat(" They are also used from ", FormatDate(year),
                                 ", as the request says they still hold then.")
                  : absl::StrCat(" From ", FormatDate(year),
                                 " the plan's own values are used; say whether the verified "
                                 "values still hold then "
                                 "(verified_benefits_for_later_plan_years).");
      break;
    }
    notices.Assume("VERIFIED_BENEFITS",
                   absl::StrCat("Verified benefits (", verified, ") replace the plan's values for ",
                                ctx.out_of_network ? "out-of-network" : "in-network",
                                " services in the plan year that contains ",
                                FormatDate(ctx.start), ".", later));
  }
  const v1::SessionsUsed& used = *ctx.sessions_used;
  if (priced.session_limits && (!used.has_this_plan_year() || !used.has_this_course())) {
    notices.Assume("SESSIONS_USED_UNKNOWN",
                   "Sessions the plan already paid for (this plan year, or earlier in this "
                   "course) are not stated: assumed none, so the plan's session limits start "
                   "with this course.");
  }
  if (!priced.conditional.empty()) {
    notices.Assume("PROGRESS_CONDITION",
                   absl::StrCat(SessionRanges(priced.conditional), " are priced as covered, "
                                "assuming ", priced.condition->condition(), "; without it the "
                                "plan pays none of them and they are the patient's at the "
                                "clinic's self-pay price."));
  }
}

// How the pharmacy benefit's share counts, as the plan file says.
std::string PharmacyAccumulatorWords(const CourseContext& ctx) {
  const v1::PharmacyBenefit& p = ctx.start_version->plan.pharmacy();
  if (p.accumulators() == v1::PHARMACY_ACCUMULATORS_SEPARATE) {
    return "Spravato under the pharmacy benefit: the pharmacy's share counts toward the pharmacy "
           "benefit's own deductible and out-of-pocket maximum, not the medical ones.";
  }
  return absl::StrCat("Spravato under the pharmacy benefit: the pharmacy's share counts toward "
                      "the plan's in-network out-of-pocket maximum",
                      p.deductible_applies() ? " and deductible" : " (the deductible does not "
                      "apply to it)",
                      ctx.out_of_network ? ", even though the clinic is out of network." : ".");
}

}  // namespace

namespace {

// Warnings about what the plan decides: prior authorization, criteria, the plan's own notes, no
// out-of-pocket maximum, balance billing, how the pharmacy benefit counts.
void AddPlanWarnings(const CourseContext& ctx, const PricedCourse& priced,
                     const v1::CourseEstimate& e, Notices& notices) {
  const v1::CoverageStatus status = e.coverage().status();
  const v1::TreatmentPolicy& policy = *ctx.start_version->Policy(ctx.treatment);
  if (status == v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH && !notices.about_if_approved()) {
    notices.Warn("PRIOR_AUTH_REQUIRED",
                 e.has_readiness()
                     ? absl::StrCat(e.readiness().summary(), " Covered sessions are priced as "
                                    "if it is approved. Without approval the plan pays nothing.")
                     : "Prior authorization is required: covered sessions are priced as if it "
                       "is approved. Without approval the plan pays nothing.");
  }
  if (status == v1::COVERAGE_STATUS_CRITERIA_NOT_MET) {
    const bool prior_auth = PriorAuthRequiredIn(policy.covered(), ctx.network());
    notices.Warn(prior_auth ? "PRIOR_AUTH_NOT_READY" : "CRITERIA_NOT_MET",
                 absl::StrCat(e.readiness().summary(), " Every session is priced at the "
                              "clinic's self-pay price ",
                              prior_auth ? "until the plan approves; if it does"
                                         : "until the record shows the criteria are met; then",
                              ", the patient would pay about ",
                              FormatMoney(Money::Cents(e.if_approved().patient_cents())),
                              " (the notices marked \"If approved\" apply to that figure)."));
  }
  if (!policy.has_covered() || status == v1::COVERAGE_STATUS_NOT_COVERED ||
      status == v1::COVERAGE_STATUS_CRITERIA_NOT_MET) {
    return;
  }
  AddInputNotices(ctx, priced, e, notices);
  for (const std::string& note : policy.covered().notes()) notices.Warn("PLAN_NOTE", note);
  const v1::NetworkBenefits& n = TierOf(ctx, *ctx.start_version);
  if (n.no_out_of_pocket_max() &&
      !ctx.insurance->verified_benefits().has_out_of_pocket_max_cents()) {
    notices.Warn("NO_OUT_OF_POCKET_MAX",
                 absl::StrCat(ctx.start_version->plan.plan_name(),
                              " has no out-of-pocket maximum: the coinsurance continues for "
                              "every session. A supplemental (Medigap) plan may pay it; "
                              "that is not included."));
  }
  if (ctx.out_of_network && e.totals().balance_billed_cents() > 0) {
    notices.Warn("BALANCE_BILLING",
                 absl::StrCat("Out of network: the clinic may bill the difference between "
                              "its charge and the plan's allowed amount (",
                              FormatMoney(Money::Cents(e.totals().balance_billed_cents())),
                              " here); it does not count toward the deductible or "
                              "out-of-pocket maximum."));
  }
  if (ctx.drug_benefit == v1::BENEFIT_PHARMACY) {
    notices.Assume("PHARMACY_ACCUMULATORS", PharmacyAccumulatorWords(ctx));
  }
}

}  // namespace

void AddCourseWarnings(const CourseContext& ctx, const PricedCourse& priced,
                       const v1::CourseEstimate& e, Notices& notices) {
  if (!priced.over_limit.empty()) {
    notices.Warn("OVER_SESSION_LIMIT",
                 absl::StrCat(SessionRanges(priced.over_limit),
                              " exceed the plan's session limit and are priced at the clinic's "
                              "self-pay price."));
  }
  if (!priced.maintenance_excluded.empty()) {
    notices.Warn("MAINTENANCE_EXCLUDED",
                 absl::StrCat("Maintenance ", SessionRanges(priced.maintenance_excluded),
                              " are not covered by the plan and are priced at the clinic's "
                              "self-pay price."));
  }
  if (!priced.no_rules.empty()) {
    notices.Warn("NO_RULES_IN_EFFECT",
                 absl::StrCat(SessionRanges(priced.no_rules), " fall outside the dates of the "
                              "loaded rules for this plan and are priced at the self-pay price."));
  }
  if (!priced.lines.empty() &&
      FormatDate(priced.lines.front().session->date) < ctx.clinic->clinic.prices_effective_from() &&
      !notices.about_if_approved()) {
    notices.Warn("PRICES_NOT_YET_IN_EFFECT",
                 absl::StrCat(ctx.clinic->clinic.name(), "'s price list takes effect on ",
                              ctx.clinic->clinic.prices_effective_from(), "; sessions before "
                              "then are priced with it all the same."));
  }
  for (const absl::CivilDay year : LaterCoveredPlanYears(priced)) {
    if (ctx.insurance == nullptr) break;
    const std::string words = PlanYearResetWords(ctx, priced, year);
    if (words.empty()) continue;  // nothing starts over that this course pays
    notices.Warn("PLAN_YEAR_CROSSED",
                 absl::StrCat("The course crosses into a new plan year on ", FormatDate(year),
                              ": the ", words,
                              " start", words.find(" and ") == std::string::npos ? "s" : "",
                              " over for later sessions."));
  }
  if (ctx.insurance == nullptr) {
    notices.Warn("GOOD_FAITH_ESTIMATE",
                 "Uninsured and self-pay patients have the right to a written Good Faith "
                 "Estimate (No Surprises Act, 45 CFR 149.610) and may dispute a bill $400 or "
                 "more above it.");
    return;
  }
  AddPlanWarnings(ctx, priced, e, notices);
}

}  // namespace estimator
