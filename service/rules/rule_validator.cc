#include "service/rules/rule_validator.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/common/dates.h"
#include "service/common/identifiers.h"
#include "service/common/money.h"
#include "service/rules/billing_codes.h"
#include "service/rules/criteria_validator.h"
#include "service/rules/located_problems.h"
#include "service/rules/session_match.h"

namespace estimator {
namespace {

void CheckSessionMatch(const Where& w, const v1::SessionMatch& m, Problems& p) {
  if (!v1::SessionPosition_IsValid(m.position())) {
    p.Add(w.At("position"), absl::StrCat("position has unknown value ", m.position()));
  }
  for (int i = 0; i < m.phases_size(); ++i) {
    if (m.phases(i) == 0 || !v1::Phase_IsValid(m.phases(i))) {
      p.Add(w.At("phases", i), "phases: use PHASE_ACUTE, PHASE_TAPER or PHASE_MAINTENANCE");
    }
  }
  if (m.min_dose_mg() < 0 || m.max_dose_mg() < 0) {
    p.Add(w.At("min_dose_mg"), "doses may not be negative");
  }
  if (m.max_dose_mg() > 0 && m.min_dose_mg() > m.max_dose_mg()) {
    p.Add(w.At("max_dose_mg"), absl::StrCat("max_dose_mg ", m.max_dose_mg(),
                                            " is below min_dose_mg ", m.min_dose_mg(),
                                            ": no session could match"));
  }
  if (!v1::Benefit_IsValid(m.drug_benefit())) {
    p.Add(w.At("drug_benefit"), "drug_benefit has an unknown value");
  }
}

std::string FactsText(const SessionFacts& s) {
  std::string text = absl::StrCat(s.first ? "first" : "later", " ",
                                  absl::AsciiStrToLower(v1::Phase_Name(s.phase).substr(6)),
                                  " session");
  if (s.dose_mg > 0) absl::StrAppend(&text, " at ", s.dose_mg, " mg");
  if (s.drug_benefit != v1::BENEFIT_UNSPECIFIED) {
    absl::StrAppend(&text, " with the drug under ",
                    absl::AsciiStrToLower(v1::Benefit_Name(s.drug_benefit).substr(8)));
  }
  return text;
}

// ---- protocols ---------------------------------------------------------------------------------

void ValidateProtocol(const RuleFile<v1::TreatmentProtocol>& f, Problems& p) {
  const auto& m = f.message;
  const Where w = Where::Of(f);
  CheckId(w, "protocol_id", m.protocol_id(), p);
  CheckEnumSet(w, "treatment", m.treatment(), v1::Treatment_IsValid, p);
  CheckText(w, "name", m.name(), p);
  CheckSources(w, m.sources(), /*required=*/false, p);
  if (m.blocks().empty()) p.Add(w.At("blocks"), "blocks: a protocol needs at least one block");
  int total = 0;
  for (int i = 0; i < m.blocks_size(); ++i) {
    const auto& b = m.blocks(i);
    const Where bw = w.In("blocks", i);
    if (b.phase() != v1::PHASE_ACUTE && b.phase() != v1::PHASE_TAPER) {
      p.Add(bw.At("phase"), "phase: blocks are PHASE_ACUTE or PHASE_TAPER; maintenance is set "
                            "in `maintenance`");
    }
    if (b.sessions() < 1 || b.sessions() > 200) {
      p.Add(bw.At("sessions"), absl::StrCat("sessions is ", b.sessions(), "; use 1 to 200"));
    }
    if (b.sessions_per_week() < 1 || b.sessions_per_week() > 5) {
      p.Add(bw.At("sessions_per_week"),
            absl::StrCat("sessions_per_week is ", b.sessions_per_week(),
                         "; sessions fall on weekdays, so use 1 to 5"));
    }
    total += std::max(0, b.sessions());
  }
  if (total > 400) p.Add(w.At("blocks"), "blocks add up to more than 400 sessions");
  const Where mw = w.In("maintenance");
  if (!m.has_maintenance()) {
    p.Add(w.At("maintenance"), "maintenance is required (write `maintenance { months: 0 }` for none)");
  } else {
    if (m.maintenance().months() < 0 || m.maintenance().months() > 36) {
      p.Add(mw.At("months"), absl::StrCat("months is ", m.maintenance().months(), "; use 0 to 36"));
    }
    if (m.maintenance().months() > 0) {
      CheckEnumSet(mw, "frequency", m.maintenance().frequency(),
                                             v1::MaintenanceFrequency_IsValid, p);
    }
  }
  std::set<int> doses;
  for (int i = 0; i < m.allowed_doses_mg_size(); ++i) {
    const int d = m.allowed_doses_mg(i);
    if (d <= 0 || d > 1000) p.Add(w.At("allowed_doses_mg", i), "allowed_doses_mg: use 1 to 1000");
    if (!doses.insert(d).second) p.Add(w.At("allowed_doses_mg", i), "allowed_doses_mg: duplicate");
  }
  if (m.first_session_dose_mg() < 0 || m.first_session_dose_mg() > 1000) {
    p.Add(w.At("first_session_dose_mg"), "first_session_dose_mg: use 0 to 1000");
  }
  if (m.treatment() == v1::TREATMENT_SPRAVATO && doses.empty()) {
    p.Add(w.At("allowed_doses_mg"), "a Spravato protocol must list allowed_doses_mg (56, 84)");
  }
}

// ---- plans -------------------------------------------------------------------------------------

void ValidateNetwork(const Where& w, const v1::NetworkBenefits& n, bool out_of_network,
                     Problems& p) {
  CheckMoney(w, "deductible_cents", n.deductible_cents(), p);
  if (n.has_family_deductible_cents()) {
    CheckMoney(w, "family_deductible_cents", n.family_deductible_cents(), p);
    CheckEnumSet(w, "family_deductible_kind",
                                           n.family_deductible_kind(),
                                           v1::FamilyDeductibleKind_IsValid, p);
    if (n.family_deductible_cents() < n.deductible_cents()) {
      p.Add(w.At("family_deductible_cents"),
            "family_deductible_cents is below the individual deductible_cents");
    }
  } else if (n.family_deductible_kind() != 0) {
    p.Add(w.At("family_deductible_kind"),
          "family_deductible_kind is set but family_deductible_cents is not");
  }
  CheckBasisPoints(w, "coinsurance_bp", n.coinsurance_bp(), 10000, p);
  switch (n.out_of_pocket_limit_case()) {
    case v1::NetworkBenefits::kOutOfPocketMaxCents:
      CheckMoney(w, "out_of_pocket_max_cents", n.out_of_pocket_max_cents(), p);
      if (n.out_of_pocket_max_cents() < n.deductible_cents()) {
        p.Add(w.At("out_of_pocket_max_cents"),
              "out_of_pocket_max_cents is below deductible_cents; the deductible counts toward it");
      }
      break;
    case v1::NetworkBenefits::kNoOutOfPocketMax:
      if (!n.no_out_of_pocket_max()) {
        p.Add(w.At("no_out_of_pocket_max"),
              "no_out_of_pocket_max: false says nothing; give out_of_pocket_max_cents instead");
      }
      if (n.has_family_out_of_pocket_max_cents()) {
        p.Add(w.At("family_out_of_pocket_max_cents"),
              "a family out-of-pocket maximum needs an individual one");
      }
      break;
    case v1::NetworkBenefits::OUT_OF_POCKET_LIMIT_NOT_SET:
      p.Add(w.At("out_of_pocket_max_cents"),
            "set out_of_pocket_max_cents, or no_out_of_pocket_max: true for a plan without one");
      break;
  }
  if (n.has_family_out_of_pocket_max_cents()) {
    CheckMoney(w, "family_out_of_pocket_max_cents", n.family_out_of_pocket_max_cents(), p);
    if (n.out_of_pocket_limit_case() == v1::NetworkBenefits::kOutOfPocketMaxCents &&
        n.family_out_of_pocket_max_cents() < n.out_of_pocket_max_cents()) {
      p.Add(w.At("family_out_of_pocket_max_cents"),
            "family_out_of_pocket_max_cents is below the individual out_of_pocket_max_cents");
    }
  }
  if (out_of_network) {
    if (n.allowed_percent_of_in_network_bp() <= 0) {
      p.Add(w.At("allowed_percent_of_in_network_bp"),
            "allowed_percent_of_in_network_bp is required out of network (10000 = the in-network "
            "amount)");
    } else {
      CheckBasisPoints(w, "allowed_percent_of_in_network_bp",
                       n.allowed_percent_of_in_network_bp(), 50000, p);
    }
    if (n.has_charge_limit_percent_of_allowed_bp() &&
        (n.charge_limit_percent_of_allowed_bp() < 10000 ||
         n.charge_limit_percent_of_allowed_bp() > 50000)) {
      p.Add(w.At("charge_limit_percent_of_allowed_bp"),
            "charge_limit_percent_of_allowed_bp: use 10000 (no balance bill) to 50000");
    }
  } else {
    if (n.allowed_percent_of_in_network_bp() != 0) {
      p.Add(w.At("allowed_percent_of_in_network_bp"),
            "allowed_percent_of_in_network_bp applies only to out_of_network");
    }
    if (n.has_charge_limit_percent_of_allowed_bp()) {
      p.Add(w.At("charge_limit_percent_of_allowed_bp"),
            "charge_limit_percent_of_allowed_bp applies only to out_of_network");
    }
  }
}

// Protocol lookup shared by plan and clinic checks.
using ProtocolsByTreatment = std::map<int, std::vector<const v1::TreatmentProtocol*>>;

// Session limits, sessions covered only on documented progress, maintenance, copay.
void ValidateSessionTerms(const Where& w, const v1::TreatmentCovered& c, Problems& p) {
  if (c.has_max_sessions_per_course() && c.max_sessions_per_course() < 1) {
    p.Add(w.At("max_sessions_per_course"), "max_sessions_per_course must be at least 1");
  }
  if (c.has_max_sessions_per_plan_year() && c.max_sessions_per_plan_year() < 1) {
    p.Add(w.At("max_sessions_per_plan_year"), "max_sessions_per_plan_year must be at least 1");
  }
  if (c.has_conditional_sessions()) {
    const Where cw = w.In("conditional_sessions");
    const v1::ConditionalSessions& cs = c.conditional_sessions();
    if (cs.after_covered_sessions() < 1) {
      p.Add(cw.At("after_covered_sessions"), "after_covered_sessions must be at least 1");
    } else if (c.has_max_sessions_per_course() &&
               cs.after_covered_sessions() >= c.max_sessions_per_course()) {
      p.Add(cw.At("after_covered_sessions"),
            "after_covered_sessions must be below max_sessions_per_course, or no session is "
            "conditional");
    }
    if (cs.condition().empty()) {
      p.Add(cw.At("condition"), "condition is required: the progress the plan asks for, in words");
    } else {
      CheckText(cw, "condition", cs.condition(), p);
    }
  }
  if (!c.maintenance_covered() && c.maintenance_exclusion().empty()) {
    p.Add(w.At("maintenance_covered"),
          "maintenance is not covered: say why in maintenance_exclusion (plain words)");
  }
  CheckMoney(w, "copay_cents", c.copay_cents(), p);
}

// The fee schedule: each entry valid, its code known and billable then, and every session a
// covered protocol can produce billed under the medical benefit (and the pharmacy one when the drug
// goes there).
void ValidateFees(const Where& w, const v1::PayerPlan& plan, v1::Treatment treatment,
                  const v1::TreatmentCovered& c,
                  const std::vector<const v1::TreatmentProtocol*>& covered,
                  const std::vector<v1::Benefit>& drug_benefits, const BillingCodes& codes,
                  std::optional<absl::CivilDay> from, std::optional<absl::CivilDay> to,
                  Problems& p) {
  if (c.fees().empty()) p.Add(w.At("fees"), "fees: a covered treatment needs its billing codes");
  for (int i = 0; i < c.fees_size(); ++i) {
    const auto& fee = c.fees(i);
    const Where fw = w.In("fees", i);
    if (!IsCode(fee.code())) {
      p.Add(fw.At("code"), absl::StrCat("code '", fee.code(),
                                        "' is not a CPT/HCPCS code (5+ upper-case letters/digits)"));
    } else if (from) {
      codes.CheckFeeCode(fw, "code", fee.code(), treatment, *from, to, p);
    } else {
      codes.CheckKnown(fw, "code", fee.code(), p);
    }
    CheckText(fw, "description", fee.description(), p);
    CheckMoney(fw, "allowed_cents", fee.allowed_cents(), p);
    CheckEnumSet(fw, "unit_basis", fee.unit_basis(), v1::UnitBasis_IsValid, p);
    CheckEnumSet(fw, "benefit", fee.benefit(), v1::Benefit_IsValid, p);
    if (fee.benefit() == v1::BENEFIT_PHARMACY && !plan.has_pharmacy()) {
      p.Add(fw.At("benefit"), "a BENEFIT_PHARMACY fee needs the plan's `pharmacy` block");
    }
    if (fee.has_applies_to()) CheckSessionMatch(fw.In("applies_to"), fee.applies_to(), p);
  }

  // Every session a covered protocol can produce must be billable.
  for (const v1::TreatmentProtocol* protocol : covered) {
    for (const SessionFacts& s :
         PossibleSessions(*protocol, drug_benefits, c.maintenance_covered())) {
      bool medical = false, pharmacy = false;
      for (const auto& fee : c.fees()) {
        if (!Matches(fee.applies_to(), s)) continue;
        medical = medical || fee.benefit() == v1::BENEFIT_MEDICAL;
        pharmacy = pharmacy || fee.benefit() == v1::BENEFIT_PHARMACY;
      }
      if (!medical) {
        p.Add(w.At("fees"), absl::StrCat("fees: no BENEFIT_MEDICAL fee matches the ",
                                         FactsText(s), " of protocol '",
                                         protocol->protocol_id(), "'; add a fee for it"));
      }
      if (s.drug_benefit == v1::BENEFIT_PHARMACY && !pharmacy) {
        p.Add(w.At("fees"), absl::StrCat("fees: no BENEFIT_PHARMACY fee matches the ",
                                         FactsText(s), " of protocol '",
                                         protocol->protocol_id(), "'; add the drug's fee"));
      }
    }
  }
}

// The request packet's data: channels, decision times with their source, the approval period.
void ValidatePriorAuthProcess(const Where& w, const v1::PriorAuthProcess& a, Problems& p) {
  if (a.channels().empty()) {
    p.Add(w.At("channels"), "channels: at least one way to submit is required");
  }
  for (int i = 0; i < a.channels_size(); ++i) {
    const Where c = w.In("channels", i);
    const v1::SubmissionChannel& channel = a.channels(i);
    if (channel.method() == v1::SUBMISSION_METHOD_UNSPECIFIED ||
        !v1::SubmissionMethod_IsValid(channel.method())) {
      p.Add(c.At("method"), "method: use SUBMISSION_METHOD_PORTAL, _FAX, _PHONE, _ELECTRONIC or _MAIL");
    }
    CheckText(c, "name", channel.name(), p);
  }
  if (a.standard_decision_days() < 0 || a.standard_decision_days() > 90) {
    p.Add(w.At("standard_decision_days"), "standard_decision_days: use 0 (not stated) to 90");
  }
  if (a.expedited_decision_hours() < 0 || a.expedited_decision_hours() > 336) {
    p.Add(w.At("expedited_decision_hours"), "expedited_decision_hours: use 0 (not stated) to 336");
  }
  if ((a.standard_decision_days() > 0 || a.expedited_decision_hours() > 0)) {
    CheckText(w, "turnaround_source", a.turnaround_source(), p);
  }
  if (!a.has_approval()) {
    p.Add(w.At("approval"), "approval: the length of one approval is required (months or days)");
    return;
  }
  const Where period = w.In("approval");
  const v1::ApprovalPeriod& approval = a.approval();
  switch (approval.length_case()) {
    case v1::ApprovalPeriod::kMonths:
      if (approval.months() < 1 || approval.months() > 24) {
        p.Add(period.At("months"), "months: use 1 to 24");
      }
      break;
    case v1::ApprovalPeriod::kDays:
      if (approval.days() < 1 || approval.days() > 730) p.Add(period.At("days"), "days: use 1 to 730");
      break;
    case v1::ApprovalPeriod::LENGTH_NOT_SET:
      p.Add(w.At("approval"), "approval: give months or days");
      break;
  }
  if (approval.has_max_sessions() && (approval.max_sessions() < 1 || approval.max_sessions() > 500)) {
    p.Add(period.At("max_sessions"), "max_sessions: use 1 to 500");
  }
  for (int i = 0; i < a.renewal_requirements_size(); ++i) {
    CheckText(w, "renewal_requirements", a.renewal_requirements(i), p);
  }
}

void ValidateCovered(const Where& w, const v1::PayerPlan& plan, v1::Treatment treatment,
                     const v1::TreatmentCovered& c, const ProtocolsByTreatment& protocols,
                     const std::map<std::string, const v1::TreatmentProtocol*>& protocol_ids,
                     bool has_catalog, const BillingCodes& codes,
                     std::optional<absl::CivilDay> from, std::optional<absl::CivilDay> to,
                     Problems& p) {
  CheckText(w, "policy_section", c.policy_section(), p);
  if (c.has_criteria()) {
    ValidateCriteria(w.In("criteria"), c.criteria(), treatment, has_catalog, p);
  } else if (c.prior_auth_required()) {
    p.Add(w.At("prior_auth_required"),
          "prior_auth_required: write the policy's `criteria { ... }` so readiness can be judged");
  }
  for (int i = 0; i < c.submission_documents_size(); ++i) {
    CheckText(w, "submission_documents", c.submission_documents(i), p);
  }
  if (!c.prior_auth_networks().empty()) {
    if (!c.prior_auth_required()) {
      p.Add(w.At("prior_auth_networks"),
            "prior_auth_networks: only with prior_auth_required: true (where it is required)");
    }
    if (c.prior_auth_networks_size() > 1) {
      p.Add(w.At("prior_auth_networks"),
            "prior_auth_networks: name the one network where prior authorization is asked; leave "
            "it out when it is asked in and out of network");
    }
    for (int n : c.prior_auth_networks()) {
      if (n != v1::NETWORK_IN_NETWORK && n != v1::NETWORK_OUT_OF_NETWORK) {
        p.Add(w.At("prior_auth_networks"),
              "prior_auth_networks: NETWORK_IN_NETWORK or NETWORK_OUT_OF_NETWORK");
      }
    }
    if (!plan.has_out_of_network() &&
        c.prior_auth_networks(0) == v1::NETWORK_OUT_OF_NETWORK) {
      p.Add(w.At("prior_auth_networks"),
            "prior_auth_networks: the plan has no out-of-network benefits, so prior authorization "
            "out of network only would never apply");
    }
  }
  if (c.has_prior_auth_process()) {
    if (!c.prior_auth_required()) {
      p.Add(w.At("prior_auth_process"),
            "prior_auth_process: only where prior_auth_required is true");
    }
    ValidatePriorAuthProcess(w.In("prior_auth_process"), c.prior_auth_process(), p);
    if (c.prior_auth_process().has_renewal_criteria()) {
      ValidateCriteria(w.In("prior_auth_process").In("renewal_criteria"),
                       c.prior_auth_process().renewal_criteria(), treatment, has_catalog, p);
    }
  }
  ValidateSessionTerms(w, c, p);

  // Which protocols this coverage applies to.
  std::vector<const v1::TreatmentProtocol*> covered;
  for (int i = 0; i < c.covered_protocol_ids_size(); ++i) {
    auto it = protocol_ids.find(c.covered_protocol_ids(i));
    if (it == protocol_ids.end()) {
      p.Add(w.At("covered_protocol_ids", i),
            absl::StrCat("covered_protocol_ids: no protocol '", c.covered_protocol_ids(i),
                         "' in protocols/"));
    } else if (it->second->treatment() != treatment) {
      p.Add(w.At("covered_protocol_ids", i),
            absl::StrCat("covered_protocol_ids: '", c.covered_protocol_ids(i),
                         "' is a protocol of another treatment"));
    } else {
      covered.push_back(it->second);
    }
  }
  if (c.covered_protocol_ids().empty()) {
    auto it = protocols.find(treatment);
    if (it != protocols.end()) covered = it->second;
  }

  std::vector<v1::Benefit> drug_benefits;
  for (int i = 0; i < c.drug_benefits_size(); ++i) {
    const int b = c.drug_benefits(i);
    if (b == 0 || !v1::Benefit_IsValid(b)) {
      p.Add(w.At("drug_benefits", i), "drug_benefits: use BENEFIT_MEDICAL or BENEFIT_PHARMACY");
      continue;
    }
    if (b == v1::BENEFIT_PHARMACY && !plan.has_pharmacy()) {
      p.Add(w.At("drug_benefits", i),
            "drug_benefits lists BENEFIT_PHARMACY but the plan has no `pharmacy` block");
    }
    drug_benefits.push_back(static_cast<v1::Benefit>(b));
  }
  if (treatment == v1::TREATMENT_SPRAVATO && drug_benefits.empty()) {
    p.Add(w.At("drug_benefits"),
          "drug_benefits is required for Spravato (BENEFIT_MEDICAL and/or BENEFIT_PHARMACY)");
  }
  if (treatment != v1::TREATMENT_SPRAVATO && !drug_benefits.empty()) {
    p.Add(w.At("drug_benefits"), "drug_benefits applies only to Spravato");
    drug_benefits.clear();
  }

  ValidateFees(w, plan, treatment, c, covered, drug_benefits, codes, from, to, p);
}

// The pharmacy benefit's cost sharing, and which amounts it counts toward.
void ValidatePharmacy(const Where& pw, const v1::PharmacyBenefit& ph, Problems& p) {
  CheckMoney(pw, "copay_cents", ph.copay_cents(), p);
  CheckBasisPoints(pw, "coinsurance_bp", ph.coinsurance_bp(), 10000, p);
  CheckEnumSet(pw, "accumulators", ph.accumulators(), v1::PharmacyAccumulators_IsValid, p);
  if (ph.accumulators() == v1::PHARMACY_ACCUMULATORS_SEPARATE) {
    CheckMoney(pw, "separate_deductible_cents", ph.separate_deductible_cents(), p);
    if (ph.has_separate_out_of_pocket_max_cents()) {
      CheckMoney(pw, "separate_out_of_pocket_max_cents", ph.separate_out_of_pocket_max_cents(),
                 p);
    }
  } else if (ph.separate_deductible_cents() != 0 || ph.has_separate_out_of_pocket_max_cents()) {
    p.Add(pw.At(ph.separate_deductible_cents() != 0 ? "separate_deductible_cents"
                                                     : "separate_out_of_pocket_max_cents"),
          "separate amounts apply only with accumulators: PHARMACY_ACCUMULATORS_SEPARATE");
  }
}

// Returns the plan's dates, or nullopt when one is missing or not a date (reported).
std::optional<PlanDates> ValidatePlan(
    const RuleFile<v1::PayerPlan>& f, const ProtocolsByTreatment& protocols,
    const std::map<std::string, const v1::TreatmentProtocol*>& protocol_ids, bool has_catalog,
    const BillingCodes& codes, Problems& p) {
  const auto& m = f.message;
  const Where w = Where::Of(f);
  CheckId(w, "payer_id", m.payer_id(), p);
  CheckText(w, "payer_name", m.payer_name(), p);
  CheckId(w, "plan_id", m.plan_id(), p);
  CheckText(w, "plan_name", m.plan_name(), p);
  CheckEnumSet(w, "plan_type", m.plan_type(), v1::PlanType_IsValid, p);
  CheckSources(w, m.sources(), /*required=*/true, p, /*of_plan=*/true);
  CheckText(w, "fee_note", m.fee_note(), p);
  auto from = CheckDate(w, "effective_from", m.effective_from(), true, p);
  auto to = CheckDate(w, "effective_to", m.effective_to(), false, p);
  if (from && to && *to < *from) {
    p.Add(w.At("effective_to"), absl::StrCat("effective_to ", m.effective_to(),
                                             " is before effective_from ", m.effective_from()));
  }
  const auto published =
      CheckDate(w, "amounts_published_through", m.amounts_published_through(), false, p);
  if (!m.has_plan_year_start()) {
    p.Add(w.At("plan_year_start"),
          "plan_year_start is required, e.g. `plan_year_start { month: 1 day: 1 }`");
  } else if (!IsValidMonthDay(m.plan_year_start().month(), m.plan_year_start().day())) {
    p.Add(w.In("plan_year_start").At("month"),
          absl::StrCat("plan_year_start ", m.plan_year_start().month(), "/",
                       m.plan_year_start().day(), " is not a day of every year"));
  }
  if (!m.has_in_network()) {
    p.Add(w.At("in_network"), "in_network is required");
  } else {
    ValidateNetwork(w.In("in_network"), m.in_network(), false, p);
  }
  if (m.has_out_of_network()) ValidateNetwork(w.In("out_of_network"), m.out_of_network(), true, p);
  if (m.has_pharmacy()) ValidatePharmacy(w.In("pharmacy"), m.pharmacy(), p);

  std::set<int> seen;
  for (int i = 0; i < m.treatments_size(); ++i) {
    const auto& t = m.treatments(i);
    const Where tw = w.In("treatments", i);
    CheckEnumSet(tw, "treatment", t.treatment(), v1::Treatment_IsValid, p);
    if (t.treatment() != 0 && !seen.insert(t.treatment()).second) {
      p.Add(tw.At("treatment"), absl::StrCat(v1::Treatment_Name(t.treatment()),
                                             " appears twice; each treatment appears once"));
    }
    switch (t.status_case()) {
      case v1::TreatmentPolicy::kCovered:
        ValidateCovered(tw.In("covered"), m, t.treatment(), t.covered(), protocols, protocol_ids,
                        has_catalog, codes, from, to, p);
        break;
      case v1::TreatmentPolicy::kExcluded: {
        const Where ew = tw.In("excluded");
        CheckEnumSet(ew, "reason", t.excluded().reason(),
                                          v1::ExclusionReason_IsValid, p);
        CheckText(ew, "explanation", t.excluded().explanation(), p);
        CheckText(ew, "policy_section", t.excluded().policy_section(), p);
        break;
      }
      case v1::TreatmentPolicy::STATUS_NOT_SET:
        p.Add(tw.At("treatment"), "say `covered { ... }` or `excluded { ... }` for this treatment");
        break;
    }
  }
  for (int t : {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO, v1::TREATMENT_IV_KETAMINE}) {
    if (!seen.count(t)) {
      p.Add(w.At("treatments"),
            absl::StrCat("treatments: ", v1::Treatment_Name(t),
                         " is missing; write `excluded { ... }` if the plan does not cover it"));
    }
  }
  if (!from || (!to && !m.effective_to().empty()) ||
      (!published && !m.amounts_published_through().empty())) {
    return std::nullopt;
  }
  return PlanDates{*from, to, published};
}

// Versions of one plan must tile time: sorted by effective_from, each ends the day before the next
// begins; only the last may be open-ended.
void ValidatePlanVersions(const std::vector<RuleFile<v1::PayerPlan>>& plans,
                          const std::vector<std::optional<PlanDates>>& dates, Problems& p) {
  struct Version {
    absl::CivilDay from;
    std::optional<absl::CivilDay> to;
    const RuleFile<v1::PayerPlan>* file;
  };
  std::map<std::string, std::vector<Version>> by_plan;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!dates[i]) continue;  // already reported
    const auto& f = plans[i];
    by_plan[absl::StrCat(f.message.payer_id(), "/", f.message.plan_id())].push_back(
        {dates[i]->effective_from, dates[i]->effective_to, &f});
  }
  for (auto& [key, versions] : by_plan) {
    std::sort(versions.begin(), versions.end(),
              [](const Version& a, const Version& b) { return a.from < b.from; });
    for (size_t i = 1; i < versions.size(); ++i) {
      const Version& prev = versions[i - 1];
      const Version& next = versions[i];
      const Where w = Where::Of(*next.file);
      if (!prev.to || *prev.to >= next.from) {
        p.Add(w.At("effective_from"),
              absl::StrCat("effective dates of ", key, " overlap ", prev.file->path,
                           " (", prev.file->message.effective_from(), " to ",
                           prev.to ? FormatDate(*prev.to) : "open", "); end that version the day "
                           "before ", FormatDate(next.from)));
      } else if (*prev.to + 1 != next.from) {
        // Reported where the fix usually is: the earlier version's last day.
        p.Add(Where::Of(*prev.file).At("effective_to"),
              absl::StrCat("gap in effective dates of ", key, ": this version ends ",
                           FormatDate(*prev.to), " but the next, ", next.file->path, ", starts ",
                           FormatDate(next.from), "; no rules would apply in between. End this "
                           "version on ", FormatDate(next.from - 1), " (or start the next earlier)"));
      }
    }
  }
}

