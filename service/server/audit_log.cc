#include "service/server/audit_log.h"

#include <atomic>
#include <utility>
#include <vector>

namespace estimator {
namespace {

std::atomic<AuditLog*> g_installed{nullptr};

}  // namespace

AuditLog::AuditLog(std::FILE* sink, Options options)
    : sink_(sink), options_(options), writer_([this] { Run(); }) {}

AuditLog::~AuditLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
}

void AuditLog::Write(std::string line) {
  absl::MutexLock lock(&mu_);
  // A full buffer slows the caller down rather than losing the line.
  const auto has_room = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return buffer_.size() < options_.max_buffered_lines;
  };
  if (!has_room()) {
    flush_wanted_ = queued_;  // wake the writer now
    mu_.Await(absl::Condition(&has_room));
  }
  line += '\n';
  buffer_.push_back(std::move(line));
  ++queued_;
}

void AuditLog::Flush() {
  absl::MutexLock lock(&mu_);
  const int64_t target = queued_;
  if (flush_wanted_ < target) flush_wanted_ = target;
  const auto done = [this, target]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return written_ >= target;
  };
  mu_.Await(absl::Condition(&done));
}

int64_t AuditLog::lines_written() const {
  absl::MutexLock lock(&mu_);
  return written_;
}

void AuditLog::Run() {
  std::vector<std::string> batch;
  while (true) {
    bool stop = false;
    {
      absl::MutexLock lock(&mu_);
      // Wait for the interval, or less when someone wants the lines now.
      const auto wanted = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_ || flush_wanted_ > written_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&wanted), options_.flush_interval);
      stop = stopping_;
      batch.assign(std::make_move_iterator(buffer_.begin()),
                   std::make_move_iterator(buffer_.end()));
      buffer_.clear();
    }
    // Written outside the lock: callers keep queueing while the sink is slow.
    for (const std::string& line : batch) std::fwrite(line.data(), 1, line.size(), sink_);
    std::fflush(sink_);
    {
      absl::MutexLock lock(&mu_);
      written_ += static_cast<int64_t>(batch.size());
      if (stop && buffer_.empty()) return;
    }
    batch.clear();
  }
}

void InstallAuditLog(AuditLog* log) { g_installed.store(log, std::memory_order_release); }

AuditLog* InstalledAuditLog() { return g_installed.load(std::memory_order_acquire); }

}  // namespace estimator
