// The server's pieces without a running server: the role table (Authorize), reading an access
// config, the audit line's format and content, the rule store's swap (a broken file never
// replaces rules that work), and the batch readiness handler through the table of methods both
// transports use. The same behaviour over real TLS and gRPC is in
// tests/e2e/security_e2e_test.cc and tests/e2e/rule_reload_e2e_test.cc.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/server/access_control.h"
#include "service/server/audit_log.h"
#include "service/server/estimator_service.h"
#include "service/server/public_api.h"
#include "service/server/quote_service.h"
#include "service/server/quote_store_link.h"
#include "service/server/rule_store.h"
#include "service/server/unary_call.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A fresh folder under the test's temporary directory, removed at the end.
class TempDir {
 public:
  TempDir()
      : path_(fs::temp_directory_path() / ("estimator_server_test_" +
                                           std::to_string(::getpid()) + "_" +
                                           std::to_string(counter_++))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

void Write(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// ---- the role table ------------------------------------------------------------------------------

TEST(AccessControlTest, VerifiedTokensFindOnlyWhatWasAdded) {
  VerifiedTokens tokens;
  EXPECT_FALSE(tokens.Find("front-desk-token").has_value());
  tokens.Add("front-desk-token", Caller{"desk", v1::ROLE_FRONT_DESK});
  const std::optional<Caller> found = tokens.Find("front-desk-token");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "desk");
  EXPECT_EQ(found->role, v1::ROLE_FRONT_DESK);
  EXPECT_FALSE(tokens.Find("front-desk-token ").has_value());
  EXPECT_FALSE(tokens.Find("front-desk-toke").has_value());
  EXPECT_FALSE(tokens.Find("").has_value());
  // Another access control (a restarted config) starts empty, on this thread too.
  VerifiedTokens other;
  EXPECT_FALSE(other.Find("front-desk-token").has_value());
  // Each thread verifies a token itself once: nothing is shared across threads.
  std::thread([&tokens] { EXPECT_FALSE(tokens.Find("front-desk-token").has_value()); }).join();
}

TEST(AccessControlTest, RoleTable) {
  const Method all[] = {Method::kEstimateCourse,          Method::kCompareTreatments,
                        Method::kListPayers,              Method::kCheckPriorAuthReadiness,
                        Method::kBatchCheckPriorAuthReadiness, Method::kGetRuleStatus,
                        Method::kReloadRules};
  auto allowed = [](v1::Role role, Method m, bool documentation = false) {
    return Authorize(Caller{"someone", role}, m, documentation).ok();
  };
  for (Method m : all) {
    EXPECT_TRUE(allowed(v1::ROLE_ADMIN, m)) << MethodName(m);
    EXPECT_EQ(allowed(v1::ROLE_FRONT_DESK, m), m != Method::kReloadRules) << MethodName(m);
    EXPECT_EQ(allowed(v1::ROLE_BILLING, m), m != Method::kReloadRules) << MethodName(m);
  }
  EXPECT_TRUE(allowed(v1::ROLE_PORTAL, Method::kEstimateCourse));
  EXPECT_TRUE(allowed(v1::ROLE_PORTAL, Method::kCompareTreatments));
  EXPECT_TRUE(allowed(v1::ROLE_PORTAL, Method::kListPayers));
  EXPECT_FALSE(allowed(v1::ROLE_PORTAL, Method::kEstimateCourse, /*documentation=*/true));
  EXPECT_FALSE(allowed(v1::ROLE_PORTAL, Method::kCheckPriorAuthReadiness));
  EXPECT_FALSE(allowed(v1::ROLE_PORTAL, Method::kBatchCheckPriorAuthReadiness));
  EXPECT_FALSE(allowed(v1::ROLE_PORTAL, Method::kBatchCheckPriorAuthReadiness, true));
  EXPECT_FALSE(allowed(v1::ROLE_PORTAL, Method::kGetRuleStatus));
  EXPECT_FALSE(allowed(v1::ROLE_PORTAL, Method::kReloadRules));
  const absl::Status denied = Authorize(Caller{"desk", v1::ROLE_FRONT_DESK}, Method::kReloadRules);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(denied.message()), HasSubstr("front_desk"));
  EXPECT_THAT(std::string(denied.message()), HasSubstr("ReloadRules"));
}

// A worklist is readiness for many patients: the same roles, whatever the batch holds.
TEST(AccessControlTest, BatchReadinessHasTheRolesOfReadiness) {
  EXPECT_STREQ(MethodName(Method::kBatchCheckPriorAuthReadiness), "BatchCheckPriorAuthReadiness");
  for (v1::Role role :
       {v1::ROLE_UNSPECIFIED, v1::ROLE_PORTAL, v1::ROLE_FRONT_DESK, v1::ROLE_BILLING, v1::ROLE_ADMIN}) {
    for (bool documentation : {false, true}) {
      const Caller caller{"someone", role};
      const absl::Status single = Authorize(caller, Method::kCheckPriorAuthReadiness, documentation);
      const absl::Status batch =
          Authorize(caller, Method::kBatchCheckPriorAuthReadiness, documentation);
      EXPECT_EQ(batch.code(), single.code()) << v1::Role_Name(role) << " " << documentation;
    }
  }
  EXPECT_EQ(Authorize(Caller{"portal_web", v1::ROLE_PORTAL}, Method::kBatchCheckPriorAuthReadiness)
                .message(),
            "role portal may not call BatchCheckPriorAuthReadiness");
}

TEST(AccessControlTest, ReadsAConfigAndRefusesATokenInClear) {
  TempDir dir;
  Write(dir.path() / "access.textproto",
        "callers { name: \"portal_web\" role: ROLE_PORTAL\n"
        "  token_sha256: \"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8\" }\n"
        "callers { name: \"desk\" role: ROLE_FRONT_DESK client_certificate_name: \"desk.riverbend\" }\n");
  auto access = AccessControl::FromFile((dir.path() / "access.textproto").string());
  ASSERT_TRUE(access.ok()) << access.status();
  EXPECT_TRUE(access->enforced());
  EXPECT_EQ(access->caller_count(), 2u);

  Write(dir.path() / "bad.textproto",
        "callers { name: \"portal_web\" role: ROLE_PORTAL\n  token_sha256: \"password\" }\n");
  auto bad = AccessControl::FromFile((dir.path() / "bad.textproto").string());
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("bad.textproto:2:"));
  EXPECT_FALSE(AccessControl::AllowEveryone().enforced());
}

