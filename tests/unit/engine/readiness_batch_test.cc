// Readiness for a worklist (readiness_batch.h) against the bundled rules: each item is answered
// exactly as CheckPriorAuthReadiness answers its request (byte for byte), or with that call's error
// named from the batch; the summary counts every item once; only the batch's own shape refuses the
// whole call; the caller can stop the batch between items. The charts are the end-to-end tests'
// (tests/testdata/documentation/, as_of_date 2026-11-20, so nothing depends on the clock).
#include "service/engine/readiness_batch.h"

#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/engine/readiness.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::PatientDocumentation Doc(const std::string& name) {
  const std::string path = SourceDir() + "/tests/testdata/documentation/" + name + ".json";
  std::ifstream in(path);
  std::stringstream json;
  json << in.rdbuf();
  v1::PatientDocumentation doc;
  const auto status = google::protobuf::util::JsonStringToMessage(json.str(), &doc);
  EXPECT_TRUE(!json.str().empty() && status.ok()) << "test setup: cannot read " << path;
  return doc;
}

v1::CheckPriorAuthReadinessRequest Request(const std::string& payer, const std::string& plan,
                                           v1::Treatment treatment,
                                           const v1::PatientDocumentation& doc) {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id(payer);
  r.set_plan_id(plan);
  r.set_treatment(treatment);
  r.set_network(v1::NETWORK_IN_NETWORK);
  *r.mutable_documentation() = doc;
  return r;
}

void Add(v1::BatchCheckPriorAuthReadinessRequest& batch, const std::string& id,
         const v1::CheckPriorAuthReadinessRequest& request) {
  v1::BatchReadinessItem& item = *batch.add_items();
  item.set_item_id(id);
  *item.mutable_request() = request;
}

// A batch of `n` items with ids "row-0".. and the same valid request.
v1::BatchCheckPriorAuthReadinessRequest Rows(int n) {
  v1::BatchCheckPriorAuthReadinessRequest batch;
  const auto request =
      Request("medicare", "part_b", v1::TREATMENT_TMS, Doc("medicare_tms_ready"));
  for (int i = 0; i < n; ++i) Add(batch, absl::StrCat("row-", i), request);
  return batch;
}

absl::Status RunBatch(const v1::BatchCheckPriorAuthReadinessRequest& batch,
                 v1::BatchCheckPriorAuthReadinessResponse& response,
                 ContinueCheck may_continue = NoInterruption) {
  return BatchCheckPriorAuthReadinessInto(BundledRules(), batch, kToday, may_continue, response);
}

// The summary as the test counts it, from each answer's own fields (not CountBatchResult).
v1::BatchReadinessSummary CountedByHand(const v1::BatchCheckPriorAuthReadinessResponse& r) {
  v1::BatchReadinessSummary s;
  for (const auto& result : r.results()) {
    s.set_total(s.total() + 1);
    if (result.has_error()) {
      s.set_errors(s.errors() + 1);
      continue;
    }
    const auto& a = result.assessment();
    if (a.coverage() == v1::COVERAGE_REQUIREMENT_NOT_COVERED) {
      s.set_not_covered(s.not_covered() + 1);
    } else if (a.coverage() == v1::COVERAGE_REQUIREMENT_CRITERIA_NOT_MET) {
      s.set_not_ready(s.not_ready() + 1);
    } else if (a.coverage() == v1::COVERAGE_REQUIREMENT_CONDITIONAL) {
      s.set_information_needed(s.information_needed() + 1);
    } else if (a.prior_auth() == v1::PRIOR_AUTH_READINESS_READY) {
      s.set_ready(s.ready() + 1);
    } else {
      EXPECT_EQ(a.prior_auth(), v1::PRIOR_AUTH_READINESS_NOT_NEEDED) << result.item_id();
      EXPECT_EQ(a.coverage(), v1::COVERAGE_REQUIREMENT_COVERED) << result.item_id();
      s.set_prior_auth_not_needed(s.prior_auth_not_needed() + 1);
    }
  }
  return s;
}

