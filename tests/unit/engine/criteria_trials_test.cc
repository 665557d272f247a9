// The trial checks (criteria_trials.cc) judged against a patient's documentation: failed
// antidepressant trials (classes, therapeutic doses from the bundled catalog, adherence, episodes,
// augmentation) and psychotherapy, at the edges of every threshold.
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

// ---- failed antidepressant trials ---------------------------------------------------------------

// An adequate failed SSRI trial: twice sertraline's 50 mg catalog minimum, for 8 weeks; `more` adds
// fields it does not set.
std::string Sertraline(const std::string& more = "") {
  return absl::StrCat(R"(drug: "sertraline" daily_dose: "100 mg" weeks: 8 )",
                      R"(outcome: TRIAL_OUTCOME_NO_RESPONSE )", more);
}
// A failed trial of another class (atypical; catalog minimum 300 mg) lasting `weeks`.
std::string Bupropion(int weeks = 8) {
  return absl::StrCat(R"(drug: "bupropion" daily_dose: "300 mg" weeks: )", weeks,
                      " outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE");
}

constexpr char kTwoClassesText[] =
    "2 failed trials from 2 classes (6+ weeks at a therapeutic dose, intolerance does not count) "
    "required; found ";

constexpr char kOneTrial[] = R"pb(
  id: "one_trial"
  policy_section: "Test policy 2.2"
  failed_antidepressant_trials { min_trials: 1 min_weeks: 6 adequate_dose_required: true })pb";
constexpr char kOneTrialText[] =
    "1 failed trial (6+ weeks at a therapeutic dose, intolerance does not count) required; found ";

