// The readiness end-to-end tests' shared parts (readiness_e2e_test.cc,
// readiness_estimates_e2e_test.cc): documentation files from tests/testdata/documentation/, one
// real server for the whole binary, and the e2eReadiness fixture.
#ifndef ESTIMATOR_TESTS_E2E_READINESS_E2E_SUPPORT_H_
#define ESTIMATOR_TESTS_E2E_READINESS_E2E_SUPPORT_H_

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "estimator/v1/estimator.grpc.pb.h"
#include "estimator/v1/rules.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/common/money.h"
#include "tests/e2e/e2e_environment.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/shared_server.h"


namespace estimator::e2e {

using ::testing::HasSubstr;
using ::testing::StartsWith;

inline constexpr char kAsOf[] = "2026-11-20";  // the as_of_date of every document
inline constexpr char kCourseStart[] = "2026-12-07";

// tests/testdata/documentation/<name>.json, parsed as the server's clients do.
inline v1::PatientDocumentation Documentation(const std::string& name) {
  const std::string path = SourceDir() + "/tests/testdata/documentation/" + name + ".json";
  const std::string json = ReadFileOrEmpty(path);
  v1::PatientDocumentation doc;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &doc);
  if (json.empty() || !status.ok()) {
    ADD_FAILURE() << "test setup: cannot read " << path << ": " << status.ToString();
  }
  return doc;
}

// `request` carrying tests/testdata/documentation/<file>.json.
template <typename Request>
inline Request With(Request request, const std::string& file) {
  *request.mutable_documentation() = Documentation(file);
  return request;
}

// "$1,234.56", as the server writes amounts in notices.
inline std::string Dollars(int64_t cents) { return FormatMoney(Money::Cents(cents)); }

// ---- one server for the whole binary -------------------------------------------------------------

inline SharedServer* const g_server =
    static_cast<SharedServer*>(::testing::AddGlobalTestEnvironment(new SharedServer));

inline grpc::Status Check(const v1::CheckPriorAuthReadinessRequest& request,
                   v1::CheckPriorAuthReadinessResponse* response) {
  return g_server->stub->CheckPriorAuthReadiness(Context().get(), request, response);
}
inline grpc::Status Estimate(const v1::EstimateCourseRequest& request,
                      v1::EstimateCourseResponse* response) {
  return g_server->stub->EstimateCourse(Context().get(), request, response);
}
inline grpc::Status Compare(const v1::CompareTreatmentsRequest& request,
                     v1::CompareTreatmentsResponse* response) {
  return g_server->stub->CompareTreatments(Context().get(), request, response);
}

// ListPayers, once per test process.
inline const v1::ListPayersResponse& Payers() {
  static const v1::ListPayersResponse* payers = [] {
    auto* r = new v1::ListPayersResponse;
    const grpc::Status s = g_server->stub->ListPayers(Context().get(), {}, r);
    if (!s.ok()) ADD_FAILURE() << "ListPayers: " << StatusText(s);
    return r;
  }();
  return *payers;
}

// The plan's open-ended (latest) version: the scenarios are dated in it.
inline const v1::PlanInfo& PlanInfo(const std::string& payer, const std::string& plan) {
  for (const v1::PlanInfo& p : Payers().plans()) {
    if (p.payer_id() == payer && p.plan_id() == plan && p.effective_to().empty()) return p;
  }
  ADD_FAILURE() << "ListPayers does not list " << payer << "/" << plan;
  static const v1::PlanInfo kNone;
  return kNone;
}

// The plan's policy for a treatment, read from the file ListPayers names (not from the server).
inline v1::TreatmentPolicy PolicyInFile(const std::string& payer, const std::string& plan,
                                 v1::Treatment treatment) {
  const std::string path = SourceDir() + "/payer_rules/" + PlanInfo(payer, plan).file();
  v1::PayerPlan file;
  if (!google::protobuf::TextFormat::ParseFromString(ReadFileOrEmpty(path), &file)) {
    ADD_FAILURE() << "test setup: cannot parse " << path;
  }
  for (const v1::TreatmentPolicy& p : file.treatments()) {
    if (p.treatment() == treatment) return p;
  }
  ADD_FAILURE() << path << " has no policy for " << v1::Treatment_Name(treatment);
  return {};
}