// Each result against CheckPriorAuthReadiness on the same request: the same assessment bytes, or
// the same code and message with the field named from the batch.
void ExpectEachItemAnsweredAsAlone(const v1::BatchCheckPriorAuthReadinessRequest& batch,
                                   const v1::BatchCheckPriorAuthReadinessResponse& response) {
  ASSERT_EQ(response.results_size(), batch.items_size());
  for (int i = 0; i < batch.items_size(); ++i) {
    SCOPED_TRACE(absl::StrCat("item ", i, " (", batch.items(i).item_id(), ")"));
    const v1::BatchReadinessResult& result = response.results(i);
    EXPECT_EQ(result.item_id(), batch.items(i).item_id());
    const absl::StatusOr<v1::CheckPriorAuthReadinessResponse> alone =
        CheckPriorAuthReadiness(BundledRules(), batch.items(i).request(), kToday);
    if (alone.ok()) {
      ASSERT_TRUE(result.has_assessment()) << result.error().message();
      EXPECT_EQ(result.assessment().SerializeAsString(), alone->assessment().SerializeAsString());
    } else {
      ASSERT_TRUE(result.has_error());
      EXPECT_EQ(result.error().code(), static_cast<int>(alone.status().code()));
      EXPECT_EQ(result.error().message(),
                absl::StrCat("items[", i, "].request.", alone.status().message()));
    }
  }
}

std::string Text(const v1::BatchReadinessSummary& s) {
  return absl::StrCat("total ", s.total(), ", ready ", s.ready(), ", not ready ", s.not_ready(),
                      ", info needed ", s.information_needed(), ", not covered ",
                      s.not_covered(), ", no prior auth ", s.prior_auth_not_needed(), ", errors ",
                      s.errors());
}

TEST(BatchReadinessTest, EachItemIsTheSingleCallsAnswerOrItsOwnError) {
  v1::BatchCheckPriorAuthReadinessRequest batch;
  Add(batch, "ready", Request("aetna", "open_access_ppo", v1::TREATMENT_TMS, Doc("aetna_tms_ready")));
  Add(batch, "no-pa", Request("medicare", "part_b", v1::TREATMENT_TMS, Doc("medicare_tms_ready")));
  auto too_old = Request("aetna", "open_access_ppo", v1::TREATMENT_TMS, Doc("aetna_tms_ready"));
  too_old.mutable_documentation()->set_age_years(200);
  Add(batch, "bad-age", too_old);
  Add(batch, "not-ready", Request("aetna", "open_access_ppo", v1::TREATMENT_SPRAVATO,
                                  Doc("aetna_spravato_not_ready_no_oral_antidepressant")));
  Add(batch, "info", Request("medicare", "part_b", v1::TREATMENT_TMS,
                             Doc("medicare_tms_incomplete_no_severity_score")));
  Add(batch, "ketamine",
      Request("aetna", "open_access_ppo", v1::TREATMENT_IV_KETAMINE, Doc("aetna_tms_ready")));
  Add(batch, "no-plan", Request("aetna", "no_such_plan", v1::TREATMENT_TMS, Doc("aetna_tms_ready")));
  v1::BatchReadinessItem& empty = *batch.add_items();  // an item with no request at all
  empty.set_item_id("empty");
  // Evernorth asks for TMS prior authorization only out of network from 2026-03-06, so the
  // network decides the answer and is required.
  auto no_network = Request("cigna", "open_access_plus", v1::TREATMENT_TMS, Doc("aetna_tms_ready"));
  no_network.clear_network();
  Add(batch, "no-network", no_network);

  v1::BatchCheckPriorAuthReadinessResponse response;
  ASSERT_TRUE(RunBatch(batch, response).ok());
  ExpectEachItemAnsweredAsAlone(batch, response);
  EXPECT_EQ(response.rule_set_version(), BundledRules().version());

  // The errors, each the item's own, naming its field from the batch.
  EXPECT_EQ(response.results(2).error().code(), 3);  // INVALID_ARGUMENT
  EXPECT_EQ(response.results(2).error().message(),
            "items[2].request.documentation.age_years: 200 is outside 0-130 years");
  EXPECT_EQ(response.results(6).error().code(), 5);  // NOT_FOUND
  EXPECT_EQ(response.results(6).error().message(),
            "items[6].request.plan_id: payer 'aetna' has no plan 'no_such_plan' (see ListPayers)");
  EXPECT_EQ(response.results(7).error().message(), "items[7].request.payer_id: is required");
  EXPECT_THAT(response.results(8).error().message(),
              ::testing::StartsWith("items[8].request.network: is required for TMS under "));
  // The items around them are answered: one bad patient is never the batch's error.
  EXPECT_EQ(response.results(1).assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_NOT_NEEDED);
  EXPECT_EQ(response.results(3).assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_NOT_READY);

  EXPECT_EQ(Text(response.summary()),
            "total 9, ready 1, not ready 1, info needed 1, not covered 1, no prior auth 1, "
            "errors 4");
  EXPECT_EQ(Text(response.summary()), Text(CountedByHand(response)));
}

