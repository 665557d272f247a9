// Starting, running and stopping the gRPC server: health and reflection on, explicit message and
// stream limits, SIGHUP reloads the rules (a bad file keeps the last good set), SIGTERM/SIGINT
// turns health NOT_SERVING, lets in-flight calls finish and returns 0.
#ifndef ESTIMATOR_SERVER_SERVER_RUNNER_H_
#define ESTIMATOR_SERVER_SERVER_RUNNER_H_

#include <string>

namespace estimator {

struct ServerOptions {
  std::string rules_dir = "payer_rules";
  // host:port; port 0 picks a free port, printed on stdout and written to port_file.
  std::string listen = "127.0.0.1:50051";
  std::string port_file;
  // Development only: serve without TLS. Refused unless `listen` is a loopback address.
  bool plaintext = false;
  int shutdown_grace_seconds = 10;
};

// Blocks until SIGTERM or SIGINT. Returns the process exit code: 0 after a clean shutdown,
// 1 when the rules do not load or the port cannot be bound.
int RunServer(const ServerOptions& options);

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_SERVER_RUNNER_H_
