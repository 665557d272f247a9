// How many single-character edits turn one word into another, for "did you mean" suggestions: a
// misspelt drug name in a chart ("setraline"), a misspelt field or enum value in a rule file.
//
//   EditDistance("setraline", "sertraline", 2);  // 1
//   EditDistance("sertraline", "fluoxetine", 2); // 3: more than the limit
#ifndef ESTIMATOR_COMMON_EDIT_DISTANCE_H_
#define ESTIMATOR_COMMON_EDIT_DISTANCE_H_

#include "absl/strings/string_view.h"

namespace estimator {

// The Damerau-Levenshtein distance between `a` and `b` in its optimal-string-alignment form: each
// insertion, deletion or substitution of a character, or swap of two adjacent ones, costs 1
// ("sertarline" -> "sertraline" is 1). Counted in bytes. Returns `limit` + 1 as soon as the distance
// must be more than `limit`, so that far words cost little.
int EditDistance(absl::string_view a, absl::string_view b, int limit);

}  // namespace estimator

#endif  // ESTIMATOR_COMMON_EDIT_DISTANCE_H_
