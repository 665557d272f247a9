// Malformed and hostile requests against the real estimator_server, over a real channel.
//
// A catalogue of requests (empty messages, huge strings, huge lists, errors deep in documentation
// lists, overflowing amounts, dates far in the past or future, unknown enum numbers, requests over
// the 1 MiB receive limit, compressed requests) for all four RPCs, each with the status code it must
// get and a piece of text its message must contain: the field's path in the request, or gRPC's own
// words for a request over the size limit. Every request is sent as bytes through a generic call, so
// the catalogue can also hold what no typed client would send. Then: the server still answers a
// normal request exactly as before, its process is alive, and its resident memory does not grow
// while the catalogue is replayed many times.
//
// Bytes that are not a valid protobuf message (truncated, invalid UTF-8, groups nested past
// protobuf's recursion limit) and fields sent with the wrong wire type are a separate test, as are
// unknown fields and huge metadata: what gRPC and protobuf make of them is asserted as it is.
#include "tests/e2e/hostile_requests.h"

namespace estimator::e2e {
namespace {

SharedServer* const g_server =
    static_cast<SharedServer*>(::testing::AddGlobalTestEnvironment(new SharedServer));


// ---- calling the server with bytes -------------------------------------------------------------------

struct Answer {
  grpc::Status status;
  std::string response_bytes;
};

Answer CallWithBytes(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                     const std::string& bytes, bool gzip = false) {
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::GenericStub stub(channel);
  std::unique_ptr<grpc::ClientContext> context = Context();
  if (gzip) context->set_compression_algorithm(GRPC_COMPRESS_GZIP);
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(), method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  Answer answer;
  answer.status = done.get_future().get();
  if (answer.status.ok()) {
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(response.Dump(&slices).ok());
    for (const grpc::Slice& s : slices) {
      answer.response_bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return answer;
}

// VmRSS of a process in KiB, from /proc/PID/status; -1 if it cannot be read.
int64_t ResidentKiB(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (!absl::StartsWith(line, "VmRSS:")) continue;
    int64_t kib = -1;
    std::string number(absl::StripAsciiWhitespace(line.substr(6)));
    number = number.substr(0, number.find(' '));
    return absl::SimpleAtoi(number, &kib) ? kib : -1;
  }
  return -1;
}

// Alive and not a zombie: the process exists and its state is not Z.
bool ProcessAlive(pid_t pid) {
  if (kill(pid, 0) != 0) return false;
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "State:")) return !absl::StrContains(line, "Z (zombie)");
  }
  return false;
}

class e2eHostileRequests : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(g_server->error, "") << "the server did not start"; }
  void TearDown() override {
    if (HasFailure() && g_server->server != nullptr) {
      const std::string log = g_server->server->StderrText();
      // The tail is enough, and the log of a catalogue run is long.
      std::cerr << "---- estimator_server stderr (last 8 KB) ----\n"
                << log.substr(log.size() > 8192 ? log.size() - 8192 : 0)
                << "---- end of server stderr ----\n";
    }
  }
  const std::shared_ptr<grpc::Channel>& channel() { return g_server->channel; }
  pid_t server_pid() { return g_server->server->pid(); }

  // Sends every case once; true when each got its code and a short message naming its field.
  void ReplayCatalogue(const std::vector<HostileCase>& catalogue, bool report) {
    for (const HostileCase& c : catalogue) {
      const Answer a = CallWithBytes(channel(), c.request.method, c.request.bytes, c.gzip);
      if (!report) continue;
      SCOPED_TRACE(absl::StrCat("[", c.category, "] ", c.name, " (", c.request.method, ", ",
                                c.request.bytes.size(), " bytes)"));
      EXPECT_EQ(a.status.error_code(), c.code) << StatusText(a.status);
      EXPECT_TRUE(absl::StrContains(a.status.error_message(), c.mentions))
          << "message '" << a.status.error_message().substr(0, 300) << "' does not contain '"
          << c.mentions << "'";
      EXPECT_LE(a.status.error_message().size(), kMaxMessageBytes)
          << "the message echoes the request: " << a.status.error_message().substr(0, 300);
    }
  }

  // A normal estimate through the typed stub.
  grpc::Status NormalEstimate(v1::EstimateCourseResponse* response) {
    return g_server->stub->EstimateCourse(Context().get(), GoodEstimate(), response);
  }

  void ExpectServingAndAlive() {
    EXPECT_TRUE(ProcessAlive(server_pid())) << "the server process is gone";
    grpc::health::v1::HealthCheckRequest request;
    request.set_service("estimator.v1.EstimatorService");
    grpc::health::v1::HealthCheckResponse health;
    const grpc::Status s =
        grpc::health::v1::Health::NewStub(channel())->Check(Context().get(), request, &health);
    ASSERT_TRUE(s.ok()) << StatusText(s);
    EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
};

