#include "service/engine/request_validation.h"

#include <set>
#include <string>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "service/common/dates.h"
#include "service/common/dose.h"
#include "service/common/money.h"
#include "service/rules/clinical_vocabulary.h"
#include "service/common/status_macros.h"

namespace estimator {
namespace {

// Where a value sits in the request, e.g. "documentation.antidepressant_history.trials[2].weeks":
// up to four views, joined only for an error message. A valid request, the common case, thus
// formats no path at all (formatting one per checked value was most of the cost of validating a
// readiness request's documentation).
class Field {
 public:
  // A plain name, e.g. "clinic_id", or a path already made, e.g. "courses[1]".
  Field(const char* name) : name_(name) {}         // NOLINT(runtime/explicit)
  Field(const std::string& name) : name_(name) {}  // NOLINT(runtime/explicit)
  // "<parent>.<name>", e.g. Field("documentation", "age_years").
  Field(absl::string_view parent, absl::string_view name) : parent_(parent), name_(name) {}
  // "<parent>.<list>[<index>]", e.g. Field("documentation", "diagnosis_codes", 0).
  Field(absl::string_view parent, absl::string_view list, int index)
      : parent_(parent), name_(list), index_(index) {}

  // A field of this list element: Field("documentation", "severity_scores", 0).Member("date").
  Field Member(absl::string_view member) const {
    Field f = *this;
    f.member_ = member;
    return f;
  }

  std::string Path() const {
    std::string path = parent_.empty() ? std::string(name_) : absl::StrCat(parent_, ".", name_);
    if (index_ >= 0) absl::StrAppend(&path, "[", index_, "]");
    if (!member_.empty()) absl::StrAppend(&path, ".", member_);
    return path;
  }

 private:
  absl::string_view parent_;
  absl::string_view name_;
  int index_ = -1;  // -1: not a list element
  absl::string_view member_;
};

absl::Status Invalid(const Field& field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field.Path(), ": ", what));
}

