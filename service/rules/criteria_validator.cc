#include "service/rules/criteria_validator.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "service/common/dose.h"
#include "service/rules/clinical_vocabulary.h"

namespace estimator {
namespace {

// The deepest nesting accepted; real policies use two or three levels.
constexpr int kMaxDepth = 8;

// A list of enum values: no unspecified or unknown value, none twice, and (when `required`) at
// least one.
template <typename List, typename IsValid>
void CheckEnumList(const Where& w, absl::string_view field, const List& values, IsValid is_valid,
                   Problems& p, bool required = true) {
  if (required && values.empty()) p.Add(w.At(field), absl::StrCat(field, ": list at least one"));
  std::set<int> seen;
  for (int i = 0; i < values.size(); ++i) {
    if (values[i] == 0 || !is_valid(values[i])) {
      p.Add(w.At(field, i), absl::StrCat(field, ": unknown or unspecified value"));
    } else if (!seen.insert(values[i]).second) {
      p.Add(w.At(field, i), absl::StrCat(field, ": listed twice"));
    }
  }
}

class CriteriaChecker {
 public:
  CriteriaChecker(v1::Treatment treatment, bool has_catalog, Problems& p)
      : treatment_(treatment), has_catalog_(has_catalog), p_(p) {}

  void Check(const Where& w, const v1::Criterion& c, int depth) {
    CheckId(w, "id", c.id(), p_);
    if (!c.id().empty() && !ids_.insert(c.id()).second) {
      p_.Add(w.At("id"), absl::StrCat("id '", c.id(), "' is used twice in these criteria; "
                                      "ids name results and rule tests, so make each unique"));
    }
    if (depth > kMaxDepth) {
      p_.Add(w.At("id"), absl::StrCat("criteria nest deeper than ", kMaxDepth, " levels"));
      return;
    }
    const bool composite = c.check_case() == v1::Criterion::kAllOf ||
                           c.check_case() == v1::Criterion::kAnyOf ||
                           c.check_case() == v1::Criterion::kNot;
    if (!composite && c.check_case() != v1::Criterion::CHECK_NOT_SET) {
      CheckText(w, "policy_section", c.policy_section(), p_);
    }
    if (composite && !c.supporting_documents().empty()) {
      p_.Add(w.At("supporting_documents"),
             "supporting_documents: give them on the typed criteria inside, which the packet lists");
    }
    for (int i = 0; i < c.supporting_documents_size(); ++i) {
      CheckText(w, "supporting_documents", c.supporting_documents(i), p_);
    }
    switch (c.check_case()) {
      case v1::Criterion::kAllOf:
        CheckList(w.In("all_of"), c.all_of(), 1, "all_of", depth);
        break;
      case v1::Criterion::kAnyOf:
        CheckList(w.In("any_of"), c.any_of(), 2, "any_of", depth);
        break;
      case v1::Criterion::kNot:
        if (c.not_().check_case() == v1::Criterion::kNot) {
          p_.Add(w.At("not"), "not { not { ... } } says the same as the inner criterion; drop both");
        }
        Check(w.In("not"), c.not_(), depth + 1);
        break;
      case v1::Criterion::kFailedAntidepressantTrials:
        FailedTrials(w.In("failed_antidepressant_trials"), c.failed_antidepressant_trials());
        break;
      case v1::Criterion::kPsychotherapyTrial:
        Psychotherapy(w.In("psychotherapy_trial"), c.psychotherapy_trial());
        break;
      case v1::Criterion::kSeverity:
        Severity(w.In("severity"), c.severity());
        break;
      case v1::Criterion::kDiagnosis: {
        const Where dw = w.In("diagnosis");
        const auto& codes = c.diagnosis().icd10_codes();
        if (codes.empty()) p_.Add(dw.At("icd10_codes"), "icd10_codes: list at least one code");
        for (int i = 0; i < codes.size(); ++i) {
          if (!IsIcd10Code(codes[i])) {
            p_.Add(dw.At("icd10_codes", i),
                   absl::StrCat("icd10_codes: '", codes[i], "' is not an ICD-10-CM code "
                                "(upper case, e.g. \"F33.2\" or \"F33\")"));
          }
        }
        break;
      }
      case v1::Criterion::kAge: {
        const Where aw = w.In("age");
        const auto& a = c.age();
        if (a.min_years() < 0 || a.min_years() > 130) {
          p_.Add(aw.At("min_years"), "min_years: use 0 to 130");
        }
        if (a.has_max_years() && (a.max_years() < a.min_years() || a.max_years() > 130)) {
          p_.Add(aw.At("max_years"), absl::StrCat("max_years ", a.max_years(), " is below min_years ",
                                                  a.min_years(), " or over 130: no age could meet it"));
        }
        if (a.min_years() == 0 && !a.has_max_years()) {
          p_.Add(aw.At("min_years"), "age sets no bound: give min_years and/or max_years");
        }
        break;
      }
      case v1::Criterion::kNoContraindication:
        CheckEnumList(w.In("no_contraindication"), "contraindications",
                      c.no_contraindication().contraindications(), v1::Contraindication_IsValid,
                      p_);
        break;
      case v1::Criterion::kRetreatment: {
        const Where rw = w.In("retreatment");
        const auto& r = c.retreatment();
        if (r.min_improvement_percent() < 0 || r.min_improvement_percent() > 100) {
          p_.Add(rw.At("min_improvement_percent"), "min_improvement_percent: use 0 to 100");
        }
        if (r.min_months_since_last_course() < 0 || r.min_months_since_last_course() > 120) {
          p_.Add(rw.At("min_months_since_last_course"), "min_months_since_last_course: use 0 to 120");
        }
        if (r.min_improvement_percent() == 0 && r.min_months_since_last_course() == 0 &&
            !r.earlier_course_required()) {
          p_.Add(rw.At("min_improvement_percent"),
                 "retreatment asks nothing: set min_improvement_percent, "
                 "min_months_since_last_course or earlier_course_required");
        }
        break;
      }
      case v1::Criterion::kPrescriber:
        CheckEnumList(w.In("prescriber"), "specialties", c.prescriber().specialties(),
                      v1::PrescriberSpecialty_IsValid, p_);
        break;
      case v1::Criterion::kRemsEnrollment:
        if (treatment_ != v1::TREATMENT_SPRAVATO) {
          p_.Add(w.At("rems_enrollment"),
                 "rems_enrollment applies to Spravato only; no other treatment has a REMS here");
        }
        break;
      case v1::Criterion::kConcurrentAntidepressant:
        break;
      case v1::Criterion::kCourseResponse:
        if (c.course_response().min_improvement_percent() < 1 ||
            c.course_response().min_improvement_percent() > 100) {
          p_.Add(w.In("course_response").At("min_improvement_percent"),
                 "min_improvement_percent: use 1 to 100");
        }
        break;
      case v1::Criterion::CHECK_NOT_SET:
        p_.Add(w.At("id"), "criterion has no check: give all_of, any_of, not or one typed check "
                           "(failed_antidepressant_trials, severity, diagnosis, ...)");
        break;
    }
  }

