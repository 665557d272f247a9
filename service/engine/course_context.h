// What one course's estimate is computed from: the request resolved against the rules once
// (clinic, protocol, dose, maintenance, plan versions, network, tier, plan year, drug benefit),
// and the notices the estimate states as it goes.
//
//   CourseContext ctx;
//   ctx.clinic = &clinic;
//   ctx.start = start;
//   RETURN_IF_ERROR(ResolveCourse(rules, request.course(), "course", ctx, notices));
//   RETURN_IF_ERROR(ResolveInsurance(rules, request.coverage().insurance(), ctx, notices));
//   RETURN_IF_ERROR(ResolveDrugBenefit(request.course(), "course", ctx, notices));
#ifndef ESTIMATOR_ENGINE_COURSE_CONTEXT_H_
#define ESTIMATOR_ENGINE_COURSE_CONTEXT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "estimator/v1/estimator.pb.h"
#include "service/rules/rule_set.h"

namespace estimator {

// Everything a course's lines are priced with, resolved once from request and rules.
struct CourseContext {
  const ClinicRules* clinic = nullptr;
  v1::Treatment treatment = v1::TREATMENT_UNSPECIFIED;
  const v1::TreatmentProtocol* protocol = nullptr;
  int dose_mg = 0;
  v1::Benefit drug_benefit = v1::BENEFIT_UNSPECIFIED;
  int maintenance_months = 0;
  v1::MaintenanceFrequency maintenance_frequency = v1::MAINTENANCE_FREQUENCY_UNSPECIFIED;
  absl::CivilDay start;  // as requested (the first session may be later)

  // Insurance only (nullptr / unset for self-pay).
  const v1::InsuranceCoverage* insurance = nullptr;
  const std::vector<PlanVersion>* versions = nullptr;
  const PlanVersion* start_version = nullptr;  // in effect on the course start
  bool out_of_network = false;
  v1::Network network() const {
    return out_of_network ? v1::NETWORK_OUT_OF_NETWORK : v1::NETWORK_IN_NETWORK;
  }
  bool family_tier = false;
  bool tier_assumed = false;       // stated only when the plan pays something
  bool plan_year_assumed = false;
  int plan_year_month = 1;
  int plan_year_day = 1;
  // Covered sessions already used, in the plan year that contains `start` and in this course.
  const v1::SessionsUsed* sessions_used = nullptr;
};

// The notices of one estimate, written straight into it (once each, in the order they arise).
// Notices about the if-approved figure (`about_if_approved`) are marked and begin "If approved: ".
class Notices {
 public:
  // A null `list` says nothing (a figure priced only for its totals).
  explicit Notices(google::protobuf::RepeatedPtrField<v1::Notice>* list,
                   bool about_if_approved = false)
      : list_(list), about_if_approved_(about_if_approved) {}

  void Add(v1::NoticeKind kind, absl::string_view code, std::string message);
  void Assume(absl::string_view code, std::string message) {
    Add(v1::NOTICE_KIND_ASSUMPTION, code, std::move(message));
  }
  void Warn(absl::string_view code, std::string message) {
    Add(v1::NOTICE_KIND_WARNING, code, std::move(message));
  }
  bool about_if_approved() const { return about_if_approved_; }
  // Nothing said is kept: callers may skip building the words.
  bool silent() const { return list_ == nullptr; }

 private:
  google::protobuf::RepeatedPtrField<v1::Notice>* list_;
  bool about_if_approved_;
};

// The plan's benefits for the request's network tier.
const v1::NetworkBenefits& TierOf(const CourseContext& ctx, const PlanVersion& version);

// Treatment, protocol (asked for or the rule set's default), dose and maintenance. `field` is the
// request field of the course ("course", "courses[1]") for error messages.
absl::Status ResolveCourse(const RuleSet& rules, const v1::CourseOptions& course,
                           const std::string& field, CourseContext& ctx, Notices& notices);
// Plan versions, the version in effect on the start, network, tier and plan year.
absl::Status ResolveInsurance(const RuleSet& rules, const v1::InsuranceCoverage& ins,
                              CourseContext& ctx, Notices& notices);
// Spravato's drug benefit: asked for, or the plan's first.
absl::Status ResolveDrugBenefit(const v1::CourseOptions& course, const std::string& field,
                                CourseContext& ctx, Notices& notices);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_COURSE_CONTEXT_H_
