// Estimates and comparisons carrying documentation, through the real server: a chart that does not
// show the criteria met is quoted at self-pay with the approved figures (and their notices) beside
// it, a ready chart exactly as without documentation; and bad documentation refused with the field
// named.
#include "tests/e2e/readiness_e2e_support.h"

namespace estimator::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// ---- estimates with documentation ------------------------------------------------------------------

// An estimate whose documentation does not show the criteria met: every line at the self-pay price
// (as a self-pay estimate of the same course), and `if_approved` = the estimate without documentation.
void ExpectPricedAtSelfPay(const v1::CourseEstimate& e, const v1::CourseEstimate& self_pay,
                           const v1::CourseEstimate& without_documentation) {
  EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_CRITERIA_NOT_MET);
  ASSERT_EQ(e.lines_size(), self_pay.lines_size());
  for (int i = 0; i < e.lines_size(); ++i) {
    const v1::EstimateLine& line = e.lines(i);
    SCOPED_TRACE(absl::StrCat("line ", i, " on ", line.date()));
    EXPECT_FALSE(line.covered());
    EXPECT_EQ(line.not_covered_reason(), v1::NOT_COVERED_REASON_CRITERIA_NOT_MET);
    EXPECT_THAT(line.not_covered_explanation(), HasSubstr("criteria"));
    EXPECT_EQ(line.date(), self_pay.lines(i).date());
    EXPECT_EQ(line.patient_cents(), self_pay.lines(i).patient_cents());
    EXPECT_EQ(line.not_covered_cents(), line.patient_cents());
    EXPECT_EQ(line.payer_cents(), 0);
  }
  EXPECT_EQ(e.totals().patient_cents(), e.totals().not_covered_cents());
  EXPECT_EQ(e.totals().patient_cents(), self_pay.totals().patient_cents());
  EXPECT_EQ(e.totals().sessions_covered(), 0);
  EXPECT_EQ(e.totals().payer_cents(), 0);
  EXPECT_NE(without_documentation.coverage().status(), v1::COVERAGE_STATUS_CRITERIA_NOT_MET);
  EXPECT_EQ(Diff(without_documentation.totals(), e.if_approved()), "");
  ASSERT_TRUE(e.has_readiness());
  EXPECT_NE(e.readiness().coverage(), kCovered);
}

// The estimate of a patient whose criteria are met is the estimate without documentation.
void ExpectSameQuote(const v1::CourseEstimate& e, const v1::CourseEstimate& without_documentation) {
  EXPECT_EQ(e.coverage().status(), without_documentation.coverage().status());
  ASSERT_EQ(e.lines_size(), without_documentation.lines_size());
  for (int i = 0; i < e.lines_size(); ++i) {
    EXPECT_EQ(Diff(without_documentation.lines(i), e.lines(i)), "") << "line " << i;
  }
  EXPECT_EQ(Diff(without_documentation.totals(), e.totals()), "");
  ASSERT_EQ(e.phase_totals_size(), without_documentation.phase_totals_size());
  for (int i = 0; i < e.phase_totals_size(); ++i) {
    EXPECT_EQ(Diff(without_documentation.phase_totals(i), e.phase_totals(i)), "");
  }
  ASSERT_EQ(e.plan_year_totals_size(), without_documentation.plan_year_totals_size());
  for (int i = 0; i < e.plan_year_totals_size(); ++i) {
    EXPECT_EQ(Diff(without_documentation.plan_year_totals(i), e.plan_year_totals(i)), "");
  }
  EXPECT_FALSE(e.has_if_approved());
  ASSERT_TRUE(e.has_readiness());
  EXPECT_EQ(e.readiness().coverage(), kCovered);
}

