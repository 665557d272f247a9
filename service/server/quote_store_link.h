// The server's link to its quote store, which may be down while everything else serves.
//
// The estimate path never touches it. Quote calls ask for the store with Get(): UNAVAILABLE (with
// why, e.g. "the quote store is unavailable: cannot reach PostgreSQL") until the store is open and
// migrated. A background thread retries opening every `retry` and pings an open store; a call that
// saw UNAVAILABLE reports it (Failed) so the link goes down at once. Every change of availability
// calls `on_change(serving)` (the server sets the quote service's health status with it).
//
//   QuoteStoreLink link("sqlite:/var/lib/estimator/quotes.db", absl::Seconds(2),
//                       [&](bool up) { health->SetServingStatus("estimator.v1.QuoteService", up); });
//   ASSIGN_OR_RETURN(std::shared_ptr<QuoteStore> store, link.Get());
#ifndef ESTIMATOR_SERVER_QUOTE_STORE_LINK_H_
#define ESTIMATOR_SERVER_QUOTE_STORE_LINK_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "service/store/quote_store.h"

namespace estimator {

class QuoteStoreLink {
 public:
  QuoteStoreLink(std::string location, absl::Duration retry, std::function<void(bool)> on_change);
  ~QuoteStoreLink();  // stops the thread

  // Tries once to open and migrate (the server does this before serving, so a healthy database is
  // up from the first call), then starts the background thread.
  void Start();

  absl::StatusOr<std::shared_ptr<QuoteStore>> Get() const;
  // A call through the store failed with `status`: when UNAVAILABLE, the link goes down.
  void Failed(const absl::Status& status);

  // "sqlite" / "postgresql" / "-" for the log.
  std::string backend() const;

 private:
  void TryConnect();
  void Run();
  void SetUp(std::shared_ptr<QuoteStore> store);
  void SetDown(const absl::Status& why);

  const std::string location_;
  const absl::Duration retry_;
  const std::function<void(bool)> on_change_;
  mutable absl::Mutex mu_;
  std::shared_ptr<QuoteStore> store_ ABSL_GUARDED_BY(mu_);  // null when down
  std::shared_ptr<QuoteStore> opened_ ABSL_GUARDED_BY(mu_);  // opened, maybe not reachable
  absl::Status why_down_ ABSL_GUARDED_BY(mu_) = absl::UnavailableError("not opened yet");
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_QUOTE_STORE_LINK_H_
