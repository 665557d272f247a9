#include "service/common/money.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace estimator {

Money Money::ShareInBasisPoints(int32_t bp) const {
  // Half-up: add half of the divisor before the integer division.
  return Money((cents_ * bp + 5000) / 10000);
}

std::string FormatMoney(Money m) {
  // Written out by hand, not with StrFormat (which parses its format on every call): every
  // estimate's summary and many of its notices state amounts.
  const bool negative = m.cents() < 0;
  const uint64_t abs = negative ? -static_cast<uint64_t>(m.cents()) : m.cents();
  const std::string whole = absl::StrCat(abs / 100);
  std::string out;
  out.reserve(whole.size() + whole.size() / 3 + 5);
  if (negative) out.push_back('-');
  out.push_back('$');
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(whole[i]);
  }
  const int cents = static_cast<int>(abs % 100);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + cents / 10));
  out.push_back(static_cast<char>('0' + cents % 10));
  return out;
}

std::string FormatBasisPoints(int32_t bp) {
  if (bp % 100 == 0) return absl::StrCat(bp / 100, "%");
  std::string s = absl::StrFormat("%d.%02d", bp / 100, bp % 100);
  while (s.back() == '0') s.pop_back();
  return absl::StrCat(s, "%");
}

}  // namespace estimator
