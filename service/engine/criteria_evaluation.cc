#include "service/engine/criteria_evaluation.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "service/common/dates.h"
#include "service/common/dose.h"
#include "service/rules/criteria_text.h"
#include "service/rules/criteria_words.h"
#include "service/engine/criteria_trials.h"
#include "service/engine/vocabulary.h"
#include "service/rules/clinical_vocabulary.h"

namespace estimator {
namespace {

using namespace criteria_text;  // NOLINT(build/namespaces): the checks' shared words

// ---- severity -----------------------------------------------------------------------------------

void Severity(const v1::SeverityCriterion& c, absl::string_view requirement,
              const DocumentedFacts& f, v1::CriterionResult& r) {
  const absl::string_view name = InstrumentOf(c);
  // The requirement, then what the documentation shows, in one string.
  std::string text = NewText();
  text.append(requirement.data(), requirement.size());
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

// What a criterion not met (or missing information) still lacks, for the checklist: what to obtain
// (the worded checklist item), except where nothing can be obtained because the documentation
// shows the patient does not qualify (an age, a contraindication present): then the explanation
// says why. An all_of's gap is its children's; an any_of with a checklist item of its own is one
// item, and so is a `not`. Failed trials write their own (criteria_trials.cc).
void SetGap(const v1::Criterion& c, const CriterionWords& words, v1::CriterionResult& r) {
  switch (c.check_case()) {
    case v1::Criterion::kAllOf: return;
    case v1::Criterion::kAnyOf:
      if (c.checklist_item().empty()) return;
      break;
    case v1::Criterion::kAge:
    case v1::Criterion::kNoContraindication:
      if (r.status() == kNotMet) {
        std::string gap = r.explanation();
        if (!gap.empty()) gap[0] = absl::ascii_toupper(static_cast<unsigned char>(gap[0]));
        r.set_gap(std::move(gap));
        return;
      }
      break;
    default: break;
  }
  r.set_gap(words.checklist_item);
}

void Diagnosis(const v1::DiagnosisCriterion& c, absl::string_view requirement,
               const DocumentedFacts& f, v1::CriterionResult& r) {
  std::string text = NewText();
  text.append(requirement.data(), requirement.size());
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

void Age(const v1::AgeCriterion& c, absl::string_view requirement, const DocumentedFacts& f,
         v1::CriterionResult& r) {
  std::string text(requirement);
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

void NoContraindication(const v1::NoContraindicationCriterion& c, absl::string_view requirement,
                        const DocumentedFacts& f, v1::CriterionResult& r) {
  std::string text = NewText();
  text.append(requirement.data(), requirement.size());
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

// The latest course of the treatment in the history (the last session ends it), or null; its index.
const v1::PriorCourse* LatestCourse(const DocumentedFacts& f, int* index) {
  const v1::PriorCourse* last = nullptr;
  absl::CivilDay last_end;
  const auto& courses = f.doc->treatment_history().courses();
  for (int i = 0; i < courses.size(); ++i) {
    if (courses[i].treatment() != f.treatment) continue;
    auto end = ParseDate(courses[i].end_date(), "end_date");
    if (end.ok() && (last == nullptr || *end > last_end)) {
      last = &courses[i];
      last_end = *end;
      *index = i;
    }
  }
  return last;
}

// A renewal: the course so far (the latest of this treatment in the history) improved enough.
void CourseResponse(const v1::CourseResponseCriterion& c, absl::string_view requirement,
                    const DocumentedFacts& f, v1::CriterionResult& r) {
  std::string text(requirement);
  int index = -1;
  const v1::PriorCourse* course =
      f.doc->has_treatment_history() ? LatestCourse(f, &index) : nullptr;
  if (course == nullptr) {
    absl::StrAppend(&text, "; no course of ", TreatmentName(f.treatment),
                    " documented in the treatment history");
    return Set(r, kMissing, std::move(text));
  }
  r.add_evidence(absl::StrCat("treatment_history.courses[", index, "]: last session ",
                              course->end_date(),
                              course->has_improvement_percent()
                                  ? absl::StrCat(", ", course->improvement_percent(), "% improvement")
                                  : std::string(", improvement not documented")));
  if (!course->has_improvement_percent()) {
    absl::StrAppend(&text, "; the improvement of the course (last session ", course->end_date(),
                    ") is not documented");
    return Set(r, kMissing, std::move(text));
  }
  absl::StrAppend(&text, "; the course so far improved ", course->improvement_percent(), "%");
  Set(r, course->improvement_percent() >= c.min_improvement_percent() ? kMet : kNotMet,
      std::move(text));
}

void Retreatment(const v1::RetreatmentCriterion& c, absl::string_view requirement,
                 const DocumentedFacts& f, v1::CriterionResult& r) {
  const std::string treatment = TreatmentName(f.treatment);
  // The requirement, then what the documentation shows.
  std::string text = NewText();
  text.append(requirement.data(), requirement.size());
  if (!f.doc->has_treatment_history()) {
    absl::StrAppend(&text, "; whether the patient had ", treatment, " before is not documented");
    return Set(r, kMissing, std::move(text));
  }
  int index = -1;
  const v1::PriorCourse* last = LatestCourse(f, &index);
  if (last == nullptr) {
    if (c.earlier_course_required()) {
      absl::StrAppend(&text, "; no earlier course of ", treatment, " documented");
      return Set(r, kNotMet, std::move(text));
    }
    absl::StrAppend(&text, "; first course of ", treatment, ", so this does not apply");
    return Set(r, kMet, std::move(text));
  }
  const absl::CivilDay last_end = ParseDate(last->end_date(), "end_date").value_or(f.as_of);
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

void Prescriber(const v1::PrescriberCriterion& c, absl::string_view requirement,
                const DocumentedFacts& f, v1::CriterionResult& r) {
  std::string text = NewText();
  text.append(requirement.data(), requirement.size());
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

void Rems(absl::string_view need, const DocumentedFacts& f, v1::CriterionResult& r) {
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

void ConcurrentAntidepressant(absl::string_view need, const DocumentedFacts& f,
                              v1::CriterionResult& r) {
  if (!f.doc->has_takes_oral_antidepressant()) {
    return Set(r, kMissing, absl::StrCat(need, "; current oral antidepressant not documented"));
  }
  const std::string& drug = f.doc->oral_antidepressant();
  if (!f.doc->takes_oral_antidepressant()) {
    Set(r, kNotMet, absl::StrCat(need, "; the patient takes none"));
  } else if (drug.empty()) {
    Set(r, kMet, absl::StrCat(need, "; the patient takes one (name not given)"));
  } else if (f.oral_antidepressant == nullptr) {
    // Not recognised, so not judged: correcting or confirming the name is what is missing.
    const std::string mean = f.oral_antidepressant_suggestion != nullptr
                                 ? absl::StrCat(" (did you mean ",
                                                f.oral_antidepressant_suggestion->text, "?)")
                                 : "";
    Set(r, kMissing, absl::StrCat(need, "; '", drug, "' is not in the drug catalog", mean));
    r.set_gap(absl::StrCat("Correct or confirm the name of the oral antidepressant, '", drug, "'",
                           mean, ": it is not in the drug catalog, so it is not recognised"));
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

// Appends the names of `r`'s children with `status`, joined by "; " (names may hold commas).
void AppendNamesWith(const v1::CriterionResult& r, Status status, std::string& out) {
  absl::string_view separator = "";
  for (const auto& c : r.children()) {
    if (c.status() != status) continue;
    absl::StrAppend(&out, separator, c.name());
    separator = "; ";
  }
}

// Composites evaluate their parts in place, into `r`'s children, and then name them in words.
void AllOf(const v1::CriterionList& list, const DocumentedFacts& f, v1::CriterionResult& r) {
  r.mutable_children()->Reserve(list.criteria_size());
  for (const auto& c : list.criteria()) EvaluateCriterionInto(c, f, *r.add_children());
  const int n = r.children_size();
  const int failed = CountWith(r, kNotMet);
  const int missing = CountWith(r, kMissing);
  std::string text;
  if (failed > 0) {
    absl::StrAppend(&text, failed, " of ", n, " not met: ");
    AppendNamesWith(r, kNotMet, text);
  }
  if (missing > 0) {
    absl::StrAppend(&text, failed > 0 ? "; " : "", "information missing for ", missing, " of ", n,
                    ": ");
    AppendNamesWith(r, kMissing, text);
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
    AppendNamesWith(r, kMet, text);
  } else if (CountWith(r, kMissing) > 0) {
    r.set_status(kMissing);
    text += "none met yet, information missing for ";
    AppendNamesWith(r, kMissing, text);
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
      r.set_explanation(absl::StrCat("must not hold, but it does: ", r.children(0).name()));
      break;
    case kNotMet:
      r.set_status(kMet);
      r.set_explanation(absl::StrCat("must not hold, and it does not: ", r.children(0).name()));
      break;
    default:
      r.set_status(kMissing);
      r.set_explanation(absl::StrCat("must not hold; information missing to judge: ",
                                     r.children(0).name()));
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
  // Reports a name the catalog does not have, with the catalog name near it if there is one; the
  // suggestion is only offered, never used in its place.
  auto unknown_drug = [&](const std::string& field, const std::string& name) {
    const DrugSuggestion* suggestion = rules.SuggestDrug(name);
    v1::Notice n;
    n.set_kind(v1::NOTICE_KIND_WARNING);
    n.set_code("UNKNOWN_DRUG");
    n.set_message(suggestion != nullptr
                      ? absl::StrCat(field, ": '", name, "' is not in the drug catalog; did you mean ",
                                     suggestion->text, "? It is not counted until the name is "
                                     "corrected")
                      : absl::StrCat(field, ": '", name, "' is not in the drug catalog, so it is not "
                                     "counted; check the spelling or use the generic name"));
    notices->push_back(std::move(n));
    return suggestion;
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
      t.suggestion =
          unknown_drug(absl::StrCat("antidepressant_history.trials[", i, "].drug"), trials[i].drug());
    }
    t.dose_mcg = ParseDoseMcg(trials[i].daily_dose(), "daily_dose").value_or(0);
    // Dates were validated; a trial's start places it in an episode, and so does an end before the
    // current episode began. Weeks not documented are whole weeks from start to end.
    std::optional<absl::CivilDay> start;
    if (!trials[i].start_date().empty()) start = ParseDate(trials[i].start_date(), "").value_or(as_of);
    if (!trials[i].end_date().empty()) t.end = ParseDate(trials[i].end_date(), "").value_or(as_of);
    if (trials[i].has_weeks()) {
      t.weeks = trials[i].weeks();
    } else if (start && t.end) {
      t.weeks = static_cast<int>((*t.end - *start) / 7);
      t.weeks_from_dates = true;
    }
    t.episode = trials[i].episode();
    if (t.episode == v1::EPISODE_UNSPECIFIED && episode_start) {
      if (start) {
        t.episode = *start >= *episode_start ? v1::EPISODE_CURRENT : v1::EPISODE_EARLIER;
      } else if (t.end && *t.end < *episode_start) {
        t.episode = v1::EPISODE_EARLIER;
      }
    }
    f.trials.push_back(t);
  }
  if (!doc.oral_antidepressant().empty()) {
    f.oral_antidepressant = rules.FindDrug(doc.oral_antidepressant());
    if (f.oral_antidepressant == nullptr) {
      f.oral_antidepressant_suggestion = unknown_drug("oral_antidepressant", doc.oral_antidepressant());
    }
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
  // The requirement as the rule set worded it when it was compiled; worded here only for a
  // criterion that is not part of a compiled rule set.
  CriterionWords worded_here;
  const CriterionWords* words = nullptr;
  if (f.words != nullptr) {
    if (const auto compiled = f.words->find(&c); compiled != f.words->end()) {
      words = &compiled->second;
    }
  }
  if (words == nullptr) {
    worded_here = {RequirementOf(c, f.treatment), ChecklistItemFor(c, f.treatment),
                   NameOf(c, f.treatment), {}};
    words = &worded_here;
  }
  const absl::string_view requirement = words->requirement;
  switch (c.check_case()) {
    case v1::Criterion::kAllOf: AllOf(c.all_of(), f, r); break;
    case v1::Criterion::kAnyOf: AnyOf(c.any_of(), f, r); break;
    case v1::Criterion::kNot: Not(c.not_(), f, r); break;
    case v1::Criterion::kFailedAntidepressantTrials:
      EvaluateFailedTrials(c.failed_antidepressant_trials(), requirement, f, r);
      break;
    case v1::Criterion::kPsychotherapyTrial:
      EvaluatePsychotherapy(c.psychotherapy_trial(), requirement, f, r);
      break;
    case v1::Criterion::kSeverity: Severity(c.severity(), requirement, f, r); break;
    case v1::Criterion::kDiagnosis: Diagnosis(c.diagnosis(), requirement, f, r); break;
    case v1::Criterion::kAge: Age(c.age(), requirement, f, r); break;
    case v1::Criterion::kNoContraindication:
      NoContraindication(c.no_contraindication(), requirement, f, r);
      break;
    case v1::Criterion::kRetreatment: Retreatment(c.retreatment(), requirement, f, r); break;
    case v1::Criterion::kPrescriber: Prescriber(c.prescriber(), requirement, f, r); break;
    case v1::Criterion::kRemsEnrollment: Rems(requirement, f, r); break;
    case v1::Criterion::kConcurrentAntidepressant: ConcurrentAntidepressant(requirement, f, r); break;
    case v1::Criterion::kCourseResponse: CourseResponse(c.course_response(), requirement, f, r); break;
    case v1::Criterion::CHECK_NOT_SET:  // refused by the rule validator
      Set(r, kMissing, "the rule file gives this criterion no check");
      break;
  }
  r.set_id(c.id());
  r.set_kind(CriterionKind(c));
  r.set_policy_section(c.policy_section());
  r.set_name(words->name);
  if (r.status() != kMet && r.gap().empty()) SetGap(c, *words, r);
}

const std::string& CriterionKind(const v1::Criterion& c) {
  static const std::string* const kNone = new std::string("none");
  const auto* field = v1::Criterion::descriptor()->FindFieldByNumber(c.check_case());
  return field != nullptr ? field->name() : *kNone;
}

}  // namespace estimator