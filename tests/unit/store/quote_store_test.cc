// One suite, both backends: every test runs against SQLite (a temporary file) and against a real
// PostgreSQL (a fresh database on the tests' private cluster, tests/store/postgres_fixture.sh).
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/store/quote_store.h"
#include "tests/store/postgres_test_database.h"

namespace estimator {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

constexpr int kIssued = 1, kVoided = 2, kReplaced = 3, kExpired = 4;
const absl::Time kT0 = absl::FromUnixSeconds(1796428800);  // 2026-12-05T00:00:00Z

QuoteRecord Record(const std::string& id, absl::Time created, std::string clinic = "riverbend",
                   std::string patient = "", int kind = 1) {
  QuoteRecord r;
  r.quote_id = id;
  r.kind = kind;
  r.clinic_id = std::move(clinic);
  r.patient_reference = std::move(patient);
  r.created_at = created;
  r.expires_at = created + absl::Hours(24 * 30);
  r.summary = absl::StrCat("summary of ", id, std::string("\x00\xff\x01", 3));
  r.body = absl::StrCat("body of ", id, std::string("\x00\xff\x80\x7f", 4), std::string(8000, 'x'));
  return r;
}

QuoteEventRecord Event(int seq, int status, absl::Time at, std::string reason = "") {
  QuoteEventRecord e;
  e.seq = seq;
  e.at = at;
  e.status = status;
  e.by = "desk";
  e.by_role = 2;
  e.reason = std::move(reason);
  return e;
}

class QuoteStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const int n = counter++;
    if (GetParam() == "sqlite") {
      dir_ = fs::temp_directory_path() / absl::StrCat("quote_store_test_", getpid(), "_", n);
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      location_ = "sqlite:" + (dir_ / "quotes.db").string();
    } else {
      // One database per test: ctest runs each test in its own process, several at once.
      std::string name = absl::AsciiStrToLower(
          ::testing::UnitTest::GetInstance()->current_test_info()->name());
      for (char& c : name) if (!absl::ascii_isalnum(c)) c = '_';
      absl::StatusOr<std::string> url = FreshPostgresDatabase(absl::StrCat("qs_", name).substr(0, 60));
      ASSERT_TRUE(url.ok()) << url.status();
      location_ = *url;
    }
    absl::StatusOr<std::unique_ptr<QuoteStore>> store = OpenQuoteStore(location_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ASSERT_TRUE(store_->Migrate().ok());
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Runs one SQL statement on the same database, outside the store (to set up what the interface
  // cannot, such as a schema from the future).
  void RawSql(const std::string& sql) {
    if (GetParam() == "sqlite") {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open((dir_ / "quotes.db").c_str(), &db), SQLITE_OK);
      EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
      sqlite3_close(db);
    } else {
      PGconn* c = PQconnectdb(location_.c_str());
      PGresult* r = PQexec(c, sql.c_str());
      EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
      PQclear(r);
      PQfinish(c);
    }
  }

  void Insert(const QuoteRecord& r) {
    ASSERT_TRUE(store_->Insert(r, Event(1, kIssued, r.created_at)).ok()) << r.quote_id;
  }

  std::vector<std::string> Ids(const QuoteQuery& q) {
    absl::StatusOr<std::vector<ListedQuote>> rows = store_->List(q);
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<std::string> ids;
    if (rows.ok()) for (const ListedQuote& row : *rows) ids.push_back(row.record.quote_id);
    return ids;
  }

  QuoteQuery Query(std::string clinic = "riverbend") {
    QuoteQuery q;
    q.clinic_id = std::move(clinic);
    q.now = kT0 + absl::Hours(1);
    q.limit = 1000;
    return q;
  }

  fs::path dir_;
  std::string location_;
  std::unique_ptr<QuoteStore> store_;
};

TEST_P(QuoteStoreTest, RoundTripKeepsEveryByte) {
  const QuoteRecord r = Record("q_a", kT0, "riverbend", "MRN-1");
  Insert(r);
  absl::StatusOr<StoredQuote> got = store_->Get("q_a");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->record.body, r.body);
  EXPECT_EQ(got->record.summary, r.summary);
  EXPECT_EQ(got->record.clinic_id, "riverbend");
  EXPECT_EQ(got->record.patient_reference, "MRN-1");
  EXPECT_EQ(got->record.kind, 1);
  EXPECT_EQ(got->record.created_at, kT0);
  EXPECT_EQ(got->record.expires_at, r.expires_at);
  ASSERT_EQ(got->events.size(), 1u);
  EXPECT_EQ(got->events[0].seq, 1);
  EXPECT_EQ(got->events[0].status, kIssued);
  EXPECT_EQ(got->events[0].by, "desk");
  EXPECT_EQ(got->events[0].by_role, 2);
  EXPECT_EQ(got->events[0].at, kT0);
  EXPECT_EQ(store_->backend(), GetParam());
}

