#include "service/server/quote_service.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "service/common/dates.h"
#include "service/server/public_api.h"
#include "service/common/sha256.h"
#include "service/common/status_macros.h"
#include "service/engine/course_estimate.h"
#include "service/good_faith/dispute_check.h"
#include "service/server/estimator_service.h"
#include "service/good_faith/gfe_document.h"
#include "service/good_faith/good_faith_estimate.h"
#include "service/server/quote_records.h"

namespace estimator {
namespace {

constexpr int kMaxPatientReference = 64;
constexpr int kMaxVoidReason = 500;
constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;

absl::CivilDay Today(absl::Time now) { return absl::ToCivilDay(now, absl::UTCTimeZone()); }

// Engine errors name fields of the inner request; the caller sent them under `prefix`.
absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  if (status.ok() || (status.code() != absl::StatusCode::kInvalidArgument &&
                      status.code() != absl::StatusCode::kNotFound &&
                      status.code() != absl::StatusCode::kFailedPrecondition)) {
    return status;
  }
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

absl::Status CheckPatientReference(absl::string_view ref, absl::string_view field) {
  if (ref.size() > kMaxPatientReference) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than ", kMaxPatientReference,
                                                   " characters"));
  }
  for (char c : ref) {
    if (!(absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-')) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": use only letters, digits, '.', '_' and '-' (the clinic's id for the patient, "
                 "never a name)"));
    }
  }
  return absl::OkStatus();
}

// The channel a quote was asked through: the request's, or the caller's role's.
absl::StatusOr<v1::QuoteChannel> ChannelFor(const Caller& caller, v1::QuoteChannel asked) {
  if (asked != v1::QUOTE_CHANNEL_UNSPECIFIED && !v1::QuoteChannel_IsValid(asked)) {
    return absl::InvalidArgumentError(absl::StrCat("channel: unknown value ", asked));
  }
  switch (caller.role) {
    case v1::ROLE_PORTAL:
      if (asked != v1::QUOTE_CHANNEL_UNSPECIFIED && asked != v1::QUOTE_CHANNEL_PATIENT_PORTAL) {
        return absl::PermissionDeniedError("channel: the portal saves quotes only as PATIENT_PORTAL");
      }
      return v1::QUOTE_CHANNEL_PATIENT_PORTAL;
    case v1::ROLE_FRONT_DESK:
      return asked == v1::QUOTE_CHANNEL_UNSPECIFIED ? v1::QUOTE_CHANNEL_FRONT_DESK : asked;
    case v1::ROLE_BILLING:
      return asked == v1::QUOTE_CHANNEL_UNSPECIFIED ? v1::QUOTE_CHANNEL_BILLING : asked;
    default:
      if (asked == v1::QUOTE_CHANNEL_UNSPECIFIED) {
        return absl::InvalidArgumentError(
            "channel: say how the quote was asked (FRONT_DESK, PATIENT_PORTAL or BILLING)");
      }
      return asked;
  }
}

// Every plan file an answer used: the request's payer and plan, one version per course.
void AddPlanVersions(const v1::Coverage& coverage, const v1::CourseEstimate& e, v1::Quote& q) {
  if (!coverage.has_insurance() || e.coverage().plan_file_version().empty()) return;
  for (const v1::PlanFileVersion& v : q.plan_file_versions()) {
    if (v.file_version() == e.coverage().plan_file_version()) return;
  }
  v1::PlanFileVersion& v = *q.add_plan_file_versions();
  v.set_payer_id(coverage.insurance().payer_id());
  v.set_plan_id(coverage.insurance().plan_id());
  v.set_file_version(e.coverage().plan_file_version());
}

// The new quote's common fields.
v1::Quote NewQuote(const Caller& caller, v1::QuoteKind kind, const std::string& clinic_id,
                   const std::string& patient_reference, v1::QuoteChannel channel,
                   const RuleSet& rules, absl::Time now) {
  v1::Quote q;
  q.set_quote_id(NewQuoteId());
  q.set_kind(kind);
  q.set_clinic_id(clinic_id);
  q.set_patient_reference(patient_reference);
  q.set_saved_by(caller.name);
  q.set_saved_by_role(caller.role);
  q.set_channel(channel);
  q.set_created_at(Rfc3339UtcMicros(now));
  q.set_rule_set_version(rules.version());
  return q;
}

