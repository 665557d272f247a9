// Words shared by the criteria's wording (rules/criteria_words.cc) and their checks
// (engine/criteria_*.cc): counts, articles, lists joined as people write them, and writing a leaf's
// verdict in place.
#ifndef ESTIMATOR_RULES_CRITERIA_TEXT_H_
#define ESTIMATOR_RULES_CRITERIA_TEXT_H_

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "estimator/v1/readiness.pb.h"
#include "service/rules/clinical_vocabulary.h"

namespace estimator {
namespace criteria_text {

using Status = v1::CriterionStatus;
constexpr Status kMet = v1::CRITERION_STATUS_MET;
constexpr Status kNotMet = v1::CRITERION_STATUS_NOT_MET;
constexpr Status kMissing = v1::CRITERION_STATUS_MISSING_INFORMATION;

inline std::string Count(int n, absl::string_view one, absl::string_view many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

inline std::string Weeks(int n) { return Count(n, "week", "weeks"); }

// "an SSRI", "an MAOI", "a TCA", "a mood stabilizer": "an" before a vowel sound, counting the
// upper-case letters of an acronym as spelled out.
inline std::string WithArticle(const std::string& noun) {
  const bool vowel = !noun.empty() && std::string("aeiouAEIOUFHLMNRSX").find(noun[0]) != std::string::npos;
  return absl::StrCat(vowel ? "an " : "a ", noun);
}

// The words for list items, as `name` arguments of the Append functions below.
inline absl::string_view Verbatim(absl::string_view s) { return s; }
inline std::string ContraindicationOf(int c) {
  return ContraindicationName(static_cast<v1::Contraindication>(c));
}
inline std::string SpecialtyOf(int s) { return SpecialtyName(static_cast<v1::PrescriberSpecialty>(s)); }
inline std::string PsychotherapyKindOf(int k) {
  return PsychotherapyKindName(static_cast<v1::PsychotherapyKind>(k));
}

// Appends name(item) of each of `items`, joined by `separator`. The explanations are written
// straight into their one string: building a vector of words first and joining it was a good part
// of every check's cost.
template <typename Items, typename Name>
void AppendJoined(const Items& items, Name name, absl::string_view separator, std::string& out) {
  for (int i = 0; i < static_cast<int>(items.size()); ++i) {
    absl::StrAppend(&out, i > 0 ? separator : "", name(items[i]));
  }
}

// Appends "a", "a or b", "a, b or c" (`last_joiner` "or" or "and"), as AppendJoined.
template <typename Items, typename Name>
void AppendAlternatives(const Items& items, Name name, absl::string_view last_joiner,
                        std::string& out) {
  const int n = static_cast<int>(items.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && i == n - 1) {
      absl::StrAppend(&out, " ", last_joiner, " ");
    } else if (i > 0) {
      out += ", ";
    }
    absl::StrAppend(&out, name(items[i]));
  }
}

// Explanations and evidence are built by appending to one string: a check's requirement, then
// what the documentation shows. Most are under 256 characters; reserving that much up front makes
// each string one allocation rather than a series of doublings.
inline std::string NewText() {
  std::string text;
  text.reserve(256);
  return text;
}

// Leaves write their verdict into the result node in place (it may live on an arena).
inline void Set(v1::CriterionResult& r, Status status, std::string explanation) {
  r.set_status(status);
  r.set_explanation(std::move(explanation));
}

}  // namespace criteria_text
}  // namespace estimator

#endif  // ESTIMATOR_RULES_CRITERIA_TEXT_H_
