#include "service/rules/drug_names.h"

#include "absl/strings/ascii.h"
#include "service/common/edit_distance.h"

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
  // Most charts write a catalog name as listed ("sertraline"): found without building a string.
  if (const auto it = by_name_.find(written); it != by_name_.end()) {
    return entries_[it->second].suggestion.drug;
  }
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