QuoteEventRecord Event(const Caller& caller, v1::QuoteStatus status, absl::Time at, int seq) {
  QuoteEventRecord e;
  e.seq = seq;
  e.at = at;
  e.status = status;
  e.by = caller.name;
  e.by_role = caller.role;
  return e;
}

// "issued", "voided", ...
std::string StatusWord(v1::QuoteStatus status) {
  return absl::AsciiStrToLower(v1::QuoteStatus_Name(status).substr(sizeof("QUOTE_STATUS_") - 1));
}

std::string AuditQuote(const v1::Quote& q) {
  return absl::StrCat(q.quote_id(), "/", StatusWord(q.status()));
}

// A quote keeps the full answer (every line), whatever view the caller's request names: a saved
// quote is the record of what was quoted, and a Good Faith Estimate is built from the lines.
template <typename Request>
Request InFullView(const Request& request) {
  Request full = request;
  full.set_view(v1::ESTIMATE_VIEW_FULL);
  return full;
}

// Computes the answer to `estimate` or `comparison` (one of them is set) in the full view on
// `rules`, and keeps it in `q` with the request, its SHA-256 and the plan files it used. Engine
// errors name the field under the request's own name ("estimate." or "comparison.").
absl::Status AnswerInto(const RuleSet& rules, const v1::EstimateCourseRequest* estimate,
                        const v1::CompareTreatmentsRequest* comparison, absl::CivilDay today,
                        v1::Quote& q) {
  if (estimate != nullptr) {
    RETURN_IF_ERROR(Prefixed(
        EstimateCourseInto(rules, InFullView(*estimate), today, *q.mutable_estimate()),
        "estimate."));
    *q.mutable_estimate_request() = *estimate;
    AddPlanVersions(estimate->coverage(), q.estimate().estimate(), q);
    q.set_answer_sha256(Sha256Hex(q.estimate().SerializeAsString()));
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(Prefixed(
      CompareTreatmentsInto(rules, InFullView(*comparison), today, *q.mutable_comparison()),
      "comparison."));
  *q.mutable_comparison_request() = *comparison;
  for (const v1::CourseEstimate& e : q.comparison().estimates()) {
    AddPlanVersions(comparison->coverage(), e, q);
  }
  q.set_answer_sha256(Sha256Hex(q.comparison().SerializeAsString()));
  return absl::OkStatus();
}

// Times in the record are kept to the microsecond, as the store keeps them.
absl::Time Micros(absl::Time t) { return absl::FromUnixMicros(absl::ToUnixMicros(t)); }

}  // namespace

template <typename Call>
absl::Status QuoteService::WithStore(Call&& call) {
  ASSIGN_OR_RETURN(std::shared_ptr<QuoteStore> store, store_->Get());
  absl::Status status = call(*store);
  store_->Failed(status);
  return status;
}

