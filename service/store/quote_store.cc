#include "service/store/quote_store.h"

#include "absl/strings/match.h"
#include "service/store/postgres_quote_store.h"
#include "service/store/sqlite_quote_store.h"

namespace estimator {

absl::StatusOr<std::unique_ptr<QuoteStore>> OpenQuoteStore(const std::string& location) {
  if (absl::StartsWith(location, "sqlite:")) {
    return OpenSqliteQuoteStore(location.substr(sizeof("sqlite:") - 1));
  }
  if (absl::StartsWith(location, "postgresql://") || absl::StartsWith(location, "postgres://")) {
    return OpenPostgresQuoteStore(location);
  }
  return absl::InvalidArgumentError(
      "quote store: the location must be sqlite:PATH or a postgresql:// URL");
}

}  // namespace estimator
