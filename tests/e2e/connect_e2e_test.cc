// End-to-end tests of the HTTP listener: every RPC of the public API over the Connect protocol
// (JSON and binary) against the real server binary, compared with the gRPC answer to the same
// request; errors and their HTTP statuses; CORS; /healthz; the page's files; the audit line; and
// hostile HTTP (oversized bodies declared and chunked, 10,000 headers, a 1 MiB header, slowloris,
// 500 idle connections, bad Connect headers), with gRPC callers served throughout.
#include <signal.h>

#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "estimator/v1/estimator.grpc.pb.h"
#include "estimator/v1/quotes.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_environment.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/quote_e2e_support.h"
#include "tests/e2e/sample_requests.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/worklist_requests.h"

namespace estimator::e2e {
namespace {

using ::testing::HasSubstr;

constexpr char kEstimate[] = "/estimator.v1.EstimatorService/EstimateCourse";
constexpr char kCompare[] = "/estimator.v1.EstimatorService/CompareTreatments";
constexpr char kReadiness[] = "/estimator.v1.EstimatorService/CheckPriorAuthReadiness";
constexpr char kBatchReadiness[] = "/estimator.v1.EstimatorService/BatchCheckPriorAuthReadiness";
constexpr char kPayers[] = "/estimator.v1.EstimatorService/ListPayers";
constexpr char kQuotes[] = "/estimator.v1.QuoteService/";
constexpr char kPortal[] = "https://portal.example.org";
// Documented limits (README "HTTP"): stated here, not read from the code.
constexpr size_t kBodyLimit = 1 << 20;
constexpr size_t kShortBody = 1024;

v1::CheckPriorAuthReadinessRequest ReadinessRequest() {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id("aetna");
  r.set_plan_id("open_access_ppo");
  r.set_treatment(v1::TREATMENT_TMS);
  const auto status = google::protobuf::util::JsonStringToMessage(
      ReadFileOrEmpty(SourceDir() + "/deploy/examples/patient_tms_ready.json"),
      r.mutable_documentation());
  EXPECT_TRUE(status.ok()) << status.ToString();
  return r;
}

class ConnectTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new QuoteServer({"--http_listen=127.0.0.1:0",
                               absl::StrCat("--http_allowed_origins=", kPortal,
                                            ",http://127.0.0.1:1"),
                               "--http_read_timeout=2s", "--http_idle_timeout=2s"});
    ASSERT_TRUE(server_->Start());
  }
  static void TearDownTestSuite() {
    if (server_ != nullptr) {
      EXPECT_EQ(server_->process.Stop(), 0) << Log();
    }
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  static int Port() { return server_->process.http_port(); }
  static std::string Log() { return server_->process.StderrText(); }
  static v1::EstimatorService::Stub& Estimates() { return *server_->estimates; }
  static v1::QuoteService::Stub& Quotes() { return *server_->quotes; }

  // Calls `path` over Connect JSON and decodes a 200 into `answer`.
  template <typename Answer>
  static ::testing::AssertionResult Call(const std::string& path,
                                         const google::protobuf::Message& request,
                                         Answer& answer) {
    const HttpReply reply = ConnectJson(Port(), path, request);
    std::string why;
    if (!DecodeJsonAnswer(reply, answer, &why)) return ::testing::AssertionFailure() << why;
    if (reply.Header("content-type") != "application/json") {
      return ::testing::AssertionFailure() << "content-type " << reply.Header("content-type");
    }
    return ::testing::AssertionSuccess();
  }

  static QuoteServer* server_;
};

QuoteServer* ConnectTest::server_ = nullptr;

// ---- the same answers ---------------------------------------------------------------------------

TEST_F(ConnectTest, EstimatorMethodsAnswerAsGrpcDoes) {
  {
    v1::EstimateCourseResponse over_http, over_grpc;
    ASSERT_TRUE(Call(kEstimate, MedicareTmsRequest(), over_http));
    ASSERT_TRUE(Estimates().EstimateCourse(Context().get(), MedicareTmsRequest(), &over_grpc).ok());
    EXPECT_EQ(Diff(over_grpc, over_http), "");
    EXPECT_GT(over_http.estimate().lines_size(), 20);
  }
  {
    v1::CompareTreatmentsResponse over_http, over_grpc;
    v1::CompareTreatmentsRequest request = AetnaCompareRequest();
    request.set_view(v1::ESTIMATE_VIEW_SUMMARY);
    ASSERT_TRUE(Call(kCompare, request, over_http));
    ASSERT_TRUE(Estimates().CompareTreatments(Context().get(), request, &over_grpc).ok());
    EXPECT_EQ(Diff(over_grpc, over_http), "");
    EXPECT_EQ(over_http.estimates_size(), 3);
  }
  {
    v1::CheckPriorAuthReadinessResponse over_http, over_grpc;
    ASSERT_TRUE(Call(kReadiness, ReadinessRequest(), over_http));
    ASSERT_TRUE(
        Estimates().CheckPriorAuthReadiness(Context().get(), ReadinessRequest(), &over_grpc).ok());
    EXPECT_EQ(Diff(over_grpc, over_http), "");
  }
  {
    v1::ListPayersResponse over_http, over_grpc;
    ASSERT_TRUE(Call(kPayers, v1::ListPayersRequest(), over_http));
    ASSERT_TRUE(Estimates().ListPayers(Context().get(), {}, &over_grpc).ok());
    EXPECT_EQ(Diff(over_grpc, over_http), "");
    EXPECT_GE(over_http.plans_size(), 7);
  }
}

// A billing team's worklist over Connect JSON (what a browser or a script would send): the gRPC
// answer, item for item, with the two bad patients in the middle answered as their own errors,
// and one audit line marked http with the counts. Only the batch's own shape is a Connect error.
TEST_F(ConnectTest, AWorklistOverConnectJsonIsTheGrpcAnswer) {
  v1::ListPayersResponse payers;
  ASSERT_TRUE(Estimates().ListPayers(Context().get(), {}, &payers).ok());
  const Worklist w = WorklistAcrossPlans(PlansServed(payers));
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(w.request, &json).ok());
  EXPECT_LT(json.size(), kBodyLimit) << "the worklist fits the HTTP body limit";

