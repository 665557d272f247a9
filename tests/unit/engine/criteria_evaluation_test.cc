// Each typed criterion but the trials (criteria_trials_test.cc) and each composite judged against a
// patient's documentation: met, not met, missing information, and the edges of every threshold.
// Criteria and documentation are written in protobuf text format, as in the rule files and
// requests, and judged with the bundled drug catalog (payer_rules/catalogs/antidepressants.textproto)
// on kToday, 2026-11-20.
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/engine/criteria_test_fixture.h"

namespace estimator {
namespace testing_criteria {
namespace {

// ---- severity -----------------------------------------------------------------------------------

constexpr char kPhq9[] = R"pb(
  id: "phq9"
  policy_section: "Test policy 4"
  severity { instrument: SEVERITY_INSTRUMENT_PHQ9 min_score: 15 max_age_days: 30 })pb";
constexpr char kPhq9Text[] = "PHQ-9 of at least 15 within the last 30 days required";

TEST_F(CriteriaTest, SeverityScoreExactlyAtThresholdAndExactlyMaxAgeIsMet) {
  // 2026-10-21 is 30 days before 2026-11-20.
  const auto r = Judge(kPhq9, R"pb(
    severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 15 date: "2026-10-21" })pb");
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.kind(), "severity");
  EXPECT_EQ(r.explanation(),
            std::string(kPhq9Text) + "; latest is PHQ-9 15 on 2026-10-21 (30 days old)");
  EXPECT_THAT(r.evidence(), ElementsAre("severity_scores[0]: PHQ-9 15 on 2026-10-21"));
}

TEST_F(CriteriaTest, SeverityScoreOneBelowThresholdIsNotMet) {
  const auto r = Judge(kPhq9, R"pb(
    severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 14 date: "2026-11-19" })pb");
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(),
            std::string(kPhq9Text) + "; latest is PHQ-9 14 on 2026-11-19 (1 day old), below 15");
}

TEST_F(CriteriaTest, SeverityScoreOneDayTooOldIsMissingInformation) {
  const auto r = Judge(kPhq9, R"pb(
    severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 22 date: "2026-10-20" })pb");
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(), std::string(kPhq9Text) +
                                 "; the latest, PHQ-9 22 on 2026-10-20 (31 days old), is too old: "
                                 "obtain a new score");
  EXPECT_THAT(r.evidence(), ElementsAre("severity_scores[0]: PHQ-9 22 on 2026-10-20"));
}

TEST_F(CriteriaTest, SeverityWithoutAScoreOnThatInstrumentIsMissingInformation) {
  const auto r = Judge(kPhq9, R"pb(
    severity_scores { instrument: SEVERITY_INSTRUMENT_HAMD17 score: 30 date: "2026-11-19" })pb");
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(), std::string(kPhq9Text) + "; no PHQ-9 score documented");
  EXPECT_TRUE(r.evidence().empty());
}

TEST_F(CriteriaTest, SeverityLatestScoreOfTheInstrumentWinsWhateverTheOrder) {
  // A high score a month ago, a low one last week: the latest decides.
  auto r = Judge(kPhq9, R"pb(
    severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 12 date: "2026-11-13" }
    severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 21 date: "2026-10-25" }
    severity_scores { instrument: SEVERITY_INSTRUMENT_HAMD17 score: 30 date: "2026-11-19" })pb");
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_THAT(r.evidence(), ElementsAre("severity_scores[0]: PHQ-9 12 on 2026-11-13"));

  r = Judge(kPhq9, R"pb(
    severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 12 date: "2026-10-25" }
    severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 21 date: "2026-11-13" })pb");
  EXPECT_EQ(r.status(), kMet);
  EXPECT_THAT(r.evidence(), ElementsAre("severity_scores[1]: PHQ-9 21 on 2026-11-13"));
}

// ---- diagnosis ----------------------------------------------------------------------------------

constexpr char kRecurrentMdd[] = R"pb(
  id: "recurrent_mdd"
  policy_section: "Test policy 5"
  diagnosis { icd10_codes: "F33" icd10_codes: "F32.2" })pb";