TEST_F(e2eHostileRequests, CatalogueCoversEveryCategoryAndEveryRpc) {
  const std::vector<HostileCase> catalogue = Catalogue();
  std::map<std::string, int> per_category;
  std::map<std::string, int> per_method;
  for (const HostileCase& c : catalogue) {
    ++per_category[c.category];
    ++per_method[c.request.method];
  }
  EXPECT_GE(catalogue.size(), 50u);
  for (const char* category : {kEmpty, kHugeString, kHugeRepeated, kDeepList, kAmount, kDate,
                               kEnum, kSizeLimit}) {
    EXPECT_GE(per_category[category], 1) << category;
  }
  for (const char* method : {kEstimateCourse, kCompareTreatments, kCheckReadiness, kBatchReadiness,
                             kListPayers, kSaveQuote, kGetQuote, kListQuotes, kVoidQuote,
                             kIssueGfe, kCheckDispute}) {
    EXPECT_GE(per_method[method], 1) << method;
  }
  // Printed for the record (ctest -V).
  for (const auto& [category, n] : per_category) std::cout << n << "\t" << category << "\n";
  std::cout << catalogue.size() << "\tcases in all\n";
}

TEST_F(e2eHostileRequests, EachIsRefusedWithItsCodeAndTheFieldNamedAndTheServerStaysUp) {
  v1::EstimateCourseResponse before;
  const grpc::Status ok_before = NormalEstimate(&before);
  ASSERT_TRUE(ok_before.ok()) << StatusText(ok_before);

  ReplayCatalogue(Catalogue(), /*report=*/true);

  ExpectServingAndAlive();
  v1::EstimateCourseResponse after;
  const grpc::Status ok_after = NormalEstimate(&after);
  ASSERT_TRUE(ok_after.ok()) << StatusText(ok_after);
  EXPECT_EQ(Diff(before, after), "") << "the same request is answered differently after the catalogue";
  EXPECT_GT(after.estimate().totals().sessions_scheduled(), 0);
  v1::ListPayersResponse payers;
  const grpc::Status listed = g_server->stub->ListPayers(Context().get(), {}, &payers);
  ASSERT_TRUE(listed.ok()) << StatusText(listed);
  EXPECT_EQ(payers.rule_set_version(), after.rule_set_version());
}

