// Holds the rule set being served. Readers take a snapshot (one shared_ptr copy) per request and
// use it to the end, so a request sees one rule set from start to end. A load builds and
// validates the new set off to the side and swaps it in only if it is good: a broken file never
// replaces rules that work; the failure is kept for reporting and counted.
#ifndef ESTIMATOR_RULES_RULE_STORE_H_
#define ESTIMATOR_RULES_RULE_STORE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/rules/rule_set.h"

namespace estimator {

class RuleStore {
 public:
  struct LoadReport {
    std::string current_version;       // empty until a load succeeds
    absl::Time last_success;           // absl::InfinitePast() if never
    absl::Time last_rejection;         // absl::InfinitePast() if never
    std::string last_rejection_error;  // file:line:column lines
    int64_t rejected_loads = 0;
  };

  // The current rule set, or nullptr before the first successful load.
  std::shared_ptr<const RuleSet> Current() const ABSL_LOCKS_EXCLUDED(mu_);

  // Reads, validates and compiles `dir`; on success swaps it in. On failure the current set stays.
  absl::Status LoadDirectory(const std::string& dir) ABSL_LOCKS_EXCLUDED(mu_);

  LoadReport Report() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const RuleSet> current_ ABSL_GUARDED_BY(mu_);
  LoadReport report_ ABSL_GUARDED_BY(mu_){"", absl::InfinitePast(), absl::InfinitePast(), "", 0};
};

}  // namespace estimator

#endif  // ESTIMATOR_RULES_RULE_STORE_H_
