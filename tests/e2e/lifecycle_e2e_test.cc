// End-to-end tests of the server under more load than it can serve, of client deadlines, and of
// shutdown: the real server binary, flooded by asynchronous calls over several connections, then
// stopped with SIGTERM while calls are in flight.
#include <signal.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "estimator/v1/estimator.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_environment.h"
#include "tests/e2e/sample_requests.h"
#include "tests/e2e/server_process.h"

namespace estimator::e2e {
namespace {

// Resident memory of a process in KiB (VmRSS), or -1.
int64_t ResidentKib(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      int64_t kib = -1;
      std::istringstream(line.substr(6)) >> kib;
      return kib;
    }
  }
  return -1;
}

// A channel of its own (not shared with other channels to the same address), so that N channels
// are N connections, each with its own 100-stream limit.
std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address, int index) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("estimator.test_channel", index);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// Sends `per_channel` CompareTreatments calls at once on each of `channels` connections, each with
// `deadline`, and counts the answers by status code.
std::map<grpc::StatusCode, int> Flood(const std::string& address, int channels, int per_channel,
                                      std::chrono::milliseconds deadline) {
  struct Call {
    grpc::ClientContext context;
    v1::CompareTreatmentsResponse response;
  };
  absl::Mutex mu;
  std::map<grpc::StatusCode, int> codes;
  int pending = channels * per_channel;
  const v1::CompareTreatmentsRequest request = AetnaCompareRequest("2026-12-14");
  std::vector<std::shared_ptr<grpc::Channel>> open;
  std::vector<std::unique_ptr<v1::EstimatorService::Stub>> stubs;
  std::vector<std::unique_ptr<Call>> calls;
  for (int c = 0; c < channels; ++c) {
    open.push_back(OwnChannel(address, c));
    stubs.push_back(v1::EstimatorService::NewStub(open.back()));
  }
  for (int c = 0; c < channels; ++c) {
    for (int i = 0; i < per_channel; ++i) {
      calls.push_back(std::make_unique<Call>());
      Call* call = calls.back().get();
      call->context.set_deadline(std::chrono::system_clock::now() + deadline);
      stubs[c]->async()->CompareTreatments(&call->context, &request, &call->response,
                                           [&](grpc::Status s) {
                                             absl::MutexLock lock(&mu);
                                             ++codes[s.error_code()];
                                             --pending;
                                           });
    }
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(+[](int* p) { return *p == 0; }, &pending));
  return codes;
}

std::string CodesText(const std::map<grpc::StatusCode, int>& codes) {
  std::vector<std::string> parts;
  for (const auto& [code, n] : codes) parts.push_back(absl::StrCat("code ", code, ": ", n));
  return absl::StrJoin(parts, ", ");
}

TEST(e2eOverload, FarMoreCallsThanItCanServeAreAnsweredOrRefusedAndMemoryStaysBounded) {
  ServerProcess server(ServerBinary(), SourceDir() + "/payer_rules");
  ASSERT_TRUE(server.Start().ok()) << server.StderrText();
  auto stub = v1::EstimatorService::NewStub(
      grpc::CreateChannel(server.Address(), grpc::InsecureChannelCredentials()));
  v1::CompareTreatmentsResponse warm;
  ASSERT_TRUE(stub->CompareTreatments(Context().get(), AetnaCompareRequest("2026-12-14"), &warm).ok());
  const int64_t rss_start = ResidentKib(server.pid());

  // 8 connections x 2,500 calls at once with a 300 ms deadline: about 20,000 calls of ~0.3 ms of
  // work each on 2 cores, far more than fit in the deadline. Twice, to see memory settle.
  std::map<grpc::StatusCode, int> first = Flood(server.Address(), 8, 2500, std::chrono::milliseconds(300));
  const int64_t rss_first = ResidentKib(server.pid());
  std::map<grpc::StatusCode, int> second = Flood(server.Address(), 8, 2500, std::chrono::milliseconds(300));
  const int64_t rss_second = ResidentKib(server.pid());
  std::cerr << "flood 1: " << CodesText(first) << "\nflood 2: " << CodesText(second)
            << "\nserver RSS KiB: start " << rss_start << ", after flood 1 " << rss_first
            << ", after flood 2 " << rss_second << "\n";

  for (const auto* codes : {&first, &second}) {
    int total = 0;
    for (const auto& [code, n] : *codes) {
      total += n;
      EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
                  code == grpc::StatusCode::RESOURCE_EXHAUSTED)
          << "unexpected status code " << code << " for " << n << " calls";
    }
    EXPECT_EQ(total, 20000);
    EXPECT_GT(codes->count(grpc::StatusCode::OK) ? codes->at(grpc::StatusCode::OK) : 0, 0)
        << "the server stopped answering altogether";
  }
  ASSERT_TRUE(server.running()) << server.StderrText();
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // AddressSanitizer and ThreadSanitizer add shadow memory (ASan also a quarantine of freed memory), so
  // resident memory says nothing about the server's own; the plain build checks it.
  std::cerr << "memory bounds not checked under a sanitizer\n";
