// How a saved quote is kept and shown: its id, the bytes the store holds, its status from its
// events, and ListQuotes' page tokens. No I/O besides the random id.
//
//   std::string id = NewQuoteId();                   // "q_" + 26 base32 characters, 128 random bits
//   QuoteRecord record = ToRecord(quote);            // summary and body bytes for the store
//   v1::Quote shown = FromStored(stored, now);       // with status and events
#ifndef ESTIMATOR_SERVER_QUOTE_RECORDS_H_
#define ESTIMATOR_SERVER_QUOTE_RECORDS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "estimator/v1/quotes.pb.h"
#include "service/store/quote_store.h"

namespace estimator {

// 128 bits from OpenSSL's CSPRNG, base32 (RFC 4648 alphabet, lower case, no padding).
std::string NewQuoteId();
// INVALID_ARGUMENT naming `field` unless `id` has NewQuoteId's shape.
absl::Status CheckQuoteId(absl::string_view id, absl::string_view field);

// The store's row for a quote (created_at, expires_at and every other field set; status and
// events are not stored in the record). The summary drops request, answer and the estimate.
QuoteRecord ToRecord(const v1::Quote& quote, absl::Time created_at, absl::Time expires_at);

// The quote as GetQuote shows it: the body, with status, events and replaced_by from the events.
// INTERNAL when the stored bytes do not parse.
absl::StatusOr<v1::Quote> FromStored(const StoredQuote& stored, absl::Time now);
// As ListQuotes shows it: the summary, with status.
absl::StatusOr<v1::Quote> FromListed(const ListedQuote& listed, absl::Time now);

// The status a quote has now: its last event's, or EXPIRED when that is ISSUED and now >= expires.
v1::QuoteStatus CurrentStatus(int last_event_status, absl::Time expires_at, absl::Time now);

// An opaque page token: the query's filters (so that a token is refused with other filters) and
// the last row's (created_at, quote_id).
std::string EncodePageToken(const v1::ListQuotesRequest& query, absl::Time created_at,
                            const std::string& quote_id);
// INVALID_ARGUMENT naming page_token when it is malformed or from another query.
absl::StatusOr<std::pair<absl::Time, std::string>> DecodePageToken(
    const v1::ListQuotesRequest& query);

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_QUOTE_RECORDS_H_