TEST_F(CriteriaTest, DiagnosisCategoryAcceptsItsSubCodes) {
  const auto r = Judge(kRecurrentMdd, R"pb(diagnosis_codes: "F41.1" diagnosis_codes: "F33.2")pb");
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.kind(), "diagnosis");
  EXPECT_EQ(r.explanation(), "diagnosis F33 or F32.2 required; documented F33.2");
  EXPECT_THAT(r.evidence(), ElementsAre("diagnosis_codes: F41.1, F33.2"));
}

TEST_F(CriteriaTest, DiagnosisNotListedIsNotMet) {
  const auto r = Judge(kRecurrentMdd, R"pb(diagnosis_codes: "F32.1" diagnosis_codes: "F41.1")pb");
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(),
            "diagnosis F33 or F32.2 required; documented F32.1 and F41.1, none of them accepted");
}

TEST_F(CriteriaTest, DiagnosisCategoryDoesNotAcceptACodeThatOnlyStartsTheSame) {
  // "F331" is not a valid code (request validation refuses it); the matcher must not take it
  // for a sub-code of F33 either.
  validate_ = false;
  const auto r = Judge(kRecurrentMdd, R"pb(diagnosis_codes: "F331")pb");
  EXPECT_EQ(r.status(), kNotMet);
}

TEST_F(CriteriaTest, DiagnosisNotDocumentedIsMissingInformation) {
  const auto r = Judge(kRecurrentMdd, "age_years: 40");
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(), "diagnosis F33 or F32.2 required; no diagnosis code documented");
}

// ---- age ----------------------------------------------------------------------------------------

constexpr char kAdultUnder65[] = R"pb(
  id: "age_18_65"
  policy_section: "Test policy 6"
  age { min_years: 18 max_years: 65 })pb";

TEST_F(CriteriaTest, AgeAtBothBoundsIsMet) {
  auto r = Judge(kAdultUnder65, "age_years: 18");
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.kind(), "age");
  EXPECT_EQ(r.explanation(), "age 18 to 65 required; patient is 18");
  EXPECT_THAT(r.evidence(), ElementsAre("age_years: 18"));
  r = Judge(kAdultUnder65, "age_years: 65");
  EXPECT_EQ(r.status(), kMet);
}

TEST_F(CriteriaTest, AgeOneYearOutsideEitherBoundIsNotMet) {
  auto r = Judge(kAdultUnder65, "age_years: 17");
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(), "age 18 to 65 required; patient is 17");
  r = Judge(kAdultUnder65, "age_years: 66");
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(), "age 18 to 65 required; patient is 66");
}

TEST_F(CriteriaTest, AgeWordingForOneBound) {
  auto r = Judge(R"pb(id: "adult"
                      policy_section: "P"
                      age { min_years: 18 })pb",
                 "age_years: 90");
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.explanation(), "age 18 or older required; patient is 90");
  r = Judge(R"pb(id: "young"
                 policy_section: "P"
                 age { max_years: 65 })pb",
            "age_years: 0");
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.explanation(), "age 65 or younger required; patient is 0");
}

TEST_F(CriteriaTest, AgeNotDocumentedIsMissingInformation) {
  const auto r = Judge(kAdultUnder65, R"pb(diagnosis_codes: "F33.2")pb");
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(), "age 18 to 65 required; age not documented");
}

// ---- contraindications --------------------------------------------------------------------------

constexpr char kNoSeizureOrImplant[] = R"pb(
  id: "safe_for_tms"
  policy_section: "Test policy 7"
  no_contraindication {
    contraindications: CONTRAINDICATION_SEIZURE_HISTORY
    contraindications: CONTRAINDICATION_METAL_IMPLANT_NEAR_HEAD
  })pb";
constexpr char kNoSeizureOrImplantText[] =
    "none of these allowed: seizure history, metal implant in or near the head";

TEST_F(CriteriaTest, NoContraindicationMetWhenTheScreeningFoundNoneOfThem) {
  auto r = Judge(kNoSeizureOrImplant, "contraindication_screening {}");
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.kind(), "no_contraindication");
  EXPECT_EQ(r.explanation(),
            std::string(kNoSeizureOrImplantText) + "; screening found none of them");
  EXPECT_THAT(r.evidence(), ElementsAre("contraindication_screening: none found"));

  // A condition this policy does not list does not matter here.
  r = Judge(kNoSeizureOrImplant,
            "contraindication_screening { present: CONTRAINDICATION_PREGNANCY }");
  EXPECT_EQ(r.status(), kMet);
  EXPECT_THAT(r.evidence(), ElementsAre("contraindication_screening: pregnancy"));
}

