// The SQLite backend of the quote store: one file, created 0600, WAL with synchronous=FULL (a
// commit is on disk before the call returns), one connection serialized by a mutex, BEGIN
// IMMEDIATE transactions, bound parameters only.
#include "service/store/sqlite_quote_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "service/common/status_macros.h"
#include "service/store/migrations.h"

namespace estimator {
namespace {

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, absl::string_view sql) : db_(db) {
    status_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  absl::Status prepared() const {
    if (status_ == SQLITE_OK) return absl::OkStatus();
    return absl::InternalError(absl::StrCat("quote store: ", sqlite3_errmsg(db_)));
  }
  Statement& Bind(int i, absl::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& BindBlob(int i, absl::string_view bytes) {
    sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, int64_t value) {
    sqlite3_bind_int64(stmt_, i, value);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p),
                                                      sqlite3_column_bytes(stmt_, col));
  }
  std::string Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p == nullptr ? std::string()
                        : std::string(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int status_;
};

int64_t Us(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromUs(int64_t us) { return absl::FromUnixMicros(us); }

// The columns every read of a quote starts with, in this order (kRecordColumns), into `r`.
constexpr char kRecordColumns[] =
    "q.quote_id, q.kind, q.clinic_id, q.patient_reference, q.created_at_us, q.expires_at_us, "
    "q.summary";
void ReadRecordColumns(const Statement& s, QuoteRecord& r) {
  r.quote_id = s.Text(0);
  r.kind = static_cast<int>(s.Int(1));
  r.clinic_id = s.Text(2);
  r.patient_reference = s.Text(3);
  r.created_at = FromUs(s.Int(4));
  r.expires_at = FromUs(s.Int(5));
  r.summary = s.Blob(6);
}

class SqliteQuoteStore final : public QuoteStore {
 public:
  SqliteQuoteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteQuoteStore() override { sqlite3_close_v2(db_); }

  std::string backend() const override { return "sqlite"; }

  absl::Status Migrate(int target_version) override {
    absl::MutexLock lock(&mu_);
    if (target_version < 0 || target_version > kLatestQuoteSchemaVersion) {
      return absl::InvalidArgumentError(absl::StrCat("no schema version ", target_version));
    }
    RETURN_IF_ERROR(Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                         "version INTEGER PRIMARY KEY, applied_at_us INTEGER NOT NULL)"));
    for (int v = 1; v <= target_version; ++v) {
      RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
      absl::Status applied = ApplyIfMissing(v);
      if (!applied.ok()) {
        (void)Exec("ROLLBACK");
        return applied;
      }
      RETURN_IF_ERROR(Exec("COMMIT"));
    }
    ASSIGN_OR_RETURN(int version, VersionLocked());
    if (version > kLatestQuoteSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          "quote store ", path_, " is at schema version ", version, "; this server knows up to ",
          kLatestQuoteSchemaVersion, " (a newer server migrated it)"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int> SchemaVersion() override {
    absl::MutexLock lock(&mu_);
    return VersionLocked();
  }

  absl::Status Insert(const QuoteRecord& q, const QuoteEventRecord& first,
                      const std::optional<EventForOtherQuote>& also) override {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    absl::Status status = [&]() -> absl::Status {
      Statement s(db_,
                  "INSERT INTO quotes (quote_id, kind, clinic_id, patient_reference, created_at_us, "
                  "expires_at_us, summary, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      RETURN_IF_ERROR(s.prepared());
      s.Bind(1, q.quote_id).Bind(2, int64_t{q.kind}).Bind(3, q.clinic_id).Bind(4, q.patient_reference);
      s.Bind(5, Us(q.created_at)).Bind(6, Us(q.expires_at)).BindBlob(7, q.summary).BindBlob(8, q.body);
      if (int rc = s.Step(); rc != SQLITE_DONE) {
        if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_PRIMARYKEY) {
          return absl::AlreadyExistsError(absl::StrCat("quote ", q.quote_id, " already exists"));
        }
        return Failed("save the quote");
      }
      RETURN_IF_ERROR(InsertEvent(q.quote_id, first));
      if (also) RETURN_IF_ERROR(InsertEvent(also->quote_id, also->event));
      return absl::OkStatus();
    }();
    if (!status.ok()) {
      (void)Exec("ROLLBACK");
      return status;
    }
    return Exec("COMMIT");
  }

  absl::StatusOr<StoredQuote> Get(const std::string& quote_id) override {
    absl::MutexLock lock(&mu_);
    StoredQuote out;
    {
      Statement s(db_, absl::StrCat("SELECT ", kRecordColumns,
                                    ", q.body FROM quotes q WHERE q.quote_id = ?"));
      RETURN_IF_ERROR(s.prepared());
      s.Bind(1, quote_id);
      const int rc = s.Step();
      if (rc == SQLITE_DONE) {
        return absl::NotFoundError(absl::StrCat("quote_id: no quote ", quote_id));
      }
      if (rc != SQLITE_ROW) return Failed("read the quote");
      ReadRecordColumns(s, out.record);
      out.record.body = s.Blob(7);
    }
    Statement e(db_,
                "SELECT seq, at_us, status, by_name, by_role, reason, replaced_by FROM quote_events "
                "WHERE quote_id = ? ORDER BY seq");
    RETURN_IF_ERROR(e.prepared());
    e.Bind(1, quote_id);
    int rc;
    while ((rc = e.Step()) == SQLITE_ROW) {
      QuoteEventRecord ev;
      ev.seq = static_cast<int>(e.Int(0));
      ev.at = FromUs(e.Int(1));
      ev.status = static_cast<int>(e.Int(2));
      ev.by = e.Text(3);
      ev.by_role = static_cast<int>(e.Int(4));
      ev.reason = e.Text(5);
      ev.replaced_by = e.Text(6);
      out.events.push_back(std::move(ev));
    }
    if (rc != SQLITE_DONE) return Failed("read the quote's history");
    if (out.events.empty()) return absl::InternalError(absl::StrCat("quote ", quote_id, " has no history"));
    return out;
  }

  absl::Status AppendEvent(const std::string& quote_id, const QuoteEventRecord& event) override {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    absl::Status status = InsertEvent(quote_id, event);
    if (!status.ok()) {
      (void)Exec("ROLLBACK");
      return status;
    }
    return Exec("COMMIT");
  }

  absl::StatusOr<std::vector<ListedQuote>> List(const QuoteQuery& query) override {
    absl::MutexLock lock(&mu_);
    Statement s(db_, ListSql());
    RETURN_IF_ERROR(s.prepared());
    BindListQuery(query, s);
    std::vector<ListedQuote> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      ListedQuote row;
      ReadRecordColumns(s, row.record);
      row.last_status = static_cast<int>(s.Int(7));
      out.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) return Failed("list quotes");
    return out;
  }

  absl::StatusOr<int64_t> PurgeCreatedBefore(absl::Time cutoff) override {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    absl::StatusOr<int64_t> purged = [&]() -> absl::StatusOr<int64_t> {
      Statement events(db_,
                       "DELETE FROM quote_events WHERE quote_id IN "
                       "(SELECT quote_id FROM quotes WHERE created_at_us < ?)");
      RETURN_IF_ERROR(events.prepared());
      events.Bind(1, Us(cutoff));
      if (events.Step() != SQLITE_DONE) return Failed("purge quote history");
      Statement quotes(db_, "DELETE FROM quotes WHERE created_at_us < ?");
      RETURN_IF_ERROR(quotes.prepared());
      quotes.Bind(1, Us(cutoff));
      if (quotes.Step() != SQLITE_DONE) return Failed("purge quotes");
      return static_cast<int64_t>(sqlite3_changes(db_));
    }();
    if (!purged.ok()) {
      (void)Exec("ROLLBACK");
      return purged.status();
    }
    RETURN_IF_ERROR(Exec("COMMIT"));
    return purged;
  }

  absl::Status Ping() override {
    absl::MutexLock lock(&mu_);
    Statement s(db_, "SELECT count(*) FROM schema_migrations");
    RETURN_IF_ERROR(s.prepared());
    if (s.Step() != SQLITE_ROW) return Failed("read the database");
    return absl::OkStatus();
  }

 private:
  // The ISSUED / EXPIRED split and the other statuses over the last event (quote_store.h).
  static const std::string& ListSql() {
    static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT ", kRecordColumns, ", l.status FROM quotes q JOIN quote_events l "
      "ON l.quote_id = q.quote_id AND l.seq = "
      "(SELECT max(seq) FROM quote_events e WHERE e.quote_id = q.quote_id) "
      "WHERE q.clinic_id = ?1 "
      "AND (?2 IS NULL OR q.created_at_us >= ?2) AND (?3 IS NULL OR q.created_at_us < ?3) "
      "AND (?4 = '' OR q.patient_reference = ?4) AND (?5 = 0 OR q.kind = ?5) "
      "AND (?6 = 0 OR (?6 = 1 AND l.status = 1 AND q.expires_at_us > ?7) "
      "     OR (?6 = 4 AND l.status = 1 AND q.expires_at_us <= ?7) "
      "     OR (?6 NOT IN (1, 4) AND l.status = ?6)) "
      "AND (?8 IS NULL OR q.created_at_us < ?8 OR (q.created_at_us = ?8 AND q.quote_id < ?9)) "
      "ORDER BY q.created_at_us DESC, q.quote_id DESC LIMIT ?10"));
    return *sql;
  }

