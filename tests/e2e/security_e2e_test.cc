// End-to-end tests of transport security, callers and roles, and the audit log: the real server
// with TLS, mutual TLS and an access config, called over real TLS channels.
//
// Certificates are made for each run with the openssl command (a test CA, the server's certificate
// for localhost/127.0.0.1, a client certificate the access config names, one it does not, and one
// from another CA), so nothing secret or expiring is kept in the repository.
#include <cstdlib>
#include <functional>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "estimator/v1/admin.grpc.pb.h"
#include "estimator/v1/estimator.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/common/sha256.h"
#include "tests/e2e/e2e_environment.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/server_process.h"

namespace estimator::e2e {
namespace {

namespace fs = std::filesystem;

// Runs a shell command in `dir`; false if it fails.
bool Run(const std::string& dir, const std::string& command) {
  return std::system(absl::StrCat("cd '", dir, "' && ", command, " >/dev/null 2>&1").c_str()) == 0;
}

// A test PKI in a temporary directory: ca.pem, server.{pem,key}, desk.{pem,key} (CN
// desk.riverbend, named in the access config), stranger.{pem,key} (CN stranger, same CA, not
// named), rogue.{pem,key} (CN desk.riverbend, signed by another CA), rogue_ca.pem.
class TestPki {
 public:
  TestPki() : dir_(MakeTempDir("estimator_pki")) {
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    ok_ = Run(dir_, absl::StrCat("openssl req -x509 ", ec,
                                 " -keyout ca.key -out ca.pem -days 2 -subj '/CN=Test CA'")) &&
          Run(dir_, absl::StrCat("openssl req -x509 ", ec,
                                 " -keyout rogue_ca.key -out rogue_ca.pem -days 2 -subj '/CN=Rogue CA'")) &&
          Issue("server", "localhost", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1") &&
          Issue("desk", "desk.riverbend", "ca", "") && Issue("stranger", "stranger", "ca", "") &&
          Issue("rogue", "desk.riverbend", "rogue_ca", "");
  }
  ~TestPki() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  bool ok() const { return ok_; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string Read(const std::string& name) const { return ReadFileOrEmpty(Path(name)); }

 private:
  bool Issue(const std::string& name, const std::string& cn, const std::string& ca,
             const std::string& extension) {
    const std::string ext_file = name + ".ext";
    { std::ofstream(Path(ext_file)) << extension << "\n"; }
    return Run(dir_, absl::StrCat("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
                                  "-nodes -keyout ", name, ".key -out ", name, ".csr -subj '/CN=",
                                  cn, "'")) &&
           Run(dir_, absl::StrCat("openssl x509 -req -in ", name, ".csr -CA ", ca, ".pem -CAkey ",
                                  ca, ".key -CAcreateserial -days 2 -out ", name, ".pem",
                                  extension.empty() ? "" : " -extfile " + ext_file));
  }

  std::string dir_;
  bool ok_ = false;
};

// The callers of the test's access config, one token per role.
const std::map<std::string, std::string>& Tokens() {
  static const auto* tokens = new std::map<std::string, std::string>{
      {"portal", "portal-token-5c1d"},
      {"front_desk", "front-desk-token-77a0"},
      {"billing", "billing-token-e3b2"},
      {"admin", "admin-token-0f9e"},
  };
  return *tokens;
}

std::string AccessConfigText() {
  const std::map<std::string, std::string> roles = {{"portal", "ROLE_PORTAL"},
                                                    {"front_desk", "ROLE_FRONT_DESK"},
                                                    {"billing", "ROLE_BILLING"},
                                                    {"admin", "ROLE_ADMIN"}};
  std::string text = "# Made by security_e2e_test.\n";
  for (const auto& [role, token] : Tokens()) {
    absl::StrAppend(&text, "callers { name: \"", role, "_caller\" role: ", roles.at(role),
                    " token_sha256: \"", Sha256Hex(token), "\" }\n");
  }
  absl::StrAppend(&text, "callers { name: \"riverbend_desk\" role: ROLE_FRONT_DESK "
                         "client_certificate_name: \"desk.riverbend\" }\n");
  return text;
}

v1::PatientDocumentation ReadyDocumentation() {
  v1::PatientDocumentation documentation;
  const auto status = google::protobuf::util::JsonStringToMessage(
      ReadFileOrEmpty(SourceDir() + "/deploy/examples/patient_tms_ready.json"), &documentation);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return documentation;
}

v1::EstimateCourseRequest EstimateRequest(bool with_documentation) {
  v1::EstimateCourseRequest r;
  r.set_clinic_id("riverbend");
  v1::InsuranceCoverage* ins = r.mutable_coverage()->mutable_insurance();
  ins->set_payer_id("aetna");
  ins->set_plan_id("open_access_ppo");
  ins->set_network(v1::NETWORK_IN_NETWORK);
  r.set_course_start_date("2026-12-14");
  r.mutable_course()->set_treatment(v1::TREATMENT_TMS);
  if (with_documentation) *r.mutable_documentation() = ReadyDocumentation();
  return r;
}

v1::CompareTreatmentsRequest CompareRequest(bool with_documentation) {
  v1::CompareTreatmentsRequest r;
  r.set_clinic_id("riverbend");
  *r.mutable_coverage() = EstimateRequest(false).coverage();
  r.set_course_start_date("2026-12-14");
  if (with_documentation) *r.mutable_documentation() = ReadyDocumentation();
  return r;
}

v1::CheckPriorAuthReadinessRequest ReadinessRequest() {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id("aetna");
  r.set_plan_id("open_access_ppo");
  r.set_treatment(v1::TREATMENT_TMS);
  *r.mutable_documentation() = ReadyDocumentation();
  return r;
}

// A worklist of two patients.
v1::BatchCheckPriorAuthReadinessRequest BatchRequest() {
  v1::BatchCheckPriorAuthReadinessRequest r;
  for (const char* id : {"row-1", "row-2"}) {
    v1::BatchReadinessItem* item = r.add_items();
    item->set_item_id(id);
    *item->mutable_request() = ReadinessRequest();
  }
  return r;
}

// The methods of the role table, each called with a valid request so that an allowed call is OK.
struct MethodCase {
  std::string name;
  std::function<grpc::Status(grpc::Channel&, grpc::ClientContext*)> call;
};

std::vector<MethodCase> Methods() {
  auto estimator = [](grpc::Channel& channel) {
    return v1::EstimatorService::NewStub(std::shared_ptr<grpc::Channel>(&channel, [](auto*) {}));
  };
  auto admin = [](grpc::Channel& channel) {
    return v1::RuleAdminService::NewStub(std::shared_ptr<grpc::Channel>(&channel, [](auto*) {}));
  };
  return {
      {"EstimateCourse",
       [=](grpc::Channel& ch, grpc::ClientContext* c) {
         v1::EstimateCourseResponse r;
         return estimator(ch)->EstimateCourse(c, EstimateRequest(false), &r);
       }},
      {"EstimateCourse+documentation",
       [=](grpc::Channel& ch, grpc::ClientContext* c) {
         v1::EstimateCourseResponse r;
         return estimator(ch)->EstimateCourse(c, EstimateRequest(true), &r);
       }},
      {"CompareTreatments",
       [=](grpc::Channel& ch, grpc::ClientContext* c) {
         v1::CompareTreatmentsResponse r;
         return estimator(ch)->CompareTreatments(c, CompareRequest(false), &r);
       }},
      {"CompareTreatments+documentation",
       [=](grpc::Channel& ch, grpc::ClientContext* c) {
         v1::CompareTreatmentsResponse r;
         return estimator(ch)->CompareTreatments(c, CompareRequest(true), &r);
       }},
      {"ListPayers",
       [=](grpc::Channel& ch, grpc::ClientContext* c) {
         v1::ListPayersResponse r;
         return estimator(ch)->ListPayers(c, {}, &r);
       }},
      {"CheckPriorAuthReadiness",
       [=](grpc::Channel& ch, grpc::ClientContext* c) {
         v1::CheckPriorAuthReadinessResponse r;
         return estimator(ch)->CheckPriorAuthReadiness(c, ReadinessRequest(), &r);
       }},
      {"BatchCheckPriorAuthReadiness",
       [=](grpc::Channel& ch, grpc::ClientContext* c) {
         v1::BatchCheckPriorAuthReadinessResponse r;
         return estimator(ch)->BatchCheckPriorAuthReadiness(c, BatchRequest(), &r);
       }},
      {"GetRuleStatus",
       [=](grpc::Channel& ch, grpc::ClientContext* c) {
         v1::GetRuleStatusResponse r;
         return admin(ch)->GetRuleStatus(c, {}, &r);
       }},
      {"ReloadRules",
       [=](grpc::Channel& ch, grpc::ClientContext* c) {
         v1::ReloadRulesResponse r;
         return admin(ch)->ReloadRules(c, {}, &r);
       }},
  };
}

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    ASSERT_TRUE(pki_->ok()) << "openssl could not make the test certificates";
    { std::ofstream(pki_->Path("access.textproto")) << AccessConfigText(); }
    server_ = new ServerProcess(
        ServerBinary(), SourceDir() + "/payer_rules",
        {"--tls_cert_file=" + pki_->Path("server.pem"), "--tls_key_file=" + pki_->Path("server.key"),
         "--tls_client_ca_file=" + pki_->Path("ca.pem"),
         "--access_config=" + pki_->Path("access.textproto"), "--http_listen=127.0.0.1:0"});
    const absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }
  static void TearDownTestSuite() {
    if (server_ != nullptr) {
      EXPECT_EQ(server_->Stop(), 0) << server_->StderrText();
    }
    delete server_;
    delete pki_;
    server_ = nullptr;
    pki_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    ASSERT_TRUE(server_->running()) << server_->StderrText();
  }

