// The SQLite backend of the quote store (quote_store.h): the embedded default.
#ifndef ESTIMATOR_STORE_SQLITE_QUOTE_STORE_H_
#define ESTIMATOR_STORE_SQLITE_QUOTE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "service/store/quote_store.h"

namespace estimator {

// Opens (creating, mode 0600) the SQLite file at `path`. UNAVAILABLE naming the path when it
// cannot be created or opened; FAILED_PRECONDITION when an existing file is readable by others.
absl::StatusOr<std::unique_ptr<QuoteStore>> OpenSqliteQuoteStore(const std::string& path);

}  // namespace estimator

#endif  // ESTIMATOR_STORE_SQLITE_QUOTE_STORE_H_
