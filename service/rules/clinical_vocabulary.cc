#include "service/rules/clinical_vocabulary.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "estimator/v1/common.pb.h"

namespace estimator {

std::string TreatmentName(int treatment) {
  switch (treatment) {
    case v1::TREATMENT_TMS: return "TMS";
    case v1::TREATMENT_SPRAVATO: return "Spravato (esketamine)";
    case v1::TREATMENT_IV_KETAMINE: return "IV ketamine";
    case v1::TREATMENT_UNSPECIFIED: return "treatment not given";
  }
  return absl::StrCat("treatment ", treatment);
}


const InstrumentScale* ScaleOf(v1::SeverityInstrument instrument) {
  static constexpr InstrumentScale kPhq9{"PHQ-9", 0, 27};
  static constexpr InstrumentScale kHamd{"HAM-D (17-item)", 0, 52};
  static constexpr InstrumentScale kMadrs{"MADRS", 0, 60};
  static constexpr InstrumentScale kBdi{"BDI-II", 0, 63};
  static constexpr InstrumentScale kQids{"QIDS-SR16", 0, 27};
  switch (instrument) {
    case v1::SEVERITY_INSTRUMENT_PHQ9: return &kPhq9;
    case v1::SEVERITY_INSTRUMENT_HAMD17: return &kHamd;
    case v1::SEVERITY_INSTRUMENT_MADRS: return &kMadrs;
    case v1::SEVERITY_INSTRUMENT_BDI2: return &kBdi;
    case v1::SEVERITY_INSTRUMENT_QIDS_SR16: return &kQids;
    default: return nullptr;
  }
}

std::string ContraindicationName(v1::Contraindication c) {
  switch (c) {
    case v1::CONTRAINDICATION_METAL_IMPLANT_NEAR_HEAD: return "metal implant in or near the head";
    case v1::CONTRAINDICATION_COCHLEAR_IMPLANT: return "cochlear implant";
    case v1::CONTRAINDICATION_IMPLANTED_STIMULATOR: return "implanted stimulator (DBS/VNS)";
    case v1::CONTRAINDICATION_CARDIAC_PACEMAKER_OR_DEFIBRILLATOR: return "pacemaker or defibrillator";
    case v1::CONTRAINDICATION_SEIZURE_HISTORY: return "seizure history";
    case v1::CONTRAINDICATION_PSYCHOSIS: return "psychosis";
    case v1::CONTRAINDICATION_ACUTE_SUICIDE_RISK: return "acute suicide risk";
    case v1::CONTRAINDICATION_RECENT_SUBSTANCE_USE: return "substance use in the last 90 days";
    case v1::CONTRAINDICATION_PREGNANCY: return "pregnancy";
    case v1::CONTRAINDICATION_UNCONTROLLED_HYPERTENSION: return "uncontrolled hypertension";
    case v1::CONTRAINDICATION_ANEURYSM_OR_AVM: return "aneurysm or arteriovenous malformation";
    case v1::CONTRAINDICATION_INTRACEREBRAL_HEMORRHAGE_HISTORY:
      return "history of intracerebral hemorrhage";
    case v1::CONTRAINDICATION_NEUROLOGICAL_CONDITION: return "neurological condition";
    case v1::CONTRAINDICATION_KETAMINE_HYPERSENSITIVITY: return "hypersensitivity to (es)ketamine";
    default: return "unknown condition";
  }
}

std::string SpecialtyName(v1::PrescriberSpecialty s) {
  switch (s) {
    case v1::PRESCRIBER_SPECIALTY_PSYCHIATRIST: return "psychiatrist";
    case v1::PRESCRIBER_SPECIALTY_PSYCHIATRIC_NURSE_PRACTITIONER:
      return "psychiatric nurse practitioner";
    case v1::PRESCRIBER_SPECIALTY_PRIMARY_CARE: return "primary care clinician";
    case v1::PRESCRIBER_SPECIALTY_NEUROLOGIST: return "neurologist";
    case v1::PRESCRIBER_SPECIALTY_OTHER: return "other clinician";
    default: return "unknown specialty";
  }
}

std::string DrugClassName(v1::DrugClass c) {
  switch (c) {
    case v1::DRUG_CLASS_SSRI: return "SSRI";
    case v1::DRUG_CLASS_SNRI: return "SNRI";
    case v1::DRUG_CLASS_TCA: return "TCA";
    case v1::DRUG_CLASS_MAOI: return "MAOI";
    case v1::DRUG_CLASS_ATYPICAL: return "atypical";
    case v1::DRUG_CLASS_ANTIPSYCHOTIC: return "antipsychotic";
    case v1::DRUG_CLASS_MOOD_STABILIZER: return "mood stabilizer";
    case v1::DRUG_CLASS_THYROID_HORMONE: return "thyroid hormone";
    default: return "unknown class";
  }
}

std::string PsychotherapyKindName(v1::PsychotherapyKind k) {
  switch (k) {
    case v1::PSYCHOTHERAPY_KIND_CBT: return "CBT";
    case v1::PSYCHOTHERAPY_KIND_IPT: return "interpersonal therapy";
    case v1::PSYCHOTHERAPY_KIND_BEHAVIORAL_ACTIVATION: return "behavioral activation";
    case v1::PSYCHOTHERAPY_KIND_MBCT: return "MBCT";
    case v1::PSYCHOTHERAPY_KIND_PROBLEM_SOLVING: return "problem-solving therapy";
    case v1::PSYCHOTHERAPY_KIND_PSYCHODYNAMIC: return "psychodynamic therapy";
    case v1::PSYCHOTHERAPY_KIND_DBT: return "DBT";
    case v1::PSYCHOTHERAPY_KIND_OTHER: return "other psychotherapy";
    default: return "psychotherapy of unknown kind";
  }
}

std::string OutcomeName(v1::TrialOutcome o) {
  switch (o) {
    case v1::TRIAL_OUTCOME_NO_RESPONSE: return "no response";
    case v1::TRIAL_OUTCOME_PARTIAL_RESPONSE: return "partial response";
    case v1::TRIAL_OUTCOME_INTOLERANCE: return "stopped for intolerance";
    case v1::TRIAL_OUTCOME_RESPONSE: return "responded";
    default: return "outcome not documented";
  }
}

bool IsAntidepressantClass(v1::DrugClass c) {
  return c == v1::DRUG_CLASS_SSRI || c == v1::DRUG_CLASS_SNRI || c == v1::DRUG_CLASS_TCA ||
         c == v1::DRUG_CLASS_MAOI || c == v1::DRUG_CLASS_ATYPICAL;
}

bool IsIcd10Code(absl::string_view code) {
  if (code.size() < 3 || code.size() > 8) return false;
  if (!absl::ascii_isupper(code[0])) return false;
  for (size_t i = 1; i < 3; ++i) {
    if (!absl::ascii_isdigit(code[i]) && !absl::ascii_isupper(code[i])) return false;
  }
  if (code.size() == 3) return true;
  if (code[3] != '.' || code.size() == 4) return false;
  for (size_t i = 4; i < code.size(); ++i) {
    if (!absl::ascii_isdigit(code[i]) && !absl::ascii_isupper(code[i])) return false;
  }
  return true;
}

bool Icd10Accepts(absl::string_view listed, absl::string_view documented) {
  if (!absl::StartsWith(documented, listed)) return false;
  if (documented.size() == listed.size()) return true;
  // "F33" accepts "F33.2" but must not accept "F331"; "F33.1" accepts "F33.12".
  return listed.size() == 3 ? documented[3] == '.' : true;
}

}  // namespace estimator
