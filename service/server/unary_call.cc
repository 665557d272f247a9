#include "service/server/unary_call.h"

#include "spdlog/spdlog.h"

namespace estimator {

void LogCall(Method method, const Caller& caller, const AuditFields& audit,
             const absl::Status& status, absl::Duration latency) {
  spdlog::info("audit method={} caller={} role={} plan={} rules={} status={} latency_us={}",
               MethodName(method), caller.name,
               caller.role == v1::ROLE_UNSPECIFIED ? "-" : RoleName(caller.role), audit.plan,
               audit.rules, absl::StatusCodeToString(status.code()),
               absl::ToInt64Microseconds(latency));
}

}  // namespace estimator
