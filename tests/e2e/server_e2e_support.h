// The server end-to-end tests' shared parts (server_e2e_test.cc, server_errors_e2e_test.cc): the
// bundled rule files read independently of the server, dates, a hand-made health client, requests,
// the checks every estimate must pass, and the e2eServer fixture (one real server per suite).
#ifndef ESTIMATOR_TESTS_E2E_SERVER_E2E_SUPPORT_H_
#define ESTIMATOR_TESTS_E2E_SERVER_E2E_SUPPORT_H_

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

namespace fs = std::filesystem;

using google::protobuf::util::MessageDifferencer;

inline constexpr char kServiceName[] = "estimator.v1.EstimatorService";

// ---- environment and rule files ----------------------------------------------------------------

inline std::string RulesDir() { return SourceDir() + "/payer_rules"; }
inline std::string BrokenRulesDir() { return SourceDir() + "/tests/testdata/broken_rules"; }
inline std::string BrokenSyntaxDir() { return BrokenRulesDir() + "/broken_syntax"; }

inline std::string Sha256HexOfFile(const std::string& path) {
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
inline Message ParseRuleFile(const std::string& path) {
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

inline std::vector<fs::path> TextprotoFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".textproto") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline const BundledRules& Bundled() {
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

inline int CourseSessions(const v1::TreatmentProtocol& p) {
  int n = 0;
  for (const auto& b : p.blocks()) n += b.sessions();
  return n;
}

// ---- dates -------------------------------------------------------------------------------------

inline absl::CivilDay Day(const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) ADD_FAILURE() << "not a date: '" << text << "'";
  return day;
}

inline bool IsWeekday(absl::CivilDay d) {
  const absl::Weekday w = absl::GetWeekday(d);
  return w != absl::Weekday::saturday && w != absl::Weekday::sunday;
}

// Start of the plan year containing `d` for a plan year starting on month/day.
inline absl::CivilDay PlanYearStartOf(absl::CivilDay d, int month, int day) {
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
inline HealthResult CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
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

inline v1::CompareTreatmentsRequest SelfPayCompareRequest() {
  v1::CompareTreatmentsRequest r;
  r.set_clinic_id("riverbend");
  r.mutable_coverage()->mutable_self_pay();
  r.set_course_start_date("2026-03-02");
  return r;
}

// ---- checks that hold for every estimate -------------------------------------------------------

// Sums lines exactly as the API documents Totals.
inline v1::Totals SumOf(const std::vector<const v1::EstimateLine*>& lines) {
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

inline bool HasNotice(const v1::CourseEstimate& e, const std::string& code, v1::NoticeKind kind) {
  for (const auto& n : e.notices()) {
    if (n.code() == code && n.kind() == kind && !n.message().empty()) return true;
  }
  return false;
}

inline std::string NoticeCodes(const v1::CourseEstimate& e) {
  std::string s;
  for (const auto& n : e.notices()) {
    absl::StrAppend(&s, s.empty() ? "" : ", ", v1::NoticeKind_Name(n.kind()), ":", n.code());
  }
  return s;
}

// Structure and arithmetic every estimate must satisfy, whatever the plan.
inline void CheckEstimateInvariants(const v1::CourseEstimate& e, const v1::Clinic& clinic) {
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
inline int64_t SelfPayPriceOf(const v1::Clinic& clinic, v1::Treatment treatment,
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

  static inline ServerProcess* server_ = nullptr;
  static inline std::shared_ptr<grpc::Channel>* channel_ = nullptr;
  static inline v1::EstimatorService::Stub* stub_ = nullptr;
  static inline std::string* startup_error_ = nullptr;
};




}  // namespace estimator::e2e

#endif  // ESTIMATOR_TESTS_E2E_SERVER_E2E_SUPPORT_H_
