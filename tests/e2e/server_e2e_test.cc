// End-to-end tests: the real estimator_server binary, started as a child process on a free port,
// called over a real gRPC channel.
//
// Expected amounts are derived from the bundled rule files (parsed here with the rule schema,
// independently of the server's own loader) wherever possible, not copied from the server.
//
// Environment (set by ctest): ESTIMATOR_SERVER (the binary), ESTIMATOR_SOURCE_DIR (repo root).
#include <openssl/evp.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "estimator/v1/estimator.grpc.pb.h"
#include "estimator/v1/rules.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "service/common/holidays.h"
#include "service/common/holidays.h"
#include "tests/e2e/e2e_environment.h"
#include "tests/e2e/sample_requests.h"
#include "tests/e2e/server_process.h"

namespace estimator::e2e {
namespace {

namespace fs = std::filesystem;
using google::protobuf::util::MessageDifferencer;

constexpr char kServiceName[] = "estimator.v1.EstimatorService";

// ---- environment and rule files ----------------------------------------------------------------

std::string RulesDir() { return SourceDir() + "/payer_rules"; }
std::string BrokenRulesDir() { return SourceDir() + "/tests/testdata/broken_rules"; }
std::string BrokenSyntaxDir() { return BrokenRulesDir() + "/broken_syntax"; }

std::string Sha256HexOfFile(const std::string& path) {
  const std::string bytes = ReadFileOrEmpty(path);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return "EVP_Digest failed";
  }
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

template <typename Message>
Message ParseRuleFile(const std::string& path) {
  Message m;
  google::protobuf::TextFormat::Parser parser;
  if (!parser.ParseFromString(ReadFileOrEmpty(path), &m)) {
    ADD_FAILURE() << "test setup: cannot parse rule file " << path;
  }
  return m;
}

// The bundled rules, read straight from payer_rules/ with the rule schema.
struct BundledRules {
  // The open-ended (latest) version of each plan, by "payer/plan": the tests quote courses in it.
  std::map<std::string, v1::PayerPlan> plans;
  std::map<std::string, std::string> plan_files;           // "payer/plan" -> its file
  std::map<std::string, v1::PayerPlan> plan_versions;      // every version, by "plans/x.textproto"
  std::map<std::string, v1::Clinic> clinics;               // by clinic_id
  std::map<std::string, v1::TreatmentProtocol> protocols;  // by protocol_id

  const v1::PayerPlan& Plan(const std::string& key) const { return plans.at(key); }
  const v1::Clinic& Clinic(const std::string& id) const { return clinics.at(id); }
  const v1::TreatmentProtocol& DefaultProtocol(v1::Treatment t) const {
    for (const auto& [id, p] : protocols) {
      if (p.treatment() == t && p.default_for_treatment()) return p;
    }
    static const v1::TreatmentProtocol kNone;
    ADD_FAILURE() << "no default protocol for " << v1::Treatment_Name(t);
    return kNone;
  }
  const v1::TreatmentPolicy& Policy(const std::string& plan, v1::Treatment t) const {
    for (const auto& p : Plan(plan).treatments()) {
      if (p.treatment() == t) return p;
    }
    static const v1::TreatmentPolicy kNone;
    ADD_FAILURE() << plan << " has no policy for " << v1::Treatment_Name(t);
    return kNone;
  }
};

std::vector<fs::path> TextprotoFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".textproto") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

const BundledRules& Bundled() {
  static const BundledRules* rules = [] {
    auto* r = new BundledRules;
    const fs::path root = RulesDir();
    for (const auto& f : TextprotoFiles(root / "plans")) {
      auto plan = ParseRuleFile<v1::PayerPlan>(f.string());
      const std::string file = fs::relative(f, root).generic_string();
      r->plan_versions[file] = plan;
      if (!plan.effective_to().empty()) continue;
      const std::string key = plan.payer_id() + "/" + plan.plan_id();
      r->plan_files[key] = file;
      r->plans[key] = std::move(plan);
    }
    for (const auto& f : TextprotoFiles(root / "clinics")) {
      auto clinic = ParseRuleFile<v1::Clinic>(f.string());
      r->clinics[clinic.clinic_id()] = std::move(clinic);
    }
    for (const auto& f : TextprotoFiles(root / "protocols")) {
      auto protocol = ParseRuleFile<v1::TreatmentProtocol>(f.string());
      r->protocols[protocol.protocol_id()] = std::move(protocol);
    }
    return r;
  }();
  return *rules;
}

int CourseSessions(const v1::TreatmentProtocol& p) {
  int n = 0;
  for (const auto& b : p.blocks()) n += b.sessions();
  return n;
}

// ---- dates -------------------------------------------------------------------------------------

absl::CivilDay Day(const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) ADD_FAILURE() << "not a date: '" << text << "'";
  return day;
}

bool IsWeekday(absl::CivilDay d) {
  const absl::Weekday w = absl::GetWeekday(d);
  return w != absl::Weekday::saturday && w != absl::Weekday::sunday;
}

// Start of the plan year containing `d` for a plan year starting on month/day.
absl::CivilDay PlanYearStartOf(absl::CivilDay d, int month, int day) {
  absl::CivilDay start(d.year(), month, day);
  if (start > d) start = absl::CivilDay(d.year() - 1, month, day);
  return start;
}

// ---- grpc.health.v1 by hand: Debian ships no generated C++ health client -----------------------

enum HealthStatus { kUnknown = 0, kServing = 1, kNotServing = 2, kServiceUnknown = 3 };

struct HealthResult {
  grpc::Status status;
  int serving_status = -1;
};

