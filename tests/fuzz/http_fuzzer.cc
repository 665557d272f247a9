// Fuzz target: the HTTP listener's request parser (Boost.Beast, with the listener's header and body
// limits) and the Connect front behind it (routing, CORS, Connect headers, JSON and protobuf
// bodies, callers, the handlers), without sockets. The first byte picks the callers: even, a
// development server (everyone is admin); odd, an access config with one front-desk token
// ("Bearer fuzz-token"), so that authentication and roles are fuzzed too. The rest is the bytes a
// client sends on one connection; every complete request in them is answered in turn.
//
// The quote service is real but its store is a PostgreSQL URL nothing listens on: quote calls run
// on its queue and answer UNAVAILABLE, so the fuzzer keeps no data.
//
// Checked besides crashes, leaks and undefined behaviour: every request gets exactly one answer,
// with a status the front documents, which serializes as HTTP; an error answer is short (it never
// echoes a hostile request at length); an API answer is never cached.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <future>
#include <memory>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"
#include "google/protobuf/stubs/common.h"
#include "service/common/sha256.h"
#include "service/server/access_control.h"
#include "service/server/audit_log.h"
#include "service/server/estimator_service.h"
#include "service/server/http/http_front.h"
#include "service/server/public_api.h"
#include "service/server/quote_service.h"
#include "service/server/quote_store_link.h"
#include "service/server/rule_store.h"
#include "spdlog/spdlog.h"
#include "tests/fuzz/answer_checks.h"
#include "tests/fuzz/bundled_rules.h"

namespace estimator {
namespace {
namespace bhttp = boost::beast::http;

struct Server {
  Server()
      : rules(BundledRulesDir()),
        open(AccessControl::AllowEveryone()),
        store("postgresql://fuzz@127.0.0.1:1/none?connect_timeout=1", absl::Seconds(3600),
              [](bool) {}),
        estimator(&rules, &open),
        quotes(&rules, &open, &store, QuoteSettings{}),
        api(&estimator, &quotes) {
    if (!rules.Load(v1::LOAD_TRIGGER_STARTUP).ok()) Finding("the bundled rules do not load");
    const std::string config = "/tmp/estimator_http_fuzzer_access.textproto";
    std::ofstream(config) << "callers { name: \"desk\" role: ROLE_FRONT_DESK token_sha256: \""
                          << Sha256Hex("fuzz-token") << "\" }\n";
    absl::StatusOr<AccessControl> loaded = AccessControl::FromFile(config);
    if (!loaded.ok()) Finding("the fuzzer's access config does not load", loaded.status().ToString());
    enforced = std::make_unique<AccessControl>(*std::move(loaded));
    state.serving = true;
    http::FrontOptions options{{"https://portal.example.org"}, ""};
    open_front = std::make_unique<http::HttpFront>(&api, &open, &state, options);
    enforced_front = std::make_unique<http::HttpFront>(&api, enforced.get(), &state, options);
  }

  RuleStore rules;
  AccessControl open;
  std::unique_ptr<AccessControl> enforced;
  QuoteStoreLink store;
  EstimatorService estimator;
  QuoteService quotes;
  PublicApi api;
  http::ServingState state;
  std::unique_ptr<http::HttpFront> open_front;
  std::unique_ptr<http::HttpFront> enforced_front;
};

Server& TheServer() {
  static Server* server = [] {
    google::protobuf::SetLogHandler(nullptr);
    spdlog::set_level(spdlog::level::off);  // one audit line per input is noise here
    return new Server();
  }();
  return *server;
}

void CheckAnswer(const http::HttpRequest& request, const http::HttpResponse& response) {
  static const std::set<int> kDocumented = {200, 204, 400, 401, 403, 404, 405, 409, 415,
                                            429, 499, 500, 501, 503, 504};
  const int status = response.result_int();
  if (kDocumented.count(status) == 0) Finding("an undocumented HTTP status", std::to_string(status));
  if (status != 200 && response.body().size() > 1100) {
    Finding("an error answer longer than 1100 bytes", response.body().substr(0, 200));
  }
  const auto type = response[bhttp::field::content_type];
  if ((type == "application/json" || type == "application/proto") &&
      response[bhttp::field::cache_control] != "no-store") {
    Finding("an API answer without Cache-Control: no-store", std::string(request.target()));
  }
  std::ostringstream wire;
  wire << response;  // serializes as HTTP/1.x (the request's version)
  if (wire.str().rfind("HTTP/1.", 0) != 0) Finding("an answer that does not serialize");
}

}  // namespace
}  // namespace estimator

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace estimator;
  if (size == 0) return 0;
  Server& server = TheServer();
  const http::HttpFront& front = (data[0] & 1) ? *server.enforced_front : *server.open_front;
  ++data, --size;
  if (size == 0) return 0;
  boost::beast::flat_buffer buffer;
  {
    auto space = buffer.prepare(size);
    std::memcpy(space.data(), data, size);
    buffer.commit(size);
  }
  for (int requests = 0; requests < 8 && buffer.size() > 0; ++requests) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(http::kHeaderLimit);
    parser.body_limit(http::kBodyLimit);
    parser.eager(true);
    boost::beast::error_code ec;
    while (!ec && !parser.is_done() && buffer.size() > 0) {
      const size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (used == 0) break;
    }
    if (ec == bhttp::error::need_more) ec = {};
    if (!ec && !parser.is_done()) parser.put_eof(ec);  // the client closed after its bytes
    if (ec || !parser.is_done()) break;  // the listener answers 400/413/431 and closes
    http::HttpRequest request = parser.release();
    const http::HttpRequest copy = request;
    std::promise<http::HttpResponse> answered;
    int answers = 0;
    front.Handle(std::move(request), http::Peer{}, [&](http::HttpResponse response) {
      ++answers;
      answered.set_value(std::move(response));
    });
    const http::HttpResponse response = answered.get_future().get();
    if (answers != 1) Finding("a request answered more than once");
    CheckAnswer(copy, response);
  }
  return 0;
}