TEST_F(e2eReadiness, AetnaTmsNotReadyIsQuotedAtSelfPayWithTheApprovedFiguresBeside) {
  const v1::EstimateCourseRequest plain = CourseRequest("aetna", "open_access_ppo", kTms);
  const v1::CourseEstimate e = EstimateOf(With(plain, "aetna_tms_not_ready_both_trials_ssri"));
  const v1::CourseEstimate without = EstimateOf(plain);
  const v1::CourseEstimate self_pay = EstimateOf(CourseRequest("", "", kTms));

  ExpectPricedAtSelfPay(e, self_pay, without);
  EXPECT_EQ(without.coverage().status(), v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH);
  EXPECT_LT(e.if_approved().patient_cents(), e.totals().patient_cents());
  EXPECT_EQ(e.readiness().prior_auth(), v1::PRIOR_AUTH_READINESS_NOT_READY);
  EXPECT_THAT(e.coverage().explanation(),
              HasSubstr("TMS is covered only when Aetna's criteria are met; the documentation "
                        "does not show that yet. Prior auth not ready: 1 criterion not met (2 "
                        "failed trials from 2 classes in the current episode, plus an "
                        "augmentation trial (8+ weeks at a therapeutic dose, intolerance "
                        "counts))."));
  const v1::Notice* n = FindNotice(e.notices(), "PRIOR_AUTH_NOT_READY");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->kind(), v1::NOTICE_KIND_WARNING);
  EXPECT_THAT(n->message(), HasSubstr("1 criterion not met (2 failed trials from 2 classes"));
  EXPECT_THAT(n->message(),
              HasSubstr(absl::StrCat("Every session is priced at the clinic's self-pay price until "
                                     "the plan approves; if it does, the patient would pay about ",
                                     Dollars(without.totals().patient_cents()),
                                     " (the notices marked \"If approved\" apply to that "
                                     "figure).")));
  // The notices the approved figure depends on are kept (marked as about it when they speak of
  // its lines): every notice of the estimate without documentation has its code here, but its
  // prior-authorization warning.
  std::set<std::string> codes;
  int about_approved = 0;
  for (const auto& notice : e.notices()) {
    codes.insert(notice.code());
    if (!notice.about_if_approved()) continue;
    ++about_approved;
    EXPECT_THAT(notice.message(), testing::StartsWith("If approved: "));
  }
  EXPECT_GT(about_approved, 0);
  for (const auto& notice : without.notices()) {
    if (notice.code() == "PRIOR_AUTH_REQUIRED") continue;
    EXPECT_TRUE(codes.count(notice.code())) << notice.code() << ": " << notice.message();
  }
  EXPECT_EQ(FindNotice(e.notices(), "PRIOR_AUTH_REQUIRED"), nullptr);
  EXPECT_EQ(FindNotice(e.notices(), "CRITERIA_NOT_MET"), nullptr);
}

TEST_F(e2eReadiness, AetnaTmsReadyIsQuotedExactlyAsWithoutDocumentation) {
  const v1::EstimateCourseRequest plain = CourseRequest("aetna", "open_access_ppo", kTms);
  const v1::CourseEstimate e = EstimateOf(With(plain, "aetna_tms_ready"));
  ExpectSameQuote(e, EstimateOf(plain));
  EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH);
  EXPECT_EQ(e.readiness().prior_auth(), v1::PRIOR_AUTH_READINESS_READY);
  const v1::Notice* n = FindNotice(e.notices(), "PRIOR_AUTH_REQUIRED");
  ASSERT_NE(n, nullptr);
  EXPECT_THAT(n->message(), StartsWith("Prior auth ready to submit: "));
  EXPECT_EQ(FindNotice(e.notices(), "PRIOR_AUTH_NOT_READY"), nullptr);
}

TEST_F(e2eReadiness, MedicareTmsCriteriaNotMetIsQuotedAtSelfPayWithoutAPriorAuthNotice) {
  const v1::EstimateCourseRequest plain = CourseRequest("medicare", "part_b", kTms);
  const v1::CourseEstimate e = EstimateOf(With(plain, "medicare_tms_not_met_3_week_trial"));
  const v1::CourseEstimate without = EstimateOf(plain);
  ExpectPricedAtSelfPay(e, EstimateOf(CourseRequest("", "", kTms)), without);
  EXPECT_EQ(without.coverage().status(), v1::COVERAGE_STATUS_COVERED);
  EXPECT_EQ(e.readiness().prior_auth(), v1::PRIOR_AUTH_READINESS_NOT_NEEDED);
  EXPECT_EQ(e.readiness().coverage(), kCriteriaNotMet);
  const v1::Notice* n = FindNotice(e.notices(), "CRITERIA_NOT_MET");
  ASSERT_NE(n, nullptr);
  EXPECT_THAT(n->message(), StartsWith("No prior auth needed, but the plan pays for TMS only when "
                                       "its criteria are met: "));
  EXPECT_THAT(n->message(), HasSubstr(absl::StrCat("the patient would pay about ",
                                                   Dollars(without.totals().patient_cents()))));
  EXPECT_EQ(FindNotice(e.notices(), "PRIOR_AUTH_NOT_READY"), nullptr);
}

