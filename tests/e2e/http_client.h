// A small HTTP/1.1 client for end-to-end tests (Boost.Beast, blocking): one request per
// connection, plaintext or TLS (trusting a given CA, optionally presenting a client certificate),
// and Connect calls with a JSON body. Raw sockets for the hostile tests that must send what no
// client library would.
//
//   HttpReply r = ConnectJson(server.http_port(), "/estimator.v1.EstimatorService/ListPayers",
//                             v1::ListPayersRequest());
//   EXPECT_EQ(r.status, 200) << r.body;
#ifndef ESTIMATOR_TESTS_E2E_HTTP_CLIENT_H_
#define ESTIMATOR_TESTS_E2E_HTTP_CLIENT_H_

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace estimator::e2e {

struct HttpCall {
  std::string method = "POST";
  std::string target;
  std::string content_type = "application/json";  // "" for none
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpReply {
  int status = 0;  // 0: no answer (see error)
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string error;

  std::string Header(const std::string& name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? "" : found->second;
  }
};

// TLS for a client: the CA it trusts, and an optional client certificate (PEM texts).
struct TlsClient {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
};

namespace http_client_internal {

template <typename Stream>
HttpReply Exchange(Stream& stream, const HttpCall& call) {
  namespace http = boost::beast::http;
  HttpReply reply;
  http::request<http::string_body> request(http::string_to_verb(call.method), call.target, 11);
  request.set(http::field::host, "127.0.0.1");
  if (!call.content_type.empty()) request.set(http::field::content_type, call.content_type);
  for (const auto& [name, value] : call.headers) request.set(name, value);
  request.body() = call.body;
  if (call.method != "GET" && call.method != "HEAD" && call.method != "OPTIONS") {
    request.prepare_payload();
  }
  boost::beast::error_code ec;
  http::write(stream, request, ec);
  if (ec) {
    reply.error = "write: " + ec.message();
    return reply;
  }
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  if (call.method == "HEAD") parser.skip(true);
  http::read(stream, buffer, parser, ec);
  if (ec) {
    reply.error = "read: " + ec.message();
    return reply;
  }
  const auto& response = parser.get();
  reply.status = response.result_int();
  reply.body = response.body();
  for (const auto& field : response) {
    reply.headers[absl::AsciiStrToLower(std::string(field.name_string()))] =
        std::string(field.value());
  }
  return reply;
}

}  // namespace http_client_internal

// Sends `call` to 127.0.0.1:`port` on a fresh connection and reads the answer (10 s at most).
inline HttpReply HttpExchange(int port, const HttpCall& call, const TlsClient* tls = nullptr) {
  namespace net = boost::asio;
  namespace beast = boost::beast;
  net::io_context ioc;
  beast::tcp_stream tcp(ioc);
  beast::error_code ec;
  tcp.expires_after(std::chrono::seconds(10));
  tcp.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"),
                                     static_cast<unsigned short>(port)),
              ec);
  if (ec) return HttpReply{0, "", {}, "connect: " + ec.message()};
  if (tls == nullptr) return http_client_internal::Exchange(tcp, call);
  net::ssl::context context(net::ssl::context::tls_client);
  context.add_certificate_authority(net::buffer(tls->ca_pem), ec);
  if (!tls->cert_pem.empty()) {
    context.use_certificate_chain(net::buffer(tls->cert_pem), ec);
    context.use_private_key(net::buffer(tls->key_pem), net::ssl::context::pem, ec);
  }
  context.set_verify_mode(net::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), context);
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.set_verify_callback(net::ssl::host_name_verification("localhost"));
  stream.handshake(net::ssl::stream_base::client, ec);
  if (ec) return HttpReply{0, "", {}, "handshake: " + ec.message()};
  return http_client_internal::Exchange(stream, call);
}

// A Connect unary call with a JSON body; `authorization` "" sends none.
inline HttpReply ConnectJson(int port, const std::string& path,
                             const google::protobuf::Message& request,
                             const std::string& authorization = "",
                             const TlsClient* tls = nullptr) {
  HttpCall call;
  call.target = path;
  (void)google::protobuf::util::MessageToJsonString(request, &call.body);
  call.headers.push_back({"Connect-Protocol-Version", "1"});
  if (!authorization.empty()) call.headers.push_back({"Authorization", authorization});
  return HttpExchange(port, call, tls);
}

// The answer of a 200 decoded into `message`; false (and `why`) otherwise.
inline bool DecodeJsonAnswer(const HttpReply& reply, google::protobuf::Message& message,
                             std::string* why) {
  if (reply.status != 200) {
    *why = absl::StrCat("HTTP ", reply.status, " ", reply.error, ": ", reply.body);
    return false;
  }
  const auto status = google::protobuf::util::JsonStringToMessage(reply.body, &message);
  if (!status.ok()) *why = status.ToString();
  return status.ok();
}

// The code and message of a Connect error body ({"code":"...","message":"..."}), decoded.
struct ConnectErrorText {
  std::string code;
  std::string message;
};
inline ConnectErrorText DecodeConnectError(const HttpReply& reply) {
  google::protobuf::Struct body;
  ConnectErrorText out;
  if (!google::protobuf::util::JsonStringToMessage(reply.body, &body).ok()) return out;
  const auto& fields = body.fields();
  if (fields.count("code")) out.code = fields.at("code").string_value();
  if (fields.count("message")) out.message = fields.at("message").string_value();
  return out;
}

// ---- raw sockets ---------------------------------------------------------------------------------

// A connected TCP socket to 127.0.0.1:`port`, or -1.
inline int RawConnect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends all of `bytes`; false if the peer has gone.
inline bool RawSend(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// What arrives until the peer closes or `timeout` passes.
inline std::string RawReadUntilClosed(int fd, std::chrono::milliseconds timeout,
                                      bool* closed = nullptr) {
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (closed != nullptr) *closed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 1))) <= 0) continue;
    char buffer[4096];
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      if (closed != nullptr) *closed = true;
      break;
    }
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

// The status code of a raw HTTP answer ("HTTP/1.1 413 ..." -> 413), or 0.
inline int RawStatus(const std::string& answer) {
  int status = 0;
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12 ||
      !absl::SimpleAtoi(answer.substr(9, 3), &status)) {
    return 0;
  }
  return status;
}

}  // namespace estimator::e2e

#endif  // ESTIMATOR_TESTS_E2E_HTTP_CLIENT_H_
