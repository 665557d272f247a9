// Prior-authorization readiness against the bundled rules (payer_rules/): Aetna Open Access PPO
// (prior auth for TMS and Spravato, IV ketamine excluded) and Original Medicare Part B (no prior
// auth; the criteria say what the chart must show). The day of every check is kToday, 2026-11-20.
#include "service/engine/readiness.h"

#include <map>
#include <random>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/unit/engine/crd_invariants.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A patient whose chart meets every criterion of both plans for TMS and Spravato: severe recurrent
// MDD, sertraline and bupropion (two classes) and aripiprazole augmentation in the current episode,
// 12 weeks of CBT, a PHQ-9 of 19 eighteen days ago, screened, first course, psychiatrist, REMS.
constexpr char kComplete[] = R"pb(
  as_of_date: "2026-11-20"
  age_years: 42
  diagnosis_codes: "F33.2"
  current_episode_start: "2026-01-05"
  antidepressant_history {
    trials {
      drug: "sertraline"
      daily_dose: "150 mg"
      weeks: 10
      start_date: "2026-01-12"
      outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE
    }
    trials {
      drug: "bupropion"
      daily_dose: "300 mg"
      weeks: 8
      start_date: "2026-04-01"
      outcome: TRIAL_OUTCOME_NO_RESPONSE
    }
    trials {
      drug: "aripiprazole"
      daily_dose: "5 mg"
      weeks: 8
      start_date: "2026-06-01"
      outcome: TRIAL_OUTCOME_NO_RESPONSE
    }
  }
  psychotherapy_history {
    trials {
      kind: PSYCHOTHERAPY_KIND_CBT
      weeks: 12
      sessions: 12
      outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE
    }
  }
  severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 19 date: "2026-11-02" }
  contraindication_screening {}
  treatment_history {}
  prescriber_specialty: PRESCRIBER_SPECIALTY_PSYCHIATRIST
  rems_patient_enrolled: true
  takes_oral_antidepressant: true
  oral_antidepressant: "vortioxetine"
)pb";

v1::PatientDocumentation Complete() {
  v1::PatientDocumentation doc;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kComplete, &doc));
  return doc;
}

const PlanVersion& Plan(const std::string& payer_id, const std::string& plan_id) {
  const std::vector<PlanVersion>* versions = BundledRules().FindPlanVersions(payer_id, plan_id);
  EXPECT_NE(versions, nullptr) << payer_id << "/" << plan_id;
  const PlanVersion* plan = RuleSet::VersionOn(*versions, kToday);
  EXPECT_NE(plan, nullptr);
  return *plan;
}

v1::ReadinessAssessment Aetna(v1::Treatment t, const v1::PatientDocumentation& doc) {
  return AssessReadiness(BundledRules(), Plan("aetna", "open_access_ppo"), t, v1::NETWORK_IN_NETWORK, doc, kToday);
}

v1::ReadinessAssessment Medicare(v1::Treatment t, const v1::PatientDocumentation& doc) {
  return AssessReadiness(BundledRules(), Plan("medicare", "part_b"), t, v1::NETWORK_IN_NETWORK, doc, kToday);
}

// "criterion_id status" for each clinical item, with "(one of <any_of id>)" for alternatives;
// "admin: item" for the plan's documents.
std::vector<std::string> Checklist(const v1::ReadinessAssessment& a) {
  std::vector<std::string> items;
  for (const auto& i : a.checklist()) {
    if (i.kind() == v1::DOCUMENTATION_KIND_ADMIN) {
      EXPECT_TRUE(i.criterion_id().empty()) << i.item();
      EXPECT_EQ(i.criterion_status(), v1::CRITERION_STATUS_UNSPECIFIED) << i.item();
      items.push_back("admin: " + i.item());
      continue;
    }
    EXPECT_EQ(i.kind(), v1::DOCUMENTATION_KIND_CLINICAL) << i.item();
    items.push_back(
        absl::StrCat(i.criterion_id(), " ",
                     i.criterion_status() == v1::CRITERION_STATUS_NOT_MET ? "not met" : "missing",
                     i.one_of_alternatives() ? " (one of " : "", i.alternatives_of(),
                     i.one_of_alternatives() ? ")" : ""));
  }
  return items;
}

// The three answers, as enums (without their prefix), and the CRD coverage information: covered /
// pa-needed / doc-needed / doc-purpose / info-needed ("-" for none), e.g.
// "COVERED, READY, ADMIN: covered / auth-needed / admin / withpa / -". Every answer is also
// checked against the CRD invariants here.
std::string Answers(const v1::ReadinessAssessment& a) {
  auto bare = [](const std::string& name, absl::string_view prefix) {
    return std::string(absl::StripPrefix(name, prefix));
  };
  auto codes = [](const auto& list) {
    return list.empty() ? std::string("-") : absl::StrJoin(list, "+");
  };
  EXPECT_THAT(CrdInvariantViolations(a), ::testing::IsEmpty()) << a.crd().ShortDebugString();
  const v1::CrdCoverageInformation& c = a.crd();
  return absl::StrCat(
      bare(v1::CoverageRequirement_Name(a.coverage()), "COVERAGE_REQUIREMENT_"), ", ",
      bare(v1::PriorAuthReadiness_Name(a.prior_auth()), "PRIOR_AUTH_READINESS_"), ", ",
      bare(v1::DocumentationNeeded_Name(a.documentation_needed()), "DOCUMENTATION_NEEDED_"), ": ",
      c.covered(), " / ", c.pa_needed().empty() ? "-" : c.pa_needed(), " / ",
      codes(c.doc_needed()), " / ", codes(c.doc_purpose()), " / ", codes(c.info_needed()));
}

void CollectLeaves(const v1::CriterionResult& r, std::vector<const v1::CriterionResult*>& out) {
  if (r.children().empty()) out.push_back(&r);
  for (const auto& c : r.children()) CollectLeaves(c, out);
}

