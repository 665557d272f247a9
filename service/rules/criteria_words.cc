#include "service/rules/criteria_words.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "service/rules/clinical_vocabulary.h"
#include "service/rules/criteria_text.h"

namespace estimator {
namespace {

using namespace criteria_text;  // NOLINT(build/namespaces): the shared words

void AppendSeverityRequirement(const v1::SeverityCriterion& c, std::string& out) {
  absl::StrAppend(&out, InstrumentOf(c), " of at least ", c.min_score(), " within the last ",
                  Count(c.max_age_days(), "day", "days"), " required");
}

void AppendDiagnosisRequirement(const v1::DiagnosisCriterion& c, std::string& out) {
  out += "diagnosis ";
  AppendAlternatives(c.icd10_codes(), Verbatim, "or", out);
  out += " required";
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

void AppendNoContraindicationRequirement(const v1::NoContraindicationCriterion& c,
                                         std::string& out) {
  out += "none of these allowed: ";
  AppendJoined(c.contraindications(), ContraindicationOf, ", ", out);
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

void AppendPrescriberRequirement(const v1::PrescriberCriterion& c, std::string& out) {
  out += "ordered by a ";
  AppendAlternatives(c.specialties(), SpecialtyOf, "or", out);
  out += " required";
}

constexpr absl::string_view kRemsRequirement = "enrollment in the Spravato REMS required";
constexpr absl::string_view kConcurrentRequirement =
    "an oral antidepressant taken alongside the treatment required";

void AppendTrialsRequirement(const v1::FailedTrialsCriterion& c, std::string& out) {
  absl::StrAppend(&out, Count(c.min_trials(), "failed trial", "failed trials"));
  if (c.min_distinct_classes() > 1) absl::StrAppend(&out, " from ", c.min_distinct_classes(), " classes");
  if (c.current_episode_only()) out += " in the current episode";
  if (c.min_augmentation_trials() == 1) {
    out += ", plus an augmentation trial";
  } else if (c.min_augmentation_trials() > 1) {
    absl::StrAppend(&out, ", plus ", c.min_augmentation_trials(), " augmentation trials");
    if (c.min_augmentation_classes() > 1) {
      absl::StrAppend(&out, " from ", c.min_augmentation_classes(), " classes");
    }
  }
  absl::StrAppend(&out, " (", c.min_weeks(), "+ weeks");
  if (c.maximal_dose_required()) {
    out += " at a maximal or maximally tolerated dose";
  } else if (c.adequate_dose_required()) {
    out += " at a therapeutic dose";
  }
  if (c.min_adherence_percent() > 0) absl::StrAppend(&out, ", ", c.min_adherence_percent(), "%+ adherence");
  if (c.max_months_since_end() > 0) {
    absl::StrAppend(&out, ", ended within the last ", Count(c.max_months_since_end(), "month", "months"));
  }
  absl::StrAppend(&out, c.intolerance_counts() ? ", intolerance counts)" : ", intolerance does not count)");
}

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

}  // namespace

absl::string_view InstrumentOf(const v1::SeverityCriterion& c) {
  const InstrumentScale* scale = ScaleOf(c.instrument());
  return scale != nullptr ? scale->name : "unknown instrument";
}

std::string NameOf(const v1::Criterion& c, v1::Treatment treatment) {
  std::string name;
  switch (c.check_case()) {
    case v1::Criterion::kAllOf:
    case v1::Criterion::kAnyOf:
    case v1::Criterion::kNot: {
      // A composite is named by its policy section's own title, "Publisher doc, section: title".
      const size_t colon = c.policy_section().rfind(": ");
      if (colon != std::string::npos) {
        name = c.policy_section().substr(colon + 2);
      } else if (c.has_all_of()) {
        name = "all of the following";
      } else if (c.has_any_of()) {
        name = "any one of the following";
      } else {
        name = absl::StrCat("not: ", NameOf(c.not_(), treatment));
      }
      break;
    }
    default:
      name = RequirementOf(c, treatment);
      if (absl::EndsWith(name, " required")) name.resize(name.size() - sizeof(" required") + 1);
      break;
  }
  if (!name.empty()) name[0] = absl::ascii_toupper(static_cast<unsigned char>(name[0]));
  return name;
}

void AddCriterionWords(const v1::Criterion& c, v1::Treatment treatment, CriterionWordsMap& out) {
  out[&c] = CriterionWords{RequirementOf(c, treatment), ChecklistItemFor(c, treatment),
                           NameOf(c, treatment), SupportingDocumentsFor(c, treatment)};
  switch (c.check_case()) {
    case v1::Criterion::kAllOf:
      for (const v1::Criterion& child : c.all_of().criteria()) AddCriterionWords(child, treatment, out);
      break;
    case v1::Criterion::kAnyOf:
      for (const v1::Criterion& child : c.any_of().criteria()) AddCriterionWords(child, treatment, out);
      break;
    case v1::Criterion::kNot: AddCriterionWords(c.not_(), treatment, out); break;
    default: break;
  }
}

std::vector<std::string> SupportingDocumentsFor(const v1::Criterion& c, v1::Treatment treatment) {
  if (!c.supporting_documents().empty()) {
    return {c.supporting_documents().begin(), c.supporting_documents().end()};
  }
  switch (c.check_case()) {
    case v1::Criterion::kFailedAntidepressantTrials: {
      std::vector<std::string> docs = {
          "Pharmacy fill history or medication list with each antidepressant's daily dose and "
          "start and end dates",
          "Prescriber's notes recording each trial's outcome (no response, partial response or "
          "intolerance)"};
      if (c.failed_antidepressant_trials().min_augmentation_trials() > 0) {
        docs.push_back("The same records for each augmentation agent, naming the antidepressant it "
                       "was added to");
      }
      return docs;
    }
    case v1::Criterion::kPsychotherapyTrial:
      return {"Dated therapy notes: kind of therapy, sessions and weeks, and the response on a "
              "rating scale"};
    case v1::Criterion::kSeverity: {
      const InstrumentScale* scale = ScaleOf(c.severity().instrument());
      return {absl::StrCat("The completed ", scale != nullptr ? scale->name : "rating-scale",
                           " form, dated and scored")};
    }
    case v1::Criterion::kDiagnosis:
      return {"Psychiatric evaluation stating the diagnosis and its ICD-10-CM code"};
    case v1::Criterion::kAge: return {"Demographics page with the patient's date of birth"};
    case v1::Criterion::kNoContraindication: {
      std::string note = "Screening note covering ";
      AppendAlternatives(c.no_contraindication().contraindications(), ContraindicationOf, "and",
                         note);
      return {note};
    }
    case v1::Criterion::kRetreatment:
      return {absl::StrCat("Records of the earlier ", TreatmentName(treatment),
                           " course: dates, and rating scales before and after it")};
    case v1::Criterion::kPrescriber: {
      std::string order = "The order for the treatment, signed by the ";
      AppendAlternatives(c.prescriber().specialties(), SpecialtyOf, "or", order);
      return {order};
    }
    case v1::Criterion::kRemsEnrollment:
      return {"SPRAVATO REMS patient enrollment form, signed"};
    case v1::Criterion::kConcurrentAntidepressant:
      return {"Current medication list showing the oral antidepressant"};
    case v1::Criterion::kCourseResponse:
      return {absl::StrCat("Rating scales from the start of the ", TreatmentName(treatment),
                           " course and from its latest sessions")};
    case v1::Criterion::kAllOf:
    case v1::Criterion::kAnyOf:
    case v1::Criterion::kNot:
    case v1::Criterion::CHECK_NOT_SET:
      break;
  }
  return {};
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
    case v1::Criterion::kCourseResponse:
      return absl::StrCat("Rating scales showing the ", TreatmentName(treatment),
                          " course so far improved symptoms by at least ",
                          c.course_response().min_improvement_percent(), "%");
    case v1::Criterion::kNot:
      return absl::StrCat("Documentation that this does not apply: ", NameOf(c.not_(), treatment));
    default:
      return absl::StrCat("Documentation for: ", NameOf(c, treatment));
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
    case v1::Criterion::kCourseResponse:
      absl::StrAppend(&out, criterion.course_response().min_improvement_percent(),
                      "%+ improvement in the ", TreatmentName(treatment), " course so far required");
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
