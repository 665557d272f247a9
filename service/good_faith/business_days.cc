#include "service/good_faith/business_days.h"

#include "absl/strings/str_cat.h"
#include "service/common/dates.h"

namespace estimator {

int BusinessDaysBetween(const ClinicRules& clinic, absl::CivilDay from, absl::CivilDay to) {
  int n = 0;
  for (absl::CivilDay d = from + 1; d <= to; ++d) n += clinic.IsOpen(d) ? 1 : 0;
  return n;
}

absl::CivilDay NthBusinessDayAfter(const ClinicRules& clinic, absl::CivilDay from, int n) {
  absl::CivilDay d = from;
  // A clinic is open on some weekday of every year it can be quoted in (the rule files need at
  // least that to schedule a course), so this ends.
  for (int found = 0; found < n;) {
    ++d;
    if (clinic.IsOpen(d)) ++found;
  }
  return d;
}

v1::GfeDeadline GoodFaithEstimateDeadline(const ClinicRules& clinic,
                                          std::optional<absl::CivilDay> scheduled_on,
                                          absl::CivilDay first_session,
                                          absl::CivilDay requested_on) {
  v1::GfeDeadline out;
  if (!scheduled_on) {
    const absl::CivilDay due = NthBusinessDayAfter(clinic, requested_on, 3);
    out.set_required(true);
    out.set_due_by(FormatDate(due));
    out.set_explanation(absl::StrCat(
        "Asked for on ", FormatDate(requested_on),
        " without scheduling: due within 3 business days of the request, by ", FormatDate(due),
        "."));
    return out;
  }
  const int ahead = BusinessDaysBetween(clinic, *scheduled_on, first_session);
  out.set_business_days_ahead(ahead);
  const std::string when = absl::StrCat("Scheduled on ", FormatDate(*scheduled_on),
                                        " for a first session on ", FormatDate(first_session),
                                        ", ", ahead, ahead == 1 ? " business day" : " business days",
                                        " ahead");
  if (ahead < 3) {
    out.set_required(false);
    out.set_explanation(absl::StrCat(
        when, ": fewer than 3 business days, so no Good Faith Estimate is required at scheduling "
              "(this one is given anyway)."));
    return out;
  }
  const int within = ahead >= 10 ? 3 : 1;
  const absl::CivilDay due = NthBusinessDayAfter(clinic, *scheduled_on, within);
  out.set_required(true);
  out.set_due_by(FormatDate(due));
  out.set_explanation(absl::StrCat(
      when, ": at least ", ahead >= 10 ? 10 : 3, " business days, so due within ", within,
      within == 1 ? " business day" : " business days", " of scheduling, by ", FormatDate(due),
      "."));
  return out;
}

}  // namespace estimator
