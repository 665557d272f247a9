#include "service/engine/course_estimate.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "service/common/dates.h"
#include "service/common/money.h"
#include "service/common/status_macros.h"
#include "service/engine/cost_sharing.h"
#include "service/engine/course_schedule.h"
#include "service/engine/plain_language.h"
#include "service/engine/readiness.h"
#include "service/engine/request_validation.h"
#include "service/rules/session_match.h"

namespace estimator {
namespace {

// Everything a course's lines are priced with, resolved once from request and rules.
struct CourseContext {
  const ClinicRules* clinic = nullptr;
  v1::Treatment treatment = v1::TREATMENT_UNSPECIFIED;
  const v1::TreatmentProtocol* protocol = nullptr;
  int dose_mg = 0;
  v1::Benefit drug_benefit = v1::BENEFIT_UNSPECIFIED;
  int maintenance_months = 0;
  v1::MaintenanceFrequency maintenance_frequency = v1::MAINTENANCE_FREQUENCY_UNSPECIFIED;
  absl::CivilDay start;

  // Insurance only (nullptr / unset for self-pay).
  const v1::InsuranceCoverage* insurance = nullptr;
  const std::vector<PlanVersion>* versions = nullptr;
  const PlanVersion* start_version = nullptr;  // in effect on the course start
  bool out_of_network = false;
  bool family_tier = false;
  bool tier_assumed = false;       // stated only when the plan pays something
  bool plan_year_assumed = false;
  int plan_year_month = 1;
  int plan_year_day = 1;
  // The documentation given does not show the plan's criteria are met: no session is covered.
  bool criteria_not_met = false;
};

// The patient's documentation, when the request carries it, and the day it is judged on.
struct DocumentationInput {
  const v1::PatientDocumentation* documentation = nullptr;
  absl::CivilDay as_of;
};

// The notices of one estimate, written straight into it (once each, in the order they arise).
class Notices {
 public:
  explicit Notices(google::protobuf::RepeatedPtrField<v1::Notice>* list) : list_(list) {}

  void Add(v1::NoticeKind kind, absl::string_view code, std::string message) {
    for (const auto& n : *list_) {
      if (n.code() == code && n.message() == message) return;
    }
    v1::Notice& n = *list_->Add();
    n.set_kind(kind);
    n.set_code(std::string(code));
    n.set_message(std::move(message));
  }
  void Assume(absl::string_view code, std::string message) {
    Add(v1::NOTICE_KIND_ASSUMPTION, code, std::move(message));
  }
  void Warn(absl::string_view code, std::string message) {
    Add(v1::NOTICE_KIND_WARNING, code, std::move(message));
  }

 private:
  google::protobuf::RepeatedPtrField<v1::Notice>* list_;
};

std::string Lower(absl::string_view enum_name, size_t prefix) {
  std::string s(enum_name.substr(prefix));
  for (char& c : s) c = c == '_' ? ' ' : static_cast<char>(std::tolower(c));
  return s;
}

// The plan's benefits for the request's network tier.
const v1::NetworkBenefits& TierOf(const CourseContext& ctx, const PlanVersion& version) {
  return ctx.out_of_network ? version.plan.out_of_network() : version.plan.in_network();
}

// ---- resolving the request against the rules ---------------------------------------------------

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
    notices.Assume("PROTOCOL_DEFAULT", absl::StrCat("Schedule: ", ctx.protocol->name(),
                                                    " (the clinic's default for ", name, ")."));
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
                                      Lower(v1::MaintenanceFrequency_Name(ctx.maintenance_frequency), 22),
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

// Spravato's drug benefit: asked for, or the plan's first.
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
                                Lower(v1::Benefit_Name(ctx.drug_benefit), 8),
                                " benefit (the plan's default; not stated)."));
    return absl::OkStatus();
  }
  if (std::find(allowed.begin(), allowed.end(), asked) == allowed.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".spravato.drug_benefit: ", ctx.start_version->plan.plan_name(),
        " does not pay for Spravato under the ", Lower(v1::Benefit_Name(asked), 8), " benefit"));
  }
  ctx.drug_benefit = asked;
  return absl::OkStatus();
}

// ---- coverage of one session -------------------------------------------------------------------

