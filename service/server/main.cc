// estimator_server: serves estimator.v1.EstimatorService, QuoteService and RuleAdminService on
// the bundled (or given) payer rules over gRPC, and optionally the public API over the Connect
// protocol (HTTP/1.1) with the front desk's page.
//
//   estimator_server --rules_dir=payer_rules --listen=0.0.0.0:8443
//       --tls_cert_file=server.pem --tls_key_file=server.key [--tls_client_ca_file=clinic_ca.pem]
//       --access_config=access.textproto                     (one command)
//   estimator_server --listen=127.0.0.1:0 --port_file=/tmp/port --plaintext   # development
//   estimator_server --plaintext --http_listen=127.0.0.1:8080    # and the page at http://127.0.0.1:8080/
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/server/server_runner.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, rules_dir, "payer_rules",
          "Directory of rule files (plans/, clinics/, protocols/, catalogs/, codes/)");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "host:port to listen on; port 0 picks a free one");
ABSL_FLAG(std::string, port_file, "", "If set, the bound port is written here once listening");
ABSL_FLAG(std::string, tls_cert_file, "", "TLS: the server's certificate chain (PEM)");
ABSL_FLAG(std::string, tls_key_file, "", "TLS: the server's private key (PEM)");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "Mutual TLS: CA (PEM) that client certificates are verified against");
ABSL_FLAG(bool, plaintext, false,
          "Development only: serve without TLS; refused unless --listen is a loopback address");
ABSL_FLAG(std::string, access_config, "",
          "Callers, their credentials (token hashes, client certificate names) and roles "
          "(estimator.v1.AccessConfig, text format); required with TLS");
ABSL_FLAG(absl::Duration, rules_poll_interval, absl::Seconds(2),
          "How often the rules directory is checked for changed files; 0 turns polling off");
ABSL_FLAG(std::string, quote_store, "sqlite:estimator_quotes.db",
          "Where saved quotes and Good Faith Estimates are kept: sqlite:PATH (a file created 0600) "
          "or a PostgreSQL URL postgresql://user@host:port/db?sslmode=verify-full");
ABSL_FLAG(std::string, quote_store_url_file, "",
          "A file holding the PostgreSQL URL (e.g. a mounted Secret); overrides --quote_store");
ABSL_FLAG(int, quote_valid_days, 30, "Days an issued estimate or comparison quote stays in force");
ABSL_FLAG(int, quote_retention_years, 6,
          "PurgeQuotes removes quotes created more than this many years ago");
ABSL_FLAG(std::string, http_listen, "",
          "host:port for HTTP/1.1 (the Connect protocol, /healthz and the front desk's page); "
          "off when empty. TLS and plaintext as for --listen");
ABSL_FLAG(std::string, http_port_file, "", "If set, the bound HTTP port is written here");
ABSL_FLAG(std::string, http_allowed_origins, "",
          "Comma-separated origins (https://portal.example.org) whose pages may call the API from "
          "a browser (CORS); none when empty. '*' is refused");
ABSL_FLAG(std::string, web_dir, "",
          "Development: serve the front desk's page from this folder (service/web) instead of "
          "the copy compiled into the binary");
ABSL_FLAG(int, http_threads, 2, "Threads serving HTTP connections");
ABSL_FLAG(int, http_max_connections, 256, "Open HTTP connections at most; the next gets 503");
ABSL_FLAG(absl::Duration, http_read_timeout, absl::Seconds(10),
          "A request must arrive whole within this time of its first byte (else 408)");
ABSL_FLAG(absl::Duration, http_idle_timeout, absl::Seconds(15),
          "An HTTP connection with no request under way is closed after this long");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "On SIGTERM, how long in-flight calls may take to finish");
ABSL_FLAG(absl::Duration, max_connection_age, absl::Minutes(30),
          "gRPC connections are closed (GOAWAY, 30 s to finish calls) after this long, so that "
          "clients re-resolve and spread over new replicas; 1m to 24h");
ABSL_FLAG(std::string, health_listen, "",
          "host:port of a plaintext port serving only grpc.health.v1.Health/Check (Kubernetes' "
          "gRPC probes cannot speak TLS); no patient data, no credentials. Off when empty");
ABSL_FLAG(std::string, health_port_file, "", "If set, the bound health port is written here");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Serves treatment cost estimates over gRPC (and, with --http_listen, Connect over HTTP).");
  absl::ParseCommandLine(argc, argv);
  // Debian's Abseil is built without NDEBUG, so its debug-only deadlock detector is on: every
  // absl::Mutex acquisition (gRPC's own included) then records lock order in one process-wide
  // graph under a global lock, which serializes the server's threads. The unit tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Logs go to stderr; stdout carries only the "listening on" line scripts wait for.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("estimator"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);

  estimator::ServerOptions options;
  options.rules_dir = absl::GetFlag(FLAGS_rules_dir);
  options.listen = absl::GetFlag(FLAGS_listen);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  options.plaintext = absl::GetFlag(FLAGS_plaintext);
  options.access_config = absl::GetFlag(FLAGS_access_config);
  options.poll_interval = absl::GetFlag(FLAGS_rules_poll_interval);
  options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  options.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  options.health_listen = absl::GetFlag(FLAGS_health_listen);
  options.health_port_file = absl::GetFlag(FLAGS_health_port_file);
  options.quote_store = absl::GetFlag(FLAGS_quote_store);
  options.quote_store_url_file = absl::GetFlag(FLAGS_quote_store_url_file);
  options.quote_valid_days = absl::GetFlag(FLAGS_quote_valid_days);
  options.quote_retention_years = absl::GetFlag(FLAGS_quote_retention_years);
  options.http_listen = absl::GetFlag(FLAGS_http_listen);
  options.http_port_file = absl::GetFlag(FLAGS_http_port_file);
  options.http_allowed_origins = absl::GetFlag(FLAGS_http_allowed_origins);
  options.web_dir = absl::GetFlag(FLAGS_web_dir);
  options.http_threads = absl::GetFlag(FLAGS_http_threads);
  options.http_max_connections = absl::GetFlag(FLAGS_http_max_connections);
  options.http_read_timeout = absl::GetFlag(FLAGS_http_read_timeout);
  options.http_idle_timeout = absl::GetFlag(FLAGS_http_idle_timeout);
  if (options.http_threads < 1 || options.http_threads > 64 || options.http_max_connections < 1 ||
      options.http_read_timeout <= absl::ZeroDuration() ||
      options.http_idle_timeout <= absl::ZeroDuration()) {
    spdlog::critical("--http_threads must be 1-64, --http_max_connections at least 1, and the "
                     "HTTP timeouts positive");
    return 1;
  }
  if (options.max_connection_age < absl::Minutes(1) || options.max_connection_age > absl::Hours(24)) {
    spdlog::critical("--max_connection_age must be 1m to 24h");
    return 1;
  }
  if (options.quote_valid_days < 1 || options.quote_valid_days > 3660 ||
      options.quote_retention_years < 1 || options.quote_retention_years > 100) {
    spdlog::critical("--quote_valid_days must be 1-3660 and --quote_retention_years 1-100");
    return 1;
  }
  return estimator::RunServer(options);
}
