#include "service/common/edit_distance.h"

#include <algorithm>
#include <cstdlib>

#include "absl/container/inlined_vector.h"

namespace estimator {

int EditDistance(absl::string_view a, absl::string_view b, int limit) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  // Three rows of the table (a swap looks two rows back), rotated rather than copied.
  absl::InlinedVector<int, 3 * 24> cells(3 * (m + 1));
  int* before = cells.data();
  int* above = before + (m + 1);
  int* row = above + (m + 1);
  for (int j = 0; j <= m; ++j) above[j] = j;
  for (int i = 1; i <= n; ++i) {
    row[0] = i;
    int row_min = i;
    for (int j = 1; j <= m; ++j) {
      int d = std::min({above[j] + 1, row[j - 1] + 1, above[j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d = std::min(d, before[j - 2] + 1);
      }
      row[j] = d;
      row_min = std::min(row_min, d);
    }
    // A cell of the next row comes from its left, from this row (at no less than this row's
    // least) or, by a swap costing 1, from the row above (at no less than this row's least less
    // 1): no later row gets below this row's least.
    if (row_min > limit) return limit + 1;
    int* oldest = before;
    before = above;
    above = row;
    row = oldest;
  }
  return std::min(above[m], limit + 1);
}

}  // namespace estimator
