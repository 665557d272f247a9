#include "service/good_faith/dispute_check.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "service/common/dates.h"
#include "service/common/money.h"
#include "service/common/status_macros.h"
#include "service/good_faith/good_faith_estimate.h"

namespace estimator {
namespace {

// Bills above $10,000,000.00 are refused as typing mistakes, as amounts in estimate requests are.
constexpr int64_t kMaxBilledCents = 1'000'000'000;

std::string Dollars(int64_t cents) { return FormatMoney(Money::Cents(cents)); }

}  // namespace

absl::StatusOr<v1::CheckDisputeEligibilityResponse> CheckDispute(
    const v1::GoodFaithEstimate& gfe, const v1::CheckDisputeEligibilityRequest& request,
    absl::CivilDay today) {
  if (request.bill_date().empty()) return absl::InvalidArgumentError("bill_date is required (YYYY-MM-DD)");
  ASSIGN_OR_RETURN(absl::CivilDay billed_on, ParseDate(request.bill_date(), "bill_date"));
  if (billed_on > today) {
    return absl::InvalidArgumentError(absl::StrCat("bill_date: ", request.bill_date(), " is after today"));
  }
  if (request.bills().empty()) {
    return absl::InvalidArgumentError("bills: give what at least one provider billed");
  }
  const absl::CivilDay deadline = billed_on + kDisputeWindowDays;
  const bool in_time = today <= deadline;

  v1::CheckDisputeEligibilityResponse out;
  out.set_dispute_deadline(FormatDate(deadline));
  out.set_how_to_start(DisputeHowToStart());
  std::set<std::string> seen;
  for (int i = 0; i < request.bills_size(); ++i) {
    const v1::ProviderBill& bill = request.bills(i);
    const v1::GfeProvider* provider = nullptr;
    for (const v1::GfeProvider& p : gfe.providers()) {
      if (p.npi() == bill.npi()) provider = &p;
    }
    if (provider == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bills[", i, "].npi: '", bill.npi().substr(0, 16),
          "' is not the NPI of a provider on this Good Faith Estimate"));
    }
    if (!seen.insert(bill.npi()).second) {
      return absl::InvalidArgumentError(absl::StrCat("bills[", i, "].npi: ", bill.npi(),
                                                     " is given twice; give each provider's total once"));
    }
    if (bill.billed_cents() < 0 || bill.billed_cents() > kMaxBilledCents) {
      return absl::InvalidArgumentError(absl::StrCat("bills[", i, "].billed_cents: ", bill.billed_cents(),
                                                     " is outside 0 to 1000000000 ($10,000,000.00)"));
    }
    v1::ProviderDispute& d = *out.add_providers();
    d.set_npi(provider->npi());
    d.set_legal_name(provider->legal_name());
    d.set_expected_charges_cents(provider->expected_charges_cents());
    d.set_billed_cents(bill.billed_cents());
    const int64_t over = bill.billed_cents() - provider->expected_charges_cents();
    d.set_over_estimate_cents(over);
    const bool enough = over >= kDisputeThresholdCents;
    d.set_may_dispute(enough && in_time);
    const std::string compared =
        over >= 0 ? absl::StrCat("billed ", Dollars(bill.billed_cents()), ", ", Dollars(over),
                                 " more than the expected ", Dollars(provider->expected_charges_cents()))
                  : absl::StrCat("billed ", Dollars(bill.billed_cents()), ", less than the expected ",
                                 Dollars(provider->expected_charges_cents()));
    if (!enough) {
      d.set_explanation(absl::StrCat(provider->legal_name(), " ", compared,
                                     ": under the $400.00 needed to start a dispute."));
    } else if (!in_time) {
      d.set_explanation(absl::StrCat(provider->legal_name(), " ", compared,
                                     ", at least $400.00 more, but the 120 days to start a dispute "
                                     "ended on ", FormatDate(deadline), "."));
    } else {
      d.set_explanation(absl::StrCat(provider->legal_name(), " ", compared,
                                     ": at least $400.00 more, so the patient may start a dispute "
                                     "by ", FormatDate(deadline), "."));
    }
  }
  return out;
}

}  // namespace estimator
