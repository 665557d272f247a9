// End-to-end tests of hot reload: the real server on a copy of the bundled rules, whose files the
// test replaces (by rename, as writers must) while it serves. The directory poll, SIGHUP and the
// ReloadRules call each load the new rules; a broken file is rejected, reported through
// GetRuleStatus with its file:line:column, and the last good rules keep serving. Under concurrent
// load, every answer is the one the engine gives for one of the rule sets that was live. A folder
// swapped whole as the kubelet swaps a ConfigMap volume is followed through its "..data" symlink.
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "estimator/v1/admin.grpc.pb.h"
#include "estimator/v1/estimator.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/engine/course_estimate.h"
#include "service/rules/rule_set.h"
#include "tests/e2e/e2e_environment.h"
#include "tests/e2e/sample_requests.h"
#include "tests/e2e/server_process.h"

namespace estimator::e2e {
namespace {

namespace fs = std::filesystem;

constexpr char kMedicare2026[] = "plans/medicare_part_b_2026.textproto";
constexpr char kDeductibleLine[] = "deductible_cents: 28300  # $283.00";

// Replaces `path` the way the README tells writers to: write a temporary file beside it, then
// rename it over the old one, so a reader sees either the old bytes or the new, never a mix.
void ReplaceByRename(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  { std::ofstream(tmp, std::ios::binary | std::ios::trunc) << content; }
  fs::rename(tmp, path);
}

// A copy of payer_rules/ in a temporary directory, removed at the end.
struct RulesCopy {
  RulesCopy() : dir(MakeTempDir("estimator_reload")) {
    fs::copy(SourceDir() + "/payer_rules", dir, fs::copy_options::recursive);
  }
  ~RulesCopy() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string Path(const std::string& file) const { return dir + "/" + file; }
  std::string dir;
};

// The Medicare 2026 file with its Part B deductible set to `cents`: each value is a different
// rule-set version with a different patient share.
std::string MedicareWithDeductible(const std::string& original, int cents) {
  return absl::StrReplaceAll(original, {{kDeductibleLine, absl::StrCat("deductible_cents: ", cents,
                                                                      "  # $283.00")}});
}

// The same file with a value the parser rejects, on a known line.
std::string BrokenMedicare(const std::string& original) {
  return absl::StrReplaceAll(original, {{kDeductibleLine, "deductible_cents: \"lots\""}});
}

int LineOf(const std::string& text, const std::string& needle) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + text.find(needle), '\n'));
}

class ReloadTest : public ::testing::Test {
 protected:
  // Starts the server on the copy, polling every `poll`.
  void StartServer(const std::string& poll) {
    server_ = std::make_unique<ServerProcess>(
        ServerBinary(), rules_.dir, std::vector<std::string>{"--rules_poll_interval=" + poll});
    const absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
    channel_ = grpc::CreateChannel(server_->Address(), grpc::InsecureChannelCredentials());
    stub_ = v1::EstimatorService::NewStub(channel_);
    admin_ = v1::RuleAdminService::NewStub(channel_);
  }

  void TearDown() override {
    if (server_ != nullptr) {
      EXPECT_EQ(server_->Stop(), 0) << server_->StderrText();
      if (HasFailure()) std::cerr << "---- estimator_server stderr ----\n" << server_->StderrText();
    }
  }

  v1::GetRuleStatusResponse Status() {
    v1::GetRuleStatusResponse status;
    const grpc::Status s = admin_->GetRuleStatus(Context().get(), {}, &status);
    EXPECT_TRUE(s.ok()) << StatusText(s);
    return status;
  }

  // Polls GetRuleStatus every 10 ms for up to 10 s until `condition` holds.
  template <typename Condition>
  bool StatusEventually(Condition condition) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      if (condition(Status())) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return condition(Status());
  }

  // The rule-set version of the rules in a directory holding `medicare` as the Medicare 2026 file,
  // and the engine's answer to `request` under them.
  std::pair<std::string, v1::EstimateCourseResponse> Expected(
      const std::string& medicare, const v1::EstimateCourseRequest& request) {
    RulesCopy variant;
    ReplaceByRename(variant.Path(kMedicare2026), medicare);
    absl::StatusOr<std::shared_ptr<const RuleSet>> rules = RuleSet::Load(variant.dir, absl::Now());
    EXPECT_TRUE(rules.ok()) << rules.status();
    if (!rules.ok()) return {};
    absl::StatusOr<v1::EstimateCourseResponse> response =
        EstimateCourse(**rules, request, absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
    EXPECT_TRUE(response.ok()) << response.status();
    return {(*rules)->version(), response.ok() ? *response : v1::EstimateCourseResponse()};
  }

  RulesCopy rules_;
  std::unique_ptr<ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::EstimatorService::Stub> stub_;
  std::unique_ptr<v1::RuleAdminService::Stub> admin_;
};

