// The gRPC face of the rule store: what is served and how loads went (GetRuleStatus), and a
// reload on demand (ReloadRules, admin role only).
#ifndef ESTIMATOR_SERVER_RULE_ADMIN_SERVICE_H_
#define ESTIMATOR_SERVER_RULE_ADMIN_SERVICE_H_

#include "absl/time/time.h"
#include "estimator/v1/admin.grpc.pb.h"
#include "service/server/rule_store.h"
#include "service/server/access_control.h"

namespace estimator {

class RuleAdminService final : public v1::RuleAdminService::CallbackService {
 public:
  RuleAdminService(RuleStore* store, const AccessControl* access, absl::Duration poll_interval)
      : store_(store), access_(access), poll_interval_(poll_interval) {}

  grpc::ServerUnaryReactor* GetRuleStatus(grpc::CallbackServerContext* context,
                                          const v1::GetRuleStatusRequest* request,
                                          v1::GetRuleStatusResponse* response) override;
  grpc::ServerUnaryReactor* ReloadRules(grpc::CallbackServerContext* context,
                                        const v1::ReloadRulesRequest* request,
                                        v1::ReloadRulesResponse* response) override;

 private:
  RuleStore* store_;
  const AccessControl* access_;
  absl::Duration poll_interval_;
};

// The store's report as a GetRuleStatus answer.
v1::GetRuleStatusResponse DescribeRuleStatus(const RuleStore::Report& report,
                                             absl::Duration poll_interval);

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_RULE_ADMIN_SERVICE_H_
