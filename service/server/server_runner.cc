#include "service/server/server_runner.h"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/resource_quota.h"
#include "grpc/health/v1/health.pb.h"
#include "service/rules/rule_store.h"
#include "service/server/estimator_service.h"
#include "spdlog/spdlog.h"

namespace estimator {
namespace {

constexpr int kMaxRequestBytes = 1 << 20;      // 1 MiB; real requests are a few hundred bytes
constexpr int kMaxResponseBytes = 16 << 20;    // a 36-month weekly course is well under this
constexpr int kMaxConcurrentStreams = 100;     // per connection
constexpr int kMaxThreads = 64;                // resource quota

constexpr char kServiceName[] = "estimator.v1.EstimatorService";

bool WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << port << "\n";
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// True for 127.0.0.0/8, [::1] and localhost: the only hosts plaintext may listen on.
bool IsLoopbackHost(absl::string_view host) {
  return host == "localhost" || host == "[::1]" || absl::StartsWith(host, "127.");
}

}  // namespace

int RunServer(const ServerOptions& options) {
  // Signals are taken by sigwait below; block them before gRPC starts its threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string host = options.listen.substr(0, options.listen.rfind(':'));
  if (options.plaintext && !IsLoopbackHost(host)) {
    spdlog::critical("--plaintext is for development on loopback only; '{}' is not loopback. "
                     "Give --tls_cert_file and --tls_key_file to serve on other addresses.",
                     options.listen);
    return 1;
  }
  if (!options.plaintext) {
    spdlog::critical("no transport security configured: give --tls_cert_file and --tls_key_file, "
                     "or --plaintext on a loopback address for development");
    return 1;
  }

  RuleStore store;
  if (absl::Status loaded = store.LoadDirectory(options.rules_dir); !loaded.ok()) {
    // The store logged each file:line:column problem; refuse to serve without rules.
    spdlog::critical("refusing to start: the rules in '{}' do not load", options.rules_dir);
    return 1;
  }

  EstimatorService service(&store);
  grpc::EnableDefaultHealthCheckService(true);
  // Links the health schema into the descriptor pool so reflection can describe the service.
  (void)::grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ResourceQuota quota("estimator");
  quota.SetMaxThreads(kMaxThreads);

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(kMaxRequestBytes);
  builder.SetMaxSendMessageSize(kMaxResponseBytes);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    spdlog::critical("cannot listen on {}", options.listen);
    return 1;
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus(kServiceName, true);
  health->SetServingStatus(true);

  std::printf("listening on %s:%d\n", host.c_str(), port);
  std::fflush(stdout);
  if (!options.port_file.empty() && !WritePortFile(options.port_file, port)) {
    spdlog::critical("cannot write port file {}", options.port_file);
    server->Shutdown();
    return 1;
  }
  spdlog::info("serving on {}:{} with rules {}", host, port, store.Current()->version());

  while (true) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      spdlog::info("SIGHUP: reloading rules from {}", options.rules_dir);
      (void)store.LoadDirectory(options.rules_dir);  // failure keeps the last good set, logged
      continue;
    }
    break;
  }
  spdlog::info("shutting down: health NOT_SERVING, finishing in-flight calls");
  health->SetServingStatus(false);
  server->Shutdown(std::chrono::system_clock::now() +
                   std::chrono::seconds(options.shutdown_grace_seconds));
  server->Wait();
  spdlog::info("stopped");
  return 0;
}

}  // namespace estimator