  // A TLS channel trusting `ca`, presenting client certificate `client` ("" for none).
  static std::shared_ptr<grpc::Channel> TlsChannel(const std::string& client,
                                                   const std::string& ca = "ca") {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pki_->Read(ca + ".pem");
    if (!client.empty()) {
      ssl.pem_cert_chain = pki_->Read(client + ".pem");
      ssl.pem_private_key = pki_->Read(client + ".key");
    }
    return grpc::CreateChannel(absl::StrCat("localhost:", server_->port()),
                               grpc::SslCredentials(ssl));
  }

  static std::unique_ptr<grpc::ClientContext> ContextWith(const std::string& authorization) {
    auto context = Context();
    if (!authorization.empty()) context->AddMetadata("authorization", authorization);
    return context;
  }

  static TestPki* pki_;
  static ServerProcess* server_;
};

TestPki* SecurityTest::pki_ = nullptr;
ServerProcess* SecurityTest::server_ = nullptr;

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    default: return absl::StrCat("code ", code);
  }
}

// Every cell of the table in access.proto: who (how they authenticate) x method -> status.
TEST_F(SecurityTest, EachRoleMayCallExactlyWhatTheTableSays) {
  const std::string kOk = "OK", kDenied = "PERMISSION_DENIED", kNobody = "UNAUTHENTICATED";
  struct Who {
    std::string name;
    std::string client_certificate;  // "" for none
    std::string authorization;       // "" for none
    std::vector<std::string> expected;  // in the order of Methods()
  };
  const std::vector<std::string> staff = {kOk, kOk, kOk, kOk, kOk, kOk, kOk, kOk, kDenied};
  const std::vector<std::string> unknown(9, kNobody);
  const std::vector<Who> table = {
      {"portal token", "", "Bearer " + Tokens().at("portal"),
       {kOk, kDenied, kOk, kDenied, kOk, kDenied, kDenied, kDenied, kDenied}},
      {"front_desk token", "", "Bearer " + Tokens().at("front_desk"), staff},
      {"billing token", "", "Bearer " + Tokens().at("billing"), staff},
      {"admin token", "", "Bearer " + Tokens().at("admin"), std::vector<std::string>(9, kOk)},
      {"front_desk client certificate", "desk", "", staff},
      {"no credentials", "", "", unknown},
      {"unknown token", "", "Bearer not-a-token-we-issued", unknown},
      {"token without 'Bearer '", "", Tokens().at("admin"), unknown},
      {"admin token hash sent as the token", "", "Bearer " + Sha256Hex(Tokens().at("admin")),
       unknown},
      {"verified certificate of an unknown caller", "stranger", "", unknown},
  };
  const std::vector<MethodCase> methods = Methods();
  std::vector<std::string> report;
  for (const Who& who : table) {
    const std::shared_ptr<grpc::Channel> channel = TlsChannel(who.client_certificate);
    std::vector<std::string> row;
    for (size_t m = 0; m < methods.size(); ++m) {
      const grpc::Status s = methods[m].call(*channel, ContextWith(who.authorization).get());
      row.push_back(CodeName(s.error_code()));
      EXPECT_EQ(CodeName(s.error_code()), who.expected[m])
          << who.name << " calling " << methods[m].name << ": " << s.error_message();
      if (s.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
        EXPECT_TRUE(absl::StrContains(s.error_message(), "role "))
            << "a refusal should name the role: " << s.error_message();
      }
    }
    report.push_back(absl::StrCat(who.name, ": ", absl::StrJoin(row, " ")));
  }
  std::cerr << "role table observed:\n  " << absl::StrJoin(report, "\n  ") << "\n";
}

