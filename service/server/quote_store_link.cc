#include "service/server/quote_store_link.h"

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace estimator {

QuoteStoreLink::QuoteStoreLink(std::string location, absl::Duration retry,
                               std::function<void(bool)> on_change)
    : location_(std::move(location)), retry_(retry), on_change_(std::move(on_change)) {}

QuoteStoreLink::~QuoteStoreLink() {
  stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void QuoteStoreLink::Start() {
  TryConnect();
  thread_ = std::thread([this] { Run(); });
}

absl::StatusOr<std::shared_ptr<QuoteStore>> QuoteStoreLink::Get() const {
  absl::MutexLock lock(&mu_);
  if (store_ != nullptr) return store_;
  return absl::UnavailableError(absl::StrCat("the quote store is unavailable: ", why_down_.message(),
                                             " (estimates and readiness still answer)"));
}

void QuoteStoreLink::Failed(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kUnavailable) SetDown(status);
}

std::string QuoteStoreLink::backend() const {
  absl::MutexLock lock(&mu_);
  return opened_ == nullptr ? "-" : opened_->backend();
}

void QuoteStoreLink::TryConnect() {
  std::shared_ptr<QuoteStore> store;
  {
    absl::MutexLock lock(&mu_);
    store = opened_;
  }
  if (store == nullptr) {
    absl::StatusOr<std::unique_ptr<QuoteStore>> opened = OpenQuoteStore(location_);
    if (!opened.ok()) {
      SetDown(opened.status());
      return;
    }
    store = std::move(*opened);
    absl::MutexLock lock(&mu_);
    opened_ = store;
  }
  if (absl::Status migrated = store->Migrate(); !migrated.ok()) {
    SetDown(migrated);
    return;
  }
  SetUp(store);
}

void QuoteStoreLink::Run() {
  while (!stop_.WaitForNotificationWithTimeout(retry_)) {
    bool up = false;
    std::shared_ptr<QuoteStore> store;
    {
      absl::MutexLock lock(&mu_);
      up = store_ != nullptr;
      store = store_;
    }
    if (!up) {
      TryConnect();
    } else if (absl::Status ping = store->Ping(); !ping.ok()) {
      SetDown(ping);
    }
  }
}

void QuoteStoreLink::SetUp(std::shared_ptr<QuoteStore> store) {
  bool changed = false;
  {
    absl::MutexLock lock(&mu_);
    changed = store_ == nullptr;
    store_ = std::move(store);
    why_down_ = absl::OkStatus();
  }
  if (changed) {
    spdlog::info("quote store up ({})", backend());
    on_change_(true);
  }
}

void QuoteStoreLink::SetDown(const absl::Status& why) {
  bool changed = false;
  {
    absl::MutexLock lock(&mu_);
    // Log and report once per change, not on every retry with the same cause.
    changed = store_ != nullptr || why_down_.message() != why.message();
    store_ = nullptr;
    why_down_ = why;
  }
  if (changed) {
    // The message names a path or "cannot reach PostgreSQL", never stored data.
    spdlog::warn("quote store down: {}", std::string(why.message()));
    on_change_(false);
  }
}

}  // namespace estimator