TEST_F(ReloadTest, PollSeesARenamedFileAndRejectsABrokenOneKeepingTheLastGoodRules) {
  StartServer("50ms");
  const std::string original = ReadFileOrEmpty(rules_.Path(kMedicare2026));
  const v1::GetRuleStatusResponse at_start = Status();
  EXPECT_EQ(at_start.successful_load_count(), 1);
  EXPECT_EQ(at_start.rejected_load_count(), 0);
  EXPECT_EQ(at_start.last_success().trigger(), v1::LOAD_TRIGGER_STARTUP);
  EXPECT_EQ(at_start.plan_version_count(), 10);
  EXPECT_DOUBLE_EQ(at_start.poll_interval_seconds(), 0.05);
  EXPECT_FALSE(at_start.has_last_rejection());

  // A changed file is picked up by the poll alone: no signal, no call.
  const auto [changed_version, changed_answer] =
      Expected(MedicareWithDeductible(original, 29900), MedicareTmsRequest());
  ReplaceByRename(rules_.Path(kMedicare2026), MedicareWithDeductible(original, 29900));
  ASSERT_TRUE(StatusEventually([&](const v1::GetRuleStatusResponse& s) {
    return s.rule_set_version() == changed_version;
  })) << "the poll did not load the changed file";
  v1::GetRuleStatusResponse status = Status();
  EXPECT_EQ(status.last_success().trigger(), v1::LOAD_TRIGGER_FILE_CHANGE);
  EXPECT_EQ(status.last_success().version(), changed_version);
  v1::EstimateCourseResponse answer;
  ASSERT_TRUE(stub_->EstimateCourse(Context().get(), MedicareTmsRequest(), &answer).ok());
  EXPECT_EQ(Diff(changed_answer, answer), "");

  // A broken file: rejected, reported with file:line:column, counted; the changed rules serve on.
  const std::string broken = BrokenMedicare(original);
  ReplaceByRename(rules_.Path(kMedicare2026), broken);
  ASSERT_TRUE(StatusEventually([](const v1::GetRuleStatusResponse& s) {
    return s.rejected_load_count() == 1;
  })) << "the broken file was not rejected";
  status = Status();
  EXPECT_EQ(status.rule_set_version(), changed_version);
  EXPECT_EQ(status.last_rejection().trigger(), v1::LOAD_TRIGGER_FILE_CHANGE);
  EXPECT_EQ(status.last_rejection().version(), "");
  ASSERT_EQ(status.last_rejection().errors_size(), 1);
  const std::string where =
      absl::StrCat(kMedicare2026, ":", LineOf(broken, "deductible_cents: \"lots\""), ":");
  EXPECT_TRUE(absl::StartsWith(status.last_rejection().errors(0), where))
      << status.last_rejection().errors(0) << " does not start with " << where;
  EXPECT_TRUE(absl::StrContains(server_->StderrText(), where)) << "the rejection was not logged";
  ASSERT_TRUE(stub_->EstimateCourse(Context().get(), MedicareTmsRequest(), &answer).ok());
  EXPECT_EQ(Diff(changed_answer, answer), "");

  // Fixed again: served again.
  const std::string original_version = Expected(original, MedicareTmsRequest()).first;
  ReplaceByRename(rules_.Path(kMedicare2026), original);
  ASSERT_TRUE(StatusEventually([&](const v1::GetRuleStatusResponse& s) {
    return s.rule_set_version() == original_version;
  }));
  EXPECT_EQ(Status().rejected_load_count(), 1);
}

