#include "service/server/estimator_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/engine/course_estimate.h"
#include "service/engine/readiness.h"
#include "service/server/grpc_status.h"
#include "spdlog/spdlog.h"

namespace estimator {
namespace {

// Ids only: a plan id is not patient data. Cut to the id length limit, as the request may be invalid.
std::string PlanLabel(const std::string& payer_id, const std::string& plan_id) {
  return absl::StrCat(payer_id.substr(0, 64), "/", plan_id.substr(0, 64));
}

std::string PlanLabel(const v1::Coverage& coverage) {
  if (coverage.has_insurance()) {
    return PlanLabel(coverage.insurance().payer_id(), coverage.insurance().plan_id());
  }
  return coverage.has_self_pay() ? "self_pay" : "-";
}

// Runs `handle(rules, today)` against the current rule set, moves its answer into `response` and
// finishes the call with its status.
template <typename Response, typename Handle>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const RuleStore& store,
                                const char* method, const std::string& plan, Response* response,
                                Handle&& handle) {
  const absl::Time start = absl::Now();
  const std::shared_ptr<const RuleSet> rules = store.Current();  // one snapshot per call
  absl::Status status;
  if (rules == nullptr) {
    status = absl::UnavailableError("no rules are loaded yet");
  } else {
    absl::StatusOr<Response> result = handle(*rules, absl::ToCivilDay(start, absl::UTCTimeZone()));
    status = result.status();
    if (result.ok()) *response = *std::move(result);
  }
  spdlog::info("call method={} plan={} rules={} status={} latency_us={}", method, plan,
               rules ? rules->version() : "-", absl::StatusCodeToString(status.code()),
               absl::ToInt64Microseconds(absl::Now() - start));
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace

grpc::ServerUnaryReactor* EstimatorService::EstimateCourse(
    grpc::CallbackServerContext* context, const v1::EstimateCourseRequest* request,
    v1::EstimateCourseResponse* response) {
  return Serve(context, *store_, "EstimateCourse", PlanLabel(request->coverage()), response,
               [&](const RuleSet& rules, absl::CivilDay today) {
                 return estimator::EstimateCourse(rules, *request, today);
               });
}

grpc::ServerUnaryReactor* EstimatorService::CompareTreatments(
    grpc::CallbackServerContext* context, const v1::CompareTreatmentsRequest* request,
    v1::CompareTreatmentsResponse* response) {
  return Serve(context, *store_, "CompareTreatments", PlanLabel(request->coverage()), response,
               [&](const RuleSet& rules, absl::CivilDay today) {
                 return estimator::CompareTreatments(rules, *request, today);
               });
}

grpc::ServerUnaryReactor* EstimatorService::CheckPriorAuthReadiness(
    grpc::CallbackServerContext* context, const v1::CheckPriorAuthReadinessRequest* request,
    v1::CheckPriorAuthReadinessResponse* response) {
  return Serve(context, *store_, "CheckPriorAuthReadiness",
               PlanLabel(request->payer_id(), request->plan_id()), response,
               [&](const RuleSet& rules, absl::CivilDay today) {
                 return estimator::CheckPriorAuthReadiness(rules, *request, today);
               });
}

grpc::ServerUnaryReactor* EstimatorService::ListPayers(grpc::CallbackServerContext* context,
                                                       const v1::ListPayersRequest* request,
                                                       v1::ListPayersResponse* response) {
  return Serve(context, *store_, "ListPayers", "-", response,
               [&](const RuleSet& rules, absl::CivilDay) -> absl::StatusOr<v1::ListPayersResponse> {
                 v1::ListPayersResponse out;
                 DescribeRules(rules, out);
                 return out;
               });
}

void DescribeRules(const RuleSet& rules, v1::ListPayersResponse& out) {
  const std::string loaded_at = Rfc3339(rules.loaded_at());
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
