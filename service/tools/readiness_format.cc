// Readiness assessments as plain text for the `estimator` client; see readiness_format.h.
#include "service/tools/readiness_format.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "service/tools/table_format.h"

namespace estimator {
namespace {

// The widest status word ("NOT MET", "MISSING") and the gap after it: where a criterion's text
// starts, so that its evidence lines up under it.
constexpr size_t kStatusWidth = 7;
const std::string kUnderText(kStatusWidth + 2, ' ');

// all_of / any_of / not read as words after the id; leaf kinds are named well enough by the id.
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
                         size_t width, absl::string_view indent) {
  std::string out;
  for (const v1::CriterionResult& criterion : criteria) {
    std::string word = CriterionStatusWord(criterion.status());
    word.resize(std::max(word.size(), kStatusWidth), ' ');
    std::string head = absl::StrCat(criterion.id(), CompositeKind(criterion.kind()));
    if (!criterion.explanation().empty()) {
      absl::StrAppend(&head, head.empty() ? "" : ": ", criterion.explanation());
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
    absl::StrAppend(&out, CriteriaTree(criterion.children(), width, absl::StrCat(indent, "  ")));
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
      absl::StrAppend(&text, "(any one of ",
                      item.alternatives_of().empty() ? "these" : item.alternatives_of(), ") ");
    }
    absl::StrAppend(&text, item.item().empty() ? "-" : item.item());
    if (!item.criterion_id().empty()) {
      absl::StrAppend(&text, " (for ", item.criterion_id(), ", ",
                      CriterionStatusWord(item.criterion_status()), ")");
    }
    const std::string first = absl::StrCat(indent, ++number, ". ");
    out += WrapText(text, width, first, std::string(DisplayWidth(first), ' '));
  }
  return out;
}

}  // namespace estimator
