// Two tools for optimizing the engine without changing what it answers.
//
// 1. Instruction counts of one scenario, steady state (the first call, which warms allocator and
//    lazy symbol binding, is not counted), for comparing before and after a change on a busy
//    machine:
//      valgrind --tool=callgrind --toggle-collect='estimator::bench::MeasuredRun*' <engine_profile> run tms 200
//    with <engine_profile> = build-bench/tests/bench/engine_profile;
//    instructions per call = callgrind's total / 200. Scenarios (each with its response serialized
//    by gRPC's own serializer, as the server does): tms, spravato, ketamine, compare, readiness; the
//    estimates and compare also with "_summary" (the summary view); each also with "_arena"
//    (tms_arena, tms_summary_arena...), the answer on a per-call arena.
//
// 2. Every answer, byte for byte, of a grid of requests over the bundled rules (every plan, both
//    clinics, both networks, three start dates across plan years, each treatment with several
//    maintenance plans, doses and drug benefits, accumulators, family tier, verified benefits,
//    plan-year starts, each documentation file of tests/testdata/documentation; comparisons and
//    readiness checks alike), errors included; each answer is also made on an arena and must be
//    the same bytes:
//      build-bench/tests/bench/engine_profile golden > before.txt   # ... change ..., then
//      build-bench/tests/bench/engine_profile golden > after.txt && cmp before.txt after.txt
//    `engine_profile check` does the arena comparison alone (a ctest test when tests are built).
#include <cstdio>
#include <type_traits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "service/engine/course_estimate.h"
#include "service/engine/readiness.h"
#include "tests/bench/bench_scenarios.h"