TEST_F(ReloadTest, SighupAndReloadRulesLoadAtOnceAndSameBytesKeepTheLoadTime) {
  StartServer("0s");  // polling off: only the signal and the call reload
  const std::string original = ReadFileOrEmpty(rules_.Path(kMedicare2026));
  const v1::GetRuleStatusResponse at_start = Status();
  EXPECT_DOUBLE_EQ(at_start.poll_interval_seconds(), 0);

  // ReloadRules of unchanged files: successful, not changed, same load time.
  v1::ReloadRulesResponse reload;
  grpc::Status s = admin_->ReloadRules(Context().get(), {}, &reload);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_FALSE(reload.changed());
  EXPECT_EQ(reload.status().rule_set_version(), at_start.rule_set_version());
  EXPECT_EQ(reload.status().loaded_at(), at_start.loaded_at());
  EXPECT_EQ(reload.status().successful_load_count(), 2);
  EXPECT_EQ(reload.status().last_success().trigger(), v1::LOAD_TRIGGER_RELOAD_RULES_CALL);
  EXPECT_EQ(reload.status().last_success().requested_by(), "anonymous");

  // A broken file: ReloadRules answers FAILED_PRECONDITION with the problem; nothing changes.
  ReplaceByRename(rules_.Path(kMedicare2026), BrokenMedicare(original));
  s = admin_->ReloadRules(Context().get(), {}, &reload);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), absl::StrCat(kMedicare2026, ":")))
      << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), at_start.rule_set_version()))
      << "the answer should say which rules still serve: " << s.error_message();
  EXPECT_EQ(Status().rule_set_version(), at_start.rule_set_version());

  // SIGHUP with a good change: loaded, by the signal.
  const std::string changed_version =
      Expected(MedicareWithDeductible(original, 30000), MedicareTmsRequest()).first;
  ReplaceByRename(rules_.Path(kMedicare2026), MedicareWithDeductible(original, 30000));
  ASSERT_TRUE(server_->Signal(SIGHUP));
  ASSERT_TRUE(StatusEventually([&](const v1::GetRuleStatusResponse& st) {
    return st.rule_set_version() == changed_version;
  }));
  const v1::GetRuleStatusResponse after = Status();
  EXPECT_EQ(after.last_success().trigger(), v1::LOAD_TRIGGER_SIGNAL);
  EXPECT_EQ(after.rejected_load_count(), 1);
  EXPECT_EQ(after.last_rejection().trigger(), v1::LOAD_TRIGGER_RELOAD_RULES_CALL);
  EXPECT_NE(after.loaded_at(), "");
}