// Inside a worklist a hostile patient is that item's error only: every readiness case of the
// catalogue that fits, as items of one batch around a good patient, each answered with the code
// and field its own call gets, named from the batch; the good patient as its own call answers.
TEST_F(e2eHostileRequests, HostileItemsOfAWorklistAreEachTheirOwnError) {
  struct Item {
    std::string name;
    StatusCode code;
    std::string mentions;
  };
  std::vector<Item> expected;
  v1::BatchCheckPriorAuthReadinessRequest batch;
  size_t bytes = 0;
  for (const HostileCase& c : Catalogue()) {
    if (c.request.method != kCheckReadiness || c.gzip || c.code == StatusCode::RESOURCE_EXHAUSTED) {
      continue;
    }
    v1::CheckPriorAuthReadinessRequest request;
    // Bytes a typed message cannot hold (invalid UTF-8...) are not a batch's to carry.
    if (!request.ParseFromString(c.request.bytes)) continue;
    if (bytes + c.request.bytes.size() > kUnderLimit) continue;
    bytes += c.request.bytes.size();
    if (batch.items_size() == 10) {  // a good patient among them
      v1::BatchReadinessItem& good = *batch.add_items();
      good.set_item_id("good");
      *good.mutable_request() = GoodReadiness();
      expected.push_back({"good", StatusCode::OK, ""});
    }
    v1::BatchReadinessItem& item = *batch.add_items();
    item.set_item_id(absl::StrCat("h", batch.items_size()));
    *item.mutable_request() = std::move(request);
    expected.push_back({c.name, c.code, c.mentions});
  }
  ASSERT_GE(batch.items_size(), 30) << "the catalogue's readiness cases";
  ASSERT_LE(batch.items_size(), 500);
  std::cout << batch.items_size() << " items, " << batch.ByteSizeLong() << " bytes\n";

  v1::BatchCheckPriorAuthReadinessResponse response;
  const grpc::Status s =
      g_server->stub->BatchCheckPriorAuthReadiness(Context().get(), batch, &response);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  ASSERT_EQ(response.results_size(), batch.items_size());
  for (int i = 0; i < batch.items_size(); ++i) {
    const v1::BatchReadinessResult& r = response.results(i);
    SCOPED_TRACE(absl::StrCat("items[", i, "]: ", expected[i].name));
    EXPECT_EQ(r.item_id(), batch.items(i).item_id());
    if (expected[i].code == StatusCode::OK) {
      v1::CheckPriorAuthReadinessResponse alone;
      ASSERT_TRUE(g_server->stub->CheckPriorAuthReadiness(Context().get(), batch.items(i).request(),
                                                           &alone).ok());
      EXPECT_EQ(r.assessment().SerializeAsString(), alone.assessment().SerializeAsString());
      continue;
    }
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error().code(), static_cast<int>(expected[i].code));
    const std::string prefix = absl::StrCat("items[", i, "].request.");
    EXPECT_TRUE(absl::StartsWith(r.error().message(), prefix)) << r.error().message();
    EXPECT_TRUE(absl::StrContains(r.error().message(), expected[i].mentions))
        << r.error().message().substr(0, 300) << " does not contain " << expected[i].mentions;
    EXPECT_LE(r.error().message().size(), prefix.size() + kMaxMessageBytes)
        << "the message echoes the request";
  }
  EXPECT_EQ(response.summary().errors(), batch.items_size() - 1);
  EXPECT_EQ(response.summary().total(), batch.items_size());
  ExpectServingAndAlive();
}

// Unknown fields are kept out of the answer and otherwise ignored, as proto3 asks of a server (a
// newer client may send fields this server does not know); a big one costs only its parse.
TEST_F(e2eHostileRequests, UnknownFieldsUnderTheLimitAreIgnored) {
  const std::string junk = LengthDelimited(1000, std::string(kUnderLimit, 'j'));

  const Answer plain = CallWithBytes(channel(), kListPayers, "");
  ASSERT_TRUE(plain.status.ok()) << StatusText(plain.status);
  const Answer with_junk = CallWithBytes(channel(), kListPayers, junk);
  ASSERT_TRUE(with_junk.status.ok()) << StatusText(with_junk.status);
  v1::ListPayersResponse a, b;
  ASSERT_TRUE(a.ParseFromString(plain.response_bytes));
  ASSERT_TRUE(b.ParseFromString(with_junk.response_bytes));
  EXPECT_EQ(Diff(a, b), "");
  EXPECT_GT(a.plans_size(), 0);

  std::string estimate;
  ASSERT_TRUE(GoodEstimate().SerializeToString(&estimate));
  const Answer e1 = CallWithBytes(channel(), kEstimateCourse, estimate);
  const Answer e2 = CallWithBytes(channel(), kEstimateCourse, estimate + junk);
  ASSERT_TRUE(e1.status.ok()) << StatusText(e1.status);
  ASSERT_TRUE(e2.status.ok()) << StatusText(e2.status);
  EXPECT_EQ(e1.response_bytes, e2.response_bytes);
  EXPECT_FALSE(absl::StrContains(e2.response_bytes, "jjjjjjjj")) << "the unknown field is echoed";
}

