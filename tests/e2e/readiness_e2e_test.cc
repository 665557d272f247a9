// End-to-end tests of prior-authorization readiness: the real estimator_server binary, started as a
// child process on a free port, called over a real gRPC channel.
//
// Each patient is a PatientDocumentation in proto JSON under tests/testdata/documentation/, named
// after the scenario so a billing person can read it. For each bundled plan (Medicare Part B, Aetna
// Open Access PPO) and for TMS and Spravato there is a ready patient, one whose documentation shows
// a criterion not met, and one with something undocumented; the verdicts, the CRD answers, the
// summary sentence, the deciding criterion's explanation and the checklist are asserted. Expected
// checklist texts and administrative documents are read from the plan files named by ListPayers.
// Then estimates with documentation (priced at self-pay until the criteria are shown met) and bad
// documentation.
//
// Every document says as_of_date 2026-11-20, so nothing here depends on the clock.
//
// Environment (set by ctest): ESTIMATOR_SERVER (the binary), ESTIMATOR_SOURCE_DIR (repo root).
#include "service/common/dose.h"
#include "tests/e2e/readiness_e2e_support.h"
#include "tests/unit/engine/crd_invariants.h"

namespace estimator::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// ---- ready, not ready and incomplete, per plan and treatment ----------------------------------------

struct Scenario {
  const char* file;  // tests/testdata/documentation/<file>.json
  const char* payer;
  const char* plan;
  v1::Treatment treatment;
  v1::CoverageRequirement coverage;
  v1::PriorAuthReadiness prior_auth;
  v1::DocumentationNeeded documentation_needed;
  const char* crd_covered;
  const char* crd_pa_needed;
  const char* crd_doc_needed;
  // The whole summary sentence ("" when not pinned), and a part of it that must appear in any case.
  const char* summary;
  const char* summary_part;
  // The criterion that decides the verdict (the policy's root when everything is met), its status
  // and the meaningful part of its explanation.
  const char* criterion;
  v1::CriterionStatus criterion_status;
  const char* explanation;
};

// gtest prints the parameter in failure messages; the file says which scenario it is.
void PrintTo(const Scenario& s, std::ostream* os) { *os << s.payer << "/" << s.file; }

// The test's name: BundledPlans/e2eReadinessScenario.Verdict/<payer>_<file without the payer>.
std::string ScenarioName(const ::testing::TestParamInfo<Scenario>& info) {
  const std::string file = info.param.file;
  return absl::StartsWith(file, info.param.payer) ? file
                                                  : absl::StrCat(info.param.payer, "_", file);
}


