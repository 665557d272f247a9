// `estimator worklist` without a server: the file read under --items, the flags refused, the exit
// code for each summary, and the table printed. Against the real server: tests/e2e/cli_worklist_test.sh.
#include "service/tools/cli/worklist.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/tools/cli/flags.h"

ABSL_DECLARE_FLAG(std::string, payer);
ABSL_DECLARE_FLAG(std::string, documentation);
ABSL_DECLARE_FLAG(std::string, deductible_met);

namespace estimator {
namespace cli {
namespace {

using ::testing::HasSubstr;

std::string SourceDir() {
  const char* dir = std::getenv("ESTIMATOR_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

std::string TempFile(const std::string& name, const std::string& text) {
  const std::string path =
      (std::filesystem::temp_directory_path() / absl::StrCat("cli_worklist_test_", name)).string();
  std::ofstream(path) << text;
  return path;
}

class CliWorklistTest : public ::testing::Test {
 private:
  absl::FlagSaver saver_;
};

TEST_F(CliWorklistTest, TheExampleFileIsTheRequest) {
  absl::SetFlag(&FLAGS_items, SourceDir() + "/deploy/examples/worklist.json");
  auto r = WorklistRequestFromFlags();
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->items_size(), 6);
  EXPECT_EQ(r->items(0).item_id(), "row-1");
  EXPECT_EQ(r->items(0).request().payer_id(), "aetna");
  EXPECT_EQ(r->items(0).request().treatment(), v1::TREATMENT_TMS);
  EXPECT_EQ(r->items(0).request().network(), v1::NETWORK_IN_NETWORK);
  EXPECT_EQ(r->items(0).request().documentation().as_of_date(), "2026-11-20");
  EXPECT_EQ(r->items(5).request().documentation().age_years(), 420) << "the example's bad row";
}

TEST_F(CliWorklistTest, ProtoFieldNamesAreAcceptedToo) {
  absl::SetFlag(&FLAGS_items,
                TempFile("snake.json", R"({"items": [{"item_id": "a-1", "request": {
                  "payer_id": "medicare", "plan_id": "part_b", "treatment": "TREATMENT_TMS",
                  "documentation": {"as_of_date": "2026-11-20", "age_years": 70}}}]})"));
  auto r = WorklistRequestFromFlags();
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->items_size(), 1);
  EXPECT_EQ(r->items(0).item_id(), "a-1");
  EXPECT_EQ(r->items(0).request().documentation().age_years(), 70);
}

TEST_F(CliWorklistTest, BadFilesAndFlagsAreRefusedUnderTheirFlag) {
  auto refused = [](const std::string& part) {
    auto r = WorklistRequestFromFlags();
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << part;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(part));
  };
  refused("--items: required");
  absl::SetFlag(&FLAGS_items, "/nonexistent/worklist.json");
  refused("--items: cannot read '/nonexistent/worklist.json'");
  absl::SetFlag(&FLAGS_items, TempFile("broken.json", R"({"items": [{"itemId": )"));
  refused("--items: '");
  absl::SetFlag(&FLAGS_items, TempFile("unknown.json", R"({"patients": []})"));
  refused("is not a BatchCheckPriorAuthReadinessRequest in JSON");
  absl::SetFlag(&FLAGS_items, SourceDir() + "/deploy/examples/worklist.json");
  absl::SetFlag(&FLAGS_payer, "aetna");
  refused("--payer: does not apply to worklist");
  absl::SetFlag(&FLAGS_payer, "");
  absl::SetFlag(&FLAGS_documentation, "x.json");
  refused("--documentation: does not apply to worklist");
  absl::SetFlag(&FLAGS_documentation, "");
  absl::SetFlag(&FLAGS_deductible_met, "100");
  refused("--deductible_met: does not apply to worklist");
}

