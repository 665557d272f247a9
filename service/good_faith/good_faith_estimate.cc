#include "service/good_faith/good_faith_estimate.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/common/dates.h"
#include "service/common/money.h"
#include "service/common/status_macros.h"
#include "service/engine/vocabulary.h"
#include "service/good_faith/business_days.h"
#include "service/rules/clinical_vocabulary.h"

namespace estimator {
namespace {

// True when `text` holds an ASCII control character (a name is one line of text).
bool HasControlCharacter(absl::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

absl::StatusOr<std::optional<absl::CivilDay>> OptionalDate(const std::string& text,
                                                           absl::string_view field) {
  if (text.empty()) return std::optional<absl::CivilDay>();
  ASSIGN_OR_RETURN(absl::CivilDay day, ParseDate(text, field));
  return std::optional<absl::CivilDay>(day);
}

const v1::Coverage& CoverageOf(const v1::IssueGoodFaithEstimateRequest& r) {
  return r.has_comparison() ? r.comparison().coverage() : r.estimate().coverage();
}

// How often sessions come, in words, from their dates: "about 5 a week", "weekly", "monthly".
std::string Frequency(const std::vector<absl::CivilDay>& days) {
  if (days.size() < 2) return "once";
  const double gap = static_cast<double>(days.back() - days.front()) / (days.size() - 1);
  if (gap < 6.5) return absl::StrCat("about ", static_cast<int>(7.0 / gap + 0.5), " a week");
  if (gap < 8.5) return "about weekly";
  if (gap < 17) return "about every 2 weeks";
  if (gap < 24) return "about every 3 weeks";
  if (gap < 35) return "about monthly";
  return absl::StrCat("about every ", static_cast<int>(gap / 7.0 + 0.5), " weeks");
}

std::string Sessions(int n) { return absl::StrCat(n, n == 1 ? " session" : " sessions"); }

const v1::SelfPayPrice* PriceEntry(const ClinicRules& clinic, v1::Treatment treatment,
                                   const std::string& description) {
  for (const v1::SelfPayPrice& p : clinic.clinic.self_pay_prices()) {
    if (p.treatment() == treatment && p.description() == description) return &p;
  }
  return nullptr;
}

std::string PatientLine(const v1::GoodFaithEstimate& g) {
  return absl::StrCat(g.patient().name(), " (born ", g.patient().date_of_birth(), ")");
}

}  // namespace

absl::StatusOr<GfeFacts> ValidateGoodFaithEstimateRequest(
    const v1::IssueGoodFaithEstimateRequest& r, absl::CivilDay today) {
  if (!r.has_estimate() && !r.has_comparison()) {
    return absl::InvalidArgumentError("course: give an estimate or a comparison request");
  }
  if (CoverageOf(r).has_insurance()) {
    return absl::FailedPreconditionError(
        "coverage: a Good Faith Estimate is for uninsured or self-pay patients; the estimate for "
        "an insured patient billing their plan (the advanced explanation of benefits) is not in "
        "force. A patient with insurance who chooses to pay the clinic themselves is self-pay: "
        "send coverage.self_pay");
  }
  if (!CoverageOf(r).has_self_pay()) {
    return absl::InvalidArgumentError("coverage: self_pay is required for a Good Faith Estimate");
  }
  if (r.has_comparison() && r.treatment() == v1::TREATMENT_UNSPECIFIED) {
    return absl::InvalidArgumentError("treatment: say which compared treatment the estimate is for");
  }
  if (r.treatment() != v1::TREATMENT_UNSPECIFIED && !v1::Treatment_IsValid(r.treatment())) {
    return absl::InvalidArgumentError(absl::StrCat("treatment: unknown value ", r.treatment()));
  }
  if (r.has_estimate() && r.treatment() != v1::TREATMENT_UNSPECIFIED &&
      r.treatment() != r.estimate().course().treatment()) {
    return absl::InvalidArgumentError(
        "treatment: differs from estimate.course.treatment; leave it unset with an estimate");
  }
  GfeFacts facts;
  facts.issued_on = today;
  if (!r.has_patient()) return absl::InvalidArgumentError("patient: name and date of birth are required");
  const std::string& name = r.patient().name();
  if (absl::StripAsciiWhitespace(name).empty()) {
    return absl::InvalidArgumentError("patient.name is required");
  }
  if (name.size() > kMaxPatientNameLength) {
    return absl::InvalidArgumentError(absl::StrCat("patient.name: longer than ",
                                                   kMaxPatientNameLength, " characters"));
  }
  if (HasControlCharacter(name)) {
    return absl::InvalidArgumentError("patient.name: holds a control character (one line of text)");
  }
  if (r.patient().date_of_birth().empty()) {
    return absl::InvalidArgumentError("patient.date_of_birth is required (YYYY-MM-DD)");
  }
  ASSIGN_OR_RETURN(absl::CivilDay born, ParseDate(r.patient().date_of_birth(), "patient.date_of_birth"));
  if (born > today) {
    return absl::InvalidArgumentError(
        absl::StrCat("patient.date_of_birth: ", FormatDate(born), " is after today"));
  }
  facts.patient = r.patient();
  facts.patient.set_name(std::string(absl::StripAsciiWhitespace(name)));
  if (r.diagnosis_codes().empty()) {
    return absl::InvalidArgumentError(
        "diagnosis_codes: give at least one ICD-10-CM code of the condition treated (e.g. F33.2)");
  }
  if (r.diagnosis_codes_size() > kMaxGfeDiagnosisCodes) {
    return absl::InvalidArgumentError(
        absl::StrCat("diagnosis_codes: at most ", kMaxGfeDiagnosisCodes, " codes"));
  }
  for (int i = 0; i < r.diagnosis_codes_size(); ++i) {
    const std::string& code = r.diagnosis_codes(i);
    if (!IsIcd10Code(code)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "diagnosis_codes[", i, "]: '", code.substr(0, 16),
          "' is not an ICD-10-CM code (a letter, two characters, optionally a dot and up to 4 more, "
          "upper case: F33.2)"));
    }
    facts.diagnosis_codes.push_back(code);
  }
  ASSIGN_OR_RETURN(facts.scheduled_on, OptionalDate(r.scheduled_on(), "scheduled_on"));
  if (facts.scheduled_on && *facts.scheduled_on > today) {
    return absl::InvalidArgumentError(
        absl::StrCat("scheduled_on: ", r.scheduled_on(), " is after today; give the day it was scheduled"));
  }
  ASSIGN_OR_RETURN(std::optional<absl::CivilDay> requested, OptionalDate(r.requested_on(), "requested_on"));
  if (requested && *requested > today) {
    return absl::InvalidArgumentError(absl::StrCat("requested_on: ", r.requested_on(), " is after today"));
  }
  facts.requested_on = requested.value_or(today);
  return facts;
}

