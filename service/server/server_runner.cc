#include "service/server/server_runner.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "service/server/audit_log.h"
#include "service/server/rule_store.h"
#include "service/server/access_control.h"
#include "service/server/estimator_service.h"
#include "service/server/http/http_front.h"
#include "service/server/http/http_listener.h"
#include "service/server/probe_health.h"
#include "service/server/public_api.h"
#include "service/server/quote_service.h"
#include "service/server/quote_store_link.h"
#include "service/server/rule_admin_service.h"
#include "spdlog/spdlog.h"

namespace estimator {
namespace {

// The server's explicit limits. Requests are a few hundred bytes to a few KiB; the largest answer
// (a 36-month weekly maintenance course, three treatments) is well under 1 MiB.
constexpr int kMaxRequestBytes = 1 << 20;
constexpr int kMaxResponseBytes = 16 << 20;
// Streams one connection may have open at once: bounds the work a single client can queue, and
// the damage of HTTP/2 rapid reset (CVE-2023-44487) per connection.
constexpr int kMaxConcurrentStreams = 100;
// Request headers (HPACK-decoded) per call; the CVE-2023-33953 class of bugs lives in metadata
// handling. Our calls need an authorization header and a few gRPC ones.
constexpr int kMaxMetadataBytes = 16 << 10;
// Connections are recycled: idle ones after 5 minutes, all after --max_connection_age (with 30 s
// to finish calls), so no client holds resources indefinitely and clients balancing over several
// replicas re-resolve and reach new ones.
constexpr int kMaxConnectionIdleMs = 5 * 60 * 1000;
constexpr int kMaxConnectionAgeGraceMs = 30 * 1000;
// Memory gRPC may use for its buffers, and threads for its synchronous parts. Beyond the memory,
// new streams are refused (RESOURCE_EXHAUSTED) instead of the process growing.
constexpr size_t kQuotaBytes = size_t{256} << 20;
constexpr int kMaxThreads = 64;

constexpr char kServiceName[] = "estimator.v1.EstimatorService";
constexpr char kAdminServiceName[] = "estimator.v1.RuleAdminService";
constexpr char kQuoteServiceName[] = "estimator.v1.QuoteService";

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

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The listening port's credentials, or nullptr (logged) when the options do not make sense.
std::shared_ptr<grpc::ServerCredentials> TransportCredentials(const ServerOptions& options) {
  const std::string host = options.listen.substr(0, options.listen.rfind(':'));
  const bool tls = !options.tls_cert_file.empty() || !options.tls_key_file.empty();
  if (tls && options.plaintext) {
    spdlog::critical("give either --plaintext or --tls_cert_file/--tls_key_file, not both");
    return nullptr;
  }
  const std::string http_host = options.http_listen.substr(0, options.http_listen.rfind(':'));
  if (options.plaintext && !options.http_listen.empty() && !IsLoopbackHost(http_host)) {
    spdlog::critical("--plaintext is for development on loopback only; --http_listen '{}' is not "
                     "loopback", options.http_listen);
    return nullptr;
  }
  if (options.plaintext) {
    if (!IsLoopbackHost(host)) {
      spdlog::critical("--plaintext is for development on loopback only; '{}' is not loopback. "
                       "Give --tls_cert_file and --tls_key_file to serve on other addresses.",
                       options.listen);
      return nullptr;
    }
    if (!options.tls_client_ca_file.empty()) {
      spdlog::critical("--tls_client_ca_file needs TLS (--tls_cert_file, --tls_key_file)");
      return nullptr;
    }
    spdlog::warn("serving WITHOUT TLS on {} (development)", options.listen);
    return grpc::InsecureServerCredentials();
  }
  if (!tls) {
    spdlog::critical("no transport security configured: give --tls_cert_file and --tls_key_file, "
                     "or --plaintext on a loopback address for development");
    return nullptr;
  }
  const std::optional<std::string> cert = ReadFile(options.tls_cert_file);
  const std::optional<std::string> key = ReadFile(options.tls_key_file);
  if (!cert || !key || cert->empty() || key->empty()) {
    spdlog::critical("cannot read --tls_cert_file '{}' and --tls_key_file '{}'",
                     options.tls_cert_file, options.tls_key_file);
    return nullptr;
  }
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!options.tls_client_ca_file.empty()) {
    const std::optional<std::string> ca = ReadFile(options.tls_client_ca_file);
    if (!ca || ca->empty()) {
      spdlog::critical("cannot read --tls_client_ca_file '{}'", options.tls_client_ca_file);
      return nullptr;
    }
    ssl.pem_root_certs = *ca;
    // Requested, and verified when presented; a caller without one may use a bearer token.
    ssl.client_certificate_request = GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  } else {
    ssl.client_certificate_request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
  }
  return grpc::SslServerCredentials(ssl);
}

std::optional<AccessControl> LoadAccessControl(const ServerOptions& options) {
  if (options.access_config.empty()) {
    if (!options.plaintext) {
      spdlog::critical("--access_config is required with TLS: list the callers and their roles");
      return std::nullopt;
    }
    spdlog::warn("no --access_config: every caller is let in as admin (development)");
    return AccessControl::AllowEveryone();
  }
  absl::StatusOr<AccessControl> access = AccessControl::FromFile(options.access_config);
  if (!access.ok()) {
    spdlog::critical("access config refused:\n{}", std::string(access.status().message()));
    return std::nullopt;
  }
  spdlog::info("access config {}: {} callers", options.access_config, access->caller_count());
  return *std::move(access);
}

// Reloads the rules when the directory's files change. A change is acted on once the directory
// has looked the same for one whole interval, so a writer replacing several files one by one is
// usually read once, after the last.
class DirectoryPoller {
 public:
  DirectoryPoller(RuleStore* store, absl::Duration interval, std::string initial_fingerprint)
      : store_(store), interval_(interval), loaded_(std::move(initial_fingerprint)) {
    if (interval_ > absl::ZeroDuration()) thread_ = std::thread([this] { Run(); });
  }
  ~DirectoryPoller() {
    stop_.Notify();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    std::string pending;
    while (!stop_.WaitForNotificationWithTimeout(interval_)) {
      const std::string now = RuleDirectoryFingerprint(store_->rules_dir());
      if (now == loaded_) {
        pending.clear();
      } else if (now != pending) {
        pending = now;  // changed; wait one interval for it to settle
      } else {
        (void)store_->Load(v1::LOAD_TRIGGER_FILE_CHANGE);  // a rejection is logged and recorded
        loaded_ = now;
        pending.clear();
      }
    }
  }