struct SessionCoverage {
  bool covered = false;
  v1::NotCoveredReason reason = v1::NOT_COVERED_REASON_UNSPECIFIED;
  std::string explanation;
  const PlanVersion* version = nullptr;
  const v1::TreatmentCovered* terms = nullptr;
};

bool ProtocolCovered(const v1::TreatmentCovered& c, const v1::TreatmentProtocol& protocol) {
  if (c.covered_protocol_ids().empty()) return true;
  return std::find(c.covered_protocol_ids().begin(), c.covered_protocol_ids().end(),
                   protocol.protocol_id()) != c.covered_protocol_ids().end();
}

// Everything about a session's coverage except the session limits, which depend on the count.
SessionCoverage CoverageOf(const CourseContext& ctx, const ScheduledSession& s) {
  SessionCoverage c;
  if (ctx.insurance == nullptr) {
    c.reason = v1::NOT_COVERED_REASON_SELF_PAY;
    c.explanation = "Self-pay.";
    return c;
  }
  c.version = RuleSet::VersionOn(*ctx.versions, s.date);
  if (c.version == nullptr) {
    c.reason = v1::NOT_COVERED_REASON_NO_RULES_IN_EFFECT;
    c.explanation = absl::StrCat("No rules for this plan are loaded for ", FormatDate(s.date),
                                 "; priced at the self-pay price until they are.");
    return c;
  }
  const v1::TreatmentPolicy* policy = c.version->Policy(ctx.treatment);
  if (policy->has_excluded()) {
    c.reason = v1::NOT_COVERED_REASON_EXCLUDED_BY_POLICY;
    c.explanation = policy->excluded().explanation();
    return c;
  }
  const v1::TreatmentCovered& covered = policy->covered();
  if (ctx.out_of_network && !c.version->plan.has_out_of_network()) {
    c.reason = v1::NOT_COVERED_REASON_OUT_OF_NETWORK;
    c.explanation = "The plan has no out-of-network benefits.";
    return c;
  }
  if (!ProtocolCovered(covered, *ctx.protocol)) {
    c.reason = v1::NOT_COVERED_REASON_PROTOCOL_NOT_COVERED;
    c.explanation = absl::StrCat("The plan does not cover the schedule '", ctx.protocol->name(),
                                 "'.");
    return c;
  }
  if (s.phase == v1::PHASE_MAINTENANCE && !covered.maintenance_covered()) {
    c.reason = v1::NOT_COVERED_REASON_MAINTENANCE_EXCLUDED;
    c.explanation = covered.maintenance_exclusion();
    return c;
  }
  if (ctx.criteria_not_met) {
    c.reason = v1::NOT_COVERED_REASON_CRITERIA_NOT_MET;
    c.explanation = "The documentation does not yet show the plan's criteria are met; priced at "
                    "the self-pay price.";
    return c;
  }
  c.covered = true;
  c.terms = &covered;
  return c;
}

// ---- pricing -----------------------------------------------------------------------------------

struct PricedCodes {
  Money allowed;
  Money billed;
};

// The estimate's billed_items: each (code, description) once, in order of first use, so that a
// line names what it bills by index instead of repeating the words (a Spravato line bills four
// codes; their descriptions were half of a year's estimate). Items come from fee and self-pay
// entries of the immutable rule set, remembered by the address of their description; the same
// words in another plan version's file are the same item.
class BilledItems {
 public:
  explicit BilledItems(v1::CourseEstimate& e) : items_(*e.mutable_billed_items()) {}

  int IndexOf(const std::string& code, const std::string& description) {
    for (const auto& [seen, index] : seen_) {
      if (seen == &description) return index;
    }
    int index = 0;
    while (index < items_.size() &&
           (items_[index].code() != code || items_[index].description() != description)) {
      ++index;
    }
    if (index == items_.size()) {
      v1::BilledItem& item = *items_.Add();
      item.set_code(code);
      item.set_description(description);
    }
    seen_.emplace_back(&description, index);
    return index;
  }

 private:
  google::protobuf::RepeatedPtrField<v1::BilledItem>& items_;
  absl::InlinedVector<std::pair<const std::string*, int>, 8> seen_;
};