TEST_F(CriteriaTest, NoContraindicationNotMetWhenOneIsPresent) {
  const auto r = Judge(kNoSeizureOrImplant, R"pb(
    contraindication_screening {
      present: CONTRAINDICATION_PREGNANCY
      present: CONTRAINDICATION_SEIZURE_HISTORY
    })pb");
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(),
            std::string(kNoSeizureOrImplantText) + "; screening found seizure history");
  EXPECT_THAT(r.evidence(), ElementsAre("contraindication_screening: pregnancy, seizure history"));
}

TEST_F(CriteriaTest, NoContraindicationWithoutScreeningIsMissingInformation) {
  const auto r = Judge(kNoSeizureOrImplant, "age_years: 40");
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(),
            std::string(kNoSeizureOrImplantText) + "; no contraindication screening documented");
}

// ---- retreatment --------------------------------------------------------------------------------

constexpr char kRepeatCourse[] = R"pb(
  id: "repeat_course"
  policy_section: "Test policy 8"
  retreatment { min_improvement_percent: 50 min_months_since_last_course: 3 })pb";
constexpr char kRepeatCourseText[] =
    "for a repeat course: 50%+ improvement in the earlier course, 3 months since it ended required";
// `treatment_history` with these earlier courses.
std::string Courses(std::initializer_list<std::string> courses) {
  return Section("treatment_history", "courses", courses);
}

// An earlier TMS course that ended on `end_date`, with `improvement` percent (-1: not documented).
std::string Tms(const std::string& end_date, int improvement = -1) {
  return absl::StrCat("treatment: TREATMENT_TMS end_date: \"", end_date, "\"",
                      improvement < 0 ? "" : absl::StrCat(" improvement_percent: ", improvement));
}

constexpr char kEarlierResponse[] = R"pb(
  id: "earlier_response"
  policy_section: "Test policy 8.1"
  retreatment { min_improvement_percent: 50 earlier_course_required: true })pb";

TEST_F(CriteriaTest, RetreatmentFirstCourseIsMet) {
  auto r = Judge(kRepeatCourse, "treatment_history {}");
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.kind(), "retreatment");
  EXPECT_EQ(r.explanation(),
            std::string(kRepeatCourseText) + "; first course of TMS, so this does not apply");

  // An earlier course of another treatment does not make this a repeat course.
  r = Judge(kRepeatCourse,
            Courses({R"pb(treatment: TREATMENT_SPRAVATO end_date: "2026-10-01")pb"}));
  EXPECT_EQ(r.status(), kMet);
}

TEST_F(CriteriaTest, RetreatmentFirstCourseDoesNotMeetEarlierCourseRequired) {
  const auto r = Judge(kEarlierResponse, "treatment_history {}");
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(),
            "an earlier course of TMS, 50%+ improvement in the earlier course required; no earlier "
            "course of TMS documented");
}

TEST_F(CriteriaTest, RetreatmentEarlierCourseWithEnoughImprovementMeetsEarlierCourseRequired) {
  const auto r = Judge(kEarlierResponse, Courses({Tms("2024-05-10", 50)}));
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.explanation(),
            "an earlier course of TMS, 50%+ improvement in the earlier course required; the last "
            "course ended 2024-05-10 with 50% improvement");
  EXPECT_THAT(r.evidence(),
              ElementsAre("treatment_history.courses[0]: TMS ended 2024-05-10, 50% improvement"));
}

