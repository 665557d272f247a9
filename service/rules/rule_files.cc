#include "service/rules/rule_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/stubs/common.h"
#include "service/common/edit_distance.h"
#include "service/common/sha256.h"

namespace estimator {
namespace {

namespace fs = std::filesystem;

// The text between `lead` and the next '"' in `message`, or "".
std::string Quoted(const std::string& message, const std::string& lead) {
  const size_t at = message.find(lead);
  if (at == std::string::npos) return "";
  const size_t begin = at + lead.size();
  const size_t end = message.find('"', begin);
  return end == std::string::npos ? "" : message.substr(begin, end - begin);
}

// " Did you mean \"x\"?" for the closest of `names` to `wrong` within `max_distance` edits, else the
// names in full.
std::string Suggest(const std::string& wrong, const std::vector<std::string>& names,
                    absl::string_view what, size_t max_distance) {
  const std::string* best = nullptr;
  size_t best_distance = max_distance + 1;
  for (const std::string& name : names) {
    const size_t d = static_cast<size_t>(EditDistance(wrong, name, static_cast<int>(max_distance)));
    if (d < best_distance) best = &name, best_distance = d;
  }
  if (best != nullptr) return absl::StrCat(" Did you mean \"", *best, "\"?");
  return absl::StrCat(" ", what, ": ", absl::StrJoin(names, ", "), ".");
}

// Every message type reachable from `root` through its fields.
void Reachable(const google::protobuf::Descriptor* d,
               std::vector<const google::protobuf::Descriptor*>& out) {
  if (std::find(out.begin(), out.end(), d) != out.end()) return;
  out.push_back(d);
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->message_type() != nullptr) Reachable(d->field(i)->message_type(), out);
  }
}

// How to fix what protobuf's parser reports: the field or enum value probably meant.
std::string Hint(const std::string& message, const google::protobuf::Descriptor* root) {
  if (root == nullptr) return "";
  std::vector<const google::protobuf::Descriptor*> types;
  Reachable(root, types);
  if (const std::string field = Quoted(message, "has no field named \""); !field.empty()) {
    const std::string type = Quoted(message, "Message type \"");
    for (const auto* d : types) {
      if (d->full_name() != type) continue;
      std::vector<std::string> names;
      for (int i = 0; i < d->field_count(); ++i) names.push_back(d->field(i)->name());
      return Suggest(field, names, absl::StrCat("The fields of ", d->name(), " are"),
                     std::max<size_t>(2, field.size() / 3));
    }
  }
  if (const std::string value = Quoted(message, "Unknown enumeration value of \""); !value.empty()) {
    const std::string field = Quoted(message, "for field \"");
    for (const auto* d : types) {
      const google::protobuf::FieldDescriptor* f = d->FindFieldByName(field);
      if (f == nullptr || f->enum_type() == nullptr) continue;
      std::vector<std::string> names;
      for (int i = 1; i < f->enum_type()->value_count(); ++i) {  // 0 is *_UNSPECIFIED
        names.push_back(f->enum_type()->value(i)->name());
      }
      // Values share a long prefix, so only a near-miss is worth suggesting.
      return Suggest(value, names, "Use one of", 2);
    }
  }
  return "";
}

// Collects parser errors as "path:line:column: message" with 1-based line and column
// (the parser reports both 0-based). For an unknown field or enum value the parser points just
// past the offending name, sometimes at the next line; the name's own position is reported instead.
class LocatedErrorCollector final : public google::protobuf::io::ErrorCollector {
 public:
  LocatedErrorCollector(absl::string_view path, absl::string_view text,
                        const google::protobuf::Descriptor* root)
      : path_(path), text_(text), root_(root) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    PointAtName(message, line, column);
    errors_.push_back(
        absl::StrCat(path_, ":", line + 1, ":", column + 1, ": ", message, Hint(message, root_)));
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    AddError(line, column, message);
  }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  void PointAtName(const std::string& message, int& line, int& column) const {
    std::string name = Quoted(message, "has no field named \"");
    if (name.empty()) name = Quoted(message, "Unknown enumeration value of \"");
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
  const google::protobuf::Descriptor* root_;
  std::vector<std::string> errors_;
};

// The mark rule-file maintainers used for facts not yet verified against their source. In a text
// an answer may quote it would reach the front desk and patients; such facts are listed in the
// file's unverified_facts instead.
constexpr absl::string_view kUnverifiedMark = "(check)";

