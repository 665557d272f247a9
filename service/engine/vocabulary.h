// The one place the API's enums become words, for every answer, the command line and the
// readiness formatter: treatments, phases, benefits, maintenance frequencies, coverage, reasons a
// line is not covered, plan types. Lower case, as they read inside a sentence; a value this build
// does not know (from a newer server) reads as the enum's number, never as another word.
//
//   TreatmentName(v1::TREATMENT_SPRAVATO)                     // "Spravato (esketamine)"
//   PhaseName(v1::TREATMENT_SPRAVATO, v1::PHASE_TAPER)        // "optimization"
//   Capitalized(CoverageStatusName(v1::COVERAGE_STATUS_SELF_PAY))  // "Self-pay"
#ifndef ESTIMATOR_ENGINE_VOCABULARY_H_
#define ESTIMATOR_ENGINE_VOCABULARY_H_

#include <string>

#include "absl/strings/string_view.h"
#include "service/rules/clinical_vocabulary.h"  // TreatmentName

namespace estimator {

// The clinic's word for a phase, which depends on the treatment (common.proto): TMS acute, taper,
// maintenance; Spravato induction, optimization, maintenance; IV ketamine induction, taper,
// boosters.
std::string PhaseName(int treatment, int phase);
// "medical", "pharmacy".
std::string BenefitName(int benefit);
// "weekly", "every other week", "monthly".
std::string MaintenanceFrequencyName(int frequency);
// "covered", "covered with prior auth", "not covered", "self-pay", "criteria not met".
std::string CoverageStatusName(int status);
// "over the plan's session limit", ...
std::string NotCoveredReasonName(int reason);
// "Original Medicare", "Medicare Advantage", "commercial", "Medicaid".
std::string PlanTypeName(int type);
// The first letter upper case, for a label or the start of a line.
std::string Capitalized(absl::string_view words);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_VOCABULARY_H_