TEST_F(CriteriaTest, RetreatmentImprovementUnderTheMinimumIsNotMet) {
  const auto r = Judge(kRepeatCourse, Courses({Tms("2026-01-15", 49)}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(),
            std::string(kRepeatCourseText) +
                "; the last course ended 2026-01-15 with 49% improvement, under 50%");
}

TEST_F(CriteriaTest, RetreatmentGapEndsExactlyOnTheDayGivenByAddMonths) {
  // 2026-08-20 + 3 months = 2026-11-20, the day of the check: met.
  auto r = Judge(kRepeatCourse, Courses({Tms("2026-08-20", 60)}));
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.explanation(), std::string(kRepeatCourseText) +
                                 "; the last course ended 2026-08-20 with 60% improvement");

  // A day later and the gap is one day short.
  r = Judge(kRepeatCourse, Courses({Tms("2026-08-21", 60)}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(),
            std::string(kRepeatCourseText) +
                "; the last course ended 2026-08-21 with 60% improvement: not before "
                "2026-11-21");
}

TEST_F(CriteriaTest, RetreatmentGapFromAMonthEndIsClampedToTheShorterMonth) {
  // 2026-08-31 + 3 months = 2026-11-30 (November has no 31st).
  const std::string documentation = Courses({Tms("2026-08-31", 60)});
  auto r = Judge(kRepeatCourse, documentation, v1::TREATMENT_TMS, absl::CivilDay(2026, 11, 30));
  EXPECT_EQ(r.status(), kMet);
  r = Judge(kRepeatCourse, documentation, v1::TREATMENT_TMS, absl::CivilDay(2026, 11, 29));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_THAT(r.explanation(), HasSubstr(": not before 2026-11-30"));
}

TEST_F(CriteriaTest, RetreatmentImprovementNotDocumentedIsMissingInformation) {
  const auto r = Judge(kRepeatCourse, Courses({Tms("2026-01-15")}));
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(), std::string(kRepeatCourseText) +
                                 "; the last course ended 2026-01-15, improvement not documented");
  EXPECT_THAT(
      r.evidence(),
      ElementsAre(
          "treatment_history.courses[0]: TMS ended 2026-01-15, improvement not documented"));
}

TEST_F(CriteriaTest, RetreatmentWithoutTreatmentHistoryIsMissingInformation) {
  const auto r = Judge(kRepeatCourse, "age_years: 40");
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(), std::string(kRepeatCourseText) +
                                 "; whether the patient had TMS before is not documented");
}

TEST_F(CriteriaTest, RetreatmentJudgesTheLatestCourse) {
  const auto r = Judge(kRepeatCourse, Courses({Tms("2026-02-01", 30), Tms("2024-02-01", 80)}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_THAT(r.evidence(),
              ElementsAre("treatment_history.courses[0]: TMS ended 2026-02-01, 30% improvement"));
}

// ---- prescriber, REMS, concurrent antidepressant ------------------------------------------------

constexpr char kPsychiatric[] = R"pb(
  id: "psychiatric_prescriber"
  policy_section: "Test policy 9"
  prescriber {
    specialties: PRESCRIBER_SPECIALTY_PSYCHIATRIST
    specialties: PRESCRIBER_SPECIALTY_PSYCHIATRIC_NURSE_PRACTITIONER
  })pb";

TEST_F(CriteriaTest, Prescriber) {
  auto r = Judge(kPsychiatric,
                 "prescriber_specialty: PRESCRIBER_SPECIALTY_PSYCHIATRIC_NURSE_PRACTITIONER");
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.kind(), "prescriber");
  EXPECT_EQ(r.explanation(),
            "ordered by a psychiatrist or psychiatric nurse practitioner required; ordered by a "
            "psychiatric "
            "nurse practitioner");
  EXPECT_THAT(r.evidence(), ElementsAre("prescriber_specialty: psychiatric nurse practitioner"));

  r = Judge(kPsychiatric, "prescriber_specialty: PRESCRIBER_SPECIALTY_PRIMARY_CARE");
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(),
            "ordered by a psychiatrist or psychiatric nurse practitioner required; ordered by a "
            "primary care "
            "clinician");

  r = Judge(kPsychiatric, "age_years: 40");
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(),
            "ordered by a psychiatrist or psychiatric nurse practitioner required; prescriber "
            "specialty not "
            "documented");
}

constexpr char kRems[] = R"pb(id: "rems"
                              policy_section: "Test policy 10"
                              rems_enrollment {})pb";

TEST_F(CriteriaTest, RemsEnrollment) {
  auto r = Judge(kRems, "rems_patient_enrolled: true", v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.kind(), "rems_enrollment");
  EXPECT_EQ(r.explanation(), "enrollment in the Spravato REMS required; enrolled");
  EXPECT_THAT(r.evidence(), ElementsAre("rems_patient_enrolled: yes"));

  r = Judge(kRems, "rems_patient_enrolled: false", v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(), "enrollment in the Spravato REMS required; not enrolled yet");
  EXPECT_THAT(r.evidence(), ElementsAre("rems_patient_enrolled: no"));

  r = Judge(kRems, "age_years: 40", v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(),
            "enrollment in the Spravato REMS required; REMS enrollment not documented");
}