// HealthCheckRequest { string service = 1; } -> HealthCheckResponse { ServingStatus status = 1; }
HealthResult CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& service) {
  std::string request_bytes;
  {
    google::protobuf::io::StringOutputStream raw(&request_bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    if (!service.empty()) {
      out.WriteTag(google::protobuf::internal::WireFormatLite::MakeTag(
          1, google::protobuf::internal::WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
      out.WriteVarint32(static_cast<uint32_t>(service.size()));
      out.WriteString(service);
    }
  }
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  HealthResult result;
  result.status = done.get_future().get();
  if (!result.status.ok()) return result;

  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) {
    result.status = grpc::Status(grpc::StatusCode::INTERNAL, "cannot read the response bytes");
    return result;
  }
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  result.serving_status = kUnknown;  // proto3: an absent enum is its zero value
  while (uint32_t tag = in.ReadTag()) {
    if (tag == google::protobuf::internal::WireFormatLite::MakeTag(
                   1, google::protobuf::internal::WireFormatLite::WIRETYPE_VARINT)) {
      uint32_t value = 0;
      if (!in.ReadVarint32(&value)) break;
      result.serving_status = static_cast<int>(value);
    } else if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) {
      result.status = grpc::Status(grpc::StatusCode::INTERNAL, "malformed HealthCheckResponse");
      break;
    }
  }
  return result;
}

// ---- requests ----------------------------------------------------------------------------------

v1::CompareTreatmentsRequest SelfPayCompareRequest() {
  v1::CompareTreatmentsRequest r;
  r.set_clinic_id("riverbend");
  r.mutable_coverage()->mutable_self_pay();
  r.set_course_start_date("2026-03-02");
  return r;
}

// ---- checks that hold for every estimate -------------------------------------------------------

// Sums lines exactly as the API documents Totals.
v1::Totals SumOf(const std::vector<const v1::EstimateLine*>& lines) {
  v1::Totals t;
  std::set<int> sessions, covered;
  for (const v1::EstimateLine* l : lines) {
    sessions.insert(l->session_number());
    if (l->covered()) covered.insert(l->session_number());
    t.set_billed_cents(t.billed_cents() + l->billed_cents());
    t.set_allowed_cents(t.allowed_cents() + l->allowed_cents());
    t.set_copay_cents(t.copay_cents() + l->copay_cents());
    t.set_deductible_cents(t.deductible_cents() + l->deductible_cents());
    t.set_coinsurance_cents(t.coinsurance_cents() + l->coinsurance_cents());
    t.set_balance_billed_cents(t.balance_billed_cents() + l->balance_billed_cents());
    t.set_not_covered_cents(t.not_covered_cents() + l->not_covered_cents());
    t.set_patient_cents(t.patient_cents() + l->patient_cents());
    t.set_payer_cents(t.payer_cents() + l->payer_cents());
  }
  t.set_sessions_scheduled(static_cast<int>(sessions.size()));
  t.set_sessions_covered(static_cast<int>(covered.size()));
  return t;
}

bool HasNotice(const v1::CourseEstimate& e, const std::string& code, v1::NoticeKind kind) {
  for (const auto& n : e.notices()) {
    if (n.code() == code && n.kind() == kind && !n.message().empty()) return true;
  }
  return false;
}

std::string NoticeCodes(const v1::CourseEstimate& e) {
  std::string s;
  for (const auto& n : e.notices()) {
    absl::StrAppend(&s, s.empty() ? "" : ", ", v1::NoticeKind_Name(n.kind()), ":", n.code());
  }
  return s;
}

// Structure and arithmetic every estimate must satisfy, whatever the plan.
void CheckEstimateInvariants(const v1::CourseEstimate& e, const v1::Clinic& clinic) {
  SCOPED_TRACE(absl::StrCat("estimate for ", v1::Treatment_Name(e.treatment())));
  ASSERT_GT(e.lines_size(), 0);
  std::set<absl::CivilDay> closed;
  for (const auto& d : clinic.closed_dates()) closed.insert(Day(d));
  // The federal holidays it observes (their computation is checked against OPM's tables in
  // tests/unit/common/holidays_test.cc).
  std::vector<UsHoliday> observed;
  for (int h : clinic.observed_holidays()) observed.push_back(static_cast<UsHoliday>(h - 1));
  for (int year = 2024; year <= 2030; ++year) {
    for (const auto& [day, holiday] : ObservedDatesIn(year, observed)) closed.insert(day);
  }

  int previous_session = 0;
  absl::CivilDay previous_date;
  for (int i = 0; i < e.lines_size(); ++i) {
    const v1::EstimateLine& l = e.lines(i);
    SCOPED_TRACE(absl::StrCat("line ", i, " (session ", l.session_number(), ", ", l.date(), ")"));
    const absl::CivilDay date = Day(l.date());
    // Sessions are numbered 1.. in date order; a session may have several lines on the same date.
    if (l.session_number() == previous_session) {
      EXPECT_EQ(date, previous_date);
    } else {
      EXPECT_EQ(l.session_number(), previous_session + 1);
      if (previous_session > 0) {
        EXPECT_GT(date, previous_date) << "dates must strictly increase";
      }
    }
    previous_session = l.session_number();
    previous_date = date;
    EXPECT_TRUE(IsWeekday(date)) << l.date() << " is a weekend day";
    EXPECT_EQ(closed.count(date), 0u) << l.date() << " is a clinic closed date";

    for (int64_t cents : {l.billed_cents(), l.allowed_cents(), l.copay_cents(),
                          l.deductible_cents(), l.coinsurance_cents(), l.balance_billed_cents(),
                          l.not_covered_cents(), l.patient_cents(), l.payer_cents()}) {
      EXPECT_GE(cents, 0);
    }
    if (l.covered()) {
      EXPECT_EQ(l.patient_cents(), l.copay_cents() + l.deductible_cents() + l.coinsurance_cents() +
                                       l.balance_billed_cents() + l.not_covered_cents());
      EXPECT_EQ(l.payer_cents(),
                l.allowed_cents() - l.copay_cents() - l.deductible_cents() - l.coinsurance_cents());
      EXPECT_EQ(l.not_covered_cents(), 0);
      EXPECT_EQ(l.not_covered_reason(), v1::NOT_COVERED_REASON_UNSPECIFIED);
      int64_t codes_allowed = 0;
      for (const auto& c : l.codes()) codes_allowed += c.allowed_cents();
      EXPECT_EQ(codes_allowed, l.allowed_cents()) << "codes' allowed amounts must add up";
    } else {
      EXPECT_NE(l.not_covered_reason(), v1::NOT_COVERED_REASON_UNSPECIFIED);
      EXPECT_FALSE(l.not_covered_explanation().empty());
      EXPECT_EQ(l.patient_cents(), l.not_covered_cents());
      EXPECT_EQ(l.billed_cents(), l.not_covered_cents());
      EXPECT_EQ(l.payer_cents(), 0);
      EXPECT_EQ(l.allowed_cents(), 0);
      EXPECT_EQ(l.copay_cents() + l.deductible_cents() + l.coinsurance_cents(), 0)
          << "nothing on an uncovered line counts toward the deductible or out-of-pocket maximum";
    }
  }

  // Totals: the course, each phase (in course order) and each plan year (in date order).
  std::vector<const v1::EstimateLine*> all;
  std::vector<v1::Phase> phase_order;
  std::map<int, std::vector<const v1::EstimateLine*>> by_phase;
  std::map<std::string, std::vector<const v1::EstimateLine*>> by_year;
  for (const auto& l : e.lines()) {
    all.push_back(&l);
    if (by_phase[l.phase()].empty()) phase_order.push_back(l.phase());
    by_phase[l.phase()].push_back(&l);
    by_year[l.plan_year_start()].push_back(&l);
  }
  EXPECT_EQ(Diff(SumOf(all), e.totals()), "") << "course totals are not the sum of the lines";

  ASSERT_EQ(e.phase_totals_size(), static_cast<int>(phase_order.size()));
  for (int i = 0; i < e.phase_totals_size(); ++i) {
    EXPECT_EQ(e.phase_totals(i).phase(), phase_order[i]) << "phase totals out of course order";
    EXPECT_EQ(Diff(SumOf(by_phase[phase_order[i]]), e.phase_totals(i).totals()), "")
        << "phase " << v1::Phase_Name(phase_order[i]);
  }
  ASSERT_EQ(e.plan_year_totals_size(), static_cast<int>(by_year.size()));
  int i = 0;
  for (const auto& [year, lines] : by_year) {  // YYYY-MM-DD sorts by date
    EXPECT_EQ(e.plan_year_totals(i).plan_year_start(), year);
    EXPECT_EQ(Diff(SumOf(lines), e.plan_year_totals(i).totals()), "") << "plan year " << year;
    ++i;
  }
}

// Self-pay price of one session from the clinic file: the sum of every matching entry.
int64_t SelfPayPriceOf(const v1::Clinic& clinic, v1::Treatment treatment,
                       const v1::EstimateLine& line) {
  int64_t price = 0;
  for (const auto& p : clinic.self_pay_prices()) {
    if (p.treatment() != treatment) continue;
    const v1::SessionMatch& m = p.applies_to();
    const bool first = line.session_number() == 1;
    if (m.position() == v1::SESSION_POSITION_FIRST && !first) continue;
    if (m.position() == v1::SESSION_POSITION_LATER && first) continue;
    if (!m.phases().empty() &&
        std::find(m.phases().begin(), m.phases().end(), line.phase()) == m.phases().end()) {
      continue;
    }
    if (m.min_dose_mg() > 0 && line.dose_mg() < m.min_dose_mg()) continue;
    if (m.max_dose_mg() > 0 && line.dose_mg() > m.max_dose_mg()) continue;
    if (m.drug_benefit() != v1::BENEFIT_UNSPECIFIED) continue;  // the clinic bills its own drug
    price += p.price_cents();
  }
  return price;
}

// Test suite names start with "e2e" so that `ctest -R e2e` selects them (gtest_discover_tests names
// a test Suite.Name, without a prefix).

// ---- the shared server -------------------------------------------------------------------------

class e2eServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(ServerBinary(), RulesDir());
    const absl::Status started = server_->Start();
    if (!started.ok()) {
      startup_error_ = new std::string(started.ToString());
      return;
    }
    channel_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel(server_->Address(), grpc::InsecureChannelCredentials()));
    if (!(*channel_)->WaitForConnected(std::chrono::system_clock::now() +
                                       std::chrono::seconds(10))) {
      startup_error_ = new std::string("the channel did not connect within 10 s");
      return;
    }
    stub_ = v1::EstimatorService::NewStub(*channel_).release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    stub_ = nullptr;
    delete channel_;
    channel_ = nullptr;
    delete server_;  // SIGTERM and wait
    server_ = nullptr;
    delete startup_error_;
    startup_error_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(startup_error_, nullptr) << "the server did not start: " << *startup_error_;
    ASSERT_TRUE(server_->running());
  }

  void TearDown() override {
    if (HasFailure() && server_ != nullptr) {
      std::cerr << "---- estimator_server stderr (" << server_->temp_dir() << ") ----\n"
                << server_->StderrText() << "---- end of server stderr ----\n";
    }
  }

  static grpc::Status Estimate(const v1::EstimateCourseRequest& request,
                               v1::EstimateCourseResponse* response) {
    return stub_->EstimateCourse(Context().get(), request, response);
  }
  static grpc::Status Compare(const v1::CompareTreatmentsRequest& request,
                              v1::CompareTreatmentsResponse* response) {
    return stub_->CompareTreatments(Context().get(), request, response);
  }
  static grpc::Status ListPayers(v1::ListPayersResponse* response) {
    return stub_->ListPayers(Context().get(), v1::ListPayersRequest(), response);
  }

  static ServerProcess* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
  static v1::EstimatorService::Stub* stub_;
  static std::string* startup_error_;
};

ServerProcess* e2eServer::server_ = nullptr;
std::shared_ptr<grpc::Channel>* e2eServer::channel_ = nullptr;
v1::EstimatorService::Stub* e2eServer::stub_ = nullptr;
std::string* e2eServer::startup_error_ = nullptr;

TEST_F(e2eServer, PrintsTheListeningLineWithThePortOfThePortFile) {
  EXPECT_EQ(server_->StdoutText(), absl::StrCat("listening on 127.0.0.1:", server_->port(), "\n"));
}

