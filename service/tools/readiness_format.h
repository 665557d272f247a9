// Plain-text rendering of a prior-authorization readiness assessment for the `estimator` client:
// the words for its enums, the criteria tree, the checklist and the one-line status shown under a
// quote. Everything returns text (wrapped to `width` columns, each line ending with a newline), so
// the client decides where it goes.
//
//   std::cout << CriteriaTree(assessment.criteria(), 100, "  ");
//
// prints
//
//   NOT MET  tms_medical_necessity (all of): One criterion is not met.
//     MET      adult: 18 or older.
//              evidence: age 42
//     NOT MET  two_failed_trials: 2 failed trials from 2 classes required; found 1.
//              evidence: sertraline 150 mg, 8 weeks, no response
//              policy: Clinical Policy Bulletin 0469, section I.A.2
//
// and Checklist(assessment.checklist(), 100, "  ")
//
//   1. [clinical] A second antidepressant trial from another class (for two_failed_trials, NOT MET)
//   2. [admin] Prior authorization request form
#ifndef ESTIMATOR_TOOLS_READINESS_FORMAT_H_
#define ESTIMATOR_TOOLS_READINESS_FORMAT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "estimator/v1/readiness.pb.h"

namespace estimator {

// Words for the assessment's enums; an unknown value from a newer server prints as a number.
std::string CoverageRequirementName(int coverage);
std::string PriorAuthReadinessName(int prior_auth);
std::string DocumentationNeededName(int documentation_needed);
// MET, NOT MET or MISSING: one word (or two) that stands out at the start of a line.
std::string CriterionStatusWord(int status);

// "Not ready (auth-needed)": a word with its Da Vinci CRD code, when there is one.
std::string WithCrdCode(absl::string_view words, absl::string_view crd_code);

// Where prior auth stands, in one line for an estimate that carries an assessment, e.g.
// "not ready - 2 items to obtain (see `estimator readiness`)".
std::string PriorAuthStatusLine(const v1::ReadinessAssessment& assessment);

// Each criterion on its own line (status word, name in words, explanation), its evidence and
// policy section under it, and the children of all_of / any_of / not indented one step further.
// The alternatives of an any_of that is met show "n/a" rather than a status that no longer
// matters (`alternative_met` is for the recursion).
std::string CriteriaTree(const google::protobuf::RepeatedPtrField<v1::CriterionResult>& criteria,
                         size_t width, absl::string_view indent, bool alternative_met = false);

// The prior-authorization request packet as text: the codes and units, the approval period and
// renewal, where to submit and by when, the documents per criterion, and the draft letter.
std::string RequestPacketText(const v1::PriorAuthRequestPacket& packet, size_t width,
                              absl::string_view indent);

// The numbered list of what to obtain, each item marked [clinical] or [admin], and "(any one of)"
// where one of a group of alternatives is enough.
std::string Checklist(const google::protobuf::RepeatedPtrField<v1::ChecklistItem>& items,
                      size_t width, absl::string_view indent);

}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_READINESS_FORMAT_H_