constexpr char kAetnaTmsForm[] =
    "admin: Aetna precertification request form for TMS (completed and signed)";
constexpr char kAetnaTmsLetter[] =
    "admin: Letter of medical necessity from the ordering psychiatrist";

// ---- Aetna: prior auth required -----------------------------------------------------------------

TEST(ReadinessTest, AetnaTmsCompleteChartIsReadyToSubmitWithItsForms) {
  const auto a = Aetna(v1::TREATMENT_TMS, Complete());
  EXPECT_EQ(Answers(a), "COVERED, READY, ADMIN: covered / auth-needed / admin / withpa / -");
  // The HAM-D alternative is not needed once the PHQ-9 meets the any_of: nothing clinical to
  // obtain.
  EXPECT_THAT(Checklist(a), testing::ElementsAre(kAetnaTmsForm, kAetnaTmsLetter));
  // 8 criteria, as CPB 0469 numbers them (the any_of of two scores is one).
  EXPECT_EQ(
      a.summary(),
      "Prior auth ready to submit: all 8 criteria met. Include: Aetna precertification request "
      "form for TMS (completed and signed); Letter of medical necessity from the ordering "
      "psychiatrist.");
  EXPECT_EQ(a.treatment(), v1::TREATMENT_TMS);
  EXPECT_EQ(a.payer_name(), "Aetna");
  EXPECT_EQ(a.plan_name(), "Aetna Open Access PPO (illustrative 2026 plan design)");
  EXPECT_EQ(a.policy_section(),
            "Aetna CPB 0469, Policy I (repetitive TMS for major depressive disorder)");
  // The plan's TMS policy only: not its Spravato or ketamine bulletins.
  ASSERT_EQ(a.sources_size(), 1);
  EXPECT_EQ(a.sources(0).document_id(), "Aetna CPB 0469");
  EXPECT_EQ(a.plan_effective_from(), "2026-01-01");
  EXPECT_EQ(a.plan_file_version().size(), 64u);
  EXPECT_EQ(a.as_of_date(), "2026-11-20");
  EXPECT_TRUE(a.notices().empty());
  ASSERT_EQ(a.criteria_size(), 1);
  EXPECT_EQ(a.criteria(0).id(), "aetna_tms_cpb_0469");
  EXPECT_EQ(a.criteria(0).status(), v1::CRITERION_STATUS_MET);
  EXPECT_EQ(a.criteria(0).children_size(), 8);
}

TEST(ReadinessTest, AetnaTmsWithTwoThingsMissingIsNotReadyAndSaysWhat) {
  auto doc = Complete();
  doc.clear_psychotherapy_history();
  doc.clear_prescriber_specialty();
  const auto a = Aetna(v1::TREATMENT_TMS, doc);
  EXPECT_EQ(Answers(a), "CONDITIONAL, INFO_NEEDED, BOTH: conditional / auth-needed / clinical+admin / withpa / OTH");
  EXPECT_EQ(a.summary(),
            "Prior auth not ready, information needed: 2 items missing (Therapy notes: at least 6 weeks of an "
            "evidence-based psychotherapy (e.g. CBT, IPT) without significant improvement on a "
            "rating scale; Order and attestation from a psychiatrist or psychiatric nurse "
            "practitioner).");
  EXPECT_THAT(Checklist(a), testing::ElementsAre("failed_psychotherapy missing",
                                                 "ordered_by_psychiatric_prescriber missing",
                                                 kAetnaTmsForm, kAetnaTmsLetter));
  // The rule file's sentence where it has one, else one made from the check.
  EXPECT_EQ(a.checklist(1).item(),
            "Order and attestation from a psychiatrist or psychiatric nurse practitioner");
}

TEST(ReadinessTest, AetnaTmsWithACriterionNotMetIsNotCovered) {
  auto doc = Complete();
  doc.set_diagnosis_codes(0, "F33.1");  // moderate: Aetna asks for severe
  auto a = Aetna(v1::TREATMENT_TMS, doc);
  EXPECT_EQ(Answers(a), "CRITERIA_NOT_MET, NOT_READY, BOTH: covered / auth-needed / clinical+admin / withpa / -");
  EXPECT_EQ(a.summary(),
            "Prior auth not ready: 1 criterion not met (Diagnosis F32.2 or F33.2).");
  EXPECT_THAT(Checklist(a), testing::ElementsAre("severe_mdd_without_psychosis not met",
                                                 kAetnaTmsForm, kAetnaTmsLetter));

  // Not met and missing together: not met decides the answers, and the summary says both.
  doc.clear_prescriber_specialty();
  a = Aetna(v1::TREATMENT_TMS, doc);
  EXPECT_EQ(Answers(a), "CRITERIA_NOT_MET, NOT_READY, BOTH: covered / auth-needed / clinical+admin / withpa / -");
  EXPECT_EQ(
      a.summary(),
      "Prior auth not ready: 1 criterion not met (Diagnosis F32.2 or F33.2); 1 item missing "
      "(Order and attestation from a psychiatrist or psychiatric nurse practitioner).");
}

TEST(ReadinessTest, AetnaTmsAnyOfWithItsOwnChecklistItemIsOneItem) {
  auto doc = Complete();
  doc.clear_severity_scores();
  const auto a = Aetna(v1::TREATMENT_TMS, doc);
  EXPECT_EQ(Answers(a), "CONDITIONAL, INFO_NEEDED, BOTH: conditional / auth-needed / clinical+admin / withpa / OTH");
  // The rule file gives severe_score_recent (PHQ-9, HAM-D, BDI-II or MADRS) one checklist_item.
  EXPECT_THAT(Checklist(a), testing::ElementsAre("severe_score_recent missing", kAetnaTmsForm,
                                                 kAetnaTmsLetter));
  EXPECT_EQ(a.checklist(0).item(),
            "A PHQ-9 of 15 or more, a HAM-D-17 of 20 or more, a BDI-II of 29 or more, or a MADRS "
            "of 35 or more, dated within the last 30 days");
  EXPECT_EQ(a.summary(),
            "Prior auth not ready, information needed: 1 item missing (A PHQ-9 of 15 or more, a HAM-D-17 of 20 or "
            "more, a BDI-II of 29 or more, or a MADRS of 35 or more, dated within the last 30 "
            "days).");
}

