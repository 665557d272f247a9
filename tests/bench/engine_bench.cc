// In-process costs of the engine, no gRPC: a full-course estimate of each treatment with its
// response message, the three-treatment comparison, and a readiness check against a TMS policy of
// about ten criteria, all on the bundled rules (payer_rules/).
//
//   cmake -S . -B build -DESTIMATOR_BUILD_BENCHMARKS=ON && cmake --build build --target engine_bench
//   build/tests/bench/engine_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "google/protobuf/text_format.h"
#include "service/engine/course_estimate.h"
#include "service/engine/readiness.h"
#include "service/rules/rule_set.h"

namespace estimator {
namespace {

const absl::CivilDay kToday(2026, 11, 20);

const RuleSet& Rules() {
  static const std::shared_ptr<const RuleSet> rules = [] {
    auto set = RuleSet::Load(std::string(ESTIMATOR_SOURCE_DIR) + "/payer_rules", absl::Now());
    if (!set.ok()) std::abort();
    return *set;
  }();
  return *rules;
}

template <typename Message>
Message FromText(const char* text) {
  Message m;
  if (!google::protobuf::TextFormat::ParseFromString(text, &m)) std::abort();
  return m;
}

// The documentation of a patient who meets Aetna's TMS policy (tests/testdata/documentation/aetna_tms_ready.json).
constexpr char kDocumentation[] = R"pb(
  as_of_date: "2026-11-16" age_years: 42 diagnosis_codes: "F33.2" current_episode_start: "2025-10-01"
  antidepressant_history {
    trials { drug: "sertraline" daily_dose: "150 mg" weeks: 8 outcome: TRIAL_OUTCOME_NO_RESPONSE episode: EPISODE_CURRENT }
    trials { drug: "venlafaxine" daily_dose: "150 mg" weeks: 8 outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE episode: EPISODE_CURRENT }
    trials { drug: "aripiprazole" daily_dose: "5 mg" weeks: 6 outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE episode: EPISODE_CURRENT augmentation: true }
  }
  psychotherapy_history { trials { kind: PSYCHOTHERAPY_KIND_CBT weeks: 12 sessions: 12 outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE } }
  severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 19 date: "2026-11-09" }
  contraindication_screening {}
  treatment_history {}
  prescriber_specialty: PRESCRIBER_SPECIALTY_PSYCHIATRIST
)pb";

v1::EstimateCourseRequest Request(const char* course) {
  v1::EstimateCourseRequest r = FromText<v1::EstimateCourseRequest>(R"pb(
    clinic_id: "riverbend"
    coverage { insurance { payer_id: "aetna" plan_id: "open_access_ppo" network: NETWORK_IN_NETWORK
                           met_so_far { deductible_met_cents: 25000 out_of_pocket_met_cents: 40000 } } }
    course_start_date: "2026-12-14")pb");
  *r.mutable_course() = FromText<v1::CourseOptions>(course);
  return r;
}

// TMS 36 sessions + 12 months of maintenance; Spravato induction + optimization + 12 months every
// 2 weeks; IV ketamine 6 + 12 monthly boosters.
constexpr const char* kCourses[] = {
    "treatment: TREATMENT_TMS maintenance { months: 12 frequency: MAINTENANCE_FREQUENCY_MONTHLY }",
    "treatment: TREATMENT_SPRAVATO maintenance { months: 12 frequency: MAINTENANCE_FREQUENCY_EVERY_OTHER_WEEK }",
    "treatment: TREATMENT_IV_KETAMINE maintenance { months: 12 frequency: MAINTENANCE_FREQUENCY_MONTHLY }"};

void BM_EstimateFullCourse(benchmark::State& state) {
  const v1::EstimateCourseRequest request = Request(kCourses[state.range(0)]);
  int64_t lines = 0;
  for (auto _ : state) {
    absl::StatusOr<v1::EstimateCourseResponse> r = EstimateCourse(Rules(), request, kToday);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    lines = r->estimate().lines_size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["lines"] = static_cast<double>(lines);
  state.SetLabel(state.range(0) == 0 ? "TMS" : state.range(0) == 1 ? "Spravato" : "IV ketamine");
}
BENCHMARK(BM_EstimateFullCourse)->DenseRange(0, 2);

// The same, with the response serialized as the server would send it.
void BM_EstimateFullCourseSerialized(benchmark::State& state) {
  const v1::EstimateCourseRequest request = Request(kCourses[state.range(0)]);
  std::string wire;
  for (auto _ : state) {
    absl::StatusOr<v1::EstimateCourseResponse> r = EstimateCourse(Rules(), request, kToday);
    r->SerializeToString(&wire);
    benchmark::DoNotOptimize(wire);
  }
  state.counters["bytes"] = static_cast<double>(wire.size());
}
BENCHMARK(BM_EstimateFullCourseSerialized)->DenseRange(0, 2);

void BM_CompareThreeTreatments(benchmark::State& state) {
  v1::CompareTreatmentsRequest request;
  const v1::EstimateCourseRequest one = Request(kCourses[0]);
  request.set_clinic_id(one.clinic_id());
  *request.mutable_coverage() = one.coverage();
  request.set_course_start_date(one.course_start_date());
  for (auto _ : state) {
    auto r = CompareTreatments(Rules(), request, kToday);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_CompareThreeTreatments);

// Aetna's TMS policy: 8 criteria, one of them an any_of of two scores (10 checks in all).
void BM_ReadinessTms(benchmark::State& state) {
  v1::CheckPriorAuthReadinessRequest request;
  request.set_payer_id("aetna");
  request.set_plan_id("open_access_ppo");
  request.set_treatment(v1::TREATMENT_TMS);
  *request.mutable_documentation() = FromText<v1::PatientDocumentation>(kDocumentation);
  v1::PriorAuthReadiness verdict = v1::PRIOR_AUTH_READINESS_UNSPECIFIED;
  for (auto _ : state) {
    auto r = CheckPriorAuthReadiness(Rules(), request, kToday);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    verdict = r->assessment().prior_auth();
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(v1::PriorAuthReadiness_Name(verdict));
}
BENCHMARK(BM_ReadinessTms);

}  // namespace
}  // namespace estimator

BENCHMARK_MAIN();