TEST_P(QuoteStoreTest, TakenIdsAndMissingQuotes) {
  Insert(Record("q_a", kT0));
  absl::Status again = store_->Insert(Record("q_a", kT0), Event(1, kIssued, kT0));
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  absl::StatusOr<StoredQuote> missing = store_->Get("q_nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("q_nope"));
  absl::Status append = store_->AppendEvent("q_nope", Event(2, kVoided, kT0));
  EXPECT_EQ(append.code(), absl::StatusCode::kNotFound) << append;
}

TEST_P(QuoteStoreTest, EventsAreNumberedAndATakenNumberIsAborted) {
  Insert(Record("q_a", kT0));
  ASSERT_TRUE(store_->AppendEvent("q_a", Event(2, kVoided, kT0 + absl::Seconds(1), "typo")).ok());
  absl::Status taken = store_->AppendEvent("q_a", Event(2, kVoided, kT0 + absl::Seconds(2)));
  EXPECT_EQ(taken.code(), absl::StatusCode::kAborted) << taken;
  absl::StatusOr<StoredQuote> got = store_->Get("q_a");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->events.size(), 2u);
  EXPECT_EQ(got->events[1].reason, "typo");
}

TEST_P(QuoteStoreTest, AReplacementIsAllOrNothing) {
  Insert(Record("q_old", kT0));
  ASSERT_TRUE(store_->AppendEvent("q_old", Event(2, kVoided, kT0)).ok());
  EventForOtherQuote stale{"q_old", Event(2, kReplaced, kT0)};  // seq 2 is taken
  absl::Status s = store_->Insert(Record("q_new", kT0), Event(1, kIssued, kT0), stale);
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << s;
  EXPECT_EQ(store_->Get("q_new").status().code(), absl::StatusCode::kNotFound);  // nothing written
  EventForOtherQuote good{"q_old", Event(3, kReplaced, kT0)};
  good.event.replaced_by = "q_new";
  ASSERT_TRUE(store_->Insert(Record("q_new", kT0), Event(1, kIssued, kT0), good).ok());
  absl::StatusOr<StoredQuote> old = store_->Get("q_old");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->events.back().replaced_by, "q_new");
}

