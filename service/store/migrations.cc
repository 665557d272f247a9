#include "service/store/migrations.h"

namespace estimator {

std::vector<absl::string_view> MigrationSql(QuoteSqlDialect dialect, int version) {
  const bool pg = dialect == QuoteSqlDialect::kPostgres;
  switch (version) {
    case 1:
      return {
          pg ? "CREATE TABLE quotes (quote_id TEXT PRIMARY KEY, kind INTEGER NOT NULL, "
               "clinic_id TEXT NOT NULL, patient_reference TEXT NOT NULL DEFAULT '', "
               "created_at_us BIGINT NOT NULL, expires_at_us BIGINT NOT NULL, "
               "summary BYTEA NOT NULL, body BYTEA NOT NULL)"
             : "CREATE TABLE quotes (quote_id TEXT PRIMARY KEY, kind INTEGER NOT NULL, "
               "clinic_id TEXT NOT NULL, patient_reference TEXT NOT NULL DEFAULT '', "
               "created_at_us INTEGER NOT NULL, expires_at_us INTEGER NOT NULL, "
               "summary BLOB NOT NULL, body BLOB NOT NULL)",
          // Events are deleted only with their quote (PurgeQuotes).
          "CREATE TABLE quote_events (quote_id TEXT NOT NULL REFERENCES quotes(quote_id) "
          "ON DELETE CASCADE, seq INTEGER NOT NULL, at_us BIGINT NOT NULL, "
          "status INTEGER NOT NULL, by_name TEXT NOT NULL, by_role INTEGER NOT NULL, "
          "reason TEXT NOT NULL DEFAULT '', replaced_by TEXT NOT NULL DEFAULT '', "
          "PRIMARY KEY (quote_id, seq))",
      };
    case 2:
      return {
          "CREATE INDEX quotes_by_clinic ON quotes (clinic_id, created_at_us DESC, quote_id DESC)",
          "CREATE INDEX quotes_by_patient ON quotes (clinic_id, patient_reference, "
          "created_at_us DESC)",
      };
    default:
      return {};
  }
}

}  // namespace estimator