constexpr char kWithOralAntidepressant[] = R"pb(id: "with_oral"
                                                policy_section: "Test policy 11"
                                                concurrent_antidepressant {})pb";
constexpr char kWithOralText[] = "an oral antidepressant taken alongside the treatment required";

TEST_F(CriteriaTest, ConcurrentAntidepressantMet) {
  auto r = Judge(kWithOralAntidepressant, R"pb(takes_oral_antidepressant: true
                                               oral_antidepressant: "Lexapro")pb",
                 v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.kind(), "concurrent_antidepressant");
  EXPECT_EQ(r.explanation(), std::string(kWithOralText) + "; takes escitalopram (SSRI)");
  EXPECT_THAT(r.evidence(), ElementsAre("takes_oral_antidepressant: yes (Lexapro)"));

  r = Judge(kWithOralAntidepressant, "takes_oral_antidepressant: true", v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.explanation(),
            std::string(kWithOralText) + "; the patient takes one (name not given)");
}

TEST_F(CriteriaTest, ConcurrentAntidepressantNotMet) {
  auto r =
      Judge(kWithOralAntidepressant, "takes_oral_antidepressant: false", v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(), std::string(kWithOralText) + "; the patient takes none");
  EXPECT_THAT(r.evidence(), ElementsAre("takes_oral_antidepressant: no"));

  // An augmentation agent alone is not an antidepressant.
  r = Judge(kWithOralAntidepressant, R"pb(takes_oral_antidepressant: true
                                          oral_antidepressant: "aripiprazole")pb",
            v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(), std::string(kWithOralText) +
                                 "; aripiprazole is an antipsychotic, not an antidepressant");
}

TEST_F(CriteriaTest, ConcurrentAntidepressantNotMetWordingForEveryAugmentationClass) {
  const auto r = Judge(kWithOralAntidepressant, R"pb(takes_oral_antidepressant: true
                                                     oral_antidepressant: "lithium")pb",
                       v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kNotMet);
  const std::string want =
      std::string(kWithOralText) + "; lithium is a mood stabilizer, not an antidepressant";
  EXPECT_EQ(r.explanation(), want);
}

TEST_F(CriteriaTest, ConcurrentAntidepressantMissingInformation) {
  auto r = Judge(kWithOralAntidepressant, "age_years: 40", v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(),
            std::string(kWithOralText) + "; current oral antidepressant not documented");

  r = Judge(kWithOralAntidepressant, R"pb(takes_oral_antidepressant: true
                                          oral_antidepressant: "sertralin")pb",
            v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(), std::string(kWithOralText) +
                                 "; 'sertralin' is not in the drug catalog (did you mean sertraline?)");
  EXPECT_EQ(r.gap(),
            "Correct or confirm the name of the oral antidepressant, 'sertralin' (did you mean "
            "sertraline?): it is not in the drug catalog, so it is not recognised");
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_EQ(notices_[0].code(), "UNKNOWN_DRUG");
  EXPECT_EQ(notices_[0].message(),
            "oral_antidepressant: 'sertralin' is not in the drug catalog; did you mean sertraline? "
            "It is not counted until the name is corrected");

  // Nothing close: no suggestion, still missing information (it may be an antidepressant the
  // catalog lacks).
  r = Judge(kWithOralAntidepressant, R"pb(takes_oral_antidepressant: true
                                          oral_antidepressant: "nefazodone")pb",
            v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.gap(),
            "Correct or confirm the name of the oral antidepressant, 'nefazodone': it is not in the "
            "drug catalog, so it is not recognised");

  // The salt form is the drug: met.
  r = Judge(kWithOralAntidepressant, R"pb(takes_oral_antidepressant: true
                                          oral_antidepressant: "Sertraline Hydrochloride")pb",
            v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMet) << r.explanation();
}

// ---- all_of / any_of / not ----------------------------------------------------------------------