// ---- the audit line ------------------------------------------------------------------------------

TEST(AuditLineTest, OneLineWithIdsAndOutcomeOnly) {
  auto stream = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  spdlog::set_pattern("%v");
  AuditFields fields;
  fields.plan = "aetna/open_access_ppo";
  fields.rules = "0123abcd";
  LogCall(Method::kEstimateCourse, Caller{"riverbend_desk", v1::ROLE_FRONT_DESK}, fields,
          absl::InvalidArgumentError("course_start_date: 'Jane Doe' is not a date"),
          absl::Microseconds(85));
  spdlog::set_default_logger(previous);
  EXPECT_EQ(stream->str(),
            "audit method=EstimateCourse caller=riverbend_desk role=front_desk "
            "plan=aetna/open_access_ppo rules=0123abcd quote=- status=INVALID_ARGUMENT latency_us=85 via=grpc\n");
  // The error message (which may quote what the caller sent) is never written.
  EXPECT_THAT(stream->str(), testing::Not(HasSubstr("Jane")));
}

// A batch's line adds its counts (and nothing of any item) before the status.
TEST(AuditLineTest, ABatchLineCarriesItsCountsOnly) {
  v1::BatchReadinessSummary summary;
  summary.set_total(6);
  summary.set_ready(1);
  summary.set_not_ready(2);
  summary.set_information_needed(1);
  summary.set_not_covered(1);
  summary.set_prior_auth_not_needed(0);
  summary.set_errors(1);
  EXPECT_EQ(BatchCounts(7, summary),
            "items=7 ready=1 not_ready=2 info_needed=1 not_covered=1 no_prior_auth=0 errors=1");

  auto stream = std::make_shared<std::ostringstream>();
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream)));
  spdlog::set_pattern("%v");
  AuditFields fields;
  fields.rules = "0123abcd";
  fields.counts = BatchCounts(7, summary);
  LogCall(Method::kBatchCheckPriorAuthReadiness, Caller{"billing_team", v1::ROLE_BILLING}, fields,
          absl::OkStatus(), absl::Microseconds(900), Transport::kHttp);
  spdlog::set_default_logger(previous);
  EXPECT_EQ(stream->str(),
            "audit method=BatchCheckPriorAuthReadiness caller=billing_team role=billing plan=- "
            "rules=0123abcd quote=- items=7 ready=1 not_ready=2 info_needed=1 not_covered=1 "
            "no_prior_auth=0 errors=1 status=OK latency_us=900 via=http\n");
}

