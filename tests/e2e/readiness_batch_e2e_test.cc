// End-to-end tests of BatchCheckPriorAuthReadiness, a billing team's worklist in one call, against
// the real estimator_server over a real gRPC channel: every chart of tests/testdata/documentation/
// under every bundled plan and treatment, with two bad patients in the middle (worklist_requests.h).
// Each item must be what CheckPriorAuthReadiness answers for the same request, byte for byte, or
// that call's error with the field named from the batch; the summary must be the count of the
// answers; the call has one audit line with its counts and no item's id. Then the documented limit
// of 500 patients with the largest answers, within the server's message limits.
//
// Environment (set by ctest): ESTIMATOR_SERVER (the binary), ESTIMATOR_SOURCE_DIR (repo root).
#include <thread>

#include "grpcpp/support/channel_arguments.h"
#include "tests/e2e/readiness_e2e_support.h"
#include "tests/e2e/worklist_requests.h"

namespace estimator::e2e {
namespace {

// The server's limits (README "Limits"), stated here rather than read from the code.
constexpr size_t kRequestLimit = 1 << 20;
constexpr size_t kAnswerLimit = 16 << 20;
constexpr int kMaxItems = 500;

// A channel that accepts answers up to the server's send limit (gRPC's default is 4 MiB; a
// 500-patient answer can be larger, as `estimator worklist` knows).
std::unique_ptr<v1::EstimatorService::Stub> WideStub() {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(static_cast<int>(kAnswerLimit));
  return v1::EstimatorService::NewStub(grpc::CreateCustomChannel(
      g_server->server->Address(), grpc::InsecureChannelCredentials(), arguments));
}

std::string Counts(const v1::BatchReadinessSummary& s) {
  return absl::StrCat("items=", s.total(), " ready=", s.ready(), " not_ready=", s.not_ready(),
                      " info_needed=", s.information_needed(), " not_covered=", s.not_covered(),
                      " no_prior_auth=", s.prior_auth_not_needed(), " errors=", s.errors());
}

class e2eReadinessBatch : public e2eReadiness {};

TEST_F(e2eReadinessBatch, AWorklistAcrossTheBundledPlansIsEachPatientsOwnAnswer) {
  const std::vector<std::pair<std::string, std::string>> plans = PlansServed(Payers());
  ASSERT_GE(plans.size(), 7u) << "the bundled plans";
  const Worklist w = WorklistAcrossPlans(plans);
  const v1::BatchCheckPriorAuthReadinessRequest& batch = w.request;
  ASSERT_GE(batch.items_size(), 200);
  ASSERT_LE(batch.items_size(), kMaxItems);

  v1::BatchCheckPriorAuthReadinessResponse response;
  const grpc::Status s = WideStub()->BatchCheckPriorAuthReadiness(Context().get(), batch, &response);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_EQ(response.rule_set_version(), Payers().rule_set_version());
  ASSERT_EQ(response.results_size(), batch.items_size());

  // Each item against its own call, and the summary counted from the answers.
  v1::BatchReadinessSummary counted;
  for (int i = 0; i < batch.items_size(); ++i) {
    SCOPED_TRACE(absl::StrCat("items[", i, "]"));
    const v1::BatchReadinessResult& result = response.results(i);
    EXPECT_EQ(result.item_id(), batch.items(i).item_id());
    v1::CheckPriorAuthReadinessResponse alone;
    const grpc::Status single = Check(batch.items(i).request(), &alone);
    counted.set_total(counted.total() + 1);
    if (!single.ok()) {
      ASSERT_TRUE(result.has_error()) << StatusText(single);
      EXPECT_EQ(result.error().code(), static_cast<int>(single.error_code()));
      EXPECT_EQ(result.error().message(),
                absl::StrCat("items[", i, "].request.", single.error_message()));
      counted.set_errors(counted.errors() + 1);
      continue;
    }
    ASSERT_TRUE(result.has_assessment()) << result.error().message();
    EXPECT_EQ(alone.rule_set_version(), response.rule_set_version());
    EXPECT_EQ(result.assessment().SerializeAsString(), alone.assessment().SerializeAsString())
        << Diff(alone.assessment(), result.assessment());
    const v1::ReadinessAssessment& a = alone.assessment();
    if (a.coverage() == kNotCovered) {
      counted.set_not_covered(counted.not_covered() + 1);
    } else if (a.coverage() == kCriteriaNotMet) {
      counted.set_not_ready(counted.not_ready() + 1);
    } else if (a.coverage() == kConditional) {
      counted.set_information_needed(counted.information_needed() + 1);
    } else if (a.prior_auth() == v1::PRIOR_AUTH_READINESS_READY) {
      counted.set_ready(counted.ready() + 1);
    } else {
      counted.set_prior_auth_not_needed(counted.prior_auth_not_needed() + 1);
    }
  }
  EXPECT_EQ(Counts(response.summary()), Counts(counted));
  EXPECT_GT(counted.ready(), 0) << Counts(counted);
  EXPECT_GT(counted.not_ready(), 0) << Counts(counted);
  EXPECT_GT(counted.information_needed(), 0) << Counts(counted);
  EXPECT_GT(counted.not_covered(), 0) << Counts(counted);
  EXPECT_GT(counted.prior_auth_not_needed(), 0) << Counts(counted);

  // The two bad patients: their own errors, naming their fields from the batch; no other error.
  EXPECT_EQ(counted.errors(), 2);
  const v1::BatchReadinessResult& too_old = response.results(w.bad_age);
  EXPECT_EQ(too_old.error().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(too_old.error().message(),
            absl::StrCat("items[", w.bad_age,
                         "].request.documentation.age_years: 200 is outside 0-130 years"));
  const v1::BatchReadinessResult& nowhere = response.results(w.unknown_plan);
  EXPECT_EQ(nowhere.error().code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(nowhere.error().message(),
            absl::StrCat("items[", w.unknown_plan, "].request.plan_id: payer '",
                         batch.items(w.unknown_plan).request().payer_id(),
                         "' has no plan 'no_such_plan' (see ListPayers)"));
  // Their neighbours are answered.
  EXPECT_TRUE(response.results(w.bad_age - 1).has_assessment());
  EXPECT_TRUE(response.results(w.unknown_plan + 1).has_assessment());

  // One audit line for the call, with its counts and no item id (the writer flushes every 100 ms).
  const std::string line = absl::StrCat("method=BatchCheckPriorAuthReadiness caller=anonymous ",
                                        "role=admin plan=- rules=",
                                        response.rule_set_version(), " quote=- ",
                                        Counts(response.summary()), " status=OK ");
  std::string log;
  for (int i = 0; i < 40 && !absl::StrContains(log, line); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    log = g_server->server->StderrText();
  }
  EXPECT_THAT(log, HasSubstr(line));
  EXPECT_THAT(log, ::testing::Not(HasSubstr(batch.items(1).item_id() + " ")));
}

// The documented limit, with the largest answers (patients ready to submit carry the request
// packet and a draft letter): within 1 MiB in, 16 MiB out. Sizes printed for BENCHMARKS.md.
TEST_F(e2eReadinessBatch, FiveHundredPatientsReadyToSubmitFitTheServersLimits) {
  v1::BatchCheckPriorAuthReadinessRequest batch;
  for (int i = 0; i < kMaxItems; ++i) {
    v1::BatchReadinessItem& item = *batch.add_items();
    item.set_item_id(absl::StrCat("patient-", i));
    *item.mutable_request() =
        With(ReadinessRequest("aetna", "open_access_ppo", i % 2 == 0 ? kTms : kSpravato),
             i % 2 == 0 ? "aetna_tms_ready" : "spravato_ready");
    item.mutable_request()->set_network(v1::NETWORK_IN_NETWORK);
  }
  const size_t request_bytes = batch.ByteSizeLong();
  EXPECT_LT(request_bytes, kRequestLimit / 4) << "far within the request limit";

  v1::BatchCheckPriorAuthReadinessResponse response;
  const grpc::Status s = WideStub()->BatchCheckPriorAuthReadiness(Context().get(), batch, &response);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_EQ(response.summary().ready(), kMaxItems) << Counts(response.summary());
  const size_t answer_bytes = response.ByteSizeLong();
  EXPECT_LT(answer_bytes, kAnswerLimit / 2) << "within the server's send limit, with room";
  std::cout << kMaxItems << " patients ready to submit: request " << request_bytes
            << " bytes, answer " << answer_bytes << " bytes\n";

  // Which is more than gRPC's default receive limit: a client must raise it (as the CLI does).
  v1::BatchCheckPriorAuthReadinessResponse refused;
  const grpc::Status small =
      g_server->stub->BatchCheckPriorAuthReadiness(Context().get(), batch, &refused);
  if (answer_bytes > (4u << 20)) {
    EXPECT_EQ(small.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << StatusText(small);
  }

  batch.add_items()->set_item_id("one-more");
  const grpc::Status over = WideStub()->BatchCheckPriorAuthReadiness(Context().get(), batch, &response);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(over.error_message(), "items: 501 items; at most 500 per call");
}

// The largest answer a valid worklist gets under the 1 MiB request limit: 500 long charts (40
// antidepressant trials and 20 scores each, every one cited as evidence). It must still be answered
// within the 16 MiB send limit, or the whole worklist would fail.
TEST_F(e2eReadinessBatch, FiveHundredLongChartsStayWithinTheAnswerLimit) {
  v1::PatientDocumentation chart = Documentation("aetna_tms_ready");
  const char* drugs[] = {"sertraline", "fluoxetine", "paroxetine", "citalopram", "escitalopram",
                         "venlafaxine", "duloxetine", "bupropion", "mirtazapine", "nortriptyline"};
  v1::AntidepressantHistory& history = *chart.mutable_antidepressant_history();
  history.clear_trials();
  for (int i = 0; i < 40; ++i) {
    v1::AntidepressantTrial& trial = *history.add_trials();
    trial.set_drug(drugs[i % 10]);
    trial.set_daily_dose("200 mg");
    trial.set_weeks(8);
    trial.set_outcome(v1::TRIAL_OUTCOME_NO_RESPONSE);
    trial.set_episode(v1::EPISODE_CURRENT);
  }
  chart.clear_severity_scores();
  for (int i = 0; i < 20; ++i) {
    v1::SeverityScore& score = *chart.add_severity_scores();
    score.set_instrument(v1::SEVERITY_INSTRUMENT_PHQ9);
    score.set_score(20);
    score.set_date(absl::StrCat("2026-11-", i < 9 ? "0" : "", i + 1));
  }
  v1::BatchCheckPriorAuthReadinessRequest batch;
  for (int i = 0; i < kMaxItems; ++i) {
    v1::BatchReadinessItem& item = *batch.add_items();
    item.set_item_id(absl::StrCat("long-", i));
    v1::CheckPriorAuthReadinessRequest& r = *item.mutable_request();
    r = ReadinessRequest("aetna", "open_access_ppo", i % 2 == 0 ? kTms : kSpravato);
    r.set_network(v1::NETWORK_IN_NETWORK);
    *r.mutable_documentation() = chart;
  }
  const size_t request_bytes = batch.ByteSizeLong();
  ASSERT_LT(request_bytes, kRequestLimit);
  EXPECT_GT(request_bytes, kRequestLimit / 2) << "test setup: near the request limit";

  v1::BatchCheckPriorAuthReadinessResponse response;
  const grpc::Status s = WideStub()->BatchCheckPriorAuthReadiness(Context().get(), batch, &response);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_EQ(response.summary().errors(), 0);
  EXPECT_EQ(response.summary().total(), kMaxItems);
  const size_t answer_bytes = response.ByteSizeLong();
  EXPECT_LT(answer_bytes, kAnswerLimit * 3 / 4) << "within the send limit, with room";
  std::cout << kMaxItems << " long charts: request " << request_bytes << " bytes, answer "
            << answer_bytes << " bytes\n";
}

}  // namespace
}  // namespace estimator::e2e
