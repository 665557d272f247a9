#include "service/engine/course_context.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/common/dates.h"
#include "service/common/status_macros.h"
#include "service/engine/plain_language.h"
#include "service/engine/vocabulary.h"

namespace estimator {

void Notices::Add(v1::NoticeKind kind, absl::string_view code, std::string message) {
  if (list_ == nullptr) return;
  if (about_if_approved_) message.insert(0, "If approved: ");
  for (const auto& n : *list_) {
    if (n.code() == code && n.message() == message) return;
  }
  v1::Notice& n = *list_->Add();
  n.set_kind(kind);
  n.set_code(std::string(code));
  n.set_message(std::move(message));
  n.set_about_if_approved(about_if_approved_);
}

const v1::NetworkBenefits& TierOf(const CourseContext& ctx, const PlanVersion& version) {
  return ctx.out_of_network ? version.plan.out_of_network() : version.plan.in_network();
}

absl::Status ResolveCourse(const RuleSet& rules, const v1::CourseOptions& course,
                           const std::string& field, CourseContext& ctx, Notices& notices) {
  ctx.treatment = course.treatment();
  const std::string name = TreatmentName(ctx.treatment);
  if (!ctx.clinic->Offers(ctx.treatment)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".treatment: ", ctx.clinic->clinic.name(),
                                                   " does not offer ", name));
  }
  if (course.protocol_id().empty()) {
    ctx.protocol = rules.DefaultProtocol(ctx.treatment);
    if (ctx.protocol == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat("the rules have no protocol for ", name));
    }
    notices.Assume("PROTOCOL_DEFAULT",
                   absl::StrCat("Schedule: ", ctx.protocol->name(), " (no protocol was asked for; "
                                "this is the rule files' default ", name, " protocol)."));
  } else {
    ctx.protocol = rules.FindProtocol(course.protocol_id());
    if (ctx.protocol == nullptr) {
      return absl::NotFoundError(absl::StrCat(field, ".protocol_id: no protocol '",
                                              course.protocol_id(), "' (see ListPayers)"));
    }
    if (ctx.protocol->treatment() != ctx.treatment) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".protocol_id: '",
                                                     course.protocol_id(), "' is not a ", name,
                                                     " protocol"));
    }
  }

  ctx.sessions_used = &course.sessions_used();
  const auto& doses = ctx.protocol->allowed_doses_mg();
  if (!doses.empty()) {
    const int asked = course.spravato().dose_mg();
    if (asked == 0) {
      ctx.dose_mg = *std::min_element(doses.begin(), doses.end());
      notices.Assume("DOSE_DEFAULT", absl::StrCat("Dose: ", ctx.dose_mg,
                                                  " mg after the first session (not stated)."));
    } else if (std::find(doses.begin(), doses.end(), asked) == doses.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".spravato.dose_mg: ", asked, " mg is not a dose of this protocol (",
          absl::StrJoin(doses, " or "), " mg)"));
    } else {
      ctx.dose_mg = asked;
    }
  }

  if (course.has_maintenance()) {
    ctx.maintenance_months = course.maintenance().months();
    ctx.maintenance_frequency = course.maintenance().frequency();
  } else {
    ctx.maintenance_months = ctx.protocol->maintenance().months();
    ctx.maintenance_frequency = ctx.protocol->maintenance().frequency();
    notices.Assume("MAINTENANCE_DEFAULT",
                   ctx.maintenance_months == 0
                       ? std::string("Maintenance: none included (not stated).")
                       : absl::StrCat("Maintenance: ", ctx.maintenance_months, " months, ",
                                      MaintenanceFrequencyName(ctx.maintenance_frequency),
                                      " (the protocol's default; not stated)."));
  }
  return absl::OkStatus();
}

absl::Status ResolveInsurance(const RuleSet& rules, const v1::InsuranceCoverage& ins,
                              CourseContext& ctx, Notices& notices) {
  ctx.insurance = &ins;
  ASSIGN_OR_RETURN(ctx.versions, rules.RequirePlanVersions(ins.payer_id(), ins.plan_id(),
                                                            "coverage.insurance."));
  ctx.start_version = RuleSet::VersionOn(*ctx.versions, ctx.start);
  if (ctx.start_version == nullptr) {
    const PlanVersion& first = ctx.versions->front();
    const PlanVersion& last = ctx.versions->back();
    return absl::FailedPreconditionError(absl::StrCat(
        "course_start_date: no rules for ", ins.payer_id(), "/", ins.plan_id(), " are in effect on ",
        FormatDate(ctx.start), "; loaded versions cover ", FormatDate(first.effective_from),
        " to ", last.effective_to ? FormatDate(*last.effective_to) : "later"));
  }
  ctx.out_of_network = ins.network() == v1::NETWORK_OUT_OF_NETWORK;
  ctx.family_tier = ins.coverage_tier() == v1::COVERAGE_TIER_FAMILY;
  const v1::NetworkBenefits& tier = TierOf(ctx, *ctx.start_version);
  // Only worth saying when the plan has family amounts at all (Medicare has none).
  ctx.tier_assumed = ins.coverage_tier() == v1::COVERAGE_TIER_UNSPECIFIED &&
                     (tier.has_family_deductible_cents() || tier.has_family_out_of_pocket_max_cents());
  ctx.plan_year_assumed = !ins.has_plan_year_start();
  if (ins.has_plan_year_start()) {
    ctx.plan_year_month = ins.plan_year_start().month();
    ctx.plan_year_day = ins.plan_year_start().day();
  } else {
    ctx.plan_year_month = ctx.start_version->plan.plan_year_start().month();
    ctx.plan_year_day = ctx.start_version->plan.plan_year_start().day();
  }
  return absl::OkStatus();
}


absl::Status ResolveDrugBenefit(const v1::CourseOptions& course, const std::string& field,
                                CourseContext& ctx, Notices& notices) {
  if (ctx.treatment != v1::TREATMENT_SPRAVATO) return absl::OkStatus();
  const v1::Benefit asked = course.spravato().drug_benefit();
  const v1::TreatmentPolicy* policy =
      ctx.start_version != nullptr ? ctx.start_version->Policy(ctx.treatment) : nullptr;
  if (policy == nullptr || !policy->has_covered()) {
    // Self-pay or not covered: the clinic buys and bills the drug.
    ctx.drug_benefit = asked == v1::BENEFIT_UNSPECIFIED ? v1::BENEFIT_MEDICAL : asked;
    return absl::OkStatus();
  }
  const auto& allowed = policy->covered().drug_benefits();
  if (asked == v1::BENEFIT_UNSPECIFIED) {
    ctx.drug_benefit = static_cast<v1::Benefit>(allowed.Get(0));
    notices.Assume("DRUG_BENEFIT_DEFAULT",
                   absl::StrCat("Spravato drug billed under the ",
                                BenefitName(ctx.drug_benefit),
                                " benefit (the plan's default; not stated)."));
    return absl::OkStatus();
  }
  if (std::find(allowed.begin(), allowed.end(), asked) == allowed.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".spravato.drug_benefit: ", ctx.start_version->plan.plan_name(),
        " does not pay for Spravato under the ", BenefitName(asked), " benefit"));
  }
  ctx.drug_benefit = asked;
  return absl::OkStatus();
}

}  // namespace estimator
