#include "service/engine/criteria_evaluation.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
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

// The words for list items, as `name` arguments of the Append functions below.
absl::string_view Verbatim(absl::string_view s) { return s; }
std::string ContraindicationOf(int c) {
  return ContraindicationName(static_cast<v1::Contraindication>(c));
}
std::string SpecialtyOf(int s) { return SpecialtyName(static_cast<v1::PrescriberSpecialty>(s)); }
std::string PsychotherapyKindOf(int k) {
  return PsychotherapyKindName(static_cast<v1::PsychotherapyKind>(k));
}

// Appends name(item) of each of `items`, joined by `separator`. The explanations are written
// straight into their one string: building a vector of words first and joining it was a good part
// of every check's cost.
template <typename Items, typename Name>
void AppendJoined(const Items& items, Name name, absl::string_view separator, std::string& out) {
  for (int i = 0; i < static_cast<int>(items.size()); ++i) {
    absl::StrAppend(&out, i > 0 ? separator : "", name(items[i]));
  }
}

// Appends "a", "a or b", "a, b or c" (`last_joiner` "or" or "and"), as AppendJoined.
template <typename Items, typename Name>
void AppendAlternatives(const Items& items, Name name, absl::string_view last_joiner,
                        std::string& out) {
  const int n = static_cast<int>(items.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && i == n - 1) {
      absl::StrAppend(&out, " ", last_joiner, " ");
    } else if (i > 0) {
      out += ", ";
    }
    absl::StrAppend(&out, name(items[i]));
  }
}

// Explanations and evidence are built by appending to one string: a check's requirement, then
// what the documentation shows. Most are under 256 characters; reserving that much up front makes
// each string one allocation rather than a series of doublings.
std::string NewText() {
  std::string text;
  text.reserve(256);
  return text;
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
  absl::InlinedVector<absl::string_view, 4> unknown;
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
    std::string why = absl::StrCat(name, " trial: ");
    AppendAlternatives(unknown, Verbatim, "and", why);
    why += " not documented";
    return {Verdict::kUnknown, std::move(why)};
  }
  return {Verdict::kCounts, ""};
}

// "sertraline 150 mg, 8 weeks, SSRI", as an item of a "; "-separated list.
void AppendTrialSummary(const DocumentedTrial& t, std::string& list) {
  const v1::AntidepressantTrial& trial = *t.trial;
  absl::StrAppend(&list, list.empty() ? "" : "; ", DrugName(t), " ", FormatDose(t.dose_mcg), ", ");
  if (trial.outcome() == v1::TRIAL_OUTCOME_INTOLERANCE) {
    list += "stopped for intolerance";
  } else {
    absl::StrAppend(&list, Weeks(trial.weeks()));
  }
  absl::StrAppend(&list, ", ", DrugClassName(t.drug->drug.drug_class()));
  if (IsAugmentation(t) && t.drug->is_antidepressant()) list += ", augmentation";
}

