// The clinical vocabulary of criteria and documentation in words people read, and the facts both
// the rule validator and request validation check against: severity-scale ranges, ICD-10 code shape.
#ifndef ESTIMATOR_RULES_CLINICAL_VOCABULARY_H_
#define ESTIMATOR_RULES_CLINICAL_VOCABULARY_H_

#include <string>

#include "absl/strings/string_view.h"
#include "estimator/v1/clinical.pb.h"

namespace estimator {

// A severity instrument's name and the range of its total score.
struct InstrumentScale {
  const char* name;  // "PHQ-9"
  int min_score;
  int max_score;
};

// nullptr for UNSPECIFIED and unknown values.
const InstrumentScale* ScaleOf(v1::SeverityInstrument instrument);

// "TMS", "Spravato (esketamine)", "IV ketamine".
std::string TreatmentName(int treatment);
std::string ContraindicationName(v1::Contraindication c);   // "seizure history"
std::string SpecialtyName(v1::PrescriberSpecialty s);       // "psychiatrist"
std::string DrugClassName(v1::DrugClass c);                 // "SSRI", "atypical"
std::string PsychotherapyKindName(v1::PsychotherapyKind k); // "CBT"
std::string OutcomeName(v1::TrialOutcome o);                // "no response"

// Whether the DrugClass is one of the antidepressant classes (SSRI, SNRI, TCA, MAOI, atypical).
bool IsAntidepressantClass(v1::DrugClass c);

// An ICD-10-CM code as written in documentation and rule files: a letter, two characters (digits
// or letters), then optionally a dot and 1-4 more, e.g. "F33.2", "F32", "F32.A". Upper case.
bool IsIcd10Code(absl::string_view code);

// Whether a listed code accepts a documented one: the same code, or one of its sub-codes
// ("F33" accepts "F33.2"; "F33.1" accepts "F33.1" only, and any longer "F33.1x").
bool Icd10Accepts(absl::string_view listed, absl::string_view documented);

}  // namespace estimator

#endif  // ESTIMATOR_RULES_CLINICAL_VOCABULARY_H_
