// The quote store's schema, as numbered migrations (1..kLatestQuoteSchemaVersion), in each
// backend's dialect. A migration is never edited once released: a change is a new number.
//
//   1  quotes and quote_events
//   2  indexes for listing by clinic (newest first) and by patient reference
#ifndef ESTIMATOR_STORE_MIGRATIONS_H_
#define ESTIMATOR_STORE_MIGRATIONS_H_

#include <vector>

#include "absl/strings/string_view.h"

namespace estimator {

enum class QuoteSqlDialect { kSqlite, kPostgres };

// The statements of one migration, run in order inside one transaction.
std::vector<absl::string_view> MigrationSql(QuoteSqlDialect dialect, int version);

}  // namespace estimator

#endif  // ESTIMATOR_STORE_MIGRATIONS_H_