TEST(ReadinessTest, AetnaTmsOneAlternativeNotMetAndTheOtherMissingIsInfoNeeded) {
  auto doc = Complete();
  doc.mutable_severity_scores(0)->set_score(10);
  const auto a = Aetna(v1::TREATMENT_TMS, doc);
  // The PHQ-9 route is closed, the HAM-D one is still open: nothing fails yet.
  EXPECT_EQ(Answers(a), "CONDITIONAL, INFO_NEEDED, BOTH: conditional / auth-needed / clinical+admin / withpa / OTH");
  EXPECT_THAT(Checklist(a), testing::ElementsAre("severe_score_recent missing", kAetnaTmsForm,
                                                 kAetnaTmsLetter));
  EXPECT_EQ(a.criteria(0).children(4).children(0).status(), v1::CRITERION_STATUS_NOT_MET);
  EXPECT_EQ(a.criteria(0).children(4).children(1).status(),
            v1::CRITERION_STATUS_MISSING_INFORMATION);
}

// Aetna's plan with its TMS criteria replaced by `criteria` (text format).
PlanVersion AetnaWithTmsCriteria(const std::string& criteria) {
  PlanVersion plan = Plan("aetna", "open_access_ppo");
  for (auto& policy : *plan.plan.mutable_treatments()) {
    if (policy.treatment() != v1::TREATMENT_TMS) continue;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
        criteria, policy.mutable_covered()->mutable_criteria()));
  }
  return plan;
}

TEST(ReadinessTest, AnAlternativeMadeOfTwoCriteriaNeedsBoth) {
  // One route is therapy AND a recent score; the other is medication history.
  const PlanVersion plan = AetnaWithTmsCriteria(R"pb(
    id: "tms"
    all_of {
      criteria {
        id: "adult"
        policy_section: "P 1"
        age { min_years: 18 }
      }
      criteria {
        id: "route"
        any_of {
          criteria {
            id: "therapy_and_score"
            all_of {
              criteria {
                id: "therapy"
                policy_section: "P 2"
                checklist_item: "Therapy notes"
                psychotherapy_trial { min_weeks: 6 }
              }
              criteria {
                id: "score"
                policy_section: "P 3"
                checklist_item: "A recent PHQ-9"
                severity { instrument: SEVERITY_INSTRUMENT_PHQ9 min_score: 15 max_age_days: 30 }
              }
            }
          }
          criteria {
            id: "trials"
            policy_section: "P 4"
            checklist_item: "Medication history"
            failed_antidepressant_trials { min_trials: 2 min_weeks: 6 }
          }
        }
      }
    })pb");
  v1::PatientDocumentation doc;
  doc.set_age_years(40);
  const auto a = AssessReadiness(BundledRules(), plan, v1::TREATMENT_TMS, v1::NETWORK_IN_NETWORK, doc, kToday);
  EXPECT_EQ(Answers(a), "CONDITIONAL, INFO_NEEDED, BOTH: conditional / auth-needed / clinical+admin / withpa / OTH");
  EXPECT_THAT(Checklist(a), testing::ElementsAre(
                                "therapy missing (one of route)", "score missing (one of route)",
                                "trials missing (one of route)", kAetnaTmsForm, kAetnaTmsLetter));
  // Therapy and score are one alternative (the all_of branch), the trials the other.
  EXPECT_EQ(a.checklist(0).alternative(), a.checklist(1).alternative());
  EXPECT_NE(a.checklist(0).alternative(), a.checklist(2).alternative());
  EXPECT_THAT(a.summary(), HasSubstr(absl::StrCat(a.checklist(0).item(), " and ",
                                                  a.checklist(1).item(), " or ",
                                                  a.checklist(2).item())));
}

TEST(ReadinessTest, AlternativesWithoutTheirOwnItemAreListedAndGroupedInTheSummary) {
  // The same any_of without a checklist_item: each alternative is an item, one need in the summary,
  // and an alternative that is already not met is not offered.
  const PlanVersion plan = AetnaWithTmsCriteria(R"pb(
    id: "tms"
    all_of {
      criteria {
        id: "score"
        any_of {
          criteria {
            id: "phq9"
            policy_section: "P 1"
            severity { instrument: SEVERITY_INSTRUMENT_PHQ9 min_score: 15 max_age_days: 30 }
          }
          criteria {
            id: "hamd"
            policy_section: "P 2"
            severity { instrument: SEVERITY_INSTRUMENT_HAMD17 min_score: 20 max_age_days: 30 }
          }
        }
      }
    }
  )pb");
  auto doc = Complete();
  doc.clear_severity_scores();
  auto a = AssessReadiness(BundledRules(), plan, v1::TREATMENT_TMS, v1::NETWORK_IN_NETWORK, doc, kToday);
  EXPECT_THAT(Checklist(a), testing::ElementsAre("phq9 missing (one of score)",
                                                 "hamd missing (one of score)", kAetnaTmsForm,
                                                 kAetnaTmsLetter));
  EXPECT_EQ(a.summary(),
            "Prior auth not ready, information needed: 1 item missing (PHQ-9 score of at least 15 dated within the "
            "last 30 days or HAM-D (17-item) score of at least 20 dated within the last 30 days).");

  v1::SeverityScore* phq9 = doc.add_severity_scores();
  phq9->set_instrument(v1::SEVERITY_INSTRUMENT_PHQ9);
  phq9->set_score(10);
  phq9->set_date("2026-11-10");
  a = AssessReadiness(BundledRules(), plan, v1::TREATMENT_TMS, v1::NETWORK_IN_NETWORK, doc, kToday);
  EXPECT_THAT(Checklist(a), testing::ElementsAre("phq9 not met (one of score)",
                                                 "hamd missing (one of score)", kAetnaTmsForm,
                                                 kAetnaTmsLetter));
  EXPECT_EQ(a.summary(),
            "Prior auth not ready, information needed: 1 item missing (HAM-D (17-item) score of at least 20 dated "
            "within the last 30 days).");
}

