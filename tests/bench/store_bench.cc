// What a durable save costs in the quote store itself, per backend: one Insert (a quote of ~8 KB
// body and ~300 B summary, plus its first event) committed before it returns, from 1 and 4
// threads. Reports saves/s (items_per_second) and the p50/p99 latency of single saves.
//
//   build-bench/tests/bench/store_bench                       # SQLite in /tmp (WAL, synchronous=FULL)
//   ESTIMATOR_TEST_POSTGRES_URL_FILE=/path/url build-bench/tests/bench/store_bench   # + PostgreSQL
// (tests/store/postgres_fixture.sh start DIR writes DIR/url.) The PostgreSQL cases report an error
// when no URL is given; benchmarks do not run in CI.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "service/store/quote_store.h"
#include "tests/store/postgres_test_database.h"

namespace estimator {
namespace {

std::unique_ptr<QuoteStore> OpenFor(const std::string& backend, std::string* error) {
  std::string location;
  if (backend == "sqlite") {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / absl::StrCat("store_bench_", getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    location = "sqlite:" + (dir / "quotes.db").string();
  } else {
    absl::StatusOr<std::string> url = FreshPostgresDatabase("store_bench");
    if (!url.ok()) {
      *error = std::string(url.status().message());
      return nullptr;
    }
    location = *url;
  }
  absl::StatusOr<std::unique_ptr<QuoteStore>> store = OpenQuoteStore(location);
  if (!store.ok() || !(*store)->Migrate().ok()) {
    *error = store.ok() ? "migration failed" : std::string(store.status().message());
    return nullptr;
  }
  return *std::move(store);
}

struct Shared {
  std::unique_ptr<QuoteStore> store;
  std::string error;
  std::mutex mu;
  std::vector<double> latencies_us;
  std::atomic<int64_t> next{0};
};

Shared& SharedFor(const std::string& backend) {
  static Shared sqlite, postgres;
  return backend == "sqlite" ? sqlite : postgres;
}

void BM_DurableSave(benchmark::State& state, const std::string& backend) {
  Shared& shared = SharedFor(backend);
  if (state.thread_index() == 0) {
    shared.store = OpenFor(backend, &shared.error);
    shared.latencies_us.clear();
  }
  // Google Benchmark starts every thread's loop together, after thread 0's setup above.
  QuoteRecord r;
  r.kind = 1;
  r.clinic_id = "riverbend";
  r.patient_reference = "MRN-BENCH";
  r.summary = std::string(300, 's');
  r.body = std::string(8192, 'b');
  QuoteEventRecord issued;
  issued.seq = 1;
  issued.status = 1;
  issued.by = "bench";
  issued.by_role = 2;
  std::vector<double> mine;
  for (auto _ : state) {
    if (shared.store == nullptr) {
      state.SkipWithError(absl::StrCat(backend, ": ", shared.error).c_str());
      break;
    }
    r.quote_id = absl::StrCat("q_bench_", state.thread_index(), "_", shared.next++);
    r.created_at = r.expires_at = issued.at = absl::Now();
    const absl::Time start = absl::Now();
    const absl::Status s = shared.store->Insert(r, issued);
    mine.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
    if (!s.ok()) {
      state.SkipWithError(std::string(s.message()).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  {
    std::lock_guard<std::mutex> lock(shared.mu);
    shared.latencies_us.insert(shared.latencies_us.end(), mine.begin(), mine.end());
  }
  if (state.thread_index() == 0 && !shared.latencies_us.empty()) {
    // Thread 0 reports after its own loop; the others may still be adding theirs, so the
    // percentiles cover at least thread 0's saves and usually all.
    std::vector<double> all;
    {
      std::lock_guard<std::mutex> lock(shared.mu);
      all = shared.latencies_us;
    }
    std::sort(all.begin(), all.end());
    state.counters["p50_us"] = all[all.size() / 2];
    state.counters["p99_us"] = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
}

BENCHMARK_CAPTURE(BM_DurableSave, sqlite, std::string("sqlite"))->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK_CAPTURE(BM_DurableSave, postgresql, std::string("postgresql"))
    ->UseRealTime()->Threads(1)->Threads(4);

}  // namespace
}  // namespace estimator

BENCHMARK_MAIN();