// Checks every string of a rule file, each reported at the field that holds it:
// - Protobuf's text parser takes any bytes in a string field, raw (a file saved as Latin-1) or
//   escaped ("\351"), but its binary parser refuses a `string` that is not UTF-8: such a file
//   would be served, and every answer quoting it would fail to parse at the client.
// - With `refuse_mark` (files whose schema has unverified_facts), no text but those facts may carry
//   the "(check)" mark.
void CheckStrings(const google::protobuf::Message& message,
                  const google::protobuf::TextFormat::ParseInfoTree* tree, absl::string_view path,
                  bool refuse_mark, std::vector<std::string>& errors) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const int count = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      const int index = field->is_repeated() ? i : -1;
      if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
        const google::protobuf::Message& nested =
            index < 0 ? reflection->GetMessage(message, field)
                      : reflection->GetRepeatedMessage(message, field, index);
        CheckStrings(nested, tree != nullptr ? tree->GetTreeForNested(field, index) : nullptr,
                     path, refuse_mark, errors);
      } else if (field->type() == FieldDescriptor::TYPE_STRING) {
        const std::string value = index < 0 ? reflection->GetString(message, field)
                                            : reflection->GetRepeatedString(message, field, index);
        const bool utf8 = google::protobuf::internal::IsStructurallyValidUTF8(
            value.data(), static_cast<int>(value.size()));
        const bool marked = refuse_mark && field->name() != "unverified_facts" &&
                            absl::StrContains(value, kUnverifiedMark);
        if (utf8 && !marked) continue;
        google::protobuf::TextFormat::ParseLocation at;
        if (tree != nullptr) at = tree->GetLocation(field, index);
        errors.push_back(absl::StrCat(
            path, ":", std::max(at.line, 0) + 1, ":", std::max(at.column, 0) + 1, ": ",
            field->name(),
            !utf8 ? " is not valid UTF-8 text; save the file as UTF-8"
                  : " carries \"(check)\", which would reach answers: write the text without it "
                    "and list the fact in unverified_facts"));
      }
    }
  }
}

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

absl::Status ParseTextProto(absl::string_view path, absl::string_view text,
                            google::protobuf::Message& message,
                            google::protobuf::TextFormat::ParseInfoTree& locations) {
  LocatedErrorCollector collector(path, text, message.GetDescriptor());
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&locations);
  parser.AllowUnknownField(false);
  parser.AllowUnknownExtension(false);
  // Left at its default, the parser also refuses a singular field written twice.
  const bool ok = parser.ParseFromString(std::string(text), &message);
  if (!ok || !collector.errors().empty()) {
    if (collector.errors().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":1:1: could not be parsed"));
    }
    return absl::InvalidArgumentError(absl::StrJoin(collector.errors(), "\n"));
  }
  std::vector<std::string> errors;
  const bool rule_data = message.GetDescriptor()->FindFieldByName("unverified_facts");
  CheckStrings(message, &locations, path, rule_data, errors);
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return absl::OkStatus();
}

std::vector<TextprotoFile> ReadTextprotoFiles(const std::string& root, const std::string& subdir) {
  std::vector<TextprotoFile> out;
  for (const auto& f : TextprotoFilesIn(fs::path(root) / subdir)) {
    TextprotoFile& file = out.emplace_back();
    file.shown = fs::relative(f, fs::path(root)).generic_string();
    file.text = ReadFile(f, file.shown);
  }
  // The flat form of the same folder (a ConfigMap's keys cannot hold "/"): "plans__x.textproto"
  // at the top is the file "plans/x.textproto", shown and versioned under that name.
  const std::string prefix = subdir + kFlatFolderSeparator;
  const size_t in_folders = out.size();
  for (const auto& f : TextprotoFilesIn(fs::path(root))) {
    const std::string name = f.filename().string();
    if (!absl::StartsWith(name, prefix) || name == prefix + ".textproto") continue;
    TextprotoFile& file = out.emplace_back();
    file.shown = absl::StrCat(subdir, "/", name.substr(prefix.size()));
    const bool twice = std::any_of(out.begin(), out.begin() + in_folders,
                                   [&](const TextprotoFile& other) { return other.shown == file.shown; });
    file.text = twice ? absl::StatusOr<std::string>(absl::InvalidArgumentError(absl::StrCat(
                            name, ":1:1: the same file as ", file.shown, "; keep one of the two")))
                      : ReadFile(f, file.shown);
  }
  std::sort(out.begin(), out.end(),
            [](const TextprotoFile& a, const TextprotoFile& b) { return a.shown < b.shown; });
  return out;
}

std::string ResolveAtomicFolder(const std::string& dir) {
  std::error_code ec;
  const fs::path data = fs::path(dir) / "..data";
  if (!fs::is_symlink(data, ec)) return dir;
  const fs::path target = fs::canonical(data, ec);
  return ec ? dir : target.string();
}

absl::StatusOr<RuleFiles> ReadRuleDirectory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(fs::path(dir), ec)) {
    return absl::NotFoundError(absl::StrCat("rule directory '", dir, "' does not exist"));
  }
  // One version of a folder that is swapped whole (a Kubernetes ConfigMap volume), read from the
  // version current now even if the next swap lands while we read.
  const std::string root = ResolveAtomicFolder(dir);
  RuleFiles files;
  std::vector<std::string> errors;
  ReadRuleFilesIn(root, "plans", files.plans, errors);
  ReadRuleFilesIn(root, "clinics", files.clinics, errors);
  ReadRuleFilesIn(root, "protocols", files.protocols, errors);
  ReadRuleFilesIn(root, "catalogs", files.catalogs, errors);
  ReadRuleFilesIn(root, "codes", files.code_catalogs, errors);
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return files;
}

}  // namespace estimator
