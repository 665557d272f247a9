#include "service/rules/rule_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"
#include "estimator/v1/rule_tests.pb.h"
#include "service/common/sha256.h"

namespace estimator {
namespace {

namespace fs = std::filesystem;

// Collects parser errors as "path:line:column: message" with 1-based line and column
// (the parser reports both 0-based). For an unknown field or enum value the parser points just
// past the offending name, sometimes at the next line; the name's own position is reported instead.
class LocatedErrorCollector final : public google::protobuf::io::ErrorCollector {
 public:
  LocatedErrorCollector(absl::string_view path, absl::string_view text)
      : path_(path), text_(text) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    PointAtName(message, line, column);
    errors_.push_back(absl::StrCat(path_, ":", line + 1, ":", column + 1, ": ", message));
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    AddError(line, column, message);
  }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  void PointAtName(const std::string& message, int& line, int& column) const {
    std::string name;
    for (const std::string lead : {"has no field named \"", "Unknown enumeration value of \""}) {
      const size_t at = message.find(lead);
      if (at == std::string::npos) continue;
      const size_t begin = at + lead.size();
      const size_t end = message.find('"', begin);
      if (end != std::string::npos) name = message.substr(begin, end - begin);
    }
    if (name.empty()) return;
    // Offset of the reported position, then the last occurrence of the name before it.
    size_t offset = 0;
    for (int l = 0; l < line && offset != absl::string_view::npos; ++l) {
      offset = text_.find('\n', offset);
      if (offset != absl::string_view::npos) ++offset;
    }
    if (offset == absl::string_view::npos) return;
    const size_t found = text_.substr(0, offset + column).rfind(name);
    if (found == absl::string_view::npos) return;
    const size_t line_start = text_.substr(0, found).rfind('\n');
    line = static_cast<int>(std::count(text_.begin(), text_.begin() + found, '\n'));
    column = static_cast<int>(line_start == absl::string_view::npos ? found
                                                                  : found - line_start - 1);
  }

  std::string path_;
  absl::string_view text_;
  std::vector<std::string> errors_;
};

// The largest rule file accepted; real ones are a few kilobytes.
constexpr std::uintmax_t kMaxRuleFileBytes = 1 << 20;

absl::StatusOr<std::string> ReadFile(const fs::path& path, absl::string_view shown) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) return absl::NotFoundError(absl::StrCat(shown, ": cannot read: ", ec.message()));
  if (size > kMaxRuleFileBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(shown, ":1:1: file is ", size, " bytes; rule files are limited to ",
                     kMaxRuleFileBytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(shown, ": cannot open"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

template <typename Message>
void ParseInto(const fs::path& root, const fs::path& file, std::vector<RuleFile<Message>>& out,
               std::vector<std::string>& errors) {
  const std::string shown = fs::relative(file, root).generic_string();
  absl::StatusOr<std::string> text = ReadFile(file, shown);
  if (!text.ok()) {
    errors.push_back(std::string(text.status().message()));
    return;
  }
  absl::StatusOr<RuleFile<Message>> parsed = ParseRuleFile<Message>(shown, *text);
  if (!parsed.ok()) {
    errors.push_back(std::string(parsed.status().message()));
    return;
  }
  out.push_back(*std::move(parsed));
}

std::vector<fs::path> TextprotoFilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".textproto") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

template <typename Message>
void ReadRuleFilesIn(const std::string& root, const std::string& subdir,
                     std::vector<RuleFile<Message>>& out, std::vector<std::string>& errors) {
  for (const auto& f : TextprotoFilesIn(fs::path(root) / subdir)) ParseInto(root, f, out, errors);
}

template void ReadRuleFilesIn(const std::string&, const std::string&,
                              std::vector<RuleFile<v1::RuleTestFile>>&, std::vector<std::string>&);

template <typename Message>
absl::StatusOr<RuleFile<Message>> ParseRuleFile(absl::string_view path, absl::string_view text) {
  RuleFile<Message> file;
  file.path = std::string(path);
  file.sha256 = Sha256Hex(text);
  file.locations = std::make_shared<google::protobuf::TextFormat::ParseInfoTree>();

  LocatedErrorCollector collector(path, text);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(file.locations.get());
  parser.AllowUnknownField(false);
  parser.AllowUnknownExtension(false);
  // Left at its default, the parser also refuses a singular field written twice.
  const bool ok = parser.ParseFromString(std::string(text), &file.message);
  if (!ok || !collector.errors().empty()) {
    if (collector.errors().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":1:1: could not be parsed"));
    }
    return absl::InvalidArgumentError(absl::StrJoin(collector.errors(), "\n"));
  }
  return file;
}

template absl::StatusOr<RuleFile<v1::PayerPlan>> ParseRuleFile(absl::string_view,
                                                               absl::string_view);
template absl::StatusOr<RuleFile<v1::Clinic>> ParseRuleFile(absl::string_view, absl::string_view);
template absl::StatusOr<RuleFile<v1::TreatmentProtocol>> ParseRuleFile(absl::string_view,
                                                                       absl::string_view);
template absl::StatusOr<RuleFile<v1::DrugCatalog>> ParseRuleFile(absl::string_view,
                                                                 absl::string_view);
template absl::StatusOr<RuleFile<v1::BillingCodeCatalog>> ParseRuleFile(absl::string_view,
                                                                        absl::string_view);
template absl::StatusOr<RuleFile<v1::RuleTestFile>> ParseRuleFile(absl::string_view,
                                                                  absl::string_view);

absl::StatusOr<RuleFiles> ReadRuleDirectory(const std::string& dir) {
  const fs::path root(dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return absl::NotFoundError(absl::StrCat("rule directory '", dir, "' does not exist"));
  }
  RuleFiles files;
  std::vector<std::string> errors;
  ReadRuleFilesIn(dir, "plans", files.plans, errors);
  ReadRuleFilesIn(dir, "clinics", files.clinics, errors);
  ReadRuleFilesIn(dir, "protocols", files.protocols, errors);
  ReadRuleFilesIn(dir, "catalogs", files.catalogs, errors);
  ReadRuleFilesIn(dir, "codes", files.code_catalogs, errors);
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return files;
}

}  // namespace estimator
