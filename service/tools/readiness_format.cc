// Readiness assessments as plain text for the `estimator` client; see readiness_format.h.
#include "service/tools/readiness_format.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "service/tools/table_format.h"

namespace estimator {
namespace {

// The widest status word ("NOT MET", "MISSING") and the gap after it: where a criterion's text
// starts, so that its evidence lines up under it. "n/a" marks an alternative that no longer
// matters because another alternative of its any_of is met.
constexpr size_t kStatusWidth = 7;
const std::string kUnderText(kStatusWidth + 2, ' ');

// all_of / any_of / not read as words after the name; a leaf's name says what it checks.
std::string CompositeKind(absl::string_view kind) {
  if (kind == "all_of") return " (all of)";
  if (kind == "any_of") return " (any of)";
  if (kind == "not") return " (not)";
  return "";
}

// "label: text" under a criterion, continuation lines under the text.
std::string Detail(absl::string_view label, absl::string_view text, size_t width,
                   absl::string_view indent) {
  const std::string first = absl::StrCat(indent, kUnderText, label, ": ");
  return WrapText(text, width, first, std::string(first.size(), ' '));
}

std::string Items(int count) { return absl::StrCat(count, count == 1 ? " item" : " items"); }

}  // namespace

std::string CoverageRequirementName(int coverage) {
  switch (coverage) {
    case v1::COVERAGE_REQUIREMENT_COVERED: return "Covered";
    case v1::COVERAGE_REQUIREMENT_NOT_COVERED: return "Not covered";
    case v1::COVERAGE_REQUIREMENT_CONDITIONAL:
      return "Conditional: covered once the criteria are shown to be met";
    case v1::COVERAGE_REQUIREMENT_CRITERIA_NOT_MET:
      return "Covered by the plan, but a criterion is not met as documented";
    case v1::COVERAGE_REQUIREMENT_UNSPECIFIED: return "Unknown";
  }
  return absl::StrCat("coverage ", coverage);
}

std::string PriorAuthReadinessName(int prior_auth) {
  switch (prior_auth) {
    case v1::PRIOR_AUTH_READINESS_NOT_NEEDED: return "Not needed";
    case v1::PRIOR_AUTH_READINESS_READY: return "Ready to submit";
    case v1::PRIOR_AUTH_READINESS_NOT_READY: return "Not ready";
    case v1::PRIOR_AUTH_READINESS_INFO_NEEDED: return "Information needed";
    case v1::PRIOR_AUTH_READINESS_UNSPECIFIED: return "Unknown";
  }
  return absl::StrCat("prior auth ", prior_auth);
}

std::string DocumentationNeededName(int documentation_needed) {
  switch (documentation_needed) {
    case v1::DOCUMENTATION_NEEDED_NONE: return "None";
    case v1::DOCUMENTATION_NEEDED_CLINICAL: return "Clinical";
    case v1::DOCUMENTATION_NEEDED_ADMIN: return "Administrative";
    case v1::DOCUMENTATION_NEEDED_BOTH: return "Clinical and administrative";
    case v1::DOCUMENTATION_NEEDED_UNSPECIFIED: return "Unknown";
  }
  return absl::StrCat("documentation ", documentation_needed);
}

std::string CriterionStatusWord(int status) {
  switch (status) {
    case v1::CRITERION_STATUS_MET: return "MET";
    case v1::CRITERION_STATUS_NOT_MET: return "NOT MET";
    case v1::CRITERION_STATUS_MISSING_INFORMATION: return "MISSING";
    case v1::CRITERION_STATUS_UNSPECIFIED: return "?";
  }
  return absl::StrCat(status);
}

std::string WithCrdCode(absl::string_view words, absl::string_view crd_code) {
  if (crd_code.empty()) return std::string(words);
  return absl::StrCat(words, " (", crd_code, ")");
}

std::string PriorAuthStatusLine(const v1::ReadinessAssessment& assessment) {
  std::string line = absl::AsciiStrToLower(PriorAuthReadinessName(assessment.prior_auth()));
  // Alternatives of one any_of are one thing to obtain.
  std::set<std::string> groups;
  int items = 0;
  for (const v1::ChecklistItem& item : assessment.checklist()) {
    if (item.alternatives_of().empty() || groups.insert(item.alternatives_of()).second) ++items;
  }
  switch (assessment.prior_auth()) {
    case v1::PRIOR_AUTH_READINESS_NOT_READY:
    case v1::PRIOR_AUTH_READINESS_INFO_NEEDED:
      absl::StrAppend(&line, " - ", Items(items), " to obtain");
      break;
    case v1::PRIOR_AUTH_READINESS_READY:
      // The plan's administrative documents are listed even when every criterion is met.
      if (items > 0) absl::StrAppend(&line, " - ", Items(items), " to include");
      break;
    default: return line;
  }
  return absl::StrCat(line, " (see `estimator readiness`)");
}

std::string CriteriaTree(const google::protobuf::RepeatedPtrField<v1::CriterionResult>& criteria,
                         size_t width, absl::string_view indent, bool alternative_met) {
  std::string out;
  for (const v1::CriterionResult& criterion : criteria) {
    const bool not_needed = alternative_met && criterion.status() != v1::CRITERION_STATUS_MET;
    std::string word = not_needed ? "n/a" : CriterionStatusWord(criterion.status());
    word.resize(std::max(word.size(), kStatusWidth), ' ');
    // A check's explanation starts with its requirement in words, which is its name: it stands
    // alone. A composite shows its name (an older server sends none: then its id).
    std::string head;
    if (criterion.children_size() == 0 && !criterion.name().empty() &&
        !criterion.explanation().empty()) {
      head = criterion.explanation();
      head[0] = absl::ascii_toupper(static_cast<unsigned char>(head[0]));
    } else {
      head = absl::StrCat(criterion.name().empty() ? criterion.id() : criterion.name(),
                          CompositeKind(criterion.kind()));
      if (!criterion.explanation().empty()) {
        absl::StrAppend(&head, head.empty() ? "" : ": ", criterion.explanation());
      }
    }
    absl::StrAppend(&out,
                    WrapText(head.empty() ? "-" : head, width, absl::StrCat(indent, word, "  "),
                             absl::StrCat(indent, kUnderText)));
    for (const std::string& evidence : criterion.evidence()) {
      absl::StrAppend(&out, Detail("evidence", evidence, width, indent));
    }
    if (!criterion.policy_section().empty()) {
      absl::StrAppend(&out, Detail("policy", criterion.policy_section(), width, indent));
    }
    const bool met_any_of =
        criterion.kind() == "any_of" && criterion.status() == v1::CRITERION_STATUS_MET;
    absl::StrAppend(&out, CriteriaTree(criterion.children(), width, absl::StrCat(indent, "  "),
                                       not_needed || met_any_of));
  }
  return out;
}

std::string Checklist(const google::protobuf::RepeatedPtrField<v1::ChecklistItem>& items,
                      size_t width, absl::string_view indent) {
  std::string out;
  int number = 0;
  for (const v1::ChecklistItem& item : items) {
    std::string text;
    switch (item.kind()) {
      case v1::DOCUMENTATION_KIND_CLINICAL: text = "[clinical] "; break;
      case v1::DOCUMENTATION_KIND_ADMIN: text = "[admin] "; break;
      default: break;
    }
    if (item.one_of_alternatives()) {
      const std::string& group =
          !item.alternatives_name().empty() ? item.alternatives_name() : item.alternatives_of();
      absl::StrAppend(&text, "(any one of ", group.empty() ? "these" : group, ") ");
    }
    absl::StrAppend(&text, item.item().empty() ? "-" : item.item());
    if (!item.criterion_id().empty()) {
      absl::StrAppend(&text, " (",
                      item.criterion_status() == v1::CRITERION_STATUS_NOT_MET ? "not met"
                                                                              : "information missing",
                      ")");
    }
    const std::string first = absl::StrCat(indent, ++number, ". ");
    out += WrapText(text, width, first, std::string(DisplayWidth(first), ' '));
  }
  return out;
}

std::string RequestPacketText(const v1::PriorAuthRequestPacket& p, size_t width,
                              absl::string_view indent) {
  std::string out;
  const std::string under = absl::StrCat(indent, "  ");
  auto line = [&](absl::string_view label, absl::string_view text) {
    if (text.empty()) return;
    const std::string first = absl::StrCat(indent, label, ": ");
    out += WrapText(text, width, first, std::string(DisplayWidth(first), ' '));
  };
  std::string codes;
  for (const v1::RequestedService& s : p.services()) {
    absl::StrAppend(&codes, codes.empty() ? "" : "; ", s.code(), " x ", s.units(), " (",
                    s.description(), ")");
  }
  line("Request", codes);
  if (p.sessions() > 0) {
    line("Sessions", absl::StrCat(p.sessions(), " from ", p.first_day(), " (", p.schedule_name(), ")"));
  }
  line("Approval", absl::StrCat(p.approval_period(), "; renew by ", p.reauthorization_date()));
  for (const std::string& r : p.renewal_requirements()) line("Renewal needs", r);
  for (const v1::SubmissionRoute& r : p.routes()) {
    std::string text = absl::StrCat(r.method(), ": ", r.name());
    if (!r.address().empty()) absl::StrAppend(&text, ", ", r.address());
    if (!r.form().empty()) absl::StrAppend(&text, " (form: ", r.form(), ")");
    line("Submit", text);
  }
  if (p.standard_decision_days() > 0 || p.expedited_decision_hours() > 0) {
    std::string text;
    if (p.standard_decision_days() > 0) {
      absl::StrAppend(&text, "standard decision within ", p.standard_decision_days(), " days");
    }
    if (p.expedited_decision_hours() > 0) {
      absl::StrAppend(&text, text.empty() ? "" : ", ", "expedited within ",
                      p.expedited_decision_hours(), " hours");
    }
    absl::StrAppend(&text, " (", p.turnaround_source(), ")");
    if (!p.submit_by().empty()) absl::StrAppend(&text, "; submit by ", p.submit_by());
    line("Turnaround", text);
  }
  for (const v1::SupportingDocuments& d : p.supporting_documents()) {
    for (const std::string& doc : d.documents()) {
      line("Enclose", absl::StrCat(doc, " (", d.criterion_name(), ")"));
    }
  }
  for (const std::string& note : p.notes()) line("Note", note);
  if (!p.draft_letter().empty()) {
    out += absl::StrCat(indent, "Draft letter of medical necessity:\n");
    for (absl::string_view l : absl::StrSplit(p.draft_letter(), '\n')) {
      out += l.empty() ? "\n" : WrapText(l, width, under, under);
    }
  }
  return out;
}

}  // namespace estimator