// One document for every course of a comparison: ready for TMS, silent on what Spravato needs
// (REMS, the oral antidepressant), and irrelevant to IV ketamine, which Aetna excludes.
TEST_F(e2eReadiness, CompareTreatmentsJudgesEachCourseAgainstItsOwnCriteria) {
  v1::CompareTreatmentsRequest plain;
  plain.set_clinic_id("riverbend");
  plain.set_course_start_date(kCourseStart);
  v1::CompareTreatmentsRequest self_pay_request = plain;
  self_pay_request.mutable_coverage()->mutable_self_pay();
  v1::InsuranceCoverage* ins = plain.mutable_coverage()->mutable_insurance();
  ins->set_payer_id("aetna");
  ins->set_plan_id("open_access_ppo");
  ins->set_network(v1::NETWORK_IN_NETWORK);
  const v1::CompareTreatmentsRequest with_doc = With(plain, "aetna_tms_ready");

  v1::CompareTreatmentsResponse compared, without, self_pay;
  for (auto& [request, response] : std::vector<std::pair<const v1::CompareTreatmentsRequest*,
                                                         v1::CompareTreatmentsResponse*>>{
           {&with_doc, &compared}, {&plain, &without}, {&self_pay_request, &self_pay}}) {
    const grpc::Status s = Compare(*request, response);
    ASSERT_TRUE(s.ok()) << StatusText(s);
  }
  ASSERT_EQ(compared.estimates_size(), 3);
  ASSERT_EQ(without.estimates_size(), 3);
  ASSERT_EQ(self_pay.estimates_size(), 3);
  EXPECT_EQ(compared.rule_set_version(), Payers().rule_set_version());
  for (int i = 0; i < 3; ++i) {
    const v1::CourseEstimate& e = compared.estimates(i);
    SCOPED_TRACE(v1::Treatment_Name(e.treatment()));
    ASSERT_EQ(without.estimates(i).treatment(), e.treatment());
    switch (e.treatment()) {
      case v1::TREATMENT_TMS:
        ExpectSameQuote(e, without.estimates(i));
        EXPECT_EQ(e.readiness().prior_auth(), v1::PRIOR_AUTH_READINESS_READY);
        break;
      case v1::TREATMENT_SPRAVATO:
        ExpectPricedAtSelfPay(e, self_pay.estimates(i), without.estimates(i));
        EXPECT_EQ(e.readiness().prior_auth(), v1::PRIOR_AUTH_READINESS_INFO_NEEDED);
        ASSERT_NE(FindNotice(e.notices(), "PRIOR_AUTH_NOT_READY"), nullptr);
        EXPECT_THAT(FindNotice(e.notices(), "PRIOR_AUTH_NOT_READY")->message(),
                    HasSubstr("SPRAVATO REMS patient enrollment form"));
        break;
      default:  // IV ketamine: excluded, so there is nothing to judge
        EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_NOT_COVERED);
        EXPECT_FALSE(e.has_readiness());
        EXPECT_EQ(Diff(without.estimates(i), e), "");
    }
  }
  // The same course through EstimateCourse gets the same answer.
  EXPECT_EQ(Diff(EstimateOf(With(CourseRequest("aetna", "open_access_ppo", kTms), "aetna_tms_ready")),
                 compared.estimates(0)),
            "");
}

// ---- bad documentation -----------------------------------------------------------------------------

struct BadDocument {
  const char* name;
  std::function<void(v1::PatientDocumentation&)> change;
  const char* field;    // named in the message, under "documentation."
  const char* problem;  // and what is wrong with it
};

