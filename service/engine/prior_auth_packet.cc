#include "service/engine/prior_auth_packet.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "service/common/dates.h"
#include "service/engine/course_schedule.h"
#include "service/rules/clinical_vocabulary.h"
#include "service/rules/criteria_text.h"
#include "service/rules/session_match.h"

namespace estimator {
namespace {

using criteria_text::Count;

std::string MethodWord(v1::SubmissionMethod m) {
  switch (m) {
    case v1::SUBMISSION_METHOD_PORTAL: return "portal";
    case v1::SUBMISSION_METHOD_FAX: return "fax";
    case v1::SUBMISSION_METHOD_PHONE: return "phone";
    case v1::SUBMISSION_METHOD_ELECTRONIC: return "electronic";
    case v1::SUBMISSION_METHOD_MAIL: return "mail";
    default: return "other";
  }
}

// The first day after the approval period that starts on `first`; none when the file states no
// period.
std::optional<absl::CivilDay> PeriodEnd(const v1::ApprovalPeriod& a, absl::CivilDay first) {
  if (a.has_months()) return AddMonths(first, a.months());
  if (a.has_days()) return first + a.days();
  return std::nullopt;
}

std::string PeriodWords(const v1::ApprovalPeriod& a) {
  std::string words = a.has_months() ? Count(a.months(), "month", "months")
                                     : Count(a.days(), "day", "days");
  if (a.has_max_sessions()) {
    absl::StrAppend(&words, ", at most ", Count(a.max_sessions(), "session", "sessions"));
  }
  return words;
}

// The sessions of the approval period, each code's units and sessions added up in `packet`.
void WriteServices(const PacketInputs& in, const v1::PriorAuthProcess& process,
                   v1::PriorAuthRequestPacket& packet) {
  const v1::TreatmentProtocol* protocol = PacketProtocol(in.rules, in.covered, in.treatment);
  if (protocol == nullptr) {  // validated rules always have one; say so rather than guess
    packet.add_notes("No schedule of this treatment is loaded, so the codes and units are not counted.");
    return;
  }
  packet.set_schedule_name(protocol->name());
  const std::optional<absl::CivilDay> end = PeriodEnd(process.approval(), in.first_day);

  int dose = in.dose_mg;
  if (dose == 0 && !protocol->allowed_doses_mg().empty()) {
    dose = *std::max_element(protocol->allowed_doses_mg().begin(),
                             protocol->allowed_doses_mg().end());
  }
  ScheduleRequest request;
  request.protocol = protocol;
  request.start = in.first_day;
  request.dose_mg = dose;
  if (in.covered.maintenance_covered() && protocol->has_maintenance()) {
    // Enough months of maintenance to fill the period; the period cuts them off.
    request.maintenance_months =
        std::min(36, process.approval().has_months() ? process.approval().months()
                     : process.approval().has_days() ? process.approval().days() / 28 + 1
                                                     : 0);
    request.maintenance_frequency = protocol->maintenance().frequency();
  }
  request.is_open = [](int64_t day) { return !IsWeekendDayNumber(day); };
  auto schedule = BuildSchedule(request);
  if (!schedule.ok()) {
    packet.add_notes("The schedule could not be laid out, so the codes and units are not counted.");
    return;
  }

  int limit = static_cast<int>(schedule->size());
  if (process.approval().has_max_sessions()) limit = std::min(limit, process.approval().max_sessions());
  if (in.covered.has_max_sessions_per_course()) {
    limit = std::min(limit, in.covered.max_sessions_per_course());
  }
  if (in.covered.has_conditional_sessions() &&
      in.covered.conditional_sessions().after_covered_sessions() < limit) {
    limit = in.covered.conditional_sessions().after_covered_sessions();
    packet.add_notes(absl::StrCat("Sessions after the first ", limit, " are covered only with ",
                                  in.covered.conditional_sessions().condition(),
                                  ": they are not in this request; ask for them when it is documented."));
  }
  const v1::Benefit drug_benefit =
      in.covered.drug_benefits().empty() ? v1::BENEFIT_UNSPECIFIED : in.covered.drug_benefits(0);
  bool per_mg = false;
  int sessions = 0;
  for (const ScheduledSession& s : *schedule) {
    if (sessions == limit || (end && s.date >= *end)) break;
    ++sessions;
    const SessionFacts facts{s.first, s.phase, s.dose_mg, drug_benefit};
    for (const v1::FeeScheduleEntry& fee : in.covered.fees()) {
      if (!Matches(fee.applies_to(), facts)) continue;
      v1::RequestedService* service = nullptr;
      for (v1::RequestedService& listed : *packet.mutable_services()) {
        if (listed.code() == fee.code()) service = &listed;
      }
      if (service == nullptr) {
        service = packet.add_services();
        service->set_code(fee.code());
        service->set_description(fee.description());
      }
      const bool mg = fee.unit_basis() == v1::UNIT_BASIS_PER_MG;
      per_mg = per_mg || mg;
      service->set_units(service->units() + (mg ? s.dose_mg : 1));
      service->set_sessions(service->sessions() + 1);
    }
  }
  packet.set_sessions(sessions);
  if (per_mg) {
    packet.add_notes(in.dose_mg != 0
                         ? absl::StrCat("Drug units are mg: ", in.dose_mg,
                                        " mg a session after the first (as requested), the first at ",
                                        protocol->first_session_dose_mg() > 0
                                            ? protocol->first_session_dose_mg()
                                            : in.dose_mg,
                                        " mg.")
                         : absl::StrCat("Drug units are mg, counted at ", dose,
                                        " mg a session after the first, the highest dose the "
                                        "schedule allows: request fewer if the prescribed dose is "
                                        "lower."));
  }
  if (in.covered.drug_benefits_size() > 1) {
    packet.add_notes(absl::StrCat(
        "Counted with the drug under the ",
        drug_benefit == v1::BENEFIT_PHARMACY ? "pharmacy" : "medical",
        " benefit, the plan's default; if the other benefit supplies it, the drug's codes differ."));
  }
}

// The leaves that matter, in policy order: all of them, except the alternatives of an any_of that
// is met other than the branches that meet it.
void CollectLeaves(const v1::Criterion& c, const v1::CriterionResult& r,
                   std::vector<std::pair<const v1::Criterion*, const v1::CriterionResult*>>& out) {
  switch (c.check_case()) {
    case v1::Criterion::kAllOf:
      for (int i = 0; i < c.all_of().criteria_size() && i < r.children_size(); ++i) {
        CollectLeaves(c.all_of().criteria(i), r.children(i), out);
      }
      return;
    case v1::Criterion::kAnyOf: {
      const bool met = r.status() == v1::CRITERION_STATUS_MET;
      for (int i = 0; i < c.any_of().criteria_size() && i < r.children_size(); ++i) {
        if (met && r.children(i).status() != v1::CRITERION_STATUS_MET) continue;
        CollectLeaves(c.any_of().criteria(i), r.children(i), out);
      }
      return;
    }
    case v1::Criterion::kNot: return;  // a `not` proves an absence: nothing to enclose
    default: out.emplace_back(&c, &r); return;
  }
}

// What the check found, after the requirement its explanation starts with: "patient is 34".
std::string Finding(const v1::CriterionResult& r, const CriterionWords* words) {
  absl::string_view text = r.explanation();
  if (words != nullptr && absl::StartsWith(text, words->requirement)) {
    text.remove_prefix(words->requirement.size());
    absl::ConsumePrefix(&text, "; ");
  }
  std::string s(text);
  if (!s.empty()) s[0] = absl::ascii_toupper(static_cast<unsigned char>(s[0]));
  return s;
}

std::string DraftLetter(const PacketInputs& in, const v1::ReadinessAssessment& a,
                        const std::vector<std::pair<const v1::Criterion*,
                                                    const v1::CriterionResult*>>& leaves) {
  const v1::PriorAuthRequestPacket& p = a.request_packet();
  const std::string treatment = TreatmentName(in.treatment);
  std::string letter = absl::StrCat(
      "DRAFT for the prescriber to review, complete and sign\n\n",
      "Letter of medical necessity: ", treatment, "\n",
      "To: ", in.plan.plan.payer_name(), ", prior authorization review (", in.plan.plan.plan_name(),
      ")\n",
      "Patient: [name], date of birth [date], member ID [ID]\n\n",
      "I am requesting prior authorization of ", treatment, " for my patient. The enclosed records "
      "document each criterion of ", a.policy_section(), ":\n");
  int n = 0;
  for (const auto& [criterion, result] : leaves) {
    const auto words = in.plan.criterion_words.find(criterion);
    const CriterionWords* w = words != in.plan.criterion_words.end() ? &words->second : nullptr;
    absl::StrAppend(&letter, ++n, ". ", result->name(), ": ", Finding(*result, w), ".\n");
  }
  if (!p.services().empty()) {
    absl::StrAppend(&letter, "\nI request ");
    std::vector<std::string> codes;
    for (const v1::RequestedService& s : p.services()) {
      codes.push_back(absl::StrCat(s.code(), " x ", s.units()));
    }
    absl::StrAppend(&letter, absl::StrJoin(codes, ", "), " (", Count(p.sessions(), "session", "sessions"),
                    " of ", p.schedule_name(), ") from ", p.first_day(),
                    p.approval_period().empty() ? "" : absl::StrCat(", for ", p.approval_period()),
                    ".\n");
  }
  absl::StrAppend(&letter, "\nEnclosed:\n");
  for (const v1::SupportingDocuments& d : p.supporting_documents()) {
    for (const std::string& doc : d.documents()) absl::StrAppend(&letter, "- ", doc, "\n");
  }
  absl::StrAppend(&letter, "\n[Prescriber name, credentials, NPI]\n[Signature]  [Date]\n");
  return letter;
}

}  // namespace

const v1::TreatmentProtocol* PacketProtocol(const RuleSet& rules, const v1::TreatmentCovered& covered,
                                            v1::Treatment treatment) {
  for (const std::string& id : covered.covered_protocol_ids()) {
    const v1::TreatmentProtocol* p = rules.FindProtocol(id);
    if (p != nullptr && p->default_for_treatment()) return p;
  }
  if (!covered.covered_protocol_ids().empty()) {
    return rules.FindProtocol(covered.covered_protocol_ids(0));
  }
  return rules.DefaultProtocol(treatment);
}

void WriteRequestPacket(const PacketInputs& in, v1::ReadinessAssessment& a) {
  const v1::PriorAuthProcess& process = in.covered.prior_auth_process();
  v1::PriorAuthRequestPacket& p = *a.mutable_request_packet();
  p.set_first_day(FormatDate(in.first_day));
  if (!in.covered.has_prior_auth_process()) {
    p.add_notes("The plan file does not say where to submit, how long an approval lasts or what a "
                "renewal needs: ask the payer. The codes below are those of the covered course.");
  }
  if (const auto end = PeriodEnd(process.approval(), in.first_day)) {
    p.set_approval_period(PeriodWords(process.approval()));
    p.set_reauthorization_date(FormatDate(*end));
  }
  if (!in.covered.has_prior_auth_process()) {
    // Nothing to say about renewal beyond the note above.
  } else if (process.renewal_requirements().empty()) {
    p.add_renewal_requirements(
        "The plan file states no renewal terms beyond the initial criteria: ask the payer.");
  } else {
    *p.mutable_renewal_requirements() = process.renewal_requirements();
  }
  if (in.renewal_criteria != nullptr) {
    std::vector<std::string> codes;
    for (const v1::FeeScheduleEntry& fee : in.covered.fees()) {
      if (std::find(codes.begin(), codes.end(), fee.code()) == codes.end()) codes.push_back(fee.code());
    }
    p.add_notes(absl::StrCat(
        "A renewal: request the sessions planned for the next period, with the plan's codes (",
        absl::StrJoin(codes, ", "), "); they are not counted here."));
  } else {
    WriteServices(in, process, p);
  }

  for (const v1::SubmissionChannel& c : process.channels()) {
    v1::SubmissionRoute& route = *p.add_routes();
    route.set_method(MethodWord(c.method()));
    route.set_name(c.name());
    route.set_address(c.address());
    route.set_form(c.form());
  }
  p.set_standard_decision_days(process.standard_decision_days());
  p.set_expedited_decision_hours(process.expedited_decision_hours());
  p.set_turnaround_source(process.turnaround_source());
  if (process.standard_decision_days() > 0) {
    const absl::CivilDay submit_by = in.first_day - process.standard_decision_days();
    p.set_submit_by(FormatDate(submit_by));
    if (submit_by < in.as_of) {
      p.add_notes(absl::StrCat(
          "A request submitted on ", FormatDate(in.as_of), " may be decided as late as ",
          FormatDate(in.as_of + process.standard_decision_days()), ", after the first day (",
          p.first_day(), ") at the payer's standard decision time of ",
          Count(process.standard_decision_days(), "day", "days"),
          ": plan the first session later, or ask for an expedited decision if waiting could "
          "seriously harm the patient's health."));
    }
  }

  std::vector<std::pair<const v1::Criterion*, const v1::CriterionResult*>> leaves;
  const v1::Criterion& judged =
      in.renewal_criteria != nullptr ? *in.renewal_criteria : in.covered.criteria();
  if (a.criteria_size() == 1) CollectLeaves(judged, a.criteria(0), leaves);
  for (const auto& [criterion, result] : leaves) {
    v1::SupportingDocuments& d = *p.add_supporting_documents();
    d.set_criterion_name(result->name());
    d.set_status(result->status());
    if (const auto words = in.plan.criterion_words.find(criterion);
        words != in.plan.criterion_words.end()) {
      for (const std::string& doc : words->second.supporting_documents) d.add_documents(doc);
    } else {
      for (std::string& doc : SupportingDocumentsFor(*criterion, in.treatment)) {
        d.add_documents(std::move(doc));
      }
    }
    *d.mutable_evidence() = result->evidence();
  }
  if (a.prior_auth() == v1::PRIOR_AUTH_READINESS_READY) {
    p.set_draft_letter(DraftLetter(in, a, leaves));
  }
}

}  // namespace estimator