TEST_F(CriteriaTest, FailedTrialsIssueExampleOneAdequateAndOneTooShort) {
  const auto r = Judge(kTwoClasses, Trials({Sertraline(), R"pb(
                                              drug: "escitalopram"
                                              daily_dose: "10 mg"
                                              weeks: 3
                                              outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE)pb"}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.id(), "two_classes");
  EXPECT_EQ(r.kind(), "failed_antidepressant_trials");
  EXPECT_EQ(r.policy_section(), "Test policy 2.1");
  EXPECT_EQ(
      r.explanation(),
      "2 failed trials from 2 classes (6+ weeks at a therapeutic dose, intolerance does not "
      "count) required; found 1 adequate trial (sertraline 100 mg, 8 weeks, SSRI) from 1 class; "
      "escitalopram trial was 3 weeks, under the 6-week minimum");
  EXPECT_THAT(r.evidence(),
              ElementsAre("antidepressant_history.trials[0]: sertraline 100 mg a day, 8 weeks, no "
                          "response (SSRI, therapeutic from 50 mg)",
                          "antidepressant_history.trials[1]: escitalopram 10 mg a day, 3 weeks, "
                          "partial response (SSRI, therapeutic from 10 mg)"));
  EXPECT_TRUE(notices_.empty());
}

TEST_F(CriteriaTest, FailedTrialsExactlyTheMinimumWeeksCountsAndOneWeekLessDoesNot) {
  auto r = Judge(kTwoClasses, Trials({Sertraline(), Bupropion(6)}));
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.explanation(),
            std::string(kTwoClassesText) +
                "2 adequate trials (sertraline 100 mg, 8 weeks, SSRI; bupropion 300 mg, 6 weeks, "
                "atypical) from 2 classes");
  EXPECT_EQ(r.evidence_size(), 2);

  r = Judge(kTwoClasses, Trials({Sertraline(), Bupropion(5)}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(),
            std::string(kTwoClassesText) +
                "1 adequate trial (sertraline 100 mg, 8 weeks, SSRI) from 1 class; bupropion trial "
                "was 5 weeks, under the 6-week minimum");
}

TEST_F(CriteriaTest, FailedTrialsOfOneWeekSayWeekInTheSingular) {
  const auto r = Judge(kOneTrial, Trials({R"pb(
                                            drug: "sertraline"
                                            daily_dose: "100 mg"
                                            weeks: 1
                                            outcome: TRIAL_OUTCOME_NO_RESPONSE)pb"}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_THAT(r.explanation(), HasSubstr("was 1 week,"));
  EXPECT_THAT(r.evidence(0), HasSubstr(", 1 week,"));
}

TEST_F(CriteriaTest, FailedTrialsWithoutAnyAntidepressantHistoryIsMissingInformation) {
  const auto r = Judge(kTwoClasses, "age_years: 40");
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(),
            "2 failed trials from 2 classes (6+ weeks at a therapeutic dose, intolerance does not "
            "count) required; no antidepressant history documented");
  EXPECT_TRUE(r.evidence().empty());
}

TEST_F(CriteriaTest, FailedTrialsWithAnEmptyHistoryIsNotMet) {
  // `antidepressant_history {}` says "documented: none", which is an answer.
  const auto r = Judge(kTwoClasses, "antidepressant_history {}");
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(),
            std::string(kTwoClassesText) + "0 adequate trials; no trials documented");
}

TEST_F(CriteriaTest, FailedTrialsWithWeeksOrOutcomeUndocumentedIsMissingInformation) {
  const auto r = Judge(kTwoClasses, Trials({Sertraline(), R"pb(drug: "venlafaxine"
                                                               daily_dose: "150 mg")pb"}));
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_THAT(r.explanation(), HasSubstr("; venlafaxine trial: outcome and weeks not documented"));
  EXPECT_EQ(r.evidence(1),
            "antidepressant_history.trials[1]: venlafaxine 150 mg a day, weeks not documented, "
            "outcome not documented (SNRI, therapeutic from 75 mg)");
}

TEST_F(CriteriaTest, FailedTrialsTwoOfTheSameClassDoNotMakeTwoClasses) {
  const auto r = Judge(kTwoClasses, Trials({Sertraline(), R"pb(
                                              drug: "escitalopram"
                                              daily_dose: "20 mg"
                                              weeks: 10
                                              outcome: TRIAL_OUTCOME_NO_RESPONSE)pb"}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(
      r.explanation(),
      std::string(kTwoClassesText) +
          "2 adequate trials (sertraline 100 mg, 8 weeks, SSRI; escitalopram 20 mg, 10 weeks, "
          "SSRI) from 1 class");
}

TEST_F(CriteriaTest, FailedTrialsIntoleranceCountsOnlyWherePolicySaysSo) {
  // Stopped for side effects after two weeks at a starting dose.
  const std::string documentation = Trials({Sertraline(), R"pb(
                                              drug: "venlafaxine"
                                              daily_dose: "37.5 mg"
                                              weeks: 2
                                              outcome: TRIAL_OUTCOME_INTOLERANCE)pb"});
  // Where intolerance counts, it counts whatever the trial's length and dose.
  const auto counted = Judge(R"pb(
                               id: "intolerance_counts"
                               policy_section: "P"
                               failed_antidepressant_trials {
                                 min_trials: 2
                                 min_distinct_classes: 2
                                 min_weeks: 6
                                 adequate_dose_required: true
                                 intolerance_counts: true
                               })pb",
                             documentation);
  EXPECT_EQ(counted.status(), kMet);
  EXPECT_EQ(counted.explanation(),
            "2 failed trials from 2 classes (6+ weeks at a therapeutic dose, intolerance counts) "
            "required; found 2 adequate trials (sertraline 100 mg, 8 weeks, SSRI; venlafaxine 37.5 "
            "mg, stopped for intolerance, SNRI) from 2 classes");
  EXPECT_EQ(counted.evidence(1),
            "antidepressant_history.trials[1]: venlafaxine 37.5 mg a day, 2 weeks, stopped for "
            "intolerance (SNRI, therapeutic from 75 mg)");

  const auto not_counted = Judge(kTwoClasses, documentation);
  EXPECT_EQ(not_counted.status(), kNotMet);
  EXPECT_EQ(
      not_counted.explanation(),
      std::string(kTwoClassesText) +
          "1 adequate trial (sertraline 100 mg, 8 weeks, SSRI) from 1 class; venlafaxine trial "
          "was stopped for intolerance, which this policy does not count");
}

TEST_F(CriteriaTest, FailedTrialsDoseExactlyAtTheCatalogMinimumCounts) {
  // Catalog: sertraline 50 mg a day; the brand name is looked up too.
  const auto r = Judge(kOneTrial, Trials({R"pb(
                                            drug: "Zoloft"
                                            daily_dose: "50 mg"
                                            weeks: 6
                                            outcome: TRIAL_OUTCOME_NO_RESPONSE
                                          )pb"}));
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.explanation(),
            std::string(kOneTrialText) + "1 adequate trial (sertraline 50 mg, 6 weeks, SSRI)");
  EXPECT_TRUE(notices_.empty());
}

TEST_F(CriteriaTest, FailedTrialsDoseJustUnderTheCatalogMinimumDoesNotCount) {
  const std::string documentation = Trials({R"pb(
                                              drug: "sertraline"
                                              daily_dose: "49.5 mg"
                                              weeks: 12
                                              outcome: TRIAL_OUTCOME_NO_RESPONSE)pb"});
  const auto r = Judge(kOneTrial, documentation);
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(), std::string(kOneTrialText) +
                                 "0 adequate trials; sertraline trial at 49.5 mg a day is under "
                                 "the 50 mg therapeutic dose");
  // A policy that does not ask for an adequate dose takes it.
  const auto any_dose = Judge(R"pb(
                                id: "any_dose"
                                policy_section: "P"
                                failed_antidepressant_trials { min_trials: 1 min_weeks: 6 })pb",
                              documentation);
  EXPECT_EQ(any_dose.status(), kMet);
  EXPECT_THAT(any_dose.explanation(), HasSubstr("(6+ weeks, intolerance does not count)"));
}

TEST_F(CriteriaTest, FailedTrialsMicrogramDosesAreComparedExactly) {
  // Catalog: liothyronine (T3) 25 mcg; as an augmentation agent it is not an antidepressant trial.
  const std::string criterion = R"pb(
    id: "augmented"
    policy_section: "P"
    failed_antidepressant_trials {
      min_trials: 1
      min_weeks: 6
      adequate_dose_required: true
      min_augmentation_trials: 1
    })pb";
  const auto at_minimum = Judge(criterion, Trials({Sertraline(), R"pb(
                                                     drug: "T3"
                                                     daily_dose: "25 mcg"
                                                     weeks: 6
                                                     outcome: TRIAL_OUTCOME_NO_RESPONSE
                                                   )pb"}));
  EXPECT_EQ(at_minimum.status(), kMet);
  EXPECT_THAT(at_minimum.explanation(),
              HasSubstr("; augmentation trial: liothyronine 25 mcg, 6 weeks, thyroid hormone"));

  const auto under = Judge(criterion, Trials({Sertraline(), R"pb(
                                                drug: "T3"
                                                daily_dose: "24 mcg"
                                                weeks: 6
                                                outcome: TRIAL_OUTCOME_NO_RESPONSE
                                              )pb"}));
  EXPECT_EQ(under.status(), kNotMet);
  EXPECT_THAT(under.explanation(), HasSubstr("; no augmentation trial; "));
  EXPECT_THAT(under.explanation(),
              HasSubstr("liothyronine trial at 24 mcg a day is under the 25 mcg therapeutic dose"));
}

TEST_F(CriteriaTest, FailedTrialsAdherenceBelowTheMinimumDoesNotCount) {
  const std::string criterion = R"pb(
    id: "adherent"
    policy_section: "P"
    failed_antidepressant_trials { min_trials: 1 min_weeks: 6 min_adherence_percent: 80 })pb";
  const auto below = Judge(criterion, Trials({Sertraline("adherence_percent: 79")}));
  EXPECT_EQ(below.status(), kNotMet);
  EXPECT_EQ(
      below.explanation(),
      "1 failed trial (6+ weeks, 80%+ adherence, intolerance does not count) required; found 0 "
      "adequate trials; sertraline trial had 79% adherence, under 80%");
  EXPECT_THAT(below.evidence(0), HasSubstr("no response, adherence 79%"));

  const auto at = Judge(criterion, Trials({Sertraline("adherence_percent: 80")}));
  EXPECT_EQ(at.status(), kMet);

  const auto undocumented = Judge(criterion, Trials({Sertraline()}));
  EXPECT_EQ(undocumented.status(), kMissing);
  EXPECT_THAT(undocumented.explanation(),
              HasSubstr("; sertraline trial: adherence not documented"));
}

constexpr char kCurrentEpisode[] = R"pb(
  id: "current_episode"
  policy_section: "P"
  failed_antidepressant_trials { min_trials: 1 min_weeks: 6 current_episode_only: true })pb";
constexpr char kEpisodeStart[] = R"pb(current_episode_start: "2026-03-01")pb";

TEST_F(CriteriaTest, FailedTrialsInAnEarlierEpisodeDoNotCountWhenOnlyTheCurrentOneDoes) {
  const std::string documentation = Trials({Sertraline("episode: EPISODE_EARLIER")});
  const auto r = Judge(kCurrentEpisode, documentation);
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(
      r.explanation(),
      "1 failed trial in the current episode (6+ weeks, intolerance does not count) required; "
      "found 0 adequate trials; sertraline trial was in an earlier episode");
  EXPECT_EQ(r.evidence(0),
            "antidepressant_history.trials[0]: sertraline 100 mg a day, 8 weeks, no response, "
            "earlier episode (SSRI, therapeutic from 50 mg)");

  const auto any_episode = Judge(kOneTrial, documentation);
  EXPECT_EQ(any_episode.status(), kMet);
}

TEST_F(CriteriaTest, FailedTrialsEpisodeIsDerivedFromStartDateAndEpisodeStart) {
  // Started the day before the episode: earlier.
  auto r =
      Judge(kCurrentEpisode, kEpisodeStart + Trials({Sertraline(R"(start_date: "2026-02-28")")}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_THAT(r.explanation(), HasSubstr("sertraline trial was in an earlier episode"));

  // Started on the episode's first day: current.
  r = Judge(kCurrentEpisode, kEpisodeStart + Trials({Sertraline(R"(start_date: "2026-03-01")")}));
  EXPECT_EQ(r.status(), kMet);
  EXPECT_THAT(r.evidence(0), HasSubstr("no response, current episode (SSRI"));

  // What the clinic wrote wins over the dates.
  r = Judge(
      kCurrentEpisode,
      kEpisodeStart + Trials({Sertraline(R"(start_date: "2025-10-01" episode: EPISODE_CURRENT)")}));
  EXPECT_EQ(r.status(), kMet);
}

TEST_F(CriteriaTest, FailedTrialsEpisodeUnknownWithoutBothDatesIsMissingInformation) {
  for (const std::string& documentation : {
           // A start date but no episode start.
           Trials({Sertraline(R"(start_date: "2026-03-01")")}),
           // An episode start but no start date.
           kEpisodeStart + Trials({Sertraline()}),
       }) {
    const auto r = Judge(kCurrentEpisode, documentation);
    EXPECT_EQ(r.status(), kMissing) << documentation;
    EXPECT_THAT(
        r.explanation(),
        HasSubstr("; sertraline trial: whether it was in the current episode not documented"));
  }
}

// A trial of a drug the catalog does not know (a misspelt brand name, one edit from "zoloft").
constexpr char kZoloftt[] =
    R"pb(drug: "zoloftt" daily_dose: "100 mg" weeks: 8 outcome: TRIAL_OUTCOME_NO_RESPONSE)pb";

// A near miss: not counted, never counted as the drug it resembles; the criterion that its trial
// could meet is missing information, and the explanation, the gap and the notice all name it with
// the suggestion.
TEST_F(CriteriaTest, FailedTrialsNearMissIsMissingInformationWithASuggestion) {
  const auto r = Judge(kTwoClasses, Trials({Sertraline(), kZoloftt}));
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(
      r.explanation(),
      std::string(kTwoClassesText) +
          "1 adequate trial (sertraline 100 mg, 8 weeks, SSRI) from 1 class; 'zoloftt' is not "
          "in the drug catalog (did you mean zoloft?)");
  EXPECT_EQ(r.gap(),
            "Correct or confirm the drug name 'zoloftt' (did you mean zoloft?): it is not in the "
            "drug catalog, so its trial is not counted; found 1 adequate antidepressant trial from "
            "1 class; add 1 antidepressant trial from a class not yet tried, of at least 6 weeks at "
            "a therapeutic dose");
  EXPECT_EQ(r.evidence(1),
            "antidepressant_history.trials[1]: zoloftt 100 mg a day, 8 weeks, no response (not in "
            "the drug catalog)");
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_EQ(notices_[0].code(), "UNKNOWN_DRUG");
  EXPECT_EQ(notices_[0].kind(), v1::NOTICE_KIND_WARNING);
  EXPECT_EQ(notices_[0].message(),
            "antidepressant_history.trials[1].drug: 'zoloftt' is not in the drug catalog; did you "
            "mean zoloft? It is not counted until the name is corrected");

  // Had the suggestion been taken, zoloft (sertraline) would be a second SSRI and could not give the
  // second class: the answer is missing information all the same, because the suggestion is never
  // used to judge, only offered.
  const auto same_class = Judge(kTwoClasses, Trials({Sertraline(), R"pb(
    drug: "setraline" daily_dose: "100 mg" weeks: 8 outcome: TRIAL_OUTCOME_NO_RESPONSE)pb"}));
  EXPECT_EQ(same_class.status(), kMissing) << same_class.explanation();
  EXPECT_THAT(same_class.explanation(),
              HasSubstr("'setraline' is not in the drug catalog (did you mean sertraline?)"));
}

// Nothing close: no suggestion, and still missing information where the trial could change the
// verdict: the name may be a real antidepressant the catalog lacks (nefazodone, protriptyline...).
TEST_F(CriteriaTest, FailedTrialsFarMissIsMissingInformationWithoutASuggestion) {
  const auto r = Judge(kTwoClasses, Trials({Sertraline(), R"pb(
    drug: "nefazodone" daily_dose: "400 mg" weeks: 8 outcome: TRIAL_OUTCOME_NO_RESPONSE)pb"}));
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_THAT(r.explanation(), HasSubstr("; 'nefazodone' is not in the drug catalog"));
  EXPECT_THAT(r.explanation(), ::testing::Not(HasSubstr("did you mean")));
  EXPECT_THAT(r.gap(), HasSubstr("Correct or confirm the drug name 'nefazodone': it is not in the "
                                 "drug catalog, so its trial is not counted; found 1 adequate"));
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_EQ(notices_[0].message(),
            "antidepressant_history.trials[1].drug: 'nefazodone' is not in the drug catalog, so it "
            "is not counted; check the spelling or use the generic name");
}

// One unrecognised trial can add at most one trial: where two more are needed, correcting its name
// cannot meet the criterion, so it is not met (and the gap still asks for the name).
TEST_F(CriteriaTest, FailedTrialsAnUnknownDrugCountsForAtMostOneTrial) {
  const auto r = Judge(kTwoClasses, Trials({kZoloftt}));
  EXPECT_EQ(r.status(), kNotMet) << r.explanation();
  EXPECT_THAT(r.gap(), HasSubstr("Correct or confirm the drug name 'zoloftt' (did you mean "
                                 "zoloft?)"));
  EXPECT_THAT(r.gap(), HasSubstr("add 2 antidepressant trials from classes not yet tried"));

  // Two unrecognised names: each could be one trial, so together they could meet it.
  const auto two = Judge(kTwoClasses, Trials({kZoloftt, R"pb(
    drug: "xyzzy" daily_dose: "100 mg" weeks: 8 outcome: TRIAL_OUTCOME_NO_RESPONSE)pb"}));
  EXPECT_EQ(two.status(), kMissing) << two.explanation();
  EXPECT_THAT(two.gap(), HasSubstr("Correct or confirm the drug names 'zoloftt' (did you mean "
                                   "zoloft?) and 'xyzzy': they are not in the drug catalog, so "
                                   "their trials are not counted; found 0"));
}

// Salt and release forms are the drug itself: counted, with no notice.
TEST_F(CriteriaTest, FailedTrialsSaltAndReleaseFormsAreTheDrug) {
  const auto r = Judge(kTwoClasses, Trials({R"pb(
    drug: "Sertraline HCl" daily_dose: "100mg daily" weeks: 8 outcome: TRIAL_OUTCOME_NO_RESPONSE)pb",
                                            R"pb(
    drug: "bupropion hydrochloride XL" daily_dose: "300 mg/day" weeks: 8
    outcome: TRIAL_OUTCOME_NO_RESPONSE)pb"}));
  EXPECT_EQ(r.status(), kMet) << r.explanation();
  EXPECT_THAT(r.explanation(), HasSubstr("found 2 adequate trials (sertraline 100 mg, 8 weeks, SSRI; "
                                         "bupropion 300 mg, 8 weeks, atypical)"));
  EXPECT_TRUE(notices_.empty());
}

TEST_F(CriteriaTest, FailedTrialsUnknownDrugCannotRescueAPolicyAlreadyMet) {
  const auto r = Judge(kOneTrial, Trials({Sertraline(), kZoloftt}));
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(notices_.size(), 1u);  // still reported
}

TEST_F(CriteriaTest, FailedTrialsAResponseIsNotAFailureWhateverTheDrug) {
  const auto known = Judge(kOneTrial, Trials({R"pb(
                                                drug: "sertraline"
                                                daily_dose: "100 mg"
                                                weeks: 8
                                                outcome: TRIAL_OUTCOME_RESPONSE
                                              )pb"}));
  EXPECT_EQ(known.status(), kNotMet);
  EXPECT_THAT(known.explanation(), HasSubstr("; sertraline trial responded (not a failure)"));

  // A trial that responded can never count, so the drug's spelling cannot change the answer.
  const auto unknown = Judge(kOneTrial, Trials({R"pb(
                                                  drug: "zoloftt"
                                                  daily_dose: "100 mg"
                                                  weeks: 8
                                                  outcome: TRIAL_OUTCOME_RESPONSE
                                                )pb"}));
  EXPECT_EQ(notices_.size(), 1u);
  // A trial that responded is not a failure whatever the drug: not met, not missing information.
  EXPECT_EQ(unknown.status(), kNotMet) << unknown.explanation();
}

constexpr char kAugmentation[] = R"pb(
  id: "augmentation"
  policy_section: "P"
  failed_antidepressant_trials {
    min_trials: 2
    min_distinct_classes: 2
    min_weeks: 6
    adequate_dose_required: true
    min_augmentation_trials: 1
  })pb";

TEST_F(CriteriaTest, FailedTrialsAugmentationRequiredWithoutOneIsNotMet) {
  const auto r = Judge(kAugmentation, Trials({Sertraline(), Bupropion()}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(
      r.explanation(),
      "2 failed trials from 2 classes, plus an augmentation trial (6+ weeks at a therapeutic "
      "dose, intolerance does not count) required; found 2 adequate trials (sertraline 100 mg, "
      "8 weeks, SSRI; bupropion 300 mg, 8 weeks, atypical) from 2 classes; no augmentation trial");
}

TEST_F(CriteriaTest, FailedTrialsAugmentationMetByAnAugmentationAgent) {
  const auto r = Judge(kAugmentation, Trials({Sertraline(), Bupropion(), R"pb(
                                                drug: "aripiprazole"
                                                daily_dose: "5 mg"
                                                weeks: 6
                                                outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE)pb"}));
  EXPECT_EQ(r.status(), kMet);
  // The antipsychotic is not one of the antidepressant trials: it is listed on its own.
  EXPECT_EQ(
      r.explanation(),
      "2 failed trials from 2 classes, plus an augmentation trial (6+ weeks at a therapeutic "
      "dose, intolerance does not count) required; found 2 adequate trials (sertraline 100 "
      "mg, 8 weeks, SSRI; bupropion 300 mg, 8 weeks, atypical) from 2 classes; augmentation "
      "trial: aripiprazole 5 mg, 6 weeks, antipsychotic");
  EXPECT_EQ(r.evidence(2),
            "antidepressant_history.trials[2]: aripiprazole 5 mg a day, 6 weeks, partial response "
            "(antipsychotic, therapeutic from 2 mg, augmentation)");
}

// "Four trials: two antidepressants and two augmentations" (BCBS Michigan): one augmentation is
// not enough; two are.
TEST_F(CriteriaTest, FailedTrialsTwoAugmentationsRequiredCountsThem) {
  const std::string two = absl::StrReplaceAll(kAugmentation, {{"min_augmentation_trials: 1",
                                                               "min_augmentation_trials: 2"}});
  const char* aripiprazole = R"pb(
    drug: "aripiprazole" daily_dose: "5 mg" weeks: 6 outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE)pb";
  const char* mirtazapine_added = R"pb(
    drug: "mirtazapine" daily_dose: "30 mg" weeks: 6 outcome: TRIAL_OUTCOME_NO_RESPONSE
    augmentation: true)pb";
  const auto one = Judge(two, Trials({Sertraline(), Bupropion(), aripiprazole}));
  EXPECT_EQ(one.status(), kNotMet);
  EXPECT_THAT(one.explanation(), StartsWith("2 failed trials from 2 classes, plus 2 augmentation "
                                            "trials (6+ weeks"));
  EXPECT_THAT(one.explanation(), EndsWith("; 1 of 2 augmentation trials"));
  const auto both =
      Judge(two, Trials({Sertraline(), Bupropion(), aripiprazole, mirtazapine_added}));
  EXPECT_EQ(both.status(), kMet) << both.explanation();
}

TEST_F(CriteriaTest, FailedTrialsAugmentationMetByATrialMarkedAugmentation) {
  const auto r = Judge(kAugmentation, Trials({Sertraline(), Bupropion(), R"pb(
                                                drug: "mirtazapine"
                                                daily_dose: "30 mg"
                                                weeks: 6
                                                outcome: TRIAL_OUTCOME_NO_RESPONSE
                                                augmentation: true)pb"}));
  EXPECT_EQ(r.status(), kMet);
  EXPECT_THAT(
      r.explanation(),
      HasSubstr("found 3 adequate trials (sertraline 100 mg, 8 weeks, SSRI; bupropion 300 mg, "
                "8 weeks, atypical; mirtazapine 30 mg, 6 weeks, atypical, augmentation)"));
}

TEST_F(CriteriaTest, FailedTrialsAugmentationTooShortDoesNotCount) {
  const auto r = Judge(kAugmentation, Trials({Sertraline(), Bupropion(), R"pb(
                                                drug: "quetiapine"
                                                daily_dose: "150 mg"
                                                weeks: 4
                                                outcome: TRIAL_OUTCOME_NO_RESPONSE)pb"}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_THAT(r.explanation(),
              HasSubstr("; no augmentation trial; quetiapine trial was 4 weeks, under the 6-week "
                        "minimum"));
}

TEST_F(CriteriaTest, FailedTrialsAnAntidepressantUsedAsAugmentationCountsBothWays) {
  // The engine's reading of "one counted trial must be of an augmentation agent (or a drug marked
  // as used for augmentation)": bupropion added to sertraline is both the second class and the
  // augmentation, so two trials meet a policy that reads as asking for three. See the report.
  const auto r = Judge(kAugmentation,
                       Trials({Sertraline(), absl::StrCat(Bupropion(), " augmentation: true")}));
  EXPECT_EQ(r.status(), kMet);
}

// ---- psychotherapy ------------------------------------------------------------------------------

std::string Therapies(std::initializer_list<std::string> trials) {
  return Section("psychotherapy_history", "trials", trials);
}

constexpr char kTherapyText[] =
    "a failed trial of psychotherapy (6+ weeks; CBT or interpersonal therapy) required";

TEST_F(CriteriaTest, PsychotherapyMetExactlyAtTheMinimumWeeks) {
  const auto r = Judge(kTherapy, Therapies({R"pb(
                                              kind: PSYCHOTHERAPY_KIND_CBT
                                              weeks: 6
                                              sessions: 6
                                              outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE
                                            )pb"}));
  EXPECT_EQ(r.status(), kMet);
  EXPECT_EQ(r.kind(), "psychotherapy_trial");
  EXPECT_EQ(r.explanation(),
            std::string(kTherapyText) + "; found CBT, 6 weeks, 6 sessions, partial response");
  EXPECT_THAT(
      r.evidence(),
      ElementsAre("psychotherapy_history.trials[0]: CBT, 6 weeks, 6 sessions, partial response"));
}

TEST_F(CriteriaTest, PsychotherapyOneWeekShortOrOfAKindNotAcceptedIsNotMet) {
  const auto r = Judge(kTherapy, Therapies({R"pb(kind: PSYCHOTHERAPY_KIND_IPT
                                                 weeks: 5
                                                 outcome: TRIAL_OUTCOME_NO_RESPONSE)pb",
                                            R"pb(kind: PSYCHOTHERAPY_KIND_OTHER
                                                 weeks: 30
                                                 outcome: TRIAL_OUTCOME_NO_RESPONSE)pb"}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(),
            std::string(kTherapyText) +
                "; interpersonal therapy trial was 5 weeks, under the 6-week minimum; "
                "other psychotherapy is not an accepted kind");
}

TEST_F(CriteriaTest, PsychotherapyTooFewSessionsIsNotMet) {
  const auto r =
      Judge(
          R"pb(
            id: "sessions"
            policy_section: "P"
            psychotherapy_trial { min_sessions: 12 })pb",
          Therapies({R"pb(kind: PSYCHOTHERAPY_KIND_DBT
                          sessions: 11
                          outcome: TRIAL_OUTCOME_NO_RESPONSE)pb"}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(
      r.explanation(),
      "a failed trial of psychotherapy (12+ sessions) required; DBT trial had 11 sessions, under "
      "the 12 required");
}

TEST_F(CriteriaTest, PsychotherapyMissingInformation) {
  auto r = Judge(kTherapy, "age_years: 40");
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(), std::string(kTherapyText) + "; no psychotherapy history documented");

  r = Judge(kTherapy, Therapies({R"pb(kind: PSYCHOTHERAPY_KIND_CBT
                                      outcome: TRIAL_OUTCOME_NO_RESPONSE)pb"}));
  EXPECT_EQ(r.status(), kMissing);
  EXPECT_EQ(r.explanation(), std::string(kTherapyText) + "; CBT trial: weeks not documented");

  r = Judge(kTherapy, "psychotherapy_history {}");
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_EQ(r.explanation(), std::string(kTherapyText) + "; no psychotherapy trials documented");
}

TEST_F(CriteriaTest, PsychotherapyThatWorkedIsNotAFailedTrial) {
  const auto r = Judge(kTherapy, Therapies({R"pb(kind: PSYCHOTHERAPY_KIND_CBT
                                                 weeks: 12
                                                 outcome: TRIAL_OUTCOME_RESPONSE)pb"}));
  EXPECT_EQ(r.status(), kNotMet);
  EXPECT_THAT(r.explanation(), HasSubstr("; CBT trial responded (not a failure)"));
}


}  // namespace
}  // namespace testing_criteria
}  // namespace estimator