TEST(ReadinessTest, AetnaTmsScoresThatFailEveryAlternativeAreNotMet) {
  auto doc = Complete();
  doc.mutable_severity_scores(0)->set_score(10);
  for (const auto& [instrument, score] : {std::pair{v1::SEVERITY_INSTRUMENT_HAMD17, 12},
                                          std::pair{v1::SEVERITY_INSTRUMENT_BDI2, 20},
                                          std::pair{v1::SEVERITY_INSTRUMENT_MADRS, 25}}) {
    auto* s = doc.add_severity_scores();
    s->set_instrument(instrument);
    s->set_score(score);
    s->set_date("2026-11-02");
  }
  auto a = Aetna(v1::TREATMENT_TMS, doc);
  EXPECT_EQ(Answers(a), "CRITERIA_NOT_MET, NOT_READY, BOTH: covered / auth-needed / clinical+admin / withpa / -");
  // A scale not yet scored could still qualify: with the MADRS left out, information is missing.
  doc.mutable_severity_scores()->RemoveLast();
  EXPECT_EQ(Answers(Aetna(v1::TREATMENT_TMS, doc)),
            "CONDITIONAL, INFO_NEEDED, BOTH: conditional / auth-needed / clinical+admin / withpa / OTH");
  // Every route closed: the any_of is the criterion not met.
  EXPECT_EQ(a.summary(), "Prior auth not ready: 1 criterion not met (Severity documented by standardized rating scales).");
  EXPECT_THAT(Checklist(a), testing::ElementsAre("severe_score_recent not met", kAetnaTmsForm,
                                                 kAetnaTmsLetter));
}

TEST(ReadinessTest, AetnaSpravatoCompleteChartIsReadyWithThreeDocuments) {
  const auto a = Aetna(v1::TREATMENT_SPRAVATO, Complete());
  EXPECT_EQ(Answers(a), "COVERED, READY, ADMIN: covered / auth-needed / admin / withpa / -");
  EXPECT_THAT(
      Checklist(a),
      testing::ElementsAre(
          "admin: Aetna Spravato (esketamine) precertification request form (completed and signed)",
          "admin: Letter of medical necessity from the prescribing psychiatrist",
          "admin: Clinic's SPRAVATO REMS healthcare-setting certification"));
  EXPECT_EQ(a.criteria(0).id(), "aetna_spravato_initial");
}

TEST(ReadinessTest, AetnaSpravatoWithoutAnOralAntidepressantOrREMSIsNotReady) {
  auto doc = Complete();
  doc.set_takes_oral_antidepressant(false);
  doc.clear_oral_antidepressant();
  doc.clear_rems_patient_enrolled();
  const auto a = Aetna(v1::TREATMENT_SPRAVATO, doc);
  EXPECT_EQ(Answers(a), "CRITERIA_NOT_MET, NOT_READY, BOTH: covered / auth-needed / clinical+admin / withpa / -");
  EXPECT_EQ(a.summary(),
            "Prior auth not ready: 1 criterion not met (An oral antidepressant taken alongside the treatment); 1 item "
            "missing (SPRAVATO REMS patient enrollment form signed and submitted before the first "
            "dose).");
}

TEST(ReadinessTest, AetnaSpravatoUnknownOralAntidepressantIsANoticeAndConditional) {
  auto doc = Complete();
  doc.set_oral_antidepressant("vortioxetin");
  const auto a = Aetna(v1::TREATMENT_SPRAVATO, doc);
  EXPECT_EQ(Answers(a), "CONDITIONAL, INFO_NEEDED, BOTH: conditional / auth-needed / clinical+admin / withpa / OTH");
  ASSERT_EQ(a.notices_size(), 1);
  EXPECT_EQ(a.notices(0).code(), "UNKNOWN_DRUG");
  EXPECT_THAT(a.notices(0).message(),
              StartsWith("oral_antidepressant: 'vortioxetin' is not in the drug catalog"));
  EXPECT_EQ(Checklist(a)[0], "oral_antidepressant_alongside missing");
  // A near miss: the notice and the checklist item offer the name, which is not used.
  EXPECT_THAT(a.notices(0).message(), HasSubstr("did you mean vortioxetine?"));
  EXPECT_EQ(a.checklist(0).item(),
            "Correct or confirm the name of the oral antidepressant, 'vortioxetin' (did you mean "
            "vortioxetine?): it is not in the drug catalog, so it is not recognised");
}

const v1::CriterionResult* FindResult(const v1::CriterionResult& r, const std::string& id) {
  if (r.id() == id) return &r;
  for (const auto& c : r.children()) {
    if (const v1::CriterionResult* found = FindResult(c, id)) return found;
  }
  return nullptr;
}

