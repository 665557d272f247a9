// The quote store: where saved quotes and their history are kept, and the only place patient data
// (names, birth dates, documentation inside saved requests) is kept at all.
//
// One interface, two backends: SQLite (the embedded default, one file) and PostgreSQL (several
// server replicas sharing one database). Both keep the same two tables, written only by INSERT
// (PurgeCreatedBefore is the one DELETE):
//   quotes        one row per quote: indexed columns for listing, the summary and the full record
//                 as serialized bytes (the service decides what they hold; the store never parses them)
//   quote_events  one row per status change, numbered 1, 2, ... per quote (the first is ISSUED)
// A quote's current status is its last event's; an ISSUED quote past expires_at counts as EXPIRED.
//
// Every call is one transaction, committed durably before it returns OK (SQLite WAL with
// synchronous=FULL; PostgreSQL's default synchronous commit). Calls are thread-safe.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<QuoteStore> store, OpenQuoteStore("sqlite:/var/lib/estimator/quotes.db"));
//   RETURN_IF_ERROR(store->Migrate());
//   RETURN_IF_ERROR(store->Insert(record, issued_event));
#ifndef ESTIMATOR_STORE_QUOTE_STORE_H_
#define ESTIMATOR_STORE_QUOTE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace estimator {

// The schema version Migrate() brings a database to. Migrations are numbered 1..this.
inline constexpr int kLatestQuoteSchemaVersion = 2;

// One saved quote. Immutable once inserted. Instants are kept to the microsecond.
struct QuoteRecord {
  std::string quote_id;           // opaque, unique
  int kind = 0;                   // v1::QuoteKind number
  std::string clinic_id;
  std::string patient_reference;  // may be empty
  absl::Time created_at;
  absl::Time expires_at;
  std::string summary;            // bytes: what ListQuotes returns for the quote
  std::string body;               // bytes: the full record GetQuote returns
};

// One status change of a quote.
struct QuoteEventRecord {
  int seq = 0;            // 1 for the first (ISSUED) event, then 2, 3, ...
  absl::Time at;
  int status = 0;         // v1::QuoteStatus number
  std::string by;         // caller name
  int by_role = 0;        // v1::Role number
  std::string reason;     // may be empty
  std::string replaced_by;  // may be empty
};

struct StoredQuote {
  QuoteRecord record;
  std::vector<QuoteEventRecord> events;  // by seq, oldest first; never empty
};

// One row of a listing: the record without its body, and its last event's status.
struct ListedQuote {
  QuoteRecord record;  // body left empty
  int last_status = 0;
};

// An event to append to another quote in the same transaction as an Insert (a replacement).
struct EventForOtherQuote {
  std::string quote_id;
  QuoteEventRecord event;  // event.seq must be that quote's last seq + 1
};

// What ListQuotes asks for. Filters combine with AND; newest first by (created_at, quote_id).
struct QuoteQuery {
  std::string clinic_id;                      // required
  std::optional<absl::Time> created_from;     // inclusive
  std::optional<absl::Time> created_before;   // exclusive
  std::string patient_reference;              // empty: any
  int kind = 0;                               // 0: any
  // 0: any. ISSUED matches quotes whose last event is ISSUED and expires_at > now; EXPIRED those
  // whose last event is ISSUED and expires_at <= now; others match the last event's status.
  int status = 0;
  absl::Time now;
  // Keyset paging: only rows strictly after (older than) this (created_at, quote_id).
  std::optional<std::pair<absl::Time, std::string>> after;
  int limit = 20;  // 1-1000
};

class QuoteStore {
 public:
  virtual ~QuoteStore() = default;

  // "sqlite" or "postgresql".
  virtual std::string backend() const = 0;

  // Brings the schema to `target_version` (default: the latest), applying each missing migration
  // in its own transaction and recording it; a database at a later version than this binary knows
  // is FAILED_PRECONDITION. Safe to run from several processes at once.
  virtual absl::Status Migrate(int target_version = kLatestQuoteSchemaVersion) = 0;
  // The version the database is at (0: empty).
  virtual absl::StatusOr<int> SchemaVersion() = 0;

  // Inserts a new quote and its first event (seq 1) and, when `also` is given, appends that event
  // to another quote, all in one transaction. ALREADY_EXISTS when the id is taken; ABORTED when
  // `also`'s seq is taken (someone changed that quote first): nothing is written then.
  virtual absl::Status Insert(const QuoteRecord& quote, const QuoteEventRecord& first_event,
                              const std::optional<EventForOtherQuote>& also = std::nullopt) = 0;

  // The quote and every event. NOT_FOUND naming the id.
  virtual absl::StatusOr<StoredQuote> Get(const std::string& quote_id) = 0;

  // Appends an event whose seq must be the quote's last seq + 1. NOT_FOUND when there is no such
  // quote; ABORTED when the seq is taken (a concurrent change won): nothing is written then.
  virtual absl::Status AppendEvent(const std::string& quote_id, const QuoteEventRecord& event) = 0;

  // At most query.limit rows.
  virtual absl::StatusOr<std::vector<ListedQuote>> List(const QuoteQuery& query) = 0;

  // Deletes every quote created before `cutoff` and its events; returns how many quotes.
  virtual absl::StatusOr<int64_t> PurgeCreatedBefore(absl::Time cutoff) = 0;

  // OK when the database answers (a trivial query).
  virtual absl::Status Ping() = 0;
};

// Opens a store from a location:
//   "sqlite:PATH"                          a SQLite file (created 0600 with its folder's parent
//                                          existing; WAL, synchronous=FULL)
//   "postgresql://..." or "postgres://..." a PostgreSQL connection URL (libpq syntax)
// Opening does not migrate. SQLite: INVALID_ARGUMENT / UNAVAILABLE naming the path when the file
// cannot be created or opened. PostgreSQL: connects lazily, so a database that is down gives
// UNAVAILABLE from the calls (and Ping), not from here; a malformed URL is INVALID_ARGUMENT.
absl::StatusOr<std::unique_ptr<QuoteStore>> OpenQuoteStore(const std::string& location);

}  // namespace estimator

#endif  // ESTIMATOR_STORE_QUOTE_STORE_H_
