#include "service/server/http/http_listener.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <list>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl/context.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "spdlog/spdlog.h"

namespace estimator::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(absl::ToChronoNanoseconds(d));
}

// The common names of a client certificate the handshake verified.
std::vector<std::string> VerifiedCertificateNames(SSL* ssl) {
  std::vector<std::string> names;
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return names;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    X509_NAME* subject = X509_get_subject_name(cert);
    for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
      const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
      names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                         ASN1_STRING_length(data));
    }
  }
  X509_free(cert);
  return names;
}

}  // namespace

class Connection;

// The shared state of the listener: the threads, the acceptor, the connection count.
class HttpListener::Impl {
 public:
  Impl(const ListenerOptions& options, const HttpFront* front)
      : options_(options), front_(front), ioc_(options.threads), acceptor_(net::make_strand(ioc_)) {}

  absl::Status Open(std::shared_ptr<ssl::context> tls, int& port);
  void Run();
  void Stop(absl::Time deadline);

  // Connections count themselves in and out.
  void Opened() { open_.fetch_add(1); }
  void Closed() { open_.fetch_sub(1); }
  bool stopping() const { return stopping_.load(); }
  // Registers a connection so Stop can close it when it is idle.
  void Track(std::weak_ptr<Connection> connection);

  const ListenerOptions options_;
  const HttpFront* front_;

 private:
  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);

  std::atomic<size_t> open_{0};  // before ioc_: connections leaving at ioc_'s end count out
  std::atomic<bool> stopping_{false};
  absl::Mutex mu_;
  std::list<std::weak_ptr<Connection>> connections_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<ssl::context> tls_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

// One connection: read a request, answer it, repeat while the client keeps it alive.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  virtual ~Connection() { listener_->Closed(); }
  virtual void Start() = 0;
  // Closes the connection unless a request is being read or answered.
  virtual void CloseIfIdle() = 0;

 protected:
  explicit Connection(HttpListener::Impl* listener) : listener_(listener) { listener_->Opened(); }
  HttpListener::Impl* listener_;
};

namespace {

// `Stream` is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>.
template <typename Stream>
class Session final : public Connection {
 public:
  Session(HttpListener::Impl* listener, Stream stream)
      : Connection(listener),
        stream_(std::move(stream)),
        timer_(stream_.get_executor()),
        buffer_(listener->options_.header_limit + listener->options_.body_limit + (64 << 10)) {}

  void Start() override {
    net::dispatch(stream_.get_executor(), [self = Self()] { self->Begin(); });
  }

  void CloseIfIdle() override {
    net::post(stream_.get_executor(), [self = Self()] {
      if (!self->busy_) self->Close();
    });
  }

 private:
  std::shared_ptr<Session> Self() {
    return std::static_pointer_cast<Session>(shared_from_this());
  }

  const ListenerOptions& options() const { return listener_->options_; }

