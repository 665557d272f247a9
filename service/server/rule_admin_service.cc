#include "service/server/rule_admin_service.h"

#include "service/server/audit_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/common/dates.h"
#include "service/server/unary_call.h"

namespace estimator {
namespace {

void Describe(const RuleStore::LoadRecord& record, v1::RuleLoad& out) {
  out.set_finished_at(Rfc3339Utc(record.finished_at));
  out.set_trigger(record.trigger);
  out.set_requested_by(record.requested_by);
  out.set_version(record.version);
  for (const std::string& error : record.errors) out.add_errors(error);
}

}  // namespace

v1::GetRuleStatusResponse DescribeRuleStatus(const RuleStore::Report& report,
                                             absl::Duration poll_interval) {
  v1::GetRuleStatusResponse out;
  out.set_rules_dir(report.rules_dir);
  if (report.current != nullptr) {
    out.set_rule_set_version(report.current->version());
    out.set_loaded_at(Rfc3339Utc(report.current->loaded_at()));
    out.set_plan_version_count(static_cast<int>(report.current->AllPlanVersions().size()));
    out.set_clinic_count(static_cast<int>(report.current->AllClinics().size()));
  }
  out.set_successful_load_count(report.successful_loads);
  out.set_rejected_load_count(report.rejected_loads);
  if (report.last_success) Describe(*report.last_success, *out.mutable_last_success());
  if (report.last_rejection) Describe(*report.last_rejection, *out.mutable_last_rejection());
  out.set_poll_interval_seconds(absl::ToDoubleSeconds(poll_interval));
  if (const AuditLog* audit = InstalledAuditLog(); audit != nullptr) {
    out.set_audit_lines_written(audit->lines_written());
  }
  return out;
}

grpc::ServerUnaryReactor* RuleAdminService::GetRuleStatus(grpc::CallbackServerContext* context,
                                                          const v1::GetRuleStatusRequest*,
                                                          v1::GetRuleStatusResponse* response) {
  return ServeUnary(context, *access_, Method::kGetRuleStatus, false, response,
                    [&](const Caller&, AuditFields& audit, v1::GetRuleStatusResponse& out) {
                      out = DescribeRuleStatus(store_->GetReport(), poll_interval_);
                      audit.rules = out.rule_set_version();
                      return absl::OkStatus();
                    });
}

grpc::ServerUnaryReactor* RuleAdminService::ReloadRules(grpc::CallbackServerContext* context,
                                                        const v1::ReloadRulesRequest*,
                                                        v1::ReloadRulesResponse* response) {
  return ServeUnary(
      context, *access_, Method::kReloadRules, false, response,
      [&](const Caller& caller, AuditFields& audit, v1::ReloadRulesResponse& out) {
        const absl::StatusOr<bool> changed =
            store_->Load(v1::LOAD_TRIGGER_RELOAD_RULES_CALL, caller.name);
        const RuleStore::Report report = store_->GetReport();
        if (report.current != nullptr) audit.rules = report.current->version();
        if (!changed.ok()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the rules in ", report.rules_dir, " do not validate; still serving ",
              report.current ? report.current->version() : "no rules", ":\n",
              changed.status().message()));
        }
        out.set_changed(*changed);
        *out.mutable_status() = DescribeRuleStatus(report, poll_interval_);
        return absl::OkStatus();
      });
}

}  // namespace estimator
