// The requests the benchmarks and the profiling driver measure, on the bundled rules (payer_rules/):
// the full courses of issue 6 (TMS 36 sessions + 12 months of maintenance; Spravato induction +
// optimization + 12 months every other week; IV ketamine 6 + 12 monthly boosters) for an Aetna PPO
// patient in network, the three-treatment comparison, and a readiness check against Aetna's TMS
// policy (8 criteria, one an any_of of two scores: 10 checks) with documentation that meets it.
//
//   const RuleSet& rules = BundledRules();
//   auto r = EstimateCourse(rules, FullCourseRequest(Course::kTms), kBenchToday);
#ifndef ESTIMATOR_TESTS_BENCH_BENCH_SCENARIOS_H_
#define ESTIMATOR_TESTS_BENCH_BENCH_SCENARIOS_H_

#include <cstdlib>
#include <memory>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "estimator/v1/estimator.pb.h"
#include "estimator/v1/readiness.pb.h"
#include "google/protobuf/arena.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/impl/grpc_library.h"
#include "grpcpp/support/byte_buffer.h"
#include "google/protobuf/text_format.h"
#include "service/rules/rule_set.h"
#include "service/server/arena_allocator.h"

namespace estimator::bench {

// Fixed, so that a run does not depend on the day it is made.
inline const absl::CivilDay kBenchToday(2026, 11, 20);

inline std::string BundledRulesDir() { return std::string(ESTIMATOR_SOURCE_DIR) + "/payer_rules"; }

// Loaded once per process, before any timing starts (call it outside the timed loop).
inline const RuleSet& BundledRules() {
  static const std::shared_ptr<const RuleSet> rules = [] {
    auto set = RuleSet::Load(BundledRulesDir(), absl::Now());
    if (!set.ok()) std::abort();
    return *set;
  }();
  return *rules;
}

template <typename Message>
Message FromText(const std::string& text) {
  Message m;
  if (!google::protobuf::TextFormat::ParseFromString(text, &m)) std::abort();
  return m;
}

enum class Course { kTms = 0, kSpravato = 1, kIvKetamine = 2 };

inline const char* CourseName(Course c) {
  switch (c) {
    case Course::kTms: return "TMS 36 + 12 months monthly";
    case Course::kSpravato: return "Spravato 8+4 + 12 months every 2 weeks";
    case Course::kIvKetamine: return "IV ketamine 6 + 12 monthly";
  }
  return "";
}

inline const char* CourseOptionsText(Course c) {
  switch (c) {
    case Course::kTms:
      return "treatment: TREATMENT_TMS maintenance { months: 12 frequency: MAINTENANCE_FREQUENCY_MONTHLY }";
    case Course::kSpravato:
      return "treatment: TREATMENT_SPRAVATO maintenance { months: 12 frequency: "
             "MAINTENANCE_FREQUENCY_EVERY_OTHER_WEEK }";
    case Course::kIvKetamine:
      return "treatment: TREATMENT_IV_KETAMINE maintenance { months: 12 frequency: "
             "MAINTENANCE_FREQUENCY_MONTHLY }";
  }
  return "";
}

// An Aetna Open Access PPO patient, in network, part of the deductible met, starting mid-December
// (so the course crosses into a new plan year).
constexpr char kCoverageText[] = R"pb(
  insurance { payer_id: "aetna" plan_id: "open_access_ppo" network: NETWORK_IN_NETWORK
              met_so_far { deductible_met_cents: 25000 out_of_pocket_met_cents: 40000 } })pb";

inline v1::EstimateCourseRequest FullCourseRequest(Course c) {
  v1::EstimateCourseRequest r;
  r.set_clinic_id("riverbend");
  *r.mutable_coverage() = FromText<v1::Coverage>(kCoverageText);
  r.set_course_start_date("2026-12-14");
  *r.mutable_course() = FromText<v1::CourseOptions>(CourseOptionsText(c));
  return r;
}

// Every treatment the clinic offers (TMS, Spravato, IV ketamine), each with its protocol's defaults.
inline v1::CompareTreatmentsRequest CompareRequest() {
  v1::CompareTreatmentsRequest r;
  r.set_clinic_id("riverbend");
  *r.mutable_coverage() = FromText<v1::Coverage>(kCoverageText);
  r.set_course_start_date("2026-12-14");
  return r;
}

// A patient who meets Aetna's TMS policy (as tests/testdata/documentation/aetna_tms_ready.json).
// A patient whose documentation meets the Aetna-modelled TMS policy (shared with the load test).
inline std::string ReadyDocumentationText() {
  std::ifstream in(std::string(ESTIMATOR_SOURCE_DIR) + "/tests/testdata/bench/ready_documentation.textproto");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline v1::CheckPriorAuthReadinessRequest ReadinessRequest() {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id("aetna");
  r.set_plan_id("open_access_ppo");
  r.set_treatment(v1::TREATMENT_TMS);
  *r.mutable_documentation() = FromText<v1::PatientDocumentation>(ReadyDocumentationText());
  return r;
}

// The response's wire bytes made as the server makes them: gRPC's own serializer into a
// ByteBuffer of slices (not SerializeToString, which zero-fills a std::string first). Returns the
// size.
template <typename Message>
size_t SerializeAsGrpcDoes(const Message& message) {
  static grpc::internal::GrpcLibraryInitializer init;  // gRPC's codegen interface, once
  init.summon();
  grpc::ByteBuffer buffer;
  bool own_buffer = false;
  if (!grpc::SerializationTraits<Message>::Serialize(message, &buffer, &own_buffer).ok()) {
    std::abort();
  }
  return buffer.Length();
}


}  // namespace estimator::bench

#endif  // ESTIMATOR_TESTS_BENCH_BENCH_SCENARIOS_H_
