#include "service/rules/session_match.h"

namespace estimator {

std::vector<SessionFacts> PossibleSessions(const v1::TreatmentProtocol& protocol,
                                           const std::vector<v1::Benefit>& drug_benefits,
                                           bool with_maintenance) {
  std::vector<int> doses(protocol.allowed_doses_mg().begin(), protocol.allowed_doses_mg().end());
  if (doses.empty()) doses.push_back(0);
  std::vector<v1::Benefit> benefits = drug_benefits;
  if (benefits.empty()) benefits.push_back(v1::BENEFIT_UNSPECIFIED);

  std::vector<v1::Phase> phases;
  for (const auto& block : protocol.blocks()) phases.push_back(block.phase());
  if (with_maintenance) phases.push_back(v1::PHASE_MAINTENANCE);

  std::vector<SessionFacts> out;
  for (v1::Benefit benefit : benefits) {
    if (!protocol.blocks().empty()) {
      const int first_dose =
          protocol.first_session_dose_mg() > 0 ? protocol.first_session_dose_mg() : -1;
      for (int dose : doses) {
        out.push_back({true, protocol.blocks(0).phase(), first_dose > 0 ? first_dose : dose,
                       benefit});
      }
    }
    for (v1::Phase phase : phases) {
      for (int dose : doses) out.push_back({false, phase, dose, benefit});
    }
  }
  return out;
}

}  // namespace estimator
