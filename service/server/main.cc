// estimator_server: serves estimator.v1.EstimatorService on the bundled (or given) payer rules.
//
//   estimator_server --rules_dir=payer_rules --listen=127.0.0.1:50051 --plaintext   # development
//   estimator_server --listen=127.0.0.1:0 --port_file=/tmp/port --plaintext    # pick a free port
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "service/server/server_runner.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, rules_dir, "payer_rules", "Directory of rule files (plans/, clinics/, protocols/)");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "host:port to listen on; port 0 picks a free one");
ABSL_FLAG(bool, plaintext, false,
          "Development only: serve without TLS; refused unless --listen is a loopback address");
ABSL_FLAG(std::string, port_file, "", "If set, the bound port is written here once listening");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Serves treatment cost estimates over gRPC.");
  absl::ParseCommandLine(argc, argv);
  // Logs go to stderr; stdout carries only the "listening on" line scripts wait for.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("estimator"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);

  estimator::ServerOptions options;
  options.rules_dir = absl::GetFlag(FLAGS_rules_dir);
  options.listen = absl::GetFlag(FLAGS_listen);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.plaintext = absl::GetFlag(FLAGS_plaintext);
  return estimator::RunServer(options);
}
