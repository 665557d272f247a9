// A clinic's business days, and when a Good Faith Estimate is due (45 CFR 149.610(b)(1)(ii)).
//
// A business day is a weekday the clinic is open: not a Saturday or Sunday, not one of its closed
// dates, not a federal holiday it observes (ClinicRules::IsOpen).
//
//   GfeDeadline d = GoodFaithEstimateDeadline(clinic, /*scheduled_on=*/day(2026,12,7),
//                                             /*first_session=*/day(2026,12,14), /*requested_on=*/{});
//   // 5 business days ahead -> due within 1 business day of scheduling: d.due_by() == "2026-12-08"
#ifndef ESTIMATOR_GOOD_FAITH_BUSINESS_DAYS_H_
#define ESTIMATOR_GOOD_FAITH_BUSINESS_DAYS_H_

#include <optional>

#include "absl/time/civil_time.h"
#include "estimator/v1/quotes.pb.h"
#include "service/rules/rule_set.h"

namespace estimator {

// Business days in (from, to]: the days after `from` up to and including `to`. 0 when to <= from.
int BusinessDaysBetween(const ClinicRules& clinic, absl::CivilDay from, absl::CivilDay to);

// The n-th business day after `from` (n >= 1).
absl::CivilDay NthBusinessDayAfter(const ClinicRules& clinic, absl::CivilDay from, int n);

// When the estimate is due:
// - scheduled at least 10 business days before the first session: within 3 business days of
//   scheduling;
// - scheduled at least 3 business days before: within 1 business day of scheduling;
// - scheduled fewer than 3 business days before: not required at scheduling (said so);
// - not scheduled (`scheduled_on` absent): asked for, within 3 business days of `requested_on`.
v1::GfeDeadline GoodFaithEstimateDeadline(const ClinicRules& clinic,
                                          std::optional<absl::CivilDay> scheduled_on,
                                          absl::CivilDay first_session,
                                          absl::CivilDay requested_on);

}  // namespace estimator

#endif  // ESTIMATOR_GOOD_FAITH_BUSINESS_DAYS_H_
