// The PostgreSQL backend of the quote store (quote_store.h), for several server replicas sharing
// one database.
#ifndef ESTIMATOR_STORE_POSTGRES_QUOTE_STORE_H_
#define ESTIMATOR_STORE_POSTGRES_QUOTE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "service/store/quote_store.h"

namespace estimator {

// A store over the database at `url` (libpq URI: postgresql://user@host:port/db?sslmode=...).
// Connects lazily: a database that is down answers UNAVAILABLE from the calls. INVALID_ARGUMENT
// for a URL libpq cannot parse (the message does not repeat the URL: it may hold a password).
absl::StatusOr<std::unique_ptr<QuoteStore>> OpenPostgresQuoteStore(const std::string& url);

}  // namespace estimator

#endif  // ESTIMATOR_STORE_POSTGRES_QUOTE_STORE_H_