  static void BindListQuery(const QuoteQuery& q, Statement& s) {
    s.Bind(1, q.clinic_id);
    if (q.created_from) s.Bind(2, Us(*q.created_from));
    if (q.created_before) s.Bind(3, Us(*q.created_before));
    s.Bind(4, q.patient_reference).Bind(5, int64_t{q.kind}).Bind(6, int64_t{q.status});
    s.Bind(7, Us(q.now));
    if (q.after) s.Bind(8, Us(q.after->first)).Bind(9, q.after->second);
    s.Bind(10, int64_t{q.limit});
  }

  absl::Status InsertEvent(const std::string& quote_id, const QuoteEventRecord& e)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Statement s(db_,
                "INSERT INTO quote_events (quote_id, seq, at_us, status, by_name, by_role, reason, "
                "replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    RETURN_IF_ERROR(s.prepared());
    s.Bind(1, quote_id).Bind(2, int64_t{e.seq}).Bind(3, Us(e.at)).Bind(4, int64_t{e.status});
    s.Bind(5, e.by).Bind(6, int64_t{e.by_role}).Bind(7, e.reason).Bind(8, e.replaced_by);
    if (s.Step() == SQLITE_DONE) return absl::OkStatus();
    switch (sqlite3_extended_errcode(db_)) {
      case SQLITE_CONSTRAINT_PRIMARYKEY:
        return absl::AbortedError(absl::StrCat("quote ", quote_id, " changed meanwhile (event ",
                                               e.seq, " exists)"));
      case SQLITE_CONSTRAINT_FOREIGNKEY:
        return absl::NotFoundError(absl::StrCat("quote_id: no quote ", quote_id));
      default:
        return Failed("save the quote's history");
    }
  }

