// A patient's documentation is checked before any criterion is judged: every range, unit, date and
// enum is refused as INVALID_ARGUMENT naming the field by its path in the request.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "service/common/dose.h"
#include "service/engine/request_validation.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

// Every section filled in, every value at a legal edge or an ordinary value; checked on kToday.
v1::PatientDocumentation Good() {
  v1::PatientDocumentation doc;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        as_of_date: "2026-11-20"
        age_years: 130
        diagnosis_codes: "F33.2"
        diagnosis_codes: "F41"
        current_episode_start: "2026-11-20"
        antidepressant_history {
          trials {
            drug: "Zoloft"
            daily_dose: "10000 mg"
            weeks: 520
            adherence_percent: 100
            outcome: TRIAL_OUTCOME_RESPONSE
            episode: EPISODE_EARLIER
            start_date: "1900-01-01"
          }
          trials {
            drug: "T3"
            daily_dose: "25 mcg"
            weeks: 0
            adherence_percent: 0
            augmentation: true
          }
        }
        psychotherapy_history {
          trials {
            kind: PSYCHOTHERAPY_KIND_CBT
            weeks: 520
            sessions: 1000
            outcome: TRIAL_OUTCOME_NO_RESPONSE
          }
        }
        severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 27 date: "2026-11-20" }
        severity_scores { instrument: SEVERITY_INSTRUMENT_BDI2 score: 0 date: "2026-11-02" }
        contraindication_screening { present: CONTRAINDICATION_PREGNANCY }
        treatment_history {
          courses { treatment: TREATMENT_TMS end_date: "2024-05-01" improvement_percent: 100 }
        }
        prescriber_specialty: PRESCRIBER_SPECIALTY_PSYCHIATRIST
        rems_patient_enrolled: false
        takes_oral_antidepressant: true
        oral_antidepressant: "Lexapro"
      )pb",
      &doc));
  return doc;
}

absl::Status Validate(const v1::PatientDocumentation& doc) {
  return ValidateDocumentation(doc, "documentation", kToday);
}

v1::AntidepressantTrial* Trial(v1::PatientDocumentation& d) {
  return d.mutable_antidepressant_history()->mutable_trials(0);
}
v1::SeverityScore* Score(v1::PatientDocumentation& d) { return d.mutable_severity_scores(0); }

TEST(DocumentationValidationTest, FullyDocumentedPatientPasses) {
  EXPECT_TRUE(Validate(Good()).ok()) << Validate(Good());
}

TEST(DocumentationValidationTest, EmptyDocumentationPasses) {
  // Nothing documented is a valid request: every criterion will be missing information.
  EXPECT_TRUE(Validate(v1::PatientDocumentation()).ok());
}

// Doses as charts write them pass validation; what is refused is refused naming the trial's own
// field (here the third trial's) and listing the accepted forms.
TEST(DocumentationValidationTest, DosesAsChartsWriteThemPassAndRefusalsGiveTheAcceptedForms) {
  for (const char* dose : {"100 mg", "100mg", "100 mg/day", "100mg/day", "100 mg daily",
                           "100mg daily", "100 mg per day", "100 mg/d", "100 mg a day", "100 mg qd",
                           "25 mcg/day", "25 \xC2\xB5g daily", "25 ug qd"}) {
    v1::PatientDocumentation d = Good();
    Trial(d)->set_daily_dose(dose);
    EXPECT_TRUE(Validate(d).ok()) << dose << ": " << Validate(d);
  }
  v1::PatientDocumentation d = Good();
  v1::AntidepressantHistory& history = *d.mutable_antidepressant_history();
  *history.add_trials() = history.trials(0);
  history.mutable_trials(2)->set_daily_dose("50 mg twice daily");
  const absl::Status status = Validate(d);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().rfind("documentation.antidepressant_history.trials[2].daily_dose: ", 0),
            0u)
      << status;
  EXPECT_NE(status.message().find(std::string(kDoseForms)), std::string::npos) << status;
}