// ---- the batch readiness handler, through the table both transports use ------------------------

class BatchHandlerTest : public ::testing::Test {
 protected:
  BatchHandlerTest()
      : rules_(SourceDir() + "/tests/testdata/rules"),
        open_(AccessControl::AllowEveryone()),
        // Never started: the quote service is here only because the table holds its methods too.
        quote_store_("postgresql://test@127.0.0.1:1/none?connect_timeout=1", absl::Hours(1),
                     [](bool) {}),
        estimator_(&rules_, &open_),
        quotes_(&rules_, &open_, &quote_store_, QuoteSettings{}),
        api_(&estimator_, &quotes_) {}

  void SetUp() override { ASSERT_TRUE(rules_.Load(v1::LOAD_TRIGGER_STARTUP).ok()); }

  // One patient of tests/testdata/rules' test plan; age 0 leaves the documentation out.
  static void Add(v1::BatchCheckPriorAuthReadinessRequest& batch, v1::Treatment treatment, int age) {
    v1::BatchReadinessItem& item = *batch.add_items();
    item.set_item_id(absl::StrCat("row-", batch.items_size()));
    v1::CheckPriorAuthReadinessRequest& r = *item.mutable_request();
    r.set_payer_id("testpayer");
    r.set_plan_id("ppo");
    r.set_treatment(treatment);
    if (age == 0) return;
    r.mutable_documentation()->set_as_of_date("2026-11-20");
    r.mutable_documentation()->set_age_years(age);
    r.mutable_documentation()->add_diagnosis_codes("F33.2");
  }

  // One patient per outcome: ready, not ready (under 18), information needed (nothing documented),
  // no prior auth needed (Spravato, no criteria), not covered (IV ketamine), and an error.
  static v1::BatchCheckPriorAuthReadinessRequest OnePerOutcome() {
    v1::BatchCheckPriorAuthReadinessRequest batch;
    Add(batch, v1::TREATMENT_TMS, 42);
    Add(batch, v1::TREATMENT_TMS, 15);
    Add(batch, v1::TREATMENT_TMS, 0);
    Add(batch, v1::TREATMENT_SPRAVATO, 42);
    Add(batch, v1::TREATMENT_IV_KETAMINE, 42);
    Add(batch, v1::TREATMENT_TMS, 200);
    return batch;
  }

  const ApiMethod& Batch() const {
    const ApiMethod* m = api_.Find("/estimator.v1.EstimatorService/BatchCheckPriorAuthReadiness");
    EXPECT_NE(m, nullptr);
    return *m;
  }

  RuleStore rules_;
  AccessControl open_;
  QuoteStoreLink quote_store_;
  EstimatorService estimator_;
  QuoteService quotes_;
  PublicApi api_;
};

TEST_F(BatchHandlerTest, TheTableAnswersEachItemAndAuditsTheCounts) {
  const ApiMethod& m = Batch();
  EXPECT_EQ(m.method, Method::kBatchCheckPriorAuthReadiness);
  EXPECT_EQ(m.queue, nullptr) << "in memory, on the caller's thread, as readiness is";
  EXPECT_EQ(m.request_prototype->GetDescriptor()->full_name(),
            "estimator.v1.BatchCheckPriorAuthReadinessRequest");
  const v1::BatchCheckPriorAuthReadinessRequest batch = OnePerOutcome();
  EXPECT_TRUE(m.carries_documentation(batch));
  v1::BatchCheckPriorAuthReadinessRequest undocumented;
  Add(undocumented, v1::TREATMENT_TMS, 0);
  EXPECT_FALSE(m.carries_documentation(undocumented));

  v1::BatchCheckPriorAuthReadinessResponse response;
  AuditFields audit;
  const absl::Status status =
      m.handle(Caller{"billing_team", v1::ROLE_BILLING}, batch, absl::InfiniteFuture(), audit,
               response);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(response.results_size(), 6);
  EXPECT_EQ(response.rule_set_version(), rules_.Current()->version());
  EXPECT_EQ(response.results(0).assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_READY);
  EXPECT_EQ(response.results(5).error().message(),
            "items[5].request.documentation.age_years: 200 is outside 0-130 years");
  EXPECT_EQ(audit.counts,
            "items=6 ready=1 not_ready=1 info_needed=1 not_covered=1 no_prior_auth=1 errors=1");
  EXPECT_EQ(audit.rules, rules_.Current()->version());
  EXPECT_EQ(audit.plan, "-") << "a batch may name many plans";
}

