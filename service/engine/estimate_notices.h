// What an estimate says in words besides its numbers: the coverage decision, and the assumptions
// and warnings a person needs to read it right. Each function adds what it knows once the facts
// it speaks of are computed; no money is computed here.
#ifndef ESTIMATOR_ENGINE_ESTIMATE_NOTICES_H_
#define ESTIMATOR_ENGINE_ESTIMATE_NOTICES_H_

#include <array>
#include <string>
#include <vector>

#include "estimator/v1/estimator.pb.h"
#include "service/engine/cost_sharing.h"
#include "service/engine/course_context.h"
#include "service/engine/course_schedule.h"
#include "service/engine/session_pricing.h"

namespace estimator {

// The plan's decision on the treatment as a whole (or self-pay), into e.coverage.
void WriteCoverageDecision(const CourseContext& ctx, v1::CourseEstimate& e);

// The amounts the request says were met, per set of accumulators, in the plan year that contains
// the requested start, with the assumptions made for those it leaves out.
MetBefore MetFromRequest(const CourseContext& ctx, const PricedCourse& priced,
                         const CoverageAssumptions& coverage, Notices& notices);

// The accumulators a medical line of the request's network counts toward.
AccumulatorSet RequestedSet(const CourseContext& ctx);
// The first covered line of each set of accumulators in `plan_year` (nullptr where none).
std::array<const PricedLine*, kAccumulatorSets> FirstCoveredLines(const PricedCourse& priced,
                                                                  absl::CivilDay plan_year);

// Sessions priced with amounts past the plan's publication date (priced.unpublished_from set).
void UnpublishedAmountsNotice(const PricedCourse& priced, Notices& notices);

// Assumptions about the course as a whole (tier, plan year, a start moved to an open day).
void AddCourseAssumptions(const CourseContext& ctx, const std::vector<ScheduledSession>& sessions,
                          const v1::CourseEstimate& e, Notices& notices);

// What starts over in a new plan year for these limits: "deductible and out-of-pocket maximum",
// "deductible", "out-of-pocket maximum", or "" (neither: Medi-Cal, for instance).
std::string YearlyAmountsWords(const PlanYearLimits& limits);
// The same for the request's network in `plan_year` of a priced course ("" without a covered line).
std::string PlanYearResetWords(const CourseContext& ctx, const PricedCourse& priced,
                               absl::CivilDay plan_year);

// Warnings once the lines and totals are written: session limits, exclusions, plan years,
// prior authorization, balance billing, the Good Faith Estimate.
void AddCourseWarnings(const CourseContext& ctx, const PricedCourse& priced,
                       const v1::CourseEstimate& e, Notices& notices);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_ESTIMATE_NOTICES_H_