  void Begin() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      WaitForRequest();
    } else {
      busy_ = true;
      Arm(options().read_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = Self()](beast::error_code ec) { self->OnHandshake(ec); });
    }
  }

  void OnHandshake(beast::error_code ec) {
    Disarm();
    busy_ = false;
    if (ec) return Close();
    peer_.certificate_names = VerifiedCertificateNames(stream_.native_handle());
    WaitForRequest();
  }

  // A deadline for what is under way: when it passes, the socket's operations are cancelled.
  void Arm(absl::Duration timeout) {
    timed_out_ = false;
    const uint64_t armed = ++armed_;
    timer_.expires_after(ToChrono(timeout));
    timer_.async_wait([self = Self(), armed](beast::error_code ec) {
      // Cancelled (the operation finished in time), or a deadline since replaced by another.
      if (ec || armed != self->armed_) return;
      self->timed_out_ = true;
      beast::get_lowest_layer(self->stream_).socket().cancel();
    });
  }

  void Disarm() {
    ++armed_;
    timer_.cancel();
  }

  // Idle until the first byte of the next request (or the listener stops).
  void WaitForRequest() {
    if (listener_->stopping()) return Close();
    busy_ = false;
    if (buffer_.size() > 0) return ReadRequest();  // pipelined: already here
    Arm(options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = Self()](beast::error_code ec, size_t n) {
                              self->Disarm();
                              if (ec) return self->Close();  // idle too long, or gone
                              self->buffer_.commit(n);
                              self->ReadRequest();
                            });
  }

  void ReadRequest() {
    busy_ = true;
    parser_.emplace();
    parser_->header_limit(options().header_limit);
    parser_->body_limit(options().body_limit);
    Arm(options().read_timeout);  // for the whole request, headers and body
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = Self()](beast::error_code ec, size_t) {
                               if (ec) return self->OnRead(ec);
                               self->ReadBody();
                             });
  }

  // A client that asked "Expect: 100-continue" (curl does for bodies over 1 KiB) is told to go on
  // once the headers are accepted (within the limits), rather than left waiting.
  void ReadBody() {
    const auto expect = parser_->get()[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue") && !parser_->is_done()) {
      continue_ = std::make_unique<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      bhttp::async_write(stream_, *continue_, [self = Self()](beast::error_code ec, size_t) {
        self->continue_.reset();
        if (ec) return self->OnRead(ec);
        self->ReadRest();
      });
      return;
    }
    ReadRest();
  }

  void ReadRest() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = Self()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    Disarm();
    if (ec) {
      if (timed_out_) {
        return Refuse(bhttp::status::request_timeout, "the request did not arrive in time");
      }
      if (ec == bhttp::error::body_limit) {
        return Refuse(bhttp::status::payload_too_large, "request body over 1 MiB");
      }
      if (ec == bhttp::error::header_limit) {
        return Refuse(bhttp::status::request_header_fields_too_large,
                      "request headers over 16 KiB");
      }
      if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
          ec == net::error::connection_reset || ec == net::ssl::error::stream_truncated) {
        return Close();
      }
      return Refuse(bhttp::status::bad_request, "malformed HTTP request");
    }
    HttpRequest request = parser_->release();
    keep_alive_ = request.keep_alive();
    try {
      listener_->front_->Handle(std::move(request), peer_, [self = Self()](HttpResponse response) {
        // May be a quote queue's thread: back to this connection's strand to write.
        net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
          self->Write(std::move(response));
        });
      });
    } catch (const std::exception& e) {
      // A defect, not the client's doing (Beast and protobuf throw on misuse): close the
      // connection rather than end the process (an answer may already be on its way, so none is
      // written here). Nothing of the request is logged.
      spdlog::error("http: answering a request threw ({}); connection closed", e.what());
      Close();
    }
  }

  // Answers a request that could not be read, and closes the connection.
  void Refuse(bhttp::status status, absl::string_view why) {
    HttpResponse response(status, 11);
    response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    response.body() = absl::StrCat(why, "\n");
    keep_alive_ = false;
    response.prepare_payload();
    Write(std::move(response));
  }

  void Write(HttpResponse response) {
    busy_ = true;
    const bool keep = keep_alive_ && !listener_->stopping();
    response.keep_alive(keep);
    response_ = std::make_unique<HttpResponse>(std::move(response));
    Arm(options().write_timeout);
    bhttp::async_write(stream_, *response_,
                       [self = Self(), keep](beast::error_code ec, size_t) {
                         self->Disarm();
                         self->response_.reset();
                         if (ec || !keep) return self->Close();
                         self->WaitForRequest();
                       });
  }

  void Close() {
    Disarm();
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  Stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::unique_ptr<HttpResponse> response_;
  std::unique_ptr<bhttp::response<bhttp::empty_body>> continue_;
  Peer peer_;
  bool keep_alive_ = false;
  bool busy_ = false;
  bool timed_out_ = false;
  uint64_t armed_ = 0;  // which deadline is current
};

}  // namespace