#else
  // Bounded: the second flood does not add more than a quarter of the first's footprint again,
  // and the whole stays under 256 MiB (the resource quota) plus the rules and code.
  EXPECT_LT(rss_second, rss_first + rss_first / 4);
  EXPECT_LT(rss_second, 300 * 1024);
#endif

  // And it answers promptly afterwards.
  auto context = Context();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  v1::CompareTreatmentsResponse after;
  const grpc::Status s = stub->CompareTreatments(context.get(), AetnaCompareRequest("2026-12-14"), &after);
  EXPECT_TRUE(s.ok()) << StatusText(s);
  EXPECT_EQ(Diff(warm, after), "");
  EXPECT_EQ(server.Stop(), 0) << server.StderrText();
}

TEST(e2eDeadline, ACallWhoseDeadlineHasPassedIsNotServed) {
  ServerProcess server(ServerBinary(), SourceDir() + "/payer_rules", {"--shutdown_grace=1s"});
  ASSERT_TRUE(server.Start().ok()) << server.StderrText();
  auto channel = grpc::CreateChannel(server.Address(), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5)));
  auto stub = v1::EstimatorService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() - std::chrono::milliseconds(1));
  v1::CompareTreatmentsResponse response;
  const grpc::Status s = stub->CompareTreatments(&context, AetnaCompareRequest("2026-12-14"), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(response.estimates_size(), 0);
  EXPECT_EQ(server.Stop(), 0) << server.StderrText();
}