TEST_F(e2eServer, HealthIsServingForTheServerAndTheEstimatorService) {
  for (const std::string service : {"", kServiceName}) {
    SCOPED_TRACE(absl::StrCat("service '", service, "'"));
    const HealthResult h = CheckHealth(*channel_, service);
    ASSERT_TRUE(h.status.ok()) << StatusText(h.status);
    EXPECT_EQ(h.serving_status, kServing);
  }
  // A service the server does not have is NOT_FOUND (so the decoding above is not vacuous).
  const HealthResult unknown = CheckHealth(*channel_, "no.such.Service");
  EXPECT_EQ(unknown.status.error_code(), grpc::StatusCode::NOT_FOUND) << StatusText(unknown.status);
}

// Expected coverage status of a policy, from the plan file.
v1::CoverageStatus StatusInFile(const v1::TreatmentPolicy& policy) {
  if (policy.has_excluded()) return v1::COVERAGE_STATUS_NOT_COVERED;
  return policy.covered().prior_auth_required() ? v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH
                                                : v1::COVERAGE_STATUS_COVERED;
}

TEST_F(e2eServer, ListPayersDescribesTheBundledFiles) {
  v1::ListPayersResponse r;
  const grpc::Status s = ListPayers(&r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_FALSE(r.rule_set_version().empty());
  absl::Time loaded_at;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, r.loaded_at(), &loaded_at, &error))
      << "loaded_at '" << r.loaded_at() << "': " << error;
  EXPECT_TRUE(absl::EndsWith(r.loaded_at(), "Z")) << "loaded_at must be UTC: " << r.loaded_at();

  const BundledRules& rules = Bundled();
  ASSERT_GE(rules.plans.size(), 7u) << "test setup: the library has at least seven plans";
  ASSERT_EQ(r.plans_size(), static_cast<int>(rules.plan_versions.size()))
      << "every plan file version is listed once";
  std::map<std::string, int> listed;
  for (int i = 0; i < r.plans_size(); ++i) {
    const v1::PlanInfo& p = r.plans(i);
    const std::string key = p.payer_id() + "/" + p.plan_id();
    SCOPED_TRACE(p.file());
    ++listed[p.file()];
    if (i > 0 && r.plans(i - 1).payer_id() == p.payer_id() &&
        r.plans(i - 1).plan_id() == p.plan_id()) {
      // Versions of one plan follow each other by date, each ending the day before the next.
      const v1::PlanInfo& prev = r.plans(i - 1);
      EXPECT_EQ(Day(prev.effective_to()) + 1, Day(p.effective_from())) << prev.file();
    } else if (i > 0) {  // by payer, then plan
      const v1::PlanInfo& prev = r.plans(i - 1);
      EXPECT_LT(std::tie(prev.payer_id(), prev.plan_id()), std::tie(p.payer_id(), p.plan_id()));
    }
    ASSERT_EQ(rules.plan_versions.count(p.file()), 1u) << "listed a file that is not in payer_rules/";
    const v1::PayerPlan& file = rules.plan_versions.at(p.file());
    EXPECT_EQ(key, file.payer_id() + "/" + file.plan_id());
    EXPECT_EQ(p.payer_name(), file.payer_name());
    EXPECT_EQ(p.plan_name(), file.plan_name());
    EXPECT_EQ(p.plan_type(), file.plan_type());
    EXPECT_EQ(p.file_version(), Sha256HexOfFile(RulesDir() + "/" + p.file()))
        << "file_version must be the SHA-256 of " << p.file();
    EXPECT_EQ(p.effective_from(), file.effective_from());
    EXPECT_EQ(p.effective_to(), file.effective_to());
    EXPECT_EQ(p.amounts_published_through(), file.amounts_published_through());
    EXPECT_EQ(p.loaded_at(), r.loaded_at()) << "loaded with the rule set";
    EXPECT_EQ(p.fee_note(), file.fee_note());
    ASSERT_GT(p.sources_size(), 0);
    ASSERT_EQ(p.sources_size(), file.sources_size());
    for (int j = 0; j < p.sources_size(); ++j) {
      EXPECT_FALSE(p.sources(j).document_id().empty()) << "source " << j;
      EXPECT_FALSE(p.sources(j).date().empty()) << "source " << j;
      EXPECT_EQ(Diff(file.sources(j), p.sources(j)), "") << "source " << j;
    }
    ASSERT_EQ(p.treatments_size(), file.treatments_size());
    for (int j = 0; j < p.treatments_size(); ++j) {
      EXPECT_EQ(p.treatments(j).treatment(), file.treatments(j).treatment());
      EXPECT_EQ(p.treatments(j).status(), StatusInFile(file.treatments(j)))
          << v1::Treatment_Name(p.treatments(j).treatment());
      EXPECT_FALSE(p.treatments(j).policy_section().empty());
    }
  }
  for (const auto& [file, plan] : rules.plan_versions) EXPECT_EQ(listed[file], 1) << file;

  // A few decisions spelled out, so a wrong rule file is caught too: nobody covers IV ketamine;
  // TMS needs prior auth except under Original Medicare, and one plan excludes it.
  const std::map<std::string, v1::CoverageStatus> tms = {
      {"medicare/part_b", v1::COVERAGE_STATUS_COVERED},
      {"aetna/open_access_ppo", v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH},
      {"cigna/open_access_plus", v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH},
      {"bcbs_michigan/ppo", v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH},
      {"humana/medicare_advantage_hmo", v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH},
      {"medi_cal/fee_for_service", v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH},
      {"illustrative_employer/basic_epo", v1::COVERAGE_STATUS_NOT_COVERED}};
  for (const v1::PlanInfo& p : r.plans()) {
    const std::string key = p.payer_id() + "/" + p.plan_id();
    for (const auto& t : p.treatments()) {
      if (t.treatment() == v1::TREATMENT_IV_KETAMINE) {
        EXPECT_EQ(t.status(), v1::COVERAGE_STATUS_NOT_COVERED) << key;
      }
      if (t.treatment() == v1::TREATMENT_TMS) {
        ASSERT_EQ(tms.count(key), 1u) << "spell out TMS for " << key;
        EXPECT_EQ(t.status(), tms.at(key)) << key;
      }
    }
  }

  bool riverbend = false;
  for (const v1::ClinicInfo& c : r.clinics()) {
    if (c.clinic_id() != "riverbend") continue;
    riverbend = true;
    const v1::Clinic& file = rules.Clinic("riverbend");
    EXPECT_EQ(c.name(), file.name());
    EXPECT_TRUE(absl::StartsWith(c.file(), "clinics/")) << c.file();
    EXPECT_EQ(c.file_version(), Sha256HexOfFile(RulesDir() + "/" + c.file()));
    ASSERT_EQ(c.offered_treatments_size(), file.offered_treatments_size());
    for (int j = 0; j < c.offered_treatments_size(); ++j) {
      EXPECT_EQ(c.offered_treatments(j), file.offered_treatments(j));
    }
  }
  EXPECT_TRUE(riverbend) << "clinic riverbend not listed";

  std::map<std::string, bool> protocols;
  for (const v1::ProtocolInfo& p : r.protocols())
    protocols[p.protocol_id()] = p.default_for_treatment();
  ASSERT_EQ(protocols.size(), rules.protocols.size());
  for (const auto& [id, protocol] : rules.protocols) {
    ASSERT_EQ(protocols.count(id), 1u) << id;
    EXPECT_EQ(protocols[id], protocol.default_for_treatment()) << id;
  }
}

TEST_F(e2eServer, RuleSetVersionIsTheSameOnEveryRpc) {
  v1::ListPayersResponse payers;
  v1::EstimateCourseResponse estimate;
  v1::CompareTreatmentsResponse insured, self_pay;
  ASSERT_TRUE(ListPayers(&payers).ok());
  const grpc::Status e = Estimate(MedicareTmsRequest(), &estimate);
  ASSERT_TRUE(e.ok()) << StatusText(e);
  const grpc::Status c1 = Compare(AetnaCompareRequest(), &insured);
  ASSERT_TRUE(c1.ok()) << StatusText(c1);
  const grpc::Status c2 = Compare(SelfPayCompareRequest(), &self_pay);
  ASSERT_TRUE(c2.ok()) << StatusText(c2);
  ASSERT_FALSE(payers.rule_set_version().empty());
  EXPECT_EQ(estimate.rule_set_version(), payers.rule_set_version());
  EXPECT_EQ(insured.rule_set_version(), payers.rule_set_version());
  EXPECT_EQ(self_pay.rule_set_version(), payers.rule_set_version());
}