const Scenario kScenarios[] = {
    // ---- Aetna Open Access PPO: prior auth for both treatments.
    {"aetna_tms_ready", "aetna", "open_access_ppo", kTms, kCovered, v1::PRIOR_AUTH_READINESS_READY,
     v1::DOCUMENTATION_NEEDED_ADMIN, "covered", "auth-needed", "admin",
     "Prior auth ready to submit: all 8 criteria met. Include: Aetna precertification request "
     "form for TMS (completed and signed); Letter of medical necessity from the ordering "
     "psychiatrist.",
     "", "aetna_tms_cpb_0469", kMet, "all 8 met"},
    {"aetna_tms_not_ready_both_trials_ssri", "aetna", "open_access_ppo", kTms, kCriteriaNotMet,
     v1::PRIOR_AUTH_READINESS_NOT_READY, v1::DOCUMENTATION_NEEDED_BOTH, "covered",
     "auth-needed", "clinical",
     "Prior auth not ready: 1 criterion not met (2 failed trials from 2 classes in the current "
     "episode, plus an augmentation trial (8+ weeks at a therapeutic dose, intolerance counts)).",
     "",
     "failed_two_classes_and_augmentation", kNotMet,
     "found 2 adequate trials (sertraline 150 mg, 8 weeks, SSRI; escitalopram 20 mg, 8 weeks, "
     "SSRI) from 1 class; augmentation trial: aripiprazole 5 mg, 8 weeks, antipsychotic"},
    {"aetna_tms_incomplete_no_psychotherapy_history", "aetna", "open_access_ppo", kTms,
     kConditional, v1::PRIOR_AUTH_READINESS_INFO_NEEDED, v1::DOCUMENTATION_NEEDED_BOTH,
     "conditional", "auth-needed", "clinical",
     "Prior auth not ready, information needed: 1 item missing (Therapy notes: at least 6 weeks of an evidence-based "
     "psychotherapy (e.g. CBT, IPT) without significant improvement on a rating scale).",
     "", "failed_psychotherapy", kMissing, "required; no psychotherapy history documented"},
    {"spravato_ready", "aetna", "open_access_ppo", kSpravato, kCovered,
     v1::PRIOR_AUTH_READINESS_READY, v1::DOCUMENTATION_NEEDED_ADMIN, "covered", "auth-needed",
     "admin",
     "Prior auth ready to submit: all 8 criteria met. Include: Aetna Spravato (esketamine) "
     "precertification request form (completed and signed); Letter of medical necessity from the "
     "prescribing psychiatrist; Clinic's SPRAVATO REMS healthcare-setting certification.",
     "", "aetna_spravato_initial", kMet, "all 8 met"},
    {"aetna_spravato_not_ready_no_oral_antidepressant", "aetna", "open_access_ppo", kSpravato,
     kCriteriaNotMet, v1::PRIOR_AUTH_READINESS_NOT_READY, v1::DOCUMENTATION_NEEDED_BOTH, "covered",
     "auth-needed", "clinical",
     "Prior auth not ready: 1 criterion not met (An oral antidepressant taken alongside the "
     "treatment).",
     "",
     "oral_antidepressant_alongside", kNotMet,
     "an oral antidepressant taken alongside the treatment required; the patient takes none"},
    {"aetna_spravato_incomplete_no_contraindication_screening", "aetna", "open_access_ppo",
     kSpravato, kConditional, v1::PRIOR_AUTH_READINESS_INFO_NEEDED, v1::DOCUMENTATION_NEEDED_BOTH,
     "conditional", "auth-needed", "clinical",
     "Prior auth not ready, information needed: 1 item missing (Screening note: no psychosis, no aneurysm or "
     "arteriovenous malformation, no history of brain bleed, no ketamine/esketamine allergy, no "
     "substance use disorder in the last 90 days, not pregnant).",
     "", "no_spravato_contraindication", kMissing, "; no contraindication screening documented"},

    // ---- Original Medicare Part B: no prior auth, but coverage still depends on the criteria.
    {"medicare_tms_ready", "medicare", "part_b", kTms, kCovered,
     v1::PRIOR_AUTH_READINESS_NOT_NEEDED, v1::DOCUMENTATION_NEEDED_NONE, "covered", "no-auth", "",
     "No prior auth needed; the documentation meets all 8 of the plan's coverage criteria for TMS.",
     "", "medicare_tms_lcd_l34641", kMet, "all 8 met"},
    {"medicare_tms_not_met_3_week_trial", "medicare", "part_b", kTms, kCriteriaNotMet,
     v1::PRIOR_AUTH_READINESS_NOT_NEEDED, v1::DOCUMENTATION_NEEDED_CLINICAL, "covered",
     "no-auth", "clinical", "",
     "No prior auth needed, but the plan pays for TMS only when its criteria are met: ",
     "failed_two_classes_current_episode", kNotMet,
     "found 1 adequate trial (sertraline 150 mg, 8 weeks, SSRI) from 1 class; venlafaxine trial "
     "was 3 weeks, under the 6-week minimum"},
    {"medicare_tms_incomplete_no_severity_score", "medicare", "part_b", kTms, kConditional,
     v1::PRIOR_AUTH_READINESS_NOT_NEEDED, v1::DOCUMENTATION_NEEDED_CLINICAL, "conditional",
     "no-auth", "clinical",
     "No prior auth needed, but the plan pays for TMS only when its criteria are met: 1 item "
     "missing (A PHQ-9 of 15 or more, HAM-D-17 of 20 or more, MADRS of 28 or more or BDI-II of "
     "29 or more, dated within the 30 days before the first session).",
     "", "severe_score_recent", kMissing,
     "none met yet, information missing for PHQ-9 of at least 15 within the last 30 days; HAM-D "
     "(17-item) of at least 20 within the last 30 days; MADRS of at least 28 within the last 30 "
     "days; BDI-II of at least 29 within the last 30 days"},
    {"spravato_ready", "medicare", "part_b", kSpravato, kCovered,
     v1::PRIOR_AUTH_READINESS_NOT_NEEDED, v1::DOCUMENTATION_NEEDED_NONE, "covered", "no-auth", "",
     "No prior auth needed; the documentation meets all 6 of the plan's coverage criteria for "
     "Spravato (esketamine).",
     "", "medicare_spravato_label", kMet, "all 6 met"},
    {"medicare_spravato_not_met_rems_not_enrolled", "medicare", "part_b", kSpravato, kCriteriaNotMet,
     v1::PRIOR_AUTH_READINESS_NOT_NEEDED, v1::DOCUMENTATION_NEEDED_CLINICAL, "covered",
     "no-auth", "clinical",
     "No prior auth needed, but the plan pays for Spravato (esketamine) only when its criteria "
     "are met: 1 criterion not met (Enrollment in the Spravato REMS).",
     "", "rems_patient_enrolled", kNotMet,
     "enrollment in the Spravato REMS required; not enrolled yet"},
    {"medicare_spravato_incomplete_rems_not_documented", "medicare", "part_b", kSpravato,
     kConditional, v1::PRIOR_AUTH_READINESS_NOT_NEEDED, v1::DOCUMENTATION_NEEDED_CLINICAL,
     "conditional", "no-auth", "clinical",
     "No prior auth needed, but the plan pays for Spravato (esketamine) only when its criteria "
     "are met: 1 item missing (SPRAVATO REMS patient enrollment form signed and submitted before "
     "the first dose).",
     "", "rems_patient_enrolled", kMissing,
     "enrollment in the Spravato REMS required; REMS enrollment not documented"},
};

