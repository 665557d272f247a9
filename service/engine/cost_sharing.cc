#include "service/engine/cost_sharing.h"

namespace estimator {

Money PlanYearAccumulator::RemainingDeductible() const {
  const Money individual = Max(Money::Zero(), limits_.deductible - met_.deductible);
  if (!limits_.family_deductible) return individual;
  const Money family = Max(Money::Zero(), *limits_.family_deductible - met_.family_deductible);
  if (limits_.family_kind == v1::FAMILY_DEDUCTIBLE_KIND_AGGREGATE) return family;
  return Min(individual, family);
}

std::optional<Money> PlanYearAccumulator::RemainingOutOfPocket() const {
  if (!limits_.out_of_pocket_max) return std::nullopt;
  Money remaining = Max(Money::Zero(), *limits_.out_of_pocket_max - met_.out_of_pocket);
  if (limits_.family_out_of_pocket_max) {
    // The individual maximum is embedded in the family one.
    remaining = Min(remaining, Max(Money::Zero(), *limits_.family_out_of_pocket_max -
                                                      met_.family_out_of_pocket));
  }
  return remaining;
}

LineShare PlanYearAccumulator::Apply(Money allowed, const LineTerms& terms) {
  LineShare share;
  share.copay = Min(terms.copay, allowed);
  if (terms.deductible_applies) {
    share.deductible = Min(RemainingDeductible(), allowed - share.copay);
  }
  share.coinsurance =
      (allowed - share.copay - share.deductible).ShareInBasisPoints(terms.coinsurance_bp);

  if (std::optional<Money> room = RemainingOutOfPocket(); room && share.patient() > *room) {
    // The maximum is reached during this line: trim what the patient would pay last first.
    Money excess = share.patient() - *room;
    for (Money* part : {&share.coinsurance, &share.deductible, &share.copay}) {
      const Money cut = Min(excess, *part);
      *part -= cut;
      excess -= cut;
    }
  }
  met_.deductible += share.deductible;
  met_.family_deductible += share.deductible;
  met_.out_of_pocket += share.patient();
  met_.family_out_of_pocket += share.patient();
  return share;
}

}  // namespace estimator
