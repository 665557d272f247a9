// Splits one covered line's allowed amount between patient and plan, in the order DOMAIN.md sets:
// copay -> deductible (up to what remains) -> coinsurance on the rest, with the patient's share
// capped by what remains of the out-of-pocket maximum *during* the line. The running totals of a
// plan year live in PlanYearAccumulator, so lines must be applied in date order.
//
// The one rounding step of a line is the coinsurance: amount x basis points / 10000, rounded
// half-up to the cent. Everything else is exact integer arithmetic.
//
//   PlanYearAccumulator year(limits, met_so_far);
//   LineShare share = year.Apply(Money::Cents(14000), terms);  // copay, deductible, coinsurance
#ifndef ESTIMATOR_ENGINE_COST_SHARING_H_
#define ESTIMATOR_ENGINE_COST_SHARING_H_

#include <optional>

#include "estimator/v1/rules.pb.h"
#include "service/common/money.h"

namespace estimator {

// The plan-year limits of one network tier, after any verified overrides.
struct PlanYearLimits {
  Money deductible;                          // individual
  std::optional<Money> family_deductible;    // only when the patient has family coverage
  v1::FamilyDeductibleKind family_kind = v1::FAMILY_DEDUCTIBLE_KIND_EMBEDDED;
  std::optional<Money> out_of_pocket_max;    // nullopt: no maximum (Original Medicare)
  std::optional<Money> family_out_of_pocket_max;
};

// How one line is shared.
struct LineTerms {
  Money copay;
  bool deductible_applies = true;
  int32_t coinsurance_bp = 0;
};

struct LineShare {
  Money copay;
  Money deductible;
  Money coinsurance;
  Money patient() const { return copay + deductible + coinsurance; }
};

// Amounts met before the first line of a plan year.
struct MetSoFar {
  Money deductible;
  Money out_of_pocket;
  Money family_deductible;
  Money family_out_of_pocket;
};

class PlanYearAccumulator {
 public:
  PlanYearAccumulator(const PlanYearLimits& limits, const MetSoFar& met)
      : limits_(limits), met_(met) {}

  // Shares `allowed` (>= 0) and records the patient's part toward the deductible and the
  // out-of-pocket maximum.
  LineShare Apply(Money allowed, const LineTerms& terms);

  Money RemainingDeductible() const;
  // nullopt when the plan has no out-of-pocket maximum.
  std::optional<Money> RemainingOutOfPocket() const;
  const MetSoFar& met() const { return met_; }

 private:
  PlanYearLimits limits_;
  MetSoFar met_;
};

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_COST_SHARING_H_
