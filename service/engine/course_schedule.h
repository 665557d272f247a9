// Turns a treatment protocol (data) into dated sessions: weekdays only, the clinic's closed days
// skipped, at most `sessions_per_week` in any Monday-Sunday week of a block, then maintenance.
//
//   ScheduleRequest r{protocol, start, /*dose_mg=*/84, /*months=*/12, MONTHLY, &is_open};
//   ASSIGN_OR_RETURN(std::vector<ScheduledSession> sessions, BuildSchedule(r));
#ifndef ESTIMATOR_ENGINE_COURSE_SCHEDULE_H_
#define ESTIMATOR_ENGINE_COURSE_SCHEDULE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "estimator/v1/rules.pb.h"

namespace estimator {

struct ScheduledSession {
  int number = 0;  // 1-based
  absl::CivilDay date;
  v1::Phase phase = v1::PHASE_UNSPECIFIED;
  int dose_mg = 0;  // 0 when the treatment has no dose
  bool first = false;
};

struct ScheduleRequest {
  const v1::TreatmentProtocol* protocol = nullptr;
  absl::CivilDay start;             // moved to the first open day on or after it
  int dose_mg = 0;                  // the course dose; the first session may differ (protocol)
  int maintenance_months = 0;       // 0-36
  v1::MaintenanceFrequency maintenance_frequency = v1::MAINTENANCE_FREQUENCY_UNSPECIFIED;
  // Whether the clinic is open on a day, given as its DayNumber (service/common/dates.h): a
  // weekday and not a closed day. Asked for every day a session is tried on.
  std::function<bool(int64_t day_number)> is_open;
};

// The course's sessions in date order. Fails only when the clinic is never open for a long
// stretch (more than a year without an open day), which validated rules cannot produce.
absl::StatusOr<std::vector<ScheduledSession>> BuildSchedule(const ScheduleRequest& request);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_COURSE_SCHEDULE_H_
