// A fixed set of threads running queued work: what quote calls run on, so that a slow or stuck
// database holds these threads and never gRPC's own, which every estimate needs.
//
//   WorkQueue queue("quotes", /*threads=*/4, /*capacity=*/1024);
//   if (!queue.TryPost([=] { ... })) { /* full: answer RESOURCE_EXHAUSTED */ }
#ifndef ESTIMATOR_SERVER_WORK_QUEUE_H_
#define ESTIMATOR_SERVER_WORK_QUEUE_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace estimator {

class WorkQueue {
 public:
  WorkQueue(std::string name, int threads, size_t capacity);
  // Runs what is queued, then stops the threads.
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `work` unless `capacity` tasks already wait; false then (nothing is queued).
  bool TryPost(std::function<void()> work);

 private:
  void Run();

  const std::string name_;
  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_WORK_QUEUE_H_