  v1::BatchCheckPriorAuthReadinessResponse over_http, over_grpc;
  ASSERT_TRUE(Call(kBatchReadiness, w.request, over_http));
  ASSERT_TRUE(
      Estimates().BatchCheckPriorAuthReadiness(Context().get(), w.request, &over_grpc).ok());
  EXPECT_EQ(Diff(over_grpc, over_http), "");
  ASSERT_EQ(over_http.results_size(), w.request.items_size());
  EXPECT_EQ(over_http.summary().total(), w.request.items_size());
  EXPECT_EQ(over_http.summary().errors(), 2);
  EXPECT_EQ(over_http.results(w.bad_age).error().message(),
            absl::StrCat("items[", w.bad_age,
                         "].request.documentation.age_years: 200 is outside 0-130 years"));
  EXPECT_EQ(over_http.results(w.unknown_plan).error().code(), 5);  // NOT_FOUND
  // Each result as CheckPriorAuthReadiness over Connect answers it.
  for (int i : {0, w.bad_age - 1, w.unknown_plan + 1, w.request.items_size() - 1}) {
    v1::CheckPriorAuthReadinessResponse alone;
    ASSERT_TRUE(Call(kReadiness, w.request.items(i).request(), alone)) << i;
    EXPECT_EQ(Diff(alone.assessment(), over_http.results(i).assessment()), "") << i;
  }

  // Its audit line (the writer flushes every 100 ms): the HTTP call's, with the counts.
  std::vector<std::string> http_lines;
  for (int i = 0; i < 40 && http_lines.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (absl::string_view line : absl::StrSplit(Log(), '\n')) {
      if (absl::StrContains(line, "method=BatchCheckPriorAuthReadiness ") &&
          absl::EndsWith(line, " via=http")) {
        http_lines.emplace_back(line);
      }
    }
  }
  ASSERT_EQ(http_lines.size(), 1u) << Log();
  EXPECT_THAT(http_lines[0], HasSubstr(absl::StrCat(
                                 "method=BatchCheckPriorAuthReadiness caller=anonymous role=admin "
                                 "plan=- rules=", over_http.rule_set_version(), " quote=- items=",
                                 w.request.items_size(), " ready=", over_http.summary().ready())));
  EXPECT_THAT(http_lines[0], HasSubstr(" errors=2 status=OK latency_us="));