// Clients call without pause while a writer replaces the Medicare file many times, with good
// variants (each a new version) and broken ones, reloaded by the poll and by SIGHUP. Every answer
// must succeed and equal the engine's answer under the version it is stamped with, which must be
// one of the good variants; at the end the server serves the last good variant.
TEST_F(ReloadTest, UnderLoadEveryAnswerMatchesALiveRuleSetAndTheLastGoodOneWins) {
  StartServer("20ms");
  const std::string original = ReadFileOrEmpty(rules_.Path(kMedicare2026));
  const v1::EstimateCourseRequest request = MedicareTmsRequest();

  constexpr int kVariants = 6;
  std::vector<std::string> variants;
  std::map<std::string, v1::EstimateCourseResponse> expected;  // by rule-set version
  const auto [original_version, original_answer] = Expected(original, request);
  expected[original_version] = original_answer;
  for (int i = 0; i < kVariants; ++i) {
    variants.push_back(MedicareWithDeductible(original, 28400 + 100 * i));
    auto [version, answer] = Expected(variants.back(), request);
    expected[version] = answer;
  }
  ASSERT_EQ(expected.size(), kVariants + 1u) << "each variant must be its own version";
  const std::string broken = BrokenMedicare(original);

  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  absl::Mutex mu;
  std::vector<std::string> failures;
  std::map<std::string, int> seen;  // answers per version
  constexpr int kClients = 4;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      // Half the clients share the test's channel, half have their own connection.
      auto channel = c % 2 == 0 ? channel_
                                : grpc::CreateChannel(server_->Address(),
                                                      grpc::InsecureChannelCredentials());
      auto stub = v1::EstimatorService::NewStub(channel);
      while (!stop.load()) {
        v1::EstimateCourseResponse answer;
        const grpc::Status s = stub->EstimateCourse(Context().get(), request, &answer);
        calls.fetch_add(1);
        absl::MutexLock lock(&mu);
        if (!s.ok()) {
          failures.push_back(StatusText(s));
          continue;
        }
        const auto found = expected.find(answer.rule_set_version());
        if (found == expected.end()) {
          failures.push_back("answer from an unknown version " + answer.rule_set_version());
        } else if (const std::string diff = Diff(found->second, answer); !diff.empty()) {
          failures.push_back("answer differs from its version's: " + diff);
        }
        ++seen[answer.rule_set_version()];
      }
    });
  }

  std::mt19937 random(20261121);
  constexpr int kRewrites = 60;
  int rejected_writes = 0;
  std::string last_good = original_version;
  for (int i = 0; i < kRewrites; ++i) {
    const bool write_broken = i % 3 == 2;
    if (write_broken) {
      ReplaceByRename(rules_.Path(kMedicare2026), broken);
      ++rejected_writes;
    } else {
      const int v = static_cast<int>(random() % kVariants);
      ReplaceByRename(rules_.Path(kMedicare2026), variants[v]);
    }
    if (i % 4 == 0) server_->Signal(SIGHUP);
    absl::SleepFor(absl::Milliseconds(10 + random() % 60));
  }
  // End on a known good variant, and let it be loaded.
  const std::string final_text = variants[kVariants - 1];
  ReplaceByRename(rules_.Path(kMedicare2026), final_text);
  const std::string final_version = Expected(final_text, request).first;
  const bool settled = StatusEventually([&](const v1::GetRuleStatusResponse& s) {
    return s.rule_set_version() == final_version;
  });
  absl::SleepFor(absl::Milliseconds(200));  // more calls against the final version
  stop.store(true);
  for (std::thread& t : clients) t.join();

  EXPECT_TRUE(settled) << "the last good variant was not loaded";
  absl::MutexLock lock(&mu);
  EXPECT_TRUE(failures.empty()) << failures.size() << " bad answers, the first: " << failures[0];
  EXPECT_GE(seen.size(), 3u) << "the clients saw too few versions for the test to mean much";
  EXPECT_GT(seen[final_version], 0);
  const v1::GetRuleStatusResponse status = Status();
  EXPECT_EQ(status.rule_set_version(), final_version);
  EXPECT_GE(status.rejected_load_count(), 1);
  EXPECT_GE(status.successful_load_count(), 3);
  std::cerr << "reload under load: " << calls.load() << " calls, " << seen.size()
            << " versions answered, " << status.successful_load_count() << " loads, "
            << status.rejected_load_count() << " rejected (of " << rejected_writes
            << " broken writes)\n";
}

// A rules folder updated the way the kubelet updates a ConfigMap volume: the ConfigMap's keys are
// the flat form of payer_rules/ (plans__x.textproto, as deploy/k8s/rules_configmap.py makes it);
// each version is a new timestamped folder holding them, "..data" is a symlink to the current one,
// replaced by rename, every key is a visible symlink through "..data", and the old folder is
// removed after the swap.
class KubeletFolder {
 public:
  KubeletFolder() : root_(MakeTempDir("estimator_configmap")) {}
  ~KubeletFolder() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  const std::string& root() const { return root_; }

  // Publishes payer_rules/ with `medicare` as the Medicare 2026 file, as one atomic swap.
  void Publish(const std::string& medicare) {
    const std::string version = absl::StrCat("..2026_12_05_10_00_00.", ++count_);
    const fs::path folder = fs::path(root_) / version;
    fs::create_directory(folder);
    const fs::path source = fs::path(SourceDir()) / "payer_rules";
    for (const char* name : {"plans", "clinics", "protocols", "catalogs", "codes"}) {
      for (const auto& file : fs::directory_iterator(source / name)) {
        fs::copy_file(file.path(), folder / absl::StrCat(name, "__", file.path().filename().string()));
      }
    }
    const std::string medicare_key = absl::StrReplaceAll(kMedicare2026, {{"/", "__"}});
    ReplaceByRename((folder / medicare_key).string(), medicare);
    const fs::path tmp = fs::path(root_) / "..data_tmp";
    fs::create_directory_symlink(version, tmp);
    fs::rename(tmp, fs::path(root_) / "..data");  // the swap: one rename
    for (const auto& key : fs::directory_iterator(folder)) {
      const fs::path link = fs::path(root_) / key.path().filename();
      std::error_code ec;
      if (!fs::is_symlink(link, ec)) fs::create_symlink(fs::path("..data") / key.path().filename(), link);
    }
    if (!previous_.empty()) fs::remove_all(fs::path(root_) / previous_);
    previous_ = version;
  }