class e2eReadinessScenario : public e2eReadiness,
                             public ::testing::WithParamInterface<Scenario> {};

TEST_P(e2eReadinessScenario, Verdict) {
  const Scenario& s = GetParam();
  SCOPED_TRACE(absl::StrCat(s.file, " for ", s.payer, "/", s.plan, " ",
                            v1::Treatment_Name(s.treatment)));
  const v1::CheckPriorAuthReadinessResponse response =
      CheckFile(s.file, s.payer, s.plan, s.treatment);
  const v1::ReadinessAssessment& a = response.assessment();
  const v1::PlanInfo& plan = PlanInfo(s.payer, s.plan);
  const v1::TreatmentPolicy policy = PolicyInFile(s.payer, s.plan, s.treatment);
  ASSERT_TRUE(policy.has_covered());

  // Where the answer comes from.
  EXPECT_EQ(response.rule_set_version(), Payers().rule_set_version());
  EXPECT_EQ(a.treatment(), s.treatment);
  EXPECT_EQ(a.payer_name(), plan.payer_name());
  EXPECT_EQ(a.plan_name(), plan.plan_name());
  EXPECT_EQ(a.plan_file_version(), plan.file_version());
  EXPECT_EQ(a.plan_effective_from(), plan.effective_from());
  EXPECT_EQ(a.policy_section(), policy.covered().policy_section());
  EXPECT_EQ(a.as_of_date(), kAsOf);
  EXPECT_EQ(a.notices_size(), 0) << "every drug in the documents is in the catalog";

  // The three CRD answers, as enums and as codes.
  EXPECT_EQ(a.coverage(), s.coverage) << v1::CoverageRequirement_Name(a.coverage());
  EXPECT_EQ(a.prior_auth(), s.prior_auth) << v1::PriorAuthReadiness_Name(a.prior_auth());
  EXPECT_EQ(a.documentation_needed(), s.documentation_needed)
      << v1::DocumentationNeeded_Name(a.documentation_needed());
  EXPECT_THAT(CrdInvariantViolations(a), ::testing::IsEmpty()) << a.crd().ShortDebugString();
  EXPECT_EQ(a.crd().covered(), s.crd_covered);
  EXPECT_EQ(a.crd().pa_needed(), s.crd_pa_needed);
  EXPECT_EQ(a.crd_covered(), s.crd_covered);
  EXPECT_EQ(a.crd_pa_needed(), s.crd_pa_needed);
  EXPECT_EQ(a.crd_doc_needed(), s.crd_doc_needed);
  EXPECT_EQ(policy.covered().prior_auth_required(), std::string(s.payer) == "aetna")
      << "test setup: Aetna asks for prior auth, Medicare Part B does not";

  if (*s.summary != '\0') {
    EXPECT_EQ(a.summary(), s.summary);
  }
  EXPECT_THAT(a.summary(), HasSubstr(s.summary_part));
  EXPECT_THAT(a.summary(), StartsWith(policy.covered().prior_auth_required()
                                          ? "Prior auth "
                                          : "No prior auth needed"));

  // One tree, rooted at the policy's criteria; the deciding criterion says why.
  ASSERT_EQ(a.criteria_size(), 1);
  EXPECT_EQ(a.criteria(0).id(), policy.covered().criteria().id());
  const v1::CriterionResult* decisive = FindResult(a.criteria(), s.criterion);
  ASSERT_NE(decisive, nullptr) << "no criterion " << s.criterion << " in the answer";
  EXPECT_EQ(decisive->status(), s.criterion_status)
      << v1::CriterionStatus_Name(decisive->status()) << ": " << decisive->explanation();
  EXPECT_THAT(decisive->explanation(), HasSubstr(s.explanation));
  const v1::Criterion* rule = FindRule(policy.covered().criteria(), s.criterion);
  ASSERT_NE(rule, nullptr) << "test setup: no criterion " << s.criterion << " in the plan file";
  EXPECT_EQ(decisive->policy_section(), rule->policy_section());

  // The checklist: the clinical items for what is not met, then the plan's admin documents.
  std::vector<std::string> admin;
  const v1::ChecklistItem* item_for_decisive = nullptr;
  for (const v1::ChecklistItem& item : a.checklist()) {
    if (item.kind() == v1::DOCUMENTATION_KIND_ADMIN) {
      admin.push_back(item.item());
      EXPECT_EQ(item.criterion_id(), "");
      EXPECT_EQ(item.criterion_status(), v1::CRITERION_STATUS_UNSPECIFIED);
      continue;
    }
    EXPECT_EQ(item.kind(), v1::DOCUMENTATION_KIND_CLINICAL);
    EXPECT_TRUE(admin.empty()) << "clinical item after the admin documents: " << item.item();
    const v1::CriterionResult* result = FindResult(a.criteria(), item.criterion_id());
    ASSERT_NE(result, nullptr) << item.criterion_id();
    EXPECT_EQ(item.criterion_status(), result->status()) << item.criterion_id();
    EXPECT_NE(item.criterion_status(), kMet) << item.criterion_id();
    // An alternative names the any_of it belongs to.
    EXPECT_EQ(item.one_of_alternatives(), !item.alternatives_of().empty()) << item.criterion_id();
    if (item.one_of_alternatives()) {
      const v1::Criterion* any_of = FindRule(policy.covered().criteria(), item.alternatives_of());
      ASSERT_NE(any_of, nullptr) << item.alternatives_of();
      EXPECT_TRUE(any_of->has_any_of()) << item.alternatives_of();
      EXPECT_NE(FindRule(*any_of, item.criterion_id()), nullptr) << item.criterion_id();
    }
    if (item.criterion_id() == s.criterion) item_for_decisive = &item;
  }
  const std::vector<std::string> submission(policy.covered().submission_documents().begin(),
                                            policy.covered().submission_documents().end());
  EXPECT_EQ(admin, submission);
  if (std::string(s.payer) == "aetna") {
    EXPECT_FALSE(admin.empty()) << "Aetna lists its precertification documents";
  }
  if (s.criterion_status == kMet) {
    EXPECT_EQ(a.checklist_size(), static_cast<int>(admin.size())) << "nothing clinical to obtain";
  } else if (rule->has_any_of() && rule->checklist_item().empty()) {
    // An any_of without an item of its own is listed through its leaves, each one alternative.
    for (const v1::ChecklistItem& item : a.checklist()) {
      if (item.kind() == v1::DOCUMENTATION_KIND_CLINICAL) {
        EXPECT_EQ(item.alternatives_of(), s.criterion) << item.item();
      }
    }
  } else {
    ASSERT_NE(item_for_decisive, nullptr) << "no checklist item for " << s.criterion;
    // The item is the criterion's gap: counted from the chart for failed trials ("Found ...;
    // add ..."), the rule file's checklist_item for the rest.
    const v1::CriterionResult* decisive = FindResult(a.criteria(), s.criterion);
    ASSERT_NE(decisive, nullptr);
    EXPECT_EQ(item_for_decisive->item(), decisive->gap());
    if (rule->has_failed_antidepressant_trials()) {
      EXPECT_THAT(item_for_decisive->item(), StartsWith("Found "));
      EXPECT_THAT(item_for_decisive->item(), HasSubstr("; add 1 antidepressant trial from a class not yet tried"));
    } else if (!rule->checklist_item().empty()) {
      EXPECT_EQ(item_for_decisive->item(), rule->checklist_item());
    }
    EXPECT_EQ(item_for_decisive->criterion_name(), decisive->name());
    EXPECT_EQ(item_for_decisive->criterion_status(), s.criterion_status);
  }
}