absl::StatusOr<const v1::CourseEstimate*> GfeCourse(
    const v1::IssueGoodFaithEstimateRequest& request, const v1::EstimateCourseResponse* estimate,
    const v1::CompareTreatmentsResponse* comparison) {
  if (estimate != nullptr) return &estimate->estimate();
  for (const v1::CourseEstimate& e : comparison->estimates()) {
    if (e.treatment() == request.treatment()) return &e;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "treatment: the comparison has no course of ", TreatmentName(request.treatment())));
}

absl::StatusOr<v1::GoodFaithEstimate> BuildGoodFaithEstimate(const ClinicRules& clinic,
                                                             const v1::CourseEstimate& estimate,
                                                             const GfeFacts& facts,
                                                             const v1::GoodFaithEstimate* replaces) {
  if (!clinic.clinic.has_provider_identity()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "clinic_id: clinic '", clinic.clinic.clinic_id(), "' cannot issue Good Faith Estimates: its "
        "rule file (", clinic.file, ") has no provider_identity (legal name, NPI, TIN, address, phone)"));
  }
  if (estimate.lines().empty()) {
    return absl::FailedPreconditionError("the course has no sessions to estimate");
  }
  const v1::Treatment treatment = estimate.treatment();
  ASSIGN_OR_RETURN(absl::CivilDay first, ParseDate(estimate.lines(0).date(), "lines[0].date"));
  const absl::CivilDay period_end = AddMonths(first, kGfePeriodMonths) - 1;

  v1::GoodFaithEstimate g;
  *g.mutable_patient() = facts.patient;
  // Protocol names are written for patients and name the treatment ("IV ketamine: 6 infusions
  // over 2 weeks, then monthly boosters").
  g.set_primary_service(estimate.protocol_name());
  if (facts.scheduled_on) g.set_scheduled_date(FormatDate(first));
  g.set_period_start(FormatDate(first));
  g.set_period_end(FormatDate(period_end));
  for (const std::string& code : facts.diagnosis_codes) g.add_diagnosis_codes(code);
  g.set_issued_on(FormatDate(facts.issued_on));

  const v1::ProviderIdentity& id = clinic.clinic.provider_identity();
  v1::GfeProvider& provider = *g.add_providers();
  provider.set_legal_name(id.legal_name());
  provider.set_npi(id.npi());
  provider.set_tin(id.tin());
  *provider.mutable_address() = id.address();
  provider.set_phone(id.phone());

  // Items in order of first use, keyed by price entry; sessions and their dates per phase.
  std::map<const v1::SelfPayPrice*, int> item_index;
  std::set<int> included, left_out;
  std::vector<std::pair<v1::Phase, std::vector<absl::CivilDay>>> phases;
  for (const v1::EstimateLine& line : estimate.lines()) {
    ASSIGN_OR_RETURN(absl::CivilDay day, ParseDate(line.date(), "line.date"));
    if (day > period_end) {
      left_out.insert(line.session_number());
      continue;
    }
    if (line.covered()) {
      return absl::InternalError("a self-pay estimate has a line the plan covers");
    }
    included.insert(line.session_number());
    if (phases.empty() || phases.back().first != line.phase()) phases.push_back({line.phase(), {}});
    phases.back().second.push_back(day);
    int64_t line_sum = 0;
    for (const v1::BillingCode& code : line.codes()) {
      if (code.item() < 0 || code.item() >= estimate.billed_items_size()) {
        return absl::InternalError("a line's code points at no billed item");
      }
      const std::string& description = estimate.billed_items(code.item()).description();
      const v1::SelfPayPrice* price = PriceEntry(clinic, treatment, description);
      if (price == nullptr) {
        return absl::InternalError(absl::StrCat("no self-pay price entry is named '", description, "'"));
      }
      auto [it, added] = item_index.emplace(price, provider.items_size());
      if (added) {
        v1::GfeItem& item = *provider.add_items();
        item.set_description(description);
        item.set_service_code(price->service_code());
        for (const std::string& dx : facts.diagnosis_codes) item.add_diagnosis_codes(dx);
        item.set_unit_charge_cents(price->price_cents());
        item.set_first_date(line.date());
      }
      v1::GfeItem& item = *provider.mutable_items(it->second);
      item.set_quantity(item.quantity() + code.units());
      item.set_expected_charge_cents(item.expected_charge_cents() +
                                     int64_t{code.units()} * price->price_cents());
      item.set_last_date(line.date());
      line_sum += int64_t{code.units()} * price->price_cents();
    }
    if (line_sum != line.patient_cents()) {
      return absl::InternalError(absl::StrCat("session ", line.session_number(), " is priced ",
                                              line.patient_cents(), " cents but its items add up to ",
                                              line_sum));
    }
  }
  for (int s : included) left_out.erase(s);
  int64_t provider_total = 0;
  for (const v1::GfeItem& item : provider.items()) provider_total += item.expected_charge_cents();
  provider.set_expected_charges_cents(provider_total);
  g.set_total_expected_charges_cents(provider_total);
  g.set_sessions_included(static_cast<int>(included.size()));
  g.set_sessions_left_out(static_cast<int>(left_out.size()));

  std::vector<std::string> parts;
  for (const auto& [phase, days] : phases) {
    parts.push_back(absl::StrCat(PhaseName(treatment, phase), ": ", Sessions(days.size()), ", ",
                                 Frequency(days), ", ", FormatDate(days.front()), " to ",
                                 FormatDate(days.back())));
  }
  const absl::CivilDay last_included = phases.back().second.back();
  g.set_series(absl::StrCat(Sessions(included.size()), " from ", FormatDate(first), " to ",
                            FormatDate(last_included), " (", absl::StrJoin(parts, "; "), ")."));

  for (const v1::SeparatelyScheduledItem& item : clinic.clinic.separately_scheduled()) {
    if (item.treatment() == treatment) g.add_separately_scheduled(item.description());
  }
  if (!left_out.empty()) {
    g.add_separately_scheduled(absl::StrCat(
        left_out.size() == 1 ? "1 later session" : absl::StrCat(left_out.size(), " later sessions"),
        " of the course, after ", FormatDate(period_end),
        " (beyond the 12 months this estimate covers): not included; a new Good Faith Estimate "
        "will be given for them."));
  }
  for (const std::string& d : GoodFaithEstimateDisclaimers()) g.add_disclaimers(d);
  *g.mutable_deadline() =
      GoodFaithEstimateDeadline(clinic, facts.scheduled_on, first, facts.requested_on);

  if (replaces != nullptr) {
    std::vector<std::string> changes = ScopeChanges(*replaces, g);
    if (changes.empty()) {
      return absl::FailedPreconditionError(
          "replaces_quote_id: nothing changed from the earlier Good Faith Estimate (patient, "
          "diagnoses, dates, sessions, schedule and charges are the same); it still stands");
    }
    for (std::string& c : changes) g.add_changes(std::move(c));
  }
  return g;
}

