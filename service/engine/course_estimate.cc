#include "service/engine/course_estimate.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "service/common/dates.h"
#include "service/common/money.h"
#include "service/common/status_macros.h"
#include "service/engine/course_context.h"
#include "service/engine/course_schedule.h"
#include "service/engine/estimate_notices.h"
#include "service/engine/estimate_range.h"
#include "service/engine/plain_language.h"
#include "service/engine/readiness.h"
#include "service/engine/request_validation.h"
#include "service/engine/session_pricing.h"

namespace estimator {
namespace {

// The patient's documentation, when the request carries it, and the day it is judged on.
struct DocumentationInput {
  const v1::PatientDocumentation* documentation = nullptr;
  absl::CivilDay as_of;
};

// ---- lines and totals --------------------------------------------------------------------------

// The estimate's billed_items: each (code, description) once, in order of first use, so that a
// line names what it bills by index instead of repeating the words (a Spravato line bills four
// codes; their descriptions were half of a year's estimate). Items come from fee and self-pay
// entries of the immutable rule set, remembered by the address of their description; the same
// words in another plan version's file are the same item.
class BilledItems {
 public:
  explicit BilledItems(v1::CourseEstimate& e) : items_(*e.mutable_billed_items()) {}

  int IndexOf(absl::string_view code, const std::string& description) {
    for (const auto& [seen, index] : seen_) {
      if (seen == &description) return index;
    }
    int index = 0;
    while (index < items_.size() &&
           (items_[index].code() != code || items_[index].description() != description)) {
      ++index;
    }
    if (index == items_.size()) {
      v1::BilledItem& item = *items_.Add();
      item.set_code(std::string(code));
      item.set_description(description);
    }
    seen_.emplace_back(&description, index);
    return index;
  }

 private:
  google::protobuf::RepeatedPtrField<v1::BilledItem>& items_;
  absl::InlinedVector<std::pair<const std::string*, int>, 8> seen_;
};

// What one line costs whom: the one place a line's money is worked out from its price and share.
struct LineAmounts {
  int session_number = 0;
  bool covered = false;
  Money billed, allowed, copay, deductible, coinsurance, balance_billed, not_covered, patient,
      payer;
};

LineAmounts AmountsOf(const PricedLine& line, const LineShare& share) {
  LineAmounts a;
  a.session_number = line.session->number;
  a.covered = line.covered;
  a.billed = line.billed;
  if (!line.covered) {
    a.not_covered = line.billed;
    a.patient = line.billed;
    return a;
  }
  a.allowed = line.allowed;
  a.copay = share.copay;
  a.deductible = share.deductible;
  a.coinsurance = share.coinsurance;
  a.balance_billed = line.billed - line.allowed;
  a.patient = share.patient() + a.balance_billed;
  a.payer = line.allowed - share.patient();
  return a;
}

// Sums of lines, kept as plain integers while adding and written to a Totals message once.
class TotalsBuilder {
 public:
  void Add(const LineAmounts& line) {
    if (line.session_number != last_session_) {
      last_session_ = line.session_number;
      ++sessions_scheduled_;
      if (line.covered) ++sessions_covered_;
    }
    billed_ += line.billed;
    allowed_ += line.allowed;
    copay_ += line.copay;
    deductible_ += line.deductible;
    coinsurance_ += line.coinsurance;
    balance_billed_ += line.balance_billed;
    not_covered_ += line.not_covered;
    patient_ += line.patient;
    payer_ += line.payer;
  }
  void WriteTo(v1::Totals& t) const {
    t.set_sessions_scheduled(sessions_scheduled_);
    t.set_sessions_covered(sessions_covered_);
    t.set_billed_cents(billed_.cents());
    t.set_allowed_cents(allowed_.cents());
    t.set_copay_cents(copay_.cents());
    t.set_deductible_cents(deductible_.cents());
    t.set_coinsurance_cents(coinsurance_.cents());
    t.set_balance_billed_cents(balance_billed_.cents());
    t.set_not_covered_cents(not_covered_.cents());
    t.set_patient_cents(patient_.cents());
    t.set_payer_cents(payer_.cents());
  }