// Adds the session's codes under `benefit` to `codes` (a line's), with their allowed amounts.
absl::StatusOr<PricedCodes> PriceCodes(const CourseContext& ctx, const SessionCoverage& cov,
                                       const SessionFacts& facts, v1::Benefit benefit,
                                       BilledItems& items,
                                       google::protobuf::RepeatedPtrField<v1::BillingCode>& codes) {
  PricedCodes out;
  const bool oon = ctx.out_of_network && benefit == v1::BENEFIT_MEDICAL;
  const v1::NetworkBenefits* network = oon ? &cov.version->plan.out_of_network() : nullptr;
  for (const v1::FeeScheduleEntry& fee : cov.terms->fees()) {
    if (fee.benefit() != benefit || !Matches(fee.applies_to(), facts)) continue;
    const int units = fee.unit_basis() == v1::UNIT_BASIS_PER_MG ? facts.dose_mg : 1;
    Money allowed = Money::Cents(fee.allowed_cents()) * units;
    Money billed = allowed;
    if (oon) {
      allowed = allowed.ShareInBasisPoints(network->allowed_percent_of_in_network_bp());
      auto charge = ctx.clinic->charge_cents.find(fee.code());
      if (charge == ctx.clinic->charge_cents.end()) {
        return absl::FailedPreconditionError(absl::StrCat(
            ctx.clinic->file, ": clinic '", ctx.clinic->clinic.clinic_id(),
            "' has no charge for code ", fee.code(), ", needed for an out-of-network quote"));
      }
      billed = Money::Cents(charge->second) * units;
      if (network->has_charge_limit_percent_of_allowed_bp()) {
        billed = Min(billed, allowed.ShareInBasisPoints(
                                 network->charge_limit_percent_of_allowed_bp()));
      }
      allowed = Min(allowed, billed);  // a plan never allows more than was billed
    }
    v1::BillingCode& code = *codes.Add();
    code.set_code(fee.code());
    code.set_item(items.IndexOf(fee.code(), fee.description()));
    code.set_units(units);
    code.set_allowed_cents(allowed.cents());
    out.allowed += allowed;
    out.billed += billed;
  }
  if (codes.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        cov.version->file, ": no ", Lower(v1::Benefit_Name(benefit), 8), " fee matches session on ",
        "this course (protocol '", ctx.protocol->protocol_id(), "')"));
  }
  return out;
}

absl::StatusOr<Money> SelfPayPrice(const CourseContext& ctx, const SessionFacts& facts,
                                   BilledItems& items, v1::EstimateLine& line) {
  Money price;
  bool any = false;
  SessionFacts clinic_facts = facts;
  clinic_facts.drug_benefit = v1::BENEFIT_UNSPECIFIED;  // the clinic buys and bills the drug
  for (const v1::SelfPayPrice& p : ctx.clinic->clinic.self_pay_prices()) {
    if (p.treatment() != ctx.treatment || !Matches(p.applies_to(), clinic_facts)) continue;
    any = true;
    price += Money::Cents(p.price_cents());
    v1::BillingCode& code = *line.add_codes();
    code.set_item(items.IndexOf("", p.description()));
    code.set_units(1);
  }
  if (!any) {
    return absl::FailedPreconditionError(absl::StrCat(
        ctx.clinic->file, ": no self-pay price matches a ", TreatmentName(ctx.treatment),
        " session of protocol '", ctx.protocol->protocol_id(), "'"));
  }
  return price;
}

PlanYearLimits LimitsFor(const CourseContext& ctx, const PlanVersion& version) {
  const v1::NetworkBenefits& n = TierOf(ctx, version);
  const v1::VerifiedBenefits& v = ctx.insurance->verified_benefits();
  PlanYearLimits limits;
  limits.deductible = Money::Cents(v.has_deductible_cents() ? v.deductible_cents()
                                                            : n.deductible_cents());
  if (v.has_out_of_pocket_max_cents()) {
    limits.out_of_pocket_max = Money::Cents(v.out_of_pocket_max_cents());
  } else if (n.has_out_of_pocket_max_cents()) {
    limits.out_of_pocket_max = Money::Cents(n.out_of_pocket_max_cents());
  }
  if (ctx.family_tier) {
    if (n.has_family_deductible_cents()) {
      limits.family_deductible = Money::Cents(n.family_deductible_cents());
      limits.family_kind = n.family_deductible_kind();
    }
    if (n.has_family_out_of_pocket_max_cents()) {
      limits.family_out_of_pocket_max = Money::Cents(n.family_out_of_pocket_max_cents());
    }
  }
  return limits;
}