// Every chart of the end-to-end tests under every bundled plan and treatment: each item as alone,
// and the summary equal to counting the answers, every outcome reached.
TEST(BatchReadinessTest, SummaryCountsEveryItemOnceOverEveryBundledPlan) {
  const std::vector<std::string> charts = {
      "aetna_spravato_incomplete_no_contraindication_screening",
      "aetna_spravato_not_ready_no_oral_antidepressant",
      "aetna_tms_incomplete_no_psychotherapy_history",
      "aetna_tms_not_ready_both_trials_ssri",
      "aetna_tms_ready",
      "medicare_spravato_incomplete_rems_not_documented",
      "medicare_spravato_not_met_rems_not_enrolled",
      "medicare_tms_incomplete_no_severity_score",
      "medicare_tms_not_met_3_week_trial",
      "medicare_tms_ready",
      "spravato_ready"};
  v1::BatchCheckPriorAuthReadinessRequest batch;
  for (const PlanVersion* plan : BundledRules().AllPlanVersions()) {
    if (!plan->plan.effective_to().empty()) continue;  // the versions in effect on the charts' day
    for (v1::Treatment t :
         {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO, v1::TREATMENT_IV_KETAMINE}) {
      for (const std::string& chart : charts) {
        Add(batch, absl::StrCat("row-", batch.items_size()),
            Request(plan->plan.payer_id(), plan->plan.plan_id(), t, Doc(chart)));
      }
    }
  }
  ASSERT_GE(batch.items_size(), 200);
  ASSERT_LE(batch.items_size(), kMaxBatchItems);
  v1::BatchCheckPriorAuthReadinessResponse response;
  const absl::Status status = RunBatch(batch, response);
  ASSERT_TRUE(status.ok()) << status;
  ExpectEachItemAnsweredAsAlone(batch, response);
  const v1::BatchReadinessSummary& s = response.summary();
  EXPECT_EQ(Text(s), Text(CountedByHand(response)));
  EXPECT_EQ(s.total(), batch.items_size());
  EXPECT_EQ(s.ready() + s.not_ready() + s.information_needed() + s.not_covered() +
                s.prior_auth_not_needed() + s.errors(),
            s.total());
  EXPECT_GT(s.ready(), 0) << Text(s);
  EXPECT_GT(s.not_ready(), 0) << Text(s);
  EXPECT_GT(s.information_needed(), 0) << Text(s);
  EXPECT_GT(s.not_covered(), 0) << Text(s);
  EXPECT_GT(s.prior_auth_not_needed(), 0) << Text(s);
  EXPECT_EQ(s.errors(), 0) << Text(s);
}

