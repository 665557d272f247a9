// Prices a course's sessions over plain structs (no protobuf), so that the estimate, its
// if-approved figure and the ends of its range price the same schedule through the same code:
//
//   1. SessionPrices::Build: each session priced once both ways, as the plan would pay it (codes,
//      billed and allowed amounts, cost-sharing terms) and at the clinic's self-pay price, with
//      what the plan decides regardless of counts (policy, network, protocol, maintenance).
//   2. SessionPrices::Cover: which sessions are covered under a set of assumptions (criteria,
//      plan-year start, session limits, progress conditions): cheap, run once per scenario.
//   3. ShareCosts: splits every covered line between patient and plan in date order, with one
//      running accumulator per plan year and set of accumulators (see AccumulatorSet).
//
//   ASSIGN_OR_RETURN(SessionPrices prices, SessionPrices::Build(ctx, sessions));
//   ASSIGN_OR_RETURN(PricedCourse priced, prices.Cover(coverage));
//   std::vector<LineShare> shares = ShareCosts(ctx, priced, met);
#ifndef ESTIMATOR_ENGINE_SESSION_PRICING_H_
#define ESTIMATOR_ENGINE_SESSION_PRICING_H_

#include <optional>
#include <string>
#include <memory>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "service/common/money.h"
#include "service/engine/cost_sharing.h"
#include "service/engine/course_context.h"
#include "service/engine/course_schedule.h"

namespace estimator {

// Which deductible and out-of-pocket maximum a covered line counts toward.
// Which accumulators a line counts toward is the plan's to say: medical lines count toward the
// amounts of the request's network; pharmacy lines toward what PharmacyBenefit.accumulators names
// (the in-network amounts also on an out-of-network request, or amounts of their own).
enum class AccumulatorSet {
  kInNetwork = 0,         // the plan's in-network (medical) amounts
  kOutOfNetwork = 1,      // the plan's out-of-network amounts
  kPharmacySeparate = 2,  // the pharmacy benefit's own amounts
};
inline constexpr int kAccumulatorSets = 3;

// One billing code (or self-pay item, with an empty code) of a line.
struct PricedCode {
  absl::string_view code;           // into the rule set
  const std::string* description;   // into the rule set; identifies the billed item
  int units = 1;
  Money allowed;                    // 0 on an uncovered line
};

// One line: one session under one benefit (a Spravato session under the pharmacy benefit has two).
struct PricedLine {
  const ScheduledSession* session = nullptr;
  absl::CivilDay plan_year;         // start of the plan year the session falls in
  bool covered = false;
  // Covered lines only.
  v1::Benefit benefit = v1::BENEFIT_UNSPECIFIED;
  const PlanVersion* version = nullptr;
  LineTerms terms;
  AccumulatorSet accumulators = AccumulatorSet::kInNetwork;
  // The request's verified benefits replace the plan's amounts on this line.
  bool verified = false;
  // Uncovered lines only (the words live in the SessionPrices that made the line).
  v1::NotCoveredReason reason = v1::NOT_COVERED_REASON_UNSPECIFIED;
  absl::string_view explanation;
  Money billed;                     // uncovered: the self-pay price
  Money allowed;                    // uncovered: 0
  // Into the SessionPrices that made the line.
  absl::Span<const PricedCode> codes;
};

// What is assumed about coverage when pricing.
struct CoverageAssumptions {
  // The documentation does not show the plan's criteria are met: no session is covered.
  bool criteria_not_met = false;
  // Sessions the plan covers only on a documented condition (TreatmentCovered.
  // conditional_sessions) are covered: the condition will be documented.
  bool conditional_sessions_met = true;
  int plan_year_month = 1;
  int plan_year_day = 1;
};

struct PricedCourse {
  std::vector<PricedLine> lines;  // in date order
  // Session numbers, for the estimate's warnings.
  std::vector<int> over_limit;
  std::vector<int> maintenance_excluded;
  std::vector<int> no_rules;
  // Covered only on the plan's documented condition (conditional_sessions_met), and that condition.
  std::vector<int> conditional;
  const v1::ConditionalSessions* condition = nullptr;
  // The plan limits sessions (per course or per plan year), and per plan year.
  bool session_limits = false;
  bool plan_year_limits = false;
  // The first covered session priced with amounts past their publication date, and its version.
  const ScheduledSession* unpublished_from = nullptr;
  const PlanVersion* unpublished_version = nullptr;
};

// A schedule's sessions priced once; covered under any assumptions as often as needed. Keeps
// pointers to `ctx` and `sessions`, which must outlive it, as PricedCourses made by Cover must
// not outlive it.
class SessionPrices {
 public:
  static SessionPrices Build(const CourseContext& ctx,
                             absl::Span<const ScheduledSession> sessions);

  // Errors: FAILED_PRECONDITION when the rules cannot price a session the assumptions need
  // (no fee matches it; no clinic charge for an out-of-network code; no self-pay price).
  absl::StatusOr<PricedCourse> Cover(const CoverageAssumptions& coverage) const;

  // `base` (made by Cover) as Cover would make it under `coverage`, which differs from base's
  // assumptions only in the plan year's start: when no decision can depend on the plan year (no
  // per-plan-year limit), the lines keep their coverage and get their plan years and verified
  // terms again, instead of every session being decided and copied anew; Cover otherwise.
  absl::StatusOr<PricedCourse> WithPlanYear(const PricedCourse& base,
                                            const CoverageAssumptions& coverage) const;