void HttpListener::Impl::Track(std::weak_ptr<Connection> connection) {
  absl::MutexLock lock(&mu_);
  connections_.remove_if([](const std::weak_ptr<Connection>& c) { return c.expired(); });
  connections_.push_back(std::move(connection));
}

absl::Status HttpListener::Impl::Open(std::shared_ptr<ssl::context> tls, int& port) {
  tls_ = std::move(tls);
  const std::string& listen = options_.listen;
  const size_t colon = listen.rfind(':');
  int wanted = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &wanted) ||
      wanted < 0 || wanted > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_listen: '", listen, "' is not host:port"));
  }
  std::string host = listen.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_listen: '", host, "' is not an IP address"));
  }
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(wanted));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("--http_listen: cannot listen on ", listen, ": ", ec.message()));
  }
  port = acceptor_.local_endpoint().port();
  return absl::OkStatus();
}

void HttpListener::Impl::Run() {
  Accept();
  threads_.reserve(options_.threads);
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
}

void HttpListener::Impl::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         [this](beast::error_code ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void HttpListener::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // stopping
  if (!ec) {
    if (open_.load() >= options_.max_connections) {
      // Over the cap: a short answer, without waiting on the client, and close.
      static constexpr char kBusy[] =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n"
          "Connection: close\r\n\r\ntoo many connections\n";
      beast::error_code ignored;
      socket.non_blocking(true, ignored);
      socket.write_some(net::buffer(kBusy, sizeof(kBusy) - 1), ignored);
      socket.close(ignored);
    } else {
      std::shared_ptr<Connection> connection;
      if (tls_ != nullptr) {
        connection = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            this, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls_));
      } else {
        connection =
            std::make_shared<Session<beast::tcp_stream>>(this, beast::tcp_stream(std::move(socket)));
      }
      Track(connection);
      connection->Start();
    }
  }
  Accept();
}

void HttpListener::Impl::Stop(absl::Time deadline) {
  if (stopped_) return;
  stopped_ = true;
  stopping_.store(true);
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  {
    absl::MutexLock lock(&mu_);
    for (const std::weak_ptr<Connection>& c : connections_) {
      if (std::shared_ptr<Connection> live = c.lock()) live->CloseIfIdle();
    }
  }
  // Requests being answered finish (their connections close after the answer).
  while (open_.load() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  if (open_.load() > 0) spdlog::warn("http: {} connections cut at shutdown", open_.load());
  ioc_.stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

HttpListener::HttpListener(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

HttpListener::~HttpListener() { Stop(absl::Now()); }

void HttpListener::Stop(absl::Time deadline) { impl_->Stop(deadline); }

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(const ListenerOptions& options,
                                                                 const HttpFront* front) {
  std::shared_ptr<ssl::context> tls;
  if (!options.tls_cert.empty()) {
    tls = std::make_shared<ssl::context>(ssl::context::tls_server);
    beast::error_code ec;
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                     ec);
    if (!ec) tls->use_certificate_chain(net::buffer(options.tls_cert), ec);
    if (!ec) tls->use_private_key(net::buffer(options.tls_key), ssl::context::pem, ec);
    if (!ec && !options.tls_client_ca.empty()) {
      tls->add_certificate_authority(net::buffer(options.tls_client_ca), ec);
      // Requested and verified when sent; a caller without one may use a bearer token.
      if (!ec) tls->set_verify_mode(ssl::verify_peer, ec);
    }
    if (ec) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTTP TLS: the certificate, key or client CA is unusable: ", ec.message()));
    }
  }
  auto impl = std::make_unique<Impl>(options, front);
  int port = 0;
  if (absl::Status opened = impl->Open(std::move(tls), port); !opened.ok()) return opened;
  impl->Run();
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(impl), port));
}

}  // namespace estimator::http