// The same table over HTTPS (Connect): every cell answers as the gRPC call does, with the HTTP
// status Connect gives its code, the same TLS and the same client certificates.
TEST_F(SecurityTest, TheRoleTableIsTheSameOverHttps) {
  struct HttpMethod {
    std::string name;  // as in Methods()
    std::string path;
    std::function<std::string()> body;
  };
  auto json = [](const google::protobuf::Message& m) {
    std::string out;
    (void)google::protobuf::util::MessageToJsonString(m, &out);
    return out;
  };
  const std::string e = "/estimator.v1.EstimatorService/";
  const std::vector<HttpMethod> http_methods = {
      {"EstimateCourse", e + "EstimateCourse", [&] { return json(EstimateRequest(false)); }},
      {"EstimateCourse+documentation", e + "EstimateCourse",
       [&] { return json(EstimateRequest(true)); }},
      {"CompareTreatments", e + "CompareTreatments", [&] { return json(CompareRequest(false)); }},
      {"CompareTreatments+documentation", e + "CompareTreatments",
       [&] { return json(CompareRequest(true)); }},
      {"ListPayers", e + "ListPayers", [] { return std::string("{}"); }},
      {"CheckPriorAuthReadiness", e + "CheckPriorAuthReadiness",
       [&] { return json(ReadinessRequest()); }},
      {"BatchCheckPriorAuthReadiness", e + "BatchCheckPriorAuthReadiness",
       [&] { return json(BatchRequest()); }},
  };
  struct Who {
    std::string name;
    std::string client_certificate;
    std::string authorization;
  };
  const std::vector<Who> callers = {
      {"portal token", "", "Bearer " + Tokens().at("portal")},
      {"front_desk token", "", "Bearer " + Tokens().at("front_desk")},
      {"billing token", "", "Bearer " + Tokens().at("billing")},
      {"admin token", "", "Bearer " + Tokens().at("admin")},
      {"front_desk client certificate", "desk", ""},
      {"no credentials", "", ""},
      {"unknown token", "", "Bearer not-a-token-we-issued"},
      {"verified certificate of an unknown caller", "stranger", ""},
  };
  const std::map<grpc::StatusCode, int> http_status = {
      {grpc::StatusCode::OK, 200},
      {grpc::StatusCode::PERMISSION_DENIED, 403},
      {grpc::StatusCode::UNAUTHENTICATED, 401}};
  const std::vector<MethodCase> grpc_methods = Methods();
  int allowed = 0, denied = 0, unauthenticated = 0;
  for (const Who& who : callers) {
    TlsClient tls{pki_->Read("ca.pem"), "", ""};
    if (!who.client_certificate.empty()) {
      tls.cert_pem = pki_->Read(who.client_certificate + ".pem");
      tls.key_pem = pki_->Read(who.client_certificate + ".key");
    }
    const std::shared_ptr<grpc::Channel> channel = TlsChannel(who.client_certificate);
    for (const HttpMethod& m : http_methods) {
      SCOPED_TRACE(who.name + " calling " + m.name + " over HTTPS");
      const auto grpc_method = std::find_if(grpc_methods.begin(), grpc_methods.end(),
                                            [&](const MethodCase& c) { return c.name == m.name; });
      ASSERT_NE(grpc_method, grpc_methods.end());
      const grpc::Status over_grpc = grpc_method->call(*channel, ContextWith(who.authorization).get());
      HttpCall call;
      call.target = m.path;
      call.body = m.body();
      if (!who.authorization.empty()) call.headers.push_back({"Authorization", who.authorization});
      const HttpReply reply = HttpExchange(server_->http_port(), call, &tls);
      ASSERT_EQ(http_status.count(over_grpc.error_code()), 1u) << StatusText(over_grpc);
      EXPECT_EQ(reply.status, http_status.at(over_grpc.error_code()))
          << reply.error << " " << reply.body << " (gRPC: " << StatusText(over_grpc) << ")";
      if (!over_grpc.ok()) {
        // The same words as gRPC's.
        EXPECT_EQ(DecodeConnectError(reply).message, over_grpc.error_message());
      }
      allowed += reply.status == 200;
      denied += reply.status == 403;
      unauthenticated += reply.status == 401;
    }
  }
  // The table is not trivially uniform: each outcome occurs.
  EXPECT_GT(allowed, 0);
  EXPECT_GT(denied, 0);
  EXPECT_GT(unauthenticated, 0);
  // Written out for the two cells a reader checks first.
  TlsClient tls{pki_->Read("ca.pem"), "", ""};
  HttpCall readiness;
  readiness.target = e + "CheckPriorAuthReadiness";
  readiness.body = json(ReadinessRequest());
  readiness.headers = {{"Authorization", "Bearer " + Tokens().at("portal")}};
  HttpReply reply = HttpExchange(server_->http_port(), readiness, &tls);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.body,
            "{\"code\":\"permission_denied\",\"message\":\"role portal may not call "
            "CheckPriorAuthReadiness\"}");
  readiness.headers = {{"Authorization", "Bearer " + Tokens().at("billing")}};
  reply = HttpExchange(server_->http_port(), readiness, &tls);
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(SecurityTest, HttpsRefusesPlaintextAndForeignCertificates) {
  HttpCall health;
  health.method = "GET";
  health.target = "/healthz";
  health.content_type = "";
  TlsClient tls{pki_->Read("ca.pem"), "", ""};
  EXPECT_EQ(HttpExchange(server_->http_port(), health, &tls).status, 200);
  // Plain HTTP to the TLS port gets no HTTP answer.
  EXPECT_EQ(HttpExchange(server_->http_port(), health).status, 0);
  // A client trusting another CA refuses the server; a client certificate of another CA is
  // refused by it.
  TlsClient other_ca{pki_->Read("rogue_ca.pem"), "", ""};
  EXPECT_EQ(HttpExchange(server_->http_port(), health, &other_ca).status, 0);
  TlsClient rogue{pki_->Read("ca.pem"), pki_->Read("rogue.pem"), pki_->Read("rogue.key")};
  EXPECT_EQ(HttpExchange(server_->http_port(), health, &rogue).status, 0);
}