// ---- clinics -----------------------------------------------------------------------------------

// The clinic's closed dates, the day through which they are complete, its observed holidays.
void ValidateClosedDays(const Where& w, const v1::Clinic& m, Problems& p) {
  std::set<absl::CivilDay> closed;
  for (int i = 0; i < m.closed_dates_size(); ++i) {
    auto day = CheckDate(w, "closed_dates", m.closed_dates(i), true, p);
    if (day && !closed.insert(*day).second) {
      p.Add(w.At("closed_dates", i), absl::StrCat("closed_dates: ", m.closed_dates(i),
                                                  " listed twice"));
    }
  }
  if (m.closed_dates_size() > 2000) p.Add(w.At("closed_dates"), "closed_dates: at most 2000");
  const auto through =
      CheckDate(w, "closed_dates_declared_through", m.closed_dates_declared_through(), true, p);
  if (through && !closed.empty() && *closed.rbegin() > *through) {
    p.Add(w.At("closed_dates_declared_through"),
          absl::StrCat("closed_dates_declared_through ", m.closed_dates_declared_through(),
                       " is before the closed date ", FormatDate(*closed.rbegin())));
  }
  std::set<int> holidays;
  for (int i = 0; i < m.observed_holidays_size(); ++i) {
    const int h = m.observed_holidays(i);
    if (h == 0 || !v1::UsFederalHoliday_IsValid(h)) {
      p.Add(w.At("observed_holidays", i),
            absl::StrCat("observed_holidays: ", h == 0 ? "US_FEDERAL_HOLIDAY_UNSPECIFIED is not a "
                                                         "holiday"
                                                       : absl::StrCat("unknown value ", h)));
    } else if (!holidays.insert(h).second) {
      p.Add(w.At("observed_holidays", i),
            absl::StrCat("observed_holidays: ", v1::UsFederalHoliday_Name(h), " listed twice"));
    }
  }
}

