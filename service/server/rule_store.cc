#include "service/server/rule_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "estimator/v1/admin.pb.h"
#include "spdlog/spdlog.h"

namespace estimator {

std::shared_ptr<const RuleSet> RuleStore::Current() const {
  absl::ReaderMutexLock lock(&mu_);
  return current_;
}

absl::StatusOr<bool> RuleStore::Load(v1::LoadTrigger trigger, const std::string& requested_by) {
  absl::MutexLock serialized(&load_mu_);
  const char* trigger_name = v1::LoadTrigger_Name(trigger).c_str();
  // Read and validate outside mu_: readers keep the current set meanwhile.
  absl::StatusOr<std::shared_ptr<const RuleSet>> loaded = RuleSet::Load(rules_dir_, absl::Now());

  LoadRecord record;
  record.finished_at = absl::Now();
  record.trigger = trigger;
  record.requested_by = requested_by;
  absl::MutexLock lock(&mu_);
  report_.rules_dir = rules_dir_;
  if (!loaded.ok()) {
    record.errors = absl::StrSplit(loaded.status().message(), '\n', absl::SkipEmpty());
    ++report_.rejected_loads;
    report_.last_rejection = std::move(record);
    spdlog::error("rules in {} rejected ({}); still serving {}:\n{}", rules_dir_, trigger_name,
                  current_ ? current_->version() : "no rules",
                  std::string(loaded.status().message()));
    return loaded.status();
  }
  const bool changed = current_ == nullptr || (*loaded)->version() != current_->version();
  if (changed) current_ = *std::move(loaded);
  record.version = current_->version();
  ++report_.successful_loads;
  report_.last_success = std::move(record);
  report_.current = current_;
  if (changed) {
    spdlog::info("rules loaded from {} ({}): version {}", rules_dir_, trigger_name,
                 current_->version());
  } else {
    spdlog::info("rules in {} unchanged ({}): version {}", rules_dir_, trigger_name,
                 current_->version());
  }
  return changed;
}

RuleStore::Report RuleStore::GetReport() const {
  absl::ReaderMutexLock lock(&mu_);
  Report report = report_;
  report.rules_dir = rules_dir_;
  return report;
}

std::string RuleDirectoryFingerprint(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return "";
  std::vector<std::string> lines;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return "";
    struct stat st;
    if (::stat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    lines.push_back(absl::StrCat(it->path().native(), " ", st.st_size, " ", st.st_mtim.tv_sec,
                                 ".", st.st_mtim.tv_nsec, " ", st.st_ino));
  }
  std::sort(lines.begin(), lines.end());  // listing order is not guaranteed to be stable
  return absl::StrJoin(lines, "\n");
}

}  // namespace estimator