 private:
  int last_session_ = 0;
  int32_t sessions_scheduled_ = 0;
  int32_t sessions_covered_ = 0;
  Money billed_, allowed_, copay_, deductible_, coinsurance_, balance_billed_, not_covered_,
      patient_, payer_;
};

// Writes the course, phase and plan-year totals into `e`, and with `with_lines` the lines and
// their billed items. The totals are summed from the same amounts either way.
void WriteLines(const PricedCourse& priced, const std::vector<LineShare>& shares, bool with_lines,
                v1::CourseEstimate& e) {
  BilledItems items(e);
  TotalsBuilder course;
  // A course has a few phases and plan years: a key's totals are found by a look along a short
  // vector, and written in key order (phases by Phase value, which is course order).
  absl::InlinedVector<std::pair<int, TotalsBuilder>, 4> phases;
  absl::InlinedVector<std::pair<absl::CivilDay, TotalsBuilder>, 4> plan_years;
  auto totals_of = [](auto& totals, auto key) -> TotalsBuilder& {
    for (auto& [k, builder] : totals) {
      if (k == key) return builder;
    }
    return totals.emplace_back(key, TotalsBuilder()).second;
  };
  // Lines come in date order, so runs of lines share a phase and a plan year: look each up once
  // per run, and format the plan year's start once.
  TotalsBuilder* phase = nullptr;
  TotalsBuilder* plan_year = nullptr;
  std::string year_text;
  if (with_lines) e.mutable_lines()->Reserve(static_cast<int>(priced.lines.size()));
  for (size_t i = 0; i < priced.lines.size(); ++i) {
    const PricedLine& p = priced.lines[i];
    const ScheduledSession& s = *p.session;
    // (Adding a key moves the vector's entries: the pointer into it is taken anew right after.)
    if (i == 0 || s.phase != priced.lines[i - 1].session->phase) {
      phase = &totals_of(phases, static_cast<int>(s.phase));
    }
    if (i == 0 || p.plan_year != priced.lines[i - 1].plan_year) {
      plan_year = &totals_of(plan_years, p.plan_year);
      year_text = FormatDate(p.plan_year);
    }
    const LineAmounts a = AmountsOf(p, shares[i]);
    course.Add(a);
    phase->Add(a);
    plan_year->Add(a);
    if (!with_lines) continue;

    v1::EstimateLine& line = *e.add_lines();
    line.set_session_number(s.number);
    line.set_date(FormatDate(s.date));
    line.set_phase(s.phase);
    line.set_dose_mg(s.dose_mg);
    line.set_plan_year_start(year_text);
    for (const PricedCode& c : p.codes) {
      v1::BillingCode& code = *line.add_codes();
      if (!c.code.empty()) code.set_code(std::string(c.code));
      code.set_item(items.IndexOf(c.code, *c.description));
      code.set_units(c.units);
      code.set_allowed_cents(c.allowed.cents());
    }
    if (!p.covered) {
      line.set_not_covered_reason(p.reason);
      line.set_not_covered_explanation(std::string(p.explanation));
    } else {
      line.set_covered(true);
      line.set_benefit(p.benefit);
      line.set_allowed_cents(a.allowed.cents());
      line.set_copay_cents(a.copay.cents());
      line.set_deductible_cents(a.deductible.cents());
      line.set_coinsurance_cents(a.coinsurance.cents());
      line.set_balance_billed_cents(a.balance_billed.cents());
      line.set_payer_cents(a.payer.cents());
    }
    line.set_billed_cents(a.billed.cents());
    line.set_not_covered_cents(a.not_covered.cents());
    line.set_patient_cents(a.patient.cents());
  }
  course.WriteTo(*e.mutable_totals());
  auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  std::sort(phases.begin(), phases.end(), by_key);
  std::sort(plan_years.begin(), plan_years.end(), by_key);
  for (const auto& [phase_value, builder] : phases) {
    v1::PhaseTotal& t = *e.add_phase_totals();
    t.set_phase(static_cast<v1::Phase>(phase_value));
    builder.WriteTo(*t.mutable_totals());
  }
  for (const auto& [start, builder] : plan_years) {
    v1::PlanYearTotal& t = *e.add_plan_year_totals();
    t.set_plan_year_start(FormatDate(start));
    builder.WriteTo(*t.mutable_totals());
  }
}

// The course totals of priced lines, without writing lines.
void WriteTotals(const PricedCourse& priced, const std::vector<LineShare>& shares,
                 v1::Totals& totals) {
  TotalsBuilder course;
  for (size_t i = 0; i < priced.lines.size(); ++i) {
    course.Add(AmountsOf(priced.lines[i], shares[i]));
  }
  course.WriteTo(totals);
}

// ---- the course --------------------------------------------------------------------------------

// Prices the schedule under `coverage`, with the amounts the request says were met (their
// notices said once, to `notices`).
absl::StatusOr<std::pair<PricedCourse, std::vector<LineShare>>> PriceCourse(
    const CourseContext& ctx, const SessionPrices& prices, const CoverageAssumptions& coverage,
    Notices& notices) {
  ASSIGN_OR_RETURN(PricedCourse priced, prices.Cover(coverage));
  const MetBefore before = MetFromRequest(ctx, priced, coverage, notices);
  if (priced.unpublished_from != nullptr) UnpublishedAmountsNotice(priced, notices);
  std::vector<LineShare> shares = ShareCosts(ctx, priced, before);
  return std::make_pair(std::move(priced), std::move(shares));
}

// What the plain-language summary needs beyond the estimate itself.
SummaryFacts FactsFor(const CourseContext& ctx, const PricedCourse& priced,
                      const v1::CourseEstimate& e) {
  SummaryFacts facts;
  if (!priced.lines.empty()) {
    facts.first_session = FormatDate(priced.lines.front().session->date);
    facts.last_session = FormatDate(priced.lines.back().session->date);
  }
  if (ctx.insurance == nullptr) return facts;
  const v1::TreatmentPolicy& policy = *ctx.start_version->Policy(ctx.treatment);
  facts.prior_auth_required =
      policy.has_covered() && PriorAuthRequiredIn(policy.covered(), ctx.network());
  const std::vector<absl::CivilDay> later = LaterCoveredPlanYears(priced);
  if (!later.empty()) {
    facts.new_plan_year = FormatDate(later.front());
    facts.new_plan_year_resets = PlanYearResetWords(ctx, priced, later.front());
  }
  return facts;
}

// The warnings that hold for the if-approved figure (plan years, limits, balance billing, plan
// notes...), marked as such and placed after the estimate's own. They are worked out on a scratch
// estimate of the approved lines, whose coverage status is the plan's decision before the
// documentation was judged.
void AddIfApprovedNotices(const CourseContext& ctx,
                          const std::pair<PricedCourse, std::vector<LineShare>>& approved,
                          v1::CoverageStatus decided,
                          google::protobuf::RepeatedPtrField<v1::Notice>& said,
                          v1::CourseEstimate& e) {
  v1::CourseEstimate scratch;
  scratch.mutable_coverage()->set_status(decided);
  WriteLines(approved.first, approved.second, /*with_lines=*/false, scratch);
  Notices if_approved(&said, /*about_if_approved=*/true);
  AddCourseWarnings(ctx, approved.first, scratch, if_approved);
  for (v1::Notice& n : said) *e.add_notices() = std::move(n);
}


// Fills `e`, which may live on an arena; on error `e` holds a partial answer.
absl::Status EstimateOne(const RuleSet& rules, const v1::Coverage& coverage,
                         const ClinicRules& clinic, absl::CivilDay start,
                         const v1::CourseOptions& course, const std::string& field,
                         const DocumentationInput& documentation, v1::EstimateView view,
                         v1::CourseEstimate& e) {
  Notices notices(e.mutable_notices());
  CourseContext ctx;
  ctx.clinic = &clinic;
  ctx.start = start;
  RETURN_IF_ERROR(ResolveCourse(rules, course, field, ctx, notices));
  if (coverage.has_insurance()) {
    RETURN_IF_ERROR(ResolveInsurance(rules, coverage.insurance(), ctx, notices));
  }
  RETURN_IF_ERROR(ResolveDrugBenefit(course, field, ctx, notices));

  ScheduleRequest schedule;
  schedule.protocol = ctx.protocol;
  schedule.start = start;
  schedule.dose_mg = ctx.dose_mg;
  schedule.maintenance_months = ctx.maintenance_months;
  schedule.maintenance_frequency = ctx.maintenance_frequency;
  schedule.is_open = [&clinic](int64_t day) { return clinic.IsOpenOnDayNumber(day); };
  ASSIGN_OR_RETURN(std::vector<ScheduledSession> sessions, BuildSchedule(schedule));

  e.set_treatment(ctx.treatment);
  e.set_protocol_id(ctx.protocol->protocol_id());
  e.set_protocol_name(ctx.protocol->name());
  e.set_clinic_name(clinic.clinic.name());
  e.set_dose_mg(ctx.dose_mg);
  e.set_drug_benefit(ctx.drug_benefit);
  WriteCoverageDecision(ctx, e);

  const SessionPrices prices = SessionPrices::Build(ctx, sessions);
  CoverageAssumptions assume;
  assume.plan_year_month = ctx.plan_year_month;
  assume.plan_year_day = ctx.plan_year_day;
  // With documentation, a covered treatment with criteria is quoted as covered only when they are
  // shown to be met; otherwise at self-pay prices, with the approved figures beside them.
  const v1::CoverageStatus decided = e.coverage().status();
  std::optional<std::pair<PricedCourse, std::vector<LineShare>>> approved;
  google::protobuf::RepeatedPtrField<v1::Notice> approved_notices;
  if (documentation.documentation != nullptr &&
      (decided == v1::COVERAGE_STATUS_COVERED ||
       decided == v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH) &&
      ctx.start_version->Policy(ctx.treatment)->covered().has_criteria()) {
    AssessReadinessInto(rules, *ctx.start_version, ctx.treatment, ctx.network(),
                        *documentation.documentation,
                        documentation.as_of, *e.mutable_readiness());
    if (e.readiness().coverage() != v1::COVERAGE_REQUIREMENT_COVERED) {
      // The if-approved figure: the same schedule priced as covered, with its own notices.
      Notices if_approved(&approved_notices, /*about_if_approved=*/true);
      ASSIGN_OR_RETURN(approved, PriceCourse(ctx, prices, assume, if_approved));
      WriteTotals(approved->first, approved->second, *e.mutable_if_approved());
      assume.criteria_not_met = true;
      e.mutable_coverage()->set_status(v1::COVERAGE_STATUS_CRITERIA_NOT_MET);
      e.mutable_coverage()->set_explanation(absl::StrCat(
          TreatmentName(ctx.treatment), " is covered only when ",
          ctx.start_version->plan.payer_name(), "'s criteria are met; the documentation does "
          "not show that yet. ", e.readiness().summary()));
    }
  }
  AddCourseAssumptions(ctx, sessions, e, notices);
  ASSIGN_OR_RETURN(auto priced, PriceCourse(ctx, prices, assume, notices));
  WriteLines(priced.first, priced.second, view != v1::ESTIMATE_VIEW_SUMMARY, e);
  AddCourseWarnings(ctx, priced.first, e, notices);
  if (approved) AddIfApprovedNotices(ctx, *approved, decided, approved_notices, e);
  RETURN_IF_ERROR(WritePatientRange(ctx, prices, assume, &priced.first, e.coverage().status(),
                                    Money::Cents(e.totals().patient_cents()),
                                    *e.mutable_patient_range()));
  e.set_plain_summary(
      PatientSummary(e, FactsFor(ctx, approved ? approved->first : priced.first, e)));
  return absl::OkStatus();
}

absl::StatusOr<const ClinicRules*> FindClinic(const RuleSet& rules, const std::string& id) {
  const ClinicRules* clinic = rules.FindClinic(id);
  if (clinic == nullptr) {
    return absl::NotFoundError(absl::StrCat("clinic_id: no clinic '", id,
                                            "' in the rules (see ListPayers)"));
  }
  return clinic;
}

// Validates the request's documentation, if any, and says which day it is judged on.
absl::StatusOr<DocumentationInput> DocumentationOf(bool present,
                                                   const v1::PatientDocumentation& documentation,
                                                   absl::CivilDay today) {
  if (!present) return DocumentationInput{};
  RETURN_IF_ERROR(ValidateDocumentation(documentation, "documentation", today));
  return DocumentationInput{&documentation, AsOfDay(documentation, today)};
}

}  // namespace

absl::Status EstimateCourseInto(const RuleSet& rules, const v1::EstimateCourseRequest& request,
                                absl::CivilDay today, v1::EstimateCourseResponse& response) {
  ASSIGN_OR_RETURN(const absl::CivilDay start, ValidateEstimateCourseRequest(request));
  ASSIGN_OR_RETURN(const DocumentationInput documentation,
                   DocumentationOf(request.has_documentation(), request.documentation(), today));
  ASSIGN_OR_RETURN(const ClinicRules* clinic, FindClinic(rules, request.clinic_id()));
  RETURN_IF_ERROR(EstimateOne(rules, request.coverage(), *clinic, start, request.course(),
                              "course", documentation, request.view(),
                              *response.mutable_estimate()));
  response.set_rule_set_version(rules.version());
  return absl::OkStatus();
}

absl::StatusOr<v1::EstimateCourseResponse> EstimateCourse(const RuleSet& rules,
                                                          const v1::EstimateCourseRequest& request,
                                                          absl::CivilDay today) {
  v1::EstimateCourseResponse response;
  RETURN_IF_ERROR(EstimateCourseInto(rules, request, today, response));
  return response;
}

absl::Status CompareTreatmentsInto(const RuleSet& rules,
                                   const v1::CompareTreatmentsRequest& request,
                                   absl::CivilDay today, v1::CompareTreatmentsResponse& response) {
  ASSIGN_OR_RETURN(const absl::CivilDay start, ValidateCompareTreatmentsRequest(request));
  ASSIGN_OR_RETURN(const DocumentationInput documentation,
                   DocumentationOf(request.has_documentation(), request.documentation(), today));
  ASSIGN_OR_RETURN(const ClinicRules* clinic, FindClinic(rules, request.clinic_id()));
  std::vector<v1::CourseOptions> courses(request.courses().begin(), request.courses().end());
  if (courses.empty()) {
    for (int t : clinic->clinic.offered_treatments()) {
      courses.emplace_back().set_treatment(static_cast<v1::Treatment>(t));
    }
  }
  for (size_t i = 0; i < courses.size(); ++i) {
    RETURN_IF_ERROR(EstimateOne(rules, request.coverage(), *clinic, start, courses[i],
                                absl::StrCat("courses[", i, "]"), documentation,
                                request.view(), *response.add_estimates()));
  }
  std::vector<const v1::CourseEstimate*> estimates;
  for (const auto& e : response.estimates()) estimates.push_back(&e);
  response.set_summary(ComparisonSummary(estimates));
  response.set_rule_set_version(rules.version());
  return absl::OkStatus();
}

absl::StatusOr<v1::CompareTreatmentsResponse> CompareTreatments(
    const RuleSet& rules, const v1::CompareTreatmentsRequest& request, absl::CivilDay today) {
  v1::CompareTreatmentsResponse response;
  RETURN_IF_ERROR(CompareTreatmentsInto(rules, request, today, response));
  return response;
}

}  // namespace estimator
