// The hostile-request tests' vocabulary (hostile_requests_test.cc, hostile_catalogue.cc):
// requests as bytes, a few good requests to spoil, protobuf's wire format by hand, the limits the
// README documents, and the catalogue of malformed or hostile requests with what each must get.
#ifndef ESTIMATOR_TESTS_E2E_HOSTILE_REQUESTS_H_
#define ESTIMATOR_TESTS_E2E_HOSTILE_REQUESTS_H_

#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "estimator/v1/estimator.grpc.pb.h"
#include "estimator/v1/quotes.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_environment.h"
#include "tests/e2e/shared_server.h"

namespace estimator::e2e {
using grpc::StatusCode;

inline constexpr char kEstimateCourse[] = "/estimator.v1.EstimatorService/EstimateCourse";
inline constexpr char kCompareTreatments[] = "/estimator.v1.EstimatorService/CompareTreatments";
inline constexpr char kCheckReadiness[] = "/estimator.v1.EstimatorService/CheckPriorAuthReadiness";
inline constexpr char kBatchReadiness[] =
    "/estimator.v1.EstimatorService/BatchCheckPriorAuthReadiness";
inline constexpr char kListPayers[] = "/estimator.v1.EstimatorService/ListPayers";
inline constexpr char kSaveQuote[] = "/estimator.v1.QuoteService/SaveQuote";
inline constexpr char kGetQuote[] = "/estimator.v1.QuoteService/GetQuote";
inline constexpr char kListQuotes[] = "/estimator.v1.QuoteService/ListQuotes";
inline constexpr char kVoidQuote[] = "/estimator.v1.QuoteService/VoidQuote";
inline constexpr char kIssueGfe[] = "/estimator.v1.QuoteService/IssueGoodFaithEstimate";
inline constexpr char kCheckDispute[] = "/estimator.v1.QuoteService/CheckDisputeEligibility";

// The server's receive limit (kMaxRequestBytes in service/server/server_runner.cc, README "Limits").
// Repeated here on purpose: the test states the documented limit rather than reading the code's.
inline constexpr size_t kReceiveLimit = 1 << 20;
// Hostile but under the limit: big enough to hurt if the server copied or echoed it.
inline constexpr size_t kUnderLimit = 900'000;
inline constexpr size_t kOverLimit = kReceiveLimit + kReceiveLimit / 8;
// What a list of 100k entries looks like; every documented list is capped at 50.
inline constexpr int kHugeList = 100'000;
// No answer may echo a hostile string back: error messages stay short.
inline constexpr size_t kMaxMessageBytes = 1024;

// gRPC's own words for a request over the receive limit (gRPC 1.51: "Received message larger than
// max (N vs. 1048576)"); it names no field, as the request was never parsed.
inline constexpr char kTooLarge[] = "larger than max";

// ---- requests as bytes -----------------------------------------------------------------------------

struct Request {
  std::string method;
  std::string bytes;
};

template <typename Message>
inline Request Serialized(const char* method, const Message& message) {
  Request r{method, ""};
  EXPECT_TRUE(message.SerializeToString(&r.bytes)) << method;
  return r;
}

// A request the front desk would send: valid, and answered OK.
inline v1::EstimateCourseRequest GoodEstimate() {
  v1::EstimateCourseRequest r;
  r.set_clinic_id("riverbend");
  r.set_course_start_date("2026-12-14");
  v1::InsuranceCoverage* ins = r.mutable_coverage()->mutable_insurance();
  ins->set_payer_id("medicare");
  ins->set_plan_id("part_b");
  ins->set_network(v1::NETWORK_IN_NETWORK);
  r.mutable_course()->set_treatment(v1::TREATMENT_TMS);
  return r;
}

inline v1::CompareTreatmentsRequest GoodCompare() {
  v1::CompareTreatmentsRequest r;
  r.set_clinic_id("riverbend");
  r.set_course_start_date("2026-12-14");
  v1::InsuranceCoverage* ins = r.mutable_coverage()->mutable_insurance();
  ins->set_payer_id("aetna");
  ins->set_plan_id("open_access_ppo");
  ins->set_network(v1::NETWORK_IN_NETWORK);
  return r;
}

// Documentation dated before a fixed as_of_date, so the test does not depend on today.
inline v1::CheckPriorAuthReadinessRequest GoodReadiness() {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id("aetna");
  r.set_plan_id("open_access_ppo");
  r.set_treatment(v1::TREATMENT_TMS);
  r.mutable_documentation()->set_as_of_date("2026-11-20");
  return r;
}

// A self-pay Good Faith Estimate request the front desk would send.
inline v1::IssueGoodFaithEstimateRequest GoodGfe() {
  v1::IssueGoodFaithEstimateRequest r;
  v1::EstimateCourseRequest& e = *r.mutable_estimate();
  e.set_clinic_id("riverbend");
  e.set_course_start_date("2027-01-11");
  e.mutable_coverage()->mutable_self_pay();
  e.mutable_course()->set_treatment(v1::TREATMENT_IV_KETAMINE);
  r.mutable_patient()->set_name("Jane Doe");
  r.mutable_patient()->set_date_of_birth("1980-02-03");
  r.add_diagnosis_codes("F33.2");
  r.set_channel(v1::QUOTE_CHANNEL_FRONT_DESK);
  return r;
}

inline Request Gfe(const std::function<void(v1::IssueGoodFaithEstimateRequest&)>& change) {
  v1::IssueGoodFaithEstimateRequest r = GoodGfe();
  change(r);
  return Serialized(kIssueGfe, r);
}

inline Request Estimate(const std::function<void(v1::EstimateCourseRequest&)>& change) {
  v1::EstimateCourseRequest r = GoodEstimate();
  change(r);
  return Serialized(kEstimateCourse, r);
}

inline Request Compare(const std::function<void(v1::CompareTreatmentsRequest&)>& change) {
  v1::CompareTreatmentsRequest r = GoodCompare();
  change(r);
  return Serialized(kCompareTreatments, r);
}

inline Request Readiness(const std::function<void(v1::PatientDocumentation&)>& change) {
  v1::CheckPriorAuthReadinessRequest r = GoodReadiness();
  change(*r.mutable_documentation());
  return Serialized(kCheckReadiness, r);
}

inline Request ReadinessRequest(const std::function<void(v1::CheckPriorAuthReadinessRequest&)>& change) {
  v1::CheckPriorAuthReadinessRequest r = GoodReadiness();
  change(r);
  return Serialized(kCheckReadiness, r);
}

// A worklist of `n` good readiness requests, ids "row-0"...
inline v1::BatchCheckPriorAuthReadinessRequest GoodBatch(int n = 3) {
  v1::BatchCheckPriorAuthReadinessRequest r;
  for (int i = 0; i < n; ++i) {
    v1::BatchReadinessItem* item = r.add_items();
    item->set_item_id(absl::StrCat("row-", i));
    *item->mutable_request() = GoodReadiness();
  }
  return r;
}

inline Request Batch(const std::function<void(v1::BatchCheckPriorAuthReadinessRequest&)>& change,
                     int n = 3) {
  v1::BatchCheckPriorAuthReadinessRequest r = GoodBatch(n);
  change(r);
  return Serialized(kBatchReadiness, r);
}

inline v1::InsuranceCoverage& Insurance(v1::EstimateCourseRequest& r) {
  return *r.mutable_coverage()->mutable_insurance();
}
inline v1::Accumulators& Met(v1::EstimateCourseRequest& r) { return *Insurance(r).mutable_met_so_far(); }
inline v1::VerifiedBenefits& Benefits(v1::EstimateCourseRequest& r) {
  return *Insurance(r).mutable_verified_benefits();
}

// Valid entries of each documented list, to fill a list up to its limit before a bad last entry.
inline void AddGoodTrial(v1::PatientDocumentation& d) {
  v1::AntidepressantTrial* t = d.mutable_antidepressant_history()->add_trials();
  t->set_drug("sertraline");
  t->set_daily_dose("100 mg");
  t->set_weeks(8);
  t->set_outcome(v1::TRIAL_OUTCOME_NO_RESPONSE);
  t->set_start_date("2026-01-05");
}
inline void AddGoodScore(v1::PatientDocumentation& d) {
  v1::SeverityScore* s = d.add_severity_scores();
  s->set_instrument(v1::SEVERITY_INSTRUMENT_PHQ9);
  s->set_score(22);
  s->set_date("2026-11-01");
}
inline void AddGoodTherapy(v1::PatientDocumentation& d) {
  v1::PsychotherapyTrial* t = d.mutable_psychotherapy_history()->add_trials();
  t->set_kind(v1::PSYCHOTHERAPY_KIND_CBT);
  t->set_weeks(12);
  t->set_sessions(12);
}
inline void AddGoodCourse(v1::PatientDocumentation& d) {
  v1::PriorCourse* c = d.mutable_treatment_history()->add_courses();
  c->set_treatment(v1::TREATMENT_TMS);
  c->set_end_date("2025-06-01");
  c->set_improvement_percent(10);
}
// 49 good entries, so the next one added is the 50th (index 49), the last one allowed.
template <typename AddGood>
inline void FillTo49(v1::PatientDocumentation& d, AddGood add) {
  for (int i = 0; i < 49; ++i) add(d);
}

// ---- protobuf wire format by hand, for what generated code will not write --------------------------

inline std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kStartGroup = 3, kEndGroup = 4 };
inline std::string Tag(int field, WireType type) { return Varint((uint64_t{1} * field << 3) | type); }
inline std::string LengthDelimited(int field, const std::string& payload) {
  return Tag(field, kLengthDelimited) + Varint(payload.size()) + payload;
}

