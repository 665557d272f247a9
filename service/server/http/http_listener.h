// The HTTP/1.1 listener (Boost.Beast): accepts connections, parses requests within explicit
// limits, hands each to the HttpFront and writes its answer. What it guarantees whatever a client
// sends:
// - a request's headers may take 16 KiB and its body 1 MiB, both checked by the parser before the
//   bytes are kept (a declared Content-Length over the limit is refused before any body is read; a
//   chunked body is counted as it arrives): 431 and 413, then the connection is closed;
// - a request must arrive whole within read_timeout of its first byte (slowloris: 408), and a
//   connection with no request under way is closed after idle_timeout;
// - at most max_connections are open; the next is answered 503 and closed;
// - a fixed number of threads (no thread per connection);
// - TLS with the server's certificate (and, optionally, client certificates verified against a
//   CA, whose common names are callers as in gRPC), or plaintext, which server_runner only
//   allows on loopback.
#ifndef ESTIMATOR_SERVER_HTTP_HTTP_LISTENER_H_
#define ESTIMATOR_SERVER_HTTP_HTTP_LISTENER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/server/http/http_front.h"

namespace boost::asio::ssl {
class context;
}

namespace estimator::http {

struct ListenerOptions {
  std::string listen = "127.0.0.1:0";  // host:port; port 0 picks a free one
  int threads = 2;
  size_t max_connections = 256;
  uint32_t header_limit = kHeaderLimit;
  uint64_t body_limit = kBodyLimit;
  absl::Duration read_timeout = absl::Seconds(10);
  absl::Duration idle_timeout = absl::Seconds(15);
  absl::Duration write_timeout = absl::Seconds(10);
  // TLS material (PEM); empty cert: plaintext.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
};

class HttpListener {
 public:
  // Binds and starts serving; INVALID_ARGUMENT for bad TLS material or address, UNAVAILABLE when
  // the port cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(const ListenerOptions& options,
                                                            const HttpFront* front);
  ~HttpListener();

  int port() const { return port_; }
  // Stops accepting, lets the requests being answered finish (until `deadline`), closes every
  // connection and stops the threads. Idempotent.
  void Stop(absl::Time deadline);

  class Impl;

 private:
  explicit HttpListener(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace estimator::http

#endif  // ESTIMATOR_SERVER_HTTP_HTTP_LISTENER_H_