// The issue's example: "setraline" in the chart. Not counted as sertraline (no guess is ever a
// trial): the trials criterion is missing information, its explanation, its checklist item and the
// notice name the unrecognised drug and the suggestion; once the name is corrected, written with
// its salt and the dose as the chart had it, the same chart is ready.
TEST(ReadinessTest, AetnaTmsNearMissDrugNameIsMissingInformationAndTheCorrectedChartIsReady) {
  auto doc = Complete();
  v1::AntidepressantTrial& trial = *doc.mutable_antidepressant_history()->mutable_trials(0);
  trial.set_drug("setraline");
  const auto a = Aetna(v1::TREATMENT_TMS, doc);
  EXPECT_EQ(Answers(a),
            "CONDITIONAL, INFO_NEEDED, BOTH: conditional / auth-needed / clinical+admin / withpa / OTH");
  ASSERT_EQ(a.notices_size(), 1);
  EXPECT_EQ(a.notices(0).code(), "UNKNOWN_DRUG");
  EXPECT_EQ(a.notices(0).message(),
            "antidepressant_history.trials[0].drug: 'setraline' is not in the drug catalog; did you "
            "mean sertraline? It is not counted until the name is corrected");
  const v1::CriterionResult* trials = FindResult(a.criteria(0), "failed_two_classes_and_augmentation");
  ASSERT_NE(trials, nullptr);
  EXPECT_EQ(trials->status(), v1::CRITERION_STATUS_MISSING_INFORMATION) << trials->explanation();
  // Only bupropion counts: sertraline's trial is not taken from the suggestion.
  EXPECT_THAT(trials->explanation(), HasSubstr("found 1 adequate trial (bupropion 300 mg, 8 weeks, "
                                               "atypical)"));
  EXPECT_THAT(trials->explanation(),
              HasSubstr("'setraline' is not in the drug catalog (did you mean sertraline?)"));
  EXPECT_THAT(trials->explanation(), ::testing::Not(HasSubstr("sertraline 150 mg")));
  EXPECT_THAT(Checklist(a), testing::ElementsAre("failed_two_classes_and_augmentation missing",
                                                 kAetnaTmsForm, kAetnaTmsLetter));
  EXPECT_THAT(a.checklist(0).item(),
              StartsWith("Correct or confirm the drug name 'setraline' (did you mean sertraline?): "
                         "it is not in the drug catalog, so its trial is not counted; found 1 "
                         "adequate antidepressant trial"));
  EXPECT_THAT(a.summary(), HasSubstr("Correct or confirm the drug name 'setraline'"));

  // The name corrected as a chart would write it, salt and all; the dose with its per-day word.
  trial.set_drug("Sertraline HCl");
  trial.set_daily_dose("150mg daily");
  const auto corrected = Aetna(v1::TREATMENT_TMS, doc);
  EXPECT_EQ(Answers(corrected), "COVERED, READY, ADMIN: covered / auth-needed / admin / withpa / -");
  EXPECT_TRUE(corrected.notices().empty());
  const v1::CriterionResult* counted =
      FindResult(corrected.criteria(0), "failed_two_classes_and_augmentation");
  ASSERT_NE(counted, nullptr);
  EXPECT_THAT(counted->explanation(), HasSubstr("found 2 adequate trials (sertraline 150 mg, 10 "
                                                "weeks, SSRI; bupropion 300 mg, 8 weeks, atypical)"));
}

// Nothing close to the name: no suggestion, and still missing information, because the trial could
// change the verdict (the name may be an antidepressant the catalog lacks).
TEST(ReadinessTest, AetnaTmsFarMissDrugNameIsMissingInformationWithoutASuggestion) {
  auto doc = Complete();
  doc.mutable_antidepressant_history()->mutable_trials(0)->set_drug("protriptyline");
  const auto a = Aetna(v1::TREATMENT_TMS, doc);
  EXPECT_EQ(a.prior_auth(), v1::PRIOR_AUTH_READINESS_INFO_NEEDED);
  ASSERT_EQ(a.notices_size(), 1);
  EXPECT_THAT(a.notices(0).message(), ::testing::Not(HasSubstr("did you mean")));
  EXPECT_THAT(a.checklist(0).item(),
              StartsWith("Correct or confirm the drug name 'protriptyline': it is not in the drug "
                         "catalog, so its trial is not counted"));
}

// ---- Medicare: no prior auth
// ---------------------------------------------------------------------

TEST(ReadinessTest, MedicareTmsNeedsNoPriorAuthAndTheChartMeetsTheLcd) {
  const auto a = Medicare(v1::TREATMENT_TMS, Complete());
  EXPECT_EQ(Answers(a), "COVERED, NOT_NEEDED, NONE: covered / no-auth / - / - / -");
  EXPECT_TRUE(a.checklist().empty());
  EXPECT_EQ(a.summary(),
            "No prior auth needed; the documentation meets all 8 of the plan's coverage criteria "
            "for TMS.");
  EXPECT_EQ(a.payer_name(), "Medicare");
  EXPECT_EQ(a.criteria(0).id(), "medicare_tms_lcd_l34641");
}

TEST(ReadinessTest, MedicareTmsAcceptsIntoleranceOfTwoClassesAsTheAlternative) {
  auto doc = Complete();
  auto* trials = doc.mutable_antidepressant_history()->mutable_trials();
  trials->Mutable(0)->set_outcome(v1::TRIAL_OUTCOME_INTOLERANCE);
  trials->Mutable(0)->set_weeks(2);
  trials->Mutable(1)->set_outcome(v1::TRIAL_OUTCOME_INTOLERANCE);
  trials->Mutable(1)->set_weeks(1);
  const auto a = Medicare(v1::TREATMENT_TMS, doc);
  EXPECT_EQ(Answers(a), "COVERED, NOT_NEEDED, NONE: covered / no-auth / - / - / -");
  const auto& any_of = a.criteria(0).children(2);
  ASSERT_EQ(any_of.id(), "resistance_intolerance_or_prior_response");
  EXPECT_EQ(any_of.status(), v1::CRITERION_STATUS_MET);
  EXPECT_EQ(any_of.explanation(), "one of 3 alternatives needed; met by 2 failed trials from 2 classes in the current episode "
            "(6+ weeks at a therapeutic dose, intolerance counts)");
  EXPECT_EQ(any_of.children(0).status(), v1::CRITERION_STATUS_NOT_MET);
  EXPECT_EQ(any_of.children(2).status(), v1::CRITERION_STATUS_NOT_MET);  // a first course
}

