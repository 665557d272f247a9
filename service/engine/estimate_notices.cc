#include "service/engine/estimate_notices.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "service/common/dates.h"
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
  *d.mutable_sources() = v.plan.sources();
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
  if (c.prior_auth_required()) {
    d.set_status(v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH);
    d.set_explanation(absl::StrCat(name, " is covered once ", v.plan.payer_name(),
                                   " approves a prior authorization."));
  } else {
    d.set_status(v1::COVERAGE_STATUS_COVERED);
    d.set_explanation(absl::StrCat(name, " is covered; no prior authorization is required."));
  }
}

MetSoFar MetFromRequest(const CourseContext& ctx, const PlanVersion& version, Notices& notices) {
  const v1::Accumulators& a = ctx.insurance->met_so_far();
  const v1::NetworkBenefits& n = TierOf(ctx, version);
  MetSoFar met;
  if (a.has_deductible_met_cents()) {
    met.deductible = Money::Cents(a.deductible_met_cents());
  } else if (n.deductible_cents() > 0 || ctx.insurance->verified_benefits().has_deductible_cents()) {
    notices.Assume("DEDUCTIBLE_MET_UNKNOWN",
                   "Deductible met so far this plan year is unknown: assumed none met.");
  }
  if (a.has_out_of_pocket_met_cents()) {
    met.out_of_pocket = Money::Cents(a.out_of_pocket_met_cents());
  } else if (n.has_out_of_pocket_max_cents()) {
    notices.Assume("OUT_OF_POCKET_MET_UNKNOWN",
                   "Out-of-pocket spending so far this plan year is unknown: assumed none.");
  }
  // The patient's own spending counts toward the family's.
  met.family_deductible = a.has_family_deductible_met_cents()
                              ? Money::Cents(a.family_deductible_met_cents())
                              : met.deductible;
  met.family_out_of_pocket = a.has_family_out_of_pocket_met_cents()
                                 ? Money::Cents(a.family_out_of_pocket_met_cents())
                                 : met.out_of_pocket;
  if (ctx.family_tier &&
      (n.has_family_deductible_cents() || n.has_family_out_of_pocket_max_cents()) &&
      (!a.has_family_deductible_met_cents() || !a.has_family_out_of_pocket_met_cents())) {
    notices.Assume("FAMILY_MET_UNKNOWN",
                   "Family amounts met so far are unknown: only this patient's spending counted.");
  }
  return met;
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
    notices.Warn("START_MOVED", absl::StrCat("The clinic is closed on ", FormatDate(start),
                                             "; the course starts ",
                                             FormatDate(sessions.front().date), "."));
  }

}

void AddCourseWarnings(const CourseContext& ctx, const PricedCourse& priced,
                       const v1::CourseEstimate& e, Notices& notices) {
  const std::vector<int>& over_limit = priced.over_limit;
  const std::vector<int>& maintenance_excluded = priced.maintenance_excluded;
  const std::vector<int>& no_rules = priced.no_rules;
  // Warnings a person needs, in plain words.
  if (!over_limit.empty()) {
    notices.Warn("OVER_SESSION_LIMIT",
                 absl::StrCat(SessionRanges(over_limit),
                              " exceed the plan's session limit and are priced at the clinic's "
                              "self-pay price."));
  }
  if (!maintenance_excluded.empty()) {
    notices.Warn("MAINTENANCE_EXCLUDED",
                 absl::StrCat("Maintenance ", SessionRanges(maintenance_excluded),
                              " are not covered by the plan and are priced at the clinic's "
                              "self-pay price."));
  }
  if (!no_rules.empty()) {
    notices.Warn("NO_RULES_IN_EFFECT",
                 absl::StrCat(SessionRanges(no_rules), " fall outside the dates of the loaded "
                              "rules for this plan and are priced at the self-pay price."));
  }
  for (int i = 1; i < e.plan_year_totals_size() && ctx.insurance != nullptr; ++i) {
    if (e.plan_year_totals(i).totals().sessions_covered() == 0) continue;
    notices.Warn("PLAN_YEAR_CROSSED",
                 absl::StrCat("The course crosses into a new plan year on ",
                              e.plan_year_totals(i).plan_year_start(),
                              ": the deductible and out-of-pocket maximum start over for later "
                              "sessions."));
  }
  if (ctx.insurance != nullptr) {
    const v1::CoverageStatus status = e.coverage().status();
    const v1::TreatmentPolicy& policy = *ctx.start_version->Policy(ctx.treatment);
    if (status == v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH) {
      notices.Warn("PRIOR_AUTH_REQUIRED",
                   e.has_readiness()
                       ? absl::StrCat(e.readiness().summary(), " Covered sessions are priced as "
                                      "if it is approved. Without approval the plan pays nothing.")
                       : "Prior authorization is required: covered sessions are priced as if it "
                         "is approved. Without approval the plan pays nothing.");
    }
    if (status == v1::COVERAGE_STATUS_CRITERIA_NOT_MET) {
      const bool prior_auth = policy.covered().prior_auth_required();
      notices.Warn(prior_auth ? "PRIOR_AUTH_NOT_READY" : "CRITERIA_NOT_MET",
                   absl::StrCat(e.readiness().summary(), " Every session is priced at the "
                                "clinic's self-pay price ",
                                prior_auth ? "until the plan approves; if it does"
                                           : "until the record shows the criteria are met; then",
                                ", the patient would pay about ",
                                FormatMoney(Money::Cents(e.if_approved().patient_cents())), "."));
    }
    if (policy.has_covered() && status != v1::COVERAGE_STATUS_NOT_COVERED &&
        status != v1::COVERAGE_STATUS_CRITERIA_NOT_MET) {
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
        notices.Assume("PHARMACY_ACCUMULATORS",
                       "Spravato under the pharmacy benefit: the pharmacy's share is counted "
                       "toward the same deductible and out-of-pocket maximum as the medical "
                       "sessions.");
      }
    }
  } else {
    notices.Warn("GOOD_FAITH_ESTIMATE",
                 "Uninsured and self-pay patients have the right to a written Good Faith "
                 "Estimate (No Surprises Act, 45 CFR 149.610) and may dispute a bill $400 or "
                 "more above it.");
  }
}

}  // namespace estimator