void ValidateProviderIdentity(const Where& w, const v1::ProviderIdentity& id, Problems& p) {
  CheckText(w, "legal_name", id.legal_name(), p);
  if (!IsValidNpi(id.npi())) {
    p.Add(w.At("npi"), absl::StrCat("npi '", id.npi(),
                                    "' is not a valid NPI (10 digits with a Luhn check digit)"));
  }
  if (!TinDigits(id.tin())) {
    p.Add(w.At("tin"), absl::StrCat("tin '", id.tin(), "' is not 9 digits (e.g. 12-3456789)"));
  }
  const Where aw = w.In("address");
  if (!id.has_address()) {
    p.Add(w.At("address"), "address is required");
  } else {
    if (id.address().street_lines().empty()) p.Add(aw.At("street_lines"), "street_lines is required");
    for (int i = 0; i < id.address().street_lines_size(); ++i) {
      if (id.address().street_lines(i).empty()) p.Add(aw.At("street_lines", i), "street line is empty");
    }
    CheckText(aw, "city", id.address().city(), p);
    if (!IsUsStateCode(id.address().state())) {
      p.Add(aw.At("state"), absl::StrCat("state '", id.address().state(),
                                         "' is not a two-letter USPS state code"));
    }
    if (!IsUsPostalCode(id.address().postal_code())) {
      p.Add(aw.At("postal_code"), absl::StrCat("postal_code '", id.address().postal_code(),
                                               "' is not a ZIP code (43000 or 43000-1234)"));
    }
  }
  if (!PhoneDigits(id.phone())) {
    p.Add(w.At("phone"), absl::StrCat("phone '", id.phone(), "' is not a 10-digit US number"));
  }
}

