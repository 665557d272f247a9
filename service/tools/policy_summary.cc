#include "service/tools/policy_summary.h"

#include "service/rules/criteria_words.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "service/common/dates.h"
#include "service/common/money.h"
#include "service/engine/criteria_evaluation.h"
#include "service/engine/plain_language.h"
#include "service/engine/vocabulary.h"

namespace estimator {
namespace {

std::string Dollars(int64_t cents) { return FormatMoney(Money::Cents(cents)); }

std::string PlanTypeWords(v1::PlanType t) {
  switch (t) {
    case v1::PLAN_TYPE_ORIGINAL_MEDICARE: return "Original Medicare";
    case v1::PLAN_TYPE_MEDICARE_ADVANTAGE: return "Medicare Advantage";
    case v1::PLAN_TYPE_COMMERCIAL: return "commercial";
    case v1::PLAN_TYPE_MEDICAID: return "Medicaid";
    default: return "unknown plan type";
  }
}

std::string Period(const PlanVersion& v) {
  return v.effective_to ? absl::StrCat(FormatDate(v.effective_from), " to ", FormatDate(*v.effective_to))
                        : absl::StrCat(FormatDate(v.effective_from), " onward");
}

std::string MonthDayWords(const v1::MonthDay& md) {
  static const char* const kMonths[] = {"January", "February", "March",     "April",
                                        "May",     "June",     "July",      "August",
                                        "September", "October", "November", "December"};
  return absl::StrCat(kMonths[(md.month() - 1) % 12], " ", md.day());
}

std::string Network(const v1::NetworkBenefits& n, bool out_of_network) {
  std::vector<std::string> parts;
  parts.push_back(n.deductible_cents() == 0
                      ? std::string("no deductible")
                      : absl::StrCat("deductible ", Dollars(n.deductible_cents()), " a plan year"));
  if (n.has_family_deductible_cents()) {
    parts.push_back(absl::StrCat("family deductible ", Dollars(n.family_deductible_cents()),
                                 n.family_deductible_kind() == v1::FAMILY_DEDUCTIBLE_KIND_AGGREGATE
                                     ? " (aggregate)" : " (embedded)"));
  }
  parts.push_back(absl::StrCat("then the patient pays ", FormatBasisPoints(n.coinsurance_bp())));
  parts.push_back(n.no_out_of_pocket_max()
                      ? std::string("no out-of-pocket maximum")
                      : absl::StrCat("out-of-pocket maximum ", Dollars(n.out_of_pocket_max_cents())));
  if (n.has_family_out_of_pocket_max_cents()) {
    parts.push_back(absl::StrCat("family out-of-pocket maximum ",
                                 Dollars(n.family_out_of_pocket_max_cents())));
  }
  if (out_of_network) {
    parts.push_back(absl::StrCat("allowed amount ",
                                 FormatBasisPoints(n.allowed_percent_of_in_network_bp()),
                                 " of in network"));
    parts.push_back(n.has_charge_limit_percent_of_allowed_bp()
                        ? absl::StrCat("the clinic may bill up to ",
                                       FormatBasisPoints(n.charge_limit_percent_of_allowed_bp()),
                                       " of the allowed amount")
                        : std::string("the clinic may bill the patient the rest of its charge"));
  }
  return absl::StrJoin(parts, "; ");
}

std::string Sessions(const v1::SessionMatch& m, v1::Treatment treatment) {
  std::vector<std::string> parts;
  if (m.position() == v1::SESSION_POSITION_FIRST) parts.push_back("first session");
  if (m.position() == v1::SESSION_POSITION_LATER) parts.push_back("later sessions");
  for (int p : m.phases()) {
    parts.push_back(absl::StrCat(
        PhaseName(treatment, p), " phase"));
  }
  if (m.min_dose_mg() > 0) parts.push_back(absl::StrCat("from ", m.min_dose_mg(), " mg"));
  if (m.max_dose_mg() > 0) parts.push_back(absl::StrCat("up to ", m.max_dose_mg(), " mg"));
  if (m.drug_benefit() == v1::BENEFIT_MEDICAL) parts.push_back("drug billed by the clinic");
  if (m.drug_benefit() == v1::BENEFIT_PHARMACY) parts.push_back("drug under the pharmacy benefit");
  return parts.empty() ? "every session" : absl::StrJoin(parts, ", ");
}

std::string Requirement(const v1::Criterion& c, v1::Treatment treatment) {
  switch (c.check_case()) {
    case v1::Criterion::kAllOf:
    case v1::Criterion::kAnyOf: {
      std::vector<std::string> parts;
      const auto& list = c.has_all_of() ? c.all_of() : c.any_of();
      for (const auto& child : list.criteria()) parts.push_back(Requirement(child, treatment));
      return absl::StrCat(c.has_all_of() ? "all of (" : "one of (",
                          absl::StrJoin(parts, c.has_all_of() ? "; and " : "; or "), ")");
    }
    case v1::Criterion::kNot:
      return absl::StrCat("not: ", Requirement(c.not_(), treatment));
    default:
      return std::string(absl::StripSuffix(RequirementOf(c, treatment), " required"));
  }
}

void Criteria(const v1::Criterion& root, v1::Treatment treatment, std::string& out) {
  const bool numbered = root.has_all_of();
  const auto* list = numbered ? &root.all_of().criteria() : nullptr;
  absl::StrAppend(&out, "  Criteria", numbered ? " (every one must be met)" : "", ":\n");
  auto line = [&](const v1::Criterion& c, const std::string& bullet) {
    absl::StrAppend(&out, "    ", bullet, " ", Requirement(c, treatment), "\n");
    absl::StrAppend(&out, "       [", c.id(),
                    c.policy_section().empty() ? "" : absl::StrCat("; ", c.policy_section()), "]\n");
  };
  if (!numbered) {
    line(root, "-");
    return;
  }
  for (int i = 0; i < list->size(); ++i) line((*list)[i], absl::StrCat(i + 1, "."));
}

void Treatment(const v1::TreatmentPolicy& policy, std::string& out) {
  const v1::Treatment t = policy.treatment();
  if (policy.has_excluded()) {
    const auto& e = policy.excluded();
    absl::StrAppend(&out, TreatmentName(t), ": NOT COVERED (",
                    e.reason() == v1::EXCLUSION_REASON_EXPERIMENTAL ? "experimental/investigational"
                                                                     : "not a benefit",
                    "). ", e.explanation(), " [", e.policy_section(), "]\n",
                    "  Every session is at the clinic's self-pay price.\n");
    return;
  }
  const auto& c = policy.covered();
  absl::StrAppend(&out, TreatmentName(t), ": COVERED, ",
                  c.prior_auth_required() ? "prior authorization required"
                                          : "no prior authorization",
                  " [", c.policy_section(), "]\n");
  std::vector<std::string> limits;
  if (c.has_max_sessions_per_course()) {
    limits.push_back(absl::StrCat("at most ", c.max_sessions_per_course(), " sessions a course"));
  }
  if (c.has_max_sessions_per_plan_year()) {
    limits.push_back(absl::StrCat("at most ", c.max_sessions_per_plan_year(), " sessions a plan year"));
  }
  if (!c.covered_protocol_ids().empty()) {
    limits.push_back(absl::StrCat("protocols ", absl::StrJoin(c.covered_protocol_ids(), ", ")));
  }
  if (!limits.empty()) absl::StrAppend(&out, "  Limits: ", absl::StrJoin(limits, "; "), "\n");
  absl::StrAppend(&out, "  Maintenance: ",
                  c.maintenance_covered() ? std::string("covered") 
                                          : absl::StrCat("not covered. ", c.maintenance_exclusion()),
                  "\n");
  std::vector<std::string> share;
  if (c.copay_cents() > 0) {
    share.push_back(absl::StrCat("copay ", Dollars(c.copay_cents()), " a session"));
  }
  if (c.deductible_waived()) share.push_back("deductible waived");
  if (!share.empty()) absl::StrAppend(&out, "  Cost sharing: ", absl::StrJoin(share, "; "), "\n");
  if (!c.drug_benefits().empty()) {
    std::vector<std::string> benefits;
    for (int b : c.drug_benefits()) {
      benefits.push_back(absl::StrCat(BenefitName(b), " benefit"));
    }
    absl::StrAppend(&out, "  Drug billed under: ", absl::StrJoin(benefits, " or "),
                    " (the first is the default)\n");
  }
  absl::StrAppend(&out, "  Billing codes (allowed amounts):\n");
  for (const auto& fee : c.fees()) {
    absl::StrAppend(&out, "    ", fee.code(), "  ", Dollars(fee.allowed_cents()),
                    fee.unit_basis() == v1::UNIT_BASIS_PER_MG ? " per mg" : " per session",
                    fee.benefit() == v1::BENEFIT_PHARMACY ? " (pharmacy)" : "", "  ",
                    fee.description(), " - ", Sessions(fee.applies_to(), t), "\n");
  }
  if (c.has_criteria()) Criteria(c.criteria(), t, out);
  if (!c.submission_documents().empty()) {
    absl::StrAppend(&out, "  Send with the prior-authorization request: ",
                    absl::StrJoin(c.submission_documents(), "; "), "\n");
  }
  for (const auto& note : c.notes()) absl::StrAppend(&out, "  Note: ", note, "\n");
}

}  // namespace

std::string PolicySummary(const std::vector<PlanVersion>& versions, absl::CivilDay day) {
  const PlanVersion* v = RuleSet::VersionOn(versions, day);
  if (v == nullptr) return "";
  const v1::PayerPlan& p = v->plan;
  std::string out = absl::StrCat(p.payer_name(), " - ", p.plan_name(), " (", PlanTypeWords(p.plan_type()),
                                 "; ", p.payer_id(), "/", p.plan_id(), ")\n");
  absl::StrAppend(&out, "Version in effect on ", FormatDate(day), ": ", Period(*v), ", file ", v->file,
                  " (sha256 ", v->file_version.substr(0, 12), ")\n");
  for (const PlanVersion& other : versions) {
    if (&other != v) absl::StrAppend(&out, "Other version: ", Period(other), ", file ", other.file, "\n");
  }
  absl::StrAppend(&out, "Modelled on:\n");
  for (const auto& s : p.sources()) {
    // Which decisions cite it: those of its treatments, or all of them.
    std::vector<std::string> about;
    for (int t : s.treatments()) about.push_back(TreatmentName(static_cast<v1::Treatment>(t)));
    absl::StrAppend(&out, "  - ", s.document_id(), ": ", s.title(), " (", s.date(), ")",
                    s.url().empty() ? "" : absl::StrCat(" ", s.url()), "; about ",
                    about.empty() ? "the whole plan" : absl::StrJoin(about, ", "), "\n");
  }
  absl::StrAppend(&out, "Plan year starts ", MonthDayWords(p.plan_year_start()), ".\n");
  absl::StrAppend(&out, "In network: ", Network(p.in_network(), false), ".\n");
  absl::StrAppend(&out, p.has_out_of_network()
                            ? absl::StrCat("Out of network: ", Network(p.out_of_network(), true), ".\n")
                            : std::string("Out of network: not covered.\n"));
  if (p.has_pharmacy()) {
    absl::StrAppend(&out, "Pharmacy benefit: copay ", Dollars(p.pharmacy().copay_cents()),
                    ", then ", FormatBasisPoints(p.pharmacy().coinsurance_bp()),
                    p.pharmacy().deductible_applies() ? " after the deductible" : ", no deductible",
                    ".\n");
  }
  absl::StrAppend(&out, "Fee amounts: ", p.fee_note(), "\n");
  for (const auto& policy : p.treatments()) {
    absl::StrAppend(&out, "\n");
    Treatment(policy, out);
  }
  return out;
}

}  // namespace estimator
