// One real estimator_server for a whole test binary, on the bundled rules, with a connected stub.
//
//   SharedServer* const g_server =
//       static_cast<SharedServer*>(::testing::AddGlobalTestEnvironment(new SharedServer));
//   ASSERT_EQ(g_server->error, "");  // in SetUp: the server started and the channel connected
#ifndef ESTIMATOR_TESTS_E2E_SHARED_SERVER_H_
#define ESTIMATOR_TESTS_E2E_SHARED_SERVER_H_

#include <chrono>
#include <memory>
#include <string>

#include "estimator/v1/estimator.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_environment.h"
#include "tests/e2e/server_process.h"

namespace estimator::e2e {

class SharedServer : public ::testing::Environment {
 public:
  void SetUp() override {
    server = std::make_unique<ServerProcess>(ServerBinary(), SourceDir() + "/payer_rules");
    if (const absl::Status started = server->Start(); !started.ok()) {
      error = started.ToString();
      return;
    }
    channel = grpc::CreateChannel(server->Address(), grpc::InsecureChannelCredentials());
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      error = "the channel did not connect within 10 s";
      return;
    }
    stub = v1::EstimatorService::NewStub(channel);
  }
  void TearDown() override {
    stub.reset();
    channel.reset();
    server.reset();  // SIGTERM and wait
  }

  std::unique_ptr<ServerProcess> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::EstimatorService::Stub> stub;
  std::string error;
};

}  // namespace estimator::e2e

#endif  // ESTIMATOR_TESTS_E2E_SHARED_SERVER_H_