  // The batch's own shape: a Connect error, 400, naming the item.
  v1::BatchCheckPriorAuthReadinessRequest repeated = w.request;
  repeated.mutable_items(3)->set_item_id(repeated.items(0).item_id());
  const HttpReply refused = ConnectJson(Port(), kBatchReadiness, repeated);
  EXPECT_EQ(refused.status, 400) << refused.body;
  const ConnectErrorText error = DecodeConnectError(refused);
  EXPECT_EQ(error.code, "invalid_argument");
  EXPECT_EQ(error.message,
            "items[3].item_id: repeats items[0].item_id; ids must be unique within a batch");
}

TEST_F(ConnectTest, BinaryProtobufBodiesAnswerTheSameBytes) {
  HttpCall call;
  call.target = kEstimate;
  call.content_type = "application/proto";
  call.body = MedicareTmsRequest().SerializeAsString();
  const HttpReply reply = HttpExchange(Port(), call);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Header("content-type"), "application/proto");
  v1::EstimateCourseResponse over_grpc;
  ASSERT_TRUE(Estimates().EstimateCourse(Context().get(), MedicareTmsRequest(), &over_grpc).ok());
  v1::EstimateCourseResponse over_http;
  ASSERT_TRUE(over_http.ParseFromString(reply.body));
  EXPECT_EQ(Diff(over_grpc, over_http), "");
}

TEST_F(ConnectTest, QuoteMethodsAnswerAsGrpcDoes) {
  // Saved over HTTP, read back over gRPC: the same quote, byte for byte.
  v1::SaveQuoteResponse saved;
  ASSERT_TRUE(Call(absl::StrCat(kQuotes, "SaveQuote"), SaveEstimate(MedicareTmsRequest(), "p-77"),
                   saved));
  v1::EstimateCourseResponse direct;
  ASSERT_TRUE(Estimates().EstimateCourse(Context().get(), MedicareTmsRequest(), &direct).ok());
  EXPECT_EQ(Diff(direct, saved.quote().estimate()), "");
  v1::GetQuoteRequest get;
  get.set_quote_id(saved.quote().quote_id());
  v1::GetQuoteResponse over_grpc, over_http;
  ASSERT_TRUE(Quotes().GetQuote(Context().get(), get, &over_grpc).ok());
  ASSERT_TRUE(Call(absl::StrCat(kQuotes, "GetQuote"), get, over_http));
  EXPECT_EQ(Diff(over_grpc, over_http), "");
  EXPECT_EQ(Diff(saved.quote(), over_http.quote()), "");

  v1::ListQuotesRequest list;
  list.set_clinic_id(saved.quote().clinic_id());
  list.set_patient_reference("p-77");
  v1::ListQuotesResponse listed_http, listed_grpc;
  ASSERT_TRUE(Call(absl::StrCat(kQuotes, "ListQuotes"), list, listed_http));
  ASSERT_TRUE(Quotes().ListQuotes(Context().get(), list, &listed_grpc).ok());
  EXPECT_EQ(Diff(listed_grpc, listed_http), "");
  ASSERT_EQ(listed_http.quotes_size(), 1);

  // A Good Faith Estimate issued over HTTP is the one gRPC reads, its page hashing the same.
  v1::IssueGoodFaithEstimateResponse gfe;
  ASSERT_TRUE(Call(absl::StrCat(kQuotes, "IssueGoodFaithEstimate"), GfeRequest(6), gfe));
  get.set_quote_id(gfe.quote().quote_id());
  ASSERT_TRUE(Quotes().GetQuote(Context().get(), get, &over_grpc).ok());
  EXPECT_EQ(Diff(over_grpc.quote(), gfe.quote()), "");
  EXPECT_THAT(gfe.quote().good_faith_estimate().document_html(), HasSubstr("Good Faith Estimate"));

  v1::CheckDisputeEligibilityRequest dispute;
  dispute.set_quote_id(gfe.quote().quote_id());
  dispute.set_bill_date(gfe.quote().created_at().substr(0, 10));
  v1::ProviderBill& bill = *dispute.add_bills();
  bill.set_npi(gfe.quote().good_faith_estimate().providers(0).npi());
  bill.set_billed_cents(gfe.quote().good_faith_estimate().total_expected_charges_cents() + 50000);
  v1::CheckDisputeEligibilityResponse eligible_http, eligible_grpc;
  ASSERT_TRUE(Call(absl::StrCat(kQuotes, "CheckDisputeEligibility"), dispute, eligible_http));
  ASSERT_TRUE(Quotes().CheckDisputeEligibility(Context().get(), dispute, &eligible_grpc).ok());
  EXPECT_EQ(Diff(eligible_grpc, eligible_http), "");

  // Voided over HTTP, seen voided over gRPC.
  v1::VoidQuoteRequest void_request;
  void_request.set_quote_id(saved.quote().quote_id());
  void_request.set_reason("entered for the wrong patient");
  v1::VoidQuoteResponse voided;
  ASSERT_TRUE(Call(absl::StrCat(kQuotes, "VoidQuote"), void_request, voided));
  EXPECT_EQ(voided.quote().status(), v1::QUOTE_STATUS_VOIDED);
  get.set_quote_id(saved.quote().quote_id());
  ASSERT_TRUE(Quotes().GetQuote(Context().get(), get, &over_grpc).ok());
  EXPECT_EQ(Diff(over_grpc.quote(), voided.quote()), "");

  v1::PurgeQuotesResponse purged_http, purged_grpc;
  ASSERT_TRUE(Call(absl::StrCat(kQuotes, "PurgeQuotes"), v1::PurgeQuotesRequest(), purged_http));
  ASSERT_TRUE(Quotes().PurgeQuotes(Context().get(), {}, &purged_grpc).ok());
  EXPECT_EQ(purged_http.quotes_purged(), purged_grpc.quotes_purged());
  EXPECT_EQ(purged_http.created_before(), purged_grpc.created_before());
}