LineTerms TermsFor(const CourseContext& ctx, const SessionCoverage& cov, v1::Benefit benefit) {
  LineTerms terms;
  const v1::VerifiedBenefits& v = ctx.insurance->verified_benefits();
  if (benefit == v1::BENEFIT_PHARMACY) {
    const v1::PharmacyBenefit& p = cov.version->plan.pharmacy();
    terms.copay = Money::Cents(p.copay_cents());
    terms.deductible_applies = p.deductible_applies();
    terms.coinsurance_bp = p.coinsurance_bp();
    return terms;
  }
  const v1::NetworkBenefits& n = TierOf(ctx, *cov.version);
  terms.copay = Money::Cents(v.has_copay_cents() ? v.copay_cents() : cov.terms->copay_cents());
  terms.deductible_applies = !cov.terms->deductible_waived();
  terms.coinsurance_bp = v.has_coinsurance_bp() ? v.coinsurance_bp() : n.coinsurance_bp();
  return terms;
}

// ---- totals ------------------------------------------------------------------------------------

// Sums of lines, kept as plain integers while adding and written to a Totals message once.
class TotalsBuilder {
 public:
  void Add(const v1::EstimateLine& line) {
    if (line.session_number() != last_session_) {
      last_session_ = line.session_number();
      ++sessions_scheduled_;
      if (line.covered()) ++sessions_covered_;
    }
    billed_ += line.billed_cents();
    allowed_ += line.allowed_cents();
    copay_ += line.copay_cents();
    deductible_ += line.deductible_cents();
    coinsurance_ += line.coinsurance_cents();
    balance_billed_ += line.balance_billed_cents();
    not_covered_ += line.not_covered_cents();
    patient_ += line.patient_cents();
    payer_ += line.payer_cents();
  }
  void WriteTo(v1::Totals& t) const {
    t.set_sessions_scheduled(sessions_scheduled_);
    t.set_sessions_covered(sessions_covered_);
    t.set_billed_cents(billed_);
    t.set_allowed_cents(allowed_);
    t.set_copay_cents(copay_);
    t.set_deductible_cents(deductible_);
    t.set_coinsurance_cents(coinsurance_);
    t.set_balance_billed_cents(balance_billed_);
    t.set_not_covered_cents(not_covered_);
    t.set_patient_cents(patient_);
    t.set_payer_cents(payer_);
  }

 private:
  int last_session_ = 0;
  int32_t sessions_scheduled_ = 0;
  int32_t sessions_covered_ = 0;
  int64_t billed_ = 0, allowed_ = 0, copay_ = 0, deductible_ = 0, coinsurance_ = 0,
          balance_billed_ = 0, not_covered_ = 0, patient_ = 0, payer_ = 0;
};

void FillTotals(v1::CourseEstimate& e) {
  TotalsBuilder course;
  std::map<int, TotalsBuilder> phases;  // by Phase value: course order
  // YYYY-MM-DD sorts by date; the views point into the lines, which outlive the map.
  std::map<absl::string_view, TotalsBuilder> plan_years;
  // Lines come in date order, so runs of lines share a phase and a plan year: look each up once
  // per run (map entries stay where they are as others are added).
  TotalsBuilder* phase = nullptr;
  TotalsBuilder* plan_year = nullptr;
  for (int i = 0; i < e.lines_size(); ++i) {
    const v1::EstimateLine& line = e.lines(i);
    if (i == 0 || line.phase() != e.lines(i - 1).phase()) phase = &phases[line.phase()];
    if (i == 0 || line.plan_year_start() != e.lines(i - 1).plan_year_start()) {
      plan_year = &plan_years[line.plan_year_start()];
    }
    course.Add(line);
    phase->Add(line);
    plan_year->Add(line);
  }
  course.WriteTo(*e.mutable_totals());
  for (const auto& [phase, builder] : phases) {
    v1::PhaseTotal& t = *e.add_phase_totals();
    t.set_phase(static_cast<v1::Phase>(phase));
    builder.WriteTo(*t.mutable_totals());
  }
  for (const auto& [start, builder] : plan_years) {
    v1::PlanYearTotal& t = *e.add_plan_year_totals();
    t.set_plan_year_start(std::string(start));
    builder.WriteTo(*t.mutable_totals());
  }
}