struct BadCase {
  const char* name;
  std::function<void(v1::PatientDocumentation&)> spoil;
  const char* field;  // the message starts with it
  const char* why;    // and contains this
};

TEST(DocumentationValidationTest, EachMistakeIsRefusedNamingItsField) {
  const std::string trial = "documentation.antidepressant_history.trials[0].";
  const std::vector<BadCase> cases = {
      // Severity scores.
      {"PHQ-9 28", [](auto& d) { Score(d)->set_score(28); },
       "documentation.severity_scores[0].score", "28 is outside PHQ-9's range 0-27"},
      {"negative score", [](auto& d) { Score(d)->set_score(-1); },
       "documentation.severity_scores[0].score", "-1 is outside PHQ-9's range 0-27"},
      {"BDI-II 64", [](auto& d) { d.mutable_severity_scores(1)->set_score(64); },
       "documentation.severity_scores[1].score", "64 is outside BDI-II's range 0-63"},
      {"unknown instrument",
       [](auto& d) { Score(d)->set_instrument(static_cast<v1::SeverityInstrument>(99)); },
       "documentation.severity_scores[0].instrument", "unknown value 99"},
      {"unspecified instrument", [](auto& d) { Score(d)->clear_instrument(); },
       "documentation.severity_scores[0].instrument", "is required"},
      {"score without a date", [](auto& d) { Score(d)->clear_date(); },
       "documentation.severity_scores[0].date", "is required"},
      {"score after as_of_date",
       [](auto& d) {
         d.set_as_of_date("2026-11-01");
         d.clear_current_episode_start();
         Score(d)->set_date("2026-11-05");
       },
       "documentation.severity_scores[0].date",
       "2026-11-05 is in the future (after 2026-11-01, the day of the check)"},
      {"malformed score date", [](auto& d) { Score(d)->set_date("11/02/2026"); },
       "documentation.severity_scores[0].date", "is not a date"},
      {"score on 31 November", [](auto& d) { Score(d)->set_date("2026-11-31"); },
       "documentation.severity_scores[0].date", "is not a real calendar day"},
      // Antidepressant trials.
      {"negative weeks", [](auto& d) { Trial(d)->set_weeks(-1); }, "weeks",
       "-1 is outside 0-520 weeks"},
      {"ten years and a week", [](auto& d) { Trial(d)->set_weeks(521); }, "weeks",
       "521 is outside 0-520 weeks"},
      {"adherence 101", [](auto& d) { Trial(d)->set_adherence_percent(101); }, "adherence_percent",
       "101 is outside 0-100 percent"},
      {"dose in mL", [](auto& d) { Trial(d)->set_daily_dose("150 mL"); }, "daily_dose",
       "unit 'mL' is not a dose unit"},
      {"dose in tablets", [](auto& d) { Trial(d)->set_daily_dose("2 tablets"); }, "daily_dose",
       "unit 'tablets' is not a dose unit"},
      {"dose without a number", [](auto& d) { Trial(d)->set_daily_dose("mg"); }, "daily_dose",
       "does not start with a number"},
      {"dose 0", [](auto& d) { Trial(d)->set_daily_dose("0 mg"); }, "daily_dose",
       "is not a positive dose"},
      {"dose missing", [](auto& d) { Trial(d)->clear_daily_dose(); }, "daily_dose", "is required"},
      {"dose twice a day", [](auto& d) { Trial(d)->set_daily_dose("50 mg twice daily"); },
       "daily_dose", "has 'twice daily' after the unit, which is not a per-day word"},
      {"dose bid", [](auto& d) { Trial(d)->set_daily_dose("100 mg bid"); }, "daily_dose",
       "has 'bid' after the unit"},
      {"dose a week", [](auto& d) { Trial(d)->set_daily_dose("100 mg/week"); }, "daily_dose",
       "has '/week' after the unit"},
      {"dose range", [](auto& d) { Trial(d)->set_daily_dose("50-100 mg"); }, "daily_dose",
       "is a range"},
      {"dose per kg", [](auto& d) { Trial(d)->set_daily_dose("2 mg/kg"); }, "daily_dose",
       "is a dose per kilogram of body weight"},
      {"drug missing", [](auto& d) { Trial(d)->set_drug("  "); }, "drug", "is required"},
      {"drug name too long", [](auto& d) { Trial(d)->set_drug(std::string(65, 'x')); }, "drug",
       "is 65 characters"},
      {"unknown outcome", [](auto& d) { Trial(d)->set_outcome(static_cast<v1::TrialOutcome>(99)); },
       "outcome", "unknown value 99"},
      {"unknown episode", [](auto& d) { Trial(d)->set_episode(static_cast<v1::Episode>(7)); },
       "episode", "unknown value 7"},
      {"trial starts tomorrow", [](auto& d) { Trial(d)->set_start_date("2026-11-21"); },
       "start_date", "2026-11-21 is in the future"},
      {"malformed start date", [](auto& d) { Trial(d)->set_start_date("2026-1-12"); }, "start_date",
       "is not a date"},
      {"51 trials",
       [](auto& d) {
         auto* h = d.mutable_antidepressant_history();
         while (h->trials_size() < 51) *h->add_trials() = h->trials(0);
       },
       "documentation.antidepressant_history.trials", "51 entries; at most 50"},
      // Episode, age, diagnosis.
      {"episode starts tomorrow", [](auto& d) { d.set_current_episode_start("2026-11-21"); },
       "documentation.current_episode_start", "is in the future"},
      {"malformed episode start", [](auto& d) { d.set_current_episode_start("January 2026"); },
       "documentation.current_episode_start", "is not a date"},
      {"age 131", [](auto& d) { d.set_age_years(131); }, "documentation.age_years",
       "131 is outside 0-130 years"},
      {"age -1", [](auto& d) { d.set_age_years(-1); }, "documentation.age_years",
       "-1 is outside 0-130 years"},
      {"lower-case ICD-10", [](auto& d) { d.set_diagnosis_codes(0, "f33.2"); },
       "documentation.diagnosis_codes[0]", "'f33.2' is not an ICD-10-CM code"},
      {"ICD-10 ending in a dot", [](auto& d) { d.set_diagnosis_codes(1, "F33."); },
       "documentation.diagnosis_codes[1]", "'F33.' is not an ICD-10-CM code"},
      {"ICD-10 without its letter", [](auto& d) { d.set_diagnosis_codes(0, "33.2"); },
       "documentation.diagnosis_codes[0]", "'33.2' is not an ICD-10-CM code"},
      {"ICD-10 without its dot", [](auto& d) { d.set_diagnosis_codes(0, "F331"); },
       "documentation.diagnosis_codes[0]", "'F331' is not an ICD-10-CM code"},
      // Psychotherapy.
      {"therapy of no kind",
       [](auto& d) { d.mutable_psychotherapy_history()->mutable_trials(0)->clear_kind(); },
       "documentation.psychotherapy_history.trials[0].kind", "is required"},
      {"therapy weeks 521",
       [](auto& d) { d.mutable_psychotherapy_history()->mutable_trials(0)->set_weeks(521); },
       "documentation.psychotherapy_history.trials[0].weeks", "521 is outside 0-520 weeks"},
      {"therapy sessions 1001",
       [](auto& d) { d.mutable_psychotherapy_history()->mutable_trials(0)->set_sessions(1001); },
       "documentation.psychotherapy_history.trials[0].sessions", "1001 is outside 0-1000 sessions"},
      // Contraindications, prescriber, earlier courses.
      {"unknown contraindication",
       [](auto& d) {
         d.mutable_contraindication_screening()->add_present(static_cast<v1::Contraindication>(99));
       },
       "documentation.contraindication_screening.present[1]", "unknown value 99"},
      {"unspecified contraindication",
       [](auto& d) {
         d.mutable_contraindication_screening()->set_present(0, v1::CONTRAINDICATION_UNSPECIFIED);
       },
       "documentation.contraindication_screening.present[0]", "is required"},
      {"unknown prescriber",
       [](auto& d) { d.set_prescriber_specialty(static_cast<v1::PrescriberSpecialty>(99)); },
       "documentation.prescriber_specialty", "unknown value 99"},
      {"course ends tomorrow",
       [](auto& d) {
         d.mutable_treatment_history()->mutable_courses(0)->set_end_date("2026-11-21");
       },
       "documentation.treatment_history.courses[0].end_date", "is in the future"},
      {"course without an end",
       [](auto& d) { d.mutable_treatment_history()->mutable_courses(0)->clear_end_date(); },
       "documentation.treatment_history.courses[0].end_date", "is required"},
      {"course of no treatment",
       [](auto& d) { d.mutable_treatment_history()->mutable_courses(0)->clear_treatment(); },
       "documentation.treatment_history.courses[0].treatment", "is required"},
      {"improvement 101%",
       [](auto& d) {
         d.mutable_treatment_history()->mutable_courses(0)->set_improvement_percent(101);
       },
       "documentation.treatment_history.courses[0].improvement_percent",
       "101 is outside 0-100 percent"},
      // The oral antidepressant and the day of the check.
      {"oral antidepressant named but not taken",
       [](auto& d) { d.set_takes_oral_antidepressant(false); }, "documentation.oral_antidepressant",
       "takes_oral_antidepressant is not true"},
      {"oral antidepressant named, taking not said",
       [](auto& d) { d.clear_takes_oral_antidepressant(); }, "documentation.oral_antidepressant",
       "takes_oral_antidepressant is not true"},
      {"as_of_date in 1999", [](auto& d) { d.set_as_of_date("1999-12-31"); },
       "documentation.as_of_date", "'1999-12-31' is outside the years 2000-2099"},
      {"as_of_date in 2100", [](auto& d) { d.set_as_of_date("2100-01-01"); },
       "documentation.as_of_date", "'2100-01-01' is outside the years 2000-2099"},
      {"malformed as_of_date", [](auto& d) { d.set_as_of_date("20261120"); },
       "documentation.as_of_date", "is not a date"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::PatientDocumentation doc = Good();
    c.spoil(doc);
    const absl::Status s = Validate(doc);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    // Fields of the first trial are written without their prefix above.
    const std::string field =
        std::string(c.field).rfind("documentation", 0) == 0 ? c.field : trial + c.field;
    const std::string message(s.message());
    EXPECT_EQ(message.rfind(field, 0), 0u) << "'" << message << "' does not start with " << field;
    EXPECT_NE(message.find(c.why), std::string::npos)
        << "'" << message << "' does not say " << c.why;
  }
}

// Paths are put together only when a check fails (a valid request formats none): each shape of
// path, spelled out in full, for a later element of every list and for every list's length.
TEST(DocumentationValidationTest, EveryShapeOfPathIsSpelledOutInFull) {
  struct Case {
    std::function<void(v1::PatientDocumentation&)> spoil;
    std::string message;
  };
  auto fill = [](auto* list) {  // to 51 copies of its first entry
    const auto first = list->Get(0);
    while (list->size() < 51) *list->Add() = first;
  };
  const std::vector<Case> cases = {
      {[](auto& d) { d.mutable_antidepressant_history()->mutable_trials(1)->set_daily_dose("5 mL"); },
       absl::StrCat("documentation.antidepressant_history.trials[1].daily_dose: unit 'mL' is not a "
                    "dose unit; write ", kDoseForms)},
      {[](auto& d) {
         d.mutable_antidepressant_history()->mutable_trials(1)->set_start_date("2026-02-30");
       },
       "documentation.antidepressant_history.trials[1].start_date: '2026-02-30' is not a real "
       "calendar day"},
      {[](auto& d) {
         d.mutable_psychotherapy_history()->mutable_trials(0)->set_outcome(
             static_cast<v1::TrialOutcome>(99));
       },
       "documentation.psychotherapy_history.trials[0].outcome: unknown value 99"},
      {[](auto& d) { d.mutable_severity_scores(1)->set_date("2026-11-21"); },
       "documentation.severity_scores[1].date: 2026-11-21 is in the future (after 2026-11-20, the "
       "day of the check)"},
      {[&](auto& d) { fill(d.mutable_diagnosis_codes()); },
       "documentation.diagnosis_codes: 51 entries; at most 50"},
      {[&](auto& d) { fill(d.mutable_psychotherapy_history()->mutable_trials()); },
       "documentation.psychotherapy_history.trials: 51 entries; at most 50"},
      {[&](auto& d) { fill(d.mutable_severity_scores()); },
       "documentation.severity_scores: 51 entries; at most 50"},
      {[&](auto& d) { fill(d.mutable_contraindication_screening()->mutable_present()); },
       "documentation.contraindication_screening.present: 51 entries; at most 50"},
      {[&](auto& d) { fill(d.mutable_treatment_history()->mutable_courses()); },
       "documentation.treatment_history.courses: 51 entries; at most 50"},
  };
  for (const Case& c : cases) {
    v1::PatientDocumentation doc = Good();
    c.spoil(doc);
    EXPECT_EQ(Validate(doc).message(), c.message);
  }
  // The path starts with the caller's name for the documentation.
  v1::PatientDocumentation doc = Good();
  doc.set_age_years(131);
  EXPECT_EQ(ValidateDocumentation(doc, "courses[1].documentation", kToday).message(),
            "courses[1].documentation.age_years: 131 is outside 0-130 years");
}

TEST(DocumentationValidationTest, ScoreOutOfRangeMessage) {
  auto doc = Good();
  Score(doc)->set_score(28);
  EXPECT_EQ(Validate(doc).message(),
            "documentation.severity_scores[0].score: 28 is outside PHQ-9's range 0-27");
}

TEST(DocumentationValidationTest, WithoutAsOfDateTodayIsTheLimitForDates) {
  auto doc = Good();
  doc.clear_as_of_date();
  EXPECT_TRUE(Validate(doc).ok());
  Score(doc)->set_date("2026-11-21");
  const absl::Status s = Validate(doc);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "documentation.severity_scores[0].date: 2026-11-21 is in the future (after 2026-11-20, "
            "the day of the check)");
}