absl::Status QuoteService::Save(const Caller& caller, const v1::SaveQuoteRequest& request,
                                AuditFields& audit, v1::SaveQuoteResponse& response) {
  if (!request.has_estimate() && !request.has_comparison()) {
    return absl::InvalidArgumentError("request: give an estimate or a comparison to save");
  }
  RETURN_IF_ERROR(CheckPatientReference(request.patient_reference(), "patient_reference"));
  ASSIGN_OR_RETURN(v1::QuoteChannel channel, ChannelFor(caller, request.channel()));
  const std::shared_ptr<const RuleSet> rules = rules_->Current();
  if (rules == nullptr) return absl::UnavailableError("no rules are loaded yet");
  audit.rules = rules->version();
  // The store is checked before computing, so that a save during an outage costs nothing.
  RETURN_IF_ERROR(store_->Get().status());
  const absl::Time now = Micros(absl::Now());
  const bool is_estimate = request.has_estimate();
  audit.plan = PlanLabel(*rules, is_estimate ? request.estimate().coverage()
                                             : request.comparison().coverage());
  v1::Quote q = NewQuote(caller, is_estimate ? v1::QUOTE_KIND_ESTIMATE : v1::QUOTE_KIND_COMPARISON,
                         is_estimate ? request.estimate().clinic_id()
                                     : request.comparison().clinic_id(),
                         request.patient_reference(), channel, *rules, now);
  RETURN_IF_ERROR(AnswerInto(*rules, is_estimate ? &request.estimate() : nullptr,
                             is_estimate ? nullptr : &request.comparison(), Today(now), q));
  const absl::Time expires = now + absl::Hours(24) * settings_.quote_valid_days;
  q.set_expires_at(Rfc3339UtcMicros(expires));
  const QuoteEventRecord issued = Event(caller, v1::QUOTE_STATUS_ISSUED, now, 1);
  StoredQuote stored{ToRecord(q, now, expires), {issued}};
  RETURN_IF_ERROR(WithStore([&](QuoteStore& store) {
    return store.Insert(stored.record, issued);
  }));
  ASSIGN_OR_RETURN(*response.mutable_quote(), FromStored(stored, now));
  audit.quote = AuditQuote(response.quote());
  return absl::OkStatus();
}

absl::Status QuoteService::Get(const Caller& caller, const v1::GetQuoteRequest& request,
                               AuditFields& audit, v1::GetQuoteResponse& response) {
  RETURN_IF_ERROR(CheckQuoteId(request.quote_id(), "quote_id"));
  StoredQuote stored;
  RETURN_IF_ERROR(WithStore([&](QuoteStore& store) -> absl::Status {
    ASSIGN_OR_RETURN(stored, store.Get(request.quote_id()));
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(*response.mutable_quote(), FromStored(stored, absl::Now()));
  audit.quote = AuditQuote(response.quote());
  return absl::OkStatus();
}

absl::Status QuoteService::List(const Caller& caller, const v1::ListQuotesRequest& request,
                                AuditFields& audit, v1::ListQuotesResponse& response) {
  QuoteQuery query;
  if (request.clinic_id().empty()) return absl::InvalidArgumentError("clinic_id is required");
  if (request.clinic_id().size() > 64 ||
      !std::all_of(request.clinic_id().begin(), request.clinic_id().end(), [](char c) {
        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_';
      })) {
    return absl::InvalidArgumentError("clinic_id: 1-64 characters of [a-z0-9_] (see ListPayers)");
  }
  query.clinic_id = request.clinic_id();
  if (!request.created_from().empty()) {
    ASSIGN_OR_RETURN(absl::CivilDay from, ParseDate(request.created_from(), "created_from"));
    query.created_from = absl::FromCivil(from, absl::UTCTimeZone());
  }
  if (!request.created_to().empty()) {
    ASSIGN_OR_RETURN(absl::CivilDay to, ParseDate(request.created_to(), "created_to"));
    query.created_before = absl::FromCivil(to + 1, absl::UTCTimeZone());
    if (query.created_from && *query.created_before <= *query.created_from) {
      return absl::InvalidArgumentError("created_to: before created_from");
    }
  }
  RETURN_IF_ERROR(CheckPatientReference(request.patient_reference(), "patient_reference"));
  query.patient_reference = request.patient_reference();
  if (request.kind() != 0 && !v1::QuoteKind_IsValid(request.kind())) {
    return absl::InvalidArgumentError(absl::StrCat("kind: unknown value ", request.kind()));
  }
  query.kind = request.kind();
  if (request.status() != 0 && !v1::QuoteStatus_IsValid(request.status())) {
    return absl::InvalidArgumentError(absl::StrCat("status: unknown value ", request.status()));
  }
  query.status = request.status();
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: ", request.page_size(),
                                                   " is outside 1-", kMaxPageSize,
                                                   " (0 for the default, ", kDefaultPageSize, ")"));
  }
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  if (!request.page_token().empty()) {
    ASSIGN_OR_RETURN(query.after, DecodePageToken(request));
  }
  query.limit = page_size + 1;  // one more says whether a next page exists
  query.now = absl::Now();
  std::vector<ListedQuote> rows;
  RETURN_IF_ERROR(WithStore([&](QuoteStore& store) -> absl::Status {
    ASSIGN_OR_RETURN(rows, store.List(query));
    return absl::OkStatus();
  }));
  const bool more = static_cast<int>(rows.size()) > page_size;
  if (more) rows.resize(page_size);
  for (const ListedQuote& row : rows) {
    ASSIGN_OR_RETURN(*response.add_quotes(), FromListed(row, query.now));
  }
  if (more) {
    response.set_next_page_token(
        EncodePageToken(request, rows.back().record.created_at, rows.back().record.quote_id));
  }
  audit.quote = absl::StrCat("list/", rows.size());
  return absl::OkStatus();
}