TEST_P(QuoteStoreTest, ListFiltersByClinicDatesPatientKindAndStatus) {
  Insert(Record("q_1", kT0, "riverbend", "P1", 1));
  Insert(Record("q_2", kT0 + absl::Hours(24), "riverbend", "P2", 2));
  Insert(Record("q_3", kT0 + absl::Hours(48), "riverbend", "P1", 3));
  Insert(Record("q_4", kT0 + absl::Hours(48), "lakeshore", "P1", 1));
  QuoteRecord expired = Record("q_5", kT0 - absl::Hours(24 * 40), "riverbend", "P3", 1);
  Insert(expired);  // created 40 days before now: past its 30 days
  ASSERT_TRUE(store_->AppendEvent("q_2", Event(2, kVoided, kT0)).ok());
  ASSERT_TRUE(store_->AppendEvent("q_3", Event(2, kReplaced, kT0)).ok());

  QuoteQuery q = Query();
  q.now = kT0 + absl::Hours(72);
  EXPECT_THAT(Ids(q), ::testing::ElementsAre("q_3", "q_2", "q_1", "q_5"));
  EXPECT_THAT(Ids(Query("lakeshore")), ::testing::ElementsAre("q_4"));
  QuoteQuery dates = q;
  dates.created_from = kT0 + absl::Hours(24);
  dates.created_before = kT0 + absl::Hours(48);
  EXPECT_THAT(Ids(dates), ::testing::ElementsAre("q_2"));
  QuoteQuery patient = q;
  patient.patient_reference = "P1";
  EXPECT_THAT(Ids(patient), ::testing::ElementsAre("q_3", "q_1"));
  QuoteQuery kind = q;
  kind.kind = 2;
  EXPECT_THAT(Ids(kind), ::testing::ElementsAre("q_2"));
  for (auto [status, expected] : std::vector<std::pair<int, std::vector<std::string>>>{
           {kIssued, {"q_1"}}, {kVoided, {"q_2"}}, {kReplaced, {"q_3"}}, {kExpired, {"q_5"}}}) {
    QuoteQuery s = q;
    s.status = status;
    EXPECT_EQ(Ids(s), expected) << status;
  }
  absl::StatusOr<std::vector<ListedQuote>> rows = store_->List(q);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].last_status, kReplaced);
  EXPECT_TRUE((*rows)[0].record.body.empty());  // listings carry the summary only
  EXPECT_EQ((*rows)[0].record.summary, Record("q_3", kT0).summary);
}

TEST_P(QuoteStoreTest, KeysetPagesReturnEveryQuoteOnceNewestFirst) {
  std::set<std::string> all;
  for (int i = 0; i < 250; ++i) {
    // Groups of five share a creation instant: ties are broken by id.
    const std::string id = absl::StrCat("q_", 1000 + (i * 7919) % 250);
    Insert(Record(id, kT0 + absl::Seconds(i / 5)));
    all.insert(id);
  }
  QuoteQuery q = Query();
  q.limit = 17;
  std::vector<std::string> seen;
  std::pair<absl::Time, std::string> last{absl::InfiniteFuture(), ""};
  for (int page = 0; page < 100; ++page) {
    absl::StatusOr<std::vector<ListedQuote>> rows = store_->List(q);
    ASSERT_TRUE(rows.ok()) << rows.status();
    for (const ListedQuote& row : *rows) {
      const std::pair<absl::Time, std::string> key{row.record.created_at, row.record.quote_id};
      EXPECT_TRUE(key < last) << row.record.quote_id;  // strictly descending
      last = key;
      seen.push_back(row.record.quote_id);
    }
    if (static_cast<int>(rows->size()) < q.limit) break;
    q.after = last;
  }
  EXPECT_EQ(seen.size(), 250u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all);
}