TEST(ReadinessTest, MedicareTmsCriterionNotMetMeansNotCoveredWithoutPriorAuth) {
  auto doc = Complete();
  doc.set_age_years(17);
  const auto a = Medicare(v1::TREATMENT_TMS, doc);
  EXPECT_EQ(Answers(a), "CRITERIA_NOT_MET, NOT_NEEDED, CLINICAL: covered / no-auth / clinical / retain-doc / -");
  EXPECT_EQ(a.summary(),
            "No prior auth needed, but the plan pays for TMS only when its criteria are met: 1 "
            "criterion not met (Age 18 or older).");
  // No prior auth, so no forms to send.
  EXPECT_THAT(Checklist(a), testing::ElementsAre("adult not met"));
}

TEST(ReadinessTest, MedicareSpravatoCompleteChartIsCovered) {
  const auto a = Medicare(v1::TREATMENT_SPRAVATO, Complete());
  EXPECT_EQ(Answers(a), "COVERED, NOT_NEEDED, NONE: covered / no-auth / - / - / -");
  EXPECT_EQ(
      a.summary(),
      "No prior auth needed; the documentation meets all 6 of the plan's coverage criteria for "
      "Spravato (esketamine).");
}

TEST(ReadinessTest, MedicareSpravatoWithoutREMSEnrollmentIsConditional) {
  auto doc = Complete();
  doc.clear_rems_patient_enrolled();
  const auto a = Medicare(v1::TREATMENT_SPRAVATO, doc);
  EXPECT_EQ(Answers(a), "CONDITIONAL, NOT_NEEDED, CLINICAL: conditional / no-auth / clinical / retain-doc / OTH");
  EXPECT_EQ(a.summary(),
            "No prior auth needed, but the plan pays for Spravato (esketamine) only when its "
            "criteria are met: 1 item missing (SPRAVATO REMS patient enrollment form signed and "
            "submitted before the first dose).");
  EXPECT_THAT(Checklist(a), testing::ElementsAre("rems_patient_enrolled missing"));
}

// ---- IV ketamine: excluded by both plans
// ---------------------------------------------------------

TEST(ReadinessTest, IvKetamineIsNotCoveredNeedsNoAuthAndPointsToTheSelfPayEstimate) {
  struct Case {
    const PlanVersion& plan;
    const char* explanation;
    const char* section;
  };
  const Case cases[] = {
      {Plan("aetna", "open_access_ppo"),
       "Aetna considers ketamine infusion for depression experimental and investigational",
       "Aetna CPB 0938, Policy"},
      {Plan("medicare", "part_b"), "Medicare does not pay for ketamine infusions for depression.",
       "Social Security Act 1862(a)(1)(A)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.plan.plan.payer_id());
    // However complete the chart, an excluded treatment is not covered.
    const auto a =
        AssessReadiness(BundledRules(), c.plan, v1::TREATMENT_IV_KETAMINE, v1::NETWORK_IN_NETWORK, Complete(), kToday);
    EXPECT_EQ(Answers(a), "NOT_COVERED, NOT_NEEDED, NONE: not-covered / - / - / - / -");
    EXPECT_TRUE(a.checklist().empty());
    EXPECT_TRUE(a.criteria().empty());
    EXPECT_THAT(a.policy_section(), StartsWith(c.section));
    EXPECT_THAT(a.summary(),
                StartsWith(absl::StrCat("Not covered (", a.policy_section(), "): ", c.explanation)));
    EXPECT_THAT(a.summary(), testing::EndsWith(". No prior authorization applies."));
    ASSERT_EQ(a.notices_size(), 1);
    EXPECT_EQ(a.notices(0).code(), "SELF_PAY_ESTIMATE");
    EXPECT_EQ(a.notices(0).kind(), v1::NOTICE_KIND_WARNING);
    EXPECT_EQ(a.notices(0).message(),
              absl::StrCat("IV ketamine is not covered by ", c.plan.plan.plan_name(),
                           ". For what the patient would pay, ask EstimateCourse with coverage "
                           "self_pay (CLI: estimator quote --self_pay)."));
  }
}

// ---- nothing documented ------------------------------------------------------------------------

TEST(ReadinessTest, AbsentDocumentationIsNeverAPass) {
  struct Case {
    const char* payer;
    const char* plan;
    v1::Treatment treatment;
    bool prior_auth;
    int leaves;          // typed criteria in the tree
    int clinical_items;  // one per leaf, except an any_of with its own checklist_item is one
    int needs;           // one per criterion of the policy: alternatives are one need
  };
  const Case cases[] = {
      {"aetna", "open_access_ppo", v1::TREATMENT_TMS, true, 11, 8, 8},
      {"aetna", "open_access_ppo", v1::TREATMENT_SPRAVATO, true, 9, 8, 8},
      {"medicare", "part_b", v1::TREATMENT_TMS, false, 13, 10, 8},
      {"medicare", "part_b", v1::TREATMENT_SPRAVATO, false, 6, 6, 6},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.payer, " ", v1::Treatment_Name(c.treatment)));
    const auto a = AssessReadiness(BundledRules(), Plan(c.payer, c.plan), c.treatment, v1::NETWORK_IN_NETWORK,
                                   v1::PatientDocumentation(), kToday);
    EXPECT_EQ(Answers(a),
              c.prior_auth ? "CONDITIONAL, INFO_NEEDED, BOTH: conditional / auth-needed / clinical+admin / withpa / OTH"
                           : "CONDITIONAL, NOT_NEEDED, CLINICAL: conditional / no-auth / clinical / retain-doc / OTH");
    std::vector<const v1::CriterionResult*> leaves;
    CollectLeaves(a.criteria(0), leaves);
    for (const auto* leaf : leaves) {
      EXPECT_EQ(leaf->status(), v1::CRITERION_STATUS_MISSING_INFORMATION) << leaf->id();
    }
    int clinical = 0;
    for (const auto& item : a.checklist()) {
      if (item.kind() != v1::DOCUMENTATION_KIND_CLINICAL) continue;
      ++clinical;
      EXPECT_EQ(item.criterion_status(), v1::CRITERION_STATUS_MISSING_INFORMATION) << item.item();
    }
    EXPECT_EQ(clinical, c.clinical_items);
    EXPECT_EQ(static_cast<int>(leaves.size()), c.leaves);
    EXPECT_THAT(a.summary(), HasSubstr(absl::StrCat(": ", c.needs, " items missing (")));
  }
}

