// The PostgreSQL backend of the quote store, over libpq: a small pool of connections made on
// demand, every statement with bound parameters ($1...), bytea sent and read in binary, each call
// one transaction committed with PostgreSQL's default (synchronous) commit. A connection that
// fails is dropped; the call answers UNAVAILABLE and the next one connects again.
#include "service/store/postgres_quote_store.h"

#include <endian.h>
#include <libpq-fe.h>

#include <cstring>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "service/common/status_macros.h"
#include "service/store/migrations.h"

namespace estimator {
namespace {

constexpr int kMaxConnections = 4;
// Serializes migrations across every process sharing the database (any constant will do).
constexpr char kMigrationLock[] = "SELECT pg_advisory_xact_lock(7405271001)";

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// One parameter: text, or binary bytes (bytea), or NULL.
struct Param {
  std::string value;
  bool binary = false;
  bool null = false;
  static Param Text(std::string v) { return {std::move(v), false, false}; }
  static Param Bytes(std::string v) { return {std::move(v), true, false}; }
  static Param Int(int64_t v) { return {absl::StrCat(v), false, false}; }
  static Param Null() { return {"", false, true}; }
};

int64_t IntAt(const PGresult* r, int row, int col) {
  const char* p = PQgetvalue(r, row, col);
  if (PQgetlength(r, row, col) == 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return static_cast<int64_t>(be64toh(v));
  }
  uint32_t v;
  std::memcpy(&v, p, 4);
  return static_cast<int32_t>(be32toh(v));
}

std::string BytesAt(const PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), PQgetlength(r, row, col));
}

// The columns every read of a quote starts with, in this order, into `out`.
constexpr char kRecordColumns[] =
    "q.quote_id, q.kind, q.clinic_id, q.patient_reference, q.created_at_us, q.expires_at_us, "
    "q.summary";
void ReadRecordColumns(const PGresult* r, int row, QuoteRecord& out) {
  out.quote_id = BytesAt(r, row, 0);
  out.kind = static_cast<int>(IntAt(r, row, 1));
  out.clinic_id = BytesAt(r, row, 2);
  out.patient_reference = BytesAt(r, row, 3);
  out.created_at = absl::FromUnixMicros(IntAt(r, row, 4));
  out.expires_at = absl::FromUnixMicros(IntAt(r, row, 5));
  out.summary = BytesAt(r, row, 6);
}

std::string SqlState(const PGresult* r) {
  const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  return s == nullptr ? "" : s;
}

class PostgresQuoteStore final : public QuoteStore {
 public:
  explicit PostgresQuoteStore(std::string url) : url_(std::move(url)) {}
  ~PostgresQuoteStore() override {
    for (PGconn* c : idle_) PQfinish(c);
  }

  std::string backend() const override { return "postgresql"; }

