// A save answered OK survives a crash: the real server killed with SIGKILL in the middle of a
// stream of saves, on SQLite (then restarted on the same file) and on a real PostgreSQL shared by
// two servers (the other one reads every save back). PostgreSQL comes from the private test
// cluster (tests/store/postgres_fixture.sh, started by ctest); without it these tests fail.
#include <csignal>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/e2e/quote_e2e_support.h"
#include "tests/e2e/server_e2e_support.h"
#include "tests/store/postgres_test_database.h"

namespace estimator::e2e {
namespace {

namespace fs = std::filesystem;

// Saves from `threads` clients until `server` dies; returns the ids answered OK.
std::vector<std::string> SaveUntilKilled(QuoteServer& server, int threads,
                                         std::chrono::milliseconds kill_after) {
  std::mutex mu;
  std::vector<std::string> ok_ids;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < threads; ++t) {
    clients.emplace_back([&, t] {
      auto stub = v1::QuoteService::NewStub(
          grpc::CreateChannel(server.process.Address(), grpc::InsecureChannelCredentials()));
      for (int i = 0; !stop; ++i) {
        v1::SaveQuoteResponse response;
        auto context = Context();
        context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        const grpc::Status s = stub->SaveQuote(
            context.get(), SaveEstimate(SelfPayKetamineRequest(i % 4), absl::StrCat("T", t)), &response);
        if (s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          ok_ids.push_back(response.quote().quote_id());
        } else if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                   s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
          return;  // the server is gone
        } else {
          ADD_FAILURE() << StatusText(s);
          return;
        }
      }
    });
  }
  std::this_thread::sleep_for(kill_after);
  EXPECT_TRUE(server.process.Signal(SIGKILL));
  for (auto& c : clients) c.join();
  stop = true;
  EXPECT_EQ(server.process.Stop(), 128 + SIGKILL);
  return ok_ids;
}

// Every id readable through `stub`, with its answer.
void ExpectAllThere(v1::QuoteService::Stub& stub, const std::vector<std::string>& ids) {
  int missing = 0;
  for (const std::string& id : ids) {
    v1::GetQuoteRequest get;
    get.set_quote_id(id);
    v1::GetQuoteResponse read;
    const grpc::Status s = stub.GetQuote(Context().get(), get, &read);
    if (!s.ok() || !read.quote().has_estimate()) {
      ++missing;
      ADD_FAILURE() << id << ": " << StatusText(s);
      if (missing > 5) return;
    }
  }
}

TEST(QuoteDurabilityTest, SqliteKeepsEverySaveAnsweredOkAcrossSigkill) {
  const fs::path dir = fs::temp_directory_path() / absl::StrCat("quote_sigkill_", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string store = "--quote_store=sqlite:" + (dir / "quotes.db").string();
  std::vector<std::string> ids;
  {
    QuoteServer server({store});
    ASSERT_TRUE(server.Start());
    ids = SaveUntilKilled(server, 4, std::chrono::milliseconds(1500));
  }
  ASSERT_GT(ids.size(), 20u) << "too few saves before the kill to mean anything";
  QuoteServer restarted({store});
  ASSERT_TRUE(restarted.Start());
  ExpectAllThere(*restarted.quotes, ids);
  restarted.process.Stop();
  fs::remove_all(dir);
}

TEST(QuoteDurabilityTest, TwoServersSharePostgresAndEveryAnsweredSaveSurvivesSigkill) {
  absl::StatusOr<std::string> url = FreshPostgresDatabase("quote_durability_e2e");
  ASSERT_TRUE(url.ok()) << url.status();
  QuoteServer a({"--quote_store=" + *url});
  QuoteServer b({"--quote_store=" + *url});
  ASSERT_TRUE(a.Start());
  ASSERT_TRUE(b.Start());
  // A quote saved through one is read through the other.
  v1::SaveQuoteResponse saved;
  grpc::Status s = a.quotes->SaveQuote(Context().get(), SaveEstimate(MedicareTmsRequest()), &saved);
  ASSERT_TRUE(s.ok()) << StatusText(s) << a.process.StderrText();
  v1::GetQuoteRequest get;
  get.set_quote_id(saved.quote().quote_id());
  v1::GetQuoteResponse read;
  ASSERT_TRUE(b.quotes->GetQuote(Context().get(), get, &read).ok());
  EXPECT_EQ(read.quote().estimate().SerializeAsString(), saved.quote().estimate().SerializeAsString());
  // B voids it; A sees the history.
  v1::VoidQuoteRequest void_it;
  void_it.set_quote_id(saved.quote().quote_id());
  void_it.set_reason("entered twice");
  v1::VoidQuoteResponse voided;
  ASSERT_TRUE(b.quotes->VoidQuote(Context().get(), void_it, &voided).ok());
  ASSERT_TRUE(a.quotes->GetQuote(Context().get(), get, &read).ok());
  EXPECT_EQ(read.quote().status(), v1::QUOTE_STATUS_VOIDED);
  // A void through A now is refused: the status is shared.
  s = a.quotes->VoidQuote(Context().get(), void_it, &voided);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  const std::vector<std::string> ids = SaveUntilKilled(a, 4, std::chrono::milliseconds(1500));
  ASSERT_GT(ids.size(), 20u);
  ExpectAllThere(*b.quotes, ids);
  // B goes on saving after A died.
  EXPECT_TRUE(b.quotes->SaveQuote(Context().get(), SaveEstimate(MedicareTmsRequest()), &saved).ok());
  EXPECT_EQ(b.process.Stop(), 0);
}

TEST(QuoteDurabilityTest, PostgresThatCannotBeReachedLeavesEstimatesServing) {
  // A port where nothing listens.
  QuoteServer server({"--quote_store=postgresql://postgres@127.0.0.1:1/none?connect_timeout=1"});
  ASSERT_TRUE(server.Start());
  EXPECT_EQ(CheckHealth(server.channel, "estimator.v1.QuoteService").serving_status, kNotServing);
  v1::EstimateCourseResponse estimate;
  EXPECT_TRUE(server.estimates->EstimateCourse(Context().get(), MedicareTmsRequest(), &estimate).ok());
  v1::SaveQuoteResponse saved;
  const grpc::Status s = server.quotes->SaveQuote(Context().get(), SaveEstimate(MedicareTmsRequest()), &saved);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("cannot reach PostgreSQL"));
  EXPECT_EQ(server.process.Stop(), 0);
}

}  // namespace
}  // namespace estimator::e2e