INSTANTIATE_TEST_SUITE_P(BundledPlans, e2eReadinessScenario, ::testing::ValuesIn(kScenarios),
                         ScenarioName);

// The LCD's alternatives: one of 3 for medication resistance, one of 4 rating scales. Each
// alternative is on the checklist, marked as one among others.
TEST_F(e2eReadiness, MedicareTmsListsEveryAlternativeOfTheFailedAnyOf) {
  for (const auto& [file, any_of, status] :
       std::vector<std::tuple<std::string, std::string, v1::CriterionStatus>>{
           {"medicare_tms_not_met_3_week_trial", "resistance_intolerance_or_prior_response",
            kNotMet},
           {"medicare_tms_incomplete_no_severity_score", "severe_score_recent", kMissing}}) {
    SCOPED_TRACE(file);
    const v1::ReadinessAssessment a =
        CheckFile(file, "medicare", "part_b", kTms).assessment();
    const v1::CriterionResult* r = FindResult(a.criteria(), any_of);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->kind(), "any_of");
    EXPECT_EQ(r->status(), status);
    std::vector<std::string> listed, alternatives;
    for (const auto& item : a.checklist()) listed.push_back(item.criterion_id());
    for (const auto& child : r->children()) {
      alternatives.push_back(child.id());
      EXPECT_EQ(child.status(), status) << child.id() << ": " << child.explanation();
    }
    // Every alternative failed: the any_of is the one criterion not met, named in words.
    if (status == kNotMet) {
      EXPECT_THAT(a.summary(), HasSubstr(absl::StrCat("1 criterion not met (", r->name(), ")")));
      EXPECT_THAT(a.summary(), Not(HasSubstr(any_of)));
    }
    // An any_of with its own checklist_item in the rule file is one item; otherwise one per branch.
    const v1::Criterion* rule = nullptr;
    std::function<void(const v1::Criterion&)> find = [&](const v1::Criterion& c) {
      if (c.id() == any_of) rule = &c;
      for (const auto& child : c.all_of().criteria()) find(child);
      for (const auto& child : c.any_of().criteria()) find(child);
    };
    // Kept in a variable: `rule` points into it.
    const v1::TreatmentPolicy policy = PolicyInFile("medicare", "part_b", kTms);
    find(policy.covered().criteria());
    ASSERT_NE(rule, nullptr);
    EXPECT_EQ(listed, rule->checklist_item().empty() ? alternatives
                                                     : std::vector<std::string>{any_of});
  }
  const v1::ReadinessAssessment a =
      CheckFile("medicare_tms_not_met_3_week_trial", "medicare", "part_b", kTms).assessment();
  EXPECT_THAT(FindResult(a.criteria(), "resistance_intolerance_or_prior_response")->explanation(),
              HasSubstr("one of 3 alternatives needed; none is met"));
  EXPECT_THAT(FindResult(a.criteria(), "prior_tms_response")->explanation(),
              HasSubstr("no earlier course of TMS documented"));
}

