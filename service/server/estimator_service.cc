#include "service/server/estimator_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/engine/course_estimate.h"
#include "service/common/dates.h"
#include "service/engine/readiness.h"
#include "service/engine/readiness_batch.h"
#include "service/server/public_api.h"
#include "service/server/unary_call.h"

namespace estimator {
namespace {

// Runs `handle(rules, today)` on one snapshot of the current rules.
template <typename Handle>
absl::Status WithRules(const RuleStore& store, AuditFields& audit, Handle&& handle) {
  const std::shared_ptr<const RuleSet> rules = store.Current();
  if (rules == nullptr) return absl::UnavailableError("no rules are loaded yet");
  audit.rules = rules->version();
  return handle(*rules, absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
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

absl::Status EstimatorService::Estimate(const Caller&, const v1::EstimateCourseRequest& request,
                                        AuditFields& audit,
                                        v1::EstimateCourseResponse& response) const {
  return WithRules(*store_, audit, [&](const RuleSet& rules, absl::CivilDay today) {
    audit.plan = PlanLabel(rules, request.coverage());
    return EstimateCourseInto(rules, request, today, response);
  });
}

absl::Status EstimatorService::Compare(const Caller&, const v1::CompareTreatmentsRequest& request,
                                       AuditFields& audit,
                                       v1::CompareTreatmentsResponse& response) const {
  return WithRules(*store_, audit, [&](const RuleSet& rules, absl::CivilDay today) {
    audit.plan = PlanLabel(rules, request.coverage());
    return CompareTreatmentsInto(rules, request, today, response);
  });
}

absl::Status EstimatorService::Readiness(const Caller&,
                                         const v1::CheckPriorAuthReadinessRequest& request,
                                         AuditFields& audit,
                                         v1::CheckPriorAuthReadinessResponse& response) const {
  return WithRules(*store_, audit, [&](const RuleSet& rules, absl::CivilDay today) {
    audit.plan = PlanLabel(rules, request.payer_id(), request.plan_id());
    return CheckPriorAuthReadinessInto(rules, request, today, response);
  });
}

absl::Status EstimatorService::BatchReadiness(
    const Caller&, const v1::BatchCheckPriorAuthReadinessRequest& request, absl::Time deadline,
    AuditFields& audit, v1::BatchCheckPriorAuthReadinessResponse& response) const {
  return WithRules(*store_, audit, [&](const RuleSet& rules, absl::CivilDay today) {
    // The one call long enough for its deadline to pass while it runs (up to 500 items): checked
    // before each item, a clock read against some 10 us of work per item. The items may name many
    // plans, so the line's plan stays "-"; its counts say what the batch found.
    auto before_item = [deadline] {
      return absl::Now() > deadline
                 ? absl::DeadlineExceededError("the call's deadline passed during the batch")
                 : absl::OkStatus();
    };
    const absl::Status status =
        BatchCheckPriorAuthReadinessInto(rules, request, today, before_item, response);
    audit.counts = BatchCounts(request.items_size(), response.summary());
    return status;
  });
}

std::string BatchCounts(int items, const v1::BatchReadinessSummary& s) {
  return absl::StrCat("items=", items, " ready=", s.ready(), " not_ready=", s.not_ready(),
                      " info_needed=", s.information_needed(), " not_covered=", s.not_covered(),
                      " no_prior_auth=", s.prior_auth_not_needed(), " errors=", s.errors());
}

absl::Status EstimatorService::Payers(const Caller&, const v1::ListPayersRequest&,
                                      AuditFields& audit, v1::ListPayersResponse& response) const {
  return WithRules(*store_, audit, [&](const RuleSet& rules, absl::CivilDay) {
    DescribeRules(rules, response);
    return absl::OkStatus();
  });
}

// ---- gRPC ---------------------------------------------------------------------------------------

#define ESTIMATOR_ENGINE_RPC(Rpc, Handler, Request, Response)                                   \
  grpc::ServerUnaryReactor* EstimatorService::Rpc(grpc::CallbackServerContext* context,         \
                                                  const v1::Request* request,                    \
                                                  v1::Response* response) {                      \
    return ServeUnary(context, *access_, Method::k##Rpc, CarriesDocumentation(*request),         \
                      response,                                                                  \
                      [&](const Caller& caller, AuditFields& audit, v1::Response& out) {         \
                        return Handler(caller, *request, audit, out);                            \
                      });                                                                        \
  }

ESTIMATOR_ENGINE_RPC(EstimateCourse, Estimate, EstimateCourseRequest, EstimateCourseResponse)
ESTIMATOR_ENGINE_RPC(CompareTreatments, Compare, CompareTreatmentsRequest,
                     CompareTreatmentsResponse)
ESTIMATOR_ENGINE_RPC(CheckPriorAuthReadiness, Readiness, CheckPriorAuthReadinessRequest,
                     CheckPriorAuthReadinessResponse)
ESTIMATOR_ENGINE_RPC(ListPayers, Payers, ListPayersRequest, ListPayersResponse)

#undef ESTIMATOR_ENGINE_RPC

grpc::ServerUnaryReactor* EstimatorService::BatchCheckPriorAuthReadiness(
    grpc::CallbackServerContext* context, const v1::BatchCheckPriorAuthReadinessRequest* request,
    v1::BatchCheckPriorAuthReadinessResponse* response) {
  const absl::Time deadline = absl::FromChrono(context->deadline());
  return ServeUnary(context, *access_, Method::kBatchCheckPriorAuthReadiness,
                    CarriesDocumentation(*request), response,
                    [&](const Caller& caller, AuditFields& audit,
                        v1::BatchCheckPriorAuthReadinessResponse& out) {
                      return BatchReadiness(caller, *request, deadline, audit, out);
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
        *t.mutable_prior_auth_networks() = policy.covered().prior_auth_networks();
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
