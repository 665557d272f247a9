// What every RPC of ours does around its handler: authenticate the caller, check its role,
// refuse a call whose deadline has already passed, run the handler, map its status, and write one
// audit line. The audit line holds time, caller, role, method, payer/plan (only ids the rules
// know), rule-set version, status and latency: never names, dates of birth, diagnoses or any
// documentation.
#ifndef ESTIMATOR_SERVER_UNARY_CALL_H_
#define ESTIMATOR_SERVER_UNARY_CALL_H_

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "service/server/access_control.h"
#include "service/server/grpc_status.h"
#include "service/server/work_queue.h"

namespace estimator {

// What the audit line says about the call beyond who made it. Handlers fill it in.
struct AuditFields {
  std::string plan = "-";   // "payer/plan" when the rules know both ids, "unknown" otherwise
  std::string rules = "-";  // the rule-set version used
  std::string quote = "-";  // quote calls: "<quote id>/<status>" (ids and statuses only)
  // Batch calls only: how many items and how many of each outcome, e.g. "items=100 ready=40
  // not_ready=30 info_needed=20 not_covered=5 no_prior_auth=4 errors=1" (counts only, never an
  // item's id or plan). Empty: not written, so other calls' lines keep their shape.
  std::string counts;
};

// Which transport a call came by; the audit line says it (via=grpc, via=http).
enum class Transport { kGrpc, kHttp };

// Writes the audit line for one call.
void LogCall(Method method, const Caller& caller, const AuditFields& audit,
             const absl::Status& status, absl::Duration latency,
             Transport transport = Transport::kGrpc);

// Runs `handle(caller, audit, *response)` -> absl::Status for an authorized caller, which writes
// its answer into `response` (on the call's arena, see arena_allocator.h), and finishes the call.
// `with_documentation`: the request carries clinical documentation (the portal role may not send
// it).
// Who is calling and whether they may: authenticates, authorizes, and refuses a call whose
// deadline has already passed. `caller` is filled in when the credentials name one.
absl::Status AdmitCall(grpc::CallbackServerContext* context, const AccessControl& access,
                       Method method, bool with_documentation, Caller& caller);
// Its second half, for any transport once the caller is known: the role, and the caller's
// `deadline` (absl::InfiniteFuture() for none).
absl::Status AdmitCaller(const Caller& caller, Method method, bool with_documentation,
                         absl::Time deadline);

// Writes the audit line and finishes the call with `status` (dropping a partial answer on error).
template <typename Response>
void FinishCall(grpc::ServerUnaryReactor* reactor, Method method, const Caller& caller,
                const AuditFields& audit, const absl::Status& status, absl::Time start,
                Response* response) {
  // gRPC sends no message with an error; drop the partial answer anyway.
  if (!status.ok()) response->Clear();
  LogCall(method, caller, audit, status, absl::Now() - start);
  reactor->Finish(ToGrpcStatus(status));
}

template <typename Response, typename Handle>
grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context,
                                     const AccessControl& access, Method method,
                                     bool with_documentation, Response* response,
                                     Handle&& handle) {
  const absl::Time start = absl::Now();
  Caller caller{"-", v1::ROLE_UNSPECIFIED};
  AuditFields audit;
  absl::Status status = AdmitCall(context, access, method, with_documentation, caller);
  if (status.ok()) status = handle(caller, audit, *response);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  FinishCall(reactor, method, caller, audit, status, start, response);
  return reactor;
}

// As ServeUnary, but `handle` runs on `queue`'s threads, not gRPC's: for calls that wait on
// something slow (the quote store). `handle` must own or point to what it uses (the request and
// response live until the call finishes). A full queue answers RESOURCE_EXHAUSTED at once.
template <typename Response, typename Handle>
grpc::ServerUnaryReactor* ServeUnaryOn(WorkQueue& queue, grpc::CallbackServerContext* context,
                                       const AccessControl& access, Method method,
                                       bool with_documentation, Response* response,
                                       Handle handle) {
  const absl::Time start = absl::Now();
  Caller caller{"-", v1::ROLE_UNSPECIFIED};
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::Status status = AdmitCall(context, access, method, with_documentation, caller);
  if (status.ok()) {
    const bool queued = queue.TryPost([=]() mutable {
      AuditFields audit;
      const absl::Status handled = handle(caller, audit, *response);
      FinishCall(reactor, method, caller, audit, handled, start, response);
    });
    if (queued) return reactor;
    status = absl::ResourceExhaustedError("too many quote calls are waiting; try again shortly");
  }
  FinishCall(reactor, method, caller, AuditFields{}, status, start, response);
  return reactor;
}

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_UNARY_CALL_H_