  absl::Status Migrate(int target_version) override {
    if (target_version < 0 || target_version > kLatestQuoteSchemaVersion) {
      return absl::InvalidArgumentError(absl::StrCat("no schema version ", target_version));
    }
    ASSIGN_OR_RETURN(Connection c, Acquire());
    RETURN_IF_ERROR(Transaction(c, [&]() -> absl::Status {
      RETURN_IF_ERROR(Exec(c, kMigrationLock, {}).status());
      return Exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                     "applied_at_us BIGINT NOT NULL)", {}).status();
    }));
    for (int v = 1; v <= target_version; ++v) {
      RETURN_IF_ERROR(Transaction(c, [&]() -> absl::Status {
        RETURN_IF_ERROR(Exec(c, kMigrationLock, {}).status());
        ASSIGN_OR_RETURN(Result r, Exec(c, "SELECT 1 FROM schema_migrations WHERE version = $1",
                                        {Param::Int(v)}));
        if (PQntuples(r.get()) > 0) return absl::OkStatus();
        for (absl::string_view sql : MigrationSql(QuoteSqlDialect::kPostgres, v)) {
          RETURN_IF_ERROR(Exec(c, std::string(sql), {}).status());
        }
        return Exec(c, "INSERT INTO schema_migrations (version, applied_at_us) VALUES ($1, $2)",
                    {Param::Int(v), Param::Int(absl::ToUnixMicros(absl::Now()))})
            .status();
      }));
    }
    ASSIGN_OR_RETURN(int version, Version(c));
    if (version > kLatestQuoteSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          "quote store (PostgreSQL) is at schema version ", version, "; this server knows up to ",
          kLatestQuoteSchemaVersion, " (a newer server migrated it)"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int> SchemaVersion() override {
    ASSIGN_OR_RETURN(Connection c, Acquire());
    return Version(c);
  }

  absl::Status Insert(const QuoteRecord& q, const QuoteEventRecord& first,
                      const std::optional<EventForOtherQuote>& also) override {
    ASSIGN_OR_RETURN(Connection c, Acquire());
    return Transaction(c, [&]() -> absl::Status {
      absl::StatusOr<Result> r = Exec(
          c,
          "INSERT INTO quotes (quote_id, kind, clinic_id, patient_reference, created_at_us, "
          "expires_at_us, summary, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
          {Param::Text(q.quote_id), Param::Int(q.kind), Param::Text(q.clinic_id),
           Param::Text(q.patient_reference), Param::Int(absl::ToUnixMicros(q.created_at)),
           Param::Int(absl::ToUnixMicros(q.expires_at)), Param::Bytes(q.summary),
           Param::Bytes(q.body)});
      if (!r.ok() && absl::StrContains(r.status().message(), "[23505]")) {
        return absl::AlreadyExistsError(absl::StrCat("quote ", q.quote_id, " already exists"));
      }
      RETURN_IF_ERROR(r.status());
      RETURN_IF_ERROR(InsertEvent(c, q.quote_id, first));
      if (also) RETURN_IF_ERROR(InsertEvent(c, also->quote_id, also->event));
      return absl::OkStatus();
    });
  }

  absl::StatusOr<StoredQuote> Get(const std::string& quote_id) override {
    ASSIGN_OR_RETURN(Connection c, Acquire());
    StoredQuote out;
    // One snapshot for the quote and its events.
    RETURN_IF_ERROR(Transaction(c, [&]() -> absl::Status {
      ASSIGN_OR_RETURN(Result r, Exec(c,
                                      absl::StrCat("SELECT ", kRecordColumns,
                                                   ", q.body FROM quotes q WHERE q.quote_id = $1"),
                                      {Param::Text(quote_id)}));
      if (PQntuples(r.get()) == 0) {
        return absl::NotFoundError(absl::StrCat("quote_id: no quote ", quote_id));
      }
      ReadRecordColumns(r.get(), 0, out.record);
      out.record.body = BytesAt(r.get(), 0, 7);
      ASSIGN_OR_RETURN(Result e, Exec(c,
                                      "SELECT seq, at_us, status, by_name, by_role, reason, "
                                      "replaced_by FROM quote_events WHERE quote_id = $1 ORDER BY seq",
                                      {Param::Text(quote_id)}));
      for (int i = 0; i < PQntuples(e.get()); ++i) {
        QuoteEventRecord ev;
        ev.seq = static_cast<int>(IntAt(e.get(), i, 0));
        ev.at = absl::FromUnixMicros(IntAt(e.get(), i, 1));
        ev.status = static_cast<int>(IntAt(e.get(), i, 2));
        ev.by = BytesAt(e.get(), i, 3);
        ev.by_role = static_cast<int>(IntAt(e.get(), i, 4));
        ev.reason = BytesAt(e.get(), i, 5);
        ev.replaced_by = BytesAt(e.get(), i, 6);
        out.events.push_back(std::move(ev));
      }
      return absl::OkStatus();
    }));
    if (out.events.empty()) return absl::InternalError(absl::StrCat("quote ", quote_id, " has no history"));
    return out;
  }

  absl::Status AppendEvent(const std::string& quote_id, const QuoteEventRecord& event) override {
    ASSIGN_OR_RETURN(Connection c, Acquire());
    return Transaction(c, [&] { return InsertEvent(c, quote_id, event); });
  }

  absl::StatusOr<std::vector<ListedQuote>> List(const QuoteQuery& query) override {
    ASSIGN_OR_RETURN(Connection c, Acquire());
    std::vector<Param> params = {
        Param::Text(query.clinic_id),
        query.created_from ? Param::Int(absl::ToUnixMicros(*query.created_from)) : Param::Null(),
        query.created_before ? Param::Int(absl::ToUnixMicros(*query.created_before)) : Param::Null(),
        Param::Text(query.patient_reference),
        Param::Int(query.kind),
        Param::Int(query.status),
        Param::Int(absl::ToUnixMicros(query.now)),
        query.after ? Param::Int(absl::ToUnixMicros(query.after->first)) : Param::Null(),
        query.after ? Param::Text(query.after->second) : Param::Null(),
        Param::Int(query.limit)};
    static const std::string* const list_sql = new std::string(absl::StrCat(
        "SELECT ", kRecordColumns, ", l.status FROM quotes q JOIN quote_events l ", kListSqlRest));
    ASSIGN_OR_RETURN(Result r, Exec(c, *list_sql, params));
    std::vector<ListedQuote> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      ListedQuote row;
      ReadRecordColumns(r.get(), i, row.record);
      row.last_status = static_cast<int>(IntAt(r.get(), i, 7));
      out.push_back(std::move(row));
    }
    return out;
  }