TEST_P(QuoteStoreTest, PurgeRemovesOnlyOlderQuotesWithTheirHistory) {
  Insert(Record("q_old1", kT0 - absl::Hours(24 * 365 * 7)));
  Insert(Record("q_old2", kT0 - absl::Hours(24 * 365 * 7)));
  ASSERT_TRUE(store_->AppendEvent("q_old1", Event(2, kVoided, kT0)).ok());
  Insert(Record("q_new", kT0));
  absl::StatusOr<int64_t> purged = store_->PurgeCreatedBefore(kT0 - absl::Hours(24 * 365 * 6));
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 2);
  EXPECT_EQ(store_->Get("q_old1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->Get("q_new").ok());
  // Their ids are free again and no orphan event blocks them.
  Insert(Record("q_old1", kT0));
  EXPECT_EQ(store_->Get("q_old1")->events.size(), 1u);
  EXPECT_EQ(*store_->PurgeCreatedBefore(kT0 - absl::Hours(24 * 365 * 6)), 0);
}

TEST_P(QuoteStoreTest, MigrationsFromEmptyFromVersionOneAndFromTheFuture) {
  // This test's own database, migrated step by step.
  store_.reset();
  if (GetParam() == "sqlite") {
    fs::remove(dir_ / "quotes.db");
    fs::remove(dir_ / "quotes.db-wal");
    fs::remove(dir_ / "quotes.db-shm");
  } else {
    absl::StatusOr<std::string> url = FreshPostgresDatabase("quote_store_test_migrations");
    ASSERT_TRUE(url.ok());
    location_ = *url;
  }
  store_ = *OpenQuoteStore(location_);
  EXPECT_EQ(*store_->SchemaVersion(), 0);
  ASSERT_TRUE(store_->Migrate(1).ok());
  EXPECT_EQ(*store_->SchemaVersion(), 1);
  Insert(Record("q_v1", kT0, "riverbend", "P1"));  // data written under version 1
  ASSERT_TRUE(store_->Migrate().ok());
  EXPECT_EQ(*store_->SchemaVersion(), kLatestQuoteSchemaVersion);
  ASSERT_TRUE(store_->Migrate().ok());  // idempotent
  absl::StatusOr<StoredQuote> kept = store_->Get("q_v1");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->record.body, Record("q_v1", kT0).body);
  QuoteQuery q = Query();
  q.patient_reference = "P1";
  EXPECT_THAT(Ids(q), ::testing::ElementsAre("q_v1"));
  // A database a newer server migrated is refused, naming both versions.
  RawSql("INSERT INTO schema_migrations (version, applied_at_us) VALUES (99, 0)");
  absl::Status s = store_->Migrate();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("schema version 99"));
}

TEST_P(QuoteStoreTest, ConcurrentChangesToOneQuoteLetExactlyOneWin) {
  Insert(Record("q_a", kT0));
  std::atomic<int> ok{0}, aborted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      absl::Status s = store_->AppendEvent("q_a", Event(2, kVoided, kT0, absl::StrCat("thread ", t)));
      if (s.ok()) ++ok;
      if (s.code() == absl::StatusCode::kAborted) ++aborted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), 7);
  EXPECT_EQ(store_->Get("q_a")->events.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, QuoteStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(SqliteQuoteStoreTest, TheFileIsOnlyTheOwnersAndABadPathIsNamed) {
  const fs::path dir = fs::temp_directory_path() / absl::StrCat("quote_store_mode_", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  absl::StatusOr<std::unique_ptr<QuoteStore>> store = OpenQuoteStore("sqlite:" + (dir / "q.db").string());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  for (const char* file : {"q.db", "q.db-wal"}) {
    struct stat st {};
    ASSERT_EQ(::stat((dir / file).c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
  // A file others may read is refused rather than filled with patient data.
  const fs::path open_file = dir / "open.db";
  { std::ofstream(open_file.string()) << ""; }
  fs::permissions(open_file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  absl::StatusOr<std::unique_ptr<QuoteStore>> refused = OpenQuoteStore("sqlite:" + open_file.string());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("chmod 600"));
  // A folder that cannot hold a file (even for root): a clear error naming the path.
  for (const std::string& path : std::vector<std::string>{"/proc/version/q.db", (dir / "no/such/folder/q.db").string()}) {
    absl::StatusOr<std::unique_ptr<QuoteStore>> bad = OpenQuoteStore("sqlite:" + path);
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnavailable) << path;
    EXPECT_THAT(std::string(bad.status().message()), HasSubstr("cannot create " + path));
  }
  EXPECT_EQ(OpenQuoteStore("mysql://x").status().code(), absl::StatusCode::kInvalidArgument);
  fs::remove_all(dir);
}

TEST(PostgresQuoteStoreTest, AnUnreachableDatabaseIsUnavailableNotAHang) {
  absl::StatusOr<std::unique_ptr<QuoteStore>> store =
      OpenQuoteStore("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_TRUE(store.ok());  // connects lazily
  const absl::Time start = absl::Now();
  absl::Status s = (*store)->Ping();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("cannot reach PostgreSQL"));
  EXPECT_EQ((*store)->Migrate().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(OpenQuoteStore("postgresql://%zz").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace estimator
