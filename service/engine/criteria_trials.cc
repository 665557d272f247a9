#include "service/engine/criteria_trials.h"

#include <algorithm>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "service/common/dates.h"
#include "service/common/dose.h"
#include "service/rules/criteria_text.h"
#include "service/rules/clinical_vocabulary.h"

namespace estimator {
namespace {

using namespace criteria_text;  // NOLINT(build/namespaces): the checks' shared words

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

// "'setraline' (did you mean sertraline?)" or "'xyzzy'": a drug name the catalog does not have.
std::string UnknownName(const DocumentedTrial& t) {
  std::string s = absl::StrCat("'", t.trial->drug(), "'");
  if (t.suggestion != nullptr) absl::StrAppend(&s, " (did you mean ", t.suggestion->text, "?)");
  return s;
}

// "'setraline' is not in the drug catalog (did you mean sertraline?)".
std::string UnknownDrug(const DocumentedTrial& t) {
  std::string s = absl::StrCat("'", t.trial->drug(), "' is not in the drug catalog");
  if (t.suggestion != nullptr) absl::StrAppend(&s, " (did you mean ", t.suggestion->text, "?)");
  return s;
}

TrialJudgement JudgeTrial(const DocumentedTrial& t, const v1::FailedTrialsCriterion& c,
                          absl::CivilDay as_of) {
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
  if (!intolerance && t.weeks && *t.weeks < c.min_weeks()) {
    return {Verdict::kDoesNotCount, absl::StrCat(name, " trial was ", Weeks(*t.weeks),
                                                 ", under the ", c.min_weeks(), "-week minimum")};
  }
  if (c.max_months_since_end() > 0 && t.end &&
      *t.end < AddMonths(as_of, -c.max_months_since_end())) {
    return {Verdict::kDoesNotCount,
            absl::StrCat(name, " trial ended ", FormatDate(*t.end), ", more than ",
                         Count(c.max_months_since_end(), "month", "months"), " ago")};
  }
  // Past this point the catalog decides (dose, class): a drug it does not know might count. A
  // suggestion is only words: the trial is judged unknown whether or not one is offered.
  if (t.drug == nullptr) {
    return {Verdict::kUnknown, UnknownDrug(t)};
  }
  absl::InlinedVector<absl::string_view, 4> unknown;
  if (trial.outcome() == v1::TRIAL_OUTCOME_UNSPECIFIED) unknown.push_back("outcome");
  if (c.current_episode_only() && t.episode == v1::EPISODE_UNSPECIFIED) {
    unknown.push_back("whether it was in the current episode");
  }
  if (c.max_months_since_end() > 0 && !t.end) unknown.push_back("end date");
  // A trial stopped for intolerance counts whatever its length, dose and adherence.
  if (!intolerance) {
    if ((c.adequate_dose_required() || c.maximal_dose_required()) &&
        t.dose_mcg < t.drug->min_daily_dose_mcg) {
      return {Verdict::kDoesNotCount,
              absl::StrCat(name, " trial at ", FormatDose(t.dose_mcg), " a day is under the ",
                           FormatDose(t.drug->min_daily_dose_mcg), " therapeutic dose")};
    }
    // "Maximal or maximally tolerated": the label's maximum, or the highest dose the chart says the
    // patient tolerated.
    const int64_t max = t.drug->max_daily_dose_mcg;
    if (c.maximal_dose_required() && (max == 0 || t.dose_mcg < max)) {
      if (trial.has_at_maximum_tolerated_dose() && !trial.at_maximum_tolerated_dose()) {
        return {Verdict::kDoesNotCount,
                absl::StrCat(name, " trial at ", FormatDose(t.dose_mcg), " a day is under the ",
                             max > 0 ? absl::StrCat(FormatDose(max), " maximum") : "maximum",
                             " and was not the highest dose tolerated")};
      }
      if (!trial.has_at_maximum_tolerated_dose()) {
        unknown.push_back(max > 0 ? "whether its dose, under the maximum, was the highest tolerated"
                                  : "whether its dose was the maximum or the highest tolerated");
      }
    }
    if (c.min_adherence_percent() > 0 && trial.has_adherence_percent() &&
        trial.adherence_percent() < c.min_adherence_percent()) {
      return {Verdict::kDoesNotCount,
              absl::StrCat(name, " trial had ", trial.adherence_percent(), "% adherence, under ",
                           c.min_adherence_percent(), "%")};
    }
    if (!t.weeks) unknown.push_back("weeks");
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
    absl::StrAppend(&list, Weeks(*t.weeks));
  }
  absl::StrAppend(&list, ", ", DrugClassName(t.drug->drug.drug_class()));
  if (IsAugmentation(t) && t.drug->is_antidepressant()) list += ", augmentation";
}

std::string TrialEvidence(const DocumentedTrial& t) {
  const v1::AntidepressantTrial& trial = *t.trial;
  std::string s = NewText();
  absl::StrAppend(&s, "antidepressant_history.trials[", t.index, "]: ", DrugName(t), " ",
                  FormatDose(t.dose_mcg), " a day");
  absl::StrAppend(&s, ", ", t.weeks ? Weeks(*t.weeks) : "weeks not documented");
  if (t.weeks_from_dates) absl::StrAppend(&s, " (", trial.start_date(), " to ", trial.end_date(), ")");
  else if (t.end) absl::StrAppend(&s, ", ended ", trial.end_date());
  absl::StrAppend(&s, ", ", OutcomeName(trial.outcome()));
  if (trial.has_adherence_percent()) absl::StrAppend(&s, ", adherence ", trial.adherence_percent(), "%");
  if (trial.has_at_maximum_tolerated_dose() && trial.at_maximum_tolerated_dose()) {
    s += ", the highest dose tolerated";
  }
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

// The gap, e.g. "Found 2 adequate antidepressant trials from 2 classes and no augmentation trial;
// add 1 augmentation trial of at least 6 weeks at a therapeutic dose in the current episode".
// `unknowns` lists, each after "; ", the trials that might count once their records are complete;
// `unknown_names` (UnknownName, joined by " and ") the drug names the catalog does not have, whose
// trials might count once a name is corrected or confirmed: asked for first, as the cheapest fix.
std::string TrialsGap(const v1::FailedTrialsCriterion& c, int trials, int classes,
                      int augmentations, int augmentation_classes, absl::string_view unknowns,
                      absl::string_view unknown_names, int unknown_name_count) {
  std::string gap;
  if (unknown_name_count > 0) {
    absl::StrAppend(&gap, "Correct or confirm the drug name", unknown_name_count == 1 ? " " : "s ",
                    unknown_names,
                    unknown_name_count == 1
                        ? ": it is not in the drug catalog, so its trial is not counted; found "
                        : ": they are not in the drug catalog, so their trials are not counted; "
                          "found ");
  } else {
    gap = "Found ";
  }
  absl::StrAppend(&gap, Count(trials, "adequate antidepressant trial",
                              "adequate antidepressant trials"));
  if (c.min_distinct_classes() > 1 && trials > 0) {
    absl::StrAppend(&gap, " from ", Count(classes, "class", "classes"));
  }
  if (c.min_augmentation_trials() > 0) {
    absl::StrAppend(&gap, augmentations == 0 ? " and no augmentation trial"
                                             : absl::StrCat(" and ", Count(augmentations,
                                                                           "augmentation trial",
                                                                           "augmentation trials")));
    if (c.min_augmentation_classes() > 1 && augmentations > 0) {
      absl::StrAppend(&gap, " from ", Count(augmentation_classes, "class", "classes"));
    }
  }
  // What to add, e.g. "1 antidepressant trial from a class not yet tried and 1 augmentation trial".
  std::vector<std::string> adds;
  int added = 0;
  bool of_class = false;
  const int more_classes = std::max(0, c.min_distinct_classes() - classes);
  const int more_trials = std::max({0, c.min_trials() - trials, more_classes});
  if (more_trials > 0) {
    std::string add = Count(more_trials, "antidepressant trial", "antidepressant trials");
    if (more_classes == more_trials) {
      add += more_trials == 1 ? " from a class not yet tried" : " from classes not yet tried";
    } else if (more_classes > 0) {
      absl::StrAppend(&add, " (", more_classes, " from a class not yet tried)");
    }
    of_class = of_class || more_classes > 0;
    added += more_trials;
    adds.push_back(std::move(add));
  }
  const int more_augmentation_classes =
      std::max(0, c.min_augmentation_classes() - augmentation_classes);
  const int more_augmentations =
      std::max({0, c.min_augmentation_trials() - augmentations, more_augmentation_classes});
  if (more_augmentations > 0) {
    std::string add = Count(more_augmentations, "augmentation trial", "augmentation trials");
    if (more_augmentation_classes > 0) {
      add += more_augmentation_classes == 1 ? " from a class not yet tried"
                                            : " from classes not yet tried";
    }
    of_class = of_class || more_augmentation_classes > 0;
    added += more_augmentations;
    adds.push_back(std::move(add));
  }
  if (!adds.empty()) {
    absl::StrAppend(&gap, "; add ", absl::StrJoin(adds, " and "),
                    added > 1 ? ", each of at least " : of_class ? ", of at least " : " of at least ",
                    Weeks(c.min_weeks()));
    if (c.maximal_dose_required()) {
      gap += " at a maximal or maximally tolerated dose";
    } else if (c.adequate_dose_required()) {
      gap += " at a therapeutic dose";
    }
    if (c.current_episode_only()) gap += " in the current episode";
    if (c.max_months_since_end() > 0) {
      absl::StrAppend(&gap, ", ended within the last ",
                      Count(c.max_months_since_end(), "month", "months"));
    }
  }
  if (!unknowns.empty()) {
    absl::StrAppend(&gap, adds.empty() ? "; complete" : "; also complete",
                    " the records of trials not yet counted, which may count (",
                    absl::StripPrefix(unknowns, "; "), ")");
  }
  return gap;
}

}  // namespace

void EvaluateFailedTrials(const v1::FailedTrialsCriterion& c, absl::string_view requirement,
                          const DocumentedFacts& f, v1::CriterionResult& r) {
  std::string text = NewText();
  text.append(requirement.data(), requirement.size());
  if (!f.doc->has_antidepressant_history()) {
    text += "; no antidepressant history documented";
    return Set(r, kMissing, std::move(text));
  }
  struct Tally {
    int trials = 0;
    absl::InlinedVector<int, 8> classes;  // distinct; a handful at most, so no set
    int augmentations = 0;
    absl::InlinedVector<int, 8> augmentation_classes;  // distinct
    static void AddTo(absl::InlinedVector<int, 8>& list, int c) {
      if (std::find(list.begin(), list.end(), c) == list.end()) list.push_back(c);
    }
    void AddClass(int c) { AddTo(classes, c); }
    void AddAugmentationClass(int c) { AddTo(augmentation_classes, c); }
    void Add(const DocumentedTrial& t) {
      if (t.drug->is_antidepressant()) {
        ++trials;
        AddClass(t.drug->drug.drug_class());
      }
      if (IsAugmentation(t)) {
        ++augmentations;
        AddAugmentationClass(t.drug->drug.drug_class());
      }
    }
    bool Meets(const v1::FailedTrialsCriterion& c) const {
      return trials >= c.min_trials() && static_cast<int>(classes.size()) >= c.min_distinct_classes() &&
             augmentations >= c.min_augmentation_trials() &&
             static_cast<int>(augmentation_classes.size()) >= c.min_augmentation_classes();
    }
  };
  Tally counted, possible;
  // The lists of the explanation, each joined by "; " as the trials are judged.
  std::string adequate = NewText(), augmentations, reasons, unknowns, unknown_drugs, unknown_names;
  int augmentations_listed = 0, unknown_name_count = 0;
  r.mutable_evidence()->Reserve(static_cast<int>(f.trials.size()));
  for (const DocumentedTrial& t : f.trials) {
    r.add_evidence(TrialEvidence(t));
    const TrialJudgement j = JudgeTrial(t, c, f.as_of);
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
        if (t.drug != nullptr) {
          absl::StrAppend(&unknowns, "; ", j.why);
          possible.Add(t);
        } else {
          absl::StrAppend(&unknown_drugs, "; ", j.why);
          absl::StrAppend(&unknown_names, unknown_name_count == 0 ? "" : " and ", UnknownName(t));
          ++unknown_name_count;
          // A drug the catalog does not know (a near miss or not: a suggestion is never used)
          // could be any drug, so it may add the most one trial can: one antidepressant trial of a
          // class not yet counted and one augmentation trial of a new class (an antidepressant
          // given as augmentation is both). The criterion is then missing information when that
          // could meet it, and not met when even that could not.
          ++possible.trials;
          possible.AddClass(-1 - t.index);  // no DrugClass is negative: a class not yet counted
          ++possible.augmentations;
          possible.AddAugmentationClass(-1 - t.index);
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
  absl::StrAppend(&text, reasons, unknowns, unknown_drugs);
  Set(r, counted.Meets(c) ? kMet : possible.Meets(c) ? kMissing : kNotMet, std::move(text));
  if (r.status() != kMet) {
    r.set_gap(TrialsGap(c, counted.trials, static_cast<int>(counted.classes.size()),
                        counted.augmentations, static_cast<int>(counted.augmentation_classes.size()),
                        unknowns, unknown_names, unknown_name_count));
  }
}

// ---- psychotherapy ------------------------------------------------------------------------------

void EvaluatePsychotherapy(const v1::PsychotherapyCriterion& c, absl::string_view requirement,
                           const DocumentedFacts& f, v1::CriterionResult& r) {
  std::string text = NewText();
  text.append(requirement.data(), requirement.size());
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

}  // namespace estimator
