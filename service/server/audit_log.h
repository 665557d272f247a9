// The audit log's writer. Each call's one audit line goes into a bounded buffer in memory; one
// background thread writes what is buffered to the sink (stderr in the server) at least every
// `flush_interval` (100 ms), and at once on Flush() (the server calls it on SIGHUP and after
// SIGTERM/SIGINT drained the in-flight calls). A full buffer makes callers wait for the writer: a
// line is never dropped. What a crash can lose is what was buffered: at most the last interval.
//
//   AuditLog audit(stderr, {});
//   InstallAuditLog(&audit);          // LogCall writes here from now on
//   ...
//   audit.Flush();                    // every line written before this call is on the sink
#ifndef ESTIMATOR_SERVER_AUDIT_LOG_H_
#define ESTIMATOR_SERVER_AUDIT_LOG_H_

#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace estimator {

class AuditLog {
 public:
  struct Options {
    size_t max_buffered_lines = 4096;
    absl::Duration flush_interval = absl::Milliseconds(100);
  };

  AuditLog(std::FILE* sink, Options options);
  // Writes what is buffered, then stops the writer.
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Queues one line (without its newline); waits while the buffer is full.
  void Write(std::string line) ABSL_LOCKS_EXCLUDED(mu_);
  // Returns once every line queued before the call is written to the sink and flushed.
  void Flush() ABSL_LOCKS_EXCLUDED(mu_);
  // Lines written to the sink so far.
  int64_t lines_written() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);

  std::FILE* const sink_;
  const Options options_;
  mutable absl::Mutex mu_;
  std::deque<std::string> buffer_ ABSL_GUARDED_BY(mu_);
  int64_t queued_ ABSL_GUARDED_BY(mu_) = 0;   // lines ever queued
  int64_t written_ ABSL_GUARDED_BY(mu_) = 0;  // lines ever written
  int64_t flush_wanted_ ABSL_GUARDED_BY(mu_) = 0;  // write at least this many at once
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread writer_;
};

// The audit log LogCall writes to (nullptr: straight through spdlog, as unit tests use). Not owned.
void InstallAuditLog(AuditLog* log);
AuditLog* InstalledAuditLog();

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_AUDIT_LOG_H_
