// Estimates, comparisons, readiness (one patient or a worklist) and the payer list: the handlers,
// and their gRPC face. Each handler takes one rule-set snapshot and calls the engine; no money is
// computed here. The gRPC methods check the caller (unary_call.h) and answer the engine calls on a
// per-call arena (arena_allocator.h); the HTTP front (http/connect_front.h) calls the same handlers.
#ifndef ESTIMATOR_SERVER_ESTIMATOR_SERVICE_H_
#define ESTIMATOR_SERVER_ESTIMATOR_SERVICE_H_

#include "estimator/v1/estimator.grpc.pb.h"
#include "service/server/rule_store.h"
#include "service/server/access_control.h"
#include "service/server/arena_allocator.h"
#include "service/server/unary_call.h"

namespace estimator {

class EstimatorService final : public v1::EstimatorService::CallbackService {
 public:
  EstimatorService(const RuleStore* store, const AccessControl* access)
      : store_(store), access_(access) {
    SetMessageAllocatorFor_EstimateCourse(&estimate_allocator_);
    SetMessageAllocatorFor_CompareTreatments(&compare_allocator_);
    SetMessageAllocatorFor_CheckPriorAuthReadiness(&readiness_allocator_);
    SetMessageAllocatorFor_BatchCheckPriorAuthReadiness(&batch_allocator_);
  }

  // The handlers, independent of the transport (the gRPC methods below and the HTTP front call
  // them): one snapshot of the current rules, the engine, the audit fields.
  absl::Status Estimate(const Caller& caller, const v1::EstimateCourseRequest& request,
                        AuditFields& audit, v1::EstimateCourseResponse& response) const;
  absl::Status Compare(const Caller& caller, const v1::CompareTreatmentsRequest& request,
                       AuditFields& audit, v1::CompareTreatmentsResponse& response) const;
  absl::Status Readiness(const Caller& caller, const v1::CheckPriorAuthReadinessRequest& request,
                         AuditFields& audit, v1::CheckPriorAuthReadinessResponse& response) const;
  absl::Status Payers(const Caller& caller, const v1::ListPayersRequest& request,
                      AuditFields& audit, v1::ListPayersResponse& response) const;
  // A worklist: every item on one snapshot, stopped with DEADLINE_EXCEEDED if `deadline` passes
  // between two items; the audit fields carry the counts.
  absl::Status BatchReadiness(const Caller& caller,
                              const v1::BatchCheckPriorAuthReadinessRequest& request,
                              absl::Time deadline, AuditFields& audit,
                              v1::BatchCheckPriorAuthReadinessResponse& response) const;

  // gRPC.
  grpc::ServerUnaryReactor* EstimateCourse(grpc::CallbackServerContext* context,
                                           const v1::EstimateCourseRequest* request,
                                           v1::EstimateCourseResponse* response) override;
  grpc::ServerUnaryReactor* CompareTreatments(grpc::CallbackServerContext* context,
                                              const v1::CompareTreatmentsRequest* request,
                                              v1::CompareTreatmentsResponse* response) override;
  grpc::ServerUnaryReactor* CheckPriorAuthReadiness(
      grpc::CallbackServerContext* context, const v1::CheckPriorAuthReadinessRequest* request,
      v1::CheckPriorAuthReadinessResponse* response) override;
  grpc::ServerUnaryReactor* ListPayers(grpc::CallbackServerContext* context,
                                       const v1::ListPayersRequest* request,
                                       v1::ListPayersResponse* response) override;
  grpc::ServerUnaryReactor* BatchCheckPriorAuthReadiness(
      grpc::CallbackServerContext* context, const v1::BatchCheckPriorAuthReadinessRequest* request,
      v1::BatchCheckPriorAuthReadinessResponse* response) override;

 private:
  const RuleStore* store_;
  const AccessControl* access_;
  ArenaAllocator<v1::EstimateCourseRequest, v1::EstimateCourseResponse> estimate_allocator_;
  ArenaAllocator<v1::CompareTreatmentsRequest, v1::CompareTreatmentsResponse> compare_allocator_;
  ArenaAllocator<v1::CheckPriorAuthReadinessRequest, v1::CheckPriorAuthReadinessResponse>
      readiness_allocator_;
  ArenaAllocator<v1::BatchCheckPriorAuthReadinessRequest, v1::BatchCheckPriorAuthReadinessResponse>
      batch_allocator_;
};

// What the audit line says of a request's coverage: "payer/plan" when the rules know both ids
// (whatever else a caller typed there could be anything, a patient's name included), "unknown",
// "self_pay" or "-".
std::string PlanLabel(const RuleSet& rules, const std::string& payer_id, const std::string& plan_id);
std::string PlanLabel(const RuleSet& rules, const v1::Coverage& coverage);

// What a batch's audit line says (AuditFields::counts): the items asked and each outcome's count.
std::string BatchCounts(int items, const v1::BatchReadinessSummary& summary);

// Fills a ListPayers answer from a rule set.
void DescribeRules(const RuleSet& rules, v1::ListPayersResponse& out);

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_ESTIMATOR_SERVICE_H_