// ---- the RPC's errors and defaults -------------------------------------------------------------

v1::CheckPriorAuthReadinessRequest Request() {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id("aetna");
  r.set_plan_id("open_access_ppo");
  r.set_treatment(v1::TREATMENT_TMS);
  *r.mutable_documentation() = Complete();
  return r;
}

TEST(CheckPriorAuthReadinessTest, AnswersWithTheRuleSetVersion) {
  auto response = CheckPriorAuthReadiness(BundledRules(), Request(), kToday);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->rule_set_version(), BundledRules().version());
  EXPECT_EQ(response->assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_READY);
  EXPECT_EQ(response->assessment().as_of_date(), "2026-11-20");
}

TEST(CheckPriorAuthReadinessTest, WithoutAsOfDateTheCheckIsMadeForToday) {
  auto request = Request();
  request.mutable_documentation()->clear_as_of_date();
  auto response = CheckPriorAuthReadiness(BundledRules(), request, absl::CivilDay(2026, 11, 25));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->assessment().as_of_date(), "2026-11-25");
}

// A chart drawn at random from the pieces readiness reads, each piece sometimes absent (missing
// information), sometimes failing, sometimes meeting a criterion: drugs from the catalog and a
// misspelled one, doses, weeks, outcomes, episodes, scales, contraindications, REMS, prescribers.
v1::PatientDocumentation RandomDocumentation(std::mt19937& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto chance = [&](int percent) { return pick(100) < percent; };
  v1::PatientDocumentation d;
  if (chance(35)) {
    // The complete chart, whole or with one piece removed or made to fail.
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kComplete, &d));
    switch (pick(8)) {
      case 0: d.clear_age_years(); break;
      case 1: d.set_age_years(14); break;
      case 2: d.clear_severity_scores(); break;
      case 3: d.clear_rems_patient_enrolled(); break;
      case 4: d.clear_psychotherapy_history(); break;
      default: break;  // whole
    }
    return d;
  }
  d.set_as_of_date("2026-11-20");
  if (chance(85)) d.set_age_years(std::vector<int>{14, 15, 17, 18, 42, 66, 80}[pick(7)]);
  for (int i = pick(3); i > 0; --i) {
    d.add_diagnosis_codes(std::vector<const char*>{"F33.2", "F32.2", "F33.1", "F32.1", "F41.1",
                                                   "F33.3"}[pick(6)]);
  }
  if (chance(60)) d.set_current_episode_start("2026-01-05");
  if (chance(90)) {
    const std::vector<const char*> drugs = {"sertraline", "fluoxetine", "bupropion", "venlafaxine",
                                            "mirtazapine", "nortriptyline", "aripiprazole",
                                            "lithium", "zoloftt"};
    auto* history = d.mutable_antidepressant_history();
    for (int i = pick(5); i > 0; --i) {
      auto* t = history->add_trials();
      t->set_drug(drugs[pick(static_cast<int>(drugs.size()))]);
      if (chance(80)) t->set_daily_dose(std::vector<const char*>{"5 mg", "50 mg", "150 mg", "300 mg"}[pick(4)]);
      if (chance(85)) t->set_weeks(pick(13));
      if (chance(30)) t->set_adherence_percent(50 + pick(51));
      t->set_outcome(static_cast<v1::TrialOutcome>(pick(5)));
      t->set_episode(static_cast<v1::Episode>(pick(3)));
      if (chance(50)) t->set_start_date("2026-03-01");
    }
  }
  if (chance(70)) {
    auto* t = d.mutable_psychotherapy_history()->add_trials();
    t->set_kind(static_cast<v1::PsychotherapyKind>(1 + pick(7)));
    if (chance(80)) t->set_weeks(pick(16));
    if (chance(60)) t->set_sessions(pick(16));
    t->set_outcome(static_cast<v1::TrialOutcome>(pick(5)));
  }
  for (int i = pick(3); i > 0; --i) {
    auto* score = d.add_severity_scores();
    score->set_instrument(static_cast<v1::SeverityInstrument>(1 + pick(5)));
    score->set_score(pick(60));
    score->set_date(std::vector<const char*>{"2026-11-02", "2026-06-01", "2025-11-01"}[pick(3)]);
  }
  if (chance(70)) {
    auto* screening = d.mutable_contraindication_screening();
    if (chance(30)) screening->add_present(static_cast<v1::Contraindication>(1 + pick(5)));
  }
  if (chance(70)) d.mutable_treatment_history();
  if (chance(80)) d.set_prescriber_specialty(static_cast<v1::PrescriberSpecialty>(1 + pick(5)));
  if (chance(60)) d.set_rems_patient_enrolled(chance(70));
  if (chance(60)) d.set_takes_oral_antidepressant(chance(70));
  return d;
}