// The same patient, two plans: Aetna still asks for an oral antidepressant alongside Spravato,
// Medicare follows the label, which allows monotherapy.
TEST_F(e2eReadiness, NoOralAntidepressantIsNotReadyForAetnaButCoveredByMedicare) {
  const std::string file = "aetna_spravato_not_ready_no_oral_antidepressant";
  const v1::ReadinessAssessment aetna =
      CheckFile(file, "aetna", "open_access_ppo", kSpravato).assessment();
  const v1::ReadinessAssessment medicare =
      CheckFile(file, "medicare", "part_b", kSpravato).assessment();
  EXPECT_EQ(aetna.prior_auth(), v1::PRIOR_AUTH_READINESS_NOT_READY);
  EXPECT_EQ(medicare.coverage(), kCovered);
  EXPECT_EQ(medicare.prior_auth(), v1::PRIOR_AUTH_READINESS_NOT_NEEDED);
  EXPECT_EQ(FindResult(medicare.criteria(), "oral_antidepressant_alongside"), nullptr);
}

// A PHQ-9 under Aetna's cut-off is not a denial while the other scales the policy accepts (HAM-D,
// BDI-II, MADRS) have not been scored: the severity criterion is missing information, and prior
// auth waits for it.
TEST_F(e2eReadiness, APhq9UnderTheCutOffLeavesTheOtherScaleOpen) {
  auto request = With(ReadinessRequest("aetna", "open_access_ppo", kTms), "aetna_tms_ready");
  request.mutable_documentation()->mutable_severity_scores(0)->set_score(12);
  const v1::ReadinessAssessment a = Assess(request).assessment();
  EXPECT_EQ(a.prior_auth(), v1::PRIOR_AUTH_READINESS_INFO_NEEDED);
  EXPECT_EQ(a.coverage(), kConditional);
  const v1::CriterionResult* phq9 = FindResult(a.criteria(), "phq9_at_least_15");
  ASSERT_NE(phq9, nullptr);
  EXPECT_EQ(phq9->status(), kNotMet);
  EXPECT_THAT(phq9->explanation(),
              HasSubstr("latest is PHQ-9 12 on 2026-11-10 (10 days old), below 15"));
  EXPECT_EQ(FindResult(a.criteria(), "severe_score_recent")->status(), kMissing);
  // The rule file gives the any_of one checklist item naming every scale.
  EXPECT_EQ(a.summary(),
            "Prior auth not ready, information needed: 1 item missing (A PHQ-9 of 15 or more, a HAM-D-17 of 20 or "
            "more, a BDI-II of 29 or more, or a MADRS of 35 or more, dated within the last 30 "
            "days).");
}

