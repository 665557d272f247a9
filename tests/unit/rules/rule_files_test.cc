#include "service/rules/rule_files.h"

#include "gtest/gtest.h"
#include "service/common/sha256.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

TEST(RuleFilesTest, ReadsEveryKindOfFileAndHashesIt) {
  auto files = ReadRuleDirectory(SourceDir() + "/tests/testdata/rules");
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->plans.size(), 2u);
  EXPECT_EQ(files->clinics.size(), 1u);
  EXPECT_EQ(files->protocols.size(), 4u);
  EXPECT_EQ(files->plans[0].path, "plans/test_medicare.textproto");
  EXPECT_EQ(files->plans[0].sha256.size(), 64u);
}

TEST(RuleFilesTest, SyntaxErrorsCarryFileLineAndColumn) {
  auto parsed = ParseRuleFile<v1::PayerPlan>("plans/x.textproto",
                                             "payer_id: \"a\"\nplan_id \"b\"\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(parsed.status().message()).rfind("plans/x.textproto:2:9: ", 0), 0u)
      << parsed.status();
}

TEST(RuleFilesTest, UnknownFieldsAreErrors) {
  auto parsed = ParseRuleFile<v1::PayerPlan>("p.textproto", "payer_id: \"a\"\n  colour: 3\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("p.textproto:2:3:"), std::string::npos)
      << parsed.status();
  EXPECT_NE(parsed.status().message().find("colour"), std::string::npos);
}

TEST(RuleFilesTest, SingularFieldTwiceIsAnError) {
  auto parsed = ParseRuleFile<v1::PayerPlan>("p.textproto", "payer_id: \"a\"\npayer_id: \"b\"\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("p.textproto:2:"), std::string::npos)
      << parsed.status();
}

TEST(RuleFilesTest, MissingDirectoryIsNotFound) {
  auto files = ReadRuleDirectory(SourceDir() + "/no/such/dir");
  EXPECT_EQ(files.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace estimator
