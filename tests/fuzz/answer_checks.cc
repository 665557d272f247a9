#include "tests/fuzz/answer_checks.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/unit/engine/crd_invariants.h"

namespace estimator {
namespace {

// The nine amounts of a line or a total, in one order.
std::vector<int64_t> Amounts(const v1::EstimateLine& l) {
  return {l.billed_cents(),          l.allowed_cents(),     l.copay_cents(),
          l.deductible_cents(),      l.coinsurance_cents(), l.balance_billed_cents(),
          l.not_covered_cents(),     l.patient_cents(),     l.payer_cents()};
}

std::vector<int64_t> Amounts(const v1::Totals& t) {
  return {t.billed_cents(),          t.allowed_cents(),     t.copay_cents(),
          t.deductible_cents(),      t.coinsurance_cents(), t.balance_billed_cents(),
          t.not_covered_cents(),     t.patient_cents(),     t.payer_cents()};
}

void CheckSum(const v1::Totals& totals, const std::vector<const v1::EstimateLine*>& lines,
              const std::string& what) {
  std::vector<int64_t> sum(9, 0);
  for (const v1::EstimateLine* l : lines) {
    const std::vector<int64_t> a = Amounts(*l);
    for (size_t i = 0; i < a.size(); ++i) sum[i] += a[i];
  }
  if (sum != Amounts(totals)) {
    Finding(absl::StrCat(what, " is not the sum of its lines"), totals.ShortDebugString());
  }
  if (totals.sessions_scheduled() < totals.sessions_covered()) {
    Finding(absl::StrCat(what, ": more sessions covered than scheduled"), totals.ShortDebugString());
  }
}

// The status an all_of / any_of / not must have given its children's, or UNSPECIFIED for a
// typed check (judged on the documentation, not recomputable here).
v1::CriterionStatus Combined(const v1::CriterionResult& r) {
  auto any = [&](v1::CriterionStatus s) {
    for (const auto& c : r.children()) {
      if (c.status() == s) return true;
    }
    return false;
  };
  if (r.kind() == "all_of") {
    if (any(v1::CRITERION_STATUS_NOT_MET)) return v1::CRITERION_STATUS_NOT_MET;
    if (any(v1::CRITERION_STATUS_MISSING_INFORMATION)) return v1::CRITERION_STATUS_MISSING_INFORMATION;
    return v1::CRITERION_STATUS_MET;
  }
  if (r.kind() == "any_of") {
    if (any(v1::CRITERION_STATUS_MET)) return v1::CRITERION_STATUS_MET;
    if (any(v1::CRITERION_STATUS_MISSING_INFORMATION)) return v1::CRITERION_STATUS_MISSING_INFORMATION;
    return v1::CRITERION_STATUS_NOT_MET;
  }
  if (r.kind() == "not") {
    if (r.children_size() != 1) Finding("a `not` result without exactly one child", r.ShortDebugString());
    switch (r.children(0).status()) {
      case v1::CRITERION_STATUS_MET: return v1::CRITERION_STATUS_NOT_MET;
      case v1::CRITERION_STATUS_NOT_MET: return v1::CRITERION_STATUS_MET;
      default: return r.children(0).status();
    }
  }
  return v1::CRITERION_STATUS_UNSPECIFIED;
}

void CheckCriterion(const v1::CriterionResult& r) {
  if (r.status() == v1::CRITERION_STATUS_UNSPECIFIED) {
    Finding("a criterion result without a status", r.ShortDebugString());
  }
  for (const auto& child : r.children()) CheckCriterion(child);
  const v1::CriterionStatus want = Combined(r);
  if (want != v1::CRITERION_STATUS_UNSPECIFIED && want != r.status()) {
    Finding(absl::StrCat(r.kind(), " '", r.id(), "' is ", v1::CriterionStatus_Name(r.status()),
                         " but its children make it ", v1::CriterionStatus_Name(want)),
            r.ShortDebugString());
  }
}

}  // namespace

void Finding(absl::string_view what, absl::string_view detail) {
  std::fprintf(stderr, "FINDING: %.*s\n%.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void CheckRefusal(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
      break;
    default:
      Finding("refused with an undocumented status code", status.ToString());
  }
  if (status.message().empty()) Finding("refused without saying why", status.ToString());
}

void CheckEstimate(const v1::CourseEstimate& e) {
  std::vector<const v1::EstimateLine*> all;
  std::map<int, std::vector<const v1::EstimateLine*>> by_phase;
  std::map<std::string, std::vector<const v1::EstimateLine*>> by_year;
  for (const v1::EstimateLine& l : e.lines()) {
    const std::string what = absl::StrCat("line of session ", l.session_number());
    for (int64_t amount : Amounts(l)) {
      if (amount < 0) Finding(absl::StrCat(what, " has a negative amount"), l.ShortDebugString());
    }
    if (l.patient_cents() != l.copay_cents() + l.deductible_cents() + l.coinsurance_cents() +
                                 l.balance_billed_cents() + l.not_covered_cents()) {
      Finding(absl::StrCat(what, ": the patient's share is not the sum of its parts"),
              l.ShortDebugString());
    }
    if (l.covered() && l.payer_cents() != l.allowed_cents() - l.copay_cents() -
                                              l.deductible_cents() - l.coinsurance_cents()) {
      Finding(absl::StrCat(what, ": the payer's share is not allowed minus cost sharing"),
              l.ShortDebugString());
    }
    if (!l.covered() && (l.payer_cents() != 0 || l.patient_cents() != l.not_covered_cents() ||
                         l.not_covered_reason() == v1::NOT_COVERED_REASON_UNSPECIFIED)) {
      Finding(absl::StrCat(what, ": an uncovered line is not the patient's in full, with a reason"),
              l.ShortDebugString());
    }
    all.push_back(&l);
    by_phase[l.phase()].push_back(&l);
    by_year[l.plan_year_start()].push_back(&l);
  }
  CheckSum(e.totals(), all, "the course total");
  if (e.phase_totals_size() != static_cast<int>(by_phase.size())) {
    Finding("phase totals do not match the phases of the lines", e.ShortDebugString());
  }
  for (const auto& p : e.phase_totals()) CheckSum(p.totals(), by_phase[p.phase()], "a phase total");
  if (e.plan_year_totals_size() != static_cast<int>(by_year.size())) {
    Finding("plan-year totals do not match the plan years of the lines", e.ShortDebugString());
  }
  for (const auto& y : e.plan_year_totals()) {
    CheckSum(y.totals(), by_year[y.plan_year_start()], "a plan-year total");
  }
  const v1::PatientRange& range = e.patient_range();
  if (range.low_cents() > e.totals().patient_cents() ||
      range.high_cents() < e.totals().patient_cents()) {
    Finding("the range does not hold the patient's figure", range.ShortDebugString());
  }
  if (range.low_cents() == range.high_cents() &&
      range.low_assumptions_size() + range.high_assumptions_size() > 0) {
    Finding("a range with equal ends lists assumptions", range.ShortDebugString());
  }
  for (const v1::Notice& n : e.notices()) {
    if (n.about_if_approved() != absl::StartsWith(n.message(), "If approved: ")) {
      Finding("an if-approved notice is not marked as such", n.ShortDebugString());
    }
  }
  if (e.has_readiness()) CheckReadiness(e.readiness());
}

void CheckReadiness(const v1::ReadinessAssessment& a) {
  if (a.coverage() == v1::COVERAGE_REQUIREMENT_UNSPECIFIED ||
      a.prior_auth() == v1::PRIOR_AUTH_READINESS_UNSPECIFIED ||
      a.documentation_needed() == v1::DOCUMENTATION_NEEDED_UNSPECIFIED) {
    Finding("a readiness verdict is left unspecified", a.ShortDebugString());
  }
  for (const auto& c : a.criteria()) CheckCriterion(c);
  for (const std::string& violation : CrdInvariantViolations(a)) {
    Finding("a readiness answer breaks a Da Vinci CRD invariant: " + violation, a.crd().ShortDebugString());
  }
  // The request packet: only where prior authorization is needed, a letter only for a ready patient,
  // every unmet criterion saying its gap, no count of units below the sessions they are billed on.
  const bool needs_auth = a.prior_auth() == v1::PRIOR_AUTH_READINESS_READY ||
                          a.prior_auth() == v1::PRIOR_AUTH_READINESS_NOT_READY ||
                          a.prior_auth() == v1::PRIOR_AUTH_READINESS_INFO_NEEDED;
  if (a.has_request_packet() && !needs_auth) {
    Finding("a request packet where no prior authorization is needed", a.summary());
  }
  if (!a.request_packet().draft_letter().empty() && a.prior_auth() != v1::PRIOR_AUTH_READINESS_READY) {
    Finding("a letter of medical necessity for a patient who is not ready", a.summary());
  }
  for (const v1::RequestedService& s : a.request_packet().services()) {
    if (s.units() < s.sessions() || s.sessions() > a.request_packet().sessions() || s.sessions() <= 0) {
      Finding("a requested code's units or sessions do not add up", s.ShortDebugString());
    }
  }
  for (const v1::ChecklistItem& item : a.checklist()) {
    if (item.item().empty()) Finding("a checklist item that says nothing", item.ShortDebugString());
  }
}

void CheckWire(const google::protobuf::Message& answer) {
  std::string bytes;
  if (!answer.SerializeToString(&bytes)) Finding("an answer does not serialize");
  std::unique_ptr<google::protobuf::Message> received(answer.New());
  if (!received->ParseFromString(bytes)) {
    Finding("an answer does not parse at the client (invalid UTF-8 in a string?)",
            answer.ShortDebugString());
  }
}

}  // namespace estimator
