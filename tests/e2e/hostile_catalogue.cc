// The catalogue of malformed and hostile requests (see hostile_requests_test.cc): a data table,
// one entry per request, grouped by category.
#include "tests/e2e/hostile_requests.h"

namespace estimator::e2e {

std::vector<HostileCase> Catalogue() {
  const StatusCode kInvalid = StatusCode::INVALID_ARGUMENT;
  const StatusCode kExhausted = StatusCode::RESOURCE_EXHAUSTED;
  const std::string huge(kUnderLimit, 'x');
  const int32_t kInt32Max = std::numeric_limits<int32_t>::max();
  const int32_t kInt32Min = std::numeric_limits<int32_t>::min();
  const int64_t kInt64Max = std::numeric_limits<int64_t>::max();
  const int64_t kInt64Min = std::numeric_limits<int64_t>::min();
  const std::string dd = "documentation.";
  const std::string trial0 = dd + "antidepressant_history.trials[0].";

  std::vector<HostileCase> c = {
      // ---- empty messages and empty sections ---------------------------------------------------------
      {kEmpty, "EstimateCourse {}", Serialized(kEstimateCourse, v1::EstimateCourseRequest()),
       kInvalid, "clinic_id: is required"},
      {kEmpty, "CompareTreatments {}",
       Serialized(kCompareTreatments, v1::CompareTreatmentsRequest()), kInvalid,
       "clinic_id: is required"},
      {kEmpty, "CheckPriorAuthReadiness {}",
       Serialized(kCheckReadiness, v1::CheckPriorAuthReadinessRequest()), kInvalid,
       "payer_id: is required"},
      {kEmpty, "coverage {} with neither insurance nor self_pay",
       Estimate([](auto& r) { r.mutable_coverage()->Clear(); }), kInvalid, "coverage: say"},
      {kEmpty, "insurance {}",
       Estimate([](auto& r) { r.mutable_coverage()->mutable_insurance()->Clear(); }), kInvalid,
       "coverage.insurance.payer_id: is required"},
      {kEmpty, "no course", Estimate([](auto& r) { r.clear_course(); }), kInvalid,
       "course: is required"},
      {kEmpty, "course {}", Estimate([](auto& r) { r.mutable_course()->Clear(); }), kInvalid,
       "course.treatment: is required"},
      {kEmpty, "compare courses [{}]", Compare([](auto& r) { r.add_courses(); }), kInvalid,
       "courses[0].treatment: is required"},
      {kEmpty, "severity score {}", Readiness([](auto& d) { d.add_severity_scores(); }), kInvalid,
       dd + "severity_scores[0].instrument: is required"},
      {kEmpty, "antidepressant trial {}",
       Readiness([](auto& d) { d.mutable_antidepressant_history()->add_trials(); }), kInvalid,
       trial0 + "drug: is required"},
      {kEmpty, "psychotherapy trial {}",
       Readiness([](auto& d) { d.mutable_psychotherapy_history()->add_trials(); }), kInvalid,
       dd + "psychotherapy_history.trials[0].kind: is required"},
      {kEmpty, "prior course {}",
       Readiness([](auto& d) { d.mutable_treatment_history()->add_courses(); }), kInvalid,
       dd + "treatment_history.courses[0].treatment: is required"},
      {kEmpty, "EstimateCourse documentation with an empty trial",
       Estimate([](auto& r) {
         r.mutable_documentation()->mutable_antidepressant_history()->add_trials();
       }),
       kInvalid, trial0 + "drug: is required"},

      // ---- huge strings, under the receive limit -----------------------------------------------------
      {kHugeString, "900 KB clinic_id", Estimate([&](auto& r) { r.set_clinic_id(huge); }),
       kInvalid, "clinic_id: is 900000 characters"},
      {kHugeString, "900 KB payer_id",
       Estimate([&](auto& r) { Insurance(r).set_payer_id(huge); }), kInvalid,
       "coverage.insurance.payer_id"},
      {kHugeString, "900 KB plan_id", Estimate([&](auto& r) { Insurance(r).set_plan_id(huge); }),
       kInvalid, "coverage.insurance.plan_id"},
      {kHugeString, "900 KB protocol_id",
       Estimate([&](auto& r) { r.mutable_course()->set_protocol_id(huge); }), kInvalid,
       "course.protocol_id"},
      {kHugeString, "900 KB course_start_date",
       Estimate([&](auto& r) { r.set_course_start_date(huge); }), kInvalid,
       "course_start_date: "},
      {kHugeString, "900 KB compare clinic_id", Compare([&](auto& r) { r.set_clinic_id(huge); }),
       kInvalid, "clinic_id: is 900000 characters"},
      {kHugeString, "900 KB readiness plan_id",
       ReadinessRequest([&](auto& r) { r.set_plan_id(huge); }), kInvalid, "plan_id: is 900000"},
      {kHugeString, "900 KB planned_start_date",
       ReadinessRequest([&](auto& r) { r.set_planned_start_date(huge); }), kInvalid,
       "planned_start_date: "},
      {kHugeString, "900 KB as_of_date", Readiness([&](auto& d) { d.set_as_of_date(huge); }),
       kInvalid, dd + "as_of_date: "},
      {kHugeString, "900 KB diagnosis code",
       Readiness([&](auto& d) { d.add_diagnosis_codes(huge); }), kInvalid,
       dd + "diagnosis_codes[0]: "},
      {kHugeString, "900 KB current_episode_start",
       Readiness([&](auto& d) { d.set_current_episode_start(huge); }), kInvalid,
       dd + "current_episode_start: "},
      {kHugeString, "900 KB drug name",
       Readiness([&](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_drug(huge);
       }),
       kInvalid, trial0 + "drug: is 900000 characters"},
      {kHugeString, "900 KB daily dose of digits",
       Readiness([&](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_daily_dose(
             std::string(kUnderLimit, '9') + " mg");
       }),
       kInvalid, trial0 + "daily_dose: "},
      // Whitespace around a dose is allowed, so this one reaches the number parser.
      {kHugeString, "900 KB of spaces around an overflowing daily dose",
       Readiness([&](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_daily_dose(
             std::string(kUnderLimit / 2, ' ') + "99999999999 mg" +
             std::string(kUnderLimit / 2, ' '));
       }),
       kInvalid, trial0 + "daily_dose: "},
      {kHugeString, "900 KB oral antidepressant",
       Readiness([&](auto& d) {
         d.set_takes_oral_antidepressant(true);
         d.set_oral_antidepressant(huge);
       }),
       kInvalid, dd + "oral_antidepressant: is 900000 characters"},
      {kHugeString, "900 KB severity score date",
       Readiness([&](auto& d) {
         AddGoodScore(d);
         d.mutable_severity_scores(0)->set_date(huge);
       }),
       kInvalid, dd + "severity_scores[0].date: "},
      {kHugeString, "900 KB prior course end_date",
       Readiness([&](auto& d) {
         AddGoodCourse(d);
         d.mutable_treatment_history()->mutable_courses(0)->set_end_date(huge);
       }),
       kInvalid, dd + "treatment_history.courses[0].end_date: "},
      {kHugeString, "300k multi-byte characters in clinic_id (valid UTF-8)",
       Estimate([](auto& r) {
         std::string id;
         for (int i = 0; i < 300'000; ++i) id += "\xC3\xA9";  // U+00E9
         r.set_clinic_id(id);
       }),
       kInvalid, "clinic_id: is 600000 characters"},

      // ---- huge repeated fields ----------------------------------------------------------------------
      {kHugeRepeated, "100k compare courses",
       Compare([](auto& r) {
         for (int i = 0; i < kHugeList; ++i) r.add_courses()->set_treatment(v1::TREATMENT_TMS);
       }),
       kInvalid, "courses: 100000 courses; at most 3"},
      {kHugeRepeated, "4 compare courses, one over the limit",
       Compare([](auto& r) {
         for (int i = 0; i < 4; ++i) r.add_courses()->set_treatment(v1::TREATMENT_TMS);
       }),
       kInvalid, "courses: 4 courses; at most 3"},
      {kHugeRepeated, "100k diagnosis codes",
       Readiness([](auto& d) {
         for (int i = 0; i < kHugeList; ++i) d.add_diagnosis_codes("F33.2");
       }),
       kInvalid, dd + "diagnosis_codes: 100000 entries; at most 50"},
      {kHugeRepeated, "51 diagnosis codes, one over the limit",
       Readiness([](auto& d) {
         for (int i = 0; i < 51; ++i) d.add_diagnosis_codes("F33.2");
       }),
       kInvalid, dd + "diagnosis_codes: 51 entries; at most 50"},
      {kHugeRepeated, "100k contraindications (packed)",
       Readiness([](auto& d) {
         for (int i = 0; i < kHugeList; ++i) {
           d.mutable_contraindication_screening()->add_present(v1::CONTRAINDICATION_PSYCHOSIS);
         }
       }),
       kInvalid, dd + "contraindication_screening.present: 100000 entries"},
      {kHugeRepeated, "100k empty severity scores",
       Readiness([](auto& d) {
         for (int i = 0; i < kHugeList; ++i) d.add_severity_scores();
       }),
       kInvalid, dd + "severity_scores: 100000 entries"},
      {kHugeRepeated, "100k empty antidepressant trials",
       Readiness([](auto& d) {
         for (int i = 0; i < kHugeList; ++i) d.mutable_antidepressant_history()->add_trials();
       }),
       kInvalid, dd + "antidepressant_history.trials: 100000 entries"},
      {kHugeRepeated, "100k empty psychotherapy trials",
       Readiness([](auto& d) {
         for (int i = 0; i < kHugeList; ++i) d.mutable_psychotherapy_history()->add_trials();
       }),
       kInvalid, dd + "psychotherapy_history.trials: 100000 entries"},
      {kHugeRepeated, "100k empty prior courses",
       Readiness([](auto& d) {
         for (int i = 0; i < kHugeList; ++i) d.mutable_treatment_history()->add_courses();
       }),
       kInvalid, dd + "treatment_history.courses: 100000 entries"},
      {kHugeRepeated, "EstimateCourse documentation with 100k diagnosis codes",
       Estimate([](auto& r) {
         for (int i = 0; i < kHugeList; ++i) r.mutable_documentation()->add_diagnosis_codes("F33.2");
       }),
       kInvalid, dd + "diagnosis_codes: 100000 entries"},

      // ---- an error in the last entry (index 49) of a full documentation list ----------------------
      {kDeepList, "trials[49].weeks 521",
       Readiness([](auto& d) {
         FillTo49(d, AddGoodTrial);
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(49)->set_weeks(521);
       }),
       kInvalid, dd + "antidepressant_history.trials[49].weeks: 521 is outside 0-520"},
      {kDeepList, "trials[49].daily_dose in grams",
       Readiness([](auto& d) {
         FillTo49(d, AddGoodTrial);
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(49)->set_daily_dose("1 g");
       }),
       kInvalid, dd + "antidepressant_history.trials[49].daily_dose: unit 'g'"},
      {kDeepList, "severity_scores[49].score 28 on PHQ-9",
       Readiness([](auto& d) {
         FillTo49(d, AddGoodScore);
         AddGoodScore(d);
         d.mutable_severity_scores(49)->set_score(28);
       }),
       kInvalid, dd + "severity_scores[49].score: 28 is outside"},
      {kDeepList, "psychotherapy trials[49].sessions 1001",
       Readiness([](auto& d) {
         FillTo49(d, AddGoodTherapy);
         AddGoodTherapy(d);
         d.mutable_psychotherapy_history()->mutable_trials(49)->set_sessions(1001);
       }),
       kInvalid, dd + "psychotherapy_history.trials[49].sessions: 1001 is outside 0-1000"},
      {kDeepList, "treatment_history.courses[49].improvement_percent 101",
       Readiness([](auto& d) {
         FillTo49(d, AddGoodCourse);
         AddGoodCourse(d);
         d.mutable_treatment_history()->mutable_courses(49)->set_improvement_percent(101);
       }),
       kInvalid, dd + "treatment_history.courses[49].improvement_percent: 101 is outside"},
      {kDeepList, "diagnosis_codes[49] in lower case",
       Readiness([](auto& d) {
         for (int i = 0; i < 49; ++i) d.add_diagnosis_codes("F33.2");
         d.add_diagnosis_codes("f33.2");
       }),
       kInvalid, dd + "diagnosis_codes[49]: 'f33.2' is not an ICD-10-CM code"},
      {kDeepList, "contraindication_screening.present[49] unspecified",
       Readiness([](auto& d) {
         for (int i = 0; i < 49; ++i) {
           d.mutable_contraindication_screening()->add_present(v1::CONTRAINDICATION_PSYCHOSIS);
         }
         d.mutable_contraindication_screening()->add_present(v1::CONTRAINDICATION_UNSPECIFIED);
       }),
       kInvalid, dd + "contraindication_screening.present[49]: is required"},
      {kDeepList, "EstimateCourse documentation trials[49].start_date after as_of_date",
       Estimate([](auto& r) {
         v1::PatientDocumentation& d = *r.mutable_documentation();
         d.set_as_of_date("2026-11-20");
         FillTo49(d, AddGoodTrial);
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(49)->set_start_date("2026-11-21");
       }),
       kInvalid, dd + "antidepressant_history.trials[49].start_date: 2026-11-21 is in the future"},
      {kDeepList, "compare courses[2].maintenance.frequency unknown",
       Compare([](auto& r) {
         r.add_courses()->set_treatment(v1::TREATMENT_TMS);
         r.add_courses()->set_treatment(v1::TREATMENT_SPRAVATO);
         v1::CourseOptions* k = r.add_courses();
         k->set_treatment(v1::TREATMENT_IV_KETAMINE);
         k->mutable_maintenance()->set_months(6);
         k->mutable_maintenance()->set_frequency(static_cast<v1::MaintenanceFrequency>(9));
       }),
       kInvalid, "courses[2].maintenance.frequency: unknown value 9"},

      // ---- amounts: overflow, negative, NaN-like text --------------------------------------------------
      {kAmount, "deductible met INT64_MAX",
       Estimate([&](auto& r) { Met(r).set_deductible_met_cents(kInt64Max); }), kInvalid,
       "coverage.insurance.met_so_far.deductible_met_cents: 9223372036854775807 cents is over"},
      {kAmount, "deductible met INT64_MIN",
       Estimate([&](auto& r) { Met(r).set_deductible_met_cents(kInt64Min); }), kInvalid,
       "coverage.insurance.met_so_far.deductible_met_cents: -9223372036854775808 is negative"},
      {kAmount, "out-of-pocket met -1",
       Estimate([](auto& r) { Met(r).set_out_of_pocket_met_cents(-1); }), kInvalid,
       "coverage.insurance.met_so_far.out_of_pocket_met_cents: -1 is negative"},
      {kAmount, "family deductible met one cent over $10,000,000",
       Estimate([](auto& r) { Met(r).set_family_deductible_met_cents(1'000'000'001); }), kInvalid,
       "coverage.insurance.met_so_far.family_deductible_met_cents: 1000000001 cents is over"},
      {kAmount, "family out-of-pocket met INT64_MAX",
       Estimate([&](auto& r) { Met(r).set_family_out_of_pocket_met_cents(kInt64Max); }),
       kInvalid, "coverage.insurance.met_so_far.family_out_of_pocket_met_cents"},
      {kAmount, "coinsurance INT32_MAX bp",
       Estimate([&](auto& r) { Benefits(r).set_coinsurance_bp(kInt32Max); }), kInvalid,
       "coverage.insurance.verified_benefits.coinsurance_bp: 2147483647 is over 10000"},
      {kAmount, "coinsurance INT32_MIN bp",
       Estimate([&](auto& r) { Benefits(r).set_coinsurance_bp(kInt32Min); }), kInvalid,
       "coverage.insurance.verified_benefits.coinsurance_bp: -2147483648 is negative"},
      {kAmount, "copay INT64_MAX",
       Estimate([&](auto& r) { Benefits(r).set_copay_cents(kInt64Max); }), kInvalid,
       "coverage.insurance.verified_benefits.copay_cents"},
      {kAmount, "deductible INT64_MIN",
       Estimate([&](auto& r) { Benefits(r).set_deductible_cents(kInt64Min); }), kInvalid,
       "coverage.insurance.verified_benefits.deductible_cents"},
      {kAmount, "out-of-pocket maximum over $10,000,000",
       Estimate([](auto& r) { Benefits(r).set_out_of_pocket_max_cents(1'000'000'001); }), kInvalid,
       "coverage.insurance.verified_benefits.out_of_pocket_max_cents"},
      {kAmount, "Spravato dose INT32_MAX mg",
       Estimate([&](auto& r) {
         r.mutable_course()->set_treatment(v1::TREATMENT_SPRAVATO);
         r.mutable_course()->mutable_spravato()->set_dose_mg(kInt32Max);
       }),
       kInvalid, "course.spravato.dose_mg: 2147483647 mg is not a dose"},
      {kAmount, "Spravato dose -84 mg",
       Estimate([](auto& r) {
         r.mutable_course()->set_treatment(v1::TREATMENT_SPRAVATO);
         r.mutable_course()->mutable_spravato()->set_dose_mg(-84);
       }),
       kInvalid, "course.spravato.dose_mg: -84 mg"},
      {kAmount, "maintenance INT32_MAX months",
       Estimate([&](auto& r) {
         r.mutable_course()->mutable_maintenance()->set_months(kInt32Max);
         r.mutable_course()->mutable_maintenance()->set_frequency(
             v1::MAINTENANCE_FREQUENCY_WEEKLY);
       }),
       kInvalid, "course.maintenance.months: 2147483647 months; use 0 to 36"},
      {kAmount, "maintenance 37 months, one over the limit",
       Estimate([](auto& r) {
         r.mutable_course()->mutable_maintenance()->set_months(37);
         r.mutable_course()->mutable_maintenance()->set_frequency(
             v1::MAINTENANCE_FREQUENCY_WEEKLY);
       }),
       kInvalid, "course.maintenance.months: 37 months; use 0 to 36"},
      {kAmount, "maintenance -1 months",
       Estimate([](auto& r) { r.mutable_course()->mutable_maintenance()->set_months(-1); }),
       kInvalid, "course.maintenance.months: -1 months"},
      {kAmount, "daily dose 'NaN mg'",
       Readiness([](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_daily_dose("NaN mg");
       }),
       kInvalid, trial0 + "daily_dose: 'NaN mg' does not start with a number"},
      {kAmount, "daily dose '1e400 mg'",
       Readiness([](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_daily_dose("1e400 mg");
       }),
       kInvalid, trial0 + "daily_dose: unit 'e400 mg'"},
      {kAmount, "daily dose 'inf mg'",
       Readiness([](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_daily_dose("inf mg");
       }),
       kInvalid, trial0 + "daily_dose: 'inf mg' does not start with a number"},
      {kAmount, "daily dose of 20 digits",
       Readiness([](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_daily_dose(
             "99999999999999999999 mg");
       }),
       kInvalid, trial0 + "daily_dose: '99999999999999999999 mg' is over the largest dose"},
      {kAmount, "daily dose '-20 mg'",
       Readiness([](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_daily_dose("-20 mg");
       }),
       kInvalid, trial0 + "daily_dose: '-20 mg' does not start with a number"},
      {kAmount, "age INT32_MIN", Readiness([&](auto& d) { d.set_age_years(kInt32Min); }),
       kInvalid, dd + "age_years: -2147483648 is outside 0-130"},
      {kAmount, "PHQ-9 score INT32_MAX",
       Readiness([&](auto& d) {
         AddGoodScore(d);
         d.mutable_severity_scores(0)->set_score(kInt32Max);
       }),
       kInvalid, dd + "severity_scores[0].score: 2147483647 is outside"},
      {kAmount, "adherence -1 percent",
       Readiness([](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_adherence_percent(-1);
       }),
       kInvalid, trial0 + "adherence_percent: -1 is outside 0-100"},
      {kAmount, "plan year starting in month INT32_MAX",
       Estimate([&](auto& r) {
         Insurance(r).mutable_plan_year_start()->set_month(kInt32Max);
         Insurance(r).mutable_plan_year_start()->set_day(1);
       }),
       kInvalid, "coverage.insurance.plan_year_start: month 2147483647"},

      // ---- dates far in the past or future, and not dates at all ---------------------------------------
      {kDate, "course start 0001-01-01",
       Estimate([](auto& r) { r.set_course_start_date("0001-01-01"); }), kInvalid,
       "course_start_date: '0001-01-01' is outside the years 2000-2099"},
      {kDate, "course start 9999-12-31",
       Estimate([](auto& r) { r.set_course_start_date("9999-12-31"); }), kInvalid,
       "course_start_date: '9999-12-31' is outside the years 2000-2099"},
      {kDate, "course start 1999-12-31, the day before the first served",
       Estimate([](auto& r) { r.set_course_start_date("1999-12-31"); }), kInvalid,
       "course_start_date: '1999-12-31' is outside the years 2000-2099"},
      {kDate, "course start 2100-01-01, the day after the last served",
       Estimate([](auto& r) { r.set_course_start_date("2100-01-01"); }), kInvalid,
       "course_start_date: '2100-01-01' is outside the years 2000-2099"},
      {kDate, "course start 2026-02-29, not a day",
       Estimate([](auto& r) { r.set_course_start_date("2026-02-29"); }), kInvalid,
       "course_start_date: '2026-02-29' is not a real calendar day"},
      {kDate, "course start with a time and zone",
       Estimate([](auto& r) { r.set_course_start_date("2026-12-14T00:00:00Z"); }), kInvalid,
       "course_start_date: '2026-12-14T00:00:00Z' is not a date"},
      {kDate, "compare course start 1900-01-01",
       Compare([](auto& r) { r.set_course_start_date("1900-01-01"); }), kInvalid,
       "course_start_date: '1900-01-01' is outside the years 2000-2099"},
      {kDate, "planned start 3000-01-01",
       ReadinessRequest([](auto& r) { r.set_planned_start_date("3000-01-01"); }), kInvalid,
       "planned_start_date: '3000-01-01' is outside the years 2000-2099"},
      {kDate, "as_of_date 1899-12-31", Readiness([](auto& d) { d.set_as_of_date("1899-12-31"); }),
       kInvalid, dd + "as_of_date: '1899-12-31' is outside the years 2000-2099"},
      {kDate, "as_of_date 2100-01-01", Readiness([](auto& d) { d.set_as_of_date("2100-01-01"); }),
       kInvalid, dd + "as_of_date: '2100-01-01' is outside the years 2000-2099"},
      {kDate, "current episode start 0000-01-01",
       Readiness([](auto& d) { d.set_current_episode_start("0000-01-01"); }), kInvalid,
       dd + "current_episode_start: '0000-01-01'"},
      {kDate, "severity score dated after the as_of_date",
       Readiness([](auto& d) {
         AddGoodScore(d);
         d.mutable_severity_scores(0)->set_date("2026-11-21");
       }),
       kInvalid, dd + "severity_scores[0].date: 2026-11-21 is in the future"},
      {kDate, "trial started 9999-12-31",
       Readiness([](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_start_date("9999-12-31");
       }),
       kInvalid, trial0 + "start_date: '9999-12-31' is outside the years"},
      {kDate, "prior course ended 1800-01-01",
       Readiness([](auto& d) {
         AddGoodCourse(d);
         d.mutable_treatment_history()->mutable_courses(0)->set_end_date("1800-01-01");
       }),
       kInvalid, dd + "treatment_history.courses[0].end_date: '1800-01-01' is outside the years"},
      // Valid dates no plan version covers: FAILED_PRECONDITION for an estimate, NOT_FOUND for a
      // readiness check's planned start (as the README says), each naming the field.
      {kDate, "course start 2000-01-03, before any Medicare version",
       Estimate([](auto& r) { r.set_course_start_date("2000-01-03"); }),
       StatusCode::FAILED_PRECONDITION,
       "course_start_date: no rules for medicare/part_b are in effect on 2000-01-03"},
      {kDate, "compare start 2000-01-03, before any Aetna version",
       Compare([](auto& r) { r.set_course_start_date("2000-01-03"); }),
       StatusCode::FAILED_PRECONDITION,
       "course_start_date: no rules for aetna/open_access_ppo are in effect on 2000-01-03"},
      {kDate, "planned start 2000-01-03, before any Aetna version",
       ReadinessRequest([](auto& r) { r.set_planned_start_date("2000-01-03"); }),
       StatusCode::NOT_FOUND, "planned_start_date: no version of aetna/open_access_ppo"},
      {kDate, "plan year starting February 29",
       Estimate([](auto& r) {
         Insurance(r).mutable_plan_year_start()->set_month(2);
         Insurance(r).mutable_plan_year_start()->set_day(29);
       }),
       kInvalid, "coverage.insurance.plan_year_start: month 2 day 29"},

      // ---- enum numbers the API does not define ----------------------------------------------------------
      {kEnum, "network 42",
       Estimate([](auto& r) { Insurance(r).set_network(static_cast<v1::Network>(42)); }), kInvalid,
       "coverage.insurance.network: unknown value 42"},
      {kEnum, "network -1",
       Estimate([](auto& r) { Insurance(r).set_network(static_cast<v1::Network>(-1)); }), kInvalid,
       "coverage.insurance.network: unknown value -1"},
      {kEnum, "coverage tier 7",
       Estimate([](auto& r) {
         Insurance(r).set_coverage_tier(static_cast<v1::CoverageTier>(7));
       }),
       kInvalid, "coverage.insurance.coverage_tier: unknown value 7"},
      {kEnum, "treatment 99",
       Estimate([](auto& r) {
         r.mutable_course()->set_treatment(static_cast<v1::Treatment>(99));
       }),
       kInvalid, "course.treatment: unknown value 99"},
      {kEnum, "maintenance frequency 1000",
       Estimate([](auto& r) {
         r.mutable_course()->mutable_maintenance()->set_months(3);
         r.mutable_course()->mutable_maintenance()->set_frequency(
             static_cast<v1::MaintenanceFrequency>(1000));
       }),
       kInvalid, "course.maintenance.frequency: unknown value 1000"},
      {kEnum, "Spravato drug benefit 3",
       Estimate([](auto& r) {
         r.mutable_course()->set_treatment(v1::TREATMENT_SPRAVATO);
         r.mutable_course()->mutable_spravato()->set_drug_benefit(static_cast<v1::Benefit>(3));
       }),
       kInvalid, "course.spravato.drug_benefit: unknown value 3"},
      {kEnum, "compare courses[1].treatment INT32_MAX",
       Compare([&](auto& r) {
         r.add_courses()->set_treatment(v1::TREATMENT_TMS);
         r.add_courses()->set_treatment(static_cast<v1::Treatment>(kInt32Max));
       }),
       kInvalid, "courses[1].treatment: unknown value 2147483647"},
      {kEnum, "readiness treatment -5",
       ReadinessRequest([](auto& r) { r.set_treatment(static_cast<v1::Treatment>(-5)); }),
       kInvalid, "treatment: unknown value -5"},
      {kEnum, "trial outcome 99",
       Readiness([](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_outcome(
             static_cast<v1::TrialOutcome>(99));
       }),
       kInvalid, trial0 + "outcome: unknown value 99"},
      {kEnum, "trial episode 5",
       Readiness([](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_episode(
             static_cast<v1::Episode>(5));
       }),
       kInvalid, trial0 + "episode: unknown value 5"},
      {kEnum, "psychotherapy kind 99",
       Readiness([](auto& d) {
         d.mutable_psychotherapy_history()->add_trials()->set_kind(
             static_cast<v1::PsychotherapyKind>(99));
       }),
       kInvalid, dd + "psychotherapy_history.trials[0].kind: unknown value 99"},
      {kEnum, "severity instrument 6",
       Readiness([](auto& d) {
         AddGoodScore(d);
         d.mutable_severity_scores(0)->set_instrument(static_cast<v1::SeverityInstrument>(6));
       }),
       kInvalid, dd + "severity_scores[0].instrument: unknown value 6"},
      {kEnum, "contraindication INT32_MIN",
       Readiness([&](auto& d) {
         d.mutable_contraindication_screening()->add_present(
             static_cast<v1::Contraindication>(kInt32Min));
       }),
       kInvalid, dd + "contraindication_screening.present[0]: unknown value -2147483648"},
      {kEnum, "prescriber specialty 1000",
       Readiness([](auto& d) {
         d.set_prescriber_specialty(static_cast<v1::PrescriberSpecialty>(1000));
       }),
       kInvalid, dd + "prescriber_specialty: unknown value 1000"},
      {kEnum, "prior course treatment 4",
       Readiness([](auto& d) {
         AddGoodCourse(d);
         d.mutable_treatment_history()->mutable_courses(0)->set_treatment(
             static_cast<v1::Treatment>(4));
       }),
       kInvalid, dd + "treatment_history.courses[0].treatment: unknown value 4"},

      // ---- at and over the receive limit -------------------------------------------------------------
      {kSizeLimit, "EstimateCourse of exactly 1 MiB: parsed, then refused by validation",
       EstimateOfExactSize(kReceiveLimit), kInvalid, "clinic_id: is "},
      {kSizeLimit, "EstimateCourse of 1 MiB + 1 byte", EstimateOfExactSize(kReceiveLimit + 1),
       kExhausted, kTooLarge},
      {kSizeLimit, "EstimateCourse with a 1.125 MiB clinic_id",
       Estimate([](auto& r) { r.set_clinic_id(std::string(kOverLimit, 'a')); }), kExhausted,
       kTooLarge},
      {kSizeLimit, "CompareTreatments with 600k courses",
       Compare([](auto& r) {
         for (int i = 0; i < 600'000; ++i) r.add_courses();
       }),
       kExhausted, kTooLarge},
      {kSizeLimit, "CheckPriorAuthReadiness with a 1.125 MiB drug name",
       Readiness([](auto& d) {
         AddGoodTrial(d);
         d.mutable_antidepressant_history()->mutable_trials(0)->set_drug(
             std::string(kOverLimit, 'a'));
       }),
       kExhausted, kTooLarge},
      // ListPayers has no fields: an unknown one (field 1000) carries the bulk.
      {kSizeLimit, "ListPayers with a 1.125 MiB unknown field",
       Request{kListPayers, LengthDelimited(1000, std::string(kOverLimit, 'a'))}, kExhausted,
       kTooLarge},
      // The limit applies to the message after decompression: 16 MiB of zeros is ~16 KB of gzip.
      {kSizeLimit, "gzip bomb: 16 MiB clinic_id sent compressed",
       Estimate([](auto& r) { r.set_clinic_id(std::string(16 << 20, '0')); }), kExhausted,
       kTooLarge, /*gzip=*/true},
      {kSizeLimit, "900 KB clinic_id sent compressed: decompressed, then refused by validation",
       Estimate([&](auto& r) { r.set_clinic_id(huge); }), kInvalid,
       "clinic_id: is 900000 characters", /*gzip=*/true},

      // ---- saved quotes and Good Faith Estimates (QuoteService) ---------------------------------------
      {kEmpty, "SaveQuote {}", Serialized(kSaveQuote, v1::SaveQuoteRequest()), kInvalid,
       "request: give an estimate or a comparison"},
      {kEmpty, "GetQuote {}", Serialized(kGetQuote, v1::GetQuoteRequest()), kInvalid,
       "quote_id is required"},
      {kEmpty, "ListQuotes {}", Serialized(kListQuotes, v1::ListQuotesRequest()), kInvalid,
       "clinic_id is required"},
      {kEmpty, "IssueGoodFaithEstimate {}",
       Serialized(kIssueGfe, v1::IssueGoodFaithEstimateRequest()), kInvalid, "course: give"},
      {kEmpty, "GFE without a patient", Gfe([](auto& r) { r.clear_patient(); }), kInvalid,
       "patient: name and date of birth are required"},
      {kHugeString, "SaveQuote with a 900 KB clinic_id",
       [&] {
         v1::SaveQuoteRequest r;
         *r.mutable_estimate() = GoodEstimate();
         r.mutable_estimate()->set_clinic_id(huge);
         r.set_channel(v1::QUOTE_CHANNEL_FRONT_DESK);
         return Serialized(kSaveQuote, r);
       }(),
       kInvalid, "estimate.clinic_id: is 900000 characters"},
      {kHugeString, "GetQuote with a 900 KB quote id",
       [&] {
         v1::GetQuoteRequest r;
         r.set_quote_id(huge);
         return Serialized(kGetQuote, r);
       }(),
       kInvalid, "quote_id: 'xxxxxxxx"},
      {kHugeString, "GFE with a 900 KB patient name",
       Gfe([&](auto& r) { r.mutable_patient()->set_name(huge); }), kInvalid,
       "patient.name: longer than 200 characters"},
      {kHugeString, "VoidQuote with a 900 KB reason",
       [&] {
         v1::VoidQuoteRequest r;
         r.set_quote_id("q_aaaaaaaaaaaaaaaaaaaaaaaaaa");
         r.set_reason(huge);
         return Serialized(kVoidQuote, r);
       }(),
       kInvalid, "reason: longer than 500 characters"},
      {kHugeString, "ListQuotes with a 900 KB page token",
       [&] {
         v1::ListQuotesRequest r;
         r.set_clinic_id("riverbend");
         r.set_page_token(huge);
         return Serialized(kListQuotes, r);
       }(),
       kInvalid, "page_token: not a token this service gave"},
      {kHugeRepeated, "GFE with 100,000 diagnosis codes",
       Gfe([](auto& r) {
         for (int i = 0; i < kHugeList; ++i) r.add_diagnosis_codes("F33.2");
       }),
       kInvalid, "diagnosis_codes: at most 12 codes"},
      {kAmount, "ListQuotes page_size 2^31-1",
       [&] {
         v1::ListQuotesRequest r;
         r.set_clinic_id("riverbend");
         r.set_page_size(kInt32Max);
         return Serialized(kListQuotes, r);
       }(),
       kInvalid, "page_size: 2147483647 is outside 1-100"},
      {kAmount, "ListQuotes page_size -2^31",
       [&] {
         v1::ListQuotesRequest r;
         r.set_clinic_id("riverbend");
         r.set_page_size(kInt32Min);
         return Serialized(kListQuotes, r);
       }(),
       kInvalid, "page_size: -2147483648"},
      {kDate, "GFE date of birth in the year 2199",
       Gfe([](auto& r) { r.mutable_patient()->set_date_of_birth("2199-01-01"); }), kInvalid,
       "patient.date_of_birth: 2199-01-01 is after today"},
      {kDate, "GFE scheduled in the year 1000",
       Gfe([](auto& r) { r.set_scheduled_on("1000-01-01"); }), kInvalid, "scheduled_on"},
      {kDate, "ListQuotes created_from 99999-01-01",
       [&] {
         v1::ListQuotesRequest r;
         r.set_clinic_id("riverbend");
         r.set_created_from("99999-01-01");
         return Serialized(kListQuotes, r);
       }(),
       kInvalid, "created_from"},
      {kEnum, "SaveQuote channel 42",
       [&] {
         v1::SaveQuoteRequest r;
         *r.mutable_estimate() = GoodEstimate();
         r.set_channel(static_cast<v1::QuoteChannel>(42));
         return Serialized(kSaveQuote, r);
       }(),
       kInvalid, "channel: unknown value 42"},
      {kEnum, "ListQuotes kind 42",
       [&] {
         v1::ListQuotesRequest r;
         r.set_clinic_id("riverbend");
         r.set_kind(static_cast<v1::QuoteKind>(42));
         return Serialized(kListQuotes, r);
       }(),
       kInvalid, "kind: unknown value 42"},
      {kEnum, "EstimateCourse view 42",
       Estimate([](auto& r) { r.set_view(static_cast<v1::EstimateView>(42)); }), kInvalid,
       "view: unknown value 42"},
      {kDeepList, "dispute check with a malformed quote id",
       [&] {
         v1::CheckDisputeEligibilityRequest r;
         r.set_quote_id("q_<script>");
         r.set_bill_date("2027-01-01");
         return Serialized(kCheckDispute, r);
       }(),
       kInvalid, "quote_id:"},
      {kSizeLimit, "GFE with a 1.125 MiB patient name",
       Gfe([](auto& r) { r.mutable_patient()->set_name(std::string(kOverLimit, 'a')); }),
       kExhausted, kTooLarge},

      // ---- worklists (BatchCheckPriorAuthReadiness): only the batch's own shape refuses the call;
      // a bad patient is that item's error (hostile_requests_test.cc, HostileItemsAreEachTheirOwnError).
      {kEmpty, "BatchCheckPriorAuthReadiness {}",
       Serialized(kBatchReadiness, v1::BatchCheckPriorAuthReadinessRequest()), kInvalid,
       "items: at least one item is required"},
      {kEmpty, "worklist item 250 of 500 without an item_id",
       Batch([](auto& r) { r.mutable_items(250)->clear_item_id(); }, 500), kInvalid,
       "items[250].item_id: is required"},
      {kHugeRepeated, "worklist of 501 items, one over the limit", Batch([](auto&) {}, 501),
       kInvalid, "items: 501 items; at most 500 per call"},
      {kHugeRepeated, "worklist of 100k empty items",
       Batch([](auto& r) {
         r.clear_items();
         for (int i = 0; i < kHugeList; ++i) r.add_items();
       }),
       kInvalid, "items: 100000 items; at most 500 per call"},
      {kHugeString, "900 KB item_id", Batch([&](auto& r) { r.mutable_items(1)->set_item_id(huge); }),
       kInvalid, "items[1].item_id: is 900000 characters; at most 64"},
      {kHugeString, "65-character item_id, one over the limit",
       Batch([](auto& r) { r.mutable_items(2)->set_item_id(std::string(65, 'r')); }), kInvalid,
       "items[2].item_id: is 65 characters; at most 64"},
      {kHugeString, "item_id with a NUL, a newline and an escape sequence",
       Batch([](auto& r) { r.mutable_items(0)->set_item_id(std::string("a\0b\n\x1b[2J", 7)); }),
       kInvalid, "items[0].item_id: letters, digits and '-', '_', '.', ':' only"},
      {kHugeString, "item_id that is a patient's name",
       Batch([](auto& r) { r.mutable_items(0)->set_item_id("Jane Doe"); }), kInvalid,
       "items[0].item_id: letters, digits"},
      {kDeepList, "worklist whose last of 500 ids repeats the first",
       Batch([](auto& r) { r.mutable_items(499)->set_item_id("row-0"); }, 500), kInvalid,
       "items[499].item_id: repeats items[0].item_id"},
      {kSizeLimit, "worklist of 2 items with 0.6 MiB of documentation each",
       Batch([](auto& r) {
         for (auto& item : *r.mutable_items()) {
           item.mutable_request()->mutable_documentation()->set_oral_antidepressant(
               std::string(600'000, 'z'));
         }
       }, 2),
       kExhausted, kTooLarge},
  };
  return c;
}

}  // namespace estimator::e2e