std::string TrialEvidence(const DocumentedTrial& t) {
  const v1::AntidepressantTrial& trial = *t.trial;
  std::string s = NewText();
  absl::StrAppend(&s, "antidepressant_history.trials[", t.index, "]: ", DrugName(t), " ",
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

// "2 failed trials from 2 classes ... (6+ weeks at a therapeutic dose, intolerance counts)".
void AppendTrialsRequirement(const v1::FailedTrialsCriterion& c, std::string& out) {
  absl::StrAppend(&out, Count(c.min_trials(), "failed trial", "failed trials"));
  if (c.min_distinct_classes() > 1) absl::StrAppend(&out, " from ", c.min_distinct_classes(), " classes");
  if (c.current_episode_only()) out += " in the current episode";
  if (c.min_augmentation_trials() == 1) {
    out += ", plus an augmentation trial";
  } else if (c.min_augmentation_trials() > 1) {
    absl::StrAppend(&out, ", plus ", c.min_augmentation_trials(), " augmentation trials");
  }
  absl::StrAppend(&out, " (", c.min_weeks(), "+ weeks");
  if (c.adequate_dose_required()) out += " at a therapeutic dose";
  if (c.min_adherence_percent() > 0) absl::StrAppend(&out, ", ", c.min_adherence_percent(), "%+ adherence");
  absl::StrAppend(&out, c.intolerance_counts() ? ", intolerance counts)" : ", intolerance does not count)");
}

void FailedTrials(const v1::FailedTrialsCriterion& c, const DocumentedFacts& f,
                  v1::CriterionResult& r) {
  std::string text = NewText();
  AppendTrialsRequirement(c, text);
  text += " required";
  if (!f.doc->has_antidepressant_history()) {
    text += "; no antidepressant history documented";
    return Set(r, kMissing, std::move(text));
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
  // The lists of the explanation, each joined by "; " as the trials are judged.
  std::string adequate = NewText(), augmentations, reasons, unknowns;
  int augmentations_listed = 0;
  r.mutable_evidence()->Reserve(static_cast<int>(f.trials.size()));
  for (const DocumentedTrial& t : f.trials) {
    r.add_evidence(TrialEvidence(t));
    const TrialJudgement j = JudgeTrial(t, c);
    switch (j.verdict) {
      case Verdict::kCounts:
        counted.Add(t);
        possible.Add(t);
        if (t.drug->is_antidepressant()) {
          AppendTrialSummary(t, adequate);
        } else {
          AppendTrialSummary(t, augmentations);
          ++augmentations_listed;
        }
        break;
      case Verdict::kDoesNotCount:
        absl::StrAppend(&reasons, "; ", j.why);
        break;
      case Verdict::kUnknown:
        absl::StrAppend(&unknowns, "; ", j.why);
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
  absl::StrAppend(&text, "; found ", Count(counted.trials, "adequate trial", "adequate trials"));
  if (!adequate.empty()) absl::StrAppend(&text, " (", adequate, ")");
  if (c.min_distinct_classes() > 1 && counted.trials > 0) {
    absl::StrAppend(&text, " from ", Count(static_cast<int>(counted.classes.size()), "class", "classes"));
  }
  if (!augmentations.empty()) {
    absl::StrAppend(&text, "; augmentation trial", augmentations_listed == 1 ? "" : "s", ": ",
                    augmentations);
  }
  if (counted.augmentations < c.min_augmentation_trials()) {
    absl::StrAppend(&text, counted.augmentations == 0
                               ? std::string("; no augmentation trial")
                               : absl::StrCat("; ", counted.augmentations, " of ",
                                              c.min_augmentation_trials(), " augmentation trials"));
  }
  if (f.trials.empty()) absl::StrAppend(&text, "; no trials documented");
  absl::StrAppend(&text, reasons, unknowns);
  Set(r, counted.Meets(c) ? kMet : possible.Meets(c) ? kMissing : kNotMet, std::move(text));
}

// ---- psychotherapy ------------------------------------------------------------------------------

// "a failed trial of psychotherapy (6+ weeks; CBT or interpersonal therapy)".
void AppendPsychotherapyRequirement(const v1::PsychotherapyCriterion& c, std::string& out) {
  out += "a failed trial of psychotherapy (";
  if (c.min_weeks() > 0) absl::StrAppend(&out, c.min_weeks(), "+ weeks");
  if (c.min_sessions() > 0) {
    absl::StrAppend(&out, c.min_weeks() > 0 ? ", " : "", c.min_sessions(), "+ sessions");
  }
  if (!c.accepted_kinds().empty()) {
    out += "; ";
    AppendAlternatives(c.accepted_kinds(), PsychotherapyKindOf, "or", out);
  }
  out += ")";
}

void Psychotherapy(const v1::PsychotherapyCriterion& c, const DocumentedFacts& f,
                   v1::CriterionResult& r) {
  std::string text = NewText();
  AppendPsychotherapyRequirement(c, text);
  text += " required";
  if (!f.doc->has_psychotherapy_history()) {
    text += "; no psychotherapy history documented";
    return Set(r, kMissing, std::move(text));
  }
  const auto& trials = f.doc->psychotherapy_history().trials();
  bool met = false, maybe = false;
  // Each note after "; ": the trials that count, the latest first, then why the others do not.
  std::string found, notes;
  r.mutable_evidence()->Reserve(trials.size());
  for (int i = 0; i < trials.size(); ++i) {
    const v1::PsychotherapyTrial& t = trials[i];
    const std::string kind = PsychotherapyKindName(t.kind());
    std::string& e = *r.add_evidence();
    e = NewText();
    absl::StrAppend(&e, "psychotherapy_history.trials[", i, "]: ", kind);
    if (t.has_weeks()) absl::StrAppend(&e, ", ", Weeks(t.weeks()));
    if (t.has_sessions()) absl::StrAppend(&e, ", ", t.sessions(), " sessions");
    absl::StrAppend(&e, ", ", OutcomeName(t.outcome()));

    const bool kind_ok = c.accepted_kinds().empty() ||
                         std::find(c.accepted_kinds().begin(), c.accepted_kinds().end(), t.kind()) !=
                             c.accepted_kinds().end();
    if (!kind_ok) { absl::StrAppend(&notes, "; ", kind, " is not an accepted kind"); continue; }
    if (t.outcome() == v1::TRIAL_OUTCOME_RESPONSE) { absl::StrAppend(&notes, "; ", kind, " trial responded (not a failure)"); continue; }
    if (c.min_weeks() > 0 && t.has_weeks() && t.weeks() < c.min_weeks()) {
      absl::StrAppend(&notes, "; ", kind, " trial was ", Weeks(t.weeks()), ", under the ", c.min_weeks(), "-week minimum");
      continue;
    }
    if (c.min_sessions() > 0 && t.has_sessions() && t.sessions() < c.min_sessions()) {
      absl::StrAppend(&notes, "; ", kind, " trial had ", t.sessions(), " sessions, under the ", c.min_sessions(), " required");
      continue;
    }
    absl::InlinedVector<absl::string_view, 3> unknown;
    if (t.outcome() == v1::TRIAL_OUTCOME_UNSPECIFIED) unknown.push_back("outcome");
    if (c.min_weeks() > 0 && !t.has_weeks()) unknown.push_back("weeks");
    if (c.min_sessions() > 0 && !t.has_sessions()) unknown.push_back("sessions");
    if (!unknown.empty()) {
      maybe = true;
      absl::StrAppend(&notes, "; ", kind, " trial: ");
      AppendAlternatives(unknown, Verbatim, "and", notes);
      notes += " not documented";
      continue;
    }
    met = true;
    found.insert(0, absl::StrCat("; found ", e.substr(e.find(": ") + 2)));
  }
  if (trials.empty()) absl::StrAppend(&text, "; no psychotherapy trials documented");
  absl::StrAppend(&text, found, notes);
  Set(r, met ? kMet : maybe ? kMissing : kNotMet, std::move(text));
}

// ---- severity -----------------------------------------------------------------------------------

void Severity(const v1::SeverityCriterion& c, const DocumentedFacts& f,
              v1::CriterionResult& r) {
  const InstrumentScale* scale = ScaleOf(c.instrument());
  const absl::string_view name = scale != nullptr ? scale->name : "unknown instrument";
  // The requirement, then what the documentation shows, in one string.
  std::string text = NewText();
  absl::StrAppend(&text, name, " of at least ", c.min_score(), " within the last ",
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

void Diagnosis(const v1::DiagnosisCriterion& c, const DocumentedFacts& f,
               v1::CriterionResult& r) {
  std::string text = NewText();
  text += "diagnosis ";
  AppendAlternatives(c.icd10_codes(), Verbatim, "or", text);
  text += " required";
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

void Age(const v1::AgeCriterion& c, const DocumentedFacts& f, v1::CriterionResult& r) {
  std::string text;
  if (c.has_max_years() && c.min_years() > 0) {
    text = absl::StrCat("age ", c.min_years(), " to ", c.max_years(), " required");
  } else if (c.has_max_years()) {
    text = absl::StrCat("age ", c.max_years(), " or younger required");
  } else {
    text = absl::StrCat("age ", c.min_years(), " or older required");
  }
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

void NoContraindication(const v1::NoContraindicationCriterion& c, const DocumentedFacts& f,
                        v1::CriterionResult& r) {
  std::string text = NewText();
  text += "none of these allowed: ";
  AppendJoined(c.contraindications(), ContraindicationOf, ", ", text);
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

void Retreatment(const v1::RetreatmentCriterion& c, const DocumentedFacts& f,
                 v1::CriterionResult& r) {
  const std::string treatment = TreatmentName(f.treatment);
  // The requirement's terms, joined by ", ", then what the documentation shows.
  std::string text = NewText();
  absl::string_view separator = "";
  if (c.earlier_course_required()) {
    absl::StrAppend(&text, "an earlier course of ", treatment);
    separator = ", ";
  } else {
    text += "for a repeat course: ";
  }
  if (c.min_improvement_percent() > 0) {
    absl::StrAppend(&text, separator, c.min_improvement_percent(),
                    "%+ improvement in the earlier course");
    separator = ", ";
  }
  if (c.min_months_since_last_course() > 0) {
    absl::StrAppend(&text, separator, Count(c.min_months_since_last_course(), "month", "months"),
                    " since it ended");
  }
  text += " required";
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

void Prescriber(const v1::PrescriberCriterion& c, const DocumentedFacts& f,
                v1::CriterionResult& r) {
  std::string text = NewText();
  text += "ordered by a ";
  AppendAlternatives(c.specialties(), SpecialtyOf, "or", text);
  text += " required";
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

void Rems(const DocumentedFacts& f, v1::CriterionResult& r) {
  constexpr absl::string_view need = "enrollment in the Spravato REMS required";
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
  constexpr absl::string_view need = "an oral antidepressant taken alongside the treatment required";
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
