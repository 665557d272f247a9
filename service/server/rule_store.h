// Holds the rule set being served and loads new ones. Readers take a snapshot (one shared_ptr
// copy) per request and use it to the end, so a request sees one rule set from start to end.
// A load reads, validates and compiles the directory off to the side and swaps the result in only
// if it is good: a broken file never replaces rules that work. Every load is recorded (what
// started it, when, the version or the file:line:column problems) and counted, for GetRuleStatus.
//
//   RuleStore store("payer_rules");
//   absl::StatusOr<bool> changed = store.Load(v1::LOAD_TRIGGER_SIGNAL);
//   std::shared_ptr<const RuleSet> rules = store.Current();
//
// Loads are serialized, so an older read can never replace a newer one.
#ifndef ESTIMATOR_SERVER_RULE_STORE_H_
#define ESTIMATOR_SERVER_RULE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "estimator/v1/admin.pb.h"
#include "service/rules/rule_set.h"

namespace estimator {

class RuleStore {
 public:
  // One attempt to load the directory.
  struct LoadRecord {
    absl::Time finished_at;
    v1::LoadTrigger trigger = v1::LOAD_TRIGGER_UNSPECIFIED;
    std::string requested_by;         // the caller, for a ReloadRules call
    std::string version;              // empty when rejected
    std::vector<std::string> errors;  // "file:line:column: message"; empty when loaded
  };

  struct Report {
    std::string rules_dir;
    std::shared_ptr<const RuleSet> current;  // nullptr before the first successful load
    int64_t successful_loads = 0;
    int64_t rejected_loads = 0;
    std::optional<LoadRecord> last_success;
    std::optional<LoadRecord> last_rejection;
  };

  explicit RuleStore(std::string rules_dir) : rules_dir_(std::move(rules_dir)) {}

  const std::string& rules_dir() const { return rules_dir_; }

  // The current rule set, or nullptr before the first successful load.
  std::shared_ptr<const RuleSet> Current() const ABSL_LOCKS_EXCLUDED(mu_);

  // Reads, validates and compiles the directory. On success serves it and returns whether its
  // version differs from the one served before (the same bytes keep the served set and its load
  // time). On failure returns the problems (INVALID_ARGUMENT, one file:line:column line each) and
  // the current set stays.
  absl::StatusOr<bool> Load(v1::LoadTrigger trigger, const std::string& requested_by = "")
      ABSL_LOCKS_EXCLUDED(load_mu_, mu_);

  Report GetReport() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::string rules_dir_;
  absl::Mutex load_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // one load at a time
  mutable absl::Mutex mu_;
  std::shared_ptr<const RuleSet> current_ ABSL_GUARDED_BY(mu_);
  Report report_ ABSL_GUARDED_BY(mu_);
};

// A cheap summary of the files under `dir` (path, size, modification time and inode of each), to
// tell whether anything was added, removed or replaced since the last look. "" if `dir` cannot be
// listed.
std::string RuleDirectoryFingerprint(const std::string& dir);

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_RULE_STORE_H_
