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
  const bool negative = m.cents() < 0;
  const uint64_t abs = negative ? -static_cast<uint64_t>(m.cents()) : m.cents();
  std::string whole = absl::StrCat(abs / 100);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(whole[i]);
  }
  return absl::StrFormat("%s$%s.%02d", negative ? "-" : "", grouped, abs % 100);
}

std::string FormatBasisPoints(int32_t bp) {
  if (bp % 100 == 0) return absl::StrCat(bp / 100, "%");
  std::string s = absl::StrFormat("%d.%02d", bp / 100, bp % 100);
  while (s.back() == '0') s.pop_back();
  return absl::StrCat(s, "%");
}

}  // namespace estimator