// ---- the course --------------------------------------------------------------------------------

MetSoFar FirstYearMet(const CourseContext& ctx, const PlanVersion& version, Notices& notices) {
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

void CoverageDecision(const CourseContext& ctx, v1::CourseEstimate& e) {
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

// Fills `e`, which may live on an arena; on error `e` holds a partial answer.
absl::Status EstimateOne(const RuleSet& rules, const v1::Coverage& coverage,
                         const ClinicRules& clinic, absl::CivilDay start,
                         const v1::CourseOptions& course, const std::string& field,
                         const DocumentationInput& documentation, v1::CourseEstimate& e) {
  Notices notices(e.mutable_notices());
  CourseContext ctx;
  ctx.clinic = &clinic;
  ctx.start = start;
  RETURN_IF_ERROR(ResolveCourse(rules, course, field, ctx, notices));
  if (coverage.has_insurance()) {
    RETURN_IF_ERROR(ResolveInsurance(rules, coverage.insurance(), ctx, notices));
  }
  RETURN_IF_ERROR(ResolveDrugBenefit(course, field, ctx, notices));

  ScheduleRequest schedule;
  schedule.protocol = ctx.protocol;
  schedule.start = start;
  schedule.dose_mg = ctx.dose_mg;
  schedule.maintenance_months = ctx.maintenance_months;
  schedule.maintenance_frequency = ctx.maintenance_frequency;
  schedule.is_open = [&clinic](absl::CivilDay d) { return clinic.IsOpen(d); };
  ASSIGN_OR_RETURN(std::vector<ScheduledSession> sessions, BuildSchedule(schedule));

  e.set_treatment(ctx.treatment);
  e.set_protocol_id(ctx.protocol->protocol_id());
  e.set_protocol_name(ctx.protocol->name());
  e.set_clinic_name(clinic.clinic.name());
  e.set_dose_mg(ctx.dose_mg);
  e.set_drug_benefit(ctx.drug_benefit);
  CoverageDecision(ctx, e);
  // With documentation, a covered treatment with criteria is quoted as covered only when they are
  // shown to be met; otherwise at self-pay prices, with the approved figures beside them.
  const v1::CoverageStatus decided = e.coverage().status();
  if (documentation.documentation != nullptr &&
      (decided == v1::COVERAGE_STATUS_COVERED ||
       decided == v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH) &&
      ctx.start_version->Policy(ctx.treatment)->covered().has_criteria()) {
    AssessReadinessInto(rules, *ctx.start_version, ctx.treatment, *documentation.documentation,
                    documentation.as_of, *e.mutable_readiness());
    if (e.readiness().coverage() != v1::COVERAGE_REQUIREMENT_COVERED) {
      v1::CourseEstimate approved;
      RETURN_IF_ERROR(EstimateOne(rules, coverage, clinic, start, course, field, {}, approved));
      *e.mutable_if_approved() = approved.totals();
      ctx.criteria_not_met = true;
      e.mutable_coverage()->set_status(v1::COVERAGE_STATUS_CRITERIA_NOT_MET);
      e.mutable_coverage()->set_explanation(absl::StrCat(
          TreatmentName(ctx.treatment), " is covered only when ",
          ctx.start_version->plan.payer_name(), "'s criteria are met; the documentation does "
          "not show that yet. ", e.readiness().summary()));
    }
  }
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

  BilledItems items(e);
  std::map<absl::CivilDay, PlanYearAccumulator> years;
  std::map<absl::CivilDay, int> covered_in_year;
  int covered_in_course = 0;
  std::vector<int> over_limit, maintenance_excluded, no_rules;
  std::optional<absl::CivilDay> first_year;
  std::optional<absl::CivilDay> unpublished_from;
  // The plan year's start as written on its lines, formatted once per plan year.
  std::optional<absl::CivilDay> text_year;
  std::string year_text;

  for (const ScheduledSession& s : sessions) {
    SessionCoverage cov = CoverageOf(ctx, s);
    const absl::CivilDay year =
        PlanYearStartFor(s.date, ctx.plan_year_month, ctx.plan_year_day);
    if (!first_year) first_year = year;
    if (year != text_year) {
      text_year = year;
      year_text = FormatDate(year);
    }
    if (cov.covered) {
      const v1::TreatmentCovered& c = *cov.terms;
      if ((c.has_max_sessions_per_course() && covered_in_course >= c.max_sessions_per_course()) ||
          (c.has_max_sessions_per_plan_year() &&
           covered_in_year[year] >= c.max_sessions_per_plan_year())) {
        cov.covered = false;
        cov.reason = v1::NOT_COVERED_REASON_OVER_SESSION_LIMIT;
        cov.explanation =
            c.has_max_sessions_per_course() && covered_in_course >= c.max_sessions_per_course()
                ? absl::StrCat("Over the plan's limit of ", c.max_sessions_per_course(),
                               " sessions per course.")
                : absl::StrCat("Over the plan's limit of ", c.max_sessions_per_plan_year(),
                               " sessions per plan year.");
        over_limit.push_back(s.number);
      }
    }
    if (cov.reason == v1::NOT_COVERED_REASON_MAINTENANCE_EXCLUDED) {
      maintenance_excluded.push_back(s.number);
    }
    if (cov.reason == v1::NOT_COVERED_REASON_NO_RULES_IN_EFFECT) no_rules.push_back(s.number);

    const SessionFacts facts{s.first, s.phase, s.dose_mg, ctx.drug_benefit};
    auto new_line = [&]() -> v1::EstimateLine& {
      v1::EstimateLine& line = *e.add_lines();
      line.set_session_number(s.number);
      line.set_date(FormatDate(s.date));
      line.set_phase(s.phase);
      line.set_dose_mg(s.dose_mg);
      line.set_plan_year_start(year_text);
      return line;
    };

    if (!cov.covered) {
      v1::EstimateLine& line = new_line();
      line.set_not_covered_reason(cov.reason);
      line.set_not_covered_explanation(std::move(cov.explanation));
      ASSIGN_OR_RETURN(Money price, SelfPayPrice(ctx, facts, items, line));
      line.set_billed_cents(price.cents());
      line.set_not_covered_cents(price.cents());
      line.set_patient_cents(price.cents());
      continue;
    }

    ++covered_in_course;
    ++covered_in_year[year];
    if (cov.version->amounts_published_through &&
        s.date > *cov.version->amounts_published_through && !unpublished_from) {
      unpublished_from = s.date;
      notices.Warn("AMOUNTS_NOT_PUBLISHED",
                   absl::StrCat("Sessions from ", FormatDate(s.date), " are priced with the ",
                                "amounts published through ",
                                FormatDate(*cov.version->amounts_published_through),
                                "; the plan has not published later figures."));
    }
    auto acc = years.find(year);
    if (acc == years.end()) {
      const MetSoFar met =
          year == *first_year ? FirstYearMet(ctx, *cov.version, notices) : MetSoFar{};
      acc = years.emplace(year, PlanYearAccumulator(LimitsFor(ctx, *cov.version), met)).first;
    }
    // Under the pharmacy benefit a session has a second line: the drug.
    static constexpr v1::Benefit kBenefits[] = {v1::BENEFIT_MEDICAL, v1::BENEFIT_PHARMACY};
    const size_t benefit_lines = ctx.drug_benefit == v1::BENEFIT_PHARMACY ? 2 : 1;
    for (v1::Benefit benefit : absl::MakeConstSpan(kBenefits, benefit_lines)) {
      v1::EstimateLine& line = new_line();
      ASSIGN_OR_RETURN(PricedCodes priced,
                       PriceCodes(ctx, cov, facts, benefit, items, *line.mutable_codes()));
      const LineShare share = acc->second.Apply(priced.allowed, TermsFor(ctx, cov, benefit));
      line.set_covered(true);
      line.set_benefit(benefit);
      const Money balance = priced.billed - priced.allowed;
      line.set_billed_cents(priced.billed.cents());
      line.set_allowed_cents(priced.allowed.cents());
      line.set_copay_cents(share.copay.cents());
      line.set_deductible_cents(share.deductible.cents());
      line.set_coinsurance_cents(share.coinsurance.cents());
      line.set_balance_billed_cents(balance.cents());
      line.set_patient_cents((share.patient() + balance).cents());
      line.set_payer_cents((priced.allowed - share.patient()).cents());
    }
  }

  FillTotals(e);

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
  e.set_plain_summary(PatientSummary(e));
  return absl::OkStatus();
}

absl::StatusOr<const ClinicRules*> FindClinic(const RuleSet& rules, const std::string& id) {
  const ClinicRules* clinic = rules.FindClinic(id);
  if (clinic == nullptr) {
    return absl::NotFoundError(absl::StrCat("clinic_id: no clinic '", id,
                                            "' in the rules (see ListPayers)"));
  }
  return clinic;
}

// Validates the request's documentation, if any, and says which day it is judged on.
absl::StatusOr<DocumentationInput> DocumentationOf(bool present,
                                                   const v1::PatientDocumentation& documentation,
                                                   absl::CivilDay today) {
  if (!present) return DocumentationInput{};
  RETURN_IF_ERROR(ValidateDocumentation(documentation, "documentation", today));
  return DocumentationInput{&documentation, AsOfDay(documentation, today)};
}

}  // namespace

absl::Status EstimateCourseInto(const RuleSet& rules, const v1::EstimateCourseRequest& request,
                                absl::CivilDay today, v1::EstimateCourseResponse& response) {
  RETURN_IF_ERROR(ValidateEstimateCourseRequest(request));
  ASSIGN_OR_RETURN(const DocumentationInput documentation,
                   DocumentationOf(request.has_documentation(), request.documentation(), today));
  ASSIGN_OR_RETURN(const ClinicRules* clinic, FindClinic(rules, request.clinic_id()));
  ASSIGN_OR_RETURN(absl::CivilDay start,
                   ParseDate(request.course_start_date(), "course_start_date"));
  RETURN_IF_ERROR(EstimateOne(rules, request.coverage(), *clinic, start, request.course(),
                              "course", documentation, *response.mutable_estimate()));
  response.set_rule_set_version(rules.version());
  return absl::OkStatus();
}

absl::StatusOr<v1::EstimateCourseResponse> EstimateCourse(const RuleSet& rules,
                                                          const v1::EstimateCourseRequest& request,
                                                          absl::CivilDay today) {
  v1::EstimateCourseResponse response;
  RETURN_IF_ERROR(EstimateCourseInto(rules, request, today, response));
  return response;
}

absl::Status CompareTreatmentsInto(const RuleSet& rules,
                                   const v1::CompareTreatmentsRequest& request,
                                   absl::CivilDay today, v1::CompareTreatmentsResponse& response) {
  RETURN_IF_ERROR(ValidateCompareTreatmentsRequest(request));
  ASSIGN_OR_RETURN(const DocumentationInput documentation,
                   DocumentationOf(request.has_documentation(), request.documentation(), today));
  ASSIGN_OR_RETURN(const ClinicRules* clinic, FindClinic(rules, request.clinic_id()));
  ASSIGN_OR_RETURN(absl::CivilDay start,
                   ParseDate(request.course_start_date(), "course_start_date"));
  std::vector<v1::CourseOptions> courses(request.courses().begin(), request.courses().end());
  if (courses.empty()) {
    for (int t : clinic->clinic.offered_treatments()) {
      courses.emplace_back().set_treatment(static_cast<v1::Treatment>(t));
    }
  }
  for (size_t i = 0; i < courses.size(); ++i) {
    RETURN_IF_ERROR(EstimateOne(rules, request.coverage(), *clinic, start, courses[i],
                                absl::StrCat("courses[", i, "]"), documentation,
                                *response.add_estimates()));
  }
  std::vector<const v1::CourseEstimate*> estimates;
  for (const auto& e : response.estimates()) estimates.push_back(&e);
  response.set_summary(ComparisonSummary(estimates));
  response.set_rule_set_version(rules.version());
  return absl::OkStatus();
}

absl::StatusOr<v1::CompareTreatmentsResponse> CompareTreatments(
    const RuleSet& rules, const v1::CompareTreatmentsRequest& request, absl::CivilDay today) {
  v1::CompareTreatmentsResponse response;
  RETURN_IF_ERROR(CompareTreatmentsInto(rules, request, today, response));
  return response;
}

}  // namespace estimator