std::vector<BadDocument> BadDocuments() {
  return {
      {"PHQ-9 of 30", [](auto& d) { d.mutable_severity_scores(0)->set_score(30); },
       "severity_scores[0].score", "30 is outside PHQ-9's range 0-27"},
      {"negative weeks",
       [](auto& d) { d.mutable_antidepressant_history()->mutable_trials(1)->set_weeks(-2); },
       "antidepressant_history.trials[1].weeks", "-2"},
      {"a dose in mL",
       [](auto& d) {
         d.mutable_antidepressant_history()->mutable_trials(0)->set_daily_dose("150 mL");
       },
       "antidepressant_history.trials[0].daily_dose", "'mL' is not a dose unit"},
      {"a score dated after as_of_date",
       [](auto& d) { d.mutable_severity_scores(0)->set_date("2026-11-21"); },
       "severity_scores[0].date", "is in the future"},
      {"an unknown instrument",
       [](auto& d) {
         d.mutable_severity_scores(0)->set_instrument(static_cast<v1::SeverityInstrument>(99));
       },
       "severity_scores[0].instrument", "99"},
  };
}

TEST_F(e2eReadiness, BadDocumentationIsRejectedWithTheFieldNamedAndChangesNothing) {
  const auto good = With(ReadinessRequest("aetna", "open_access_ppo", kTms), "aetna_tms_ready");
  const auto good_estimate = With(CourseRequest("aetna", "open_access_ppo", kTms), "aetna_tms_ready");
  const v1::CheckPriorAuthReadinessResponse before = Assess(good);

  for (const BadDocument& bad : BadDocuments()) {
    SCOPED_TRACE(bad.name);
    const std::string field = absl::StrCat("documentation.", bad.field);
    v1::CheckPriorAuthReadinessRequest request = good;
    bad.change(*request.mutable_documentation());
    v1::CheckPriorAuthReadinessResponse response;
    const grpc::Status s = Check(request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(s);
    EXPECT_THAT(s.error_message(), HasSubstr(field));
    EXPECT_THAT(s.error_message(), HasSubstr(bad.problem));

    v1::EstimateCourseRequest estimate = good_estimate;
    bad.change(*estimate.mutable_documentation());
    v1::EstimateCourseResponse estimated;
    const grpc::Status e = Estimate(estimate, &estimated);
    EXPECT_EQ(e.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(e);
    EXPECT_THAT(e.error_message(), HasSubstr(field));
  }

  // Still serving, and the good request gets the same answer as before.
  auto health = grpc::health::v1::Health::NewStub(g_server->channel);
  for (const std::string service : {"", "estimator.v1.EstimatorService"}) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status s = health->Check(Context().get(), request, &response);
    ASSERT_TRUE(s.ok()) << StatusText(s);
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
  EXPECT_EQ(Diff(before, Assess(good)), "");
}

TEST_F(e2eReadiness, AnUnknownDrugIsANoticeAndItsTrialIsNotCounted) {
  auto request = With(ReadinessRequest("aetna", "open_access_ppo", kTms), "aetna_tms_ready");
  request.mutable_documentation()->mutable_antidepressant_history()->mutable_trials(1)->set_drug(
      "venlafaxinne");
  const v1::ReadinessAssessment a = Assess(request).assessment();

  const v1::Notice* n = FindNotice(a.notices(), "UNKNOWN_DRUG");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->kind(), v1::NOTICE_KIND_WARNING);
  EXPECT_THAT(n->message(), HasSubstr("antidepressant_history.trials[1].drug: 'venlafaxinne' is "
                                      "not in the drug catalog; did you mean venlafaxine?"));
  const v1::CriterionResult* trials = FindResult(a.criteria(), "failed_two_classes_and_augmentation");
  ASSERT_NE(trials, nullptr);
  // Not counted, yet it could be the missing antidepressant: missing information, not a failure.
  EXPECT_EQ(trials->status(), kMissing) << trials->explanation();
  EXPECT_THAT(trials->explanation(), HasSubstr("found 1 adequate trial (sertraline 150 mg"));
  EXPECT_THAT(trials->explanation(),
              HasSubstr("'venlafaxinne' is not in the drug catalog (did you mean venlafaxine?)"));
  EXPECT_THAT(trials->evidence(), ::testing::Contains(HasSubstr("venlafaxinne")));
  EXPECT_EQ(a.prior_auth(), v1::PRIOR_AUTH_READINESS_INFO_NEEDED);
}

}  // namespace
}  // namespace estimator::e2e