 private:
  void CheckList(const Where& w, const v1::CriterionList& list, int min, absl::string_view name,
                 int depth) {
    if (list.criteria_size() < min) {
      p_.Add(w.At("criteria"),
             min == 1 ? absl::StrCat(name, " is empty: it would always be met")
                      : absl::StrCat(name, " needs at least two criteria; with one, write it alone"));
    }
    for (int i = 0; i < list.criteria_size(); ++i) {
      Check(w.In("criteria", i), list.criteria(i), depth + 1);
    }
  }

  void FailedTrials(const Where& w, const v1::FailedTrialsCriterion& f) {
    if (f.min_trials() < 1 || f.min_trials() > 20) p_.Add(w.At("min_trials"), "min_trials: use 1 to 20");
    if (f.min_distinct_classes() < 0 || f.min_distinct_classes() > 5) {
      p_.Add(w.At("min_distinct_classes"),
             "min_distinct_classes: use 0 to 5 (there are five antidepressant classes)");
    } else if (f.min_distinct_classes() > f.min_trials()) {
      p_.Add(w.At("min_distinct_classes"),
             absl::StrCat("min_distinct_classes ", f.min_distinct_classes(), " is more than min_trials ",
                          f.min_trials(), ": it could never be met"));
    }
    if (f.min_weeks() < 1 || f.min_weeks() > 52) p_.Add(w.At("min_weeks"), "min_weeks: use 1 to 52");
    if (f.min_augmentation_trials() < 0 || f.min_augmentation_trials() > 10) {
      p_.Add(w.At("min_augmentation_trials"), "min_augmentation_trials: use 0 to 10");
    }
    if (f.min_augmentation_classes() < 0 ||
        f.min_augmentation_classes() > std::max(1, f.min_augmentation_trials())) {
      p_.Add(w.At("min_augmentation_classes"),
             absl::StrCat("min_augmentation_classes: use 0 to min_augmentation_trials (",
                          f.min_augmentation_trials(), "): more classes than trials could never be met"));
    }
    if (f.min_augmentation_classes() > 3) {
      p_.Add(w.At("min_augmentation_classes"),
             "min_augmentation_classes: the catalog has 3 augmentation classes");
    }
    if (f.max_months_since_end() < 0 || f.max_months_since_end() > 240) {
      p_.Add(w.At("max_months_since_end"), "max_months_since_end: use 0 (any time) to 240");
    }
    if (f.min_adherence_percent() < 0 || f.min_adherence_percent() > 100) {
      p_.Add(w.At("min_adherence_percent"), "min_adherence_percent: use 0 to 100");
    }
    if (!has_catalog_) {
      p_.Add(w.At("min_trials"), "failed trials need the drug catalog: add catalogs/*.textproto");
    }
  }