  // What the patient pays when nothing is covered (Cover with criteria_not_met): every session at
  // the clinic's self-pay price, summed without making the lines; Cover's error if one has none.
  absl::StatusOr<Money> SelfPayTotal() const;

 private:
  // Why a covered session is not covered when over a limit or without the progress condition: the
  // same words for every session under the same terms, so made once per terms.
  struct LimitWords {
    std::string over_course_limit, over_year_limit, without_condition;
  };
  // One kind of session as Build prices it: every session with the same plan version and facts
  // (first or not, phase, dose) is priced the same. Its lines' `session` is the kind's first
  // session: Cover and AddUncoveredLine point the copies they make at their own session.
  struct Session {
    // What the plan decides whatever the counts: covered means covered within its limits.
    bool covered = false;
    v1::NotCoveredReason reason = v1::NOT_COVERED_REASON_UNSPECIFIED;
    absl::string_view explanation;                // not covered: into the rules, or words_
    const v1::TreatmentCovered* terms = nullptr;  // covered
    const PlanVersion* version = nullptr;         // covered
    // Covered: the medical line (and the pharmacy drug line), with terms as the plan has them
    // and as the request's verified benefits make them, and why they could not be priced.
    absl::InlinedVector<PricedLine, 2> lines;
    absl::InlinedVector<LineTerms, 2> verified_terms;
    absl::Status lines_status;
    // The clinic's self-pay price of the session, and why it could not be priced.
    PricedLine self_pay;
    absl::Status self_pay_status;
    // Covered: why the session is not covered when over a limit or without the progress condition.
    const LimitWords* limit_words = nullptr;
    // Where each line's codes are in codes_ (first, count): lines, then the self-pay line.
    absl::InlinedVector<std::pair<size_t, size_t>, 3> code_ranges;
  };
  SessionPrices() = default;
  const LimitWords* LimitWordsOf(const v1::TreatmentCovered& c);

  // Cover's two outcomes for one session: its covered lines, or its line at the self-pay price
  // (with the session named in the estimate's warnings).
  void AddCoveredLines(const Session& priced, const ScheduledSession& s, absl::CivilDay year,
                       absl::CivilDay start_year, PricedCourse& out) const;
  // Line `i` of `priced` (its plan_year set): the plan's terms, or the request's verified
  // benefits where they apply to that plan year.
  void SetTerms(const Session& priced, size_t i, absl::CivilDay start_year,
                PricedLine& line) const;
  static absl::Status AddUncoveredLine(const Session& priced, const ScheduledSession& s,
                                       absl::CivilDay year,
                                       v1::NotCoveredReason reason, absl::string_view explanation,
                                       PricedCourse& out);

 public:
  // Lines point into codes_: moving keeps them valid, copying would not.
  SessionPrices(SessionPrices&&) = default;
  SessionPrices& operator=(SessionPrices&&) = default;
  SessionPrices(const SessionPrices&) = delete;
  SessionPrices& operator=(const SessionPrices&) = delete;

 private:
  const CourseContext* ctx_ = nullptr;
  absl::Span<const ScheduledSession> schedule_;
  std::vector<Session> kinds_;     // each kind of session of the schedule, priced once
  std::vector<uint32_t> kind_of_;  // per session of the schedule: its index in kinds_
  std::vector<PricedCode> codes_;  // every line's codes, once per kind of session
  // Explanations made for this course (most are the rule files' own words), at stable addresses.
  std::vector<std::unique_ptr<std::string>> words_;
  // The limit words of each terms met (a course meets one or two), at stable addresses.
  std::vector<std::pair<const v1::TreatmentCovered*, std::unique_ptr<LimitWords>>> limit_words_;
};

// What the patient had met before the course, per set of accumulators, in the plan year it
// applies to (amounts in other plan years start at 0).
struct MetBefore {
  absl::CivilDay plan_year;
  MetSoFar met[kAccumulatorSets];
};

// The limits of the set of accumulators a covered line counts toward, after any verified
// overrides that apply to its plan year.
PlanYearLimits LimitsOf(const CourseContext& ctx, const PricedLine& line);

// The patient's share of each line of `priced` (zero on uncovered lines), in line order.
std::vector<LineShare> ShareCosts(const CourseContext& ctx, const PricedCourse& priced,
                                  const MetBefore& before);
// What the patient pays for the whole of `priced` (cost sharing, balance billing and uncovered
// lines): the sum ShareCosts' lines would give, without keeping them.
Money PatientTotal(const CourseContext& ctx, const PricedCourse& priced, const MetBefore& before);

// The first covered line of `priced`, or nullptr.
const PricedLine* FirstCoveredLine(const PricedCourse& priced);

// The plan years after the first line's in which `priced` has a covered line, in date order:
// where a course crosses into a new plan year that matters.
std::vector<absl::CivilDay> LaterCoveredPlanYears(const PricedCourse& priced);

// The plan year start on or before `day` for a plan year starting on month/day.
absl::CivilDay PlanYearOf(absl::CivilDay day, const CoverageAssumptions& coverage);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_SESSION_PRICING_H_