namespace estimator::bench {

// One call: the answer to `request`, serialized as gRPC does, on a per-call arena with the
// server's block sizes when `on_arena` (as the server does, arena_allocator.h), else on the heap.
// Returns its size.
template <typename Response, typename Request>
size_t Call(absl::Status (*method)(const RuleSet&, const Request&, absl::CivilDay, Response&),
            const Request& request, bool on_arena) {
  if (on_arena) {
    google::protobuf::Arena arena(CallArenaOptions());
    auto* response = google::protobuf::Arena::CreateMessage<Response>(&arena);
    if (!method(BundledRules(), request, kBenchToday, *response).ok()) std::abort();
    return SerializeAsGrpcDoes(*response);
  }
  Response response;
  if (!method(BundledRules(), request, kBenchToday, response).ok()) std::abort();
  return SerializeAsGrpcDoes(response);
}

// Scenarios: tms, spravato, ketamine, compare, readiness; with "_summary" the estimates and the
// comparison in the summary view; with "_arena" (last) on a per-call arena.
size_t RunScenario(const std::string& name, int iterations) {
  const bool on_arena = absl::EndsWith(name, "_arena");
  std::string scenario(absl::StripSuffix(name, "_arena"));
  const bool summary = absl::EndsWith(scenario, "_summary");
  scenario = std::string(absl::StripSuffix(scenario, "_summary"));
  const v1::EstimateView view = summary ? v1::ESTIMATE_VIEW_SUMMARY : v1::ESTIMATE_VIEW_UNSPECIFIED;
  size_t bytes = 0;
  if (scenario == "compare") {
    v1::CompareTreatmentsRequest request = CompareRequest();
    request.set_view(view);
    for (int i = 0; i < iterations; ++i) {
      bytes += Call<v1::CompareTreatmentsResponse>(&CompareTreatmentsInto, request, on_arena);
    }
  } else if (scenario == "readiness") {
    const v1::CheckPriorAuthReadinessRequest request = ReadinessRequest();
    for (int i = 0; i < iterations; ++i) {
      bytes += Call<v1::CheckPriorAuthReadinessResponse>(&CheckPriorAuthReadinessInto, request, on_arena);
    }
  } else {
    if (scenario != "tms" && scenario != "spravato" && scenario != "ketamine") {
      std::cerr << "unknown scenario " << name << "\n";
      std::exit(2);
    }
    const Course course = scenario == "tms"        ? Course::kTms
                          : scenario == "spravato" ? Course::kSpravato
                                                   : Course::kIvKetamine;
    v1::EstimateCourseRequest request = FullCourseRequest(course);
    request.set_view(view);
    for (int i = 0; i < iterations; ++i) {
      bytes += Call<v1::EstimateCourseResponse>(&EstimateCourseInto, request, on_arena);
    }
  }
  return bytes;
}

// The counted calls: `iterations` of `scenario`, after a first uncounted one.
__attribute__((noinline)) size_t MeasuredRun(const std::string& scenario, int iterations) {
  return RunScenario(scenario, iterations);
}

namespace {

// ---- the golden grid ----------------------------------------------------------------------------

std::string Text(const google::protobuf::Message& m) {
  std::string s;
  google::protobuf::TextFormat::PrintToString(m, &s);
  return s;
}

// `engine_profile check`: compare heap and arena answers only, print nothing.
bool g_check_only = false;

// The summary view (AIP-157) of an estimate or comparison must be the full answer without its
// lines and billed items, byte for byte.
template <typename Response, typename Request>
void CheckSummaryView(const std::string& title,
                      absl::Status (*method)(const RuleSet&, const Request&, absl::CivilDay, Response&),
                      const Request& request, const Response& full) {
  if constexpr (std::is_same_v<Request, v1::EstimateCourseRequest> ||
                std::is_same_v<Request, v1::CompareTreatmentsRequest>) {
    Request summary_request = request;
    summary_request.set_view(v1::ESTIMATE_VIEW_SUMMARY);
    Response summary;
    const absl::Status status = method(BundledRules(), summary_request, kBenchToday, summary);
    Response stripped = full;
    auto strip = [](v1::CourseEstimate& e) {
      e.clear_lines();
      e.clear_billed_items();
    };
    if constexpr (std::is_same_v<Request, v1::EstimateCourseRequest>) {
      strip(*stripped.mutable_estimate());
    } else {
      for (v1::CourseEstimate& e : *stripped.mutable_estimates()) strip(e);
    }
    if (!status.ok() || stripped.SerializeAsString() != summary.SerializeAsString()) {
      std::cerr << "the summary view differs from the full answer without lines: " << title << "\n";
      std::exit(1);
    }
  }
}

// Prints the answer to `request`, after checking that the same answer written on an arena has the
// same bytes, and that its summary view is the answer without lines.
template <typename Response, typename Request>
void Print(const std::string& title,
           absl::Status (*method)(const RuleSet&, const Request&, absl::CivilDay, Response&),
           const Request& request) {
  Response heap;
  const absl::Status status = method(BundledRules(), request, kBenchToday, heap);
  google::protobuf::Arena arena;
  auto* on_arena = google::protobuf::Arena::CreateMessage<Response>(&arena);
  const absl::Status arena_status = method(BundledRules(), request, kBenchToday, *on_arena);
  if (status != arena_status ||
      (status.ok() && heap.SerializeAsString() != on_arena->SerializeAsString())) {
    std::cerr << "the answer on an arena differs: " << title << "\n";
    std::exit(1);
  }
  if (status.ok()) CheckSummaryView(title, method, request, heap);
  if (g_check_only) return;
  std::cout << "### " << title << "\n";
  if (status.ok()) {
    std::cout << Text(heap);
  } else {
    std::cout << "ERROR " << status << "\n";
  }
}

std::vector<std::pair<std::string, v1::PatientDocumentation>> Documentation() {
  std::vector<std::pair<std::string, v1::PatientDocumentation>> out;
  const std::filesystem::path dir =
      std::filesystem::path(ESTIMATOR_SOURCE_DIR) / "tests/testdata/documentation";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream json;
    json << in.rdbuf();
    v1::PatientDocumentation doc;
    if (!google::protobuf::util::JsonStringToMessage(json.str(), &doc).ok()) std::abort();
    out.emplace_back(f.filename().string(), doc);
  }
  out.emplace_back("bench_ready", FromText<v1::PatientDocumentation>(ReadyDocumentationText()));
  return out;
}

std::vector<std::pair<std::string, v1::Coverage>> Coverages(const RuleSet& rules) {
  std::vector<std::pair<std::string, v1::Coverage>> out;
  v1::Coverage self_pay;
  self_pay.mutable_self_pay();
  out.emplace_back("self_pay", self_pay);
  std::set<std::pair<std::string, std::string>> plans;
  for (const PlanVersion* v : rules.AllPlanVersions()) {
    plans.emplace(v->plan.payer_id(), v->plan.plan_id());
  }
  const char* variants[] = {
      "",
      "met_so_far { deductible_met_cents: 25000 out_of_pocket_met_cents: 40000 }",
      "coverage_tier: COVERAGE_TIER_FAMILY met_so_far { deductible_met_cents: 10000 "
      "family_deductible_met_cents: 50000 }",
      "met_so_far { deductible_met_cents: 0 out_of_pocket_met_cents: 590000 } plan_year_start { "
      "month: 7 day: 1 } verified_benefits { coinsurance_bp: 3000 copay_cents: 5000 "
      "out_of_pocket_max_cents: 600000 deductible_cents: 100000 }",
  };
  for (const auto& [payer, plan] : plans) {
    for (const char* network : {"NETWORK_IN_NETWORK", "NETWORK_OUT_OF_NETWORK"}) {
      for (int i = 0; i < 4; ++i) {
        v1::Coverage c = FromText<v1::Coverage>(
            absl::StrCat("insurance { payer_id: '", payer, "' plan_id: '", plan, "' network: ",
                         network, " ", variants[i], " }"));
        out.emplace_back(absl::StrCat(payer, "/", plan, " ", network, " variant ", i), c);
      }
    }
  }
  return out;
}

const char* kCourses[] = {
    "treatment: TREATMENT_TMS",
    "treatment: TREATMENT_TMS maintenance { months: 12 frequency: MAINTENANCE_FREQUENCY_MONTHLY }",
    "treatment: TREATMENT_TMS protocol_id: 'tms_medicare_20_5' maintenance { months: 3 frequency: "
    "MAINTENANCE_FREQUENCY_WEEKLY }",
    "treatment: TREATMENT_SPRAVATO",
    "treatment: TREATMENT_SPRAVATO spravato { dose_mg: 84 } maintenance { months: 12 frequency: "
    "MAINTENANCE_FREQUENCY_EVERY_OTHER_WEEK }",
    "treatment: TREATMENT_SPRAVATO spravato { dose_mg: 56 drug_benefit: BENEFIT_PHARMACY } "
    "maintenance { months: 6 frequency: MAINTENANCE_FREQUENCY_WEEKLY }",
    "treatment: TREATMENT_SPRAVATO spravato { drug_benefit: BENEFIT_MEDICAL } maintenance { months: 0 }",
    "treatment: TREATMENT_IV_KETAMINE",
    "treatment: TREATMENT_IV_KETAMINE maintenance { months: 12 frequency: MAINTENANCE_FREQUENCY_MONTHLY }",
};

const char* kStarts[] = {"2025-12-15", "2026-03-02", "2026-12-14"};
const char* kClinics[] = {"riverbend", "lakeshore"};

int Golden() {
  const RuleSet& rules = BundledRules();
  const auto coverages = Coverages(rules);
  const auto docs = Documentation();
  for (const char* clinic : kClinics) {
    for (const char* start : kStarts) {
      for (const auto& [coverage_name, coverage] : coverages) {
        for (const char* course : kCourses) {
          v1::EstimateCourseRequest r;
          r.set_clinic_id(clinic);
          *r.mutable_coverage() = coverage;
          r.set_course_start_date(start);
          *r.mutable_course() = FromText<v1::CourseOptions>(course);
          Print(absl::StrCat("estimate ", clinic, " ", start, " ", coverage_name, " ", course),
                &EstimateCourseInto, r);
        }
        v1::CompareTreatmentsRequest c;
        c.set_clinic_id(clinic);
        *c.mutable_coverage() = coverage;
        c.set_course_start_date(start);
        Print(absl::StrCat("compare ", clinic, " ", start, " ", coverage_name), &CompareTreatmentsInto,
              c);
      }
    }
  }
  // Documentation: with estimates, comparisons and readiness checks, in network, each plan.
  for (const auto& [doc_name, doc] : docs) {
    for (const auto& [coverage_name, coverage] : coverages) {
      if (!coverage.has_self_pay() && coverage_name.find("IN_NETWORK variant 1") == std::string::npos) {
        continue;
      }
      for (const char* course : {kCourses[1], kCourses[4], kCourses[8]}) {
        v1::EstimateCourseRequest r;
        r.set_clinic_id("riverbend");
        *r.mutable_coverage() = coverage;
        r.set_course_start_date("2026-12-14");
        *r.mutable_course() = FromText<v1::CourseOptions>(course);
        *r.mutable_documentation() = doc;
        Print(absl::StrCat("estimate+doc ", doc_name, " ", coverage_name, " ", course),
              &EstimateCourseInto, r);
      }
      v1::CompareTreatmentsRequest c;
      c.set_clinic_id("riverbend");
      *c.mutable_coverage() = coverage;
      c.set_course_start_date("2026-12-14");
      *c.mutable_documentation() = doc;
      Print(absl::StrCat("compare+doc ", doc_name, " ", coverage_name), &CompareTreatmentsInto, c);
      if (coverage.has_self_pay()) continue;
      for (v1::Treatment t : {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO, v1::TREATMENT_IV_KETAMINE}) {
        for (const char* planned : {"", "2025-12-01"}) {
          v1::CheckPriorAuthReadinessRequest q;
          q.set_payer_id(coverage.insurance().payer_id());
          q.set_plan_id(coverage.insurance().plan_id());
          q.set_treatment(t);
          q.set_planned_start_date(planned);
          *q.mutable_documentation() = doc;
          Print(absl::StrCat("readiness ", doc_name, " ", coverage_name, " ", v1::Treatment_Name(t),
                             " ", planned),
                &CheckPriorAuthReadinessInto, q);
        }
      }
    }
  }
  return 0;
}

}  // namespace
}  // namespace estimator::bench

