// Which sessions a rule entry (a fee, a self-pay price) applies to. Shared by the validator, which
// checks that every session a course can produce is priced, and the engine, which prices them.
#ifndef ESTIMATOR_RULES_SESSION_MATCH_H_
#define ESTIMATOR_RULES_SESSION_MATCH_H_

#include <vector>

#include "estimator/v1/rules.pb.h"

namespace estimator {

// What a rule can know about one scheduled session.
struct SessionFacts {
  bool first = false;                     // first session of the course
  v1::Phase phase = v1::PHASE_UNSPECIFIED;
  int dose_mg = 0;                        // 0 when the treatment has no dose
  v1::Benefit drug_benefit = v1::BENEFIT_UNSPECIFIED;  // Spravato: where the drug goes
};

inline bool Matches(const v1::SessionMatch& match, const SessionFacts& s) {
  if (match.position() == v1::SESSION_POSITION_FIRST && !s.first) return false;
  if (match.position() == v1::SESSION_POSITION_LATER && s.first) return false;
  if (match.phases_size() > 0) {
    bool any = false;
    for (int p : match.phases()) any = any || p == s.phase;
    if (!any) return false;
  }
  if (match.min_dose_mg() > 0 && s.dose_mg < match.min_dose_mg()) return false;
  if (match.max_dose_mg() > 0 && s.dose_mg > match.max_dose_mg()) return false;
  if (match.drug_benefit() != v1::BENEFIT_UNSPECIFIED && match.drug_benefit() != s.drug_benefit) {
    return false;
  }
  return true;
}

// Every distinct kind of session `protocol` can schedule (first/later, each phase, each dose), for
// each of `drug_benefits` (or BENEFIT_UNSPECIFIED when empty). Maintenance sessions are included
// when `with_maintenance`.
std::vector<SessionFacts> PossibleSessions(const v1::TreatmentProtocol& protocol,
                                           const std::vector<v1::Benefit>& drug_benefits,
                                           bool with_maintenance);

}  // namespace estimator

#endif  // ESTIMATOR_RULES_SESSION_MATCH_H_