void ValidateClinic(const RuleFile<v1::Clinic>& f, const ProtocolsByTreatment& protocols,
                    const BillingCodes& codes, Problems& p) {
  const auto& m = f.message;
  const Where w = Where::Of(f);
  CheckId(w, "clinic_id", m.clinic_id(), p);
  CheckText(w, "name", m.name(), p);
  CheckText(w, "price_note", m.price_note(), p);
  CheckDate(w, "prices_effective_from", m.prices_effective_from(), true, p);
  if (m.has_provider_identity()) ValidateProviderIdentity(w.In("provider_identity"), m.provider_identity(), p);
  if (m.offered_treatments().empty()) {
    p.Add(w.At("offered_treatments"), "offered_treatments: list at least one treatment");
  }
  std::set<int> offered;
  for (int i = 0; i < m.offered_treatments_size(); ++i) {
    const int t = m.offered_treatments(i);
    if (t == 0 || !v1::Treatment_IsValid(t)) {
      p.Add(w.At("offered_treatments", i), "offered_treatments: unknown treatment");
    } else if (!offered.insert(t).second) {
      p.Add(w.At("offered_treatments", i), "offered_treatments: listed twice");
    }
  }
  for (int i = 0; i < m.self_pay_prices_size(); ++i) {
    const auto& price = m.self_pay_prices(i);
    const Where pw = w.In("self_pay_prices", i);
    CheckEnumSet(pw, "treatment", price.treatment(), v1::Treatment_IsValid, p);
    CheckText(pw, "description", price.description(), p);
    CheckMoney(pw, "price_cents", price.price_cents(), p);
    if (price.has_applies_to()) CheckSessionMatch(pw.In("applies_to"), price.applies_to(), p);
    if (!price.service_code().empty() && !IsCode(price.service_code())) {
      p.Add(pw.At("service_code"),
            absl::StrCat("service_code '", price.service_code(), "' is not a CPT or HCPCS code"));
    }
    // A Good Faith Estimate finds an item's service code by its treatment and description.
    for (int j = 0; j < i; ++j) {
      if (m.self_pay_prices(j).treatment() == price.treatment() &&
          m.self_pay_prices(j).description() == price.description()) {
        p.Add(pw.At("description"),
              absl::StrCat("self_pay_prices: description '", price.description(),
                           "' is used twice for the same treatment"));
      }
    }
  }
  for (int i = 0; i < m.separately_scheduled_size(); ++i) {
    const Where sw = w.In("separately_scheduled", i);
    CheckEnumSet(sw, "treatment", m.separately_scheduled(i).treatment(), v1::Treatment_IsValid, p);
    CheckText(sw, "description", m.separately_scheduled(i).description(), p);
  }
  for (int t : offered) {
    auto it = protocols.find(t);
    if (it == protocols.end()) {
      p.Add(w.At("offered_treatments"),
            absl::StrCat(v1::Treatment_Name(t), " is offered but protocols/ has no protocol for it"));
      continue;
    }
    for (const v1::TreatmentProtocol* protocol : it->second) {
      for (const SessionFacts& s : PossibleSessions(*protocol, {}, /*with_maintenance=*/true)) {
        bool priced = false;
        for (const auto& price : m.self_pay_prices()) {
          priced = priced || (price.treatment() == t && Matches(price.applies_to(), s));
        }
        if (!priced) {
          p.Add(w.At("self_pay_prices"),
                absl::StrCat("self_pay_prices: nothing prices the ", FactsText(s), " of protocol '",
                             protocol->protocol_id(), "'; add a price for it"));
        }
      }
    }
  }
  std::set<std::string> charged;
  for (int i = 0; i < m.charges_size(); ++i) {
    const Where cw = w.In("charges", i);
    if (!IsCode(m.charges(i).code())) {
      p.Add(cw.At("code"), absl::StrCat("code '", m.charges(i).code(), "' is not a billing code"));
    } else {
      codes.CheckKnown(cw, "code", m.charges(i).code(), p);
    }
    CheckMoney(cw, "charge_cents", m.charges(i).charge_cents(), p);
    if (!charged.insert(m.charges(i).code()).second) {
      p.Add(cw.At("code"), absl::StrCat("charges: code ", m.charges(i).code(), " listed twice"));
    }
  }
  // A code without a charge is reported when an out-of-network quote needs it: in-network-only
  // clinics need no chargemaster.
  ValidateClosedDays(w, m, p);
}

}  // namespace