// ---- IV ketamine: excluded by both plans -----------------------------------------------------------

TEST_F(e2eReadiness, IvKetamineIsNotCoveredByEitherPlanAndNeedsNoAuth) {
  for (const auto& [payer, plan] : std::vector<std::pair<std::string, std::string>>{
           {"aetna", "open_access_ppo"}, {"medicare", "part_b"}}) {
    SCOPED_TRACE(payer);
    const v1::CheckPriorAuthReadinessResponse response =
        CheckFile("aetna_tms_ready", payer, plan, v1::TREATMENT_IV_KETAMINE);
    const v1::ReadinessAssessment& a = response.assessment();
    const v1::TreatmentPolicy policy = PolicyInFile(payer, plan, v1::TREATMENT_IV_KETAMINE);
    ASSERT_TRUE(policy.has_excluded());
    EXPECT_EQ(response.rule_set_version(), Payers().rule_set_version());
    EXPECT_EQ(a.coverage(), kNotCovered);
    EXPECT_EQ(a.prior_auth(), v1::PRIOR_AUTH_READINESS_NOT_NEEDED);
    EXPECT_EQ(a.documentation_needed(), v1::DOCUMENTATION_NEEDED_NONE);
    EXPECT_EQ(a.crd_covered(), "not-covered");
    EXPECT_EQ(a.crd_pa_needed(), "");  // CRD crd-ci-q2: no pa-needed when not covered
    EXPECT_EQ(a.crd_doc_needed(), "");
    EXPECT_THAT(CrdInvariantViolations(a), ::testing::IsEmpty()) << a.crd().ShortDebugString();
    EXPECT_EQ(a.summary(), absl::StrCat("Not covered (", policy.excluded().policy_section(), "): ",
                                        policy.excluded().explanation(),
                                        " No prior authorization applies."));
    EXPECT_EQ(a.policy_section(), policy.excluded().policy_section());
    EXPECT_EQ(a.criteria_size(), 0);
    EXPECT_EQ(a.checklist_size(), 0);
    const v1::Notice* n = FindNotice(a.notices(), "SELF_PAY_ESTIMATE");
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->kind(), v1::NOTICE_KIND_WARNING);
    EXPECT_THAT(n->message(), HasSubstr("IV ketamine is not covered by " +
                                        PlanInfo(payer, plan).plan_name()));
  }
  // The two explanations, spelled out.
  EXPECT_THAT(CheckFile("aetna_tms_ready", "aetna", "open_access_ppo", v1::TREATMENT_IV_KETAMINE)
                  .assessment()
                  .summary(),
              HasSubstr("Aetna considers ketamine infusion for depression experimental and "
                        "investigational"));
  EXPECT_THAT(CheckFile("aetna_tms_ready", "medicare", "part_b", v1::TREATMENT_IV_KETAMINE)
                  .assessment()
                  .summary(),
              HasSubstr("Medicare does not pay for ketamine infusions for depression"));
}