absl::Status QuoteService::Void(const Caller& caller, const v1::VoidQuoteRequest& request,
                                AuditFields& audit, v1::VoidQuoteResponse& response) {
  RETURN_IF_ERROR(CheckQuoteId(request.quote_id(), "quote_id"));
  const std::string reason(absl::StripAsciiWhitespace(request.reason()));
  if (reason.empty()) return absl::InvalidArgumentError("reason is required: say why the quote is void");
  if (reason.size() > kMaxVoidReason) {
    return absl::InvalidArgumentError(absl::StrCat("reason: longer than ", kMaxVoidReason, " characters"));
  }
  StoredQuote stored;
  RETURN_IF_ERROR(WithStore([&](QuoteStore& store) -> absl::Status {
    ASSIGN_OR_RETURN(stored, store.Get(request.quote_id()));
    const absl::Time now = Micros(absl::Now());
    const v1::QuoteStatus status =
        CurrentStatus(stored.events.back().status, stored.record.expires_at, now);
    if (status != v1::QUOTE_STATUS_ISSUED) {
      return absl::FailedPreconditionError(absl::StrCat(
          "quote ", request.quote_id(), " is ", StatusWord(status),
          ", not issued: only an issued quote can be voided"));
    }
    QuoteEventRecord e = Event(caller, v1::QUOTE_STATUS_VOIDED, now, stored.events.back().seq + 1);
    e.reason = reason;
    absl::Status appended = store.AppendEvent(request.quote_id(), e);
    if (appended.code() == absl::StatusCode::kAborted) {
      return absl::FailedPreconditionError(absl::StrCat(
          "quote ", request.quote_id(), " changed while it was being voided; read it again"));
    }
    RETURN_IF_ERROR(appended);
    stored.events.push_back(e);
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(*response.mutable_quote(), FromStored(stored, absl::Now()));
  audit.quote = AuditQuote(response.quote());
  return absl::OkStatus();
}

absl::Status QuoteService::IssueGoodFaithEstimate(const Caller& caller,
                                                  const v1::IssueGoodFaithEstimateRequest& request,
                                                  AuditFields& audit,
                                                  v1::IssueGoodFaithEstimateResponse& response) {
  const absl::Time now = Micros(absl::Now());
  ASSIGN_OR_RETURN(GfeFacts facts, ValidateGoodFaithEstimateRequest(request, Today(now)));
  RETURN_IF_ERROR(CheckPatientReference(request.patient_reference(), "patient_reference"));
  if (!request.replaces_quote_id().empty()) {
    RETURN_IF_ERROR(CheckQuoteId(request.replaces_quote_id(), "replaces_quote_id"));
  }
  ASSIGN_OR_RETURN(v1::QuoteChannel channel, ChannelFor(caller, request.channel()));
  const std::shared_ptr<const RuleSet> rules = rules_->Current();
  if (rules == nullptr) return absl::UnavailableError("no rules are loaded yet");
  audit.rules = rules->version();
  audit.plan = "self_pay";
  RETURN_IF_ERROR(store_->Get().status());

  const std::string& clinic_id =
      request.has_estimate() ? request.estimate().clinic_id() : request.comparison().clinic_id();
  v1::Quote q = NewQuote(caller, v1::QUOTE_KIND_GOOD_FAITH_ESTIMATE, clinic_id,
                         request.patient_reference(), channel, *rules, now);
  RETURN_IF_ERROR(AnswerInto(*rules, request.has_estimate() ? &request.estimate() : nullptr,
                             request.has_comparison() ? &request.comparison() : nullptr, Today(now),
                             q));
  ASSIGN_OR_RETURN(const v1::CourseEstimate* course,
                   GfeCourse(request, request.has_estimate() ? &q.estimate() : nullptr,
                             request.has_comparison() ? &q.comparison() : nullptr));
  const ClinicRules* clinic = rules->FindClinic(clinic_id);
  if (clinic == nullptr) return absl::InternalError("the estimate's clinic is not in its rules");

  return WithStore([&](QuoteStore& store) -> absl::Status {
    std::optional<EventForOtherQuote> replaced;
    v1::Quote earlier;
    if (!request.replaces_quote_id().empty()) {
      ASSIGN_OR_RETURN(StoredQuote old, store.Get(request.replaces_quote_id()));
      ASSIGN_OR_RETURN(earlier, FromStored(old, now));
      if (earlier.kind() != v1::QUOTE_KIND_GOOD_FAITH_ESTIMATE) {
        return absl::FailedPreconditionError(absl::StrCat(
            "replaces_quote_id: ", earlier.quote_id(), " is not a Good Faith Estimate"));
      }
      if (earlier.clinic_id() != clinic_id) {
        return absl::FailedPreconditionError(absl::StrCat(
            "replaces_quote_id: ", earlier.quote_id(), " is another clinic's estimate"));
      }
      if (earlier.status() != v1::QUOTE_STATUS_ISSUED) {
        return absl::FailedPreconditionError(absl::StrCat(
            "replaces_quote_id: ", earlier.quote_id(), " is ",
            StatusWord(earlier.status()),
            "; only an issued estimate can be replaced"));
      }
      replaced.emplace();
      replaced->quote_id = earlier.quote_id();
      replaced->event = Event(caller, v1::QUOTE_STATUS_REPLACED, now, old.events.back().seq + 1);
      replaced->event.replaced_by = q.quote_id();
      q.set_replaces(earlier.quote_id());
    }
    ASSIGN_OR_RETURN(*q.mutable_good_faith_estimate(),
                     BuildGoodFaithEstimate(*clinic, *course, facts,
                                            replaced ? &earlier.good_faith_estimate() : nullptr));
    if (replaced) replaced->event.reason = absl::StrJoin(q.good_faith_estimate().changes(), " ");
    v1::GoodFaithEstimate& gfe = *q.mutable_good_faith_estimate();
    gfe.set_document_html(RenderGoodFaithEstimateHtml(gfe, q.quote_id()));
    gfe.set_document_sha256(Sha256Hex(gfe.document_html()));
    ASSIGN_OR_RETURN(absl::CivilDay period_end, ParseDate(gfe.period_end(), "period_end"));
    const absl::Time expires = absl::FromCivil(period_end + 1, absl::UTCTimeZone());
    q.set_expires_at(Rfc3339UtcMicros(expires));
    const QuoteEventRecord issued = Event(caller, v1::QUOTE_STATUS_ISSUED, now, 1);
    const QuoteRecord record = ToRecord(q, now, expires);
    absl::Status inserted = store.Insert(record, issued, replaced);
    if (inserted.code() == absl::StatusCode::kAborted) {
      return absl::FailedPreconditionError(absl::StrCat(
          "replaces_quote_id: ", request.replaces_quote_id(),
          " changed while this estimate was being issued; read it again"));
    }
    RETURN_IF_ERROR(inserted);
    ASSIGN_OR_RETURN(*response.mutable_quote(), FromStored(StoredQuote{record, {issued}}, now));
    audit.quote = AuditQuote(response.quote());
    return absl::OkStatus();
  });
}

absl::Status QuoteService::CheckDisputeEligibility(
    const Caller& caller, const v1::CheckDisputeEligibilityRequest& request, AuditFields& audit,
    v1::CheckDisputeEligibilityResponse& response) {
  RETURN_IF_ERROR(CheckQuoteId(request.quote_id(), "quote_id"));
  StoredQuote stored;
  RETURN_IF_ERROR(WithStore([&](QuoteStore& store) -> absl::Status {
    ASSIGN_OR_RETURN(stored, store.Get(request.quote_id()));
    return absl::OkStatus();
  }));
  const absl::Time now = absl::Now();
  ASSIGN_OR_RETURN(v1::Quote q, FromStored(stored, now));
  audit.quote = AuditQuote(q);
  if (q.kind() != v1::QUOTE_KIND_GOOD_FAITH_ESTIMATE) {
    return absl::FailedPreconditionError(
        absl::StrCat("quote_id: ", q.quote_id(), " is not a Good Faith Estimate"));
  }
  ASSIGN_OR_RETURN(response, CheckDispute(q.good_faith_estimate(), request, Today(now)));
  return absl::OkStatus();
}

absl::Status QuoteService::Purge(const Caller& caller, const v1::PurgeQuotesRequest& request,
                                 AuditFields& audit, v1::PurgeQuotesResponse& response) {
  const absl::Time now = absl::Now();
  const absl::CivilDay cutoff_day = AddMonths(Today(now), -12 * settings_.retention_years);
  const absl::Time cutoff = absl::FromCivil(cutoff_day, absl::UTCTimeZone());
  int64_t purged = 0;
  RETURN_IF_ERROR(WithStore([&](QuoteStore& store) -> absl::Status {
    ASSIGN_OR_RETURN(purged, store.PurgeCreatedBefore(cutoff));
    return absl::OkStatus();
  }));
  response.set_quotes_purged(purged);
  response.set_created_before(Rfc3339Utc(cutoff));
  audit.quote = absl::StrCat("purged/", purged);
  return absl::OkStatus();
}

// ---- gRPC ---------------------------------------------------------------------------------------

// Each method admits the caller on gRPC's thread and runs its handler on the quote queue.
#define ESTIMATOR_QUOTE_RPC(Rpc, Handler, MethodId, Request, Response)                        \
  grpc::ServerUnaryReactor* QuoteService::Rpc(grpc::CallbackServerContext* context,           \
                                              const v1::Request* request,                      \
                                              v1::Response* response) {                        \
    return ServeUnaryOn(                                                                       \
        queue_, context, *access_, Method::MethodId, CarriesDocumentation(*request), response,  \
        [this, request](const Caller& caller, AuditFields& audit, v1::Response& out) {         \
          return Handler(caller, *request, audit, out);                                        \
        });                                                                                    \
  }

ESTIMATOR_QUOTE_RPC(SaveQuote, Save, kSaveQuote, SaveQuoteRequest, SaveQuoteResponse)
ESTIMATOR_QUOTE_RPC(GetQuote, Get, kGetQuote, GetQuoteRequest, GetQuoteResponse)
ESTIMATOR_QUOTE_RPC(ListQuotes, List, kListQuotes, ListQuotesRequest, ListQuotesResponse)
ESTIMATOR_QUOTE_RPC(VoidQuote, Void, kVoidQuote, VoidQuoteRequest, VoidQuoteResponse)
ESTIMATOR_QUOTE_RPC(IssueGoodFaithEstimate, IssueGoodFaithEstimate, kIssueGoodFaithEstimate,
                    IssueGoodFaithEstimateRequest, IssueGoodFaithEstimateResponse)
ESTIMATOR_QUOTE_RPC(CheckDisputeEligibility, CheckDisputeEligibility, kCheckDisputeEligibility,
                    CheckDisputeEligibilityRequest, CheckDisputeEligibilityResponse)
ESTIMATOR_QUOTE_RPC(PurgeQuotes, Purge, kPurgeQuotes, PurgeQuotesRequest, PurgeQuotesResponse)

#undef ESTIMATOR_QUOTE_RPC

}  // namespace estimator