int main(int argc, char** argv) {
  using namespace estimator::bench;
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "golden" && argc == 2) return Golden();
  if (mode == "check" && argc == 2) {
    g_check_only = true;
    int failed = Golden();
    std::printf("every answer of the grid is the same on an arena as on the heap\n");
    // The benchmarks' and load tests' readiness request is labelled ready: it must stay ready, or
    // they measure a different path than they say (it went not ready when Aetna's trials became 8
    // weeks).
    auto ready = CheckPriorAuthReadiness(BundledRules(), ReadinessRequest(), kBenchToday);
    if (!ready.ok() ||
        ready->assessment().prior_auth() != estimator::v1::PRIOR_AUTH_READINESS_READY) {
      std::printf("FAIL: the bench readiness request (ready_documentation.textproto) is not ready\n");
      ++failed;
    }
    return failed;
  }
  if (mode == "run" && argc == 4) {
    RunScenario(argv[2], 1);  // loads the rules and warms up; not counted
    const int n = std::atoi(argv[3]);
    const size_t bytes = MeasuredRun(argv[2], n);
    std::printf("%s: %d calls, %zu response bytes each\n", argv[2], n, bytes / (n > 0 ? n : 1));
    return 0;
  }
  std::fprintf(stderr,
               "usage: engine_profile run tms|spravato|ketamine|compare[_summary]|readiness[_arena] N\n"
               "       engine_profile golden > answers.txt\n"
               "       engine_profile check   # answers on an arena = answers on the heap; the\n"
               "                              # readiness request is ready\n");
  return 2;
}