TEST_F(BatchHandlerTest, ADeadlineThatPassesStopsTheBatchBetweenItems) {
  v1::BatchCheckPriorAuthReadinessResponse response;
  AuditFields audit;
  // Passed already: admission refuses such a call, so here it stands for one that passes while
  // the batch runs; the handler checks before each item.
  const absl::Status status = Batch().handle(Caller{"billing_team", v1::ROLE_BILLING},
                                             OnePerOutcome(), absl::Now() - absl::Seconds(1),
                                             audit, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(status.message(), "the call's deadline passed during the batch");
  EXPECT_EQ(response.results_size(), 0);
  EXPECT_EQ(audit.counts,
            "items=6 ready=0 not_ready=0 info_needed=0 not_covered=0 no_prior_auth=0 errors=0");

  // The handler itself, as the gRPC method calls it: the deadline is honoured there too.
  response.Clear();
  EXPECT_EQ(estimator_
                .BatchReadiness(Caller{"billing_team", v1::ROLE_BILLING}, OnePerOutcome(),
                                absl::Now() - absl::Seconds(1), audit, response)
                .code(),
            absl::StatusCode::kDeadlineExceeded);
  response.Clear();
  EXPECT_TRUE(estimator_
                  .BatchReadiness(Caller{"billing_team", v1::ROLE_BILLING}, OnePerOutcome(),
                                  absl::Now() + absl::Minutes(1), audit, response)
                  .ok());
  EXPECT_EQ(response.results_size(), 6);
}

TEST_F(BatchHandlerTest, TheBatchsShapeIsTheOnlyWholeCallError) {
  v1::BatchCheckPriorAuthReadinessResponse response;
  AuditFields audit;
  v1::BatchCheckPriorAuthReadinessRequest batch = OnePerOutcome();
  batch.mutable_items(4)->set_item_id("row-2");
  const absl::Status status = Batch().handle(Caller{"billing_team", v1::ROLE_BILLING}, batch,
                                             absl::InfiniteFuture(), audit, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "items[4].item_id: repeats items[1].item_id; ids must be unique within a batch");
  EXPECT_EQ(audit.counts,
            "items=6 ready=0 not_ready=0 info_needed=0 not_covered=0 no_prior_auth=0 errors=0");
}

// The other handlers take no deadline: the table calls them as before.
TEST_F(BatchHandlerTest, TheTableStillCallsHandlersWithoutADeadline) {
  const ApiMethod* single =
      api_.Find("/estimator.v1.EstimatorService/CheckPriorAuthReadiness");
  ASSERT_NE(single, nullptr);
  const v1::BatchCheckPriorAuthReadinessRequest batch = OnePerOutcome();
  v1::CheckPriorAuthReadinessResponse response;
  AuditFields audit;
  ASSERT_TRUE(single
                  ->handle(Caller{"billing_team", v1::ROLE_BILLING}, batch.items(0).request(),
                           absl::Now() - absl::Seconds(1), audit, response)
                  .ok());
  EXPECT_EQ(response.assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_READY);
  EXPECT_EQ(audit.plan, "testpayer/ppo");
  EXPECT_EQ(audit.counts, "") << "only a batch's line has counts";
}

// ---- the rule store ------------------------------------------------------------------------------

TEST(RuleStoreTest, ABrokenFileNeverReplacesRulesThatWork) {
  TempDir dir;
  fs::copy(SourceDir() + "/tests/testdata/rules", dir.path(), fs::copy_options::recursive);
  RuleStore store(dir.path().string());
  EXPECT_EQ(store.Current(), nullptr);
  auto changed = store.Load(v1::LOAD_TRIGGER_STARTUP);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_TRUE(*changed);
  const std::shared_ptr<const RuleSet> first = store.Current();
  ASSERT_NE(first, nullptr);

  // The same bytes keep the served set (and its load time).
  changed = store.Load(v1::LOAD_TRIGGER_SIGNAL);
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(*changed);
  EXPECT_EQ(store.Current(), first);

  // A broken file: refused at its line, the served set stays, the rejection is recorded.
  const fs::path plan = dir.path() / "plans" / "test_ppo.textproto";
  std::ifstream in(plan);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Write(plan, text + "\nnot_a_field: 1\n");
  changed = store.Load(v1::LOAD_TRIGGER_RELOAD_RULES_CALL, "ops");
  ASSERT_EQ(changed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(changed.status().message()), HasSubstr("plans/test_ppo.textproto:"));
  EXPECT_EQ(store.Current(), first);
  RuleStore::Report report = store.GetReport();
  EXPECT_EQ(report.successful_loads, 2);
  EXPECT_EQ(report.rejected_loads, 1);
  ASSERT_TRUE(report.last_rejection.has_value());
  EXPECT_EQ(report.last_rejection->requested_by, "ops");
  EXPECT_THAT(report.last_rejection->errors.front(), HasSubstr("plans/test_ppo.textproto:"));

  // Fixed: the new set is served, with a new version.
  Write(plan, text + "\n# a comment changes the bytes\n");
  changed = store.Load(v1::LOAD_TRIGGER_FILE_CHANGE);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_TRUE(*changed);
  EXPECT_NE(store.Current(), first);
  EXPECT_NE(store.Current()->version(), first->version());
}


// ---- the audit log's writer ----------------------------------------------------------------------

std::string ReadAll(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) text.append(buffer, n);
  return text;
}