  void Psychotherapy(const Where& w, const v1::PsychotherapyCriterion& c) {
    if (c.min_weeks() < 0 || c.min_weeks() > 104) p_.Add(w.At("min_weeks"), "min_weeks: use 0 to 104");
    if (c.min_sessions() < 0 || c.min_sessions() > 200) {
      p_.Add(w.At("min_sessions"), "min_sessions: use 0 to 200");
    }
    if (c.min_weeks() == 0 && c.min_sessions() == 0) {
      p_.Add(w.At("min_weeks"), "give min_weeks and/or min_sessions: an adequate trial needs a length");
    }
    CheckEnumList(w, "accepted_kinds", c.accepted_kinds(), v1::PsychotherapyKind_IsValid, p_,
                  /*required=*/false);
  }

  void Severity(const Where& w, const v1::SeverityCriterion& s) {
    const InstrumentScale* scale = ScaleOf(s.instrument());
    if (scale == nullptr) {
      CheckEnumSet(w, "instrument", s.instrument(), v1::SeverityInstrument_IsValid, p_);
    } else if (s.min_score() <= scale->min_score || s.min_score() > scale->max_score) {
      p_.Add(w.At("min_score"),
             absl::StrCat("min_score ", s.min_score(), " is outside ", scale->name, "'s range ",
                          scale->min_score + 1, "-", scale->max_score,
                          s.min_score() <= scale->min_score ? ": every score would meet it"
                                                            : ": no score could meet it"));
    }
    if (s.max_age_days() < 1 || s.max_age_days() > 3650) {
      p_.Add(w.At("max_age_days"),
             absl::StrCat("max_age_days is ", s.max_age_days(), "; use 1 to 3650 (how old the "
                          "latest score may be)"));
    }
  }

