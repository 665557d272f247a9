#include "service/server/public_api.h"

#include <type_traits>

#include "absl/strings/str_cat.h"
#include "estimator/v1/estimator.grpc.pb.h"
#include "estimator/v1/quotes.grpc.pb.h"
#include "service/server/estimator_service.h"
#include "service/server/quote_service.h"

namespace estimator {

bool CarriesDocumentation(const v1::EstimateCourseRequest& request) {
  return request.has_documentation();
}
bool CarriesDocumentation(const v1::CompareTreatmentsRequest& request) {
  return request.has_documentation();
}
bool CarriesDocumentation(const v1::CheckPriorAuthReadinessRequest& request) {
  return request.has_documentation();
}
bool CarriesDocumentation(const v1::BatchCheckPriorAuthReadinessRequest& request) {
  for (const v1::BatchReadinessItem& item : request.items()) {
    if (item.request().has_documentation()) return true;
  }
  return false;
}
bool CarriesDocumentation(const v1::SaveQuoteRequest& request) {
  return (request.has_estimate() && request.estimate().has_documentation()) ||
         (request.has_comparison() && request.comparison().has_documentation());
}

namespace {

// One row of the table: `handler` is a member of `Service` taking the method's own types, and the
// caller's deadline after the request when it uses it.
template <typename Request, typename Response, typename Service, typename Handler>
ApiMethod Row(absl::string_view service_name, absl::string_view rpc, Method method,
              Service* service, Handler handler, WorkQueue* queue) {
  ApiMethod m;
  m.path = absl::StrCat("/", service_name, "/", rpc);
  m.method = method;
  m.request_prototype = &Request::default_instance();
  m.response_prototype = &Response::default_instance();
  m.queue = queue;
  m.carries_documentation = [](const google::protobuf::Message& request) {
    return CarriesDocumentation(static_cast<const Request&>(request));
  };
  m.handle = [service, handler](const Caller& caller, const google::protobuf::Message& request,
                                absl::Time deadline, AuditFields& audit,
                                google::protobuf::Message& response) {
    const Request& typed = static_cast<const Request&>(request);
    Response& answer = static_cast<Response&>(response);
    if constexpr (std::is_invocable_v<Handler, Service*, const Caller&, const Request&, absl::Time,
                                      AuditFields&, Response&>) {
      return (service->*handler)(caller, typed, deadline, audit, answer);
    } else {
      return (service->*handler)(caller, typed, audit, answer);
    }
  };
  return m;
}

// A quote handler, named where the gRPC method of the same name makes the name ambiguous.
template <typename Request, typename Response>
using QuoteHandler = absl::Status (QuoteService::*)(const Caller&, const Request&, AuditFields&,
                                                    Response&);

}  // namespace

PublicApi::PublicApi(const EstimatorService* estimator, QuoteService* quotes) {
  const absl::string_view e = v1::EstimatorService::service_full_name();
  const absl::string_view q = v1::QuoteService::service_full_name();
  using ES = const EstimatorService;
  methods_ = {
      Row<v1::EstimateCourseRequest, v1::EstimateCourseResponse>(
          e, "EstimateCourse", Method::kEstimateCourse, estimator, &ES::Estimate, nullptr),
      Row<v1::CompareTreatmentsRequest, v1::CompareTreatmentsResponse>(
          e, "CompareTreatments", Method::kCompareTreatments, estimator, &ES::Compare, nullptr),
      Row<v1::CheckPriorAuthReadinessRequest, v1::CheckPriorAuthReadinessResponse>(
          e, "CheckPriorAuthReadiness", Method::kCheckPriorAuthReadiness, estimator,
          &ES::Readiness, nullptr),
      Row<v1::BatchCheckPriorAuthReadinessRequest, v1::BatchCheckPriorAuthReadinessResponse>(
          e, "BatchCheckPriorAuthReadiness", Method::kBatchCheckPriorAuthReadiness, estimator,
          &ES::BatchReadiness, nullptr),
      Row<v1::ListPayersRequest, v1::ListPayersResponse>(e, "ListPayers", Method::kListPayers,
                                                         estimator, &ES::Payers, nullptr),
      Row<v1::SaveQuoteRequest, v1::SaveQuoteResponse>(q, "SaveQuote", Method::kSaveQuote, quotes,
                                                       &QuoteService::Save, &quotes->queue()),
      Row<v1::GetQuoteRequest, v1::GetQuoteResponse>(q, "GetQuote", Method::kGetQuote, quotes,
                                                     &QuoteService::Get, &quotes->queue()),
      Row<v1::ListQuotesRequest, v1::ListQuotesResponse>(
          q, "ListQuotes", Method::kListQuotes, quotes, &QuoteService::List, &quotes->queue()),
      Row<v1::VoidQuoteRequest, v1::VoidQuoteResponse>(q, "VoidQuote", Method::kVoidQuote, quotes,
                                                       &QuoteService::Void, &quotes->queue()),
      Row<v1::IssueGoodFaithEstimateRequest, v1::IssueGoodFaithEstimateResponse>(
          q, "IssueGoodFaithEstimate", Method::kIssueGoodFaithEstimate, quotes,
          QuoteHandler<v1::IssueGoodFaithEstimateRequest, v1::IssueGoodFaithEstimateResponse>(
              &QuoteService::IssueGoodFaithEstimate),
          &quotes->queue()),
      Row<v1::CheckDisputeEligibilityRequest, v1::CheckDisputeEligibilityResponse>(
          q, "CheckDisputeEligibility", Method::kCheckDisputeEligibility, quotes,
          QuoteHandler<v1::CheckDisputeEligibilityRequest, v1::CheckDisputeEligibilityResponse>(
              &QuoteService::CheckDisputeEligibility),
          &quotes->queue()),
      Row<v1::PurgeQuotesRequest, v1::PurgeQuotesResponse>(
          q, "PurgeQuotes", Method::kPurgeQuotes, quotes, &QuoteService::Purge, &quotes->queue()),
  };
}

const ApiMethod* PublicApi::Find(absl::string_view path) const {
  for (const ApiMethod& m : methods_) {
    if (m.path == path) return &m;
  }
  return nullptr;
}

}  // namespace estimator
