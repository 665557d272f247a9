#include "service/engine/vocabulary.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "estimator/v1/estimator.pb.h"
#include "estimator/v1/rules.pb.h"

namespace estimator {

std::string PhaseName(int treatment, int phase) {
  const bool tms = treatment == v1::TREATMENT_TMS;
  switch (phase) {
    case v1::PHASE_ACUTE: return tms ? "acute" : "induction";
    case v1::PHASE_TAPER: return treatment == v1::TREATMENT_SPRAVATO ? "optimization" : "taper";
    case v1::PHASE_MAINTENANCE:
      return treatment == v1::TREATMENT_IV_KETAMINE ? "boosters" : "maintenance";
    case v1::PHASE_UNSPECIFIED: return "-";
  }
  return absl::StrCat("phase ", phase);
}

std::string BenefitName(int benefit) {
  switch (benefit) {
    case v1::BENEFIT_MEDICAL: return "medical";
    case v1::BENEFIT_PHARMACY: return "pharmacy";
    case v1::BENEFIT_UNSPECIFIED: return "-";
  }
  return absl::StrCat("benefit ", benefit);
}

std::string MaintenanceFrequencyName(int frequency) {
  switch (frequency) {
    case v1::MAINTENANCE_FREQUENCY_WEEKLY: return "weekly";
    case v1::MAINTENANCE_FREQUENCY_EVERY_OTHER_WEEK: return "every other week";
    case v1::MAINTENANCE_FREQUENCY_MONTHLY: return "monthly";
    case v1::MAINTENANCE_FREQUENCY_UNSPECIFIED: return "frequency not given";
  }
  return absl::StrCat("frequency ", frequency);
}

std::string CoverageStatusName(int status) {
  switch (status) {
    case v1::COVERAGE_STATUS_COVERED: return "covered";
    case v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH: return "covered with prior auth";
    case v1::COVERAGE_STATUS_NOT_COVERED: return "not covered";
    case v1::COVERAGE_STATUS_SELF_PAY: return "self-pay";
    case v1::COVERAGE_STATUS_CRITERIA_NOT_MET: return "criteria not met";
    case v1::COVERAGE_STATUS_UNSPECIFIED: return "unknown";
  }
  return absl::StrCat("status ", status);
}

std::string NotCoveredReasonName(int reason) {
  switch (reason) {
    case v1::NOT_COVERED_REASON_SELF_PAY: return "self-pay";
    case v1::NOT_COVERED_REASON_EXCLUDED_BY_POLICY: return "excluded by the plan's policy";
    case v1::NOT_COVERED_REASON_MAINTENANCE_EXCLUDED: return "maintenance not covered";
    case v1::NOT_COVERED_REASON_OVER_SESSION_LIMIT: return "over the plan's session limit";
    case v1::NOT_COVERED_REASON_OUT_OF_NETWORK: return "out of network";
    case v1::NOT_COVERED_REASON_PROTOCOL_NOT_COVERED: return "protocol not covered";
    case v1::NOT_COVERED_REASON_NO_RULES_IN_EFFECT: return "no plan rules in effect on this date";
    case v1::NOT_COVERED_REASON_CRITERIA_NOT_MET:
      return "the plan's criteria are not shown to be met";
    case v1::NOT_COVERED_REASON_UNSPECIFIED: return "not covered";
  }
  return absl::StrCat("reason ", reason);
}

std::string PlanTypeName(int type) {
  switch (type) {
    case v1::PLAN_TYPE_ORIGINAL_MEDICARE: return "Original Medicare";
    case v1::PLAN_TYPE_MEDICARE_ADVANTAGE: return "Medicare Advantage";
    case v1::PLAN_TYPE_COMMERCIAL: return "commercial";
    case v1::PLAN_TYPE_MEDICAID: return "Medicaid";
    case v1::PLAN_TYPE_UNSPECIFIED: return "-";
  }
  return absl::StrCat("plan type ", type);
}

std::string Capitalized(absl::string_view words) {
  std::string s(words);
  if (!s.empty()) s[0] = absl::ascii_toupper(static_cast<unsigned char>(s[0]));
  return s;
}

}  // namespace estimator