// ---- drug names and doses as charts write them --------------------------------------------------------

// Over the real server: "setraline" is answered with a suggestion and information needed, never
// counted as sertraline; the chart with the name corrected (salt form, dose with a per-day word) is
// ready; a dose that would change meaning is refused naming its field and the accepted forms.
TEST_F(e2eReadiness, ADrugNameNearMissAsksForTheNameAndTheCorrectedChartIsReady) {
  auto request = With(ReadinessRequest("aetna", "open_access_ppo", kTms), "aetna_tms_ready");
  v1::AntidepressantTrial& trial =
      *request.mutable_documentation()->mutable_antidepressant_history()->mutable_trials(0);
  trial.set_drug("setraline");
  const v1::ReadinessAssessment a = Assess(request).assessment();
  EXPECT_EQ(a.prior_auth(), v1::PRIOR_AUTH_READINESS_INFO_NEEDED);
  EXPECT_EQ(a.coverage(), kConditional);
  const v1::Notice* n = FindNotice(a.notices(), "UNKNOWN_DRUG");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->message(),
            "antidepressant_history.trials[0].drug: 'setraline' is not in the drug catalog; did you "
            "mean sertraline? It is not counted until the name is corrected");
  const v1::CriterionResult* trials = FindResult(a.criteria(), "failed_two_classes_and_augmentation");
  ASSERT_NE(trials, nullptr);
  EXPECT_EQ(trials->status(), kMissing) << trials->explanation();
  EXPECT_THAT(trials->explanation(), HasSubstr("found 1 adequate trial (venlafaxine 150 mg"));
  EXPECT_THAT(trials->explanation(), Not(HasSubstr("sertraline 150 mg")));
  bool asked = false;
  for (const auto& item : a.checklist()) {
    if (item.criterion_id() != "failed_two_classes_and_augmentation") continue;
    asked = true;
    EXPECT_EQ(item.criterion_status(), kMissing);
    EXPECT_THAT(item.item(), StartsWith("Correct or confirm the drug name 'setraline' (did you "
                                        "mean sertraline?)"));
  }
  EXPECT_TRUE(asked) << "no checklist item for the trials criterion";

  trial.set_drug("Sertraline Hydrochloride");
  trial.set_daily_dose("150mg daily");
  const v1::ReadinessAssessment corrected = Assess(request).assessment();
  EXPECT_EQ(corrected.prior_auth(), v1::PRIOR_AUTH_READINESS_READY) << corrected.summary();
  EXPECT_EQ(FindNotice(corrected.notices(), "UNKNOWN_DRUG"), nullptr);

  request.mutable_documentation()->mutable_antidepressant_history()->mutable_trials(2)
      ->set_daily_dose("2.5 mg twice daily");
  v1::CheckPriorAuthReadinessResponse refused;
  const grpc::Status s = Check(request, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              StartsWith("documentation.antidepressant_history.trials[2].daily_dose: '2.5 mg twice "
                         "daily' has 'twice daily' after the unit"));
  EXPECT_THAT(s.error_message(), HasSubstr(std::string(kDoseForms)));
}