// ---- errors --------------------------------------------------------------------------------------

TEST_F(ConnectTest, ErrorsCarryConnectCodesAndTheirHttpStatuses) {
  struct Case {
    std::string name;
    HttpCall call;
    int status;
    std::string code;  // "" when the answer is not a Connect error
    std::string message_part;
  };
  auto json_call = [](std::string path, const google::protobuf::Message& m) {
    HttpCall call;
    call.target = std::move(path);
    (void)google::protobuf::util::MessageToJsonString(m, &call.body);
    return call;
  };
  v1::EstimateCourseRequest bad_date = MedicareTmsRequest();
  bad_date.set_course_start_date("2026-02-30");
  v1::EstimateCourseRequest unknown_clinic = MedicareTmsRequest();
  unknown_clinic.set_clinic_id("nowhere");
  v1::GetQuoteRequest missing;
  missing.set_quote_id("q_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  HttpCall late = json_call(kEstimate, MedicareTmsRequest());
  late.headers.push_back({"Connect-Timeout-Ms", "0"});
  HttpCall negative = json_call(kEstimate, MedicareTmsRequest());
  negative.headers.push_back({"Connect-Timeout-Ms", "-1"});
  HttpCall huge_timeout = json_call(kEstimate, MedicareTmsRequest());
  huge_timeout.headers.push_back({"Connect-Timeout-Ms", "1000000000000"});
  HttpCall gzip = json_call(kEstimate, MedicareTmsRequest());
  gzip.headers.push_back({"Content-Encoding", "gzip"});
  HttpCall version = json_call(kEstimate, MedicareTmsRequest());
  version.headers.push_back({"Connect-Protocol-Version", "2"});
  HttpCall text = json_call(kEstimate, MedicareTmsRequest());
  text.content_type = "text/plain";
  HttpCall no_type = json_call(kEstimate, MedicareTmsRequest());
  no_type.content_type = "";
  HttpCall invalid_json = json_call(kEstimate, MedicareTmsRequest());
  invalid_json.body = "{\"clinicId\": \"riverbend\",";
  HttpCall wrong_message = json_call(kEstimate, v1::VoidQuoteRequest());
  wrong_message.body = R"({"quoteId":"q_x","reason":"x"})";
  HttpCall bad_proto = json_call(kEstimate, MedicareTmsRequest());
  bad_proto.content_type = "application/proto";
  bad_proto.body = "\xff\xff\xff\xff";
  HttpCall get_rpc;
  get_rpc.method = "GET";
  get_rpc.target = kEstimate;
  get_rpc.content_type = "";
  HttpCall unknown_method = json_call("/estimator.v1.EstimatorService/DeleteEverything", v1::ListPayersRequest());
  unknown_method.body = "{}";
  HttpCall admin_method = json_call("/estimator.v1.RuleAdminService/ReloadRules", v1::ListPayersRequest());
  admin_method.body = "{}";
  HttpCall no_page;
  no_page.method = "GET";
  no_page.target = "/secrets.txt";
  no_page.content_type = "";
  HttpCall options_only;  // OPTIONS that is not a CORS preflight (found by http_fuzzer)
  options_only.method = "OPTIONS";
  options_only.target = kCompare;
  options_only.content_type = "";
  options_only.headers = {{"Origin", kPortal}};
  HttpCall put_page = no_page;
  put_page.method = "PUT";
  put_page.target = "/";

  const std::vector<Case> cases = {
      {"invalid date", json_call(kEstimate, bad_date), 400, "invalid_argument",
       "course_start_date"},
      {"unknown clinic", json_call(kEstimate, unknown_clinic), 404, "not_found", "nowhere"},
      {"unknown quote", json_call(absl::StrCat(kQuotes, "GetQuote"), missing), 404, "not_found",
       ""},
      {"deadline already passed", late, 504, "deadline_exceeded", "deadline"},
      {"Connect-Timeout-Ms -1", negative, 400, "invalid_argument", "Connect-Timeout-Ms"},
      {"Connect-Timeout-Ms 10^12", huge_timeout, 400, "invalid_argument", "Connect-Timeout-Ms"},
      {"gzip body", gzip, 501, "unimplemented", "Content-Encoding"},
      {"Connect-Protocol-Version 2", version, 400, "invalid_argument", "Connect-Protocol-Version"},
      {"text/plain", text, 415, "invalid_argument", "Content-Type"},
      {"no Content-Type", no_type, 415, "invalid_argument", "Content-Type"},
      {"invalid JSON", invalid_json, 400, "invalid_argument", "not a valid"},
      {"JSON of another message", wrong_message, 400, "invalid_argument", "Cannot find field"},
      {"bad protobuf bytes", bad_proto, 400, "invalid_argument", "wire format"},
      {"GET on an RPC path", get_rpc, 405, "unimplemented", "POST"},
      {"unknown method", unknown_method, 404, "unimplemented", "no such method"},
      {"admin method (gRPC only)", admin_method, 404, "unimplemented", "no such method"},
      {"unknown page", no_page, 404, "", ""},
      {"PUT on the page", put_page, 405, "", ""},
      {"OPTIONS without Access-Control-Request-Method", options_only, 204, "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const HttpReply reply = HttpExchange(Port(), c.call);
    EXPECT_EQ(reply.status, c.status) << reply.error << " " << reply.body;
    EXPECT_LE(reply.body.size(), kShortBody);
    if (c.code.empty()) continue;
    EXPECT_EQ(reply.Header("content-type"), "application/json");
    EXPECT_THAT(reply.body, HasSubstr(absl::StrCat("{\"code\":\"", c.code, "\",\"message\":\"")));
    EXPECT_THAT(reply.body, HasSubstr(c.message_part));
  }
}

TEST_F(ConnectTest, AnErrorMessageNeverEchoesAHostileValueAtLength) {
  v1::EstimateCourseRequest request = MedicareTmsRequest();
  request.set_clinic_id(std::string(900'000, 'x'));
  const HttpReply reply = ConnectJson(Port(), kEstimate, request);
  EXPECT_EQ(reply.status, 400) << reply.body.substr(0, 200);
  EXPECT_LE(reply.body.size(), kShortBody);
}

// ---- CORS, health, the page, the audit line ---------------------------------------------------

TEST_F(ConnectTest, CorsLetsOnlyTheListedOriginsRead) {
  HttpCall preflight;
  preflight.method = "OPTIONS";
  preflight.target = kEstimate;
  preflight.content_type = "";
  preflight.headers = {{"Origin", kPortal},
                       {"Access-Control-Request-Method", "POST"},
                       {"Access-Control-Request-Headers", "authorization,content-type"}};
  HttpReply reply = HttpExchange(Port(), preflight);
  EXPECT_EQ(reply.status, 204);
  EXPECT_EQ(reply.Header("access-control-allow-origin"), kPortal);
  EXPECT_THAT(reply.Header("access-control-allow-headers"), HasSubstr("Authorization"));
  EXPECT_THAT(reply.Header("access-control-allow-methods"), HasSubstr("POST"));
  EXPECT_EQ(reply.Header("access-control-allow-credentials"), "");

  preflight.headers[0].second = "https://evil.example";
  reply = HttpExchange(Port(), preflight);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.Header("access-control-allow-origin"), "");
  EXPECT_LE(reply.body.size(), kShortBody);

  // The call itself: the listed origin may read the answer (and its errors); another may not.
  HttpCall call;
  call.target = kPayers;
  call.body = "{}";
  call.headers = {{"Origin", kPortal}};
  reply = HttpExchange(Port(), call);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.Header("access-control-allow-origin"), kPortal);
  EXPECT_EQ(reply.Header("vary"), "Origin");
  call.body = "{";
  reply = HttpExchange(Port(), call);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.Header("access-control-allow-origin"), kPortal);
  call.body = "{}";
  call.headers = {{"Origin", "https://evil.example"}};
  reply = HttpExchange(Port(), call);
  EXPECT_EQ(reply.Header("access-control-allow-origin"), "");
}

TEST_F(ConnectTest, HealthzIsTheHealthChecksTwin) {
  HttpCall health;
  health.method = "GET";
  health.target = "/healthz";
  health.content_type = "";
  HttpReply reply = HttpExchange(Port(), health);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "SERVING\n");
  health.target = "/healthz?service=estimator.v1.QuoteService";
  reply = HttpExchange(Port(), health);
  EXPECT_EQ(reply.status, 200);
  health.method = "HEAD";
  reply = HttpExchange(Port(), health);
  EXPECT_EQ(reply.status, 200);
}

