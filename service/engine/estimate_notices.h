// What an estimate says in words besides its numbers: the coverage decision, and the assumptions
// and warnings a person needs to read it right. Each function adds what it knows once the facts
// it speaks of are computed; no money is computed here.
#ifndef ESTIMATOR_ENGINE_ESTIMATE_NOTICES_H_
#define ESTIMATOR_ENGINE_ESTIMATE_NOTICES_H_

#include <vector>

#include "estimator/v1/estimator.pb.h"
#include "service/engine/cost_sharing.h"
#include "service/engine/course_context.h"
#include "service/engine/course_schedule.h"
#include "service/engine/session_pricing.h"

namespace estimator {

// The plan's decision on the treatment as a whole (or self-pay), into e.coverage.
void WriteCoverageDecision(const CourseContext& ctx, v1::CourseEstimate& e);

// The amounts the request says were met, with the assumptions made for those it leaves out.
MetSoFar MetFromRequest(const CourseContext& ctx, const PlanVersion& version, Notices& notices);

// Sessions priced with amounts past the plan's publication date (priced.unpublished_from set).
void UnpublishedAmountsNotice(const PricedCourse& priced, Notices& notices);

// Assumptions about the course as a whole (tier, plan year, a start moved to an open day).
void AddCourseAssumptions(const CourseContext& ctx, const std::vector<ScheduledSession>& sessions,
                          const v1::CourseEstimate& e, Notices& notices);

// Warnings once the lines and totals are written: session limits, exclusions, plan years,
// prior authorization, balance billing, the Good Faith Estimate.
void AddCourseWarnings(const CourseContext& ctx, const PricedCourse& priced,
                       const v1::CourseEstimate& e, Notices& notices);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_ESTIMATE_NOTICES_H_