// Metadata is not part of the message and not under the 1 MiB limit: gRPC 1.51 refuses headers
// over its metadata limit (16 KiB by default) before any handler. Depending on how far the client got
// in sending them, the call fails with RESOURCE_EXHAUSTED ("received initial metadata size exceeds
// limit") or the connection is reset (UNAVAILABLE). Either way the server must stay up and serve the
// next call. The hostile calls go over a connection of their own (gRPC would otherwise share one
// connection between channels to the same address), so the resets cannot reach the shared channel.
TEST_F(e2eHostileRequests, HugeMetadataIsRefusedAndTheServerStaysUp) {
  grpc::ChannelArguments own_connection;
  own_connection.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(g_server->server->Address(),
                                           grpc::InsecureChannelCredentials(), own_connection);
  auto stub = v1::EstimatorService::NewStub(channel);
  for (const size_t size : {size_t{20'000}, size_t{64'000}, kUnderLimit}) {
    SCOPED_TRACE(absl::StrCat(size, " bytes of metadata"));
    std::unique_ptr<grpc::ClientContext> context = Context();
    context->AddMetadata("x-hostile", std::string(size, 'm'));
    v1::ListPayersResponse response;
    const grpc::Status s = stub->ListPayers(context.get(), {}, &response);
    EXPECT_TRUE(s.error_code() == StatusCode::RESOURCE_EXHAUSTED ||
                s.error_code() == StatusCode::UNAVAILABLE)
        << StatusText(s);
  }
  // Served on the shared connection. (A call on the hostile connection may still meet its reset.)
  ExpectServingAndAlive();
  v1::ListPayersResponse payers;
  const grpc::Status listed = g_server->stub->ListPayers(Context().get(), {}, &payers);
  EXPECT_TRUE(listed.ok()) << StatusText(listed);
  EXPECT_GT(payers.plans_size(), 0);
}

// Bytes that are not a valid request. Two kinds, answered differently:
// - A field sent with the wrong wire type is not an error to protobuf: the parser keeps it as an
//   unknown field, the field reads as absent, and validation names it as missing.
// - Bytes that do not parse at all never reach our handlers. gRPC 1.51's callback API then fails the
//   call itself with UNIMPLEMENTED and an empty message (server_callback_handlers.h: a request that
//   does not deserialize gets the reactor "UnimplementedUnaryReactor"), not INTERNAL and not
//   INVALID_ARGUMENT. That is asserted as it is, so a change in gRPC or in the server shows here.
struct WireCase {
  std::string name;
  std::string method;
  std::string bytes;
  StatusCode code;
  std::string message;  // for INVALID_ARGUMENT: the field named; for UNIMPLEMENTED: all of it ("")
};

