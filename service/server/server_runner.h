// Starting, running and stopping the server: gRPC, and HTTP/1.1 (Connect) when asked for.
//
// - Transport: TLS from certificate files, with optional mutual TLS (client certificates verified
//   against a CA); plaintext only when asked for, on a loopback address (development).
// - Callers: an access config (access.proto) lists who may call in which role; required with TLS.
// - Rules: loaded at start (refusing to start without them), then reloaded when the directory
//   changes (polled), on SIGHUP and on ReloadRules; a bad file keeps the last good set.
// - Limits: message sizes, streams per connection, metadata size, connection age, ping abuse, a
//   resource quota (see kLimits in server_runner.cc and the README).
// - HTTP (--http_listen): the same handlers, callers, limits and audit line over the Connect
//   protocol, /healthz, and the front desk's page (http/http_front.h).
// - SIGTERM/SIGINT: health NOT_SERVING (and /healthz 503), in-flight calls on both transports
//   finish (up to the grace period), exit 0.
#ifndef ESTIMATOR_SERVER_SERVER_RUNNER_H_
#define ESTIMATOR_SERVER_SERVER_RUNNER_H_

#include <string>

#include "absl/time/time.h"

namespace estimator {

struct ServerOptions {
  std::string rules_dir = "payer_rules";
  // host:port; port 0 picks a free port, printed on stdout and written to port_file.
  std::string listen = "127.0.0.1:50051";
  std::string port_file;
  // TLS: the server's certificate chain and private key (PEM). With tls_client_ca_file, client
  // certificates are requested and verified against it (mutual TLS); a caller without one may
  // still use a bearer token.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // Development only: serve without TLS. Refused unless `listen` is a loopback address.
  bool plaintext = false;
  // Who may call (access.proto). Required with TLS; without it (plaintext development) every
  // caller is let in as admin.
  std::string access_config;
  // How often the rules directory is looked at for changes; zero turns polling off.
  absl::Duration poll_interval = absl::Seconds(2);
  absl::Duration shutdown_grace = absl::Seconds(10);
  // Connections are closed (GOAWAY) after this long, so that clients re-resolve and spread over
  // replicas that came up since (GRPC_ARG_MAX_CONNECTION_AGE_MS).
  absl::Duration max_connection_age = absl::Minutes(30);
  // host:port of a plaintext port serving only grpc.health.v1.Health/Check, for Kubernetes' gRPC
  // probes (which cannot speak TLS); off when empty (probe_health.h).
  std::string health_listen;
  std::string health_port_file;
  // Where saved quotes are kept: "sqlite:PATH" or a PostgreSQL URL (quote_store.h). Empty with
  // quote_store_url_file empty: the default SQLite file.
  std::string quote_store = "sqlite:estimator_quotes.db";
  // A file holding the PostgreSQL URL (a mounted Secret), read at start; overrides quote_store.
  std::string quote_store_url_file;
  int quote_valid_days = 30;
  int quote_retention_years = 6;
  // HTTP/1.1 (http/http_listener.h): off when http_listen is empty. Same TLS material as gRPC;
  // plaintext only on loopback.
  std::string http_listen;
  std::string http_port_file;
  std::string http_allowed_origins;  // CORS, comma-separated origins
  std::string web_dir;               // development: the page's files from this folder
  int http_threads = 2;
  int http_max_connections = 256;
  absl::Duration http_read_timeout = absl::Seconds(10);
  absl::Duration http_idle_timeout = absl::Seconds(15);
};

// Blocks until SIGTERM or SIGINT. Returns the process exit code: 0 after a clean shutdown, 1 when
// the configuration is refused, the rules do not load or the port cannot be bound.
int RunServer(const ServerOptions& options);

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_SERVER_RUNNER_H_