 private:
  std::string root_;
  std::string previous_;
  int count_ = 0;
};

TEST_F(ReloadTest, AConfigMapSwapIsLoadedWholeAndABrokenOneKeepsTheLastGoodRules) {
  const std::string original = ReadFileOrEmpty(rules_.Path(kMedicare2026));
  const v1::EstimateCourseRequest request = MedicareTmsRequest();
  std::map<std::string, v1::EstimateCourseResponse> expected;
  std::vector<std::string> versions;
  for (int cents : {28300, 28400, 28500}) {
    auto [version, answer] = Expected(MedicareWithDeductible(original, cents), request);
    expected[version] = answer;
    versions.push_back(version);
  }
  KubeletFolder folder;
  folder.Publish(MedicareWithDeductible(original, 28300));
  server_ = std::make_unique<ServerProcess>(
      ServerBinary(), folder.root(), std::vector<std::string>{"--rules_poll_interval=20ms"});
  ASSERT_TRUE(server_->Start().ok()) << server_->StderrText();
  channel_ = grpc::CreateChannel(server_->Address(), grpc::InsecureChannelCredentials());
  stub_ = v1::EstimatorService::NewStub(channel_);
  admin_ = v1::RuleAdminService::NewStub(channel_);
  EXPECT_EQ(Status().rule_set_version(), versions[0]);

  std::atomic<bool> stop{false};
  absl::Mutex mu;
  std::vector<std::string> failures;
  std::map<std::string, int> seen;
  std::vector<std::thread> clients;
  for (int c = 0; c < 2; ++c) {
    clients.emplace_back([&] {
      auto stub = v1::EstimatorService::NewStub(channel_);
      while (!stop.load()) {
        v1::EstimateCourseResponse answer;
        const grpc::Status s = stub->EstimateCourse(Context().get(), request, &answer);
        absl::MutexLock lock(&mu);
        const auto found = expected.find(answer.rule_set_version());
        if (!s.ok()) {
          failures.push_back(StatusText(s));
        } else if (found == expected.end()) {
          failures.push_back("answer from an unknown version " + answer.rule_set_version());
        } else if (const std::string diff = Diff(found->second, answer); !diff.empty()) {
          failures.push_back("answer differs from its version's: " + diff);
        } else {
          ++seen[answer.rule_set_version()];
        }
      }
    });
  }
  auto loaded = [&](const std::string& version) {
    return StatusEventually(
        [&](const v1::GetRuleStatusResponse& s) { return s.rule_set_version() == version; });
  };
  folder.Publish(MedicareWithDeductible(original, 28400));
  EXPECT_TRUE(loaded(versions[1])) << "the first swap was not loaded";
  const int64_t rejected = Status().rejected_load_count();
  folder.Publish(BrokenMedicare(original));
  EXPECT_TRUE(StatusEventually([&](const v1::GetRuleStatusResponse& s) {
    return s.rejected_load_count() > rejected;
  })) << "the broken swap was not rejected";
  const v1::GetRuleStatusResponse after_broken = Status();
  EXPECT_EQ(after_broken.rule_set_version(), versions[1]) << "a broken swap replaced good rules";
  EXPECT_TRUE(absl::StrContains(after_broken.DebugString(), kMedicare2026))
      << "rules-status should name the broken file: " << after_broken.DebugString();
  folder.Publish(MedicareWithDeductible(original, 28500));
  EXPECT_TRUE(loaded(versions[2])) << "the swap after the broken one was not loaded";
  absl::SleepFor(absl::Milliseconds(100));
  stop.store(true);
  for (std::thread& t : clients) t.join();
  absl::MutexLock lock(&mu);
  EXPECT_TRUE(failures.empty()) << failures.size() << " bad answers, the first: " << failures[0];
  EXPECT_GT(seen[versions[1]], 0);
  EXPECT_GT(seen[versions[2]], 0);
}

}  // namespace
}  // namespace estimator::e2e