  absl::StatusOr<int64_t> PurgeCreatedBefore(absl::Time cutoff) override {
    ASSIGN_OR_RETURN(Connection c, Acquire());
    int64_t purged = 0;
    RETURN_IF_ERROR(Transaction(c, [&]() -> absl::Status {
      // Events go with their quotes (ON DELETE CASCADE).
      ASSIGN_OR_RETURN(Result r, Exec(c, "DELETE FROM quotes WHERE created_at_us < $1",
                                      {Param::Int(absl::ToUnixMicros(cutoff))}));
      purged = std::atoll(PQcmdTuples(r.get()));
      return absl::OkStatus();
    }));
    return purged;
  }

  absl::Status Ping() override {
    ASSIGN_OR_RETURN(Connection c, Acquire());
    return Exec(c, "SELECT 1", {}).status();
  }

 private:
  // After "SELECT <record columns>, l.status FROM quotes q JOIN quote_events l ".
  static constexpr char kListSqlRest[] =
      "ON l.quote_id = q.quote_id AND l.seq = "
      "(SELECT max(seq) FROM quote_events e WHERE e.quote_id = q.quote_id) "
      "WHERE q.clinic_id = $1 "
      "AND ($2::bigint IS NULL OR q.created_at_us >= $2::bigint) "
      "AND ($3::bigint IS NULL OR q.created_at_us < $3::bigint) "
      "AND ($4::text = '' OR q.patient_reference = $4::text) "
      "AND ($5::integer = 0 OR q.kind = $5::integer) "
      "AND ($6::integer = 0 OR ($6::integer = 1 AND l.status = 1 AND q.expires_at_us > $7::bigint) "
      "     OR ($6::integer = 4 AND l.status = 1 AND q.expires_at_us <= $7::bigint) "
      "     OR ($6::integer NOT IN (1, 4) AND l.status = $6::integer)) "
      "AND ($8::bigint IS NULL OR q.created_at_us < $8::bigint "
      "     OR (q.created_at_us = $8::bigint AND q.quote_id < $9::text)) "
      "ORDER BY q.created_at_us DESC, q.quote_id DESC LIMIT $10::integer";

  // A pooled connection, returned to the pool (or dropped when broken) on destruction.
  class Connection {
   public:
    Connection(PostgresQuoteStore* store, PGconn* conn) : store_(store), conn_(conn) {}
    Connection(Connection&& o) noexcept : store_(o.store_), conn_(o.conn_) { o.conn_ = nullptr; }
    Connection& operator=(Connection&&) = delete;
    ~Connection() {
      if (conn_ != nullptr) store_->Release(conn_);
    }
    PGconn* get() const { return conn_; }

   private:
    PostgresQuoteStore* store_;
    PGconn* conn_;
  };