TEST_F(SecurityTest, RefusalsSayWhatIsMissingOrNotAllowed) {
  const std::shared_ptr<grpc::Channel> channel = TlsChannel("");
  auto stub = v1::EstimatorService::NewStub(channel);
  v1::EstimateCourseResponse estimate;
  grpc::Status s = stub->EstimateCourse(ContextWith("").get(), EstimateRequest(false), &estimate);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(),
            "no credentials: send \"authorization: Bearer <token>\" or a client certificate");
  s = stub->EstimateCourse(ContextWith("Bearer wrong").get(), EstimateRequest(false), &estimate);
  EXPECT_EQ(s.error_message(), "authorization: unknown token");

  const std::string portal = "Bearer " + Tokens().at("portal");
  s = stub->EstimateCourse(ContextWith(portal).get(), EstimateRequest(true), &estimate);
  EXPECT_EQ(s.error_message(),
            "role portal may not send documentation with EstimateCourse: readiness with clinical "
            "detail is for the front desk and billing roles");
  v1::CheckPriorAuthReadinessResponse readiness;
  s = stub->CheckPriorAuthReadiness(ContextWith(portal).get(), ReadinessRequest(), &readiness);
  EXPECT_EQ(s.error_message(), "role portal may not call CheckPriorAuthReadiness");
  auto admin = v1::RuleAdminService::NewStub(channel);
  v1::ReloadRulesResponse reload;
  s = admin->ReloadRules(ContextWith("Bearer " + Tokens().at("billing")).get(), {}, &reload);
  EXPECT_EQ(s.error_message(), "role billing may not call ReloadRules");
}