// The CRD invariants as a property: every bundled plan version, every treatment, 300 random charts
// each; and the generator reaches every verdict, so the property is not checked on one kind only.
TEST(ReadinessCrdTest, EveryAnswerMeetsTheCrdInvariants) {
  std::mt19937 rng(20261205);
  std::map<std::string, int> seen;
  int checked = 0;
  for (const PlanVersion* plan : BundledRules().AllPlanVersions()) {
    for (v1::Treatment treatment :
         {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO, v1::TREATMENT_IV_KETAMINE}) {
      for (int i = 0; i < 300; ++i) {
        const v1::PatientDocumentation documentation = RandomDocumentation(rng);
        const auto a = AssessReadiness(BundledRules(), *plan, treatment, v1::NETWORK_IN_NETWORK, documentation, kToday);
        const std::vector<std::string> violations = CrdInvariantViolations(a);
        ASSERT_TRUE(violations.empty())
            << plan->plan.payer_id() << "/" << plan->plan.plan_id() << " "
            << v1::Treatment_Name(treatment) << ": " << absl::StrJoin(violations, "; ") << "\n"
            << a.crd().ShortDebugString() << "\n" << documentation.ShortDebugString();
        ++seen[v1::CoverageRequirement_Name(a.coverage()) + " " +
               v1::PriorAuthReadiness_Name(a.prior_auth())];
        ++checked;
      }
    }
  }
  for (const char* verdict :
       {"COVERAGE_REQUIREMENT_COVERED PRIOR_AUTH_READINESS_READY",
        "COVERAGE_REQUIREMENT_COVERED PRIOR_AUTH_READINESS_NOT_NEEDED",
        "COVERAGE_REQUIREMENT_CRITERIA_NOT_MET PRIOR_AUTH_READINESS_NOT_READY",
        "COVERAGE_REQUIREMENT_CRITERIA_NOT_MET PRIOR_AUTH_READINESS_NOT_NEEDED",
        "COVERAGE_REQUIREMENT_CONDITIONAL PRIOR_AUTH_READINESS_INFO_NEEDED",
        "COVERAGE_REQUIREMENT_CONDITIONAL PRIOR_AUTH_READINESS_NOT_NEEDED",
        "COVERAGE_REQUIREMENT_NOT_COVERED PRIOR_AUTH_READINESS_NOT_NEEDED"}) {
    EXPECT_GT(seen[verdict], 0) << "the generated charts never gave " << verdict;
  }
  std::string counts;
  for (const auto& [verdict, n] : seen) absl::StrAppend(&counts, "\n  ", verdict, ": ", n);
  std::cerr << checked << " answers checked against the CRD invariants:" << counts << "\n";
}

// The issue's reproduction: Aetna TMS for a 14-year-old. The plan covers TMS from 15 (the file's
// reading of CPB 0469); the answer must be CRD-valid and must not say "not covered".
TEST(ReadinessCrdTest, AnAetnaTmsPatientUnderTheMinimumAgeIsCoveredOnCriteriaNotMet) {
  v1::PatientDocumentation documentation;
  documentation.set_as_of_date("2026-11-20");
  documentation.set_age_years(14);
  const auto a = AssessReadiness(BundledRules(), Plan("aetna", "open_access_ppo"), v1::TREATMENT_TMS, v1::NETWORK_IN_NETWORK,
                                 documentation, kToday);
  EXPECT_EQ(Answers(a),
            "CRITERIA_NOT_MET, NOT_READY, BOTH: covered / auth-needed / clinical+admin / withpa / -");
}

TEST(CheckPriorAuthReadinessTest, AbsentDocumentationIsConditional) {
  auto request = Request();
  request.clear_documentation();
  auto response = CheckPriorAuthReadiness(BundledRules(), request, kToday);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->assessment().coverage(), v1::COVERAGE_REQUIREMENT_CONDITIONAL);
  EXPECT_EQ(response->assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_INFO_NEEDED);
}

TEST(CheckPriorAuthReadinessTest, UnknownPayerOrPlanIsNotFoundNamingTheField) {
  auto request = Request();
  request.set_payer_id("no_such_payer");
  auto response = CheckPriorAuthReadiness(BundledRules(), request, kToday);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(response.status().message(), "payer_id: no payer 'no_such_payer' (see ListPayers)");

  request = Request();
  request.set_plan_id("hmo");
  response = CheckPriorAuthReadiness(BundledRules(), request, kToday);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(response.status().message(),
            "plan_id: payer 'aetna' has no plan 'hmo' (see ListPayers)");
}

TEST(CheckPriorAuthReadinessTest, NoPlanVersionOnTheDayIsNotFoundNamingTheDateField) {
  auto request = Request();
  request.set_planned_start_date("2024-12-31");
  auto response = CheckPriorAuthReadiness(BundledRules(), request, kToday);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(
      response.status().message(),
      "planned_start_date: no version of aetna/open_access_ppo is in effect on 2024-12-31 (the "
      "first starts 2025-01-01)");

  // Without a planned start, the day of the check picks the version.
  request = Request();
  request.mutable_documentation()->Clear();
  request.mutable_documentation()->set_as_of_date("2024-06-30");
  response = CheckPriorAuthReadiness(BundledRules(), request, kToday);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(response.status().message()),
              StartsWith("documentation.as_of_date: no version of aetna/open_access_ppo is in "
                         "effect on 2024-06-30"));
}

TEST(CheckPriorAuthReadinessTest, PlannedStartPicksThePlanVersionButNotTheDayOfTheCheck) {
  auto request = Request();
  request.set_planned_start_date("2026-12-14");
  auto response = CheckPriorAuthReadiness(BundledRules(), request, kToday);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->assessment().as_of_date(), "2026-11-20");
  EXPECT_EQ(response->assessment().plan_effective_from(), "2026-01-01");
}

TEST(CheckPriorAuthReadinessTest, InvalidRequestIsRefusedBeforeAnyLookup) {
  auto request = Request();
  request.set_payer_id("");
  EXPECT_EQ(CheckPriorAuthReadiness(BundledRules(), request, kToday).status().code(),
            absl::StatusCode::kInvalidArgument);

  request = Request();
  request.set_payer_id("no_such_payer");  // unknown, but the documentation is refused first
  request.mutable_documentation()->mutable_severity_scores(0)->set_score(28);
  auto response = CheckPriorAuthReadiness(BundledRules(), request, kToday);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(response.status().message()),
              StartsWith("documentation.severity_scores[0].score: "));
}

}  // namespace
}  // namespace estimator