// Leaves with a known answer for the documentation below: adult is met, rems is not met,
// prescriber is missing information, screened is met.
constexpr char kLeavesDocumentation[] =
    "age_years: 40 rems_patient_enrolled: false contraindication_screening {}";
constexpr char kAdult[] = R"pb(id: "adult"
                               policy_section: "A"
                               age { min_years: 18 })pb";
constexpr char kRemsLeaf[] = R"pb(id: "rems"
                                  policy_section: "R"
                                  rems_enrollment {})pb";
constexpr char kPrescriberLeaf[] =
    R"pb(id: "prescriber"
         policy_section: "P"
         prescriber { specialties: PRESCRIBER_SPECIALTY_PSYCHIATRIST })pb";
constexpr char kScreened[] =
    R"pb(id: "screened"
         policy_section: "S"
         no_contraindication { contraindications: CONTRAINDICATION_PSYCHOSIS })pb";

std::string Composite(const std::string& op, const std::vector<std::string>& children) {
  std::string text = absl::StrCat(R"(id: "composite" policy_section: "Test policy 12" )", op, " {");
  for (const auto& c : children) absl::StrAppend(&text, " criteria { ", c, " }");
  return text + " }";
}

std::string Not(const std::string& child) {
  return absl::StrCat(R"(id: "negated" not { )", child, " }");
}

std::vector<v1::CriterionStatus> ChildStatuses(const v1::CriterionResult& r) {
  std::vector<v1::CriterionStatus> s;
  for (const auto& c : r.children()) s.push_back(c.status());
  return s;
}

TEST_F(CriteriaTest, AllOfIsMetWhenEveryChildIs) {
  const auto r =
      Judge(Composite("all_of", {kAdult, kScreened}), kLeavesDocumentation, v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.kind(), "all_of");
  EXPECT_EQ(r.id(), "composite");
  EXPECT_EQ(r.policy_section(), "Test policy 12");
  EXPECT_EQ(r.explanation(), "all 2 met");
  ASSERT_EQ(r.children_size(), 2);
  EXPECT_EQ(r.children(0).id(), "adult");
  EXPECT_EQ(r.children(0).kind(), "age");
  EXPECT_EQ(r.children(1).id(), "screened");
}

TEST_F(CriteriaTest, AllOfFailsOnANotMetChildEvenWhenAnotherIsMissing) {
  const auto r = Judge(Composite("all_of", {kAdult, kRemsLeaf, kPrescriberLeaf}),
                       kLeavesDocumentation, v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(), "1 of 3 not met: Enrollment in the Spravato REMS; information missing for 1 of 3: Ordered by a psychiatrist");
  EXPECT_THAT(ChildStatuses(r), ElementsAre(kMet, kNotMet, kMissing));
}

TEST_F(CriteriaTest, AllOfWithAMissingChildAndNoFailureIsMissingInformation) {
  const auto r = Judge(Composite("all_of", {kAdult, kPrescriberLeaf}), kLeavesDocumentation,
                       v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(), "information missing for 1 of 2: Ordered by a psychiatrist");
}

TEST_F(CriteriaTest, AnyOfIsMetByOneChildWhateverTheOthers) {
  const auto r = Judge(Composite("any_of", {kRemsLeaf, kPrescriberLeaf, kAdult}),
                       kLeavesDocumentation, v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.kind(), "any_of");
  EXPECT_EQ(r.explanation(), "one of 3 alternatives needed; met by Age 18 or older");
  EXPECT_THAT(ChildStatuses(r), ElementsAre(kNotMet, kMissing, kMet));
}

TEST_F(CriteriaTest, AnyOfWithOneNotMetAndOneMissingIsMissingInformation) {
  const auto r = Judge(Composite("any_of", {kRemsLeaf, kPrescriberLeaf}), kLeavesDocumentation,
                       v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(),
            "one of 2 alternatives needed; none met yet, information missing for Ordered by a psychiatrist");
}

TEST_F(CriteriaTest, AnyOfWithEveryChildNotMetIsNotMet) {
  const auto r = Judge(Composite("any_of", {kRemsLeaf, Not(kAdult)}), kLeavesDocumentation,
                       v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(), "one of 2 alternatives needed; none is met");
}