std::vector<std::string> ScopeChanges(const v1::GoodFaithEstimate& before,
                                      const v1::GoodFaithEstimate& after) {
  std::vector<std::string> out;
  if (before.patient().name() != after.patient().name() ||
      before.patient().date_of_birth() != after.patient().date_of_birth()) {
    out.push_back(absl::StrCat("Patient details: ", PatientLine(before), " is now ",
                               PatientLine(after), "."));
  }
  const std::string dx_before = absl::StrJoin(before.diagnosis_codes(), ", ");
  const std::string dx_after = absl::StrJoin(after.diagnosis_codes(), ", ");
  if (dx_before != dx_after) {
    out.push_back(absl::StrCat("Diagnosis codes: ", dx_before, " are now ", dx_after, "."));
  }
  auto scheduled = [](const v1::GoodFaithEstimate& g) {
    return g.scheduled_date().empty() ? absl::StrCat("not yet scheduled (", g.period_start(), " planned)")
                                      : g.scheduled_date();
  };
  if (before.scheduled_date() != after.scheduled_date() || before.period_start() != after.period_start()) {
    out.push_back(absl::StrCat("First session: ", scheduled(before), " is now ", scheduled(after), "."));
  }
  if (before.sessions_included() != after.sessions_included()) {
    out.push_back(absl::StrCat("Sessions in the 12 months: ", before.sessions_included(), " are now ",
                               after.sessions_included(), "."));
  }
  if (before.series() != after.series()) {
    out.push_back(absl::StrCat("Schedule: was ", before.series(), " Now ", after.series()));
  }
  // Items by (code, description).
  std::map<std::pair<std::string, std::string>, std::pair<const v1::GfeItem*, const v1::GfeItem*>> items;
  for (const v1::GfeProvider& p : before.providers()) {
    for (const v1::GfeItem& i : p.items()) items[{i.service_code(), i.description()}].first = &i;
  }
  for (const v1::GfeProvider& p : after.providers()) {
    for (const v1::GfeItem& i : p.items()) items[{i.service_code(), i.description()}].second = &i;
  }
  for (const auto& [key, pair] : items) {
    const auto& [was, now] = pair;
    const std::string name = key.first.empty() ? key.second : absl::StrCat(key.first, " ", key.second);
    auto text = [](const v1::GfeItem* i) {
      return i == nullptr ? std::string("none")
                          : absl::StrCat(i->quantity(), " x ", FormatMoney(Money::Cents(i->unit_charge_cents())),
                                         " = ", FormatMoney(Money::Cents(i->expected_charge_cents())));
    };
    if (was == nullptr || now == nullptr || was->quantity() != now->quantity() ||
        was->unit_charge_cents() != now->unit_charge_cents()) {
      out.push_back(absl::StrCat(name, ": ", text(was), " is now ", text(now), "."));
    }
  }
  if (before.total_expected_charges_cents() != after.total_expected_charges_cents()) {
    out.push_back(absl::StrCat("Total expected charges: ",
                               FormatMoney(Money::Cents(before.total_expected_charges_cents())), " are now ",
                               FormatMoney(Money::Cents(after.total_expected_charges_cents())), "."));
  }
  return out;
}

std::vector<std::string> GoodFaithEstimateDisclaimers() {
  return {
      "Other items or services may be recommended as part of your care that are not included in "
      "this estimate, such as those listed as scheduled separately; they would be estimated "
      "separately. This estimate does not include unknown or unexpected costs that may arise "
      "during treatment.",
      "This Good Faith Estimate is only an estimate: the actual items, services or charges may "
      "differ from it.",
      absl::StrCat(
          "You have the right to dispute the bill through the patient-provider dispute resolution "
          "process if you are billed at least $400.00 more than the expected charges of any one "
          "provider or facility on this Good Faith Estimate. ", DisputeHowToStart(),
          " Keep a copy of this Good Faith Estimate: you may need it if you are billed more."),
      "This Good Faith Estimate is not a contract and does not require you to obtain the items or "
      "services from any of the providers or facilities named in it.",
  };
}

std::string DisputeHowToStart() {
  return "You must start the dispute within 120 days of the date on the bill: visit "
         "www.cms.gov/nosurprises or call the No Surprises Help Desk at 1-800-985-3059 (an "
         "administrative fee of $25 applies).";
}

}  // namespace estimator
