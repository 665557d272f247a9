// Money as integer cents. No floating point is ever used for an amount.
//
//   Money fee = Money::Cents(45000);            // $450.00
//   Money share = fee.ShareInBasisPoints(2000); // 20% = $90.00, rounded half-up to the cent
#ifndef ESTIMATOR_COMMON_MONEY_H_
#define ESTIMATOR_COMMON_MONEY_H_

#include <cstdint>
#include <string>

namespace estimator {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money Cents(int64_t cents) { return Money(cents); }
  static constexpr Money Zero() { return Money(0); }

  constexpr int64_t cents() const { return cents_; }

  // The share of this amount given in basis points (10000 = 100%). The single rounding step of a
  // line: exact integer arithmetic, rounded half-up to the cent. Requires a non-negative amount,
  // 0 <= bp <= 10000 and |amount| below 2^63 / 10000 (validated limits keep it far below).
  Money ShareInBasisPoints(int32_t bp) const;

  friend constexpr Money operator+(Money a, Money b) { return Money(a.cents_ + b.cents_); }
  friend constexpr Money operator-(Money a, Money b) { return Money(a.cents_ - b.cents_); }
  Money& operator+=(Money o) { cents_ += o.cents_; return *this; }
  Money& operator-=(Money o) { cents_ -= o.cents_; return *this; }
  friend constexpr Money operator*(Money a, int64_t n) { return Money(a.cents_ * n); }
  friend constexpr bool operator==(Money a, Money b) { return a.cents_ == b.cents_; }
  friend constexpr bool operator!=(Money a, Money b) { return a.cents_ != b.cents_; }
  friend constexpr bool operator<(Money a, Money b) { return a.cents_ < b.cents_; }
  friend constexpr bool operator<=(Money a, Money b) { return a.cents_ <= b.cents_; }
  friend constexpr bool operator>(Money a, Money b) { return a.cents_ > b.cents_; }
  friend constexpr bool operator>=(Money a, Money b) { return a.cents_ >= b.cents_; }

 private:
  constexpr explicit Money(int64_t cents) : cents_(cents) {}
  int64_t cents_ = 0;
};

inline Money Min(Money a, Money b) { return a < b ? a : b; }
inline Money Max(Money a, Money b) { return a < b ? b : a; }

// "$1,234.56" (negative amounts as "-$1,234.56").
std::string FormatMoney(Money m);
// A percentage from basis points: 2000 -> "20%", 1250 -> "12.5%".
std::string FormatBasisPoints(int32_t bp);

// The largest amount any rule file or request may state, $10,000,000.00. Keeps every sum of a
// course (at most a few thousand lines) far from int64 overflow.
inline constexpr int64_t kMaxMoneyCents = 1'000'000'000;

}  // namespace estimator

#endif  // ESTIMATOR_COMMON_MONEY_H_