// The criterion (in a rule file) or its result (in an answer) with this id, depth first.
inline const v1::Criterion* FindRule(const v1::Criterion& c, const std::string& id) {
  if (c.id() == id) return &c;
  const auto& children = c.has_all_of() ? c.all_of().criteria() : c.any_of().criteria();
  for (const v1::Criterion& child : children) {
    if (const v1::Criterion* found = FindRule(child, id)) return found;
  }
  return c.has_not_() ? FindRule(c.not_(), id) : nullptr;
}
inline const v1::CriterionResult* FindResult(
    const google::protobuf::RepeatedPtrField<v1::CriterionResult>& results, const std::string& id) {
  for (const v1::CriterionResult& r : results) {
    if (r.id() == id) return &r;
    if (const v1::CriterionResult* found = FindResult(r.children(), id)) return found;
  }
  return nullptr;
}

// Calls `visit` on every leaf of the result tree.
inline void ForEachLeaf(const google::protobuf::RepeatedPtrField<v1::CriterionResult>& results,
                 const std::function<void(const v1::CriterionResult&)>& visit) {
  for (const v1::CriterionResult& r : results) {
    if (r.children().empty()) visit(r);
    ForEachLeaf(r.children(), visit);
  }
}

inline v1::CheckPriorAuthReadinessRequest ReadinessRequest(const std::string& payer,
                                                    const std::string& plan,
                                                    v1::Treatment treatment) {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id(payer);
  r.set_plan_id(plan);
  r.set_treatment(treatment);
  return r;
}

inline v1::EstimateCourseRequest CourseRequest(const std::string& payer, const std::string& plan,
                                        v1::Treatment treatment) {
  v1::EstimateCourseRequest r;
  r.set_clinic_id("riverbend");
  if (payer.empty()) {
    r.mutable_coverage()->mutable_self_pay();
  } else {
    v1::InsuranceCoverage* ins = r.mutable_coverage()->mutable_insurance();
    ins->set_payer_id(payer);
    ins->set_plan_id(plan);
    ins->set_network(v1::NETWORK_IN_NETWORK);
  }
  r.set_course_start_date(kCourseStart);
  r.mutable_course()->set_treatment(treatment);
  return r;
}

inline const v1::Notice* FindNotice(const google::protobuf::RepeatedPtrField<v1::Notice>& notices,
                             const std::string& code) {
  for (const v1::Notice& n : notices) {
    if (n.code() == code) return &n;
  }
  return nullptr;
}

// Test suite names contain "Readiness" so that `ctest -R Readiness` selects them, and start with
// "e2e" as the other end-to-end suites do.
class e2eReadiness : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(g_server->error, "") << "the server did not start";
    ASSERT_TRUE(g_server->server->running());
  }
  void TearDown() override {
    if (HasFailure() && g_server->server != nullptr) {
      std::cerr << "---- estimator_server stderr ----\n"
                << g_server->server->StderrText() << "---- end of server stderr ----\n";
    }
  }

  // CheckPriorAuthReadiness, expected to succeed.
  static v1::CheckPriorAuthReadinessResponse Assess(
      const v1::CheckPriorAuthReadinessRequest& request) {
    v1::CheckPriorAuthReadinessResponse response;
    const grpc::Status s = Check(request, &response);
    EXPECT_TRUE(s.ok()) << StatusText(s);
    return response;
  }
  // The same for a document in tests/testdata/documentation/.
  static v1::CheckPriorAuthReadinessResponse CheckFile(const std::string& file,
                                                       const std::string& payer,
                                                       const std::string& plan,
                                                       v1::Treatment treatment) {
    SCOPED_TRACE(file);
    return Assess(With(ReadinessRequest(payer, plan, treatment), file));
  }

  static v1::CourseEstimate EstimateOf(const v1::EstimateCourseRequest& request) {
    v1::EstimateCourseResponse response;
    const grpc::Status s = Estimate(request, &response);
    EXPECT_TRUE(s.ok()) << StatusText(s);
    return response.estimate();
  }
};

// Short names for the enums the checks compare with.
inline constexpr auto kTms = v1::TREATMENT_TMS;
inline constexpr auto kSpravato = v1::TREATMENT_SPRAVATO;
inline constexpr auto kCovered = v1::COVERAGE_REQUIREMENT_COVERED;
inline constexpr auto kNotCovered = v1::COVERAGE_REQUIREMENT_NOT_COVERED;
inline constexpr auto kConditional = v1::COVERAGE_REQUIREMENT_CONDITIONAL;
inline constexpr auto kCriteriaNotMet = v1::COVERAGE_REQUIREMENT_CRITERIA_NOT_MET;
inline constexpr auto kMet = v1::CRITERION_STATUS_MET;
inline constexpr auto kNotMet = v1::CRITERION_STATUS_NOT_MET;
inline constexpr auto kMissing = v1::CRITERION_STATUS_MISSING_INFORMATION;

}  // namespace estimator::e2e

#endif  // ESTIMATOR_TESTS_E2E_READINESS_E2E_SUPPORT_H_