TEST(BatchReadinessTest, OnlyTheBatchsOwnShapeRefusesTheWholeCall) {
  struct Case {
    std::string name;
    std::function<void(v1::BatchCheckPriorAuthReadinessRequest&)> change;
    std::string message;  // "" when the shape is valid
  };
  const std::string kChars = "letters, digits and '-', '_', '.', ':' only";
  const std::vector<Case> cases = {
      {"no items", [](auto& b) { b.clear_items(); }, "items: at least one item is required"},
      {"501 items", [](auto& b) { b = Rows(501); }, "items: 501 items; at most 500 per call"},
      {"500 items", [](auto& b) { b = Rows(500); }, ""},
      {"1 item", [](auto& b) { b = Rows(1); }, ""},
      {"empty id", [](auto& b) { b.mutable_items(2)->clear_item_id(); },
       "items[2].item_id: is required"},
      {"65 characters", [](auto& b) { b.mutable_items(1)->set_item_id(std::string(65, 'x')); },
       "items[1].item_id: is 65 characters; at most 64"},
      {"a megabyte", [](auto& b) { b.mutable_items(0)->set_item_id(std::string(1 << 20, 'x')); },
       "items[0].item_id: is 1048576 characters; at most 64"},
      {"64 characters", [](auto& b) { b.mutable_items(1)->set_item_id(std::string(64, 'x')); }, ""},
      {"every allowed character",
       [](auto& b) { b.mutable_items(0)->set_item_id("Row-1_a.b:C9"); }, ""},
      {"a space", [](auto& b) { b.mutable_items(3)->set_item_id("Jane Doe"); },
       "items[3].item_id: " + kChars},
      {"a newline", [](auto& b) { b.mutable_items(0)->set_item_id("row\n1"); },
       "items[0].item_id: " + kChars},
      {"a slash", [](auto& b) { b.mutable_items(0)->set_item_id("a/b"); },
       "items[0].item_id: " + kChars},
      {"not ASCII", [](auto& b) { b.mutable_items(0)->set_item_id("r\xc3\xa9"); },
       "items[0].item_id: " + kChars},
      {"a repeated id", [](auto& b) { b.mutable_items(3)->set_item_id("row-1"); },
       "items[3].item_id: repeats items[1].item_id; ids must be unique within a batch"},
      // Ids differ by case: the caller's references, compared as given.
      {"ids differing by case", [](auto& b) { b.mutable_items(3)->set_item_id("ROW-1"); }, ""},
      // An item's own request is not the batch's shape: it is answered as that item's error.
      {"a bad request", [](auto& b) { b.mutable_items(1)->mutable_request()->set_treatment(
                                          static_cast<v1::Treatment>(42)); },
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::BatchCheckPriorAuthReadinessRequest batch = Rows(5);
    c.change(batch);
    v1::BatchCheckPriorAuthReadinessResponse response;
    const absl::Status status = RunBatch(batch, response);
    if (c.message.empty()) {
      ASSERT_TRUE(status.ok()) << status;
      EXPECT_EQ(response.results_size(), batch.items_size());
      continue;
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(), c.message);
    EXPECT_EQ(response.results_size(), 0) << "no item is answered when the batch is refused";
    // The caller's id is never quoted back.
    for (const auto& item : batch.items()) {
      if (item.item_id().size() > 2) {
        EXPECT_THAT(std::string(status.message()), Not(HasSubstr(item.item_id())));
      }
    }
  }
}

TEST(BatchReadinessTest, TheCallerCanStopTheBatchBetweenItems) {
  const v1::BatchCheckPriorAuthReadinessRequest batch = Rows(10);
  int asked = 0;
  v1::BatchCheckPriorAuthReadinessResponse response;
  ASSERT_TRUE(RunBatch(batch, response, [&asked] {
                ++asked;
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(asked, 10) << "asked once before each item";

  asked = 0;
  response.Clear();
  const absl::Status stopped = RunBatch(batch, response, [&asked] {
    return ++asked > 3 ? absl::DeadlineExceededError("the deadline passed")
                       : absl::OkStatus();
  });
  EXPECT_EQ(stopped.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(stopped.message(), "the deadline passed");
  EXPECT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.summary().total(), 3);
}

// The batch names an item's field by prefixing "items[i].request." to the single call's message,
// which is right only if every such message starts with the field's path in the request. Held here
// over every kind of refusal the single call makes (INVALID_ARGUMENT, NOT_FOUND, and
// FAILED_PRECONDITION for a renewal the plan states no criteria for).
TEST(BatchReadinessTest, EveryErrorOfTheSingleCallStartsWithTheFieldItNames) {
  using Change = std::function<void(v1::CheckPriorAuthReadinessRequest&)>;
  const std::vector<Change> changes = {
      [](auto& r) { r.Clear(); },
      [](auto& r) { r.set_payer_id("Aetna!"); },
      [](auto& r) { r.set_payer_id(std::string(65, 'a')); },
      [](auto& r) { r.set_payer_id("no_such_payer"); },
      [](auto& r) { r.set_plan_id(""); },
      [](auto& r) { r.set_plan_id("hmo"); },
      [](auto& r) { r.set_treatment(v1::TREATMENT_UNSPECIFIED); },
      [](auto& r) { r.set_treatment(static_cast<v1::Treatment>(42)); },
      [](auto& r) { r.set_network(static_cast<v1::Network>(9)); },
      [](auto& r) { r.set_planned_start_date("tomorrow"); },
      [](auto& r) { r.set_planned_start_date("2150-01-01"); },
      [](auto& r) { r.set_planned_start_date("2001-01-01"); },
      [](auto& r) { r.mutable_documentation()->set_as_of_date("2026-02-30"); },
      [](auto& r) {
        r.mutable_documentation()->Clear();
        r.mutable_documentation()->set_as_of_date("2024-06-30");
      },
      [](auto& r) { r.mutable_documentation()->set_age_years(-1); },
      [](auto& r) { r.mutable_documentation()->add_diagnosis_codes("not a code"); },
      [](auto& r) { r.mutable_documentation()->set_current_episode_start("2027-01-01"); },
      [](auto& r) {
        r.mutable_documentation()->mutable_antidepressant_history()->mutable_trials(0)->set_drug("");
      },
      [](auto& r) {
        r.mutable_documentation()->mutable_antidepressant_history()->mutable_trials(1)->set_daily_dose("lots");
      },
      [](auto& r) {
        r.mutable_documentation()->mutable_antidepressant_history()->mutable_trials(0)->set_weeks(9999);
      },
      [](auto& r) {
        auto* trials = r.mutable_documentation()->mutable_antidepressant_history();
        for (int i = 0; i < 60; ++i) *trials->add_trials() = trials->trials(0);
      },
      [](auto& r) { r.mutable_documentation()->mutable_severity_scores(0)->set_score(99); },
      [](auto& r) { r.mutable_documentation()->mutable_severity_scores(0)->set_date("2030-01-01"); },
      [](auto& r) {
        r.mutable_documentation()->mutable_psychotherapy_history()->add_trials()->set_sessions(-3);
      },
      [](auto& r) {
        r.mutable_documentation()->mutable_treatment_history()->add_courses()->set_end_date("x");
      },
      [](auto& r) { r.mutable_documentation()->set_oral_antidepressant(std::string(100, 'z')); },
      [](auto& r) {
        r.set_payer_id("cigna");
        r.set_plan_id("open_access_plus");
        r.clear_network();
      },
      [](auto& r) {
        r.set_treatment(v1::TREATMENT_SPRAVATO);
        r.set_dose_mg(70);
      },
      [](auto& r) { r.set_authorization(v1::AUTHORIZATION_KIND_RENEWAL); },
  };
  // A field path: names and [index] parts joined by dots, then ": ".
  const std::regex field_path("^[a-z_]+(\\[[0-9]+\\])?(\\.[a-z_]+(\\[[0-9]+\\])?)*: .+");
  v1::BatchCheckPriorAuthReadinessRequest batch;
  for (size_t i = 0; i < changes.size(); ++i) {
    auto request = Request("aetna", "open_access_ppo", v1::TREATMENT_TMS, Doc("aetna_tms_ready"));
    changes[i](request);
    const auto alone = CheckPriorAuthReadiness(BundledRules(), request, kToday);
    ASSERT_FALSE(alone.ok()) << "change " << i << " should be refused";
    EXPECT_TRUE(std::regex_match(std::string(alone.status().message()), field_path))
        << "change " << i << ": " << alone.status();
    Add(batch, absl::StrCat("c", i), request);
  }
  v1::BatchCheckPriorAuthReadinessResponse response;
  ASSERT_TRUE(RunBatch(batch, response).ok());
  ExpectEachItemAnsweredAsAlone(batch, response);
  EXPECT_EQ(response.summary().errors(), static_cast<int>(changes.size()));
}

}  // namespace
}  // namespace estimator