  absl::Status ApplyIfMissing(int version) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Statement s(db_, "SELECT 1 FROM schema_migrations WHERE version = ?");
    RETURN_IF_ERROR(s.prepared());
    s.Bind(1, int64_t{version});
    const int rc = s.Step();
    if (rc == SQLITE_ROW) return absl::OkStatus();
    if (rc != SQLITE_DONE) return Failed("read the schema version");
    for (absl::string_view sql : MigrationSql(QuoteSqlDialect::kSqlite, version)) {
      RETURN_IF_ERROR(Exec(sql));
    }
    Statement record(db_, "INSERT INTO schema_migrations (version, applied_at_us) VALUES (?, ?)");
    RETURN_IF_ERROR(record.prepared());
    record.Bind(1, int64_t{version}).Bind(2, Us(absl::Now()));
    if (record.Step() != SQLITE_DONE) return Failed("record the schema version");
    return absl::OkStatus();
  }

  absl::StatusOr<int> VersionLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Statement s(db_, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!s.prepared().ok()) return 0;  // no table yet: an empty database
    if (s.Step() != SQLITE_ROW) return Failed("read the schema version");
    return static_cast<int>(s.Int(0));
  }

  absl::Status Exec(absl::string_view sql) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) {
      return absl::OkStatus();
    }
    return Failed("run a statement");
  }

  // What went wrong, from SQLite, naming the file; never the data. A full disk or a file that
  // went away is UNAVAILABLE (it may come back); anything else INTERNAL.
  absl::Status Failed(absl::string_view doing) const {
    const int code = sqlite3_errcode(db_);
    const std::string message = absl::StrCat("quote store ", path_, ": cannot ", doing, ": ",
                                             sqlite3_errmsg(db_));
    if (code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_CANTOPEN ||
        code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_READONLY) {
      return absl::UnavailableError(message);
    }
    return absl::InternalError(message);
  }

  absl::Mutex mu_;
  sqlite3* const db_;
  const std::string path_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<QuoteStore>> OpenSqliteQuoteStore(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("quote store: sqlite: needs a file path");
  // Create the file 0600 before SQLite does (SQLite gives its -wal and -shm files the same mode).
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("quote store: cannot create ", path, ": ", std::strerror(errno)));
  }
  struct stat st {};
  const bool stat_ok = ::fstat(fd, &st) == 0;
  ::close(fd);
  if (stat_ok && (st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "quote store: ", path, " can be read by other users (mode ",
        absl::StrCat(absl::Hex(st.st_mode & 0777)), "); it holds patient data: chmod 600 it"));
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string why = db == nullptr ? "out of memory" : sqlite3_errmsg(db);
    sqlite3_close_v2(db);
    return absl::UnavailableError(absl::StrCat("quote store: cannot open ", path, ": ", why));
  }
  sqlite3_busy_timeout(db, 5000);
  auto store = std::make_unique<SqliteQuoteStore>(db, path);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return absl::UnavailableError(
          absl::StrCat("quote store: ", path, ": ", pragma, " failed: ", sqlite3_errmsg(db)));
    }
  }
  return store;
}

}  // namespace estimator