TEST_F(ConnectTest, ThePageIsServedFromTheBinaryWithAStrictPolicy) {
  HttpCall page;
  page.method = "GET";
  page.content_type = "";
  for (const char* path : {"/", "/app.js", "/style.css"}) {
    SCOPED_TRACE(path);
    page.target = path;
    const HttpReply reply = HttpExchange(Port(), page);
    EXPECT_EQ(reply.status, 200);
    const std::string file = std::string(path) == "/" ? "/index.html" : path;
    EXPECT_EQ(reply.body, ReadFileOrEmpty(SourceDir() + "/service/web" + file));
    EXPECT_THAT(reply.Header("content-security-policy"), HasSubstr("default-src 'none'"));
    EXPECT_THAT(reply.Header("content-security-policy"), HasSubstr("connect-src 'self'"));
    EXPECT_EQ(reply.Header("x-content-type-options"), "nosniff");
  }
}

TEST_F(ConnectTest, EachHttpCallHasOneAuditLineMarkedHttp) {
  // Audit lines reach the log within 100 ms (README "Audit log"): let earlier tests' lines land.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string before = Log();
  v1::EstimateCourseResponse answer;
  ASSERT_TRUE(Call(kEstimate, MedicareTmsRequest(), answer));
  v1::EstimateCourseRequest bad = MedicareTmsRequest();
  bad.set_clinic_id("nowhere");
  EXPECT_EQ(ConnectJson(Port(), kEstimate, bad).status, 404);
  std::string added;
  for (int i = 0; i < 100; ++i) {
    added = Log().substr(before.size());
    if (std::count(added.begin(), added.end(), '\n') >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::vector<std::string> lines = absl::StrSplit(added, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << added;
  EXPECT_THAT(lines[0], HasSubstr("audit method=EstimateCourse caller=anonymous role=admin "
                                  "plan=medicare/part_b"));
  EXPECT_THAT(lines[0], HasSubstr(" status=OK "));
  EXPECT_THAT(lines[0], ::testing::EndsWith(" via=http"));
  EXPECT_THAT(lines[1], HasSubstr(" status=NOT_FOUND "));
  EXPECT_THAT(lines[1], ::testing::EndsWith(" via=http"));
  EXPECT_THAT(added, ::testing::Not(HasSubstr("nowhere")));
}

// ---- hostile HTTP --------------------------------------------------------------------------------

// Sends raw bytes and returns the HTTP status of the answer (0 for none).
int RawExchange(int port, const std::string& bytes) {
  const int fd = RawConnect(port);
  if (fd < 0) return -1;
  RawSend(fd, bytes);
  const std::string answer = RawReadUntilClosed(fd, std::chrono::seconds(10));
  close(fd);
  return RawStatus(answer);
}

bool GrpcHealthy(grpc::Channel& channel) {
  auto health = grpc::health::v1::Health::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::health::v1::HealthCheckResponse response;
  auto context = Context();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  return health->Check(context.get(), {}, &response).ok() &&
         response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

TEST_F(ConnectTest, OversizedRequestsAreRefusedBeforeTheyAreKept) {
  const std::string head = absl::StrCat("POST ", kEstimate, " HTTP/1.1\r\nHost: x\r\n",
                                        "Content-Type: application/json\r\n");
  // Declared over the limit: refused on the header alone (nothing of the body is sent).
  EXPECT_EQ(RawExchange(Port(), absl::StrCat(head, "Content-Length: ", kBodyLimit + 1, "\r\n\r\n")),
            413);
  // Chunked: counted as it arrives.
  std::string chunked = absl::StrCat(head, "Transfer-Encoding: chunked\r\n\r\n");
  const std::string chunk(64 << 10, 'a');
  for (size_t sent = 0; sent <= kBodyLimit; sent += chunk.size()) {
    absl::StrAppend(&chunked, absl::Hex(chunk.size()), "\r\n", chunk, "\r\n");
  }
  chunked += "0\r\n\r\n";
  EXPECT_EQ(RawExchange(Port(), chunked), 413);
  // 10,000 headers, and one header of 1 MiB.
  std::string many = head;
  for (int i = 0; i < 10'000; ++i) absl::StrAppend(&many, "X-H", i, ": v\r\n");
  EXPECT_EQ(RawExchange(Port(), absl::StrCat(many, "Content-Length: 2\r\n\r\n{}")), 431);
  EXPECT_EQ(RawExchange(Port(), absl::StrCat(head, "X-Big: ", std::string(kBodyLimit, 'b'),
                                             "\r\nContent-Length: 2\r\n\r\n{}")),
            431);
  // Not HTTP at all.
  EXPECT_EQ(RawExchange(Port(), "\x16\x03\x01 hello\r\n\r\n"), 400);
  // A body just under the limit is read (and is not a valid request).
  HttpCall near;
  near.target = kEstimate;
  near.body = absl::StrCat("{\"clinicId\":\"", std::string(kBodyLimit - 100, 'x'), "\"}");
  EXPECT_EQ(HttpExchange(Port(), near).status, 400);
}

TEST_F(ConnectTest, SlowlorisIsCutWhileGrpcIsServed) {
  const int fd = RawConnect(Port());
  ASSERT_GE(fd, 0);
  const std::string request =
      absl::StrCat("POST ", kPayers, " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n");
  auto channel = grpc::CreateChannel(server_->process.Address(), grpc::InsecureChannelCredentials());
  const auto start = std::chrono::steady_clock::now();
  bool cut = false;
  std::string answer;
  for (size_t i = 0; i < request.size(); ++i) {
    if (!RawSend(fd, request.substr(i, 1))) {
      cut = true;
      break;
    }
    answer += RawReadUntilClosed(fd, std::chrono::milliseconds(500), &cut);
    if (cut) break;
    EXPECT_TRUE(GrpcHealthy(*channel));
  }
  const auto took = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_TRUE(cut) << "the server kept a request dribbling in for "
                   << std::chrono::duration_cast<std::chrono::seconds>(took).count() << " s";
  EXPECT_EQ(RawStatus(answer), 408) << answer;
  // --http_read_timeout=2s: cut after about 2 s, well before the request was complete.
  EXPECT_LT(took, std::chrono::seconds(6));
}

long ResidentKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmRSS:")) {
      long kib = 0;
      (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(6, line.size() - 9)), &kib);
      return kib;
    }
  }
  return -1;
}

TEST_F(ConnectTest, FiveHundredIdleConnectionsAreBoundedAndGrpcIsServed) {
  auto channel = grpc::CreateChannel(server_->process.Address(), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(GrpcHealthy(*channel));
  const long rss_before = ResidentKiB(server_->process.pid());
  std::vector<int> idle;
  for (int i = 0; i < 500; ++i) {
    const int fd = RawConnect(Port());
    if (fd >= 0) idle.push_back(fd);
  }
  EXPECT_EQ(idle.size(), 500u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Beyond --http_max_connections (256) the server answers 503 at once and closes.
  int refused = 0;
  for (int fd : idle) {
    bool closed = false;
    const std::string answer = RawReadUntilClosed(fd, std::chrono::milliseconds(5), &closed);
    if (RawStatus(answer) == 503) ++refused;
  }
  EXPECT_EQ(refused, 500 - 256);
  EXPECT_TRUE(GrpcHealthy(*channel));
  const long rss_during = ResidentKiB(server_->process.pid());
  EXPECT_LT(rss_during - rss_before, 64 * 1024) << "KiB grown with 500 idle connections";
  // --http_idle_timeout=2s: the rest are closed by the server, and HTTP serves again.
  std::this_thread::sleep_for(std::chrono::milliseconds(2600));
  int closed_by_server = 0;
  for (int fd : idle) {
    bool closed = false;
    RawReadUntilClosed(fd, std::chrono::milliseconds(5), &closed);
    if (closed) ++closed_by_server;
    close(fd);
  }
  EXPECT_EQ(closed_by_server, 500);
  v1::ListPayersResponse payers;
  EXPECT_TRUE(Call(kPayers, v1::ListPayersRequest(), payers));
}

TEST_F(ConnectTest, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  const int fd = RawConnect(Port());
  ASSERT_GE(fd, 0);
  const std::string body = "{}";
  ASSERT_TRUE(RawSend(fd, absl::StrCat("POST ", kPayers, " HTTP/1.1\r\nHost: x\r\n",
                                       "Content-Type: application/json\r\nExpect: 100-continue\r\n",
                                       "Content-Length: ", body.size(), "\r\n\r\n")));
  // The server says to go on before it has any of the body (curl would otherwise wait 1 s).
  const std::string interim = RawReadUntilClosed(fd, std::chrono::milliseconds(1500));
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(RawSend(fd, body));
  const std::string answer = RawReadUntilClosed(fd, std::chrono::milliseconds(1500));
  close(fd);
  EXPECT_EQ(RawStatus(answer), 200) << answer.substr(0, 200);
  // Over the limit: refused on the headers, with no 100 Continue first.
  EXPECT_EQ(RawExchange(Port(), absl::StrCat("POST ", kEstimate, " HTTP/1.1\r\nHost: x\r\n",
                                             "Expect: 100-continue\r\nContent-Length: ",
                                             kBodyLimit + 1, "\r\n\r\n")),
            413);
}

TEST_F(ConnectTest, KeptAliveConnectionsServeSeveralCalls) {
  const int fd = RawConnect(Port());
  ASSERT_GE(fd, 0);
  const std::string one = absl::StrCat("POST ", kPayers, " HTTP/1.1\r\nHost: x\r\n",
                                       "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  // Two requests sent back to back (pipelined) on one connection: two answers.
  ASSERT_TRUE(RawSend(fd, one + one));
  std::string answers;
  for (int i = 0; i < 50 && std::count(answers.begin(), answers.end(), '{') < 2; ++i) {
    answers += RawReadUntilClosed(fd, std::chrono::milliseconds(100));
    if (absl::StrContains(answers.substr(answers.find("rulesetVersion") + 1), "HTTP/1.1 200")) break;
  }
  close(fd);
  const std::vector<absl::string_view> parts = absl::StrSplit(answers, "HTTP/1.1 200 OK");
  EXPECT_EQ(parts.size(), 3u) << answers.substr(0, 300);
}

}  // namespace
}  // namespace estimator::e2e

namespace estimator::e2e {
namespace {

// A server whose quote store cannot be reached: quote calls are 503 unavailable over HTTP, the
// quote service's /healthz twin says so, and estimates carry on.
TEST(ConnectStoreDownTest, QuoteCallsAreUnavailableAndHealthzSaysSo) {
  QuoteServer server({"--http_listen=127.0.0.1:0",
                      "--quote_store=postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"});
  ASSERT_TRUE(server.Start());
  const int port = server.process.http_port();
  HttpCall health;
  health.method = "GET";
  health.content_type = "";
  health.target = "/healthz?service=estimator.v1.QuoteService";
  EXPECT_EQ(HttpExchange(port, health).status, 503);
  health.target = "/healthz";
  EXPECT_EQ(HttpExchange(port, health).status, 200);
  const HttpReply saved =
      ConnectJson(port, "/estimator.v1.QuoteService/SaveQuote", SaveEstimate(MedicareTmsRequest()));
  EXPECT_EQ(saved.status, 503) << saved.body;
  EXPECT_EQ(DecodeConnectError(saved).code, "unavailable");
  v1::EstimateCourseResponse estimate;
  std::string why;
  EXPECT_TRUE(DecodeJsonAnswer(ConnectJson(port, kEstimate, MedicareTmsRequest()), estimate, &why))
      << why;
  EXPECT_EQ(server.process.Stop(), 0);
}

}  // namespace
}  // namespace estimator::e2e
