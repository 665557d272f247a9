// What every end-to-end test binary needs: where the sources and the server binary are, a deadline
// for each call, and readable reports of a failed call or of two messages that differ.
//
//   ServerProcess server(ServerBinary(), SourceDir() + "/payer_rules");
//   ASSERT_TRUE(stub->ListPayers(Context().get(), {}, &response).ok()) << StatusText(status);
//   EXPECT_EQ(Diff(expected, actual), "");
//
// Environment (set by ctest): ESTIMATOR_SOURCE_DIR (repo root), ESTIMATOR_SERVER (the binary).
#ifndef ESTIMATOR_TESTS_E2E_E2E_ENVIRONMENT_H_
#define ESTIMATOR_TESTS_E2E_E2E_ENVIRONMENT_H_

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace estimator::e2e {

inline constexpr auto kRpcDeadline = std::chrono::seconds(20);

// ESTIMATOR_SOURCE_DIR, or else the working directory.
inline std::string SourceDir() {
  const char* dir = std::getenv("ESTIMATOR_SOURCE_DIR");
  return dir != nullptr && *dir != '\0' ? dir : ".";
}

// ESTIMATOR_SERVER, or else the estimator_server of this build tree (BUILD/tests/<test binary> ->
// BUILD/estimator_server), so a test binary also runs by hand.
inline std::string ServerBinary() {
  const char* bin = std::getenv("ESTIMATOR_SERVER");
  if (bin != nullptr && *bin != '\0') return bin;
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "" : (self.parent_path().parent_path() / "estimator_server").string();
}

// A context whose call fails after kRpcDeadline rather than hanging the test.
inline std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
  return context;
}

inline std::string StatusText(const grpc::Status& s) {
  return absl::StrCat("code ", s.error_code(), ": ", s.error_message());
}

// "" when the messages are equal, else what differs.
inline std::string Diff(const google::protobuf::Message& expected,
                        const google::protobuf::Message& actual) {
  google::protobuf::util::MessageDifferencer d;
  std::string report;
  d.ReportDifferencesToString(&report);
  return d.Compare(expected, actual) ? "" : report;
}

}  // namespace estimator::e2e

#endif  // ESTIMATOR_TESTS_E2E_E2E_ENVIRONMENT_H_