TEST_F(e2eServer, MedicarePartBTmsInNetwork) {
  const BundledRules& rules = Bundled();
  const v1::PayerPlan& plan = rules.Plan("medicare/part_b");
  const v1::TreatmentCovered& tms = rules.Policy("medicare/part_b", v1::TREATMENT_TMS).covered();
  const v1::TreatmentProtocol& protocol = rules.DefaultProtocol(v1::TREATMENT_TMS);
  const int64_t deductible = plan.in_network().deductible_cents();
  const int64_t coinsurance_bp = plan.in_network().coinsurance_bp();
  ASSERT_EQ(deductible, 28300) << "test setup: the 2026 Part B deductible in the plan file";
  ASSERT_EQ(CourseSessions(protocol), 36) << "test setup: the default TMS protocol is 30 + 6";
  ASSERT_LE(CourseSessions(protocol), tms.max_sessions_per_course());
  int64_t first_fee = -1, later_fee = -1;
  for (const auto& fee : tms.fees()) {
    if (fee.code() == "90867") first_fee = fee.allowed_cents();
    if (fee.code() == "90868") later_fee = fee.allowed_cents();
  }
  ASSERT_GT(first_fee, 0);
  ASSERT_GT(later_fee, 0);

  v1::EstimateCourseResponse r;
  const grpc::Status s = Estimate(MedicareTmsRequest(), &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  const v1::CourseEstimate& e = r.estimate();
  CheckEstimateInvariants(e, rules.Clinic("riverbend"));

  EXPECT_EQ(e.treatment(), v1::TREATMENT_TMS);
  EXPECT_EQ(e.protocol_id(), protocol.protocol_id());
  EXPECT_EQ(e.clinic_name(), rules.Clinic("riverbend").name());
  EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_COVERED);
  EXPECT_EQ(e.coverage().payer_name(), plan.payer_name());
  EXPECT_EQ(e.coverage().plan_name(), plan.plan_name());
  EXPECT_EQ(e.coverage().policy_section(), tms.policy_section());
  EXPECT_EQ(e.coverage().plan_file_version(),
            Sha256HexOfFile(RulesDir() + "/" + rules.plan_files.at("medicare/part_b")));
  EXPECT_EQ(e.coverage().sources_size(), plan.sources_size());

  ASSERT_EQ(e.lines_size(), 36);
  EXPECT_EQ(e.lines(0).date(), "2026-03-02") << "the clinic is open on the requested Monday";
  std::map<v1::Phase, int> per_phase;
  int64_t remaining_deductible = deductible;
  int64_t allowed_total = 0;
  for (int i = 0; i < e.lines_size(); ++i) {
    const v1::EstimateLine& l = e.lines(i);
    SCOPED_TRACE(absl::StrCat("session ", l.session_number(), " on ", l.date()));
    EXPECT_EQ(l.session_number(), i + 1);
    ++per_phase[l.phase()];
    EXPECT_TRUE(l.covered()) << v1::NotCoveredReason_Name(l.not_covered_reason()) << ": "
                             << l.not_covered_explanation();
    EXPECT_EQ(l.benefit(), v1::BENEFIT_MEDICAL);
    EXPECT_EQ(l.plan_year_start(), "2026-01-01");
    ASSERT_EQ(l.codes_size(), 1);
    EXPECT_EQ(l.codes(0).code(), i == 0 ? "90867" : "90868");
    EXPECT_EQ(l.codes(0).units(), 1);
    EXPECT_EQ(l.allowed_cents(), i == 0 ? first_fee : later_fee);
    EXPECT_EQ(l.billed_cents(), l.allowed_cents()) << "in network the allowed amount is billed";
    EXPECT_EQ(l.balance_billed_cents(), 0);
    EXPECT_EQ(l.copay_cents(), 0) << "Part B has no TMS copay";
    // The deductible is met first, then 20% coinsurance on the rest (within a cent).
    EXPECT_EQ(l.deductible_cents(), std::min(l.allowed_cents(), remaining_deductible));
    remaining_deductible -= l.deductible_cents();
    const int64_t base = l.allowed_cents() - l.deductible_cents();
    EXPECT_LE(std::abs(l.coinsurance_cents() * 10000 - base * coinsurance_bp), 10000)
        << "coinsurance " << l.coinsurance_cents() << " is not 20% of " << base;
    allowed_total += l.allowed_cents();
  }
  ASSERT_GE(protocol.blocks_size(), 1);
  int acute = 0, taper = 0;
  for (const auto& b : protocol.blocks())
    (b.phase() == v1::PHASE_ACUTE ? acute : taper) += b.sessions();
  EXPECT_EQ(per_phase[v1::PHASE_ACUTE], acute);
  EXPECT_EQ(per_phase[v1::PHASE_TAPER], taper);

  const v1::Totals& t = e.totals();
  EXPECT_EQ(t.sessions_scheduled(), 36);
  EXPECT_EQ(t.sessions_covered(), 36);
  EXPECT_EQ(t.allowed_cents(), first_fee + 35 * later_fee);
  EXPECT_EQ(t.allowed_cents(), allowed_total);
  EXPECT_EQ(t.deductible_cents(), deductible) << "a 36-session course meets the whole deductible";
  EXPECT_EQ(t.not_covered_cents(), 0);
  // Patient: the deductible plus 20% of the rest, within the per-line rounding.
  const int64_t expected_x10000 =
      deductible * 10000 + (t.allowed_cents() - deductible) * coinsurance_bp;
  EXPECT_LE(std::abs(t.patient_cents() * 10000 - expected_x10000),
            static_cast<int64_t>(e.lines_size()) * 10000)
      << "patient " << t.patient_cents() << " vs expected " << expected_x10000 / 10000.0;
  EXPECT_EQ(t.payer_cents(), t.allowed_cents() - t.patient_cents());
  ASSERT_EQ(e.plan_year_totals_size(), 1);
  EXPECT_EQ(e.plan_year_totals(0).plan_year_start(), "2026-01-01");
  ASSERT_EQ(e.phase_totals_size(), 2);
  EXPECT_EQ(e.phase_totals(0).phase(), v1::PHASE_ACUTE);
  EXPECT_EQ(e.phase_totals(1).phase(), v1::PHASE_TAPER);

  EXPECT_TRUE(plan.in_network().no_out_of_pocket_max());
  EXPECT_TRUE(HasNotice(e, "NO_OUT_OF_POCKET_MAX", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
  EXPECT_FALSE(HasNotice(e, "PRIOR_AUTH_REQUIRED", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
  // Both accumulators were given, so neither is assumed.
  EXPECT_FALSE(HasNotice(e, "DEDUCTIBLE_MET_UNKNOWN", v1::NOTICE_KIND_ASSUMPTION))
      << NoticeCodes(e);
  EXPECT_FALSE(e.plain_summary().empty());
  EXPECT_FALSE(r.rule_set_version().empty());
}

TEST_F(e2eServer, ClosedDaysAreSkippedAndAClosedStartIsMoved) {
  const v1::Clinic& clinic = Bundled().Clinic("riverbend");
  ASSERT_NE(std::find(clinic.observed_holidays().begin(), clinic.observed_holidays().end(),
                      v1::US_FEDERAL_HOLIDAY_MEMORIAL_DAY),
            clinic.observed_holidays().end())
      << "test setup: Memorial Day (2026-05-25) is a closed day";
  v1::EstimateCourseRequest request = MedicareTmsRequest();
  request.set_course_start_date("2026-05-25");
  v1::EstimateCourseResponse r;
  const grpc::Status s = Estimate(request, &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  const v1::CourseEstimate& e = r.estimate();
  CheckEstimateInvariants(e, clinic);  // no session on a weekend or closed day
  ASSERT_EQ(e.lines_size(), 36);
  EXPECT_EQ(e.lines(0).date(), "2026-05-26") << "moved to the next open weekday";
  EXPECT_TRUE(HasNotice(e, "START_MOVED", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
  bool named = false;
  for (const auto& n : e.notices()) {
    named = named || (n.code() == "START_MOVED" &&
                      absl::StrContains(n.message(), "closed on 2026-05-25 (Memorial Day)"));
  }
  EXPECT_TRUE(named) << "the moved start names the holiday";
  // The check above is not vacuous: a closed day (Independence Day, observed Friday July 3)
  // falls inside the course, and no session is on it.
  const std::string first = e.lines(0).date(), last = e.lines(e.lines_size() - 1).date();
  EXPECT_LT(first, "2026-07-03");
  EXPECT_GT(last, "2026-07-03");
  for (const auto& l : e.lines()) EXPECT_NE(l.date(), "2026-07-03");
}

TEST_F(e2eServer, MedicareDeductibleAlreadyMetLeavesOnlyCoinsurance) {
  const v1::PayerPlan& plan = Bundled().Plan("medicare/part_b");
  v1::EstimateCourseRequest request = MedicareTmsRequest();
  request.mutable_coverage()->mutable_insurance()->mutable_met_so_far()->set_deductible_met_cents(
      plan.in_network().deductible_cents());
  request.mutable_coverage()
      ->mutable_insurance()
      ->mutable_met_so_far()
      ->set_out_of_pocket_met_cents(plan.in_network().deductible_cents());
  v1::EstimateCourseResponse r;
  const grpc::Status s = Estimate(request, &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  CheckEstimateInvariants(r.estimate(), Bundled().Clinic("riverbend"));
  const v1::Totals& t = r.estimate().totals();
  EXPECT_EQ(t.deductible_cents(), 0);
  EXPECT_LE(
      std::abs(t.patient_cents() * 10000 - t.allowed_cents() * plan.in_network().coinsurance_bp()),
      static_cast<int64_t>(r.estimate().lines_size()) * 10000);
}

TEST_F(e2eServer, CompareTreatmentsAetnaPpoInNetwork) {
  const BundledRules& rules = Bundled();
  const std::string key = "aetna/open_access_ppo";
  const v1::PayerPlan& plan = rules.Plan(key);
  const v1::Clinic& clinic = rules.Clinic("riverbend");
  const int64_t oop_max = plan.in_network().out_of_pocket_max_cents();
  const int64_t deductible = plan.in_network().deductible_cents();
  const int64_t coinsurance_bp = plan.in_network().coinsurance_bp();
  ASSERT_EQ(oop_max, 600000) << "test setup: the plan's in-network out-of-pocket maximum";

  v1::CompareTreatmentsResponse r;
  const grpc::Status s = Compare(AetnaCompareRequest(), &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  ASSERT_EQ(r.estimates_size(), 3);
  EXPECT_FALSE(r.summary().empty());
  // The clinic's order when no courses are listed.
  ASSERT_EQ(clinic.offered_treatments_size(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r.estimates(i).treatment(), clinic.offered_treatments(i));

  for (const v1::CourseEstimate& e : r.estimates()) {
    SCOPED_TRACE(v1::Treatment_Name(e.treatment()));
    CheckEstimateInvariants(e, clinic);
    EXPECT_EQ(e.coverage().plan_name(), plan.plan_name());
    EXPECT_EQ(e.protocol_id(), rules.DefaultProtocol(e.treatment()).protocol_id());
    const v1::TreatmentPolicy& policy = rules.Policy(key, e.treatment());

    if (e.treatment() == v1::TREATMENT_IV_KETAMINE) {
      ASSERT_TRUE(policy.has_excluded());
      EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_NOT_COVERED);
      const v1::TreatmentProtocol& protocol = rules.DefaultProtocol(v1::TREATMENT_IV_KETAMINE);
      ASSERT_EQ(protocol.maintenance().frequency(), v1::MAINTENANCE_FREQUENCY_MONTHLY);
      EXPECT_EQ(e.lines_size(), CourseSessions(protocol) + protocol.maintenance().months())
          << "6 infusions, then one booster a month";
      int64_t self_pay_sum = 0;
      for (const auto& l : e.lines()) {
        EXPECT_FALSE(l.covered()) << l.date();
        EXPECT_EQ(l.not_covered_reason(), v1::NOT_COVERED_REASON_EXCLUDED_BY_POLICY) << l.date();
        EXPECT_EQ(l.not_covered_explanation(), policy.excluded().explanation());
        EXPECT_EQ(l.patient_cents(), SelfPayPriceOf(clinic, e.treatment(), l)) << l.date();
        self_pay_sum += SelfPayPriceOf(clinic, e.treatment(), l);
      }
      EXPECT_EQ(e.totals().patient_cents(), self_pay_sum);
      EXPECT_EQ(e.totals().not_covered_cents(), self_pay_sum);
      EXPECT_EQ(e.totals().payer_cents(), 0);
      EXPECT_EQ(e.totals().sessions_covered(), 0);
      EXPECT_FALSE(HasNotice(e, "PRIOR_AUTH_REQUIRED", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
      continue;
    }

    ASSERT_TRUE(policy.has_covered());
    EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH);
    EXPECT_TRUE(HasNotice(e, "PRIOR_AUTH_REQUIRED", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
    // Nothing met so far was given: the estimate says what it assumed.
    EXPECT_TRUE(HasNotice(e, "DEDUCTIBLE_MET_UNKNOWN", v1::NOTICE_KIND_ASSUMPTION))
        << NoticeCodes(e);
    EXPECT_TRUE(HasNotice(e, "OUT_OF_POCKET_MET_UNKNOWN", v1::NOTICE_KIND_ASSUMPTION))
        << NoticeCodes(e);
    EXPECT_FALSE(HasNotice(e, "NO_OUT_OF_POCKET_MAX", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);

    // Per plan year: the patient's cost sharing never exceeds the out-of-pocket maximum, and
    // reaches it exactly when the uncapped deductible + coinsurance would pass it.
    std::map<std::string, std::vector<const v1::EstimateLine*>> by_year;
    for (const auto& l : e.lines()) by_year[l.plan_year_start()].push_back(&l);
    for (const auto& [year, lines] : by_year) {
      SCOPED_TRACE("plan year " + year);
      EXPECT_EQ(Day(year),
                PlanYearStartOf(Day(lines.front()->date()), plan.plan_year_start().month(),
                                plan.plan_year_start().day()));
      int64_t sharing = 0, allowed = 0, covered_lines = 0;
      bool capped = false;
      for (const v1::EstimateLine* l : lines) {
        if (!l->covered()) continue;
        ++covered_lines;
        EXPECT_EQ(l->copay_cents(), 0) << "no copay in this plan design";
        if (capped) {
          EXPECT_EQ(l->patient_cents(), 0) << l->date() << ": the maximum was already reached";
          EXPECT_EQ(l->payer_cents(), l->allowed_cents()) << l->date();
        }
        sharing += l->copay_cents() + l->deductible_cents() + l->coinsurance_cents();
        allowed += l->allowed_cents();
        capped = sharing >= oop_max;
      }
      EXPECT_LE(sharing, oop_max);
      const int64_t uncapped_deductible = std::min(deductible, allowed);
      const int64_t uncapped_x10000 =
          uncapped_deductible * 10000 + (allowed - uncapped_deductible) * coinsurance_bp;
      if (uncapped_x10000 > (oop_max + covered_lines) * 10000) {
        EXPECT_EQ(sharing, oop_max) << "the maximum should be reached this plan year";
      } else {
        EXPECT_LE(std::abs(sharing * 10000 - uncapped_x10000), covered_lines * 10000);
      }
    }

    if (e.treatment() == v1::TREATMENT_SPRAVATO) {
      // 12 months of maintenance from spring 2026 cross into plan year 2027 (still covered):
      // the deductible and the maximum start over.
      ASSERT_EQ(e.plan_year_totals_size(), 2);
      EXPECT_EQ(e.plan_year_totals(0).plan_year_start(), "2026-01-01");
      EXPECT_EQ(e.plan_year_totals(1).plan_year_start(), "2027-01-01");
      EXPECT_TRUE(HasNotice(e, "PLAN_YEAR_CROSSED", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
      const v1::Totals& y1 = e.plan_year_totals(0).totals();
      const v1::Totals& y2 = e.plan_year_totals(1).totals();
      EXPECT_EQ(y1.copay_cents() + y1.deductible_cents() + y1.coinsurance_cents(), oop_max)
          << "a year of Spravato at these prices reaches the $6,000 maximum";
      EXPECT_EQ(y2.deductible_cents(), std::min(deductible, y2.allowed_cents()))
          << "the deductible starts over in the new plan year";
      EXPECT_EQ(e.drug_benefit(),
                rules.Policy(key, v1::TREATMENT_SPRAVATO).covered().drug_benefits(0))
          << "the plan's default drug benefit";
      EXPECT_EQ(e.dose_mg(), 56) << "the protocol's lowest allowed dose";
    } else {
      EXPECT_EQ(e.plan_year_totals_size(), 1);
      EXPECT_EQ(e.totals().sessions_covered(),
                CourseSessions(rules.DefaultProtocol(e.treatment())));
    }
  }
}

TEST_F(e2eServer, CompareTreatmentsSelfPay) {
  const v1::Clinic& clinic = Bundled().Clinic("riverbend");
  v1::CompareTreatmentsResponse r;
  const grpc::Status s = Compare(SelfPayCompareRequest(), &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  ASSERT_EQ(r.estimates_size(), clinic.offered_treatments_size());
  for (const v1::CourseEstimate& e : r.estimates()) {
    SCOPED_TRACE(v1::Treatment_Name(e.treatment()));
    CheckEstimateInvariants(e, clinic);
    EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_SELF_PAY);
    EXPECT_TRUE(HasNotice(e, "GOOD_FAITH_ESTIMATE", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
    int64_t self_pay_sum = 0;
    for (const auto& l : e.lines()) {
      EXPECT_FALSE(l.covered());
      EXPECT_EQ(l.not_covered_reason(), v1::NOT_COVERED_REASON_SELF_PAY);
      EXPECT_EQ(l.payer_cents(), 0) << l.date();
      EXPECT_EQ(l.patient_cents(), SelfPayPriceOf(clinic, e.treatment(), l)) << l.date();
      self_pay_sum += l.patient_cents();
    }
    EXPECT_EQ(e.totals().payer_cents(), 0);
    EXPECT_EQ(e.totals().patient_cents(), self_pay_sum);
    for (const auto& y : e.plan_year_totals()) EXPECT_EQ(y.totals().payer_cents(), 0);
    for (const auto& p : e.phase_totals()) EXPECT_EQ(p.totals().payer_cents(), 0);
    // No insurance: no insurance assumptions or warnings.
    EXPECT_FALSE(HasNotice(e, "DEDUCTIBLE_MET_UNKNOWN", v1::NOTICE_KIND_ASSUMPTION));
    EXPECT_FALSE(HasNotice(e, "PLAN_YEAR_CROSSED", v1::NOTICE_KIND_WARNING));
    EXPECT_FALSE(HasNotice(e, "COVERAGE_TIER_ASSUMED", v1::NOTICE_KIND_ASSUMPTION));
  }
}

TEST_F(e2eServer, SpravatoThroughTheSpecialtyPharmacyHasTwoLinesPerSession) {
  const BundledRules& rules = Bundled();
  const std::string key = "aetna/open_access_ppo";
  const v1::PayerPlan& plan = rules.Plan(key);
  const v1::TreatmentProtocol& protocol = rules.DefaultProtocol(v1::TREATMENT_SPRAVATO);
  int64_t per_mg = -1;
  for (const auto& fee : rules.Policy(key, v1::TREATMENT_SPRAVATO).covered().fees()) {
    if (fee.benefit() == v1::BENEFIT_PHARMACY) per_mg = fee.allowed_cents();
  }
  ASSERT_GT(per_mg, 0);

  v1::EstimateCourseRequest request = MedicareTmsRequest();
  v1::InsuranceCoverage* ins = request.mutable_coverage()->mutable_insurance();
  ins->set_payer_id("aetna");
  ins->set_plan_id("open_access_ppo");
  ins->set_coverage_tier(v1::COVERAGE_TIER_SELF_ONLY);
  request.mutable_course()->set_treatment(v1::TREATMENT_SPRAVATO);
  request.mutable_course()->mutable_spravato()->set_dose_mg(84);
  request.mutable_course()->mutable_spravato()->set_drug_benefit(v1::BENEFIT_PHARMACY);
  request.mutable_course()->mutable_maintenance()->set_months(0);  // the 12 sessions only

  v1::EstimateCourseResponse r;
  const grpc::Status s = Estimate(request, &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  const v1::CourseEstimate& e = r.estimate();
  CheckEstimateInvariants(e, rules.Clinic("riverbend"));
  EXPECT_EQ(e.drug_benefit(), v1::BENEFIT_PHARMACY);
  EXPECT_EQ(e.dose_mg(), 84);
  const int sessions = CourseSessions(protocol);
  ASSERT_EQ(e.lines_size(), 2 * sessions) << "a medical and a pharmacy line per session";
  EXPECT_EQ(e.totals().sessions_scheduled(), sessions);
  EXPECT_EQ(e.totals().sessions_covered(), sessions);
  int64_t out_of_pocket = 0;
  for (int i = 0; i < e.lines_size(); i += 2) {
    const v1::EstimateLine& medical = e.lines(i);
    const v1::EstimateLine& pharmacy = e.lines(i + 1);
    SCOPED_TRACE(absl::StrCat("session ", medical.session_number(), " on ", medical.date()));
    EXPECT_EQ(medical.session_number(), pharmacy.session_number());
    EXPECT_EQ(medical.benefit(), v1::BENEFIT_MEDICAL);
    EXPECT_EQ(pharmacy.benefit(), v1::BENEFIT_PHARMACY);
    const int dose = i == 0 ? protocol.first_session_dose_mg() : 84;
    EXPECT_EQ(pharmacy.dose_mg(), dose);
    ASSERT_EQ(pharmacy.codes_size(), 1);
    EXPECT_EQ(pharmacy.codes(0).units(), dose);
    EXPECT_EQ(pharmacy.allowed_cents(), per_mg * dose);
    for (const auto& code : medical.codes()) {
      EXPECT_NE(code.code(), "J0013") << "the drug is not billed by the clinic as well";
    }
    EXPECT_EQ(pharmacy.deductible_cents(), 0) << "the pharmacy benefit has no deductible";
    EXPECT_EQ(pharmacy.copay_cents(), plan.pharmacy().copay_cents());
    // 25% coinsurance on the drug, unless the out-of-pocket maximum could have interfered.
    if (out_of_pocket + medical.patient_cents() + pharmacy.allowed_cents() <
        plan.in_network().out_of_pocket_max_cents()) {
      EXPECT_LE(std::abs(pharmacy.coinsurance_cents() * 10000 -
                         pharmacy.allowed_cents() * plan.pharmacy().coinsurance_bp()),
                10000);
    }
    out_of_pocket += medical.patient_cents() + pharmacy.patient_cents();
  }
  EXPECT_LE(
      e.totals().copay_cents() + e.totals().deductible_cents() + e.totals().coinsurance_cents(),
      plan.in_network().out_of_pocket_max_cents());
  EXPECT_TRUE(HasNotice(e, "PHARMACY_ACCUMULATORS", v1::NOTICE_KIND_ASSUMPTION)) << NoticeCodes(e);
  EXPECT_FALSE(HasNotice(e, "COVERAGE_TIER_ASSUMED", v1::NOTICE_KIND_ASSUMPTION)) << NoticeCodes(e);
}

// Many combinations of plan, network, tier, amounts met, course and start date: every answer must
// satisfy the documented arithmetic, the plan's limits and the clinic's prices.
TEST_F(e2eServer, InvariantsHoldAcrossPlansNetworksCoursesAndDates) {
  const BundledRules& rules = Bundled();
  const v1::Clinic& clinic = rules.Clinic("riverbend");
  struct Course {
    std::string name;
    v1::CourseOptions options;
  };
  std::vector<Course> courses;
  for (v1::Treatment t : {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO, v1::TREATMENT_IV_KETAMINE}) {
    courses.push_back({v1::Treatment_Name(t), {}});
    courses.back().options.set_treatment(t);
  }
  courses.push_back({"TMS + 6 months weekly maintenance", {}});
  courses.back().options.set_treatment(v1::TREATMENT_TMS);
  courses.back().options.mutable_maintenance()->set_months(6);
  courses.back().options.mutable_maintenance()->set_frequency(v1::MAINTENANCE_FREQUENCY_WEEKLY);
  courses.push_back({"TMS Medicare 20+5", {}});
  courses.back().options.set_treatment(v1::TREATMENT_TMS);
  courses.back().options.set_protocol_id("tms_medicare_20_5");
  courses.push_back({"Spravato 84 mg, 24 months weekly", {}});
  courses.back().options.set_treatment(v1::TREATMENT_SPRAVATO);
  courses.back().options.mutable_spravato()->set_dose_mg(84);
  courses.back().options.mutable_maintenance()->set_months(24);
  courses.back().options.mutable_maintenance()->set_frequency(v1::MAINTENANCE_FREQUENCY_WEEKLY);

  const std::vector<std::string> starts = {"2026-01-01", "2026-03-02", "2026-05-25", "2026-07-01",
                                           "2026-11-20", "2026-12-14", "2027-06-07"};
  int scenarios = 0, failed_scenarios = 0;
  for (const std::string plan_key : {"medicare/part_b", "aetna/open_access_ppo", "self_pay"}) {
    for (v1::Network network : {v1::NETWORK_IN_NETWORK, v1::NETWORK_OUT_OF_NETWORK}) {
      for (v1::CoverageTier tier : {v1::COVERAGE_TIER_SELF_ONLY, v1::COVERAGE_TIER_FAMILY}) {
        for (bool met_given : {false, true}) {
          if (plan_key == "self_pay" && (network != v1::NETWORK_IN_NETWORK ||
                                         tier != v1::COVERAGE_TIER_SELF_ONLY || met_given)) {
            continue;
          }
          for (const Course& course : courses) {
            for (const std::string& start : starts) {
              const std::string scenario = absl::StrCat(
                  plan_key, " ", v1::Network_Name(network), " ", v1::CoverageTier_Name(tier),
                  met_given ? " met 10000" : "", ", ", course.name, ", from ", start);
              SCOPED_TRACE(scenario);
              ++scenarios;
              v1::EstimateCourseRequest request;
              request.set_clinic_id("riverbend");
              request.set_course_start_date(start);
              *request.mutable_course() = course.options;
              const v1::PayerPlan* plan = nullptr;
              int64_t met = 0;
              if (plan_key == "self_pay") {
                request.mutable_coverage()->mutable_self_pay();
              } else {
                plan = &rules.Plan(plan_key);
                v1::InsuranceCoverage* ins = request.mutable_coverage()->mutable_insurance();
                ins->set_payer_id(plan->payer_id());
                ins->set_plan_id(plan->plan_id());
                ins->set_network(network);
                ins->set_coverage_tier(tier);
                if (met_given) {
                  met = 10000;
                  ins->mutable_met_so_far()->set_deductible_met_cents(met);
                  ins->mutable_met_so_far()->set_out_of_pocket_met_cents(met);
                  ins->mutable_met_so_far()->set_family_deductible_met_cents(3 * met);
                  ins->mutable_met_so_far()->set_family_out_of_pocket_met_cents(3 * met);
                }
              }
              v1::EstimateCourseResponse r;
              const grpc::Status s = Estimate(request, &r);
              ASSERT_TRUE(s.ok()) << StatusText(s);
              const bool failed_before = HasFailure();
              const v1::CourseEstimate& e = r.estimate();
              CheckEstimateInvariants(e, clinic);

              for (const auto& l : e.lines()) {
                if (!l.covered()) {
                  EXPECT_EQ(l.patient_cents(), SelfPayPriceOf(clinic, e.treatment(), l))
                      << l.date() << " " << v1::NotCoveredReason_Name(l.not_covered_reason());
                }
              }
              if (plan != nullptr) {
                const v1::NetworkBenefits& n = network == v1::NETWORK_OUT_OF_NETWORK
                                                   ? plan->out_of_network()
                                                   : plan->in_network();
                const v1::TreatmentPolicy& policy = rules.Policy(plan_key, e.treatment());
                if (policy.has_covered() && policy.covered().has_max_sessions_per_course()) {
                  EXPECT_LE(e.totals().sessions_covered(),
                            policy.covered().max_sessions_per_course());
                }
                for (int y = 0; y < e.plan_year_totals_size(); ++y) {
                  const v1::Totals& t = e.plan_year_totals(y).totals();
                  const int64_t already = y == 0 ? met : 0;
                  EXPECT_LE(t.deductible_cents(),
                            std::max<int64_t>(0, n.deductible_cents() - already))
                      << "plan year " << e.plan_year_totals(y).plan_year_start();
                  if (n.has_out_of_pocket_max_cents()) {
                    EXPECT_LE(
                        t.copay_cents() + t.deductible_cents() + t.coinsurance_cents() + already,
                        n.out_of_pocket_max_cents())
                        << "plan year " << e.plan_year_totals(y).plan_year_start();
                  }
                }
                for (const auto& l : e.lines()) {
                  if (!l.covered() || l.benefit() != v1::BENEFIT_MEDICAL) continue;
                  if (network == v1::NETWORK_IN_NETWORK) {
                    EXPECT_EQ(l.billed_cents(), l.allowed_cents()) << l.date();
                  } else {
                    EXPECT_EQ(l.balance_billed_cents(), l.billed_cents() - l.allowed_cents());
                    if (n.has_charge_limit_percent_of_allowed_bp()) {
                      EXPECT_LE(l.billed_cents() * 10000,
                                l.allowed_cents() * n.charge_limit_percent_of_allowed_bp() +
                                    10000 * l.codes_size())
                          << l.date() << ": over the limiting charge";
                    }
                  }
                }
              }
              if (HasFailure() && !failed_before && ++failed_scenarios >= 3) {
                FAIL() << "stopping after 3 failing scenarios";
              }
            }
          }
        }
      }
    }
  }
  EXPECT_GT(scenarios, 300);
}

// ---- errors ------------------------------------------------------------------------------------

struct EstimateErrorCase {
  std::string name;
  std::function<void(v1::EstimateCourseRequest&)> change;
  grpc::StatusCode code;
  std::vector<std::string> mentions;  // the message must contain each
};

std::vector<EstimateErrorCase> EstimateErrorCases() {
  auto ins = [](v1::EstimateCourseRequest& r) { return r.mutable_coverage()->mutable_insurance(); };
  return {
      {"unknown payer",
       [ins](auto& r) { ins(r)->set_payer_id("nosuchpayer"); },
       grpc::StatusCode::NOT_FOUND,
       {"nosuchpayer", "payer_id"}},
      {"unknown plan",
       [ins](auto& r) { ins(r)->set_plan_id("part_z"); },
       grpc::StatusCode::NOT_FOUND,
       {"part_z", "plan_id"}},
      {"unknown clinic",
       [](auto& r) { r.set_clinic_id("nosuchclinic"); },
       grpc::StatusCode::NOT_FOUND,
       {"nosuchclinic", "clinic_id"}},
      {"coinsurance over 100%",
       [ins](auto& r) { ins(r)->mutable_verified_benefits()->set_coinsurance_bp(12000); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"coinsurance_bp", "12000"}},
      {"negative deductible met",
       [ins](auto& r) { ins(r)->mutable_met_so_far()->set_deductible_met_cents(-1); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"deductible_met_cents"}},
      {"treatment unspecified",
       [](auto& r) { r.mutable_course()->set_treatment(v1::TREATMENT_UNSPECIFIED); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"course.treatment"}},
      {"500 years of maintenance",
       [](auto& r) {
         r.mutable_course()->mutable_maintenance()->set_months(6000);
         r.mutable_course()->mutable_maintenance()->set_frequency(v1::MAINTENANCE_FREQUENCY_WEEKLY);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"maintenance.months", "6000"}},
      {"February 30",
       [](auto& r) { r.set_course_start_date("2026-02-30"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"course_start_date"}},
      {"empty request", [](auto& r) { r.Clear(); }, grpc::StatusCode::INVALID_ARGUMENT, {}},
      {"no coverage",
       [](auto& r) { r.clear_coverage(); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"coverage"}},
      {"network unspecified",
       [ins](auto& r) { ins(r)->set_network(v1::NETWORK_UNSPECIFIED); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"coverage.insurance.network"}},
      {"unknown protocol",
       [](auto& r) { r.mutable_course()->set_protocol_id("tms_saint_50"); },
       grpc::StatusCode::NOT_FOUND,
       {"tms_saint_50", "protocol_id"}},
      {"protocol of another treatment",
       [](auto& r) { r.mutable_course()->set_protocol_id("spravato_label"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"spravato_label", "course.protocol_id"}},
      {"Spravato dose not in the label",
       [](auto& r) {
         r.mutable_course()->set_treatment(v1::TREATMENT_SPRAVATO);
         r.mutable_course()->mutable_spravato()->set_dose_mg(70);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"course.spravato.dose_mg", "70"}},
      {"Medicare has no pharmacy benefit",
       [](auto& r) {
         r.mutable_course()->set_treatment(v1::TREATMENT_SPRAVATO);
         r.mutable_course()->mutable_spravato()->set_drug_benefit(v1::BENEFIT_PHARMACY);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"course.spravato.drug_benefit"}},
  };
}

TEST_F(e2eServer, BadRequestsAreRejectedWithTheFieldNamedAndChangeNothing) {
  v1::EstimateCourseResponse before;
  const grpc::Status ok_before = Estimate(MedicareTmsRequest(), &before);
  ASSERT_TRUE(ok_before.ok()) << StatusText(ok_before);

  for (const EstimateErrorCase& c : EstimateErrorCases()) {
    SCOPED_TRACE(c.name);
    v1::EstimateCourseRequest request = MedicareTmsRequest();
    c.change(request);
    v1::EstimateCourseResponse response;
    const grpc::Status s = Estimate(request, &response);
    EXPECT_EQ(s.error_code(), c.code) << StatusText(s);
    EXPECT_FALSE(s.error_message().empty());
    for (const std::string& word : c.mentions) {
      EXPECT_TRUE(absl::StrContains(s.error_message(), word))
          << "message '" << s.error_message() << "' does not mention '" << word << "'";
    }
  }

  // CompareTreatments validates the same way, naming the course by index.
  {
    v1::CompareTreatmentsRequest request = AetnaCompareRequest();
    request.add_courses()->set_treatment(v1::TREATMENT_TMS);
    v1::CourseOptions* spravato = request.add_courses();
    spravato->set_treatment(v1::TREATMENT_SPRAVATO);
    spravato->mutable_maintenance()->set_months(6000);
    spravato->mutable_maintenance()->set_frequency(v1::MAINTENANCE_FREQUENCY_MONTHLY);
    v1::CompareTreatmentsResponse response;
    const grpc::Status s = Compare(request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(s);
    EXPECT_TRUE(absl::StrContains(s.error_message(), "courses[1].maintenance.months"))
        << s.error_message();

    request.mutable_courses(1)->set_treatment(v1::TREATMENT_TMS);
    request.mutable_courses(1)->clear_maintenance();
    const grpc::Status twice = Compare(request, &response);
    EXPECT_EQ(twice.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(twice);
    EXPECT_TRUE(absl::StrContains(twice.error_message(), "courses[1].treatment"))
        << twice.error_message();

    const grpc::Status empty = Compare(v1::CompareTreatmentsRequest(), &response);
    EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(empty);
  }

  // The server is still healthy and answers exactly as before.
  for (const std::string service : {"", kServiceName}) {
    const HealthResult h = CheckHealth(*channel_, service);
    ASSERT_TRUE(h.status.ok()) << StatusText(h.status);
    EXPECT_EQ(h.serving_status, kServing) << "service '" << service << "'";
  }
  v1::EstimateCourseResponse after;
  const grpc::Status ok_after = Estimate(MedicareTmsRequest(), &after);
  ASSERT_TRUE(ok_after.ok()) << StatusText(ok_after);
  EXPECT_EQ(Diff(before, after), "");
}

TEST_F(e2eServer, ConcurrentCallsGetTheSameAnswer) {
  v1::EstimateCourseResponse expected;
  ASSERT_TRUE(Estimate(MedicareTmsRequest(), &expected).ok());
  v1::CompareTreatmentsResponse expected_compare;
  ASSERT_TRUE(Compare(AetnaCompareRequest(), &expected_compare).ok());

  constexpr int kThreads = 8, kCallsPerThread = 4;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        if ((t + i) % 2 == 0) {
          v1::EstimateCourseResponse r;
          if (!Estimate(MedicareTmsRequest(), &r).ok() ||
              !MessageDifferencer::Equals(r, expected)) {
            ++failures;
          }
        } else {
          v1::CompareTreatmentsResponse r;
          if (!Compare(AetnaCompareRequest(), &r).ok() ||
              !MessageDifferencer::Equals(r, expected_compare)) {
            ++failures;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// ---- a server that must not start --------------------------------------------------------------

// True if some line of `text` starts with `prefix`.
bool HasLineStartingWith(const std::string& text, const std::string& prefix) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, prefix)) return true;
  }
  return false;
}

// 1-based line and column of the first occurrence of `needle` in a file.
std::pair<int, int> FindInFile(const std::string& path, const std::string& needle) {
  int number = 0;
  for (absl::string_view line : absl::StrSplit(ReadFileOrEmpty(path), '\n')) {
    ++number;
    const size_t at = line.find(needle);
    if (at != absl::string_view::npos) return {number, static_cast<int>(at) + 1};
  }
  return {-1, -1};
}

ProcessResult RunServerOn(const std::string& rules_dir, bool* port_file_written) {
  const std::string dir = MakeTempDir("estimator_e2e_refuse");
  const std::string port_file = dir + "/port";
  ProcessResult result = ServerProcess::RunToCompletion(
      ServerBinary(),
      {"--rules_dir=" + rules_dir, "--listen=127.0.0.1:0", "--plaintext", "--port_file=" + port_file});
  *port_file_written = fs::exists(port_file);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return result;
}

TEST(e2eRefuseToStart, InvalidValueInAPlanFileIsReportedAtItsLineAndColumn) {
  const std::string file = "plans/aetna_open_access_ppo_2026.textproto";
  // The testdata keeps its deliberate mistake where this test says it is.
  ASSERT_EQ(FindInFile(BrokenRulesDir() + "/" + file, "coinsurance_bp: 12000"),
            std::make_pair(56, 3));
  bool port_file_written = true;
  const ProcessResult r = RunServerOn(BrokenRulesDir(), &port_file_written);
  EXPECT_FALSE(r.timed_out) << "the server kept running on broken rules";
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  EXPECT_FALSE(port_file_written);
  EXPECT_FALSE(absl::StrContains(r.stdout_text, "listening on")) << r.stdout_text;
  const std::string prefix = file + ":56:3: ";
  EXPECT_TRUE(HasLineStartingWith(r.stderr_text, prefix))
      << "no stderr line starts with '" << prefix << "'; stderr:\n"
      << r.stderr_text;
  EXPECT_TRUE(absl::StrContains(r.stderr_text, "coinsurance_bp")) << r.stderr_text;
}

TEST(e2eRefuseToStart, SyntaxErrorInAPlanFileIsReportedAtItsLineAndColumn) {
  const std::string file = "plans/medicare_part_b_2026.textproto";
  // The closing brace of in_network is missing (line 63), so the parser reads line 66's
  // `out_of_network {` as a field of NetworkBenefits, which has none: the error points at the
  // unknown name (protobuf itself reports the token after it; the server moves it to the name).
  ASSERT_EQ(FindInFile(BrokenSyntaxDir() + "/" + file, "out_of_network {"), std::make_pair(66, 1));
  bool port_file_written = true;
  const ProcessResult r = RunServerOn(BrokenSyntaxDir(), &port_file_written);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  EXPECT_FALSE(port_file_written);
  EXPECT_FALSE(absl::StrContains(r.stdout_text, "listening on")) << r.stdout_text;
  const std::string prefix = file + ":66:1: ";
  EXPECT_TRUE(HasLineStartingWith(r.stderr_text, prefix))
      << "no stderr line starts with '" << prefix << "'; stderr:\n"
      << r.stderr_text;
  EXPECT_TRUE(absl::StrContains(r.stderr_text, "out_of_network")) << r.stderr_text;
}

TEST(e2eRefuseToStart, MissingRulesDirectory) {
  const std::string missing = SourceDir() + "/tests/testdata/no_such_rules_dir";
  bool port_file_written = true;
  const ProcessResult r = RunServerOn(missing, &port_file_written);
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  EXPECT_FALSE(port_file_written);
  EXPECT_TRUE(absl::StrContains(r.stderr_text, "no_such_rules_dir")) << r.stderr_text;
}

// ---- signals -----------------------------------------------------------------------------------

TEST(e2eShutdown, SigtermStopsTheServerWithExitCodeZero) {
  ServerProcess server(ServerBinary(), RulesDir());
  const absl::Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started;
  auto channel = grpc::CreateChannel(server.Address(), grpc::InsecureChannelCredentials());
  const HealthResult h = CheckHealth(channel, kServiceName);
  ASSERT_TRUE(h.status.ok()) << StatusText(h.status) << "\n" << server.StderrText();
  ASSERT_EQ(h.serving_status, kServing);

  const auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(server.Stop(), 0) << "stderr:\n" << server.StderrText();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(10))
      << "an idle server should stop well within the grace period";
  EXPECT_FALSE(server.running());

  // Nothing answers on the port any more.
  const HealthResult after = CheckHealth(channel, kServiceName);
  EXPECT_FALSE(after.status.ok()) << "a stopped server answered";
}

// Polls `condition` every 10 ms for up to 10 s.
template <typename Condition>
bool Eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

std::string RuleSetVersionOf(v1::EstimatorService::Stub& stub,
                             v1::ListPayersResponse* out = nullptr) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
  v1::ListPayersResponse r;
  if (!stub.ListPayers(&context, v1::ListPayersRequest(), &r).ok()) return "(ListPayers failed)";
  if (out != nullptr) *out = r;
  return r.rule_set_version();
}

TEST(e2eRuleReload, VersionIsAContentHashAndSighupKeepsTheLastGoodRules) {
  const std::string copy = MakeTempDir("estimator_e2e_rules");
  ASSERT_FALSE(copy.empty());
  fs::copy(RulesDir(), copy, fs::copy_options::recursive);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{copy};

  ServerProcess original(ServerBinary(), RulesDir());
  ServerProcess server(ServerBinary(), copy);
  ASSERT_TRUE(original.Start().ok()) << original.StderrText();
  ASSERT_TRUE(server.Start().ok()) << server.StderrText();
  auto original_stub = v1::EstimatorService::NewStub(
      grpc::CreateChannel(original.Address(), grpc::InsecureChannelCredentials()));
  auto channel = grpc::CreateChannel(server.Address(), grpc::InsecureChannelCredentials());
  auto stub = v1::EstimatorService::NewStub(channel);

  // Same bytes in another directory: the same version.
  const std::string v1_version = RuleSetVersionOf(*stub);
  EXPECT_EQ(v1_version, RuleSetVersionOf(*original_stub));

  // A changed file (a comment is enough): SIGHUP loads it under a new version.
  const std::string medicare = copy + "/plans/medicare_part_b_2026.textproto";
  { std::ofstream(medicare, std::ios::app) << "# edited by the e2e test\n"; }
  ASSERT_TRUE(server.Signal(SIGHUP));
  ASSERT_TRUE(Eventually([&] { return RuleSetVersionOf(*stub) != v1_version; }))
      << "SIGHUP did not load the edited rules; stderr:\n"
      << server.StderrText();
  v1::ListPayersResponse payers;
  const std::string v2_version = RuleSetVersionOf(*stub, &payers);
  for (const auto& p : payers.plans()) {
    if (p.file() == "plans/medicare_part_b_2026.textproto") {
      EXPECT_EQ(p.file_version(), Sha256HexOfFile(medicare));
    }
  }

  // A broken file: SIGHUP is refused, the last good rules keep serving.
  fs::copy_file(BrokenRulesDir() + "/plans/aetna_open_access_ppo_2026.textproto",
                copy + "/plans/aetna_open_access_ppo_2026.textproto",
                fs::copy_options::overwrite_existing);
  ASSERT_TRUE(server.Signal(SIGHUP));
  ASSERT_TRUE(Eventually([&] {
    return absl::StrContains(server.StderrText(),
                             "plans/aetna_open_access_ppo_2026.textproto:56:3:");
  })) << "the rejected reload was not logged; stderr:\n"
      << server.StderrText();
  EXPECT_EQ(RuleSetVersionOf(*stub), v2_version);
  const HealthResult h = CheckHealth(channel, kServiceName);
  EXPECT_TRUE(h.status.ok() && h.serving_status == kServing) << StatusText(h.status);
  grpc::ClientContext context;
  v1::EstimateCourseResponse estimate;
  const grpc::Status s = stub->EstimateCourse(&context, MedicareTmsRequest(), &estimate);
  EXPECT_TRUE(s.ok()) << StatusText(s);
  EXPECT_EQ(estimate.rule_set_version(), v2_version);
  EXPECT_EQ(server.Stop(), 0) << server.StderrText();
}

}  // namespace
}  // namespace estimator::e2e
