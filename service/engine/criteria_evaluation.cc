#include "service/engine/criteria_evaluation.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/common/dates.h"
#include "service/common/dose.h"
#include "service/engine/plain_language.h"
#include "service/rules/clinical_vocabulary.h"

namespace estimator {
namespace {

using Status = v1::CriterionStatus;
constexpr Status kMet = v1::CRITERION_STATUS_MET;
constexpr Status kNotMet = v1::CRITERION_STATUS_NOT_MET;
constexpr Status kMissing = v1::CRITERION_STATUS_MISSING_INFORMATION;

std::string Count(int n, absl::string_view one, absl::string_view many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

std::string Weeks(int n) { return Count(n, "week", "weeks"); }

// "an SSRI", "an MAOI", "a TCA", "a mood stabilizer": "an" before a vowel sound, counting the
// upper-case letters of an acronym as spelled out.
std::string WithArticle(const std::string& noun) {
  const bool vowel = !noun.empty() && std::string("aeiouAEIOUFHLMNRSX").find(noun[0]) != std::string::npos;
  return absl::StrCat(vowel ? "an " : "a ", noun);
}

// "a", "a or b", "a, b or c".
std::string Alternatives(const std::vector<std::string>& items, absl::string_view last_joiner) {
  if (items.size() <= 1) return items.empty() ? "" : items[0];
  return absl::StrCat(absl::StrJoin(items.begin(), items.end() - 1, ", "), " ", last_joiner, " ",
                      items.back());
}

// Leaves write their verdict into the result node in place (it may live on an arena).
void Set(v1::CriterionResult& r, Status status, std::string explanation) {
  r.set_status(status);
  r.set_explanation(std::move(explanation));
}

// ---- failed antidepressant trials -------------------------------------------------------------

enum class Verdict { kCounts, kDoesNotCount, kUnknown };

struct TrialJudgement {
  Verdict verdict;
  std::string why;  // for kDoesNotCount and kUnknown
};

const std::string& DrugName(const DocumentedTrial& t) {
  return t.drug != nullptr ? t.drug->drug.name() : t.trial->drug();
}

bool IsAugmentation(const DocumentedTrial& t) {
  return t.drug != nullptr && (t.drug->drug.augmentation_agent() || t.trial->augmentation());
}

TrialJudgement JudgeTrial(const DocumentedTrial& t, const v1::FailedTrialsCriterion& c) {
  const v1::AntidepressantTrial& trial = *t.trial;
  const std::string& name = DrugName(t);
  const bool intolerance = trial.outcome() == v1::TRIAL_OUTCOME_INTOLERANCE;
  if (trial.outcome() == v1::TRIAL_OUTCOME_RESPONSE) {
    return {Verdict::kDoesNotCount, absl::StrCat(name, " trial responded (not a failure)")};
  }
  if (intolerance && !c.intolerance_counts()) {
    return {Verdict::kDoesNotCount,
            absl::StrCat(name, " trial was stopped for intolerance, which this policy does not count")};
  }
  if (c.current_episode_only() && t.episode == v1::EPISODE_EARLIER) {
    return {Verdict::kDoesNotCount, absl::StrCat(name, " trial was in an earlier episode")};
  }
  if (!intolerance && trial.has_weeks() && trial.weeks() < c.min_weeks()) {
    return {Verdict::kDoesNotCount, absl::StrCat(name, " trial was ", Weeks(trial.weeks()),
                                                 ", under the ", c.min_weeks(), "-week minimum")};
  }
  // Past this point the catalog decides (dose, class): a drug it does not know might count.
  if (t.drug == nullptr) {
    return {Verdict::kUnknown, absl::StrCat("'", trial.drug(), "' is not in the drug catalog")};
  }
  std::vector<std::string> unknown;
  if (trial.outcome() == v1::TRIAL_OUTCOME_UNSPECIFIED) unknown.push_back("outcome");
  if (c.current_episode_only() && t.episode == v1::EPISODE_UNSPECIFIED) {
    unknown.push_back("whether it was in the current episode");
  }
  // A trial stopped for intolerance counts whatever its length, dose and adherence.
  if (!intolerance) {
    if (c.adequate_dose_required() && t.dose_mcg < t.drug->min_daily_dose_mcg) {
      return {Verdict::kDoesNotCount,
              absl::StrCat(name, " trial at ", FormatDose(t.dose_mcg), " a day is under the ",
                           FormatDose(t.drug->min_daily_dose_mcg), " therapeutic dose")};
    }
    if (c.min_adherence_percent() > 0 && trial.has_adherence_percent() &&
        trial.adherence_percent() < c.min_adherence_percent()) {
      return {Verdict::kDoesNotCount,
              absl::StrCat(name, " trial had ", trial.adherence_percent(), "% adherence, under ",
                           c.min_adherence_percent(), "%")};
    }
    if (!trial.has_weeks()) unknown.push_back("weeks");
    if (c.min_adherence_percent() > 0 && !trial.has_adherence_percent()) {
      unknown.push_back("adherence");
    }
  }
  if (!unknown.empty()) {
    return {Verdict::kUnknown,
            absl::StrCat(name, " trial: ", Alternatives(unknown, "and"), " not documented")};
  }
  return {Verdict::kCounts, ""};
}

std::string TrialSummary(const DocumentedTrial& t) {
  const v1::AntidepressantTrial& trial = *t.trial;
  std::string s = absl::StrCat(DrugName(t), " ", FormatDose(t.dose_mcg), ", ");
  if (trial.outcome() == v1::TRIAL_OUTCOME_INTOLERANCE) {
    absl::StrAppend(&s, "stopped for intolerance");
  } else {
    absl::StrAppend(&s, Weeks(trial.weeks()));
  }
  absl::StrAppend(&s, ", ", DrugClassName(t.drug->drug.drug_class()));
  if (IsAugmentation(t) && t.drug->is_antidepressant()) absl::StrAppend(&s, ", augmentation");
  return s;
}

std::string TrialEvidence(const DocumentedTrial& t) {
  const v1::AntidepressantTrial& trial = *t.trial;
  std::string s = absl::StrCat("antidepressant_history.trials[", t.index, "]: ", DrugName(t), " ",
                               FormatDose(t.dose_mcg), " a day");
  absl::StrAppend(&s, ", ", trial.has_weeks() ? Weeks(trial.weeks())
                                              : "weeks not documented");
  absl::StrAppend(&s, ", ", OutcomeName(trial.outcome()));
  if (trial.has_adherence_percent()) absl::StrAppend(&s, ", adherence ", trial.adherence_percent(), "%");
  switch (t.episode) {
    case v1::EPISODE_CURRENT: absl::StrAppend(&s, ", current episode"); break;
    case v1::EPISODE_EARLIER: absl::StrAppend(&s, ", earlier episode"); break;
    default: break;
  }
  if (t.drug != nullptr) {
    absl::StrAppend(&s, " (", DrugClassName(t.drug->drug.drug_class()), ", therapeutic from ",
                    FormatDose(t.drug->min_daily_dose_mcg), IsAugmentation(t) ? ", augmentation" : "",
                    ")");
  } else {
    absl::StrAppend(&s, " (not in the drug catalog)");
  }
  return s;
}

std::string TrialsRequirement(const v1::FailedTrialsCriterion& c) {
  std::string s = Count(c.min_trials(), "failed trial", "failed trials");
  if (c.min_distinct_classes() > 1) absl::StrAppend(&s, " from ", c.min_distinct_classes(), " classes");
  if (c.current_episode_only()) absl::StrAppend(&s, " in the current episode");
  if (c.min_augmentation_trials() > 0) {
    absl::StrAppend(&s, ", plus ", c.min_augmentation_trials() == 1 ? std::string("an augmentation trial")
                                                                     : Count(c.min_augmentation_trials(), "augmentation trial", "augmentation trials"));
  }
  std::vector<std::string> terms = {absl::StrCat(c.min_weeks(), "+ weeks")};
  if (c.adequate_dose_required()) terms.back() += " at a therapeutic dose";
  if (c.min_adherence_percent() > 0) terms.push_back(absl::StrCat(c.min_adherence_percent(), "%+ adherence"));
  terms.push_back(c.intolerance_counts() ? "intolerance counts" : "intolerance does not count");
  return absl::StrCat(s, " (", absl::StrJoin(terms, ", "), ")");
}

void FailedTrials(const v1::FailedTrialsCriterion& c, const DocumentedFacts& f,
                  v1::CriterionResult& r) {
  if (!f.doc->has_antidepressant_history()) {
    return Set(r, kMissing, absl::StrCat(TrialsRequirement(c), " required; no antidepressant history documented"));
  }
  struct Tally {
    int trials = 0;
    absl::InlinedVector<int, 8> classes;  // distinct; a handful at most, so no set
    int augmentations = 0;
    void AddClass(int c) {
      if (std::find(classes.begin(), classes.end(), c) == classes.end()) classes.push_back(c);
    }
    void Add(const DocumentedTrial& t) {
      if (t.drug->is_antidepressant()) {
        ++trials;
        AddClass(t.drug->drug.drug_class());
      }
      if (IsAugmentation(t)) ++augmentations;
    }
    bool Meets(const v1::FailedTrialsCriterion& c) const {
      return trials >= c.min_trials() && static_cast<int>(classes.size()) >= c.min_distinct_classes() &&
             augmentations >= c.min_augmentation_trials();
    }
  };
  Tally counted, possible;
  std::vector<std::string> adequate, augmentations, reasons, unknowns, evidence;
  for (const DocumentedTrial& t : f.trials) {
    evidence.push_back(TrialEvidence(t));
    const TrialJudgement j = JudgeTrial(t, c);
    switch (j.verdict) {
      case Verdict::kCounts:
        counted.Add(t);
        possible.Add(t);
        (t.drug->is_antidepressant() ? adequate : augmentations).push_back(TrialSummary(t));
        break;
      case Verdict::kDoesNotCount:
        reasons.push_back(j.why);
        break;
      case Verdict::kUnknown:
        unknowns.push_back(j.why);
        if (t.drug != nullptr) {
          possible.Add(t);
        } else {
          possible.trials = c.min_trials();  // an unknown drug could be anything
          possible.augmentations = c.min_augmentation_trials();
          for (int k = 0; k < c.min_distinct_classes(); ++k) possible.AddClass(100 + k);
        }
        break;
    }
  }
  std::string text = absl::StrCat(TrialsRequirement(c), " required; found ",
                                  Count(counted.trials, "adequate trial", "adequate trials"));
  if (!adequate.empty()) absl::StrAppend(&text, " (", absl::StrJoin(adequate, "; "), ")");
  if (c.min_distinct_classes() > 1 && counted.trials > 0) {
    absl::StrAppend(&text, " from ", Count(static_cast<int>(counted.classes.size()), "class", "classes"));
  }
  if (!augmentations.empty()) {
    absl::StrAppend(&text, "; augmentation trial", augmentations.size() == 1 ? "" : "s", ": ",
                    absl::StrJoin(augmentations, "; "));
  }
  if (counted.augmentations < c.min_augmentation_trials()) {
    absl::StrAppend(&text, counted.augmentations == 0
                               ? std::string("; no augmentation trial")
                               : absl::StrCat("; ", counted.augmentations, " of ",
                                              c.min_augmentation_trials(), " augmentation trials"));
  }
  if (f.trials.empty()) absl::StrAppend(&text, "; no trials documented");
  for (const auto& r : reasons) absl::StrAppend(&text, "; ", r);
  for (const auto& u : unknowns) absl::StrAppend(&text, "; ", u);
  const Status status = counted.Meets(c) ? kMet : possible.Meets(c) ? kMissing : kNotMet;
  Set(r, status, std::move(text));
  for (auto& e : evidence) r.add_evidence(std::move(e));
}

// ---- psychotherapy ------------------------------------------------------------------------------

std::string PsychotherapyRequirement(const v1::PsychotherapyCriterion& c) {
  std::vector<std::string> length;
  if (c.min_weeks() > 0) length.push_back(absl::StrCat(c.min_weeks(), "+ weeks"));
  if (c.min_sessions() > 0) length.push_back(absl::StrCat(c.min_sessions(), "+ sessions"));
  std::string s = absl::StrCat("a failed trial of psychotherapy (", absl::StrJoin(length, ", "));
  if (!c.accepted_kinds().empty()) {
    std::vector<std::string> kinds;
    for (int k : c.accepted_kinds()) kinds.push_back(PsychotherapyKindName(static_cast<v1::PsychotherapyKind>(k)));
    absl::StrAppend(&s, "; ", Alternatives(kinds, "or"));
  }
  return absl::StrCat(s, ")");
}

void Psychotherapy(const v1::PsychotherapyCriterion& c, const DocumentedFacts& f,
                   v1::CriterionResult& r) {
  if (!f.doc->has_psychotherapy_history()) {
    return Set(r, kMissing, absl::StrCat(PsychotherapyRequirement(c), " required; no psychotherapy history documented"));
  }
  const auto& trials = f.doc->psychotherapy_history().trials();
  bool met = false, maybe = false;
  std::vector<std::string> notes, evidence;
  for (int i = 0; i < trials.size(); ++i) {
    const v1::PsychotherapyTrial& t = trials[i];
    const std::string kind = PsychotherapyKindName(t.kind());
    std::string e = absl::StrCat("psychotherapy_history.trials[", i, "]: ", kind);
    if (t.has_weeks()) absl::StrAppend(&e, ", ", Weeks(t.weeks()));
    if (t.has_sessions()) absl::StrAppend(&e, ", ", t.sessions(), " sessions");
    absl::StrAppend(&e, ", ", OutcomeName(t.outcome()));
    evidence.push_back(e);

    const bool kind_ok = c.accepted_kinds().empty() ||
                         std::find(c.accepted_kinds().begin(), c.accepted_kinds().end(), t.kind()) !=
                             c.accepted_kinds().end();
    if (!kind_ok) { notes.push_back(absl::StrCat(kind, " is not an accepted kind")); continue; }
    if (t.outcome() == v1::TRIAL_OUTCOME_RESPONSE) { notes.push_back(absl::StrCat(kind, " trial responded (not a failure)")); continue; }
    if (c.min_weeks() > 0 && t.has_weeks() && t.weeks() < c.min_weeks()) {
      notes.push_back(absl::StrCat(kind, " trial was ", Weeks(t.weeks()), ", under the ", c.min_weeks(), "-week minimum"));
      continue;
    }
    if (c.min_sessions() > 0 && t.has_sessions() && t.sessions() < c.min_sessions()) {
      notes.push_back(absl::StrCat(kind, " trial had ", t.sessions(), " sessions, under the ", c.min_sessions(), " required"));
      continue;
    }
    std::vector<std::string> unknown;
    if (t.outcome() == v1::TRIAL_OUTCOME_UNSPECIFIED) unknown.push_back("outcome");
    if (c.min_weeks() > 0 && !t.has_weeks()) unknown.push_back("weeks");
    if (c.min_sessions() > 0 && !t.has_sessions()) unknown.push_back("sessions");
    if (!unknown.empty()) {
      maybe = true;
      notes.push_back(absl::StrCat(kind, " trial: ", Alternatives(unknown, "and"), " not documented"));
      continue;
    }
    met = true;
    notes.insert(notes.begin(), absl::StrCat("found ", e.substr(e.find(": ") + 2)));
  }
  std::string text = absl::StrCat(PsychotherapyRequirement(c), " required");
  if (trials.empty()) absl::StrAppend(&text, "; no psychotherapy trials documented");
  for (const auto& n : notes) absl::StrAppend(&text, "; ", n);
  Set(r, met ? kMet : maybe ? kMissing : kNotMet, std::move(text));
  for (auto& e : evidence) r.add_evidence(std::move(e));
}

// ---- severity -----------------------------------------------------------------------------------

void Severity(const v1::SeverityCriterion& c, const DocumentedFacts& f,
              v1::CriterionResult& r) {
  const InstrumentScale* scale = ScaleOf(c.instrument());
  const std::string name = scale != nullptr ? scale->name : "unknown instrument";
  const std::string need = absl::StrCat(name, " of at least ", c.min_score(), " within the last ",
                                        Count(c.max_age_days(), "day", "days"), " required");
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
  if (latest == nullptr) return Set(r, kMissing, absl::StrCat(need, "; no ", name, " score documented"));
  const int age = static_cast<int>(f.as_of - latest_day);
  const std::string seen = absl::StrCat(name, " ", latest->score(), " on ", latest->date(), " (",
                                        Count(age, "day", "days"), " old)");
  if (age > c.max_age_days()) {
    Set(r, kMissing, absl::StrCat(need, "; the latest, ", seen, ", is too old: obtain a new score"));
  } else if (latest->score() < c.min_score()) {
    Set(r, kNotMet, absl::StrCat(need, "; latest is ", seen, ", below ", c.min_score()));
  } else {
    Set(r, kMet, absl::StrCat(need, "; latest is ", seen));
  }
  r.add_evidence(absl::StrCat("severity_scores[", index, "]: ", name, " ", latest->score(), " on ",
                              latest->date()));
}

// ---- the rest -----------------------------------------------------------------------------------

void Diagnosis(const v1::DiagnosisCriterion& c, const DocumentedFacts& f,
               v1::CriterionResult& r) {
  const std::string need = absl::StrCat(
      "diagnosis ", Alternatives({c.icd10_codes().begin(), c.icd10_codes().end()}, "or"), " required");
  const auto& codes = f.doc->diagnosis_codes();
  if (codes.empty()) return Set(r, kMissing, absl::StrCat(need, "; no diagnosis code documented"));
  std::vector<std::string> documented(codes.begin(), codes.end());
  for (const auto& code : codes) {
    for (const auto& listed : c.icd10_codes()) {
      if (Icd10Accepts(listed, code)) {
        Set(r, kMet, absl::StrCat(need, "; documented ", code));
        r.add_evidence(absl::StrCat("diagnosis_codes: ", absl::StrJoin(documented, ", ")));
        return;
      }
    }
  }
  Set(r, kNotMet, absl::StrCat(need, "; documented ", Alternatives(documented, "and"),
                                   ", none of them accepted"));
  r.add_evidence(absl::StrCat("diagnosis_codes: ", absl::StrJoin(documented, ", ")));
}

void Age(const v1::AgeCriterion& c, const DocumentedFacts& f, v1::CriterionResult& r) {
  std::string need;
  if (c.has_max_years() && c.min_years() > 0) {
    need = absl::StrCat("age ", c.min_years(), " to ", c.max_years(), " required");
  } else if (c.has_max_years()) {
    need = absl::StrCat("age ", c.max_years(), " or younger required");
  } else {
    need = absl::StrCat("age ", c.min_years(), " or older required");
  }
  if (!f.doc->has_age_years()) return Set(r, kMissing, absl::StrCat(need, "; age not documented"));
  const int age = f.doc->age_years();
  const bool ok = age >= c.min_years() && (!c.has_max_years() || age <= c.max_years());
  Set(r, ok ? kMet : kNotMet, absl::StrCat(need, "; patient is ", age));
  r.add_evidence(absl::StrCat("age_years: ", age));
}

void NoContraindication(const v1::NoContraindicationCriterion& c, const DocumentedFacts& f,
                        v1::CriterionResult& r) {
  std::vector<std::string> listed;
  for (int x : c.contraindications()) listed.push_back(ContraindicationName(static_cast<v1::Contraindication>(x)));
  const std::string need = absl::StrCat("none of these allowed: ", absl::StrJoin(listed, ", "));
  if (!f.doc->has_contraindication_screening()) {
    return Set(r, kMissing, absl::StrCat(need, "; no contraindication screening documented"));
  }
  std::vector<std::string> found, present;
  for (int x : f.doc->contraindication_screening().present()) {
    present.push_back(ContraindicationName(static_cast<v1::Contraindication>(x)));
    if (std::find(c.contraindications().begin(), c.contraindications().end(), x) !=
        c.contraindications().end()) {
      found.push_back(present.back());
    }
  }
  if (found.empty()) {
    Set(r, kMet, absl::StrCat(need, "; screening found none of them"));
  } else {
    Set(r, kNotMet, absl::StrCat(need, "; screening found ", Alternatives(found, "and")));
  }
  r.add_evidence(absl::StrCat("contraindication_screening: ",
                              present.empty() ? "none found" : absl::StrJoin(present, ", ")));
}

void Retreatment(const v1::RetreatmentCriterion& c, const DocumentedFacts& f,
                 v1::CriterionResult& r) {
  const std::string treatment = TreatmentName(f.treatment);
  std::vector<std::string> terms;
  if (c.earlier_course_required()) terms.push_back(absl::StrCat("an earlier course of ", treatment));
  if (c.min_improvement_percent() > 0) {
    terms.push_back(absl::StrCat(c.min_improvement_percent(), "%+ improvement in the earlier course"));
  }
  if (c.min_months_since_last_course() > 0) {
    terms.push_back(absl::StrCat(Count(c.min_months_since_last_course(), "month", "months"),
                                 " since it ended"));
  }
  const std::string need = absl::StrCat(
      c.earlier_course_required() ? "" : "for a repeat course: ", absl::StrJoin(terms, ", "), " required");
  if (!f.doc->has_treatment_history()) {
    return Set(r, kMissing, absl::StrCat(need, "; whether the patient had ", treatment,
                                         " before is not documented"));
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
      return Set(r, kNotMet, absl::StrCat(need, "; no earlier course of ", treatment, " documented"));
    }
    return Set(r, kMet, absl::StrCat(need, "; first course of ", treatment, ", so this does not apply"));
  }
  std::string seen = absl::StrCat("the last course ended ", last->end_date());
  if (last->has_improvement_percent()) {
    absl::StrAppend(&seen, " with ", last->improvement_percent(), "% improvement");
  }
  const absl::CivilDay gap_ends = AddMonths(last_end, c.min_months_since_last_course());
  if (c.min_improvement_percent() > 0 && last->has_improvement_percent() &&
      last->improvement_percent() < c.min_improvement_percent()) {
    Set(r, kNotMet, absl::StrCat(need, "; ", seen, ", under ", c.min_improvement_percent(), "%"));
  } else if (gap_ends > f.as_of) {
    Set(r, kNotMet, absl::StrCat(need, "; ", seen, ": not before ", FormatDate(gap_ends)));
  } else if (c.min_improvement_percent() > 0 && !last->has_improvement_percent()) {
    Set(r, kMissing, absl::StrCat(need, "; ", seen, ", improvement not documented"));
  } else {
    Set(r, kMet, absl::StrCat(need, "; ", seen));
  }
  r.add_evidence(absl::StrCat("treatment_history.courses[", index, "]: ", treatment, " ended ",
                              last->end_date(),
                              last->has_improvement_percent()
                                  ? absl::StrCat(", ", last->improvement_percent(), "% improvement")
                                  : ", improvement not documented"));
}

void Prescriber(const v1::PrescriberCriterion& c, const DocumentedFacts& f,
                v1::CriterionResult& r) {
  std::vector<std::string> names;
  for (int s : c.specialties()) names.push_back(SpecialtyName(static_cast<v1::PrescriberSpecialty>(s)));
  const std::string need = absl::StrCat("ordered by a ", Alternatives(names, "or"), " required");
  const v1::PrescriberSpecialty s = f.doc->prescriber_specialty();
  if (s == v1::PRESCRIBER_SPECIALTY_UNSPECIFIED) {
    return Set(r, kMissing, absl::StrCat(need, "; prescriber specialty not documented"));
  }
  const bool ok = std::find(c.specialties().begin(), c.specialties().end(), s) != c.specialties().end();
  Set(r, ok ? kMet : kNotMet,
                                 absl::StrCat(need, "; ordered by a ", SpecialtyName(s)));
  r.add_evidence(absl::StrCat("prescriber_specialty: ", SpecialtyName(s)));
}

void Rems(const DocumentedFacts& f, v1::CriterionResult& r) {
  const std::string need = "enrollment in the Spravato REMS required";
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
  const std::string need = "an oral antidepressant taken alongside the treatment required";
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

std::vector<std::string> IdsWith(const v1::CriterionResult& r, Status status) {
  std::vector<std::string> ids;
  for (const auto& c : r.children()) {
    if (c.status() == status) ids.push_back(c.id());
  }
  return ids;
}

// Composites evaluate their parts in place, into `r`'s children.
void AllOf(const v1::CriterionList& list, const DocumentedFacts& f, v1::CriterionResult& r) {
  for (const auto& c : list.criteria()) EvaluateCriterionInto(c, f, *r.add_children());
  const int n = r.children_size();
  const auto failed = IdsWith(r, kNotMet);
  const auto missing = IdsWith(r, kMissing);
  std::vector<std::string> parts;
  if (!failed.empty()) parts.push_back(absl::StrCat(failed.size(), " of ", n, " not met: ", absl::StrJoin(failed, ", ")));
  if (!missing.empty()) {
    parts.push_back(absl::StrCat("information missing for ", missing.size(), " of ", n, ": ",
                                 absl::StrJoin(missing, ", ")));
  }
  r.set_status(!failed.empty() ? kNotMet : !missing.empty() ? kMissing : kMet);
  r.set_explanation(parts.empty() ? absl::StrCat("all ", n, " met") : absl::StrJoin(parts, "; "));
}

void AnyOf(const v1::CriterionList& list, const DocumentedFacts& f, v1::CriterionResult& r) {
  for (const auto& c : list.criteria()) EvaluateCriterionInto(c, f, *r.add_children());
  const auto met = IdsWith(r, kMet);
  const auto missing = IdsWith(r, kMissing);
  if (!met.empty()) {
    r.set_status(kMet);
    r.set_explanation(absl::StrCat("one of ", r.children_size(), " alternatives needed; met by ",
                                   absl::StrJoin(met, ", ")));
  } else if (!missing.empty()) {
    r.set_status(kMissing);
    r.set_explanation(absl::StrCat("one of ", r.children_size(),
                                   " alternatives needed; none met yet, information missing for ",
                                   absl::StrJoin(missing, ", ")));
  } else {
    r.set_status(kNotMet);
    r.set_explanation(absl::StrCat("one of ", r.children_size(), " alternatives needed; none is met"));
  }
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
      FailedTrials(c.failed_antidepressant_trials(), f, r);
      break;
    case v1::Criterion::kPsychotherapyTrial: Psychotherapy(c.psychotherapy_trial(), f, r); break;
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

std::string CriterionKind(const v1::Criterion& c) {
  const auto* field = v1::Criterion::descriptor()->FindFieldByNumber(c.check_case());
  return field != nullptr ? field->name() : "none";
}

std::string ChecklistItemFor(const v1::Criterion& c, v1::Treatment treatment) {
  if (!c.checklist_item().empty()) return c.checklist_item();
  switch (c.check_case()) {
    case v1::Criterion::kFailedAntidepressantTrials: {
      const auto& t = c.failed_antidepressant_trials();
      return absl::StrCat("Medication history showing ", TrialsRequirement(t));
    }
    case v1::Criterion::kPsychotherapyTrial:
      return absl::StrCat("Therapy records showing ", PsychotherapyRequirement(c.psychotherapy_trial()));
    case v1::Criterion::kSeverity: {
      const InstrumentScale* scale = ScaleOf(c.severity().instrument());
      return absl::StrCat(scale != nullptr ? scale->name : "Severity", " score of at least ",
                          c.severity().min_score(), " dated within the last ",
                          Count(c.severity().max_age_days(), "day", "days"));
    }
    case v1::Criterion::kDiagnosis:
      return absl::StrCat("Diagnosis code (",
                          Alternatives({c.diagnosis().icd10_codes().begin(), c.diagnosis().icd10_codes().end()}, "or"),
                          ") in the record");
    case v1::Criterion::kAge: return "Patient's age";
    case v1::Criterion::kNoContraindication:
      return "Contraindication screening documented in the record";
    case v1::Criterion::kRetreatment:
      return absl::StrCat("Records of the earlier ", TreatmentName(treatment),
                          " course: end date and improvement (%)");
    case v1::Criterion::kPrescriber: {
      std::vector<std::string> names;
      for (int s : c.prescriber().specialties()) names.push_back(SpecialtyName(static_cast<v1::PrescriberSpecialty>(s)));
      return absl::StrCat("Order and attestation from a ", Alternatives(names, "or"));
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
  switch (criterion.check_case()) {
    case v1::Criterion::kAllOf:
    case v1::Criterion::kAnyOf:
    case v1::Criterion::kNot:
    case v1::Criterion::CHECK_NOT_SET:
      return "";
    default:
      break;
  }
  // Every typed check explains a missing fact as "<requirement>; <what is not documented>", so
  // judging it against no documentation yields the requirement in the very words readiness uses.
  static const v1::PatientDocumentation* const kNothing = new v1::PatientDocumentation();
  DocumentedFacts nothing;
  nothing.doc = kNothing;
  nothing.treatment = treatment;
  const std::string explanation = EvaluateCriterion(criterion, nothing).explanation();
  int depth = 0;  // a requirement may hold "; " inside parentheses
  for (size_t i = 0; i + 1 < explanation.size(); ++i) {
    if (explanation[i] == '(') ++depth;
    if (explanation[i] == ')') --depth;
    if (depth == 0 && explanation[i] == ';' && explanation[i + 1] == ' ') return explanation.substr(0, i);
  }
  return explanation;
}

}  // namespace estimator
