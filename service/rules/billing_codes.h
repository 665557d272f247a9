// The billing-code catalog (codes/*.textproto) as the validator uses it: which CPT/HCPCS codes exist,
// for which treatments, and on which days. A plan's fee must use a known code that is valid for the
// whole time the plan version is in effect, so that a typo ("90688") or a retired code (S0013 in a
// 2026 plan) is caught when the file is loaded, not on a patient's bill.
#ifndef ESTIMATOR_RULES_BILLING_CODES_H_
#define ESTIMATOR_RULES_BILLING_CODES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "service/rules/located_problems.h"
#include "service/rules/rule_files.h"

namespace estimator {

class BillingCodes {
 public:
  // Validates the catalog files (required fields, dates, duplicates) into `p` and indexes them.
  static BillingCodes Build(const std::vector<RuleFile<v1::BillingCodeCatalog>>& catalogs,
                            Problems& p);

  // Reports, at `w.At(field)`, a code that is unknown, not for `treatment`, or not valid on every
  // day from `from` to `to` (nullopt: open-ended).
  void CheckFeeCode(const Where& w, absl::string_view field, const std::string& code,
                    v1::Treatment treatment, absl::CivilDay from,
                    std::optional<absl::CivilDay> to, Problems& p) const;
  // Reports a code that is not in the catalog at all (clinic charges, which are not dated).
  void CheckKnown(const Where& w, absl::string_view field, const std::string& code,
                  Problems& p) const;

 private:
  struct Code {
    const v1::BillingCodeDefinition* definition;
    std::optional<absl::CivilDay> valid_from, valid_to;
  };
  // "codes for TMS: 90867, 90868, 90869"
  std::string CodesFor(v1::Treatment treatment) const;

  bool loaded_ = false;
  std::map<std::string, Code> codes_;
};

}  // namespace estimator

#endif  // ESTIMATOR_RULES_BILLING_CODES_H_
