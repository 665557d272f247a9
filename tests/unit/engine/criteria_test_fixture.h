// The fixture of the criteria tests (criteria_evaluation_test.cc, criteria_trials_test.cc):
// criteria and documentation written in protobuf text format, as in the rule files and requests,
// judged with the bundled drug catalog on kToday.
#ifndef ESTIMATOR_TESTS_UNIT_ENGINE_CRITERIA_TEST_FIXTURE_H_
#define ESTIMATOR_TESTS_UNIT_ENGINE_CRITERIA_TEST_FIXTURE_H_

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "service/engine/criteria_evaluation.h"
#include "service/engine/request_validation.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace testing_criteria {

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr v1::CriterionStatus kMet = v1::CRITERION_STATUS_MET;
constexpr v1::CriterionStatus kNotMet = v1::CRITERION_STATUS_NOT_MET;
constexpr v1::CriterionStatus kMissing = v1::CRITERION_STATUS_MISSING_INFORMATION;

template <typename Message>
Message FromText(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

class CriteriaTest : public ::testing::Test {
 protected:
  // Judges `criterion` against `documentation` (both text format). The documentation passes request
  // validation first, as it does in the service, unless `validate_` is cleared.
  v1::CriterionResult Judge(const std::string& criterion, const std::string& documentation,
                            v1::Treatment treatment = v1::TREATMENT_TMS,
                            absl::CivilDay as_of = kToday) {
    doc_ = FromText<v1::PatientDocumentation>(documentation);
    if (validate_) {
      const absl::Status valid = ValidateDocumentation(doc_, "documentation", as_of);
      EXPECT_TRUE(valid.ok()) << valid;
    }
    notices_.clear();
    const DocumentedFacts facts =
        DigestDocumentation(BundledRules(), doc_, treatment, as_of, &notices_);
    return EvaluateCriterion(FromText<v1::Criterion>(criterion), facts);
  }

  bool validate_ = true;
  v1::PatientDocumentation doc_;  // the facts point into it
  std::vector<v1::Notice> notices_;
};

// `section { element { e1 } element { e2 } ... }` in text format, one element per entry.
inline std::string Section(absl::string_view section, absl::string_view element,
                    std::initializer_list<std::string> entries) {
  std::string text = absl::StrCat(section, " {");
  for (const auto& e : entries) absl::StrAppend(&text, " ", element, " { ", e, " }");
  return text + " }";
}

// `antidepressant_history { trials { ... } ... }`, one trial per entry.
inline std::string Trials(std::initializer_list<std::string> trials) {
  return Section("antidepressant_history", "trials", trials);
}

// Two failed trials from two classes, 6 weeks at a therapeutic dose (used by the composites too).
inline constexpr char kTwoClasses[] = R"pb(
  id: "two_classes"
  policy_section: "Test policy 2.1"
  failed_antidepressant_trials {
    min_trials: 2
    min_distinct_classes: 2
    min_weeks: 6
    adequate_dose_required: true
  })pb";

// A failed CBT or IPT trial of 6 weeks.
inline constexpr char kTherapy[] = R"pb(
  id: "therapy"
  policy_section: "Test policy 3"
  psychotherapy_trial {
    min_weeks: 6
    accepted_kinds: PSYCHOTHERAPY_KIND_CBT
    accepted_kinds: PSYCHOTHERAPY_KIND_IPT
  })pb";

}  // namespace testing_criteria
}  // namespace estimator

#endif  // ESTIMATOR_TESTS_UNIT_ENGINE_CRITERIA_TEST_FIXTURE_H_