// The health port for Kubernetes' gRPC probes (--health_listen): plaintext, Check only, the same
// statuses as the main port's health service, NOT_SERVING as soon as SIGTERM arrives (while calls
// drain), and nothing else served on it: no API, no reflection.
TEST(e2eProbeHealth, TheProbePortAnswersHealthOnlyAndTurnsNotServingOnSigterm) {
  const std::string dir = MakeTempDir("estimator_probe");
  const std::string port_file = dir + "/health_port";
  ServerProcess server(ServerBinary(), SourceDir() + "/payer_rules",
                       {"--shutdown_grace=3s", "--health_listen=127.0.0.1:0",
                        "--health_port_file=" + port_file,
                        "--quote_store=sqlite:" + dir + "/quotes.db"});
  ASSERT_TRUE(server.Start().ok()) << server.StderrText();
  int probe_port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFileOrEmpty(port_file)), &probe_port))
      << server.StderrText();
  ASSERT_NE(probe_port, server.port());
  auto probe_channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", probe_port),
                                           grpc::InsecureChannelCredentials());
  auto probe = grpc::health::v1::Health::NewStub(probe_channel);
  using grpc::health::v1::HealthCheckResponse;
  auto check = [&](const std::string& service, HealthCheckResponse* answer) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    return probe->Check(&context, request, answer);
  };
  HealthCheckResponse answer;
  ASSERT_TRUE(check("", &answer).ok());
  EXPECT_EQ(answer.status(), HealthCheckResponse::SERVING);
  ASSERT_TRUE(check("estimator.v1.EstimatorService", &answer).ok());
  EXPECT_EQ(answer.status(), HealthCheckResponse::SERVING);
  bool quotes_serving = false;  // the quote store opens in the background
  for (int i = 0; i < 100 && !quotes_serving; ++i) {
    quotes_serving = check("estimator.v1.QuoteService", &answer).ok() &&
                     answer.status() == HealthCheckResponse::SERVING;
    if (!quotes_serving) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(quotes_serving);
  EXPECT_EQ(check("no.such.Service", &answer).error_code(), grpc::StatusCode::NOT_FOUND);

  // The API is not served here, nor reflection (which describes the API).
  auto stub = v1::EstimatorService::NewStub(probe_channel);
  v1::EstimateCourseResponse estimate;
  EXPECT_EQ(stub->EstimateCourse(Context().get(), MedicareTmsRequest("2026-03-02"), &estimate)
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  grpc::GenericStub generic(probe_channel);
  grpc::ClientContext reflection_context;
  grpc::Slice empty("");
  grpc::ByteBuffer request_bytes(&empty, 1), response_bytes;
  absl::Notification done;
  grpc::Status reflection;
  generic.UnaryCall(&reflection_context,
                    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                    grpc::StubOptions(), &request_bytes, &response_bytes, [&](grpc::Status s) {
                      reflection = s;
                      done.Notify();
                    });
  done.WaitForNotification();
  EXPECT_EQ(reflection.error_code(), grpc::StatusCode::UNIMPLEMENTED) << reflection.error_message();

  // A call open on the main port (a health watch, as a load balancer keeps) holds the drain for
  // the grace period (3 s); meanwhile the probe port answers NOT_SERVING, so the kubelet takes the
  // pod out of the endpoints while calls finish.
  auto channel = grpc::CreateChannel(server.Address(), grpc::InsecureChannelCredentials());
  auto main_health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext watch_context;
  grpc::health::v1::HealthCheckRequest watch_request;
  auto watch = main_health->Watch(&watch_context, watch_request);
  ASSERT_TRUE(watch->Read(&answer));
  ASSERT_EQ(answer.status(), HealthCheckResponse::SERVING);
  ASSERT_TRUE(server.Signal(SIGTERM));
  bool not_serving = false;
  for (int i = 0; i < 80 && !not_serving; ++i) {
    not_serving = check("", &answer).ok() && answer.status() == HealthCheckResponse::NOT_SERVING;
    if (!not_serving) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_TRUE(not_serving) << "the probe port did not answer NOT_SERVING after SIGTERM";
  EXPECT_EQ(server.Stop(std::chrono::seconds(20)), 0) << server.StderrText();
  watch_context.TryCancel();
  while (watch->Read(&answer)) {
  }
  (void)watch->Finish();
}

// SIGTERM while clients are calling: health turns NOT_SERVING (a watcher sees it), every call the
// server had started is answered in full, later calls are refused, and the process exits 0.
// gRPC's Server::Shutdown waits for clients to close their connections up to the grace period, so
// with clients still connected the exit comes at the end of the grace (here 2 s).
TEST(e2eShutdown, SigtermTurnsHealthNotServingFinishesInFlightCallsAndExitsZero) {
  ServerProcess server(ServerBinary(), SourceDir() + "/payer_rules", {"--shutdown_grace=2s"});
  ASSERT_TRUE(server.Start().ok()) << server.StderrText();
  auto channel = grpc::CreateChannel(server.Address(), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5)));

  // A health watcher, as a load balancer would keep.
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext watch_context;
  grpc::health::v1::HealthCheckRequest watch_request;
  watch_request.set_service("estimator.v1.EstimatorService");
  auto watch = health->Watch(&watch_context, watch_request);
  grpc::health::v1::HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  ASSERT_EQ(update.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  std::vector<grpc::health::v1::HealthCheckResponse::ServingStatus> updates;
  std::thread watcher([&] {
    grpc::health::v1::HealthCheckResponse u;
    while (watch->Read(&u)) updates.push_back(u.status());
  });

  struct Call {
    std::chrono::steady_clock::time_point start, end;
    grpc::StatusCode code;
    bool complete;  // an OK answer with all three estimates
  };
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  std::vector<Call> calls;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::EstimatorService::NewStub(OwnChannel(server.Address(), c));
      while (!stop.load()) {
        v1::CompareTreatmentsResponse response;
        const auto start = std::chrono::steady_clock::now();
        const grpc::Status s = stub->CompareTreatments(Context().get(), AetnaCompareRequest("2026-12-14"), &response);
        const auto end = std::chrono::steady_clock::now();
        {
          absl::MutexLock lock(&mu);
          calls.push_back({start, end, s.error_code(), s.ok() && response.estimates_size() == 3});
        }
        if (!s.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto signalled = std::chrono::steady_clock::now();
  ASSERT_TRUE(server.Signal(SIGTERM));
  const int exit_code = server.Stop(std::chrono::seconds(20));  // waits for the exit
  const auto took = std::chrono::steady_clock::now() - signalled;
  stop.store(true);
  for (std::thread& t : clients) t.join();
  watch_context.TryCancel();
  watcher.join();

  EXPECT_EQ(exit_code, 0) << server.StderrText();
  EXPECT_LT(took, std::chrono::seconds(4)) << "the exit should come by the end of the 2 s grace";
  ASSERT_FALSE(updates.empty()) << "the health watcher saw no change before the server went";
  EXPECT_EQ(updates.front(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);

  absl::MutexLock lock(&mu);
  std::map<grpc::StatusCode, int> before, straddling, after;
  int answered = 0;
  for (const Call& call : calls) {
    auto& bucket = call.end < signalled ? before : call.start < signalled ? straddling : after;
    ++bucket[call.code];
    // Answered, or refused because the server is going (UNAVAILABLE; CANCELLED for a call the
    // transport took during the GOAWAY exchange, closed at the end of the grace): never broken.
    EXPECT_TRUE(call.code == grpc::StatusCode::OK || call.code == grpc::StatusCode::UNAVAILABLE ||
                call.code == grpc::StatusCode::CANCELLED)
        << "a call ended with code " << call.code;
    if (call.code == grpc::StatusCode::OK) {
      EXPECT_TRUE(call.complete);
      ++answered;
    }
  }
  std::cerr << "calls ended before SIGTERM: " << CodesText(before)
            << "; in flight at SIGTERM: " << CodesText(straddling)
            << "; sent after: " << CodesText(after) << "\n";
  EXPECT_GT(before[grpc::StatusCode::OK], 0);
  // Every call the server computed reached its client: as many answers as audit lines saying OK.
  // (A call cut off in flight would be logged OK by the server and seen failed by the client.)
  const std::string audit_ok = "audit method=CompareTreatments caller=anonymous role=admin";
  int served = 0;
  for (absl::string_view line : absl::StrSplit(server.StderrText(), '\n')) {
    if (absl::StrContains(line, audit_ok) && absl::StrContains(line, " status=OK ")) ++served;
  }
  EXPECT_EQ(answered, served);
  const std::string log = server.StderrText();
  EXPECT_LT(log.find("shutting down: health NOT_SERVING"), log.find("stopped")) << log;
}

}  // namespace
}  // namespace estimator::e2e
