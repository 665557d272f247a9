#include "service/server/unary_call.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "service/common/status_macros.h"
#include "service/server/audit_log.h"
#include "spdlog/spdlog.h"

namespace estimator {

absl::Status AdmitCall(grpc::CallbackServerContext* context, const AccessControl& access,
                       Method method, bool with_documentation, Caller& caller) {
  absl::StatusOr<Caller> who = access.Authenticate(*context);
  if (!who.ok()) return who.status();
  caller = *std::move(who);
  return AdmitCaller(caller, method, with_documentation, absl::FromChrono(context->deadline()));
}

absl::Status AdmitCaller(const Caller& caller, Method method, bool with_documentation,
                         absl::Time deadline) {
  RETURN_IF_ERROR(Authorize(caller, method, with_documentation));
  if (deadline < absl::Now()) {
    return absl::DeadlineExceededError("the call's deadline passed before it was served");
  }
  return absl::OkStatus();
}

void LogCall(Method method, const Caller& caller, const AuditFields& audit,
             const absl::Status& status, absl::Duration latency, Transport transport) {
  const char* via = transport == Transport::kHttp ? "http" : "grpc";
  if (AuditLog* log = InstalledAuditLog(); log != nullptr) {
    // The same line spdlog's pattern writes (main.cc), through the buffered writer.
    log->Write(absl::StrCat(
        absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
        " info audit method=", MethodName(method), " caller=", caller.name, " role=",
        caller.role == v1::ROLE_UNSPECIFIED ? "-" : RoleName(caller.role), " plan=", audit.plan,
        " rules=", audit.rules, " quote=", audit.quote, audit.counts.empty() ? "" : " ",
        audit.counts, " status=", absl::StatusCodeToString(status.code()),
        " latency_us=", absl::ToInt64Microseconds(latency), " via=", via));
    return;
  }
  spdlog::info("audit method={} caller={} role={} plan={} rules={} quote={}{}{} status={} latency_us={} via={}",
               MethodName(method), caller.name,
               caller.role == v1::ROLE_UNSPECIFIED ? "-" : RoleName(caller.role), audit.plan,
               audit.rules, audit.quote, audit.counts.empty() ? "" : " ", audit.counts,
               absl::StatusCodeToString(status.code()),
               absl::ToInt64Microseconds(latency), via);
}

}  // namespace estimator
