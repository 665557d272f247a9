// What the quote end-to-end tests share: requests, the QuoteService stub, and small checks.
#ifndef ESTIMATOR_TESTS_E2E_QUOTE_E2E_SUPPORT_H_
#define ESTIMATOR_TESTS_E2E_QUOTE_E2E_SUPPORT_H_

#include <memory>
#include <string>

#include "estimator/v1/estimator.grpc.pb.h"
#include "estimator/v1/quotes.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_environment.h"
#include "tests/e2e/sample_requests.h"
#include "tests/e2e/server_process.h"

namespace estimator::e2e {

inline v1::EstimateCourseRequest SelfPayKetamineRequest(int maintenance_months) {
  v1::EstimateCourseRequest r;
  r.set_clinic_id("riverbend");
  r.set_course_start_date("2027-01-11");
  r.mutable_coverage()->mutable_self_pay();
  r.mutable_course()->set_treatment(v1::TREATMENT_IV_KETAMINE);
  r.mutable_course()->mutable_maintenance()->set_months(maintenance_months);
  r.mutable_course()->mutable_maintenance()->set_frequency(v1::MAINTENANCE_FREQUENCY_MONTHLY);
  return r;
}

inline v1::IssueGoodFaithEstimateRequest GfeRequest(int maintenance_months,
                                                    const std::string& name = "Jane Doe") {
  v1::IssueGoodFaithEstimateRequest r;
  *r.mutable_estimate() = SelfPayKetamineRequest(maintenance_months);
  r.mutable_patient()->set_name(name);
  r.mutable_patient()->set_date_of_birth("1980-02-03");
  r.add_diagnosis_codes("F33.2");
  r.set_channel(v1::QUOTE_CHANNEL_FRONT_DESK);
  return r;
}

inline v1::SaveQuoteRequest SaveEstimate(const v1::EstimateCourseRequest& estimate,
                                         const std::string& patient_reference = "") {
  v1::SaveQuoteRequest r;
  *r.mutable_estimate() = estimate;
  r.set_patient_reference(patient_reference);
  r.set_channel(v1::QUOTE_CHANNEL_FRONT_DESK);
  return r;
}

// A started server and its stubs.
struct QuoteServer {
  explicit QuoteServer(std::vector<std::string> args = {},
                       std::string rules_dir = SourceDir() + "/payer_rules")
      : process(ServerBinary(), std::move(rules_dir), std::move(args)) {}

  ::testing::AssertionResult Start() {
    absl::Status started = process.Start();
    if (!started.ok()) return ::testing::AssertionFailure() << started << process.StderrText();
    channel = grpc::CreateChannel(process.Address(), grpc::InsecureChannelCredentials());
    quotes = v1::QuoteService::NewStub(channel);
    estimates = v1::EstimatorService::NewStub(channel);
    return ::testing::AssertionSuccess();
  }

  ServerProcess process;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::QuoteService::Stub> quotes;
  std::unique_ptr<v1::EstimatorService::Stub> estimates;
};

inline std::unique_ptr<grpc::ClientContext> ContextWithToken(const std::string& token) {
  auto context = Context();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

}  // namespace estimator::e2e

#endif  // ESTIMATOR_TESTS_E2E_QUOTE_E2E_SUPPORT_H_
