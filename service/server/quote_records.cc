#include "service/server/quote_records.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "openssl/rand.h"
#include "service/common/dates.h"
#include "service/common/sha256.h"

namespace estimator {
namespace {

constexpr absl::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
constexpr absl::string_view kIdPrefix = "q_";
constexpr size_t kIdChars = 26;  // ceil(128 / 5)

// What a page token must match: every filter of the query (not the page size or the token).
std::string QueryFingerprint(const v1::ListQuotesRequest& q) {
  return Sha256Hex(absl::StrCat(q.clinic_id(), "\n", q.created_from(), "\n", q.created_to(), "\n",
                                q.patient_reference(), "\n", q.kind(), "\n", q.status()))
      .substr(0, 16);
}

}  // namespace

std::string NewQuoteId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // OpenSSL's generator failing is not something to work around with a weaker one.
    std::abort();
  }
  std::string id(kIdPrefix);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      id.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) id.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return id;
}

absl::Status CheckQuoteId(absl::string_view id, absl::string_view field) {
  bool ok = id.size() == kIdPrefix.size() + kIdChars && absl::StartsWith(id, kIdPrefix);
  for (size_t i = kIdPrefix.size(); ok && i < id.size(); ++i) {
    ok = kAlphabet.find(id[i]) != absl::string_view::npos;
  }
  if (ok) return absl::OkStatus();
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": '", absl::CHexEscape(id.substr(0, 32)), id.size() > 32 ? "...'" : "'",
      " is not a quote id (q_ and 26 characters of a-z, 2-7)"));
}

QuoteRecord ToRecord(const v1::Quote& quote, absl::Time created_at, absl::Time expires_at) {
  QuoteRecord r;
  r.quote_id = quote.quote_id();
  r.kind = quote.kind();
  r.clinic_id = quote.clinic_id();
  r.patient_reference = quote.patient_reference();
  r.created_at = created_at;
  r.expires_at = expires_at;
  v1::Quote body = quote;
  body.clear_status();
  body.clear_events();
  body.clear_replaced_by();
  r.body = body.SerializeAsString();
  v1::Quote summary = body;
  summary.clear_request();
  summary.clear_answer();
  summary.clear_good_faith_estimate();
  r.summary = summary.SerializeAsString();
  return r;
}

v1::QuoteStatus CurrentStatus(int last_event_status, absl::Time expires_at, absl::Time now) {
  if (last_event_status == v1::QUOTE_STATUS_ISSUED && now >= expires_at) {
    return v1::QUOTE_STATUS_EXPIRED;
  }
  return static_cast<v1::QuoteStatus>(last_event_status);
}

absl::StatusOr<v1::Quote> FromStored(const StoredQuote& stored, absl::Time now) {
  v1::Quote q;
  if (!q.ParseFromString(stored.record.body) || stored.events.empty()) {
    return absl::InternalError(absl::StrCat("quote ", stored.record.quote_id, ": stored record does not parse"));
  }
  for (const QuoteEventRecord& e : stored.events) {
    v1::QuoteEvent& out = *q.add_events();
    out.set_at(Rfc3339UtcMicros(e.at));
    out.set_status(static_cast<v1::QuoteStatus>(e.status));
    out.set_by(e.by);
    out.set_by_role(static_cast<v1::Role>(e.by_role));
    out.set_reason(e.reason);
    out.set_replaced_by(e.replaced_by);
    if (!e.replaced_by.empty()) q.set_replaced_by(e.replaced_by);
  }
  q.set_status(CurrentStatus(stored.events.back().status, stored.record.expires_at, now));
  if (q.status() == v1::QUOTE_STATUS_EXPIRED) {
    // Expiry is a fact of time, not a stored change: shown as the last event, by "system".
    v1::QuoteEvent& out = *q.add_events();
    out.set_at(Rfc3339UtcMicros(stored.record.expires_at));
    out.set_status(v1::QUOTE_STATUS_EXPIRED);
    out.set_by("system");
  }
  return q;
}

absl::StatusOr<v1::Quote> FromListed(const ListedQuote& listed, absl::Time now) {
  v1::Quote q;
  if (!q.ParseFromString(listed.record.summary)) {
    return absl::InternalError(absl::StrCat("quote ", listed.record.quote_id, ": stored summary does not parse"));
  }
  q.set_status(CurrentStatus(listed.last_status, listed.record.expires_at, now));
  return q;
}

std::string EncodePageToken(const v1::ListQuotesRequest& query, absl::Time created_at,
                            const std::string& quote_id) {
  return absl::WebSafeBase64Escape(absl::StrCat("v1|", QueryFingerprint(query), "|",
                                                absl::ToUnixMicros(created_at), "|", quote_id));
}

absl::StatusOr<std::pair<absl::Time, std::string>> DecodePageToken(
    const v1::ListQuotesRequest& query) {
  std::string raw;
  const absl::Status malformed = absl::InvalidArgumentError(
      "page_token: not a token this service gave (pass next_page_token unchanged)");
  if (query.page_token().size() > 256 || !absl::WebSafeBase64Unescape(query.page_token(), &raw)) {
    return malformed;
  }
  std::vector<std::string> parts = absl::StrSplit(raw, '|');
  int64_t micros = 0;
  if (parts.size() != 4 || parts[0] != "v1" || !absl::SimpleAtoi(parts[2], &micros) ||
      !CheckQuoteId(parts[3], "page_token").ok()) {
    return malformed;
  }
  if (parts[1] != QueryFingerprint(query)) {
    return absl::InvalidArgumentError(
        "page_token: belongs to a query with other filters; repeat the query that gave it, or "
        "start again without a token");
  }
  return std::make_pair(absl::FromUnixMicros(micros), parts[3]);
}

}  // namespace estimator