TEST_F(SecurityTest, HealthNeedsNoCredentials) {
  auto health = grpc::health::v1::Health::NewStub(TlsChannel(""));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("estimator.v1.EstimatorService");
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status s = health->Check(Context().get(), request, &response);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(SecurityTest, TheTransportRefusesPlaintextUntrustedServersAndForeignCertificates) {
  const std::string admin = "Bearer " + Tokens().at("admin");
  auto list = [&](std::shared_ptr<grpc::Channel> channel) {
    v1::ListPayersResponse r;
    auto context = ContextWith(admin);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return v1::EstimatorService::NewStub(channel)->ListPayers(context.get(), {}, &r);
  };
  // Sanity: the same call over proper TLS works.
  EXPECT_TRUE(list(TlsChannel("")).ok());
  // A plaintext client gets no answer from a TLS port.
  EXPECT_EQ(list(grpc::CreateChannel(server_->Address(), grpc::InsecureChannelCredentials()))
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // A client that trusts another CA does not accept the server.
  EXPECT_EQ(list(TlsChannel("", "rogue_ca")).error_code(), grpc::StatusCode::UNAVAILABLE);
  // A client certificate from another CA, even with a listed name, fails the handshake.
  EXPECT_EQ(list(TlsChannel("rogue")).error_code(), grpc::StatusCode::UNAVAILABLE);
}

// One call of each kind carrying recognisable patient data: in the documentation, in metadata, and
// in the ids themselves. The audit log gets one line per call with who, what and how it went, and
// not one of those values.
TEST_F(SecurityTest, AuditLogHasOneLinePerCallAndNoPatientData) {
  const std::vector<std::string> patient_data = {
      "Mary-Ann Recognizable", "1961-04-12", "MRN-55501234", "mary_ann_recognizable",
      "zolofthrax",            "F33.1",      "2024-02-29",   "555-0134"};
  v1::PatientDocumentation documentation = ReadyDocumentation();
  documentation.add_diagnosis_codes("F33.1");
  documentation.set_current_episode_start("2024-02-29");
  v1::AntidepressantTrial* trial = documentation.mutable_antidepressant_history()->add_trials();
  *trial = documentation.antidepressant_history().trials(0);
  trial->set_drug("zolofthrax");  // not in the catalog: an UNKNOWN_DRUG notice naming it
  const std::string billing = "Bearer " + Tokens().at("billing");
  auto with_patient_metadata = [&] {
    auto context = ContextWith(billing);
    context->AddMetadata("x-patient-name", "Mary-Ann Recognizable");
    context->AddMetadata("x-patient-dob", "1961-04-12");
    context->AddMetadata("x-patient-phone", "555-0134");
    return context;
  };

  // Audit lines reach the log within 100 ms (README "Audit log"): let earlier tests' lines land.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string log_before = server_->StderrText();
  auto stub = v1::EstimatorService::NewStub(TlsChannel(""));
  v1::CheckPriorAuthReadinessRequest readiness = ReadinessRequest();
  *readiness.mutable_documentation() = documentation;
  v1::CheckPriorAuthReadinessResponse readiness_answer;
  grpc::Status s =
      stub->CheckPriorAuthReadiness(with_patient_metadata().get(), readiness, &readiness_answer);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  ASSERT_TRUE(absl::StrContains(readiness_answer.DebugString(), "zolofthrax"))
      << "the answer itself should name the unknown drug, so the log could have";

  v1::EstimateCourseRequest estimate = EstimateRequest(false);
  *estimate.mutable_documentation() = documentation;
  estimate.set_clinic_id("mary_ann_recognizable");  // NOT_FOUND, and the message names it
  v1::EstimateCourseResponse estimate_answer;
  s = stub->EstimateCourse(with_patient_metadata().get(), estimate, &estimate_answer);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);

  v1::CompareTreatmentsRequest compare = CompareRequest(false);
  *compare.mutable_documentation() = documentation;
  compare.mutable_coverage()->mutable_insurance()->set_plan_id("mary_ann_recognizable");
  v1::CompareTreatmentsResponse compare_answer;
  s = stub->CompareTreatments(with_patient_metadata().get(), compare, &compare_answer);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);

  estimate.set_clinic_id("MRN-55501234");  // not even an id: INVALID_ARGUMENT
  s = stub->EstimateCourse(with_patient_metadata().get(), estimate, &estimate_answer);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // A worklist: the same chart, and a patient whose plan id is a name (that item's NOT_FOUND,
  // whose message names it in the answer, never in the log).
  v1::BatchCheckPriorAuthReadinessRequest batch;
  v1::BatchReadinessItem* item = batch.add_items();
  item->set_item_id("worklist-row-17");
  *item->mutable_request() = readiness;
  item = batch.add_items();
  item->set_item_id("worklist-row-18");
  *item->mutable_request() = readiness;
  item->mutable_request()->set_plan_id("mary_ann_recognizable");
  v1::BatchCheckPriorAuthReadinessResponse batch_answer;
  s = stub->BatchCheckPriorAuthReadiness(with_patient_metadata().get(), batch, &batch_answer);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  ASSERT_TRUE(absl::StrContains(batch_answer.results(1).error().message(), "mary_ann_recognizable"));
  // The first patient is the single call's, whose unknown drug leaves information needed.
  EXPECT_EQ(readiness_answer.assessment().coverage(), v1::COVERAGE_REQUIREMENT_CONDITIONAL);
  EXPECT_EQ(batch_answer.results(0).assessment().SerializeAsString(),
            readiness_answer.assessment().SerializeAsString());

  // The server logs synchronously, but give the last line a moment to reach the file.
  std::string log;
  for (int i = 0; i < 100; ++i) {
    log = server_->StderrText().substr(log_before.size());
    if (std::count(log.begin(), log.end(), '\n') >= 5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::string whole_log = server_->StderrText();
  for (const std::string& value : patient_data) {
    EXPECT_FALSE(absl::StrContains(whole_log, value)) << "the log holds \"" << value << "\"";
  }
  EXPECT_FALSE(absl::StrContains(whole_log, "worklist-row-1")) << "the log holds an item id";
  const std::vector<std::string> lines = absl::StrSplit(log, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u) << log;
  const char* expected[] = {
      "audit method=CheckPriorAuthReadiness caller=billing_caller role=billing "
      "plan=aetna/open_access_ppo rules=",
      "audit method=EstimateCourse caller=billing_caller role=billing plan=aetna/open_access_ppo "
      "rules=",
      "audit method=CompareTreatments caller=billing_caller role=billing plan=unknown rules=",
      "audit method=EstimateCourse caller=billing_caller role=billing plan=aetna/open_access_ppo "
      "rules=",
      "audit method=BatchCheckPriorAuthReadiness caller=billing_caller role=billing plan=- rules=",
  };
  const char* statuses[] = {" status=OK latency_us=", " status=NOT_FOUND latency_us=",
                            " status=NOT_FOUND latency_us=", " status=INVALID_ARGUMENT latency_us=",
                            " quote=- items=2 ready=0 not_ready=0 info_needed=1 not_covered=0 "
                            "no_prior_auth=0 errors=1 status=OK latency_us="};
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_TRUE(absl::StrContains(lines[i], expected[i])) << lines[i];
    EXPECT_TRUE(absl::StrContains(lines[i], statuses[i])) << lines[i];
    // Time first, as "2026-11-21T06:52:14.600Z info audit ...".
    EXPECT_TRUE(lines[i].size() > 24 && lines[i][10] == 'T' && lines[i][23] == 'Z') << lines[i];
  }
}

// ---- Configurations the server refuses --------------------------------------------------------

struct Refusal {
  std::string name;
  std::vector<std::string> args;
  std::string message;
};

class RefusedConfigTest : public SecurityTest {};

TEST_F(RefusedConfigTest, TheServerRefusesToStartInsecurelyOrWithABrokenAccessConfig) {
  const std::string rules = "--rules_dir=" + SourceDir() + "/payer_rules";
  const std::string tls_cert = "--tls_cert_file=" + pki_->Path("server.pem");
  const std::string tls_key = "--tls_key_file=" + pki_->Path("server.key");
  const std::string broken = pki_->Path("broken_access.textproto");
  {
    std::ofstream(broken) << "# a misspelt field on line 2\ncallers { name: \"x\" rol: ROLE_ADMIN }\n";
  }
  const std::string bad_hash = pki_->Path("bad_hash_access.textproto");
  {
    std::ofstream(bad_hash) << "callers {\n  name: \"ops\"\n  role: ROLE_ADMIN\n"
                               "  token_sha256: \"s3cret\"\n}\n";
  }
  const std::vector<Refusal> refusals = {
      {"no TLS and no --plaintext", {rules, "--listen=127.0.0.1:0"}, "no transport security"},
      {"plaintext on every interface",
       {rules, "--listen=0.0.0.0:0", "--plaintext"},
       "--plaintext is for development on loopback only"},
      {"TLS without an access config",
       {rules, "--listen=127.0.0.1:0", tls_cert, tls_key},
       "--access_config is required with TLS"},
      {"both TLS and --plaintext",
       {rules, "--listen=127.0.0.1:0", tls_cert, tls_key, "--plaintext"},
       "not both"},
      {"a misspelt access config",
       {rules, "--listen=127.0.0.1:0", tls_cert, tls_key, "--access_config=" + broken},
       broken + ":2:"},
      {"a token stored in clear",
       {rules, "--listen=127.0.0.1:0", tls_cert, tls_key, "--access_config=" + bad_hash},
       bad_hash + ":4:3: token_sha256: must be 64 lower-case hex digits"},
      {"a key file that is not there",
       {rules, "--listen=127.0.0.1:0", tls_cert, "--tls_key_file=/nonexistent.key",
        "--access_config=" + pki_->Path("access.textproto")},
       "cannot read --tls_cert_file"},
  };
  for (const Refusal& r : refusals) {
    const ProcessResult result = ServerProcess::RunToCompletion(ServerBinary(), r.args);
    EXPECT_EQ(result.exit_code, 1) << r.name << "\n" << result.stderr_text;
    EXPECT_TRUE(absl::StrContains(result.stderr_text, r.message))
        << r.name << ": stderr does not say \"" << r.message << "\":\n"
        << result.stderr_text;
    EXPECT_FALSE(absl::StrContains(result.stdout_text, "listening on")) << r.name;
  }
}

}  // namespace
}  // namespace estimator::e2e
