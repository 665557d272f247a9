#include "service/engine/readiness.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "service/common/dates.h"
#include "service/common/status_macros.h"
#include "service/engine/criteria_evaluation.h"
#include "service/engine/plain_language.h"
#include "service/engine/prior_auth_packet.h"
#include "service/engine/request_validation.h"

namespace estimator {
namespace {

using v1::CriterionStatus;

// Where a checklist item sits among alternatives: the nearest enclosing any_of and its branch.
struct AlternativeOf {
  std::string any_of;  // empty outside any any_of
  std::string branch;
  std::string any_of_name;  // the any_of in words
};

// Items to obtain for every criterion that is not met and matters: the children of an any_of that
// is already met do not, and each branch of an any_of is one alternative among others. An any_of
// with its own checklist_item is one item.
// Each item says the criterion's gap (CriterionResult.gap, set when it was evaluated).
void CollectChecklist(const v1::Criterion& c, const v1::CriterionResult& r,
                      const AlternativeOf& where, v1::ReadinessAssessment& out) {
  if (r.status() == v1::CRITERION_STATUS_MET) return;
  if (c.check_case() == v1::Criterion::kAllOf) {
    for (int i = 0; i < c.all_of().criteria_size(); ++i) {
      CollectChecklist(c.all_of().criteria(i), r.children(i), where, out);
    }
    return;
  }
  if (c.check_case() == v1::Criterion::kAnyOf && c.checklist_item().empty()) {
    for (int i = 0; i < c.any_of().criteria_size(); ++i) {
      CollectChecklist(c.any_of().criteria(i), r.children(i),
                       {c.id(), c.any_of().criteria(i).id(), r.name()}, out);
    }
    return;
  }
  v1::ChecklistItem* item = out.add_checklist();
  item->set_item(r.gap());
  item->set_kind(v1::DOCUMENTATION_KIND_CLINICAL);
  item->set_criterion_id(c.id());
  item->set_criterion_status(r.status());
  item->set_one_of_alternatives(!where.any_of.empty());
  item->set_alternatives_of(where.any_of);
  item->set_alternative(where.branch);
  item->set_criterion_name(r.name());
  item->set_alternatives_name(where.any_of_name);
}

// How many criteria a policy has, as its text numbers them: the parts of a top-level all_of.
int CountCriteria(const v1::Criterion& root) {
  return root.has_all_of() ? root.all_of().criteria_size() : 1;
}

std::string Items(int n) { return absl::StrCat(n, n == 1 ? " item" : " items"); }

// The one or two sentences a billing person reads first. The alternatives of one any_of are one
// need: not met when every branch has a criterion not met (named by the any_of's name), otherwise
// missing information, "obtain A or B and C" over the branches that can still be met. Ids and
// items are viewed where they are, in `a`'s checklist, not copied.
std::string Summary(const v1::ReadinessAssessment& a, bool prior_auth, int criteria_count) {
  struct Branch {
    absl::string_view id;
    std::vector<absl::string_view> items;  // still to obtain
    bool blocked = false;                  // a criterion of the branch is not met
  };
  struct Need {
    absl::string_view name;  // the criterion's, or the any_of's, in words
    std::vector<Branch> branches;
  };
  std::vector<Need> needs;
  std::map<absl::string_view, size_t> need_at;  // any_of id -> index in `needs`
  std::vector<absl::string_view> admin;
  for (const auto& item : a.checklist()) {
    if (item.kind() == v1::DOCUMENTATION_KIND_ADMIN) {
      admin.push_back(item.item());
      continue;
    }
    const std::string& group = item.alternatives_of();
    Need* need;
    if (auto it = need_at.find(group); !group.empty() && it != need_at.end()) {
      need = &needs[it->second];
    } else {
      if (!group.empty()) need_at[group] = needs.size();
      need = &needs.emplace_back(
          Need{group.empty() ? item.criterion_name() : item.alternatives_name(), {}});
    }
    if (need->branches.empty() || need->branches.back().id != item.alternative()) {
      need->branches.push_back({item.alternative(), {}, false});
    }
    Branch& branch = need->branches.back();
    if (item.criterion_status() == v1::CRITERION_STATUS_NOT_MET) {
      branch.blocked = true;
    } else {
      branch.items.push_back(item.item());
    }
  }
  std::vector<absl::string_view> not_met;
  std::vector<std::string> missing;
  for (const Need& need : needs) {
    std::vector<std::string> open;
    for (const Branch& branch : need.branches) {
      if (!branch.blocked) open.push_back(absl::StrJoin(branch.items, " and "));
    }
    if (open.empty()) {
      not_met.push_back(need.name);
    } else {
      missing.push_back(absl::StrJoin(open, " or "));
    }
  }
  std::vector<std::string> gaps;
  if (!not_met.empty()) {
    gaps.push_back(absl::StrCat(not_met.size(), not_met.size() == 1 ? " criterion" : " criteria",
                                " not met (", absl::StrJoin(not_met, ", "), ")"));
  }
  if (!missing.empty()) {
    gaps.push_back(absl::StrCat(Items(missing.size()), " missing (", absl::StrJoin(missing, "; "), ")"));
  }
  const std::string treatment = TreatmentName(a.treatment());
  if (prior_auth) {
    if (gaps.empty()) {
      std::string s = criteria_count == 1
                          ? std::string("Prior auth ready to submit: its one criterion is met.")
                          : absl::StrCat("Prior auth ready to submit: all ", criteria_count,
                                         " criteria met.");
      if (!admin.empty()) absl::StrAppend(&s, " Include: ", absl::StrJoin(admin, "; "), ".");
      return s;
    }
    // Only information missing is the verdict "information needed": said in the same words.
    return absl::StrCat(not_met.empty() ? "Prior auth not ready, information needed: "
                                        : "Prior auth not ready: ",
                        absl::StrJoin(gaps, "; "), ".");
  }
  if (gaps.empty()) {
    return criteria_count == 1
               ? absl::StrCat("No prior auth needed; the documentation meets the plan's one "
                              "coverage criterion for ", treatment, ".")
               : absl::StrCat("No prior auth needed; the documentation meets all ", criteria_count,
                              " of the plan's coverage criteria for ", treatment, ".");
  }
  return absl::StrCat("No prior auth needed, but the plan pays for ", treatment,
                      " only when its criteria are met: ", absl::StrJoin(gaps, "; "), ".");
}

void SetAnswers(v1::CoverageRequirement coverage, v1::PriorAuthReadiness pa,
                v1::ReadinessAssessment& a) {
  a.set_coverage(coverage);
  a.set_prior_auth(pa);
  bool clinical = false, admin = false;
  for (const auto& item : a.checklist()) {
    clinical = clinical || item.kind() == v1::DOCUMENTATION_KIND_CLINICAL;
    admin = admin || item.kind() == v1::DOCUMENTATION_KIND_ADMIN;
  }
  a.set_documentation_needed(clinical && admin ? v1::DOCUMENTATION_NEEDED_BOTH
                             : clinical        ? v1::DOCUMENTATION_NEEDED_CLINICAL
                             : admin           ? v1::DOCUMENTATION_NEEDED_ADMIN
                                               : v1::DOCUMENTATION_NEEDED_NONE);

  // The CRD answer (readiness.proto, CrdCoverageInformation: the table of combinations).
  v1::CrdCoverageInformation& crd = *a.mutable_crd();
  crd.Clear();
  const bool covered = coverage != v1::COVERAGE_REQUIREMENT_NOT_COVERED;
  crd.set_covered(!covered                                       ? "not-covered"
                  : coverage == v1::COVERAGE_REQUIREMENT_CONDITIONAL ? "conditional"
                                                                     : "covered");
  if (covered) {
    const bool auth = pa != v1::PRIOR_AUTH_READINESS_NOT_NEEDED;
    crd.set_pa_needed(auth ? "auth-needed" : "no-auth");
    if (clinical) crd.add_doc_needed("clinical");
    if (admin) crd.add_doc_needed("admin");
    if (clinical || admin) crd.add_doc_purpose(auth ? "withpa" : "retain-doc");
    if (coverage == v1::COVERAGE_REQUIREMENT_CONDITIONAL) crd.add_info_needed("OTH");
  }
  // The deprecated single codes, CRD-valid (readiness.proto).
  a.set_crd_covered(crd.covered());
  a.set_crd_pa_needed(crd.pa_needed());
  a.set_crd_doc_needed(crd.doc_needed().empty() ? "" : crd.doc_needed(0));
}

// The summary, which is also the CRD reason text.
void SetSummary(std::string summary, v1::ReadinessAssessment& a) {
  a.mutable_crd()->set_reason(summary);
  a.set_summary(std::move(summary));
}

}  // namespace

absl::CivilDay AsOfDay(const v1::PatientDocumentation& documentation, absl::CivilDay today) {
  if (documentation.as_of_date().empty()) return today;
  auto day = ParseDate(documentation.as_of_date(), "as_of_date");
  return day.ok() ? *day : today;
}

v1::ReadinessAssessment AssessReadiness(const RuleSet& rules, const PlanVersion& plan,
                                        v1::Treatment treatment, v1::Network network,
                                        const v1::PatientDocumentation& documentation,
                                        absl::CivilDay as_of) {
  v1::ReadinessAssessment a;
  AssessReadinessInto(rules, plan, treatment, network, documentation, as_of, a);
  return a;
}

void AssessReadinessInto(const RuleSet& rules, const PlanVersion& plan, v1::Treatment treatment,
                         v1::Network network, const v1::PatientDocumentation& documentation,
                         absl::CivilDay as_of, v1::ReadinessAssessment& a,
                         const PacketRequest* packet) {
  a.set_treatment(treatment);
  a.set_payer_name(plan.plan.payer_name());
  a.set_plan_name(plan.plan.plan_name());
  CopySourcesFor(plan.plan, treatment, *a.mutable_sources());
  a.set_plan_file_version(plan.file_version);
  a.set_plan_effective_from(plan.plan.effective_from());
  a.set_as_of_date(FormatDate(as_of));

  const v1::TreatmentPolicy* policy = plan.Policy(treatment);
  if (policy == nullptr || policy->has_excluded()) {
    const std::string why = policy != nullptr ? policy->excluded().explanation()
                                              : "the plan's rules do not list this treatment";
    if (policy != nullptr) a.set_policy_section(policy->excluded().policy_section());
    SetAnswers(v1::COVERAGE_REQUIREMENT_NOT_COVERED, v1::PRIOR_AUTH_READINESS_NOT_NEEDED, a);
    SetSummary(absl::StrCat("Not covered (", a.policy_section(), "): ", why,
                            " No prior authorization applies."), a);
    v1::Notice* n = a.add_notices();
    n->set_kind(v1::NOTICE_KIND_WARNING);
    n->set_code("SELF_PAY_ESTIMATE");
    n->set_message(absl::StrCat(TreatmentName(treatment), " is not covered by ",
                                plan.plan.plan_name(), ". For what the patient would pay, ask "
                                "EstimateCourse with coverage self_pay (CLI: estimator quote "
                                "--self_pay)."));
    return;
  }

  const v1::TreatmentCovered& covered = policy->covered();
  if (network == v1::NETWORK_OUT_OF_NETWORK && !plan.plan.has_out_of_network()) {
    SetAnswers(v1::COVERAGE_REQUIREMENT_NOT_COVERED, v1::PRIOR_AUTH_READINESS_NOT_NEEDED, a);
    SetSummary(absl::StrCat("Not covered out of network: ", plan.plan.plan_name(),
                            " pays nothing out of network. No prior authorization applies."), a);
    return;
  }
  a.set_policy_section(covered.policy_section());
  const bool prior_auth = PriorAuthRequiredIn(covered, network);
  if (!covered.has_criteria()) {  // the validator refuses prior auth without criteria
    SetAnswers(v1::COVERAGE_REQUIREMENT_COVERED, v1::PRIOR_AUTH_READINESS_NOT_NEEDED, a);
    SetSummary(absl::StrCat("Covered without prior authorization; the plan's rules state no "
                            "criteria for ", TreatmentName(treatment), "."), a);
    return;
  }

  std::vector<v1::Notice> notices;
  DocumentedFacts facts = DigestDocumentation(rules, documentation, treatment, as_of, &notices);
  facts.words = &plan.criterion_words;
  for (auto& n : notices) *a.add_notices() = std::move(n);
  // A renewal is judged on the plan's renewal criteria, an initial request on its criteria.
  const bool renewal = packet != nullptr && packet->renewal;
  const v1::Criterion& criteria =
      renewal ? covered.prior_auth_process().renewal_criteria() : covered.criteria();
  if (renewal) a.set_policy_section(criteria.policy_section());
  // Evaluated in place: the result tree is the largest part of the answer, not worth a copy.
  v1::CriterionResult& root = *a.add_criteria();
  EvaluateCriterionInto(criteria, facts, root);
  CollectChecklist(criteria, root, {}, a);
  if (prior_auth) {
    for (const auto& doc : covered.submission_documents()) {
      v1::ChecklistItem* item = a.add_checklist();
      item->set_item(doc);
      item->set_kind(v1::DOCUMENTATION_KIND_ADMIN);
    }
  }

  switch (root.status()) {
    case v1::CRITERION_STATUS_MET:
      SetAnswers(v1::COVERAGE_REQUIREMENT_COVERED,
                 prior_auth ? v1::PRIOR_AUTH_READINESS_READY : v1::PRIOR_AUTH_READINESS_NOT_NEEDED, a);
      break;
    case v1::CRITERION_STATUS_NOT_MET:
      SetAnswers(v1::COVERAGE_REQUIREMENT_CRITERIA_NOT_MET,
                 prior_auth ? v1::PRIOR_AUTH_READINESS_NOT_READY : v1::PRIOR_AUTH_READINESS_NOT_NEEDED,
                 a);
      break;
    default:
      SetAnswers(v1::COVERAGE_REQUIREMENT_CONDITIONAL,
                 prior_auth ? v1::PRIOR_AUTH_READINESS_INFO_NEEDED : v1::PRIOR_AUTH_READINESS_NOT_NEEDED,
                 a);
      break;
  }
  SetSummary(Summary(a, prior_auth, CountCriteria(criteria)), a);
  if (prior_auth && packet != nullptr) {
    WriteRequestPacket({rules, plan, covered, treatment, packet->first_day, as_of, packet->dose_mg,
                        renewal ? &criteria : nullptr},
                       a);
  }
}

absl::StatusOr<v1::CheckPriorAuthReadinessResponse> CheckPriorAuthReadiness(
    const RuleSet& rules, const v1::CheckPriorAuthReadinessRequest& request, absl::CivilDay today) {
  v1::CheckPriorAuthReadinessResponse response;
  RETURN_IF_ERROR(CheckPriorAuthReadinessInto(rules, request, today, response));
  return response;
}

absl::Status CheckPriorAuthReadinessInto(const RuleSet& rules,
                                         const v1::CheckPriorAuthReadinessRequest& request,
                                         absl::CivilDay today,
                                         v1::CheckPriorAuthReadinessResponse& response) {
  RETURN_IF_ERROR(AssessReadinessRequestInto(rules, request, today, *response.mutable_assessment()));
  response.set_rule_set_version(rules.version());
  return absl::OkStatus();
}

absl::Status AssessReadinessRequestInto(const RuleSet& rules,
                                        const v1::CheckPriorAuthReadinessRequest& request,
                                        absl::CivilDay today, v1::ReadinessAssessment& assessment) {
  RETURN_IF_ERROR(ValidateCheckPriorAuthReadinessRequest(request, today));
  const absl::CivilDay as_of = AsOfDay(request.documentation(), today);
  absl::CivilDay day = as_of;
  if (!request.planned_start_date().empty()) {
    ASSIGN_OR_RETURN(day, ParseDate(request.planned_start_date(), "planned_start_date"));
  }
  ASSIGN_OR_RETURN(const std::vector<PlanVersion>* versions,
                   rules.RequirePlanVersions(request.payer_id(), request.plan_id(), ""));
  const PlanVersion* plan = RuleSet::VersionOn(*versions, day);
  if (plan == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        request.planned_start_date().empty() ? "documentation.as_of_date" : "planned_start_date",
        ": no version of ", request.payer_id(), "/", request.plan_id(), " is in effect on ",
        FormatDate(day), " (the first starts ", versions->front().plan.effective_from(), ")"));
  }
  if (request.network() == v1::NETWORK_UNSPECIFIED &&
      AnswerDependsOnNetwork(plan->plan, *plan->Policy(request.treatment()))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "network: is required for ", TreatmentName(request.treatment()), " under ",
        plan->plan.plan_name(), " on ", FormatDate(day), ": ",
        plan->plan.has_out_of_network() ? "whether prior authorization is needed depends on it"
                                        : "the plan pays nothing out of network",
        " (NETWORK_IN_NETWORK or NETWORK_OUT_OF_NETWORK)"));
  }
  if (const v1::TreatmentPolicy* policy = plan->Policy(request.treatment());
      request.dose_mg() != 0 && policy != nullptr && policy->has_covered()) {
    const v1::TreatmentProtocol* protocol =
        PacketProtocol(rules, policy->covered(), request.treatment());
    if (protocol != nullptr &&
        std::find(protocol->allowed_doses_mg().begin(), protocol->allowed_doses_mg().end(),
                  request.dose_mg()) == protocol->allowed_doses_mg().end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("dose_mg: ", request.dose_mg(), " mg is not a dose of ", protocol->name(),
                       " (", absl::StrJoin(protocol->allowed_doses_mg(), " or "), " mg)"));
    }
  }
  const bool renewal = request.authorization() == v1::AUTHORIZATION_KIND_RENEWAL;
  if (const v1::TreatmentPolicy* policy = plan->Policy(request.treatment());
      renewal && policy->has_covered() && PriorAuthRequiredIn(policy->covered(), request.network()) &&
      !policy->covered().prior_auth_process().has_renewal_criteria()) {
    std::string needs = absl::StrJoin(policy->covered().prior_auth_process().renewal_requirements(), " ");
    return absl::FailedPreconditionError(absl::StrCat(
        "authorization: ", plan->plan.plan_name(), " states no renewal criteria for ",
        TreatmentName(request.treatment()), " that can be judged",
        needs.empty() ? "" : absl::StrCat("; in words, a renewal needs: ", needs)));
  }
  const PacketRequest packet{day, request.dose_mg(), renewal};
  AssessReadinessInto(rules, *plan, request.treatment(), request.network(),
                      request.documentation(), as_of, assessment, &packet);
  return absl::OkStatus();
}

}  // namespace estimator