std::vector<WireCase> MalformedWireCases() {
  std::string good;
  EXPECT_TRUE(GoodEstimate().SerializeToString(&good));
  v1::EstimateCourseRequest no_clinic = GoodEstimate();
  no_clinic.clear_clinic_id();
  v1::EstimateCourseRequest no_network = GoodEstimate();
  no_network.mutable_coverage()->mutable_insurance()->clear_network();
  std::string nested_groups;
  for (int i = 0; i < 10'000; ++i) nested_groups += Tag(1000, kStartGroup);
  for (int i = 0; i < 10'000; ++i) nested_groups += Tag(1000, kEndGroup);

  const StatusCode kUnparsed = StatusCode::UNIMPLEMENTED;
  return {
      {"clinic_id (field 1, a string) sent as a varint", kEstimateCourse,
       no_clinic.SerializeAsString() + Tag(1, kVarint) + Varint(7), StatusCode::INVALID_ARGUMENT,
       "clinic_id: is required"},
      // coverage (2) > insurance (1) > network (3, an enum) as a length-delimited string
      {"network (an enum) sent as a string", kEstimateCourse,
       no_network.SerializeAsString() +
           LengthDelimited(2, LengthDelimited(1, LengthDelimited(3, "NETWORK_IN_NETWORK"))),
       StatusCode::INVALID_ARGUMENT, "coverage.insurance.network: is required"},
      {"truncated EstimateCourseRequest", kEstimateCourse, good.substr(0, good.size() - 3),
       kUnparsed, ""},
      {"length prefix past the end", kCompareTreatments,
       Tag(1, kLengthDelimited) + Varint(1000) + "ab", kUnparsed, ""},
      {"varint of 11 bytes", kCheckReadiness, Tag(3, kVarint) + std::string(10, '\xff') + "\x01",
       kUnparsed, ""},
      {"invalid UTF-8 in payer_id (proto3 strings must be UTF-8)", kCheckReadiness,
       LengthDelimited(1, "\xff\xfe\xc0"), kUnparsed, ""},
      {"end-group without a start", kListPayers, Tag(7, kEndGroup), kUnparsed, ""},
      {"field number 0", kListPayers, Tag(0, kVarint) + Varint(1), kUnparsed, ""},
      {"10,000 nested groups (protobuf's recursion limit is 100)", kListPayers, nested_groups,
       kUnparsed, ""},
  };
}

TEST_F(e2eHostileRequests, BytesThatAreNotAMessageAreRefusedAndTheServerStaysUp) {
  for (const WireCase& c : MalformedWireCases()) {
    SCOPED_TRACE(c.name);
    const Answer a = CallWithBytes(channel(), c.method, c.bytes);
    EXPECT_EQ(a.status.error_code(), c.code) << StatusText(a.status);
    if (c.code == StatusCode::UNIMPLEMENTED) {
      EXPECT_EQ(a.status.error_message(), c.message);
    } else {
      EXPECT_TRUE(absl::StrContains(a.status.error_message(), c.message)) << StatusText(a.status);
    }
  }
  ExpectServingAndAlive();
  v1::EstimateCourseResponse after;
  const grpc::Status ok = NormalEstimate(&after);
  EXPECT_TRUE(ok.ok()) << StatusText(ok);
}

// Memory: one round of the catalogue sends ~43 MB (the compressed bomb counted as its 16 MiB
// uncompressed). Where resident memory lands in the first rounds varies from run to run: glibc
// gives threads their own arenas (up to 8 per core), and once a ~900 KB string parsed from a
// request has been freed it raises its mmap threshold past that size, so later ones come from the
// arenas and stay resident when freed; which threads (so how many arenas) serve round 1 depends on
// scheduling. Under ASan one CI run saw 160 MiB after round 1 and 197 MiB after round 20, while
// other runs reach 185 MiB after round 1 and end at 190-195 MiB: the level is reached within two
// rounds, not always within one. So rounds 1-2 are the warm-up, and rounds 3-20 must stay within
// kGrowthBoundKiB (32 MiB) of the higher of the two. That is 4% of the ~740 MiB those rounds send:
// a server that kept 5% of the requests it refused, or of their error messages, would cross it.
TEST_F(e2eHostileRequests, ResidentMemoryStaysBoundedOverManyRounds) {
  constexpr int kRounds = 20;
  constexpr int64_t kGrowthBoundKiB = 32 * 1024;
  const std::vector<HostileCase> catalogue = Catalogue();
  size_t bytes_per_round = 0;
  for (const HostileCase& c : catalogue) bytes_per_round += c.request.bytes.size();

  const int64_t start_kib = ResidentKiB(server_pid());
  ReplayCatalogue(catalogue, /*report=*/false);
  const int64_t round1_kib = ResidentKiB(server_pid());
  ReplayCatalogue(catalogue, /*report=*/false);
  const int64_t round2_kib = ResidentKiB(server_pid());
  ASSERT_GT(round1_kib, 0) << "cannot read VmRSS of the server";
  const int64_t warm_kib = std::max(round1_kib, round2_kib);
  int64_t peak_kib = warm_kib;
  for (int round = 3; round <= kRounds; ++round) {
    ReplayCatalogue(catalogue, /*report=*/false);
    peak_kib = std::max(peak_kib, ResidentKiB(server_pid()));
  }
  const int64_t last_kib = ResidentKiB(server_pid());
  std::cout << "bytes sent per round: " << bytes_per_round << "\n"
            << "VmRSS at start: " << start_kib << " KiB, after round 1: " << round1_kib
            << " KiB, round 2: " << round2_kib << " KiB, round " << kRounds << ": " << last_kib
            << " KiB, peak after a round " << peak_kib << " KiB\n";
  ASSERT_GT(static_cast<int64_t>(bytes_per_round) * (kRounds - 2) / 1024, 20 * kGrowthBoundKiB)
      << "the bound is not small beside what the rounds send";
  EXPECT_LE(last_kib - warm_kib, kGrowthBoundKiB);
  EXPECT_LE(peak_kib - warm_kib, kGrowthBoundKiB);
  ExpectServingAndAlive();
}

}  // namespace
}  // namespace estimator::e2e