  RuleStore* store_;
  absl::Duration interval_;
  std::string loaded_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace

namespace {

// The limits of README "Limits, overload and shutdown": message sizes, the resource quota,
// streams, metadata, connection idle time and age, ping strikes.
void ApplyLimits(absl::Duration max_connection_age, grpc::ResourceQuota& quota,
                 grpc::ServerBuilder& builder) {
  quota.Resize(kQuotaBytes);
  quota.SetMaxThreads(kMaxThreads);
  builder.SetMaxReceiveMessageSize(kMaxRequestBytes);
  builder.SetMaxSendMessageSize(kMaxResponseBytes);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, kMaxMetadataBytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, kMaxConnectionIdleMs);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(max_connection_age)));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, kMaxConnectionAgeGraceMs);
  // A client pinging more often than every 5 minutes without data is cut off after 2 strikes.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
}

}  // namespace

// Starts the HTTP listener over the public API; null (logged) when it cannot.
std::unique_ptr<http::HttpListener> StartHttp(const ServerOptions& options, const PublicApi& api,
                                              const AccessControl& access,
                                              http::ServingState& state,
                                              std::unique_ptr<http::HttpFront>& front) {
  absl::StatusOr<std::vector<std::string>> origins =
      http::ParseAllowedOrigins(options.http_allowed_origins);
  if (!origins.ok()) {
    spdlog::critical("{}", std::string(origins.status().message()));
    return nullptr;
  }
  http::ListenerOptions listener;
  listener.listen = options.http_listen;
  listener.threads = options.http_threads;
  listener.max_connections = static_cast<size_t>(options.http_max_connections);
  listener.body_limit = kMaxRequestBytes;
  listener.read_timeout = options.http_read_timeout;
  listener.idle_timeout = options.http_idle_timeout;
  if (!options.plaintext) {
    // TransportCredentials has read and checked these already.
    listener.tls_cert = ReadFile(options.tls_cert_file).value_or("");
    listener.tls_key = ReadFile(options.tls_key_file).value_or("");
    if (!options.tls_client_ca_file.empty()) {
      listener.tls_client_ca = ReadFile(options.tls_client_ca_file).value_or("");
    }
  }
  front = std::make_unique<http::HttpFront>(
      &api, &access, &state, http::FrontOptions{*std::move(origins), options.web_dir});
  absl::StatusOr<std::unique_ptr<http::HttpListener>> started =
      http::HttpListener::Start(listener, front.get());
  if (!started.ok()) {
    spdlog::critical("{}", std::string(started.status().message()));
    return nullptr;
  }
  const int port = (*started)->port();
  const std::string host = options.http_listen.substr(0, options.http_listen.rfind(':'));
  if (!options.http_port_file.empty() && !WritePortFile(options.http_port_file, port)) {
    spdlog::critical("cannot write port file {}", options.http_port_file);
    return nullptr;
  }
  std::printf("http listening on %s:%d\n", host.c_str(), port);
  std::fflush(stdout);
  spdlog::info("serving HTTP (Connect, /healthz, the page) on {}:{} ({}), {} allowed origins",
               host, port, options.plaintext ? "plaintext" : "TLS",
               front->allowed_origin_count());
  state.serving.store(true);
  return *std::move(started);
}

