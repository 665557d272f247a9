// The wording of a plan's prior-authorization criteria, made from the rule files alone: what each
// typed criterion requires ("PHQ-9 of at least 15 within the last 30 days required") and what to
// obtain when it is not met ("PHQ-9 score of at least 15 dated within the last 30 days"). A
// RuleSet words every criterion of every plan once, when it is compiled (PlanVersion::
// criterion_words); readiness checks start each explanation with the requirement and take the
// checklist items from there, rather than writing the same sentences on every call.
#ifndef ESTIMATOR_RULES_CRITERIA_WORDS_H_
#define ESTIMATOR_RULES_CRITERIA_WORDS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "estimator/v1/rules.pb.h"

namespace estimator {

struct CriterionWords {
  std::string requirement;     // RequirementOf
  std::string checklist_item;  // ChecklistItemFor
  std::string name;            // NameOf
  std::vector<std::string> supporting_documents;  // SupportingDocumentsFor
};

// By the criterion's address inside the RuleSet's plan messages (which never move once compiled).
using CriterionWordsMap = absl::flat_hash_map<const v1::Criterion*, CriterionWords>;

// Words `criterion` and everything under it (all_of, any_of, not) into `out`.
void AddCriterionWords(const v1::Criterion& criterion, v1::Treatment treatment,
                       CriterionWordsMap& out);

// What to obtain when a typed criterion is not met: the rule file's checklist_item, or a sentence
// made from the check, e.g. "PHQ-9 score of at least 15 dated within the last 30 days".
std::string ChecklistItemFor(const v1::Criterion& criterion, v1::Treatment treatment);

// What a typed criterion requires, in the words its explanations start with, e.g. "PHQ-9 of at
// least 15 within the last 30 days required" or "age 18 or older required". Composites: "".
std::string RequirementOf(const v1::Criterion& criterion, v1::Treatment treatment);

// The criterion in words for people, never its id: a typed check's requirement without
// "required" ("Age 15 or older"), a composite's policy-section title ("Failure of antidepressant
// trials in the current episode"), or "All of the following" / "Any one of the following".
std::string NameOf(const v1::Criterion& criterion, v1::Treatment treatment);

// The chart documents that support a typed criterion in a prior-authorization request: the rule
// file's supporting_documents, or the usual ones for its kind of check. Composites: none.
std::vector<std::string> SupportingDocumentsFor(const v1::Criterion& criterion,
                                                v1::Treatment treatment);

// The severity instrument's name ("PHQ-9"), or "unknown instrument".
absl::string_view InstrumentOf(const v1::SeverityCriterion& c);

}  // namespace estimator

#endif  // ESTIMATOR_RULES_CRITERIA_WORDS_H_
