#include "service/rules/rule_files.h"

#include <filesystem>
#include <fstream>

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

namespace fs = std::filesystem;

// A fresh folder under the system's temporary folder, removed at the end of the test.
class TempFolder {
 public:
  TempFolder() {
    char name[] = "/tmp/estimator_rule_files_XXXXXX";
    path_ = ::mkdtemp(name);
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// payer_rules-style `source` copied into `to` in the flat form a ConfigMap volume has:
// plans/x.textproto becomes plans__x.textproto.
void CopyFlat(const fs::path& source, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& folder : fs::directory_iterator(source)) {
    if (!folder.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(folder.path())) {
      fs::copy_file(file.path(), to / (folder.path().filename().string() + "__" +
                                       file.path().filename().string()));
    }
  }
}

TEST(RuleFilesTest, TheFlatFormOfAConfigMapReadsAsTheFoldersDo) {
  const std::string source = SourceDir() + "/tests/testdata/rules";
  TempFolder flat;
  CopyFlat(source, flat.path());
  auto folders = ReadRuleDirectory(source);
  auto keys = ReadRuleDirectory(flat.path().string());
  ASSERT_TRUE(folders.ok()) << folders.status();
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->plans.size(), folders->plans.size());
  ASSERT_EQ(keys->protocols.size(), folders->protocols.size());
  ASSERT_EQ(keys->clinics.size(), folders->clinics.size());
  for (size_t i = 0; i < folders->plans.size(); ++i) {
    // The same names and bytes, so the same rule-set version as the repository's folders.
    EXPECT_EQ(keys->plans[i].path, folders->plans[i].path);
    EXPECT_EQ(keys->plans[i].sha256, folders->plans[i].sha256);
  }
}

TEST(RuleFilesTest, TheFlatFormIsReadThroughTheKubeletsDataLink) {
  TempFolder volume;
  CopyFlat(SourceDir() + "/tests/testdata/rules", volume.path() / "..2026_12_05_12_00_00.1");
  fs::create_directory_symlink("..2026_12_05_12_00_00.1", volume.path() / "..data");
  for (const auto& key : fs::directory_iterator(volume.path() / "..data")) {
    fs::create_symlink(fs::path("..data") / key.path().filename(),
                       volume.path() / key.path().filename());
  }
  auto files = ReadRuleDirectory(volume.path().string());
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->plans.size(), 2u);
  EXPECT_EQ(files->plans[0].path, "plans/test_medicare.textproto");
}

TEST(RuleFilesTest, AFileGivenInBothFormsIsAnErrorNamingBoth) {
  TempFolder dir;
  fs::copy(SourceDir() + "/tests/testdata/rules", dir.path(), fs::copy_options::recursive);
  fs::copy_file(dir.path() / "plans/test_medicare.textproto",
                dir.path() / "plans__test_medicare.textproto");
  auto files = ReadRuleDirectory(dir.path().string());
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find(
                "plans__test_medicare.textproto:1:1: the same file as plans/test_medicare.textproto"),
            std::string::npos)
      << files.status();
}

}  // namespace
}  // namespace estimator
