#include "service/server/http/http_front.h"

#include <fstream>
#include <iterator>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "service/server/http/connect_protocol.h"
#include "service/web/web_assets.h"

namespace estimator::http {
namespace bhttp = boost::beast::http;

namespace {

constexpr char kHealthPath[] = "/healthz";
constexpr char kAllowedHeaders[] =
    "Authorization, Content-Type, Connect-Protocol-Version, Connect-Timeout-Ms, X-User-Agent";
// Answers to API calls hold patient data: never kept by a browser or a proxy.
constexpr char kNoStore[] = "no-store";
// The page loads only its own files and talks only to this origin.
constexpr char kPagePolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

boost::beast::string_view Bv(absl::string_view text) { return {text.data(), text.size()}; }

HttpResponse Answer(const HttpRequest& request, bhttp::status status, absl::string_view type,
                    std::string body) {
  HttpResponse response(status, request.version());
  response.set(bhttp::field::content_type, Bv(type));
  response.set("X-Content-Type-Options", "nosniff");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

// A Connect error: JSON body, the HTTP status Connect's table gives its code.
HttpResponse ConnectError(const HttpRequest& request, const absl::Status& status) {
  HttpResponse response =
      Answer(request, static_cast<bhttp::status>(connect::HttpStatus(status.code())),
             "application/json", connect::ErrorBody(status));
  response.set(bhttp::field::cache_control, kNoStore);
  return response;
}

HttpResponse PlainText(const HttpRequest& request, bhttp::status status, absl::string_view text) {
  return Answer(request, status, "text/plain; charset=utf-8", absl::StrCat(text, "\n"));
}

absl::string_view Header(const HttpRequest& request, bhttp::field field) {
  const auto found = request.find(field);
  if (found == request.end()) return {};
  return absl::string_view(found->value().data(), found->value().size());
}

bool HasHeader(const HttpRequest& request, bhttp::field field) {
  return request.find(field) != request.end();
}
bool HasHeader(const HttpRequest& request, absl::string_view name) {
  return request.find(Bv(name)) != request.end();
}

// A path that looks like a Connect procedure: "/package.Service/Method".
bool LooksLikeProcedure(absl::string_view path) {
  const size_t slash = path.find('/', 1);
  return slash != absl::string_view::npos && path.substr(1, slash - 1).find('.') !=
                                                 absl::string_view::npos;
}

}  // namespace

HttpFront::HttpFront(const PublicApi* api, const AccessControl* access, const ServingState* state,
                     FrontOptions options)
    : api_(api), access_(access), state_(state), options_(std::move(options)) {}

bool HttpFront::OriginAllowed(const HttpRequest& request) const {
  const absl::string_view origin = Header(request, bhttp::field::origin);
  if (origin.empty()) return false;
  for (const std::string& allowed : options_.allowed_origins) {
    if (origin == allowed) return true;
  }
  return false;
}

HttpResponse HttpFront::Preflight(const HttpRequest& request) const {
  if (!HasHeader(request, bhttp::field::origin) ||
      !HasHeader(request, bhttp::field::access_control_request_method)) {
    // Not a CORS preflight: what the resource allows. (A 204 has no body: prepare_payload would
    // throw on one, as the fuzzer found.)
    HttpResponse response(bhttp::status::no_content, request.version());
    response.set(bhttp::field::allow, "GET, HEAD, POST, OPTIONS");
    response.prepare_payload();
    return response;
  }
  const absl::string_view asked = Header(request, bhttp::field::access_control_request_method);
  if (!OriginAllowed(request) || (asked != "POST" && asked != "GET")) {
    return PlainText(request, bhttp::status::forbidden,
                     "this origin may not call the estimator (see --http_allowed_origins)");
  }
  HttpResponse response(bhttp::status::no_content, request.version());
  response.set(bhttp::field::access_control_allow_origin, Bv(Header(request, bhttp::field::origin)));
  response.set(bhttp::field::vary, "Origin");
  response.set(bhttp::field::access_control_allow_methods, "POST, GET");
  response.set(bhttp::field::access_control_allow_headers, kAllowedHeaders);
  response.set(bhttp::field::access_control_max_age, "7200");
  response.prepare_payload();
  return response;
}

void HttpFront::Handle(HttpRequest request, const Peer& peer,
                       std::function<void(HttpResponse)> respond) const {
  const absl::string_view target(request.target().data(), request.target().size());
  const absl::string_view path = target.substr(0, target.find('?'));
  const bhttp::verb verb = request.method();

  if (verb == bhttp::verb::options) {
    respond(Preflight(request));
    return;
  }
  const bool cors = OriginAllowed(request);
  if (const ApiMethod* method = api_->Find(path); method != nullptr) {
    if (verb != bhttp::verb::post) {
      HttpResponse response = ConnectError(
          request, absl::UnimplementedError(absl::StrCat("use POST for ", method->path)));
      response.result(bhttp::status::method_not_allowed);
      response.set(bhttp::field::allow, "POST");
      respond(std::move(response));
      return;
    }
    Call(*method, std::move(request), peer, cors, std::move(respond));
    return;
  }
  if (LooksLikeProcedure(path)) {
    // Connect reads a 404 as unimplemented, the gRPC code for an unknown method.
    HttpResponse response =
        ConnectError(request, absl::UnimplementedError("no such method in the estimator's API"));
    response.result(bhttp::status::not_found);
    respond(std::move(response));
    return;
  }
  if (verb != bhttp::verb::get && verb != bhttp::verb::head) {
    HttpResponse response =
        PlainText(request, bhttp::status::method_not_allowed, "method not allowed");
    response.set(bhttp::field::allow, "GET, HEAD");
    respond(std::move(response));
    return;
  }
  if (path == kHealthPath) {
    // "?service=estimator.v1.QuoteService" asks about the quote store too, as gRPC health does.
    const bool quotes = absl::StrContains(target, "service=estimator.v1.QuoteService");
    const bool serving = state_->serving.load() && (!quotes || state_->quotes_serving.load());
    HttpResponse response = PlainText(
        request, serving ? bhttp::status::ok : bhttp::status::service_unavailable,
        serving ? "SERVING" : "NOT_SERVING");
    response.set(bhttp::field::cache_control, kNoStore);
    if (verb == bhttp::verb::head) response.body().clear();
    respond(std::move(response));
    return;
  }
  const web::WebAsset* asset = web::FindWebAsset(path == "/" ? "/index.html" : path);
  if (asset == nullptr) {
    respond(PlainText(request, bhttp::status::not_found, "not found"));
    return;
  }
  std::string body(asset->body);
  if (!options_.web_dir.empty()) {
    std::ifstream file(absl::StrCat(options_.web_dir, asset->path), std::ios::binary);
    body.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  HttpResponse response = Answer(request, bhttp::status::ok, asset->content_type, std::move(body));
  response.set("Content-Security-Policy", kPagePolicy);
  response.set(bhttp::field::cache_control, "no-cache");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Frame-Options", "DENY");
  if (verb == bhttp::verb::head) {
    response.body().clear();
    response.content_length(asset->body.size());  // the compiled-in size
  }
  respond(std::move(response));
}

namespace {

// One Connect call's state, shared by the thread that admits it and the one that answers it.
struct Exchange {
  HttpRequest request;
  std::unique_ptr<google::protobuf::Message> message;
  std::unique_ptr<google::protobuf::Message> answer;
  connect::Codec codec = connect::Codec::kJson;
  Caller caller{"-", v1::ROLE_UNSPECIFIED};
  absl::Time start;
  absl::Time deadline = absl::InfiniteFuture();
};

// The answer to an admitted call whose handler has finished with `status`, and its audit line.
HttpResponse Finish(const ApiMethod& method, Exchange& call, const AuditFields& audit,
                    absl::Status status) {
  std::string body;
  if (status.ok()) {
    absl::StatusOr<std::string> encoded = connect::Encode(call.codec, *call.answer);
    if (encoded.ok()) {
      body = *std::move(encoded);
    } else {
      status = encoded.status();
    }
  }
  LogCall(method.method, call.caller, audit, status, absl::Now() - call.start, Transport::kHttp);
  HttpResponse response =
      status.ok() ? Answer(call.request, bhttp::status::ok, connect::ContentType(call.codec),
                           std::move(body))
                  : ConnectError(call.request, status);
  response.set(bhttp::field::cache_control, kNoStore);
  return response;
}

}  // namespace

void HttpFront::Call(const ApiMethod& method, HttpRequest request, const Peer& peer, bool cors,
                     std::function<void(HttpResponse)> respond) const {
  auto call = std::make_shared<Exchange>();
  call->start = absl::Now();
  call->request = std::move(request);
  const HttpRequest& r = call->request;
  const std::string origin(Header(r, bhttp::field::origin));
  // Every answer, error or not, carries the CORS headers an allowed origin needs to read it.
  auto reply = [cors, origin, respond](HttpResponse response) {
    if (cors) {
      response.set(bhttp::field::access_control_allow_origin, origin);
      response.set(bhttp::field::vary, "Origin");
    }
    respond(std::move(response));
  };
  // Refusals before the caller is known are audited too: a probe is a call. `adjust` changes the
  // answer where HTTP has a more precise status than Connect's table (415).
  auto refuse = [&](const absl::Status& status,
                    const std::function<void(HttpResponse&)>& adjust = nullptr) {
    LogCall(method.method, call->caller, AuditFields{}, status, absl::Now() - call->start,
            Transport::kHttp);
    HttpResponse response = ConnectError(r, status);
    if (adjust) adjust(response);
    reply(std::move(response));
  };

  const absl::string_view encoding = Header(r, bhttp::field::content_encoding);
  if (!encoding.empty() && !absl::EqualsIgnoreCase(encoding, "identity")) {
    refuse(absl::UnimplementedError("Content-Encoding: only identity is accepted"));
    return;
  }
  const std::optional<connect::Codec> codec = connect::CodecOf(Header(r, bhttp::field::content_type));
  if (!codec) {
    refuse(absl::InvalidArgumentError(
               "Content-Type: expected application/json or application/proto"),
           [](HttpResponse& response) {
             response.result(bhttp::status::unsupported_media_type);
             response.set("Accept-Post", "application/json, application/proto");
           });
    return;
  }
  call->codec = *codec;
  if (HasHeader(r, "Connect-Protocol-Version") && r["Connect-Protocol-Version"] != "1") {
    refuse(absl::InvalidArgumentError("Connect-Protocol-Version: expected 1"));
    return;
  }
  if (HasHeader(r, "Connect-Timeout-Ms")) {
    const auto value = r["Connect-Timeout-Ms"];
    absl::StatusOr<absl::Duration> timeout =
        connect::ParseTimeout(absl::string_view(value.data(), value.size()));
    if (!timeout.ok()) {
      refuse(timeout.status());
      return;
    }
    call->deadline = call->start + *timeout;
  }
  PresentedCredentials presented;
  presented.certificate_names = peer.certificate_names;
  if (HasHeader(r, bhttp::field::authorization)) {
    presented.authorization = Header(r, bhttp::field::authorization);
  }
  absl::StatusOr<Caller> caller = access_->Authenticate(presented);
  if (!caller.ok()) {
    refuse(caller.status());
    return;
  }
  call->caller = *std::move(caller);
  call->message.reset(method.request_prototype->New());
  call->answer.reset(method.response_prototype->New());
  if (absl::Status decoded = connect::Decode(call->codec, r.body(), *call->message);
      !decoded.ok()) {
    refuse(decoded);
    return;
  }
  if (absl::Status admitted = AdmitCaller(call->caller, method.method,
                                          method.carries_documentation(*call->message),
                                          call->deadline);
      !admitted.ok()) {
    refuse(admitted);
    return;
  }
  // The body is decoded; only its headers are needed from here on.
  call->request.body().clear();
  call->request.body().shrink_to_fit();

  auto run = [&method, call, reply]() {
    AuditFields audit;
    absl::Status status = absl::OkStatus();
    if (absl::Now() > call->deadline) {
      status = absl::DeadlineExceededError("the call's deadline passed before it was served");
    } else {
      status = method.handle(call->caller, *call->message, call->deadline, audit, *call->answer);
    }
    reply(Finish(method, *call, audit, status));
  };
  if (method.queue == nullptr) {
    run();
    return;
  }
  if (!method.queue->TryPost(run)) {
    refuse(absl::ResourceExhaustedError("too many quote calls are waiting; try again shortly"));
  }
}

absl::StatusOr<std::vector<std::string>> ParseAllowedOrigins(absl::string_view flag) {
  std::vector<std::string> origins;
  for (absl::string_view entry : absl::StrSplit(flag, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    const bool scheme = absl::StartsWith(entry, "https://") || absl::StartsWith(entry, "http://");
    const absl::string_view rest = entry.substr(entry.find("://") + 3);
    if (entry == "*" || !scheme || rest.empty() || absl::StrContains(rest, "/") ||
        absl::StrContains(rest, "*")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--http_allowed_origins: '", entry,
          "' is not an origin like https://portal.example.org (no '*', no path)"));
    }
    origins.emplace_back(entry);
  }
  return origins;
}

}  // namespace estimator::http