TEST(DocumentationValidationTest, RequestFieldsAreCheckedAndTheDocumentationPathIsPrefixed) {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id("aetna");
  r.set_plan_id("open_access_ppo");
  r.set_treatment(v1::TREATMENT_TMS);
  *r.mutable_documentation() = Good();
  EXPECT_TRUE(ValidateCheckPriorAuthReadinessRequest(r, kToday).ok());

  const struct {
    std::function<void(v1::CheckPriorAuthReadinessRequest&)> spoil;
    const char* field;
  } cases[] = {
      {[](auto& r) { r.clear_payer_id(); }, "payer_id: is required"},
      {[](auto& r) { r.set_plan_id("Open Access"); }, "plan_id: "},
      {[](auto& r) { r.clear_treatment(); }, "treatment: is required"},
      {[](auto& r) { r.set_treatment(static_cast<v1::Treatment>(99)); },
       "treatment: unknown value 99"},
      {[](auto& r) { r.set_planned_start_date("2026-02-30"); }, "planned_start_date: "},
      {[](auto& r) { r.set_planned_start_date("2150-01-01"); }, "planned_start_date: "},
      {[](auto& r) { r.mutable_documentation()->set_age_years(200); }, "documentation.age_years: "},
  };
  for (const auto& c : cases) {
    v1::CheckPriorAuthReadinessRequest bad = r;
    c.spoil(bad);
    const absl::Status s = ValidateCheckPriorAuthReadinessRequest(bad, kToday);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(std::string(s.message()).rfind(c.field, 0), 0u) << s.message();
  }
}

}  // namespace
}  // namespace estimator