// ---- no documentation at all -----------------------------------------------------------------------

TEST_F(e2eReadiness, AbsentDocumentationLeavesEveryCriterionMissingNeverPassed) {
  for (const auto& [payer, plan] : std::vector<std::pair<std::string, std::string>>{
           {"aetna", "open_access_ppo"}, {"medicare", "part_b"}}) {
    for (const v1::Treatment treatment : {kTms, kSpravato}) {
      SCOPED_TRACE(absl::StrCat(payer, " ", v1::Treatment_Name(treatment)));
      v1::CheckPriorAuthReadinessRequest request = ReadinessRequest(payer, plan, treatment);
      request.set_planned_start_date(kCourseStart);  // the plan version, whatever the clock says
      const v1::ReadinessAssessment a = Assess(request).assessment();
      EXPECT_EQ(a.coverage(), kConditional);
      EXPECT_EQ(a.prior_auth(), payer == "aetna" ? v1::PRIOR_AUTH_READINESS_INFO_NEEDED
                                                 : v1::PRIOR_AUTH_READINESS_NOT_NEEDED);
      EXPECT_EQ(a.crd_covered(), "conditional");
      int leaves = 0, clinical_items = 0;
      ForEachLeaf(a.criteria(), [&leaves](const v1::CriterionResult& leaf) {
        ++leaves;
        EXPECT_EQ(leaf.status(), kMissing) << leaf.id() << ": " << leaf.explanation();
        EXPECT_EQ(leaf.evidence_size(), 0) << leaf.id();
      });
      for (const auto& item : a.checklist()) {
        if (item.kind() != v1::DOCUMENTATION_KIND_CLINICAL) continue;
        ++clinical_items;
        EXPECT_EQ(item.criterion_status(), kMissing) << item.criterion_id();
      }
      EXPECT_GT(leaves, 5);
      // One item to obtain per criterion, except that an any_of with its own checklist_item
      // (e.g. "a PHQ-9 ... or a HAM-D ...") is one item for all its alternatives.
      EXPECT_LE(clinical_items, leaves);
      EXPECT_GE(clinical_items, a.criteria(0).children_size());
      // The summary counts the policy's criteria (the alternatives of one any_of are one need).
      ASSERT_EQ(a.criteria_size(), 1);
      EXPECT_THAT(a.summary(),
                  HasSubstr(absl::StrCat(a.criteria(0).children_size(), " items missing (")));
    }
  }
}

}  // namespace
}  // namespace estimator::e2e
