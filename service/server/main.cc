// estimator_server: serves estimator.v1.EstimatorService and RuleAdminService on the bundled (or
// given) payer rules.
//
//   estimator_server --rules_dir=payer_rules --listen=0.0.0.0:8443
//       --tls_cert_file=server.pem --tls_key_file=server.key [--tls_client_ca_file=clinic_ca.pem]
//       --access_config=access.textproto                     (one command)
//   estimator_server --listen=127.0.0.1:0 --port_file=/tmp/port --plaintext   # development
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
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "On SIGTERM, how long in-flight calls may take to finish");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Serves treatment cost estimates over gRPC.");
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
  options.quote_store = absl::GetFlag(FLAGS_quote_store);
  options.quote_store_url_file = absl::GetFlag(FLAGS_quote_store_url_file);
  options.quote_valid_days = absl::GetFlag(FLAGS_quote_valid_days);
  options.quote_retention_years = absl::GetFlag(FLAGS_quote_retention_years);
  if (options.quote_valid_days < 1 || options.quote_valid_days > 3660 ||
      options.quote_retention_years < 1 || options.quote_retention_years > 100) {
    spdlog::critical("--quote_valid_days must be 1-3660 and --quote_retention_years 1-100");
    return 1;
  }
  return estimator::RunServer(options);
}