int RunServer(const ServerOptions& options) {
  // Signals are taken by sigwait below; block them before gRPC starts its threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::shared_ptr<grpc::ServerCredentials> credentials = TransportCredentials(options);
  if (credentials == nullptr) return 1;
  const std::optional<AccessControl> access = LoadAccessControl(options);
  if (!access) return 1;

  // One audit line per call, written from a buffer by one thread (audit_log.h).
  AuditLog audit(stderr, AuditLog::Options{});
  InstallAuditLog(&audit);
  struct Uninstall {
    ~Uninstall() { InstallAuditLog(nullptr); }  // before `audit` goes, on every return
  } uninstall;

  RuleStore store(options.rules_dir);
  const std::string fingerprint = RuleDirectoryFingerprint(options.rules_dir);
  if (!store.Load(v1::LOAD_TRIGGER_STARTUP).ok()) {
    // The store logged each file:line:column problem; refuse to serve without rules.
    spdlog::critical("refusing to start: the rules in '{}' do not load", options.rules_dir);
    return 1;
  }

  std::string quote_location = options.quote_store;
  if (!options.quote_store_url_file.empty()) {
    const std::optional<std::string> url = ReadFile(options.quote_store_url_file);
    if (!url) {
      spdlog::critical("--quote_store_url_file: cannot read {}", options.quote_store_url_file);
      return 1;
    }
    quote_location = std::string(absl::StripAsciiWhitespace(*url));
    if (quote_location.empty()) {
      spdlog::critical("--quote_store_url_file: {} is empty; it must hold the PostgreSQL URL",
                       options.quote_store_url_file);
      return 1;
    }
  }
  // The HTTP side, declared before the services so that it goes after them: the quote queue's
  // last calls answer through it (http/http_listener.h).
  http::ServingState http_state;
  std::unique_ptr<PublicApi> api;
  std::unique_ptr<http::HttpFront> http_front;
  std::unique_ptr<http::HttpListener> http_listener;
  // The statuses of the health port for probes (--health_listen) follow the main port's.
  ProbeHealth probe;
  std::unique_ptr<grpc::Server> probe_server;
  // The quote service's health follows the store; set once the server exists (see below).
  std::atomic<grpc::HealthCheckServiceInterface*> quote_health{nullptr};
  QuoteStoreLink quote_store(quote_location, absl::Seconds(2), [&](bool up) {
    http_state.quotes_serving.store(up);
    probe.Set(kQuoteServiceName, up);
    if (auto* health = quote_health.load()) health->SetServingStatus(kQuoteServiceName, up);
  });
  EstimatorService service(&store, &*access);
  RuleAdminService admin(&store, &*access, options.poll_interval);
  QuoteService quotes(&store, &*access, &quote_store,
                      QuoteSettings{options.quote_valid_days, options.quote_retention_years});
  grpc::EnableDefaultHealthCheckService(true);
  // Links the health schema into the descriptor pool so reflection can describe the service.
  (void)::grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ResourceQuota quota("estimator");
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, credentials, &port);
  builder.RegisterService(&service);
  builder.RegisterService(&admin);
  builder.RegisterService(&quotes);
  ApplyLimits(options.max_connection_age, quota, builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    spdlog::critical("cannot listen on {}", options.listen);
    return 1;
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  for (const char* name : {kServiceName, kAdminServiceName}) {
    health->SetServingStatus(name, true);
    probe.Set(name, true);
  }
  health->SetServingStatus(kQuoteServiceName, false);  // until the store is open and migrated
  probe.Set(kQuoteServiceName, false);
  health->SetServingStatus(true);
  probe.Set("", true);
  quote_health.store(health);
  quote_store.Start();
  if (!options.health_listen.empty()) {
    int health_port = 0;
    probe_server = StartProbeServer(options.health_listen, &probe, &health_port);
    if (probe_server == nullptr) {
      spdlog::critical("cannot listen on --health_listen {}", options.health_listen);
      server->Shutdown();
      return 1;
    }
    if (!options.health_port_file.empty() && !WritePortFile(options.health_port_file, health_port)) {
      spdlog::critical("cannot write port file {}", options.health_port_file);
      server->Shutdown();
      return 1;
    }
    spdlog::info("serving gRPC health checks for probes (plaintext, health only) on {}",
                 options.health_listen.substr(0, options.health_listen.rfind(':') + 1) +
                     std::to_string(health_port));
  }
  if (!options.http_listen.empty()) {
    api = std::make_unique<PublicApi>(&service, &quotes);
    http_listener = StartHttp(options, *api, *access, http_state, http_front);
    if (http_listener == nullptr) {
      server->Shutdown();
      return 1;
    }
  }

  const std::string host = options.listen.substr(0, options.listen.rfind(':'));
  std::printf("listening on %s:%d\n", host.c_str(), port);
  std::fflush(stdout);
  if (!options.port_file.empty() && !WritePortFile(options.port_file, port)) {
    spdlog::critical("cannot write port file {}", options.port_file);
    server->Shutdown();
    return 1;
  }
  spdlog::info("serving on {}:{} ({}) with rules {}", host, port,
               options.plaintext ? "plaintext" : "TLS", store.Current()->version());

  {
    DirectoryPoller poller(&store, options.poll_interval, fingerprint);
    while (true) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      audit.Flush();  // whatever the signal, the lines so far reach the log now
      if (sig != SIGHUP) break;
      (void)store.Load(v1::LOAD_TRIGGER_SIGNAL);  // a rejection is logged and recorded
    }
  }  // the poller stops here
  spdlog::info("shutting down: health NOT_SERVING, finishing in-flight calls");
  health->Shutdown();  // NOT_SERVING for every service, and no more status changes
  probe.Shutdown();
  http_state.serving.store(false);
  const absl::Time deadline = absl::Now() + options.shutdown_grace;
  std::thread grpc_stop([&] { server->Shutdown(absl::ToChronoTime(deadline)); });
  if (http_listener != nullptr) http_listener->Stop(deadline);
  grpc_stop.join();
  server->Wait();
  // Last, so that the probes see NOT_SERVING, not a closed port, while calls drain.
  if (probe_server != nullptr) probe_server->Shutdown(absl::ToChronoTime(absl::Now()));
  audit.Flush();  // every call that was answered has its line in the log
  spdlog::info("stopped");
  return 0;
}

}  // namespace estimator
