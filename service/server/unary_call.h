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

namespace estimator {

// What the audit line says about the call beyond who made it. Handlers fill it in.
struct AuditFields {
  std::string plan = "-";   // "payer/plan" when the rules know both ids, "unknown" otherwise
  std::string rules = "-";  // the rule-set version used
  std::string quote = "-";  // quote calls: "<quote id>/<status>" (ids and statuses only)
};

// Writes the audit line for one call.
void LogCall(Method method, const Caller& caller, const AuditFields& audit,
             const absl::Status& status, absl::Duration latency);

// Runs `handle(caller, audit, *response)` -> absl::Status for an authorized caller, which writes
// its answer into `response` (on the call's arena, see arena_allocator.h), and finishes the call.
// `with_documentation`: the request carries clinical documentation (the portal role may not send
// it).
template <typename Response, typename Handle>
grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context,
                                     const AccessControl& access, Method method,
                                     bool with_documentation, Response* response,
                                     Handle&& handle) {
  const absl::Time start = absl::Now();
  Caller caller{"-", v1::ROLE_UNSPECIFIED};
  AuditFields audit;
  absl::Status status;
  if (absl::StatusOr<Caller> who = access.Authenticate(*context); !who.ok()) {
    status = who.status();
  } else {
    caller = *std::move(who);
    status = Authorize(caller, method, with_documentation);
  }
  if (status.ok() && context->deadline() < std::chrono::system_clock::now()) {
    status = absl::DeadlineExceededError("the call's deadline passed before it was served");
  }
  if (status.ok()) {
    status = handle(caller, audit, *response);
    // gRPC sends no message with an error; drop the partial answer anyway.
    if (!status.ok()) response->Clear();
  }
  LogCall(method, caller, audit, status, absl::Now() - start);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_UNARY_CALL_H_
