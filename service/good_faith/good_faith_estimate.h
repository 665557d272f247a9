// Good Faith Estimates for uninsured and self-pay patients (No Surprises Act, 45 CFR 149.610),
// built from a self-pay course estimate and the clinic's rule file. Pure: no I/O, no clock.
//
//   ASSIGN_OR_RETURN(GfeFacts facts, ValidateGoodFaithEstimateRequest(request, today));
//   // ... estimate the course (self-pay) on the current rules ...
//   ASSIGN_OR_RETURN(v1::GoodFaithEstimate gfe,
//                    BuildGoodFaithEstimate(*clinic, estimate, facts, /*replaces=*/nullptr));
//   gfe.set_document_html(RenderGoodFaithEstimateHtml(gfe, quote_id));  // gfe_document.h
//
// What goes in:
// - Items: the course's sessions in the 12 months from the first session, grouped by the clinic's
//   self-pay price entries (description, service code, unit price), with quantity and dates. Later
//   sessions are left out, counted, and listed as needing a new estimate.
// - Provider: the clinic's provider_identity (a clinic without one cannot issue estimates).
// - The deadline, in the clinic's business days (business_days.h), and the four disclaimers.
// - When replacing an earlier estimate: what changed (ScopeChanges); nothing changed is an error.
#ifndef ESTIMATOR_GOOD_FAITH_GOOD_FAITH_ESTIMATE_H_
#define ESTIMATOR_GOOD_FAITH_GOOD_FAITH_ESTIMATE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "estimator/v1/estimator.pb.h"
#include "estimator/v1/quotes.pb.h"
#include "service/rules/rule_set.h"

namespace estimator {

inline constexpr int kMaxPatientNameLength = 200;
inline constexpr int kMaxGfeDiagnosisCodes = 12;
// A Good Faith Estimate for a recurring series covers at most this many months.
inline constexpr int kGfePeriodMonths = 12;
// A bill at least this far above a provider's expected charges may be disputed (45 CFR 149.620).
inline constexpr int64_t kDisputeThresholdCents = 40000;
inline constexpr int kDisputeWindowDays = 120;

// The request's own facts, checked.
struct GfeFacts {
  v1::GfePatient patient;
  std::vector<std::string> diagnosis_codes;
  std::optional<absl::CivilDay> scheduled_on;
  absl::CivilDay requested_on;
  absl::CivilDay issued_on;  // today
};

// Checks what IssueGoodFaithEstimate adds to an estimate or comparison request (not the course
// request itself, which the engine validates): INVALID_ARGUMENT naming the field (patient.name,
// patient.date_of_birth, diagnosis_codes[i], scheduled_on, requested_on, treatment,
// replaces_quote_id is checked by the quote service); FAILED_PRECONDITION for insured coverage.
absl::StatusOr<GfeFacts> ValidateGoodFaithEstimateRequest(
    const v1::IssueGoodFaithEstimateRequest& request, absl::CivilDay today);

// The course of the answer the estimate is for: the estimate's own, or the comparison's course of
// request.treatment() (INVALID_ARGUMENT naming `treatment` when there is none).
absl::StatusOr<const v1::CourseEstimate*> GfeCourse(
    const v1::IssueGoodFaithEstimateRequest& request, const v1::EstimateCourseResponse* estimate,
    const v1::CompareTreatmentsResponse* comparison);

// Everything but the document. FAILED_PRECONDITION when the clinic has no provider_identity or
// (with `replaces`) nothing in scope changed; INTERNAL when the estimate's lines do not add up to
// the clinic's price list (a defect, never papered over).
absl::StatusOr<v1::GoodFaithEstimate> BuildGoodFaithEstimate(const ClinicRules& clinic,
                                                             const v1::CourseEstimate& estimate,
                                                             const GfeFacts& facts,
                                                             const v1::GoodFaithEstimate* replaces);

// What differs between an earlier estimate and a new one, one sentence each, in a fixed order:
// patient details, diagnosis codes, first session, sessions included, the schedule (frequency),
// each item's quantity and charge, the total.
std::vector<std::string> ScopeChanges(const v1::GoodFaithEstimate& before,
                                      const v1::GoodFaithEstimate& after);

// The four disclaimers, in order (45 CFR 149.610(c)(1)(vii)-(x)).
std::vector<std::string> GoodFaithEstimateDisclaimers();

// Where a patient starts the patient-provider dispute resolution process.
std::string DisputeHowToStart();

}  // namespace estimator

#endif  // ESTIMATOR_GOOD_FAITH_GOOD_FAITH_ESTIMATE_H_