TEST_F(CliWorklistTest, TheExitCodeIsTheWorstOutcome) {
  struct Case {
    int ready, not_ready, info, not_covered, no_pa, errors;
    int code;
  };
  const Case cases[] = {
      {3, 0, 0, 0, 2, 0, kExitOk},          {0, 0, 0, 0, 1, 0, kExitOk},
      {3, 1, 0, 0, 0, 0, kExitNotReady},    {3, 0, 1, 0, 0, 0, kExitNotReady},
      {3, 0, 0, 1, 0, 0, kExitNotCovered},  {0, 1, 0, 5, 0, 0, kExitNotReady},
      {3, 1, 1, 1, 1, 1, kExitCallFailed},  {0, 0, 0, 0, 0, 1, kExitCallFailed},
  };
  for (const Case& c : cases) {
    v1::BatchReadinessSummary s;
    s.set_ready(c.ready);
    s.set_not_ready(c.not_ready);
    s.set_information_needed(c.info);
    s.set_not_covered(c.not_covered);
    s.set_prior_auth_not_needed(c.no_pa);
    s.set_errors(c.errors);
    s.set_total(c.ready + c.not_ready + c.info + c.not_covered + c.no_pa + c.errors);
    EXPECT_EQ(WorklistExitCode(s), c.code) << s.ShortDebugString();
  }
  EXPECT_EQ(kExitNotReady, 3);
  EXPECT_EQ(kExitNotCovered, 4);
  EXPECT_EQ(kExitCallFailed, 1);
}

TEST_F(CliWorklistTest, OneRowPerPatientThenTheSummary) {
  v1::BatchCheckPriorAuthReadinessRequest request;
  v1::BatchCheckPriorAuthReadinessResponse response;
  auto add = [&](const std::string& id, const std::string& payer, v1::Treatment treatment) {
    v1::BatchReadinessItem& item = *request.add_items();
    item.set_item_id(id);
    item.mutable_request()->set_payer_id(payer);
    item.mutable_request()->set_plan_id("p");
    item.mutable_request()->set_treatment(treatment);
    v1::BatchReadinessResult& result = *response.add_results();
    result.set_item_id(id);
    return &result;
  };
  v1::ReadinessAssessment* a = add("r1", "aetna", v1::TREATMENT_TMS)->mutable_assessment();
  a->set_coverage(v1::COVERAGE_REQUIREMENT_CRITERIA_NOT_MET);
  a->set_prior_auth(v1::PRIOR_AUTH_READINESS_NOT_READY);
  v1::ChecklistItem* admin = a->add_checklist();
  admin->set_kind(v1::DOCUMENTATION_KIND_ADMIN);
  admin->set_item("A form");
  v1::ChecklistItem* gap = a->add_checklist();
  gap->set_kind(v1::DOCUMENTATION_KIND_CLINICAL);
  gap->set_item(std::string(70, 'x') + " and a long tail that a table cannot hold");
  a = add("r2", "medicare", v1::TREATMENT_SPRAVATO)->mutable_assessment();
  a->set_coverage(v1::COVERAGE_REQUIREMENT_COVERED);
  a->set_prior_auth(v1::PRIOR_AUTH_READINESS_NOT_NEEDED);
  a = add("r3", "aetna", v1::TREATMENT_IV_KETAMINE)->mutable_assessment();
  a->set_coverage(v1::COVERAGE_REQUIREMENT_NOT_COVERED);
  a->set_policy_section("CPB 0938");
  v1::BatchItemError* error = add("r4", "aetna", v1::TREATMENT_TMS)->mutable_error();
  error->set_code(3);
  error->set_message("items[3].request.documentation.age_years: 200 is outside 0-130 years");
  v1::BatchReadinessSummary& s = *response.mutable_summary();
  s.set_total(4);
  s.set_not_ready(1);
  s.set_prior_auth_not_needed(1);
  s.set_not_covered(1);
  s.set_errors(1);
  response.set_rule_set_version("0123456789abcdef0123");

  const std::string text = WorklistText(request, response);
  EXPECT_EQ(text,
            "Item  Plan        Treatment              Verdict               First gap\n"
            "----  ----------  ---------------------  --------------------  "
            "--------------------------------------------------------------------------------\n"
            "r1    aetna/p     TMS                    Not ready             " +
                std::string(70, 'x') + " and a ...\n"
            "r2    medicare/p  Spravato (esketamine)  No prior auth needed  -\n"
            "r3    aetna/p     IV ketamine            Not covered           Excluded (CPB 0938)\n"
            "r4    aetna/p     TMS                    Error                 "
            "items[3].request.documentation.age_years: 200 is outside 0-130 years\n"
            "\n"
            "Summary: 4 patients: 0 ready to submit, 1 not ready, 0 information needed, 1 not "
            "covered, 1 no prior\nauth needed, 1 error.\n"
            "Rules: version 0123456789ab\n");
}

}  // namespace
}  // namespace cli
}  // namespace estimator