absl::Status ValidateRuleFiles(const RuleFiles& files, std::vector<PlanDates>* plan_dates) {
  Problems p;
  ProtocolsByTreatment protocols;
  std::map<std::string, const v1::TreatmentProtocol*> protocol_ids;
  std::map<int, int> defaults;
  for (const auto& f : files.protocols) {
    ValidateProtocol(f, p);
    const Where w = Where::Of(f);
    if (!protocol_ids.emplace(f.message.protocol_id(), &f.message).second) {
      p.Add(w.At("protocol_id"),
            absl::StrCat("protocol_id '", f.message.protocol_id(), "' is used by another file"));
    }
    protocols[f.message.treatment()].push_back(&f.message);
    if (f.message.default_for_treatment() && ++defaults[f.message.treatment()] > 1) {
      p.Add(w.At("default_for_treatment"),
            absl::StrCat("another protocol is already the default for ",
                         v1::Treatment_Name(f.message.treatment())));
    }
  }
  for (const auto& [treatment, list] : protocols) {
    if (treatment != 0 && defaults[treatment] == 0) {
      p.Add(Where::Of(files.protocols.front()).At("default_for_treatment"),
            absl::StrCat("no protocol of ", v1::Treatment_Name(treatment),
                         " has default_for_treatment: true"));
    }
  }
  ValidateDrugCatalogs(files.catalogs, p);
  const BillingCodes codes = BillingCodes::Build(files.code_catalogs, p);
  std::vector<std::optional<PlanDates>> dates;
  for (const auto& f : files.plans) {
    dates.push_back(ValidatePlan(f, protocols, protocol_ids, !files.catalogs.empty(), codes, p));
  }
  ValidatePlanVersions(files.plans, dates, p);
  std::set<std::string> clinic_ids;
  for (const auto& f : files.clinics) {
    ValidateClinic(f, protocols, codes, p);
    if (!clinic_ids.insert(f.message.clinic_id()).second) {
      p.Add(Where::Of(f).At("clinic_id"),
            absl::StrCat("clinic_id '", f.message.clinic_id(), "' is used by another file"));
    }
  }
  if (files.clinics.empty()) p.Add("clinics/", "no clinic file: add one under clinics/");
  if (!p.empty()) return absl::InvalidArgumentError(p.Joined());
  if (plan_dates != nullptr) {
    plan_dates->clear();
    for (const auto& d : dates) plan_dates->push_back(*d);  // every plan's dates parsed
  }
  return absl::OkStatus();
}

}  // namespace estimator
