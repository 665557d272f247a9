// What the HTTP listener serves, as a function of one parsed request: the Connect protocol's unary
// calls for every method of the public API (public_api.h), CORS for the origins a flag allows,
// GET /healthz (the gRPC health check's twin), and the front desk's page (service/web/). No
// sockets here (http_listener.h owns them), so the fuzzer drives this directly.
//
// A call over HTTP is the same call as over gRPC: the same handler, bearer tokens and roles,
// validation, 1 MiB limit (enforced by the listener's parser) and audit line (via=http).
//
//   HttpFront front(&api, &access, &state, {.allowed_origins = {"https://portal.example"}});
//   front.Handle(std::move(request), peer, [&](HttpResponse r) { /* write it */ });
#ifndef ESTIMATOR_SERVER_HTTP_HTTP_FRONT_H_
#define ESTIMATOR_SERVER_HTTP_HTTP_FRONT_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "boost/beast/http/message.hpp"
#include "boost/beast/http/string_body.hpp"
#include "service/server/access_control.h"
#include "service/server/public_api.h"

namespace estimator::http {

// What one request may hold: headers (all of them, with the request line) and body. The listener
// sets them on its parser before reading (a declared Content-Length over the limit is refused
// before any body byte is kept; a chunked body is counted as it arrives).
inline constexpr uint32_t kHeaderLimit = 16 << 10;
inline constexpr uint64_t kBodyLimit = 1 << 20;

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Who is at the other end of a connection, as far as TLS verified it.
struct Peer {
  std::vector<std::string> certificate_names;  // common names of a verified client certificate
};

// What /healthz says; the server sets it where it sets the gRPC health statuses.
struct ServingState {
  std::atomic<bool> serving{false};         // rules loaded, not shutting down
  std::atomic<bool> quotes_serving{false};  // and the quote store open
};

struct FrontOptions {
  // Origins (scheme://host[:port]) whose pages may call the API from a browser. Empty: none.
  std::vector<std::string> allowed_origins;
  // Development: serve the page's files from this folder (read on each request) instead of the
  // copies compiled in. Only the compiled-in names are served.
  std::string web_dir;
};

class HttpFront {
 public:
  HttpFront(const PublicApi* api, const AccessControl* access, const ServingState* state,
            FrontOptions options);

  // Answers `request`: `respond` is called exactly once, on this thread or, for quote calls, on a
  // thread of the quote queue.
  void Handle(HttpRequest request, const Peer& peer,
              std::function<void(HttpResponse)> respond) const;

  size_t allowed_origin_count() const { return options_.allowed_origins.size(); }

 private:
  void Call(const ApiMethod& method, HttpRequest request, const Peer& peer, bool cors,
            std::function<void(HttpResponse)> respond) const;
  HttpResponse Preflight(const HttpRequest& request) const;
  bool OriginAllowed(const HttpRequest& request) const;

  const PublicApi* api_;
  const AccessControl* access_;
  const ServingState* state_;
  const FrontOptions options_;
};

// The origins flag's value checked: "scheme://host[:port]" entries, no "*", no path.
absl::StatusOr<std::vector<std::string>> ParseAllowedOrigins(absl::string_view flag);

}  // namespace estimator::http

#endif  // ESTIMATOR_SERVER_HTTP_HTTP_FRONT_H_
