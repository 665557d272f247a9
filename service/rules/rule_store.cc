#include "service/rules/rule_store.h"

#include "spdlog/spdlog.h"

namespace estimator {

std::shared_ptr<const RuleSet> RuleStore::Current() const {
  absl::ReaderMutexLock lock(&mu_);
  return current_;
}

absl::Status RuleStore::LoadDirectory(const std::string& dir) {
  // Parse and validate outside the lock: readers keep the old set meanwhile.
  absl::StatusOr<std::shared_ptr<const RuleSet>> loaded = RuleSet::Load(dir, absl::Now());
  absl::MutexLock lock(&mu_);
  if (!loaded.ok()) {
    report_.last_rejection = absl::Now();
    report_.last_rejection_error = std::string(loaded.status().message());
    ++report_.rejected_loads;
    spdlog::error("rules in {} rejected; {} kept:\n{}", dir,
                  report_.current_version.empty() ? "no rules" : report_.current_version,
                  std::string(loaded.status().message()));
    return loaded.status();
  }
  current_ = *std::move(loaded);
  report_.current_version = current_->version();
  report_.last_success = current_->loaded_at();
  spdlog::info("rules loaded from {}: version {}", dir, current_->version());
  return absl::OkStatus();
}

RuleStore::LoadReport RuleStore::Report() const {
  absl::MutexLock lock(&mu_);
  return report_;
}

}  // namespace estimator
