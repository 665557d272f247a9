// Saved quotes and Good Faith Estimates (quotes.proto): the handlers, and their gRPC face.
//
// Each handler is `absl::Status Name(const Caller&, const Request&, AuditFields&, Response&)`,
// independent of the transport: the gRPC methods below only wrap them in ServeUnaryOn (caller,
// role, deadline, audit line), which runs them on the service's own threads: a database that is
// slow or stuck holds those, never the gRPC threads estimates are answered on. Answers are computed by the engine on the current rules, exactly as
// EstimatorService would answer; the store (quote_store.h) keeps them. No money is computed here.
//
// The store may be down: every handler then answers UNAVAILABLE, and estimates carry on.
#ifndef ESTIMATOR_SERVER_QUOTE_SERVICE_H_
#define ESTIMATOR_SERVER_QUOTE_SERVICE_H_

#include "estimator/v1/quotes.grpc.pb.h"
#include "service/server/access_control.h"
#include "service/server/quote_store_link.h"
#include "service/server/rule_store.h"
#include "service/server/unary_call.h"

namespace estimator {

struct QuoteSettings {
  // An issued estimate or comparison becomes EXPIRED this long after it was saved.
  int quote_valid_days = 30;
  // PurgeQuotes removes quotes created more than this many years ago.
  int retention_years = 6;
  // Threads quote calls run on (never gRPC's), and how many calls may wait for one.
  int threads = 8;
  size_t queue_capacity = 4096;
};

class QuoteService final : public v1::QuoteService::CallbackService {
 public:
  QuoteService(const RuleStore* rules, const AccessControl* access, QuoteStoreLink* store,
               QuoteSettings settings)
      : rules_(rules),
        access_(access),
        store_(store),
        settings_(settings),
        queue_("quotes", settings.threads, settings.queue_capacity) {}

  // The handlers.
  absl::Status Save(const Caller& caller, const v1::SaveQuoteRequest& request, AuditFields& audit,
                    v1::SaveQuoteResponse& response);
  absl::Status Get(const Caller& caller, const v1::GetQuoteRequest& request, AuditFields& audit,
                   v1::GetQuoteResponse& response);
  absl::Status List(const Caller& caller, const v1::ListQuotesRequest& request, AuditFields& audit,
                    v1::ListQuotesResponse& response);
  absl::Status Void(const Caller& caller, const v1::VoidQuoteRequest& request, AuditFields& audit,
                    v1::VoidQuoteResponse& response);
  absl::Status IssueGoodFaithEstimate(const Caller& caller,
                                      const v1::IssueGoodFaithEstimateRequest& request,
                                      AuditFields& audit,
                                      v1::IssueGoodFaithEstimateResponse& response);
  absl::Status CheckDisputeEligibility(const Caller& caller,
                                       const v1::CheckDisputeEligibilityRequest& request,
                                       AuditFields& audit,
                                       v1::CheckDisputeEligibilityResponse& response);
  absl::Status Purge(const Caller& caller, const v1::PurgeQuotesRequest& request,
                     AuditFields& audit, v1::PurgeQuotesResponse& response);

  // The threads the handlers run on, for every transport.
  WorkQueue& queue() { return queue_; }

  // gRPC.
  grpc::ServerUnaryReactor* SaveQuote(grpc::CallbackServerContext* context,
                                      const v1::SaveQuoteRequest* request,
                                      v1::SaveQuoteResponse* response) override;
  grpc::ServerUnaryReactor* GetQuote(grpc::CallbackServerContext* context,
                                     const v1::GetQuoteRequest* request,
                                     v1::GetQuoteResponse* response) override;
  grpc::ServerUnaryReactor* ListQuotes(grpc::CallbackServerContext* context,
                                       const v1::ListQuotesRequest* request,
                                       v1::ListQuotesResponse* response) override;
  grpc::ServerUnaryReactor* VoidQuote(grpc::CallbackServerContext* context,
                                      const v1::VoidQuoteRequest* request,
                                      v1::VoidQuoteResponse* response) override;
  grpc::ServerUnaryReactor* IssueGoodFaithEstimate(
      grpc::CallbackServerContext* context, const v1::IssueGoodFaithEstimateRequest* request,
      v1::IssueGoodFaithEstimateResponse* response) override;
  grpc::ServerUnaryReactor* CheckDisputeEligibility(
      grpc::CallbackServerContext* context, const v1::CheckDisputeEligibilityRequest* request,
      v1::CheckDisputeEligibilityResponse* response) override;
  grpc::ServerUnaryReactor* PurgeQuotes(grpc::CallbackServerContext* context,
                                        const v1::PurgeQuotesRequest* request,
                                        v1::PurgeQuotesResponse* response) override;

 private:
  // Runs `call` with the store, reporting an UNAVAILABLE answer to the link.
  template <typename Call>
  absl::Status WithStore(Call&& call);

  const RuleStore* rules_;
  const AccessControl* access_;
  QuoteStoreLink* store_;
  const QuoteSettings settings_;
  WorkQueue queue_;  // last: its threads stop (finishing queued calls) before the rest goes
};

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_QUOTE_SERVICE_H_
