// Edit distances as suggestions use them: each kind of edit costs 1, and far words stop early.
#include "service/common/edit_distance.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace estimator {
namespace {

TEST(EditDistanceTest, CountsInsertionsDeletionsSubstitutionsAndSwaps) {
  const struct {
    const char* a;
    const char* b;
    int distance;
  } cases[] = {
      {"sertraline", "sertraline", 0}, {"setraline", "sertraline", 1},   // deletion
      {"sertralline", "sertraline", 1},                                   // insertion
      {"sertraliny", "sertraline", 1},                                    // substitution
      {"sertarline", "sertraline", 1},                                    // adjacent swap
      {"setralin", "sertraline", 2},   {"zolotf", "zoloft", 1},
      {"fuloxetine", "fluoxetine", 1}, {"fuloxetine", "duloxetine", 1},
      {"", "abc", 3},                  {"abc", "", 3},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(EditDistance(c.a, c.b, 5), c.distance) << c.a << " / " << c.b;
    EXPECT_EQ(EditDistance(c.b, c.a, 5), c.distance) << c.b << " / " << c.a;
  }
  // Past the limit the answer is limit + 1, however far the words are.
  EXPECT_EQ(EditDistance("sertraline", "fluoxetine", 2), 3);
  EXPECT_EQ(EditDistance("sertraline", "bupropion", 1), 2);
  EXPECT_EQ(EditDistance("a", "abcdefgh", 2), 3);
}

TEST(EditDistanceTest, LongWordsAsRuleFileFieldNames) {
  EXPECT_EQ(EditDistance("out_of_pocket_maximum_cents", "out_of_pocket_max_cents", 9), 4);
  EXPECT_EQ(EditDistance("out_of_pocket_maximum_cents", "out_of_pocket_max_cents", 3), 4);
}

// The whole table, no early stop: what the bounded one must agree with.
int Reference(const std::string& a, const std::string& b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// Over 20,000 pairs of short words from a 3-letter alphabet (so that swaps and repeats are
// common) and every limit 0-4: the early stop never changes the answer.
TEST(EditDistanceTest, StoppingEarlyGivesTheSameAnswerAsTheWholeTable) {
  std::mt19937 random(18);
  auto word = [&] {
    std::string w(random() % 9, 'a');
    for (char& c : w) c = static_cast<char>('a' + random() % 3);
    return w;
  };
  for (int n = 0; n < 20000; ++n) {
    const std::string a = word(), b = word();
    const int full = Reference(a, b);
    for (int limit = 0; limit <= 4; ++limit) {
      ASSERT_EQ(EditDistance(a, b, limit), std::min(full, limit + 1))
          << "'" << a << "' / '" << b << "' limit " << limit;
    }
  }
}

}  // namespace
}  // namespace estimator
