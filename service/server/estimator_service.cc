#include "service/server/estimator_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/engine/course_estimate.h"
#include "service/common/dates.h"
#include "service/engine/readiness.h"
#include "service/server/unary_call.h"

namespace estimator {
namespace {

// Runs `handle(rules, today, audit, *response)` on one snapshot of the current rules, for an
// authorized caller.
template <typename Response, typename Handle>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const RuleStore& store,
                                const AccessControl& access, Method method,
                                bool with_documentation, Response* response, Handle&& handle) {
  return ServeUnary(context, access, method, with_documentation, response,
                    [&](const Caller&, AuditFields& audit, Response& out) -> absl::Status {
                      const std::shared_ptr<const RuleSet> rules = store.Current();
                      if (rules == nullptr) return absl::UnavailableError("no rules are loaded yet");
                      audit.rules = rules->version();
                      const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
                      return handle(*rules, today, audit, out);
                    });
}


}  // namespace

// "payer/plan" for the audit line, only when the rules know both ids: whatever else a caller
// typed there could be anything, a patient's name included.
std::string PlanLabel(const RuleSet& rules, const std::string& payer_id,
                      const std::string& plan_id) {
  if (rules.FindPlanVersions(payer_id, plan_id) == nullptr) return "unknown";
  return absl::StrCat(payer_id, "/", plan_id);
}

std::string PlanLabel(const RuleSet& rules, const v1::Coverage& coverage) {
  if (coverage.has_insurance()) {
    return PlanLabel(rules, coverage.insurance().payer_id(), coverage.insurance().plan_id());
  }
  return coverage.has_self_pay() ? "self_pay" : "-";
}

grpc::ServerUnaryReactor* EstimatorService::EstimateCourse(
    grpc::CallbackServerContext* context, const v1::EstimateCourseRequest* request,
    v1::EstimateCourseResponse* response) {
  return Serve(context, *store_, *access_, Method::kEstimateCourse, request->has_documentation(),
               response, [&](const RuleSet& rules, absl::CivilDay today, AuditFields& audit,
                             v1::EstimateCourseResponse& out) {
                 audit.plan = PlanLabel(rules, request->coverage());
                 return EstimateCourseInto(rules, *request, today, out);
               });
}

grpc::ServerUnaryReactor* EstimatorService::CompareTreatments(
    grpc::CallbackServerContext* context, const v1::CompareTreatmentsRequest* request,
    v1::CompareTreatmentsResponse* response) {
  return Serve(context, *store_, *access_, Method::kCompareTreatments,
               request->has_documentation(), response,
               [&](const RuleSet& rules, absl::CivilDay today, AuditFields& audit,
                   v1::CompareTreatmentsResponse& out) {
                 audit.plan = PlanLabel(rules, request->coverage());
                 return CompareTreatmentsInto(rules, *request, today, out);
               });
}

grpc::ServerUnaryReactor* EstimatorService::CheckPriorAuthReadiness(
    grpc::CallbackServerContext* context, const v1::CheckPriorAuthReadinessRequest* request,
    v1::CheckPriorAuthReadinessResponse* response) {
  return Serve(context, *store_, *access_, Method::kCheckPriorAuthReadiness,
               request->has_documentation(), response,
               [&](const RuleSet& rules, absl::CivilDay today, AuditFields& audit,
                   v1::CheckPriorAuthReadinessResponse& out) {
                 audit.plan = PlanLabel(rules, request->payer_id(), request->plan_id());
                 return CheckPriorAuthReadinessInto(rules, *request, today, out);
               });
}

grpc::ServerUnaryReactor* EstimatorService::ListPayers(grpc::CallbackServerContext* context,
                                                       const v1::ListPayersRequest* request,
                                                       v1::ListPayersResponse* response) {
  return Serve(context, *store_, *access_, Method::kListPayers, false, response,
               [&](const RuleSet& rules, absl::CivilDay, AuditFields&,
                   v1::ListPayersResponse& out) {
                 DescribeRules(rules, out);
                 return absl::OkStatus();
               });
}

void DescribeRules(const RuleSet& rules, v1::ListPayersResponse& out) {
  const std::string loaded_at = Rfc3339Utc(rules.loaded_at());
  for (const PlanVersion* v : rules.AllPlanVersions()) {
    v1::PlanInfo& p = *out.add_plans();
    p.set_payer_id(v->plan.payer_id());
    p.set_payer_name(v->plan.payer_name());
    p.set_plan_id(v->plan.plan_id());
    p.set_plan_name(v->plan.plan_name());
    p.set_plan_type(v->plan.plan_type());
    *p.mutable_sources() = v->plan.sources();
    p.set_effective_from(v->plan.effective_from());
    p.set_effective_to(v->plan.effective_to());
    p.set_file(v->file);
    p.set_file_version(v->file_version);
    p.set_fee_note(v->plan.fee_note());
    p.set_loaded_at(loaded_at);
    p.set_amounts_published_through(v->plan.amounts_published_through());
    for (const v1::TreatmentPolicy& policy : v->plan.treatments()) {
      v1::TreatmentSummary& t = *p.add_treatments();
      t.set_treatment(policy.treatment());
      if (policy.has_excluded()) {
        t.set_status(v1::COVERAGE_STATUS_NOT_COVERED);
        t.set_policy_section(policy.excluded().policy_section());
      } else {
        t.set_status(policy.covered().prior_auth_required()
                         ? v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH
                         : v1::COVERAGE_STATUS_COVERED);
        t.set_policy_section(policy.covered().policy_section());
      }
    }
  }
  for (const ClinicRules* c : rules.AllClinics()) {
    v1::ClinicInfo& info = *out.add_clinics();
    info.set_clinic_id(c->clinic.clinic_id());
    info.set_name(c->clinic.name());
    *info.mutable_offered_treatments() = c->clinic.offered_treatments();
    info.set_file(c->file);
    info.set_file_version(c->file_version);
    info.set_loaded_at(loaded_at);
  }
  for (const v1::TreatmentProtocol* p : rules.AllProtocols()) {
    v1::ProtocolInfo& info = *out.add_protocols();
    info.set_protocol_id(p->protocol_id());
    info.set_treatment(p->treatment());
    info.set_name(p->name());
    info.set_default_for_treatment(p->default_for_treatment());
  }
  out.set_rule_set_version(rules.version());
  out.set_loaded_at(loaded_at);
}

}  // namespace estimator