// An EstimateCourseRequest whose serialized size is exactly `size` bytes: the good request with a
// clinic_id (field 1) long enough to fill it.
inline Request EstimateOfExactSize(size_t size) {
  v1::EstimateCourseRequest r = GoodEstimate();
  r.clear_clinic_id();
  const size_t rest = r.ByteSizeLong();
  // tag (1 byte) + length varint (3 bytes for lengths of 16 KiB to 2 MiB) + the id itself
  r.set_clinic_id(std::string(size - rest - 1 - 3, 'a'));
  Request out = Serialized(kEstimateCourse, r);
  EXPECT_EQ(out.bytes.size(), size);
  return out;
}

// ---- the catalogue ---------------------------------------------------------------------------------

// Categories, as the issue lists them.
inline constexpr char kEmpty[] = "empty message or section";
inline constexpr char kHugeString[] = "huge string (under 1 MiB)";
inline constexpr char kHugeRepeated[] = "huge repeated field";
inline constexpr char kDeepList[] = "error deep in a documentation list";
inline constexpr char kAmount[] = "overflowing or NaN-like amount";
inline constexpr char kDate[] = "date far in the past or future";
inline constexpr char kEnum[] = "unknown enum number";
inline constexpr char kSizeLimit[] = "request at or over the 1 MiB limit";

struct HostileCase {
  const char* category;
  std::string name;
  Request request;
  StatusCode code;
  std::string mentions;  // must appear in the status message
  bool gzip = false;     // send the request gzip-compressed
};

// Every hostile request, with its category, the status code it must get and what its message must
// mention (hostile_catalogue.cc).
std::vector<HostileCase> Catalogue();

}  // namespace estimator::e2e

#endif  // ESTIMATOR_TESTS_E2E_HOSTILE_REQUESTS_H_
