// End to end over the whole payer rule library: the real server, started on payer_rules/, must
// (1) give every rule test in payer_rules/tests/ the outcome it expects, through the gRPC API,
//     judged by the same comparison `estimator check` uses in process; and
// (2) quote every treatment of every plan version, at every clinic, in and out of network, with the
//     coverage the plan file states and totals equal to the sum of their lines.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "estimator/v1/estimator.grpc.pb.h"
#include "gtest/gtest.h"
#include "service/common/dates.h"
#include "service/tools/rule_tests.h"
#include "tests/e2e/e2e_environment.h"
#include "tests/e2e/shared_server.h"

namespace estimator::e2e {
namespace {

SharedServer* const g_server =
    static_cast<SharedServer*>(::testing::AddGlobalTestEnvironment(new SharedServer));

template <typename Response>
absl::StatusOr<Response> FromGrpc(const grpc::Status& status, Response response) {
  if (status.ok()) return response;
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

class e2eRuleLibrary : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(g_server->error, "") << "the server did not start"; }
  void TearDown() override {
    if (HasFailure() && g_server->server != nullptr) {
      std::cerr << "---- estimator_server stderr ----\n"
                << g_server->server->StderrText() << "---- end of server stderr ----\n";
    }
  }
  v1::EstimatorService::Stub& stub() { return *g_server->stub; }

  v1::ListPayersResponse Payers() {
    v1::ListPayersResponse r;
    const grpc::Status s = stub().ListPayers(Context().get(), {}, &r);
    EXPECT_TRUE(s.ok()) << StatusText(s);
    return r;
  }
};

TEST_F(e2eRuleLibrary, EveryRuleTestPassesThroughTheServer) {
  absl::StatusOr<std::vector<RuleFile<v1::RuleTestFile>>> files =
      ReadRuleTests(SourceDir() + "/payer_rules");
  ASSERT_TRUE(files.ok()) << files.status();
  const std::string version = Payers().rule_set_version();
  int run = 0;
  for (const auto& file : *files) {
    for (int i = 0; i < file.message.tests_size(); ++i) {
      const v1::RuleTest& test = file.message.tests(i);
      SCOPED_TRACE(absl::StrCat(file.path, " ", test.name()));
      v1::EstimateCourseResponse estimate;
      const grpc::Status s = stub().EstimateCourse(Context().get(), test.request(), &estimate);
      if (s.ok()) {
        EXPECT_EQ(estimate.rule_set_version(), version);
      }
      RuleTestOutcome outcome{FromGrpc(s, estimate), std::nullopt};
      if (ChecksReadiness(test)) {
        v1::CheckPriorAuthReadinessResponse readiness;
        const grpc::Status r = stub().CheckPriorAuthReadiness(
            Context().get(), ReadinessRequestOf(test), &readiness);
        outcome.readiness = FromGrpc(r, readiness);
      }
      const RuleTestResult result = JudgeRuleTest(file, i, outcome);
      EXPECT_TRUE(result.failures.empty()) << absl::StrJoin(result.failures, "\n");
      ++run;
    }
  }
  EXPECT_GE(run, 21) << "at least three rule tests for each of the seven plans";
}

int64_t Sum(const v1::CourseEstimate& e, int64_t (v1::EstimateLine::*field)() const) {
  int64_t sum = 0;
  for (const auto& line : e.lines()) sum += (line.*field)();
  return sum;
}

// The treatment's policy in a listed plan version.
// The status ListPayers gives for `t`, in `network`: prior authorization asked only in another
// network is no prior authorization here.
v1::CoverageStatus ListedStatus(const v1::PlanInfo& plan, v1::Treatment t, v1::Network network) {
  for (const auto& s : plan.treatments()) {
    if (s.treatment() != t) continue;
    if (s.status() == v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH && !s.prior_auth_networks().empty() &&
        std::find(s.prior_auth_networks().begin(), s.prior_auth_networks().end(), network) ==
            s.prior_auth_networks().end()) {
      return v1::COVERAGE_STATUS_COVERED;
    }
    return s.status();
  }
  return v1::COVERAGE_STATUS_UNSPECIFIED;
}

TEST_F(e2eRuleLibrary, EveryPlanVersionIsQuotedForEveryTreatmentAtEveryClinic) {
  const v1::ListPayersResponse payers = Payers();
  std::set<std::string> plans;
  int quoted = 0;
  for (const v1::PlanInfo& plan : payers.plans()) {
    plans.insert(plan.payer_id() + "/" + plan.plan_id());
    // Two weeks into the version, so every session before the plan year turns is in it.
    const absl::CivilDay start = *ParseDate(plan.effective_from(), "effective_from") + 14;
    for (const v1::ClinicInfo& clinic : payers.clinics()) {
      for (v1::Network network : {v1::NETWORK_IN_NETWORK, v1::NETWORK_OUT_OF_NETWORK}) {
        SCOPED_TRACE(absl::StrCat(plan.file(), " at ", clinic.clinic_id(), " ",
                                  v1::Network_Name(network), " from ", FormatDate(start)));
        v1::CompareTreatmentsRequest request;
        request.set_clinic_id(clinic.clinic_id());
        request.set_course_start_date(FormatDate(start));
        auto* ins = request.mutable_coverage()->mutable_insurance();
        ins->set_payer_id(plan.payer_id());
        ins->set_plan_id(plan.plan_id());
        ins->set_network(network);
        v1::CompareTreatmentsResponse response;
        const grpc::Status s = stub().CompareTreatments(Context().get(), request, &response);
        ASSERT_TRUE(s.ok()) << StatusText(s);
        EXPECT_EQ(response.rule_set_version(), payers.rule_set_version());
        ASSERT_EQ(response.estimates_size(), clinic.offered_treatments_size());
        for (const v1::CourseEstimate& e : response.estimates()) {
          SCOPED_TRACE(v1::Treatment_Name(e.treatment()));
          ++quoted;
          const v1::CoverageStatus listed = ListedStatus(plan, e.treatment(), network);
          if (listed == v1::COVERAGE_STATUS_NOT_COVERED) {
            EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_NOT_COVERED);
            EXPECT_EQ(e.totals().sessions_covered(), 0);
            EXPECT_EQ(e.totals().payer_cents(), 0);
          } else if (network == v1::NETWORK_IN_NETWORK) {
            EXPECT_EQ(e.coverage().status(), listed);
            EXPECT_GT(e.totals().sessions_covered(), 0);
            EXPECT_GT(e.totals().payer_cents(), 0);
          }
          EXPECT_EQ(e.coverage().plan_file_version(), plan.file_version());
          EXPECT_GT(e.totals().sessions_scheduled(), 0);
          EXPECT_EQ(e.totals().patient_cents(), Sum(e, &v1::EstimateLine::patient_cents));
          EXPECT_EQ(e.totals().payer_cents(), Sum(e, &v1::EstimateLine::payer_cents));
          EXPECT_EQ(e.totals().allowed_cents(), Sum(e, &v1::EstimateLine::allowed_cents));
          EXPECT_GT(e.totals().patient_cents() + e.totals().payer_cents(), 0)
              << "a course never costs nothing to everyone";
          EXPECT_FALSE(e.plain_summary().empty());
        }
      }
    }
  }
  EXPECT_GE(plans.size(), 7u);
  EXPECT_GE(payers.clinics_size(), 2);
  EXPECT_GE(quoted, 7 * 2 * 2 * 2);
}

}  // namespace
}  // namespace estimator::e2e