absl::Status CheckId(const Field& field, absl::string_view id, bool required) {
  if (id.empty()) return required ? Invalid(field, "is required") : absl::OkStatus();
  if (id.size() > kMaxIdLength) {
    return Invalid(field, absl::StrCat("is ", id.size(), " characters; ids are at most ",
                                       kMaxIdLength));
  }
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_')) {
      return Invalid(field, "ids are lower-case letters, digits and '_' (see ListPayers)");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCents(const Field& field, int64_t cents) {
  if (cents < 0) return Invalid(field, absl::StrCat(cents, " is negative; amounts are cents >= 0"));
  if (cents > kMaxMoneyCents) {
    return Invalid(field, absl::StrCat(cents, " cents is over the limit of ", kMaxMoneyCents,
                                       " ($10,000,000.00)"));
  }
  return absl::OkStatus();
}

absl::Status CheckBasisPoints(const Field& field, int64_t bp) {
  if (bp < 0) return Invalid(field, absl::StrCat(bp, " is negative"));
  if (bp > 10000) return Invalid(field, absl::StrCat(bp, " is over 10000 (100%)"));
  return absl::OkStatus();
}

template <typename IsValid>
absl::Status CheckEnum(const Field& field, int value, IsValid is_valid, bool required) {
  if (!is_valid(value)) return Invalid(field, absl::StrCat("unknown value ", value));
  if (required && value == 0) return Invalid(field, "is required");
  return absl::OkStatus();
}

// ParseDate naming `field` in its error. The path is formatted only when the date is refused, by
// parsing it a second time: valid dates, the common case, cost no string.
absl::StatusOr<absl::CivilDay> ParseDateOf(const Field& field, absl::string_view text) {
  absl::StatusOr<absl::CivilDay> day = ParseDate(text, "");
  if (!day.ok()) return ParseDate(text, field.Path());
  return day;
}

// A date of the course or of the check: a real day in the years served.
absl::StatusOr<absl::CivilDay> CheckServedDay(const Field& field, const std::string& text) {
  auto outside = [&] {
    return Invalid(field, absl::StrCat("'", text, "' is outside the years ", kFirstCourseYear, "-",
                                       kLastCourseYear));
  };
  // A year far out ("9999-12-31") gets the served years too, not ParseDate's wider 1900-2199.
  int year = 0;
  if (text.size() == 10 && absl::SimpleAtoi(text.substr(0, 4), &year) &&
      (year < kFirstCourseYear || year > kLastCourseYear)) {
    return outside();
  }
  ASSIGN_OR_RETURN(absl::CivilDay day, ParseDateOf(field, text));
  if (day.year() < kFirstCourseYear || day.year() > kLastCourseYear) return outside();
  return day;
}

absl::Status CheckCourseStart(const Field& field, const std::string& text) {
  return CheckServedDay(field, text).status();
}

// Amounts met: each a valid amount, and no part larger than what it counts toward.
absl::Status CheckAccumulators(absl::string_view m, const v1::Accumulators& met) {
  if (met.has_deductible_met_cents()) {
    RETURN_IF_ERROR(CheckCents(Field(m, "deductible_met_cents"), met.deductible_met_cents()));
  }
  if (met.has_out_of_pocket_met_cents()) {
    RETURN_IF_ERROR(CheckCents(Field(m, "out_of_pocket_met_cents"), met.out_of_pocket_met_cents()));
  }
  if (met.has_family_deductible_met_cents()) {
    RETURN_IF_ERROR(
        CheckCents(Field(m, "family_deductible_met_cents"), met.family_deductible_met_cents()));
    if (met.has_deductible_met_cents() &&
        met.family_deductible_met_cents() < met.deductible_met_cents()) {
      return Invalid(Field(m, "family_deductible_met_cents"),
                     "is less than this patient's deductible_met_cents, which counts toward it");
    }
  }
  if (met.has_family_out_of_pocket_met_cents()) {
    RETURN_IF_ERROR(
        CheckCents(Field(m, "family_out_of_pocket_met_cents"),
                   met.family_out_of_pocket_met_cents()));
    if (met.has_out_of_pocket_met_cents() &&
        met.family_out_of_pocket_met_cents() < met.out_of_pocket_met_cents()) {
      return Invalid(Field(m, "family_out_of_pocket_met_cents"),
                     "is less than this patient's out_of_pocket_met_cents, which counts toward it");
    }
  }
  if (met.has_deductible_met_cents() && met.has_out_of_pocket_met_cents() &&
      met.out_of_pocket_met_cents() < met.deductible_met_cents()) {
    return Invalid(Field(m, "out_of_pocket_met_cents"),
                   "is less than deductible_met_cents; the deductible counts toward it");
  }
  if (met.has_family_deductible_met_cents() && met.has_family_out_of_pocket_met_cents() &&
      met.family_out_of_pocket_met_cents() < met.family_deductible_met_cents()) {
    return Invalid(Field(m, "family_out_of_pocket_met_cents"),
                   "is less than family_deductible_met_cents; the deductible counts toward it");
  }
  return absl::OkStatus();
}

absl::Status CheckCoverage(const v1::Coverage& coverage) {
  switch (coverage.kind_case()) {
    case v1::Coverage::KIND_NOT_SET:
      return Invalid("coverage", "say `insurance` (payer, plan, network) or `self_pay`");
    case v1::Coverage::kSelfPay:
      return absl::OkStatus();
    case v1::Coverage::kInsurance:
      break;
  }
  const v1::InsuranceCoverage& ins = coverage.insurance();
  RETURN_IF_ERROR(CheckId("coverage.insurance.payer_id", ins.payer_id(), true));
  RETURN_IF_ERROR(CheckId("coverage.insurance.plan_id", ins.plan_id(), true));
  RETURN_IF_ERROR(
      CheckEnum("coverage.insurance.network", ins.network(), v1::Network_IsValid, true));
  RETURN_IF_ERROR(CheckEnum("coverage.insurance.coverage_tier", ins.coverage_tier(),
                            v1::CoverageTier_IsValid, false));
  RETURN_IF_ERROR(CheckAccumulators("coverage.insurance.met_so_far", ins.met_so_far()));
  if (ins.has_in_network_met_so_far()) {
    if (ins.network() != v1::NETWORK_OUT_OF_NETWORK) {
      return Invalid("coverage.insurance.in_network_met_so_far",
                     "is only for out-of-network requests; in network, met_so_far says it");
    }
    RETURN_IF_ERROR(CheckAccumulators("coverage.insurance.in_network_met_so_far",
                                      ins.in_network_met_so_far()));
  }
  if (ins.has_plan_year_start() &&
      !IsValidMonthDay(ins.plan_year_start().month(), ins.plan_year_start().day())) {
    return Invalid("coverage.insurance.plan_year_start",
                   absl::StrCat("month ", ins.plan_year_start().month(), " day ",
                                ins.plan_year_start().day(),
                                " is not a day of every year (February 29 is not allowed)"));
  }
  const v1::VerifiedBenefits& v = ins.verified_benefits();
  const absl::string_view b = "coverage.insurance.verified_benefits";
  if (v.has_deductible_cents()) {
    RETURN_IF_ERROR(CheckCents(Field(b, "deductible_cents"), v.deductible_cents()));
  }
  if (v.has_coinsurance_bp()) {
    RETURN_IF_ERROR(CheckBasisPoints(Field(b, "coinsurance_bp"), v.coinsurance_bp()));
  }
  if (v.has_copay_cents()) RETURN_IF_ERROR(CheckCents(Field(b, "copay_cents"), v.copay_cents()));
  if (v.has_out_of_pocket_max_cents()) {
    RETURN_IF_ERROR(CheckCents(Field(b, "out_of_pocket_max_cents"), v.out_of_pocket_max_cents()));
    if (v.has_deductible_cents() && v.out_of_pocket_max_cents() < v.deductible_cents()) {
      return Invalid(Field(b, "out_of_pocket_max_cents"), "is less than deductible_cents");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCourse(const std::string& field, const v1::CourseOptions& course) {
  RETURN_IF_ERROR(
      CheckEnum(Field(field, "treatment"), course.treatment(), v1::Treatment_IsValid, true));
  RETURN_IF_ERROR(CheckId(Field(field, "protocol_id"), course.protocol_id(), false));
  if (course.has_spravato()) {
    if (course.treatment() != v1::TREATMENT_SPRAVATO) {
      return Invalid(Field(field, "spravato"), "is only for TREATMENT_SPRAVATO");
    }
    const int dose = course.spravato().dose_mg();
    if (dose < 0 || dose > kMaxDoseMg) {
      return Invalid(Field(field, "spravato.dose_mg"), absl::StrCat(dose, " mg is not a dose"));
    }
    RETURN_IF_ERROR(CheckEnum(Field(field, "spravato.drug_benefit"),
                              course.spravato().drug_benefit(), v1::Benefit_IsValid, false));
  }
  const v1::SessionsUsed& used = course.sessions_used();
  for (const auto& [name, has, value] :
       {std::make_tuple("this_plan_year", used.has_this_plan_year(), used.this_plan_year()),
        std::make_tuple("this_course", used.has_this_course(), used.this_course())}) {
    if (has && (value < 0 || value > kMaxSessionsUsed)) {
      return Invalid(Field(absl::StrCat(field, ".sessions_used"), name),
                     absl::StrCat(value, " sessions; use 0 to ", kMaxSessionsUsed));
    }
  }
  if (course.has_maintenance()) {
    const v1::MaintenancePlan& m = course.maintenance();
    if (m.months() < 0 || m.months() > kMaxMaintenanceMonths) {
      return Invalid(Field(field, "maintenance.months"),
                     absl::StrCat(m.months(), " months; use 0 to ", kMaxMaintenanceMonths));
    }
    RETURN_IF_ERROR(CheckEnum(Field(field, "maintenance.frequency"), m.frequency(),
                              v1::MaintenanceFrequency_IsValid, m.months() > 0));
  }
  return absl::OkStatus();
}

absl::Status CheckRange(const Field& field, int64_t value, int64_t min, int64_t max,
                        absl::string_view unit) {
  if (value < min || value > max) {
    return Invalid(field, absl::StrCat(value, " is outside ", min, "-", max, " ", unit));
  }
  return absl::OkStatus();
}

template <typename List>
absl::Status CheckListSize(const Field& field, const List& list) {
  if (list.size() > kMaxDocumentedItems) {
    return Invalid(field, absl::StrCat(list.size(), " entries; at most ", kMaxDocumentedItems));
  }
  return absl::OkStatus();
}

// A documented date: a real date, not after the day of the check.
absl::Status CheckPastDate(const Field& field, const std::string& text, absl::CivilDay as_of,
                           bool required) {
  if (text.empty()) return required ? Invalid(field, "is required (YYYY-MM-DD)") : absl::OkStatus();
  ASSIGN_OR_RETURN(absl::CivilDay day, ParseDateOf(field, text));
  if (day > as_of) {
    return Invalid(field, absl::StrCat(text, " is in the future (after ", FormatDate(as_of),
                                       ", the day of the check)"));
  }
  if (day.year() < kFirstDocumentedYear) {
    return Invalid(field, absl::StrCat(text, " is before ", kFirstDocumentedYear));
  }
  return absl::OkStatus();
}

absl::Status CheckDrugName(const Field& field, const std::string& name, bool required) {
  if (absl::StripAsciiWhitespace(name).empty()) {
    return required ? Invalid(field, "is required (generic or brand name)") : absl::OkStatus();
  }
  if (name.size() > kMaxDrugNameLength) {
    return Invalid(field, absl::StrCat("is ", name.size(), " characters; drug names are at most ",
                                       kMaxDrugNameLength));
  }
  return absl::OkStatus();
}

// The parts of a patient's documentation, each checked in place (ValidateDocumentation).
absl::Status CheckAntidepressantTrials(const v1::PatientDocumentation& doc,
                                       absl::string_view field, absl::CivilDay as_of) {
  const auto& trials = doc.antidepressant_history().trials();
  RETURN_IF_ERROR(CheckListSize(Field(field, "antidepressant_history.trials"), trials));
  for (int i = 0; i < trials.size(); ++i) {
    const auto& t = trials[i];
    const Field item(field, "antidepressant_history.trials", i);
    RETURN_IF_ERROR(CheckDrugName(item.Member("drug"), t.drug(), true));
    if (!ParseDoseMcg(t.daily_dose(), "").ok()) {  // parsed again for the message naming the field
      return ParseDoseMcg(t.daily_dose(), item.Member("daily_dose").Path()).status();
    }
    if (t.has_weeks()) {
      RETURN_IF_ERROR(CheckRange(item.Member("weeks"), t.weeks(), 0, kMaxTrialWeeks, "weeks"));
    }
    if (t.has_adherence_percent()) {
      RETURN_IF_ERROR(
          CheckRange(item.Member("adherence_percent"), t.adherence_percent(), 0, 100, "percent"));
    }
    RETURN_IF_ERROR(
        CheckEnum(item.Member("outcome"), t.outcome(), v1::TrialOutcome_IsValid, false));
    RETURN_IF_ERROR(CheckEnum(item.Member("episode"), t.episode(), v1::Episode_IsValid, false));
    RETURN_IF_ERROR(CheckPastDate(item.Member("start_date"), t.start_date(), as_of, false));
    RETURN_IF_ERROR(CheckPastDate(item.Member("end_date"), t.end_date(), as_of, false));
    if (!t.start_date().empty() && !t.end_date().empty() && t.end_date() < t.start_date()) {
      return Invalid(item.Member("end_date"), absl::StrCat(t.end_date(), " is before start_date ",
                                                           t.start_date()));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPsychotherapyTrials(const v1::PatientDocumentation& doc,
                                      absl::string_view field) {
  const auto& therapy = doc.psychotherapy_history().trials();
  RETURN_IF_ERROR(CheckListSize(Field(field, "psychotherapy_history.trials"), therapy));
  for (int i = 0; i < therapy.size(); ++i) {
    const auto& t = therapy[i];
    const Field item(field, "psychotherapy_history.trials", i);
    RETURN_IF_ERROR(CheckEnum(item.Member("kind"), t.kind(), v1::PsychotherapyKind_IsValid, true));
    if (t.has_weeks()) {
      RETURN_IF_ERROR(CheckRange(item.Member("weeks"), t.weeks(), 0, kMaxTrialWeeks, "weeks"));
    }
    if (t.has_sessions()) {
      RETURN_IF_ERROR(
          CheckRange(item.Member("sessions"), t.sessions(), 0, kMaxTherapySessions, "sessions"));
    }
    RETURN_IF_ERROR(
        CheckEnum(item.Member("outcome"), t.outcome(), v1::TrialOutcome_IsValid, false));
  }
  return absl::OkStatus();
}

absl::Status CheckSeverityScores(const v1::PatientDocumentation& doc, absl::string_view field,
                                 absl::CivilDay as_of) {
  RETURN_IF_ERROR(CheckListSize(Field(field, "severity_scores"), doc.severity_scores()));
  for (int i = 0; i < doc.severity_scores_size(); ++i) {
    const auto& s = doc.severity_scores(i);
    const Field item(field, "severity_scores", i);
    RETURN_IF_ERROR(
        CheckEnum(item.Member("instrument"), s.instrument(), v1::SeverityInstrument_IsValid, true));
    const InstrumentScale* scale = ScaleOf(s.instrument());
    if (s.score() < scale->min_score || s.score() > scale->max_score) {
      return Invalid(item.Member("score"), absl::StrCat(s.score(), " is outside ", scale->name,
                                                     "'s range ", scale->min_score, "-",
                                                     scale->max_score));
    }
    RETURN_IF_ERROR(CheckPastDate(item.Member("date"), s.date(), as_of, true));
  }
  return absl::OkStatus();
}

absl::Status CheckTreatmentHistory(const v1::PatientDocumentation& doc, absl::string_view field,
                                   absl::CivilDay as_of) {
  const auto& courses = doc.treatment_history().courses();
  RETURN_IF_ERROR(CheckListSize(Field(field, "treatment_history.courses"), courses));
  for (int i = 0; i < courses.size(); ++i) {
    const auto& c = courses[i];
    const Field item(field, "treatment_history.courses", i);
    RETURN_IF_ERROR(
        CheckEnum(item.Member("treatment"), c.treatment(), v1::Treatment_IsValid, true));
    RETURN_IF_ERROR(CheckPastDate(item.Member("end_date"), c.end_date(), as_of, true));
    if (c.has_improvement_percent()) {
      RETURN_IF_ERROR(CheckRange(item.Member("improvement_percent"), c.improvement_percent(), 0,
                                 100, "percent"));
    }
  }
  return absl::OkStatus();
}

}  // namespace


absl::Status ValidateDocumentation(const v1::PatientDocumentation& doc, absl::string_view field,
                                   absl::CivilDay today) {
  absl::CivilDay as_of = today;
  if (!doc.as_of_date().empty()) {
    ASSIGN_OR_RETURN(as_of, CheckServedDay(Field(field, "as_of_date"), doc.as_of_date()));
  }
  if (doc.has_age_years()) {
    RETURN_IF_ERROR(
        CheckRange(Field(field, "age_years"), doc.age_years(), 0, kMaxAgeYears, "years"));
  }
  RETURN_IF_ERROR(CheckListSize(Field(field, "diagnosis_codes"), doc.diagnosis_codes()));
  for (int i = 0; i < doc.diagnosis_codes_size(); ++i) {
    if (!IsIcd10Code(doc.diagnosis_codes(i))) {
      return Invalid(Field(field, "diagnosis_codes", i),
                     absl::StrCat("'", doc.diagnosis_codes(i).substr(0, 16),
                                  "' is not an ICD-10-CM code (upper case, e.g. \"F33.2\")"));
    }
  }
  RETURN_IF_ERROR(CheckPastDate(Field(field, "current_episode_start"), doc.current_episode_start(),
                                as_of, false));

  RETURN_IF_ERROR(CheckAntidepressantTrials(doc, field, as_of));
  RETURN_IF_ERROR(CheckPsychotherapyTrials(doc, field));
  RETURN_IF_ERROR(CheckSeverityScores(doc, field, as_of));
  const auto& present = doc.contraindication_screening().present();
  RETURN_IF_ERROR(CheckListSize(Field(field, "contraindication_screening.present"), present));
  for (int i = 0; i < present.size(); ++i) {
    RETURN_IF_ERROR(CheckEnum(Field(field, "contraindication_screening.present", i), present[i],
                              v1::Contraindication_IsValid, true));
  }
  RETURN_IF_ERROR(CheckTreatmentHistory(doc, field, as_of));
  RETURN_IF_ERROR(CheckEnum(Field(field, "prescriber_specialty"), doc.prescriber_specialty(),
                            v1::PrescriberSpecialty_IsValid, false));
  RETURN_IF_ERROR(
      CheckDrugName(Field(field, "oral_antidepressant"), doc.oral_antidepressant(), false));
  if (!doc.oral_antidepressant().empty() &&
      (!doc.has_takes_oral_antidepressant() || !doc.takes_oral_antidepressant())) {
    return Invalid(Field(field, "oral_antidepressant"),
                   "is given but takes_oral_antidepressant is not true; set both or neither");
  }
  return absl::OkStatus();
}

absl::Status ValidateCheckPriorAuthReadinessRequest(
    const v1::CheckPriorAuthReadinessRequest& request, absl::CivilDay today) {
  RETURN_IF_ERROR(CheckId("payer_id", request.payer_id(), true));
  RETURN_IF_ERROR(CheckId("plan_id", request.plan_id(), true));
  RETURN_IF_ERROR(CheckEnum("treatment", request.treatment(), v1::Treatment_IsValid, true));
  RETURN_IF_ERROR(CheckEnum("network", request.network(), v1::Network_IsValid, false));
  if (request.dose_mg() != 0) {
    if (request.treatment() != v1::TREATMENT_SPRAVATO) {
      return Invalid("dose_mg", "is only for TREATMENT_SPRAVATO");
    }
    if (request.dose_mg() < 0 || request.dose_mg() > kMaxDoseMg) {
      return Invalid("dose_mg", absl::StrCat(request.dose_mg(), " mg is not a dose"));
    }
  }
  if (!request.planned_start_date().empty()) {
    RETURN_IF_ERROR(CheckCourseStart("planned_start_date", request.planned_start_date()));
  }
  return ValidateDocumentation(request.documentation(), "documentation", today);
}

absl::StatusOr<absl::CivilDay> ValidateEstimateCourseRequest(
    const v1::EstimateCourseRequest& request) {
  RETURN_IF_ERROR(CheckId("clinic_id", request.clinic_id(), true));
  if (!request.has_coverage()) return Invalid("coverage", "is required");
  RETURN_IF_ERROR(CheckCoverage(request.coverage()));
  ASSIGN_OR_RETURN(const absl::CivilDay start,
                   CheckServedDay("course_start_date", request.course_start_date()));
  if (!request.has_course()) return Invalid("course", "is required (at least the treatment)");
  RETURN_IF_ERROR(CheckCourse("course", request.course()));
  RETURN_IF_ERROR(CheckEnum("view", request.view(), v1::EstimateView_IsValid, false));
  return start;
}

absl::StatusOr<absl::CivilDay> ValidateCompareTreatmentsRequest(
    const v1::CompareTreatmentsRequest& request) {
  RETURN_IF_ERROR(CheckId("clinic_id", request.clinic_id(), true));
  if (!request.has_coverage()) return Invalid("coverage", "is required");
  RETURN_IF_ERROR(CheckCoverage(request.coverage()));
  ASSIGN_OR_RETURN(const absl::CivilDay start,
                   CheckServedDay("course_start_date", request.course_start_date()));
  if (request.courses_size() > kMaxCoursesPerComparison) {
    return Invalid("courses", absl::StrCat(request.courses_size(), " courses; at most ",
                                           kMaxCoursesPerComparison, ", one per treatment"));
  }
  std::set<int> seen;
  for (int i = 0; i < request.courses_size(); ++i) {
    const std::string field = absl::StrCat("courses[", i, "]");
    RETURN_IF_ERROR(CheckCourse(field, request.courses(i)));
    if (!seen.insert(request.courses(i).treatment()).second) {
      return Invalid(Field(field, "treatment"),
                     absl::StrCat(v1::Treatment_Name(request.courses(i).treatment()),
                                  " appears twice; compare each treatment once"));
    }
  }
  RETURN_IF_ERROR(CheckEnum("view", request.view(), v1::EstimateView_IsValid, false));
  return start;
}

}  // namespace estimator