  absl::StatusOr<Connection> Acquire() {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](PostgresQuoteStore* s) { return !s->idle_.empty() || s->open_ < kMaxConnections; },
          this));
      if (!idle_.empty()) {
        PGconn* c = idle_.back();
        idle_.pop_back();
        return Connection(this, c);
      }
      ++open_;
    }
    PGconn* c = PQconnectdb(url_.c_str());
    if (c == nullptr || PQstatus(c) != CONNECTION_OK) {
      const std::string why = c == nullptr ? "out of memory" : PQerrorMessage(c);
      PQfinish(c);
      absl::MutexLock lock(&mu_);
      --open_;
      // libpq's message names the host and port, not the password.
      return absl::UnavailableError(absl::StrCat("cannot reach PostgreSQL: ",
                                                 absl::StripTrailingAsciiWhitespace(why)));
    }
    return Connection(this, c);
  }

  void Release(PGconn* c) {
    const bool healthy = PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) == PQTRANS_IDLE;
    if (!healthy) PQfinish(c);
    absl::MutexLock lock(&mu_);
    if (healthy) {
      idle_.push_back(c);
    } else {
      --open_;
    }
  }

  // Runs `body` between BEGIN and COMMIT (ROLLBACK when it fails).
  template <typename Body>
  absl::Status Transaction(Connection& c, Body&& body) {
    RETURN_IF_ERROR(Exec(c, "BEGIN", {}).status());
    absl::Status status = body();
    if (!status.ok()) {
      (void)Exec(c, "ROLLBACK", {});
      return status;
    }
    return Exec(c, "COMMIT", {}).status();
  }

  // Binary results (ints in network order, text and bytea as raw bytes).
  absl::StatusOr<Result> Exec(Connection& c, const std::string& sql, const std::vector<Param>& params) {
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const Param& p : params) {
      values.push_back(p.null ? nullptr : p.value.data());
      lengths.push_back(static_cast<int>(p.value.size()));
      formats.push_back(p.binary ? 1 : 0);
    }
    Result r(PQexecParams(c.get(), sql.c_str(), static_cast<int>(params.size()), nullptr,
                          values.data(), lengths.data(), formats.data(), /*resultFormat=*/1),
             &PQclear);
    const ExecStatusType st = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r.get());
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    if (PQstatus(c.get()) != CONNECTION_OK) {
      return absl::UnavailableError(absl::StrCat(
          "cannot reach PostgreSQL: ", absl::StripTrailingAsciiWhitespace(PQerrorMessage(c.get()))));
    }
    const std::string state = r == nullptr ? "" : SqlState(r.get());
    // Serialization failures and lock timeouts may pass; report them as such.
    if (state == "40001" || state == "40P01" || state == "55P03" || absl::StartsWith(state, "08")) {
      return absl::UnavailableError(absl::StrCat("PostgreSQL busy [", state, "]; try again"));
    }
    if (absl::StartsWith(state, "57")) {  // the server is shutting down or restarting
      return absl::UnavailableError(absl::StrCat("PostgreSQL is not accepting work [", state, "]"));
    }
    // The message is PostgreSQL's (names a constraint or column, not the data we sent, since
    // values travel as parameters).
    return absl::InternalError(absl::StrCat("PostgreSQL [", state, "]: ",
                                            absl::StripTrailingAsciiWhitespace(
                                                r == nullptr ? "" : PQresultErrorMessage(r.get()))));
  }

  absl::Status InsertEvent(Connection& c, const std::string& quote_id, const QuoteEventRecord& e) {
    absl::StatusOr<Result> r = Exec(
        c,
        "INSERT INTO quote_events (quote_id, seq, at_us, status, by_name, by_role, reason, "
        "replaced_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {Param::Text(quote_id), Param::Int(e.seq), Param::Int(absl::ToUnixMicros(e.at)),
         Param::Int(e.status), Param::Text(e.by), Param::Int(e.by_role), Param::Text(e.reason),
         Param::Text(e.replaced_by)});
    if (r.ok()) return absl::OkStatus();
    if (absl::StrContains(r.status().message(), "[23505]")) {
      return absl::AbortedError(absl::StrCat("quote ", quote_id, " changed meanwhile (event ",
                                             e.seq, " exists)"));
    }
    if (absl::StrContains(r.status().message(), "[23503]")) {
      return absl::NotFoundError(absl::StrCat("quote_id: no quote ", quote_id));
    }
    return r.status();
  }

  absl::StatusOr<int> Version(Connection& c) {
    ASSIGN_OR_RETURN(Result r, Exec(c,
                                    "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL "
                                    "THEN 0 ELSE 1 END",
                                    {}));
    if (IntAt(r.get(), 0, 0) == 0) return 0;
    ASSIGN_OR_RETURN(Result v, Exec(c, "SELECT coalesce(max(version), 0) FROM schema_migrations", {}));
    return static_cast<int>(IntAt(v.get(), 0, 0));
  }

  const std::string url_;
  absl::Mutex mu_;
  std::vector<PGconn*> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<QuoteStore>> OpenPostgresQuoteStore(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    return absl::InvalidArgumentError("quote store: the PostgreSQL URL does not parse");
  }
  bool has_timeout = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "connect_timeout") == 0 && o->val != nullptr) has_timeout = true;
  }
  PQconninfoFree(options);
  std::string with_timeout = url;
  if (!has_timeout) {
    // A database that does not answer must not hold a call for libpq's default (forever).
    with_timeout += absl::StrContains(url, '?') ? "&connect_timeout=3" : "?connect_timeout=3";
  }
  return std::unique_ptr<QuoteStore>(new PostgresQuoteStore(with_timeout));
}

}  // namespace estimator
