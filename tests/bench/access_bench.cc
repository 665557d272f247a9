// The fixed cost of knowing who calls: hashing a bearer token (SHA-256, what every call paid
// before issue 19) against finding an already-verified token (VerifiedTokens, what a known caller
// pays now).
//
//   build-bench/tests/bench/access_bench
#include "benchmark/benchmark.h"
#include "service/common/sha256.h"
#include "service/server/access_control.h"

namespace estimator {
namespace {

constexpr char kToken[] = "Zq3k9Yp2mB7xLw4vT1sR8nC6dH0fJ5gA";  // a 32-byte token

void BM_HashToken(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Sha256Hex(kToken));
}
BENCHMARK(BM_HashToken);

void BM_FindVerifiedToken(benchmark::State& state) {
  static VerifiedTokens tokens;
  tokens.Add(kToken, Caller{"desk", v1::ROLE_FRONT_DESK});  // each thread verifies it once
  for (auto _ : state) benchmark::DoNotOptimize(tokens.Find(kToken));
}
BENCHMARK(BM_FindVerifiedToken)->Threads(1)->Threads(2);

}  // namespace
}  // namespace estimator

BENCHMARK_MAIN();