  v1::Treatment treatment_;
  bool has_catalog_;
  Problems& p_;
  std::set<std::string> ids_;
};

}  // namespace

void ValidateCriteria(const Where& w, const v1::Criterion& root, v1::Treatment treatment,
                      bool has_catalog, Problems& p) {
  CriteriaChecker(treatment, has_catalog, p).Check(w, root, 0);
}

void ValidateDrugCatalogs(const std::vector<RuleFile<v1::DrugCatalog>>& catalogs, Problems& p) {
  std::map<std::string, std::string> names;  // name or alias -> file that has it
  std::vector<std::pair<std::string, std::string>> form_words;  // where, word
  for (const auto& f : catalogs) {
    const Where w = Where::Of(f);
    CheckSources(w, f.message.sources(), /*required=*/true, p);
    if (f.message.drugs().empty()) p.Add(w.At("drugs"), "drugs: list at least one drug");
    for (int i = 0; i < f.message.drugs_size(); ++i) {
      const v1::Drug& d = f.message.drugs(i);
      const Where dw = w.In("drugs", i);
      auto unique = [&](absl::string_view field, const std::string& name, int index) {
        if (name.empty() || name != absl::AsciiStrToLower(name) ||
            absl::StripAsciiWhitespace(name) != name) {
          p.Add(dw.At(field, index), absl::StrCat(field, " '", name, "' must be lower case, "
                                                  "without leading or trailing spaces"));
        }
        auto [it, inserted] = names.emplace(name, f.path);
        if (!inserted) {
          p.Add(dw.At(field, index), absl::StrCat(field, " '", name, "' is already a drug name or "
                                                  "alias (", it->second, "); each name means one drug"));
        }
      };
      unique("name", d.name(), -1);
      for (int a = 0; a < d.aliases_size(); ++a) unique("aliases", d.aliases(a), a);
      CheckEnumSet(dw, "drug_class", d.drug_class(), v1::DrugClass_IsValid, p);
      if (d.drug_class() != 0 && v1::DrugClass_IsValid(d.drug_class()) &&
          IsAntidepressantClass(d.drug_class()) == d.augmentation_agent()) {
        p.Add(dw.At(d.augmentation_agent() ? "augmentation_agent" : "drug_class"),
              absl::StrCat("augmentation_agent must be ",
                           d.augmentation_agent() ? "false" : "true", " for class ",
                           v1::DrugClass_Name(d.drug_class())));
      }
      auto min = ParseDoseMcg(d.min_daily_dose(), "min_daily_dose");
      if (!min.ok()) p.Add(dw.At("min_daily_dose"), min.status().message());
      if (!d.max_daily_dose().empty()) {
        auto max = ParseDoseMcg(d.max_daily_dose(), "max_daily_dose");
        if (!max.ok()) {
          p.Add(dw.At("max_daily_dose"), max.status().message());
        } else if (min.ok() && *max < *min) {
          p.Add(dw.At("max_daily_dose"),
                absl::StrCat("max_daily_dose ", FormatDose(*max), " is under min_daily_dose ",
                             FormatDose(*min), "; the maximum is at least the minimum"));
        }
      }
    }
    // Form words: one lower-case word each, once in the file; checked against every file's names
    // below, once all are known.
    std::set<std::string> in_file;
    for (int i = 0; i < f.message.form_words_size(); ++i) {
      const std::string& word = f.message.form_words(i);
      const bool one_word =
          !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
            return absl::ascii_islower(static_cast<unsigned char>(c)) ||
                   absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
          });
      if (!one_word) {
        p.Add(w.At("form_words", i),
              absl::StrCat("form_words '", word, "' must be one lower-case word (letters, digits, "
                           "'-' or '.')"));
      } else if (!in_file.insert(word).second) {
        p.Add(w.At("form_words", i), absl::StrCat("form_words '", word, "' is listed twice"));
      }
      form_words.push_back({w.At("form_words", i), word});
    }
  }
  // A form word that is also a name would make "x y" mean drug x and drug y at once.
  for (const auto& [where, word] : form_words) {
    if (auto it = names.find(word); it != names.end()) {
      p.Add(where, absl::StrCat("form_words '", word, "' is a drug name or alias (", it->second,
                                "); a form word is dropped after a name, so it cannot be one"));
    }
  }
}

}  // namespace estimator
