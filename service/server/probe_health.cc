#include "service/server/probe_health.h"

#include <vector>

#include "grpcpp/ext/health_check_service_server_builder_option.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace estimator {
namespace {

// Drops the plugins every ServerBuilder starts with (reflection registers itself in all of them
// when it is linked in), so that this port serves health and nothing else.
class WithoutPlugins final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->clear();
  }
};

}  // namespace

using grpc::health::v1::HealthCheckResponse;

void ProbeHealth::Set(const std::string& service, bool serving) {
  absl::MutexLock lock(&mu_);
  serving_[service] = serving && !shut_down_;
}

void ProbeHealth::Shutdown() {
  absl::MutexLock lock(&mu_);
  shut_down_ = true;
  for (auto& [service, serving] : serving_) serving = false;
}

grpc::ServerUnaryReactor* ProbeHealth::Check(grpc::CallbackServerContext* context,
                                             const grpc::health::v1::HealthCheckRequest* request,
                                             HealthCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::MutexLock lock(&mu_);
  const auto found = serving_.find(request->service());
  if (found == serving_.end()) {
    // As gRPC's own health service answers for a name it was never told about.
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service"));
    return reactor;
  }
  response->set_status(found->second ? HealthCheckResponse::SERVING
                                     : HealthCheckResponse::NOT_SERVING);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

std::unique_ptr<grpc::Server> StartProbeServer(const std::string& listen, ProbeHealth* health,
                                               int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), port);
  builder.RegisterService(health);
  // No default health service beside ours (grpc::EnableDefaultHealthCheckService is global).
  builder.SetOption(std::make_unique<grpc::HealthCheckServiceServerBuilderOption>(nullptr));
  builder.SetOption(std::make_unique<WithoutPlugins>());
  // A probe's request is a few bytes; nothing bigger is read on this port.
  builder.SetMaxReceiveMessageSize(4096);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || *port == 0) return nullptr;
  return server;
}

}  // namespace estimator
