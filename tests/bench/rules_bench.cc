// Rule loading: reading, parsing, validating and compiling a rule directory with 1,000 generated
// plan files (plus the 9 bundled ones), written once to a temporary directory. Issue 6's target is
// <= 1 s for the whole load. BENCHMARKS.md has the figures.
//
//   build-bench/tests/bench/rules_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/rules/rule_set.h"
#include "tests/bench/bench_scenarios.h"
#include "tests/bench/generated_rules.h"

namespace estimator::bench {
namespace {

namespace fs = std::filesystem;

// A rule directory with `generated` more plan files, written once per process and removed at exit.
const std::string& GeneratedDirectory(int generated) {
  static const std::string dir = [generated] {
    const fs::path d = fs::temp_directory_path() / absl::StrCat("estimator_rules_bench_", getpid());
    absl::Status s = WriteGeneratedRuleDirectory(BundledRulesDir(), generated, d.string());
    if (!s.ok()) std::abort();
    std::atexit([] { std::error_code ec; fs::remove_all(dir, ec); });
    return d.string();
  }();
  return dir;
}

constexpr int kGeneratedPlans = 1000;

// Everything the server does on start or reload: read, parse, validate, compile.
void BM_LoadRuleDirectory(benchmark::State& state) {
  const std::string& dir = GeneratedDirectory(kGeneratedPlans);
  size_t plans = 0;
  for (auto _ : state) {
    auto set = RuleSet::Load(dir, absl::Now());
    if (!set.ok()) state.SkipWithError(std::string(set.status().message().substr(0, 300)).c_str());
    plans = (*set)->AllPlanVersions().size();
  }
  state.counters["plan_files"] = static_cast<double>(plans);
}
BENCHMARK(BM_LoadRuleDirectory)->Unit(benchmark::kMillisecond)->Iterations(3);

// The first half of it: reading and parsing the text format (with locations for error messages).
void BM_ReadRuleDirectory(benchmark::State& state) {
  const std::string& dir = GeneratedDirectory(kGeneratedPlans);
  for (auto _ : state) {
    auto files = ReadRuleDirectory(dir);
    if (!files.ok()) std::abort();
    benchmark::DoNotOptimize(files);
  }
}
BENCHMARK(BM_ReadRuleDirectory)->Unit(benchmark::kMillisecond)->Iterations(3);

// The second half: validating and compiling parsed files into a RuleSet.
void BM_CreateRuleSet(benchmark::State& state) {
  const std::string& dir = GeneratedDirectory(kGeneratedPlans);
  auto files = ReadRuleDirectory(dir);
  if (!files.ok()) std::abort();
  for (auto _ : state) {
    state.PauseTiming();
    RuleFiles copy = *files;
    state.ResumeTiming();
    auto set = RuleSet::Create(std::move(copy), absl::Now());
    if (!set.ok()) std::abort();
    benchmark::DoNotOptimize(set);
  }
}
BENCHMARK(BM_CreateRuleSet)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace estimator::bench

BENCHMARK_MAIN();
