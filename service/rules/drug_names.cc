#include "service/rules/drug_names.h"

#include <algorithm>
#include <cstdlib>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"

namespace estimator {

std::string NormalizeDrugName(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += absl::ascii_tolower(static_cast<unsigned char>(c));
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

int EditDistance(absl::string_view a, absl::string_view b, int limit) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  // Three rows of the table (the swap looks two rows back), rotated rather than copied.
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
    // No later row can get below this one's least by more than a swap, which costs 1 itself.
    if (row_min > limit) return limit + 1;
    int* oldest = before;
    before = above;
    above = row;
    row = oldest;
  }
  return std::min(above[m], limit + 1);
}

int SuggestionLimit(size_t length) {
  if (length < 4) return 0;
  return length < 6 ? 1 : 2;
}

void DrugNames::AddName(absl::string_view name, absl::string_view generic,
                        const CatalogDrug* drug) {
  Entry entry;
  entry.name = std::string(name);
  entry.generic = name == generic;
  entry.suggestion.drug = drug;
  entry.suggestion.text = entry.name;
  by_name_.emplace(entry.name, entries_.size());
  if (!entry.name.empty()) {
    by_first_byte_[static_cast<unsigned char>(entry.name[0])].push_back(entries_.size());
  }
  entries_.push_back(std::move(entry));
}

void DrugNames::AddFormWord(absl::string_view word) { form_words_.insert(std::string(word)); }

absl::string_view DrugNames::DropFormWords(absl::string_view name, bool stop_at_name) const {
  while (!(stop_at_name && by_name_.contains(name))) {
    const size_t space = name.rfind(' ');
    if (space == absl::string_view::npos || !form_words_.contains(name.substr(space + 1))) break;
    name = name.substr(0, space);
  }
  return name;
}

const CatalogDrug* DrugNames::Find(absl::string_view written) const {
  const std::string normalized = NormalizeDrugName(written);
  const auto it = by_name_.find(DropFormWords(normalized, /*stop_at_name=*/true));
  return it == by_name_.end() ? nullptr : entries_[it->second].suggestion.drug;
}

const DrugSuggestion* DrugNames::Suggest(absl::string_view written) const {
  const std::string normalized = NormalizeDrugName(written);
  const absl::string_view name = DropFormWords(normalized, /*stop_at_name=*/false);
  int best = SuggestionLimit(name.size());
  if (best == 0) return nullptr;
  ++best;  // nothing found yet: one more than the limit
  const Entry* nearest = nullptr;
  bool tie = false;
  for (size_t index : by_first_byte_[static_cast<unsigned char>(name[0])]) {
    const Entry& e = entries_[index];
    // Bounded by the best so far, so that names farther off stop early.
    const int d = EditDistance(name, e.name, best);
    if (d < best) {
      best = d;
      nearest = &e;
      tie = false;
    } else if (d == best && nearest != nullptr) {
      if (e.suggestion.drug != nearest->suggestion.drug) {
        tie = true;
      } else if (e.generic) {
        nearest = &e;  // as near as an alias of the same drug: name the drug by its generic name
      }
    }
  }
  return nearest == nullptr || tie ? nullptr : &nearest->suggestion;
}

}  // namespace estimator
