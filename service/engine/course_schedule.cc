#include "service/engine/course_schedule.h"

#include "absl/strings/str_cat.h"
#include "service/common/dates.h"
#include "service/common/status_macros.h"

namespace estimator {
namespace {

// Fewest calendar days between two sessions of a block: spreads 3 a week as Mon/Wed/Fri and
// 2 a week as Mon/Thu (Spravato's twice-weekly induction), 1 a week on the same weekday.
int MinGapDays(int sessions_per_week) {
  switch (sessions_per_week) {
    case 1: return 7;
    case 2: return 3;
    case 3: return 2;
    default: return 1;
  }
}

int64_t MondayOf(int64_t day) { return day - WeekdayOfDayNumber(day); }

// The first open day on or after `day`, or false after a year of closed days (`day` then says
// where the search started). Asked for every session: a bool, not a StatusOr, on the way.
bool NextOpenDay(int64_t& day, const std::function<bool(int64_t)>& is_open) {
  for (int i = 0; i < 366; ++i) {
    if (is_open(day + i)) {
      day += i;
      return true;
    }
  }
  return false;
}

absl::Status NoOpenDay(int64_t from) {
  return absl::FailedPreconditionError(absl::StrCat(
      "the clinic has no open weekday for a year from ", FormatDate(FromDayNumber(from))));
}

}  // namespace

// Days are day numbers while the schedule is laid out; a session's date is made once, when added.
absl::StatusOr<std::vector<ScheduledSession>> BuildSchedule(const ScheduleRequest& request) {
  const v1::TreatmentProtocol& protocol = *request.protocol;
  std::vector<ScheduledSession> sessions;
  // Room for every session up front: at most the blocks' sessions plus one a week of maintenance.
  int expected = 0;
  for (const v1::PhaseBlock& block : protocol.blocks()) expected += block.sessions();
  sessions.reserve(expected + request.maintenance_months * 5 + 1);
  const int64_t start = DayNumber(request.start);
  int64_t last = start;  // the day number of the last session added
  auto add = [&](int64_t day, v1::Phase phase) {
    ScheduledSession s;
    s.number = static_cast<int>(sessions.size()) + 1;
    // From the previous session's date: CivilDay normalizes a step of days cheaply, and a step of
    // decades (from the day numbers' 1970) year by year.
    s.date = sessions.empty() ? request.start + (day - start) : sessions.back().date + (day - last);
    last = day;
    s.phase = phase;
    s.first = sessions.empty();
    s.dose_mg = (s.first && protocol.first_session_dose_mg() > 0) ? protocol.first_session_dose_mg()
                                                                  : request.dose_mg;
    sessions.push_back(s);
  };

  // Sessions of every block count toward the week's cap, so a taper starting mid-week after the
  // acute phase never puts more than its own weekly frequency into a week it shares.
  int64_t week = MondayOf(start);
  int in_week = 0;
  for (const v1::PhaseBlock& block : protocol.blocks()) {
    const int gap = MinGapDays(block.sessions_per_week());
    for (int i = 0; i < block.sessions(); ++i) {
      // Each block spaces its sessions by its own frequency, from the previous session on.
      int64_t day = sessions.empty() ? start : last + gap;
      while (true) {
        if (!NextOpenDay(day, request.is_open)) return NoOpenDay(day);
        if (const int64_t monday = MondayOf(day); monday != week) {
          week = monday;
          in_week = 0;
        }
        if (in_week < block.sessions_per_week()) break;
        day = week + 7;  // this week is full: next Monday
      }
      add(day, block.phase());
      ++in_week;
    }
  }

  if (request.maintenance_months > 0 && !sessions.empty()) {
    const absl::CivilDay anchor = sessions.back().date;
    const absl::CivilDay end = AddMonths(anchor, request.maintenance_months);
    for (int k = 1;; ++k) {
      absl::CivilDay nominal;
      switch (request.maintenance_frequency) {
        case v1::MAINTENANCE_FREQUENCY_WEEKLY: nominal = anchor + 7 * k; break;
        case v1::MAINTENANCE_FREQUENCY_EVERY_OTHER_WEEK: nominal = anchor + 14 * k; break;
        case v1::MAINTENANCE_FREQUENCY_MONTHLY: nominal = AddMonths(anchor, k); break;
        default:
          return absl::InvalidArgumentError("maintenance frequency is required");
      }
      if (nominal > end) break;
      // A closed day moves the session forward, never onto or before the previous one.
      int64_t day = std::max(DayNumber(nominal), last + 1);
      if (!NextOpenDay(day, request.is_open)) return NoOpenDay(day);
      add(day, v1::PHASE_MAINTENANCE);
    }
  }
  return sessions;
}

}  // namespace estimator