TEST_F(CriteriaTest, NotSwapsMetAndNotMetAndKeepsMissingInformation) {
  auto r = Judge(Not(kAdult), kLeavesDocumentation, v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.kind(), "not");
  EXPECT_EQ(r.explanation(), "must not hold, but it does: Age 18 or older");
  ASSERT_EQ(r.children_size(), 1);
  EXPECT_EQ(r.children(0).status(), kMet);

  r = Judge(Not(kRemsLeaf), kLeavesDocumentation, v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.explanation(), "must not hold, and it does not: Enrollment in the Spravato REMS");

  r = Judge(Not(kPrescriberLeaf), kLeavesDocumentation, v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(), "must not hold; information missing to judge: Ordered by a psychiatrist");
}

TEST_F(CriteriaTest, CompositesNest) {
  // all_of(adult, any_of(rems, not(prescriber))): the any_of is missing, so the whole is missing.
  const auto r = Judge(
      Composite("all_of", {kAdult, absl::StrCat(R"(id: "inner" any_of { criteria { )", kRemsLeaf,
                                                " } criteria { ", Not(kPrescriberLeaf), " } }")}),
      kLeavesDocumentation, v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r.status(), kMissing);
  ASSERT_EQ(r.children_size(), 2);
  EXPECT_EQ(r.children(1).id(), "inner");
  EXPECT_EQ(r.children(1).status(), kMissing);
  EXPECT_EQ(r.children(1).children(1).children(0).id(), "prescriber");
  EXPECT_EQ(r.explanation(), "information missing for 1 of 2: Any one of the following");
}

// ---- checklist sentences ------------------------------------------------------------------------

TEST(ChecklistItemForTest, TheRuleFilesSentenceWins) {
  const auto c = FromText<v1::Criterion>(R"pb(
    id: "adult"
    policy_section: "P"
    checklist_item: "Copy of a photo ID"
    age { min_years: 18 })pb");
  EXPECT_EQ(ChecklistItemFor(c, v1::TREATMENT_TMS), "Copy of a photo ID");
}

TEST(ChecklistItemForTest, ASentenceIsMadeFromEachCheck) {
  const struct {
    const char* criterion;
    const char* item;
  } cases[] = {
      {kTwoClasses,
       "Medication history showing 2 failed trials from 2 classes (6+ weeks at a therapeutic dose, "
       "intolerance does not count)"},
      {kTherapy,
       "Therapy records showing a failed trial of psychotherapy (6+ weeks; CBT or interpersonal "
       "therapy)"},
      {kPhq9, "PHQ-9 score of at least 15 dated within the last 30 days"},
      {kRecurrentMdd, "Diagnosis code (F33 or F32.2) in the record"},
      {kAdultUnder65, "Patient's age"},
      {kNoSeizureOrImplant, "Contraindication screening documented in the record"},
      {kRepeatCourse, "Records of the earlier TMS course: end date and improvement (%)"},
      {kPsychiatric, "Order and attestation from a psychiatrist or psychiatric nurse practitioner"},
      {kRems, "Spravato REMS patient enrollment form"},
      {kWithOralAntidepressant, "Documentation of the oral antidepressant the patient takes now"},
      {R"pb(id: "not_psychotic"
            not {
              id: "psychotic"
              policy_section: "P"
              age { min_years: 18 }
            })pb",
       "Documentation that this does not apply: Age 18 or older"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ChecklistItemFor(FromText<v1::Criterion>(c.criterion), v1::TREATMENT_TMS), c.item)
        << c.criterion;
  }
  EXPECT_EQ(ChecklistItemFor(FromText<v1::Criterion>(kRepeatCourse), v1::TREATMENT_SPRAVATO),
            "Records of the earlier Spravato (esketamine) course: end date and improvement (%)");
}

// Every leaf criterion of every bundled plan: its requirement is written by its own function, not
// cut from an explanation, and every explanation starts with it, whatever the documentation shows.
void ExpectExplanationsStartWithRequirements(const v1::Criterion& c, v1::Treatment treatment,
                                             const DocumentedFacts& facts, int& leaves) {
  for (const auto* list : {&c.all_of(), &c.any_of()}) {
    for (const auto& child : list->criteria()) {
      ExpectExplanationsStartWithRequirements(child, treatment, facts, leaves);
    }
  }
  if (c.has_not_()) ExpectExplanationsStartWithRequirements(c.not_(), treatment, facts, leaves);
  const std::string requirement = RequirementOf(c, treatment);
  if (c.has_all_of() || c.has_any_of() || c.has_not_()) {
    EXPECT_EQ(requirement, "") << c.id();
    return;
  }
  ++leaves;
  ASSERT_FALSE(requirement.empty()) << c.id();
  EXPECT_THAT(EvaluateCriterion(c, facts).explanation(),
              testing::StartsWith(absl::StrCat(requirement, "; ")))
      << c.id();
}

