#include "service/engine/criteria_evaluation.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "service/common/dates.h"
#include "service/common/dose.h"
#include "service/engine/criteria_text.h"
#include "service/engine/criteria_trials.h"
#include "service/engine/vocabulary.h"
#include "service/rules/clinical_vocabulary.h"

namespace estimator {
namespace {

using namespace criteria_text;  // NOLINT(build/namespaces): the checks' shared words

// ---- severity -----------------------------------------------------------------------------------

absl::string_view InstrumentOf(const v1::SeverityCriterion& c) {
  const InstrumentScale* scale = ScaleOf(c.instrument());
  return scale != nullptr ? scale->name : "unknown instrument";
}

void AppendSeverityRequirement(const v1::SeverityCriterion& c, std::string& out) {
  absl::StrAppend(&out, InstrumentOf(c), " of at least ", c.min_score(), " within the last ",
                  Count(c.max_age_days(), "day", "days"), " required");
}

void Severity(const v1::SeverityCriterion& c, const DocumentedFacts& f,
              v1::CriterionResult& r) {
  const absl::string_view name = InstrumentOf(c);
  // The requirement, then what the documentation shows, in one string.
  std::string text = NewText();
  AppendSeverityRequirement(c, text);
  const v1::SeverityScore* latest = nullptr;
  absl::CivilDay latest_day;
  int index = -1;
  for (int i = 0; i < f.doc->severity_scores_size(); ++i) {
    const auto& s = f.doc->severity_scores(i);
    if (s.instrument() != c.instrument()) continue;
    auto day = ParseDate(s.date(), "date");  // validated already
    if (!day.ok()) continue;
    if (latest == nullptr || *day > latest_day) {
      latest = &s;
      latest_day = *day;
      index = i;
    }
  }
  if (latest == nullptr) {
    absl::StrAppend(&text, "; no ", name, " score documented");
    return Set(r, kMissing, std::move(text));
  }
  const int age = static_cast<int>(f.as_of - latest_day);
  const std::string seen = absl::StrCat(name, " ", latest->score(), " on ", latest->date(), " (",
                                        Count(age, "day", "days"), " old)");
  if (age > c.max_age_days()) {
    absl::StrAppend(&text, "; the latest, ", seen, ", is too old: obtain a new score");
    Set(r, kMissing, std::move(text));
  } else if (latest->score() < c.min_score()) {
    absl::StrAppend(&text, "; latest is ", seen, ", below ", c.min_score());
    Set(r, kNotMet, std::move(text));
  } else {
    absl::StrAppend(&text, "; latest is ", seen);
    Set(r, kMet, std::move(text));
  }
  r.add_evidence(absl::StrCat("severity_scores[", index, "]: ", name, " ", latest->score(), " on ",
                              latest->date()));
}

// ---- the rest -----------------------------------------------------------------------------------

void AppendDiagnosisRequirement(const v1::DiagnosisCriterion& c, std::string& out) {
  out += "diagnosis ";
  AppendAlternatives(c.icd10_codes(), Verbatim, "or", out);
  out += " required";
}

void Diagnosis(const v1::DiagnosisCriterion& c, const DocumentedFacts& f,
               v1::CriterionResult& r) {
  std::string text = NewText();
  AppendDiagnosisRequirement(c, text);
  const auto& codes = f.doc->diagnosis_codes();
  if (codes.empty()) {
    text += "; no diagnosis code documented";
    return Set(r, kMissing, std::move(text));
  }
  auto accepted = [&](const std::string& code) {
    return std::any_of(c.icd10_codes().begin(), c.icd10_codes().end(),
                       [&](const std::string& listed) { return Icd10Accepts(listed, code); });
  };
  const auto match = std::find_if(codes.begin(), codes.end(), accepted);
  if (match != codes.end()) {
    absl::StrAppend(&text, "; documented ", *match);
    Set(r, kMet, std::move(text));
  } else {
    text += "; documented ";
    AppendAlternatives(codes, Verbatim, "and", text);
    text += ", none of them accepted";
    Set(r, kNotMet, std::move(text));
  }
  std::string& evidence = *r.add_evidence();
  evidence = "diagnosis_codes: ";
  AppendJoined(codes, Verbatim, ", ", evidence);
}

void AppendAgeRequirement(const v1::AgeCriterion& c, std::string& out) {
  if (c.has_max_years() && c.min_years() > 0) {
    absl::StrAppend(&out, "age ", c.min_years(), " to ", c.max_years(), " required");
  } else if (c.has_max_years()) {
    absl::StrAppend(&out, "age ", c.max_years(), " or younger required");
  } else {
    absl::StrAppend(&out, "age ", c.min_years(), " or older required");
  }
}

void Age(const v1::AgeCriterion& c, const DocumentedFacts& f, v1::CriterionResult& r) {
  std::string text;
  AppendAgeRequirement(c, text);
  if (!f.doc->has_age_years()) {
    text += "; age not documented";
    return Set(r, kMissing, std::move(text));
  }
  const int age = f.doc->age_years();
  const bool ok = age >= c.min_years() && (!c.has_max_years() || age <= c.max_years());
  absl::StrAppend(&text, "; patient is ", age);
  Set(r, ok ? kMet : kNotMet, std::move(text));
  r.add_evidence(absl::StrCat("age_years: ", age));
}

void AppendNoContraindicationRequirement(const v1::NoContraindicationCriterion& c,
                                         std::string& out) {
  out += "none of these allowed: ";
  AppendJoined(c.contraindications(), ContraindicationOf, ", ", out);
}

void NoContraindication(const v1::NoContraindicationCriterion& c, const DocumentedFacts& f,
                        v1::CriterionResult& r) {
  std::string text = NewText();
  AppendNoContraindicationRequirement(c, text);
  if (!f.doc->has_contraindication_screening()) {
    text += "; no contraindication screening documented";
    return Set(r, kMissing, std::move(text));
  }
  const auto& present = f.doc->contraindication_screening().present();
  absl::InlinedVector<int, 8> found;
  for (int x : present) {
    if (std::find(c.contraindications().begin(), c.contraindications().end(), x) !=
        c.contraindications().end()) {
      found.push_back(x);
    }
  }
  if (found.empty()) {
    text += "; screening found none of them";
    Set(r, kMet, std::move(text));
  } else {
    text += "; screening found ";
    AppendAlternatives(found, ContraindicationOf, "and", text);
    Set(r, kNotMet, std::move(text));
  }
  std::string& evidence = *r.add_evidence();
  evidence = "contraindication_screening: ";
  if (present.empty()) evidence += "none found";
  AppendJoined(present, ContraindicationOf, ", ", evidence);
}

// The requirement's terms, joined by ", ".
void AppendRetreatmentRequirement(const v1::RetreatmentCriterion& c, v1::Treatment treatment,
                                  std::string& out) {
  absl::string_view separator = "";
  if (c.earlier_course_required()) {
    absl::StrAppend(&out, "an earlier course of ", TreatmentName(treatment));
    separator = ", ";
  } else {
    out += "for a repeat course: ";
  }
  if (c.min_improvement_percent() > 0) {
    absl::StrAppend(&out, separator, c.min_improvement_percent(),
                    "%+ improvement in the earlier course");
    separator = ", ";
  }
  if (c.min_months_since_last_course() > 0) {
    absl::StrAppend(&out, separator, Count(c.min_months_since_last_course(), "month", "months"),
                    " since it ended");
  }
  out += " required";
}

void Retreatment(const v1::RetreatmentCriterion& c, const DocumentedFacts& f,
                 v1::CriterionResult& r) {
  const std::string treatment = TreatmentName(f.treatment);
  // The requirement, then what the documentation shows.
  std::string text = NewText();
  AppendRetreatmentRequirement(c, f.treatment, text);
  if (!f.doc->has_treatment_history()) {
    absl::StrAppend(&text, "; whether the patient had ", treatment, " before is not documented");
    return Set(r, kMissing, std::move(text));
  }
  const v1::PriorCourse* last = nullptr;
  absl::CivilDay last_end;
  int index = -1;
  const auto& courses = f.doc->treatment_history().courses();
  for (int i = 0; i < courses.size(); ++i) {
    if (courses[i].treatment() != f.treatment) continue;
    auto end = ParseDate(courses[i].end_date(), "end_date");
    if (end.ok() && (last == nullptr || *end > last_end)) {
      last = &courses[i];
      last_end = *end;
      index = i;
    }
  }
  if (last == nullptr) {
    if (c.earlier_course_required()) {
      absl::StrAppend(&text, "; no earlier course of ", treatment, " documented");
      return Set(r, kNotMet, std::move(text));
    }
    absl::StrAppend(&text, "; first course of ", treatment, ", so this does not apply");
    return Set(r, kMet, std::move(text));
  }
  absl::StrAppend(&text, "; the last course ended ", last->end_date());
  if (last->has_improvement_percent()) {
    absl::StrAppend(&text, " with ", last->improvement_percent(), "% improvement");
  }
  const absl::CivilDay gap_ends = AddMonths(last_end, c.min_months_since_last_course());
  if (c.min_improvement_percent() > 0 && last->has_improvement_percent() &&
      last->improvement_percent() < c.min_improvement_percent()) {
    absl::StrAppend(&text, ", under ", c.min_improvement_percent(), "%");
    Set(r, kNotMet, std::move(text));
  } else if (gap_ends > f.as_of) {
    absl::StrAppend(&text, ": not before ", FormatDate(gap_ends));
    Set(r, kNotMet, std::move(text));
  } else if (c.min_improvement_percent() > 0 && !last->has_improvement_percent()) {
    text += ", improvement not documented";
    Set(r, kMissing, std::move(text));
  } else {
    Set(r, kMet, std::move(text));
  }
  r.add_evidence(absl::StrCat("treatment_history.courses[", index, "]: ", treatment, " ended ",
                              last->end_date(),
                              last->has_improvement_percent()
                                  ? absl::StrCat(", ", last->improvement_percent(), "% improvement")
                                  : ", improvement not documented"));
}

void AppendPrescriberRequirement(const v1::PrescriberCriterion& c, std::string& out) {
  out += "ordered by a ";
  AppendAlternatives(c.specialties(), SpecialtyOf, "or", out);
  out += " required";
}

void Prescriber(const v1::PrescriberCriterion& c, const DocumentedFacts& f,
                v1::CriterionResult& r) {
  std::string text = NewText();
  AppendPrescriberRequirement(c, text);
  const v1::PrescriberSpecialty s = f.doc->prescriber_specialty();
  if (s == v1::PRESCRIBER_SPECIALTY_UNSPECIFIED) {
    text += "; prescriber specialty not documented";
    return Set(r, kMissing, std::move(text));
  }
  const bool ok = std::find(c.specialties().begin(), c.specialties().end(), s) != c.specialties().end();
  absl::StrAppend(&text, "; ordered by a ", SpecialtyName(s));
  Set(r, ok ? kMet : kNotMet, std::move(text));
  r.add_evidence(absl::StrCat("prescriber_specialty: ", SpecialtyName(s)));
}

constexpr absl::string_view kRemsRequirement = "enrollment in the Spravato REMS required";
constexpr absl::string_view kConcurrentRequirement =
    "an oral antidepressant taken alongside the treatment required";

void Rems(const DocumentedFacts& f, v1::CriterionResult& r) {
  constexpr absl::string_view need = kRemsRequirement;
  if (!f.doc->has_rems_patient_enrolled()) {
    return Set(r, kMissing, absl::StrCat(need, "; REMS enrollment not documented"));
  }
  if (f.doc->rems_patient_enrolled()) {
    Set(r, kMet, absl::StrCat(need, "; enrolled"));
  } else {
    Set(r, kNotMet, absl::StrCat(need, "; not enrolled yet"));
  }
  r.add_evidence(absl::StrCat("rems_patient_enrolled: ", f.doc->rems_patient_enrolled() ? "yes" : "no"));
}

void ConcurrentAntidepressant(const DocumentedFacts& f, v1::CriterionResult& r) {
  constexpr absl::string_view need = kConcurrentRequirement;
  if (!f.doc->has_takes_oral_antidepressant()) {
    return Set(r, kMissing, absl::StrCat(need, "; current oral antidepressant not documented"));
  }
  const std::string& drug = f.doc->oral_antidepressant();
  if (!f.doc->takes_oral_antidepressant()) {
    Set(r, kNotMet, absl::StrCat(need, "; the patient takes none"));
  } else if (drug.empty()) {
    Set(r, kMet, absl::StrCat(need, "; the patient takes one (name not given)"));
  } else if (f.oral_antidepressant == nullptr) {
    Set(r, kMissing, absl::StrCat(need, "; '", drug, "' is not in the drug catalog"));
  } else if (!f.oral_antidepressant->is_antidepressant()) {
    Set(r, kNotMet, absl::StrCat(need, "; ", f.oral_antidepressant->drug.name(), " is ",
                                     WithArticle(DrugClassName(f.oral_antidepressant->drug.drug_class())),
                                     ", not an antidepressant"));
  } else {
    Set(r, kMet, absl::StrCat(need, "; takes ", f.oral_antidepressant->drug.name(), " (",
                                  DrugClassName(f.oral_antidepressant->drug.drug_class()), ")"));
  }
  r.add_evidence(absl::StrCat("takes_oral_antidepressant: ", f.doc->takes_oral_antidepressant() ? "yes" : "no",
                              drug.empty() ? "" : absl::StrCat(" (", drug, ")")));
}

// ---- composites ---------------------------------------------------------------------------------

int CountWith(const v1::CriterionResult& r, Status status) {
  int n = 0;
  for (const auto& c : r.children()) n += c.status() == status;
  return n;
}

// Appends the ids of `r`'s children with `status`, joined by ", ".
void AppendIdsWith(const v1::CriterionResult& r, Status status, std::string& out) {
  absl::string_view separator = "";
  for (const auto& c : r.children()) {
    if (c.status() != status) continue;
    absl::StrAppend(&out, separator, c.id());
    separator = ", ";
  }
}

// Composites evaluate their parts in place, into `r`'s children, and then name them by id.
void AllOf(const v1::CriterionList& list, const DocumentedFacts& f, v1::CriterionResult& r) {
  r.mutable_children()->Reserve(list.criteria_size());
  for (const auto& c : list.criteria()) EvaluateCriterionInto(c, f, *r.add_children());
  const int n = r.children_size();
  const int failed = CountWith(r, kNotMet);
  const int missing = CountWith(r, kMissing);
  std::string text;
  if (failed > 0) {
    absl::StrAppend(&text, failed, " of ", n, " not met: ");
    AppendIdsWith(r, kNotMet, text);
  }
  if (missing > 0) {
    absl::StrAppend(&text, failed > 0 ? "; " : "", "information missing for ", missing, " of ", n,
                    ": ");
    AppendIdsWith(r, kMissing, text);
  }
  if (text.empty()) text = absl::StrCat("all ", n, " met");
  r.set_status(failed > 0 ? kNotMet : missing > 0 ? kMissing : kMet);
  r.set_explanation(std::move(text));
}

void AnyOf(const v1::CriterionList& list, const DocumentedFacts& f, v1::CriterionResult& r) {
  r.mutable_children()->Reserve(list.criteria_size());
  for (const auto& c : list.criteria()) EvaluateCriterionInto(c, f, *r.add_children());
  std::string text = absl::StrCat("one of ", r.children_size(), " alternatives needed; ");
  if (CountWith(r, kMet) > 0) {
    r.set_status(kMet);
    text += "met by ";
    AppendIdsWith(r, kMet, text);
  } else if (CountWith(r, kMissing) > 0) {
    r.set_status(kMissing);
    text += "none met yet, information missing for ";
    AppendIdsWith(r, kMissing, text);
  } else {
    r.set_status(kNotMet);
    text += "none is met";
  }
  r.set_explanation(std::move(text));
}

void Not(const v1::Criterion& inner, const DocumentedFacts& f, v1::CriterionResult& r) {
  EvaluateCriterionInto(inner, f, *r.add_children());
  switch (r.children(0).status()) {
    case kMet:
      r.set_status(kNotMet);
      r.set_explanation(absl::StrCat("must not hold, but ", inner.id(), " does"));
      break;
    case kNotMet:
      r.set_status(kMet);
      r.set_explanation(absl::StrCat("must not hold, and ", inner.id(), " does not"));
      break;
    default:
      r.set_status(kMissing);
      r.set_explanation(absl::StrCat("must not hold; information missing to judge ", inner.id()));
      break;
  }
}

}  // namespace

DocumentedFacts DigestDocumentation(const RuleSet& rules, const v1::PatientDocumentation& doc,
                                    v1::Treatment treatment, absl::CivilDay as_of,
                                    std::vector<v1::Notice>* notices) {
  DocumentedFacts f;
  f.doc = &doc;
  f.as_of = as_of;
  f.treatment = treatment;
  auto unknown_drug = [&](const std::string& field, const std::string& name) {
    v1::Notice n;
    n.set_kind(v1::NOTICE_KIND_WARNING);
    n.set_code("UNKNOWN_DRUG");
    n.set_message(absl::StrCat(field, ": '", name, "' is not in the drug catalog, so it is not "
                               "counted; check the spelling or use the generic name"));
    notices->push_back(std::move(n));
  };
  std::optional<absl::CivilDay> episode_start;
  if (!doc.current_episode_start().empty()) {
    if (auto d = ParseDate(doc.current_episode_start(), "current_episode_start"); d.ok()) episode_start = *d;
  }
  const auto& trials = doc.antidepressant_history().trials();
  f.trials.reserve(trials.size());
  for (int i = 0; i < trials.size(); ++i) {
    DocumentedTrial t;
    t.index = i;
    t.trial = &trials[i];
    t.drug = rules.FindDrug(trials[i].drug());
    if (t.drug == nullptr) {
      unknown_drug(absl::StrCat("antidepressant_history.trials[", i, "].drug"), trials[i].drug());
    }
    t.dose_mcg = ParseDoseMcg(trials[i].daily_dose(), "daily_dose").value_or(0);
    t.episode = trials[i].episode();
    if (t.episode == v1::EPISODE_UNSPECIFIED && episode_start && !trials[i].start_date().empty()) {
      if (auto start = ParseDate(trials[i].start_date(), "start_date"); start.ok()) {
        t.episode = *start >= *episode_start ? v1::EPISODE_CURRENT : v1::EPISODE_EARLIER;
      }
    }
    f.trials.push_back(t);
  }
  if (!doc.oral_antidepressant().empty()) {
    f.oral_antidepressant = rules.FindDrug(doc.oral_antidepressant());
    if (f.oral_antidepressant == nullptr) unknown_drug("oral_antidepressant", doc.oral_antidepressant());
  }
  return f;
}

v1::CriterionResult EvaluateCriterion(const v1::Criterion& c, const DocumentedFacts& f) {
  v1::CriterionResult r;
  EvaluateCriterionInto(c, f, r);
  return r;
}

void EvaluateCriterionInto(const v1::Criterion& c, const DocumentedFacts& f,
                           v1::CriterionResult& r) {
  switch (c.check_case()) {
    case v1::Criterion::kAllOf: AllOf(c.all_of(), f, r); break;
    case v1::Criterion::kAnyOf: AnyOf(c.any_of(), f, r); break;
    case v1::Criterion::kNot: Not(c.not_(), f, r); break;
    case v1::Criterion::kFailedAntidepressantTrials:
      EvaluateFailedTrials(c.failed_antidepressant_trials(), f, r);
      break;
    case v1::Criterion::kPsychotherapyTrial:
      EvaluatePsychotherapy(c.psychotherapy_trial(), f, r);
      break;
    case v1::Criterion::kSeverity: Severity(c.severity(), f, r); break;
    case v1::Criterion::kDiagnosis: Diagnosis(c.diagnosis(), f, r); break;
    case v1::Criterion::kAge: Age(c.age(), f, r); break;
    case v1::Criterion::kNoContraindication: NoContraindication(c.no_contraindication(), f, r); break;
    case v1::Criterion::kRetreatment: Retreatment(c.retreatment(), f, r); break;
    case v1::Criterion::kPrescriber: Prescriber(c.prescriber(), f, r); break;
    case v1::Criterion::kRemsEnrollment: Rems(f, r); break;
    case v1::Criterion::kConcurrentAntidepressant: ConcurrentAntidepressant(f, r); break;
    case v1::Criterion::CHECK_NOT_SET:  // refused by the rule validator
      Set(r, kMissing, "the rule file gives this criterion no check");
      break;
  }
  r.set_id(c.id());
  r.set_kind(CriterionKind(c));
  r.set_policy_section(c.policy_section());
}

const std::string& CriterionKind(const v1::Criterion& c) {
  static const std::string* const kNone = new std::string("none");
  const auto* field = v1::Criterion::descriptor()->FindFieldByNumber(c.check_case());
  return field != nullptr ? field->name() : *kNone;
}

std::string ChecklistItemFor(const v1::Criterion& c, v1::Treatment treatment) {
  if (!c.checklist_item().empty()) return c.checklist_item();
  switch (c.check_case()) {
    case v1::Criterion::kFailedAntidepressantTrials: {
      const auto& t = c.failed_antidepressant_trials();
      std::string item = "Medication history showing ";
      AppendTrialsRequirement(t, item);
      return item;
    }
    case v1::Criterion::kPsychotherapyTrial: {
      std::string item = "Therapy records showing ";
      AppendPsychotherapyRequirement(c.psychotherapy_trial(), item);
      return item;
    }
    case v1::Criterion::kSeverity: {
      const InstrumentScale* scale = ScaleOf(c.severity().instrument());
      return absl::StrCat(scale != nullptr ? scale->name : "Severity", " score of at least ",
                          c.severity().min_score(), " dated within the last ",
                          Count(c.severity().max_age_days(), "day", "days"));
    }
    case v1::Criterion::kDiagnosis: {
      std::string item = "Diagnosis code (";
      AppendAlternatives(c.diagnosis().icd10_codes(), Verbatim, "or", item);
      return item + ") in the record";
    }
    case v1::Criterion::kAge: return "Patient's age";
    case v1::Criterion::kNoContraindication:
      return "Contraindication screening documented in the record";
    case v1::Criterion::kRetreatment:
      return absl::StrCat("Records of the earlier ", TreatmentName(treatment),
                          " course: end date and improvement (%)");
    case v1::Criterion::kPrescriber: {
      std::string item = "Order and attestation from a ";
      AppendAlternatives(c.prescriber().specialties(), SpecialtyOf, "or", item);
      return item;
    }
    case v1::Criterion::kRemsEnrollment: return "Spravato REMS patient enrollment form";
    case v1::Criterion::kConcurrentAntidepressant:
      return "Documentation of the oral antidepressant the patient takes now";
    case v1::Criterion::kNot:
      return absl::StrCat("Documentation that ", c.not_().id(), " does not apply");
    default:
      return absl::StrCat("Documentation for ", c.id());
  }
}

std::string RequirementOf(const v1::Criterion& criterion, v1::Treatment treatment) {
  // The same functions write the start of each check's explanation.
  std::string out;
  switch (criterion.check_case()) {
    case v1::Criterion::kFailedAntidepressantTrials:
      AppendTrialsRequirement(criterion.failed_antidepressant_trials(), out);
      out += " required";
      break;
    case v1::Criterion::kPsychotherapyTrial:
      AppendPsychotherapyRequirement(criterion.psychotherapy_trial(), out);
      out += " required";
      break;
    case v1::Criterion::kSeverity: AppendSeverityRequirement(criterion.severity(), out); break;
    case v1::Criterion::kDiagnosis: AppendDiagnosisRequirement(criterion.diagnosis(), out); break;
    case v1::Criterion::kAge: AppendAgeRequirement(criterion.age(), out); break;
    case v1::Criterion::kNoContraindication:
      AppendNoContraindicationRequirement(criterion.no_contraindication(), out);
      break;
    case v1::Criterion::kRetreatment:
      AppendRetreatmentRequirement(criterion.retreatment(), treatment, out);
      break;
    case v1::Criterion::kPrescriber: AppendPrescriberRequirement(criterion.prescriber(), out); break;
    case v1::Criterion::kRemsEnrollment: out = std::string(kRemsRequirement); break;
    case v1::Criterion::kConcurrentAntidepressant:
      out = std::string(kConcurrentRequirement);
      break;
    case v1::Criterion::kAllOf:
    case v1::Criterion::kAnyOf:
    case v1::Criterion::kNot:
    case v1::Criterion::CHECK_NOT_SET:
      break;
  }
  return out;
}

}  // namespace estimator