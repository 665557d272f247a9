// Calling the server: the channel and its credentials (TLS, client certificate), the bearer token,
// one deadline per call, and running one subcommand's call with its exit code.
#ifndef ESTIMATOR_TOOLS_CLI_CLIENT_H_
#define ESTIMATOR_TOOLS_CLI_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "estimator/v1/admin.grpc.pb.h"
#include "estimator/v1/estimator.grpc.pb.h"
#include "estimator/v1/quotes.grpc.pb.h"
#include "google/protobuf/message.h"
#include "service/tools/cli/flags.h"

#include "service/tools/cli/api.h"

namespace estimator {
namespace cli {


std::string StatusCodeName(grpc::StatusCode code);

int UsageError(const absl::Status& status);

int CallFailed(const grpc::Status& status);

// Prints the response as JSON when asked; returns the exit code, or nullopt to print tables.
std::optional<int> MaybePrintJson(const google::protobuf::Message& response);

// The channel's credentials from the connection flags: TLS (and a client certificate) when a CA is
// given, plaintext otherwise.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFromFlags();

// The bearer token from --token_file or $ESTIMATOR_TOKEN; "" for none.
absl::StatusOr<std::string> TokenFromFlags();

// The largest answer the client accepts: the server's own send limit (server_runner.cc). gRPC's
// default of 4 MiB is less than a 500-patient worklist's answer (up to about 6 MB).
inline constexpr int kMaxAnswerBytes = 16 << 20;

class Client {
 public:
  Client(const std::string& server, std::shared_ptr<grpc::ChannelCredentials> credentials,
         std::string token)
      : channel_(grpc::CreateCustomChannel(server, std::move(credentials), ChannelArguments())),
        token_(std::move(token)) {}

  // A fresh context per call: a ClientContext cannot be reused.
  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(absl::GetFlag(FLAGS_timeout_ms)));
    if (!token_.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
    return context;
  }

  v1::EstimatorService::Stub& stub() { return stub_; }
  v1::RuleAdminService::Stub& admin() { return admin_; }
  v1::QuoteService::Stub& quotes() { return quotes_; }

 private:
  static grpc::ChannelArguments ChannelArguments() {
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(kMaxAnswerBytes);
    return arguments;
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
  v1::EstimatorService::Stub stub_{channel_};
  v1::RuleAdminService::Stub admin_{channel_};
  v1::QuoteService::Stub quotes_{channel_};
};

template <typename Stub, typename Request, typename Response>
using UnaryMethod = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// One subcommand: sends the request built from the flags and prints the answer, as JSON with
// --json and otherwise with `print`. Returns the exit code.
template <typename Stub, typename Request, typename Response>
int Run(Client& client, Stub& stub, UnaryMethod<Stub, Request, Response> method,
        const absl::StatusOr<Request>& request, void (*print)(const Request&, const Response&)) {
  if (!request.ok()) return UsageError(request.status());
  Response response;
  grpc::Status status = (stub.*method)(client.Context().get(), *request, &response);
  if (!status.ok()) return CallFailed(status);
  if (std::optional<int> code = MaybePrintJson(response)) return *code;
  print(*request, response);
  return kExitOk;
}


}  // namespace cli
}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_CLI_CLIENT_H_
