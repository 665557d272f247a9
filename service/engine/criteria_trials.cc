#include "service/engine/criteria_trials.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
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