TEST(CriteriaRequirementTest, EveryExplanationStartsWithItsRequirement) {
  const v1::PatientDocumentation nothing;
  v1::PatientDocumentation some;
  some.set_age_years(40);
  some.add_diagnosis_codes("F33.2");
  some.mutable_antidepressant_history();
  some.mutable_psychotherapy_history();
  some.set_takes_oral_antidepressant(false);
  some.set_rems_patient_enrolled(false);
  int leaves = 0;
  for (const PlanVersion* v : BundledRules().AllPlanVersions()) {
    for (const auto& policy : v->plan.treatments()) {
      if (!policy.has_covered() || !policy.covered().has_criteria()) continue;
      for (const v1::PatientDocumentation* doc :
           std::initializer_list<const v1::PatientDocumentation*>{&nothing, &some}) {
        std::vector<v1::Notice> notices;
        const DocumentedFacts facts = DigestDocumentation(
            BundledRules(), *doc, policy.treatment(), kToday, &notices);
        ExpectExplanationsStartWithRequirements(policy.covered().criteria(), policy.treatment(),
                                                facts, leaves);
      }
    }
  }
  EXPECT_GT(leaves, 100);
}

// Compiled once (issue 19): every criterion of every bundled plan is worded in its rule set, with
// the same words as wording it on the spot, and a readiness answer made with the compiled words is
// the one made without them.
void ExpectWorded(const v1::Criterion& c, v1::Treatment t, const CriterionWordsMap& words, int& n) {
  const auto found = words.find(&c);
  ASSERT_NE(found, words.end()) << c.id();
  EXPECT_EQ(found->second.requirement, RequirementOf(c, t)) << c.id();
  EXPECT_EQ(found->second.checklist_item, ChecklistItemFor(c, t)) << c.id();
  ++n;
  for (const auto& child : c.all_of().criteria()) ExpectWorded(child, t, words, n);
  for (const auto& child : c.any_of().criteria()) ExpectWorded(child, t, words, n);
  if (c.has_not_()) ExpectWorded(c.not_(), t, words, n);
}

TEST(CriterionWordsTest, EveryCriterionIsWordedOnceWhenTheRulesAreCompiled) {
  int worded = 0;
  for (const PlanVersion* v : BundledRules().AllPlanVersions()) {
    int in_plan = 0;
    for (const auto& policy : v->plan.treatments()) {
      if (!policy.has_covered() || !policy.covered().has_criteria()) continue;
      ExpectWorded(policy.covered().criteria(), policy.treatment(), v->criterion_words, in_plan);
      v1::PatientDocumentation some;
      some.set_age_years(40);
      some.add_diagnosis_codes("F33.2");
      std::vector<v1::Notice> notices;
      DocumentedFacts facts =
          DigestDocumentation(BundledRules(), some, policy.treatment(), kToday, &notices);
      const v1::CriterionResult on_the_spot = EvaluateCriterion(policy.covered().criteria(), facts);
      facts.words = &v->criterion_words;
      const v1::CriterionResult compiled = EvaluateCriterion(policy.covered().criteria(), facts);
      EXPECT_EQ(compiled.SerializeAsString(), on_the_spot.SerializeAsString());
      // Renewal criteria are worded too.
      if (policy.covered().prior_auth_process().has_renewal_criteria()) {
        ExpectWorded(policy.covered().prior_auth_process().renewal_criteria(), policy.treatment(),
                     v->criterion_words, in_plan);
      }
    }
    EXPECT_EQ(static_cast<size_t>(in_plan), v->criterion_words.size()) << v->file;
    worded += in_plan;
  }
  EXPECT_GT(worded, 100);
}

}  // namespace
}  // namespace testing_criteria
}  // namespace estimator
