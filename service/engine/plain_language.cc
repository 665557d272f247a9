#include "service/engine/plain_language.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/common/money.h"

namespace estimator {

std::string SessionRanges(const std::vector<int>& n) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < n.size();) {
    size_t j = i;
    while (j + 1 < n.size() && n[j + 1] == n[j] + 1) ++j;
    parts.push_back(i == j ? absl::StrCat(n[i]) : absl::StrCat(n[i], "-", n[j]));
    i = j + 1;
  }
  return absl::StrCat(n.size() == 1 ? "session " : "sessions ", absl::StrJoin(parts, ", "));
}

namespace {

std::string PayerWord(const v1::CourseEstimate& e) {
  return e.coverage().payer_name().empty() ? "your plan" : e.coverage().payer_name();
}

}  // namespace

std::string RangeSentence(const v1::PatientRange& r) {
  if (r.low_cents() == r.high_cents()) return "";
  auto because = [](const google::protobuf::RepeatedPtrField<std::string>& words) {
    return words.empty() ? std::string()
                         : absl::StrCat(" (if ", absl::StrJoin(words, ", and "), ")");
  };
  return absl::StrCat(" Depending on what is not yet known, it could be as little as ",
                      FormatMoney(Money::Cents(r.low_cents())), because(r.low_assumptions()),
                      " or as much as ", FormatMoney(Money::Cents(r.high_cents())),
                      because(r.high_assumptions()), ".");
}

std::string PatientSummary(const v1::CourseEstimate& e, const SummaryFacts& facts) {
  const v1::Totals& t = e.totals();
  const std::string& first = facts.first_session;
  const std::string& last = facts.last_session;
  int maintenance = 0;
  for (const auto& phase : e.phase_totals()) {
    if (phase.phase() == v1::PHASE_MAINTENANCE) maintenance = phase.totals().sessions_scheduled();
  }
  std::string s = absl::StrCat(TreatmentName(e.treatment()), " at ", e.clinic_name(), ": ",
                               t.sessions_scheduled(), " sessions from ", first, " to ", last);
  if (maintenance > 0) absl::StrAppend(&s, " (", maintenance, " of them maintenance)");
  absl::StrAppend(&s, ". ");

  switch (e.coverage().status()) {
    case v1::COVERAGE_STATUS_SELF_PAY:
      absl::StrAppend(&s, "You are paying without insurance, so you would pay the clinic's "
                          "self-pay price: ", FormatMoney(Money::Cents(t.patient_cents())),
                      " in total. You have the right to a written Good Faith Estimate.");
      return s;
    case v1::COVERAGE_STATUS_NOT_COVERED:
      absl::StrAppend(&s, e.coverage().explanation(), " You would pay the clinic's self-pay price: ",
                      FormatMoney(Money::Cents(t.patient_cents())), " in total.");
      return s;
    case v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH:
      absl::StrAppend(&s, PayerWord(e), " covers it once it approves a prior authorization; "
                                        "this estimate assumes it is approved. ");
      break;
    case v1::COVERAGE_STATUS_CRITERIA_NOT_MET:
      absl::StrAppend(&s, PayerWord(e), " covers it only when its criteria are met, and your "
                      "records do not show that yet, so this estimate uses the clinic's self-pay "
                      "price: ", FormatMoney(Money::Cents(t.patient_cents())), " in total. ",
                      facts.prior_auth_required
                          ? absl::StrCat("If ", PayerWord(e), " approves it")
                          : absl::StrCat("Once your records show ", PayerWord(e),
                                         "'s criteria are met"),
                      ", you would pay about ",
                      FormatMoney(Money::Cents(e.if_approved().patient_cents())), ".",
                      RangeSentence(e.patient_range()));
      return s;
    default:
      absl::StrAppend(&s, PayerWord(e), " covers it. ");
      break;
  }
  absl::StrAppend(&s, "You would pay about ", FormatMoney(Money::Cents(t.patient_cents())),
                  " and ", PayerWord(e), " about ", FormatMoney(Money::Cents(t.payer_cents())),
                  ".", RangeSentence(e.patient_range()));
  const int uncovered = t.sessions_scheduled() - t.sessions_covered();
  if (uncovered > 0) {
    absl::StrAppend(&s, " ", uncovered, uncovered == 1 ? " session is" : " sessions are",
                    " not covered and cost ", FormatMoney(Money::Cents(t.not_covered_cents())),
                    " at the clinic's self-pay price; that is included.");
  }
  if (t.balance_billed_cents() > 0) {
    absl::StrAppend(&s, " Because the clinic is out of network, ",
                    FormatMoney(Money::Cents(t.balance_billed_cents())),
                    " of that is the clinic's charge above what the plan allows.");
  }
  if (!facts.new_plan_year.empty() && !facts.new_plan_year_resets.empty()) {
    absl::StrAppend(&s, " The course runs into a new plan year on ", facts.new_plan_year,
                    ", when your ", facts.new_plan_year_resets,
                    facts.new_plan_year_resets.find(" and ") == std::string::npos ? " starts"
                                                                                 : " start",
                    " over.");
  }
  absl::StrAppend(&s, " This is an estimate, not a bill: see the assumptions listed with it.");
  return s;
}

std::string ComparisonSummary(const std::vector<const v1::CourseEstimate*>& estimates) {
  if (estimates.empty()) return "No treatments to compare.";
  std::vector<std::string> parts;
  const v1::CourseEstimate* cheapest = estimates.front();
  for (const v1::CourseEstimate* e : estimates) {
    std::string status;
    switch (e->coverage().status()) {
      case v1::COVERAGE_STATUS_COVERED: status = "covered"; break;
      case v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH: status = "covered with prior authorization"; break;
      case v1::COVERAGE_STATUS_NOT_COVERED: status = "not covered, self-pay price"; break;
      case v1::COVERAGE_STATUS_CRITERIA_NOT_MET:
        status = absl::StrCat("prior auth not ready, self-pay price; if approved ",
                              FormatMoney(Money::Cents(e->if_approved().patient_cents())));
        break;
      default: status = "self-pay"; break;
    }
    const v1::PatientRange& range = e->patient_range();
    const std::string between =
        range.low_cents() == range.high_cents()
            ? std::string()
            : absl::StrCat(", between ", FormatMoney(Money::Cents(range.low_cents())), " and ",
                           FormatMoney(Money::Cents(range.high_cents())), " depending on what "
                           "is not yet known");
    parts.push_back(absl::StrCat(TreatmentName(e->treatment()), ": patient pays ",
                                 FormatMoney(Money::Cents(e->totals().patient_cents())), " for ",
                                 e->totals().sessions_scheduled(), " sessions (", status, between,
                                 ")"));
    if (e->totals().patient_cents() < cheapest->totals().patient_cents()) cheapest = e;
  }
  std::string s = absl::StrCat(absl::StrJoin(parts, "; "), ".");
  if (estimates.size() > 1) {
    absl::StrAppend(&s, " Lowest out-of-pocket: ", TreatmentName(cheapest->treatment()),
                    ". Courses differ in length and maintenance; compare the sessions too.");
  }
  return s;
}

}  // namespace estimator