TEST(AuditLogTest, FlushWritesEveryLineQueuedBeforeItInOrder) {
  std::FILE* sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  {
    // An interval long enough that only Flush can have written the lines.
    AuditLog log(sink, AuditLog::Options{16, absl::Seconds(30)});
    log.Write("one");
    log.Write("two");
    log.Flush();
    EXPECT_EQ(log.lines_written(), 2);
    EXPECT_EQ(ReadAll(sink), "one\ntwo\n");
    log.Write("three");
  }  // the destructor writes what is left
  EXPECT_EQ(ReadAll(sink), "one\ntwo\nthree\n");
  std::fclose(sink);
}

TEST(AuditLogTest, AFullBufferSlowsWritersAndLosesNoLine) {
  std::FILE* sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  constexpr int kThreads = 4, kLines = 2500;
  {
    AuditLog log(sink, AuditLog::Options{8, absl::Milliseconds(1)});
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&log, t] {
        for (int i = 0; i < kLines; ++i) log.Write(absl::StrCat("t", t, " ", i));
      });
    }
    for (auto& w : writers) w.join();
    log.Flush();
    EXPECT_EQ(log.lines_written(), kThreads * kLines);
  }
  // Every line once, and each writer's lines in the order it wrote them.
  const std::string text = ReadAll(sink);
  std::vector<int> next(kThreads, 0);
  int lines = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line); ++lines) {
    int t = 0, i = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "t%d %d", &t, &i), 2) << line;
    EXPECT_EQ(i, next[t]) << line;
    next[t] = i + 1;
  }
  EXPECT_EQ(lines, kThreads * kLines);
  std::fclose(sink);
}

TEST(AuditLogTest, LogCallWritesItsLineThroughTheInstalledLog) {
  std::FILE* sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  AuditLog log(sink, AuditLog::Options{});
  InstallAuditLog(&log);
  AuditFields fields;
  fields.plan = "medicare/part_b";
  fields.rules = "abcd";
  LogCall(Method::kListPayers, Caller{"ops", v1::ROLE_ADMIN}, fields, absl::OkStatus(),
          absl::Microseconds(12));
  InstallAuditLog(nullptr);
  log.Flush();
  const std::string text = ReadAll(sink);
  // "2026-12-05T02:30:00.123Z info audit method=...", as spdlog's pattern writes other lines.
  EXPECT_THAT(text, testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z info "
                                          "audit method=ListPayers caller=ops role=admin "
                                          "plan=medicare/part_b rules=abcd quote=- status=OK "
                                          "latency_us=12 via=grpc\n"));
  std::fclose(sink);
}

}  // namespace
}  // namespace estimator
