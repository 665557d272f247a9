// Reading the rule directory: every *.textproto under plans/, clinics/, protocols/, catalogs/ and codes/ is parsed
// with protobuf's TextFormat parser into its message type, keeping each field's position so that
// later (semantic) errors can also be reported as `file:line:column: message`.
//
//   absl::StatusOr<RuleFiles> files = ReadRuleDirectory("payer_rules");
//   // on failure: INVALID_ARGUMENT, one "plans/x.textproto:12:5: ..." line per problem
#ifndef ESTIMATOR_RULES_RULE_FILES_H_
#define ESTIMATOR_RULES_RULE_FILES_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "estimator/v1/rules.pb.h"
#include "google/protobuf/text_format.h"
#include "service/common/sha256.h"

namespace estimator {

// One parsed file: its message, where it came from and where each field was written.
template <typename Message>
struct RuleFile {
  std::string path;     // relative to the rule directory, e.g. "plans/medicare_part_b_2026.textproto"
  std::string sha256;   // of the file's bytes, hex
  Message message;
  std::shared_ptr<google::protobuf::TextFormat::ParseInfoTree> locations;
};

struct RuleFiles {
  std::vector<RuleFile<v1::PayerPlan>> plans;
  std::vector<RuleFile<v1::Clinic>> clinics;
  std::vector<RuleFile<v1::TreatmentProtocol>> protocols;
  std::vector<RuleFile<v1::DrugCatalog>> catalogs;
  std::vector<RuleFile<v1::BillingCodeCatalog>> code_catalogs;
};

// Parses `text` into `message` with protobuf's TextFormat parser, unknown fields refused, writing
// where each field was to `locations`; then checks every string (UTF-8, and in rule data files
// (those with unverified_facts) no "(check)" mark). Errors are INVALID_ARGUMENT, one
// `path:line:column: message` line each. `path` is used in error messages only.
absl::Status ParseTextProto(absl::string_view path, absl::string_view text,
                            google::protobuf::Message& message,
                            google::protobuf::TextFormat::ParseInfoTree& locations);

// Parses one file's text into a RuleFile of any message type (rule files here; the access config
// and rule tests in the layers that own them).
template <typename Message>
absl::StatusOr<RuleFile<Message>> ParseRuleFile(absl::string_view path, absl::string_view text) {
  RuleFile<Message> file;
  file.path = std::string(path);
  file.sha256 = Sha256Hex(text);
  file.locations = std::make_shared<google::protobuf::TextFormat::ParseInfoTree>();
  if (absl::Status s = ParseTextProto(path, text, file.message, *file.locations); !s.ok()) {
    return s;
  }
  return file;
}

// One *.textproto of a folder: its path relative to the rule directory and its bytes (or why
// they could not be read).
struct TextprotoFile {
  std::string shown;
  absl::StatusOr<std::string> text;
};
// In the flat form of a rule directory, "<folder>__<name>.textproto" at the top stands for
// "<folder>/<name>.textproto": a Kubernetes ConfigMap's keys cannot contain "/", so a ConfigMap
// of rules (deploy/k8s/rules_configmap.py) is mounted as one flat folder.
inline constexpr char kFlatFolderSeparator[] = "__";

// Every *.textproto in `root`/`subdir`, and every `subdir`__*.textproto in `root` (the flat form),
// sorted by the name shown, `subdir`/NAME (none when there are none).
std::vector<TextprotoFile> ReadTextprotoFiles(const std::string& root, const std::string& subdir);

// Reads and parses every *.textproto in `root`/`subdir` (sorted by name) into `out`, shown relative
// to `root`; each problem is one `path:line:column: message` entry of `errors`.
template <typename Message>
void ReadRuleFilesIn(const std::string& root, const std::string& subdir,
                     std::vector<RuleFile<Message>>& out, std::vector<std::string>& errors) {
  for (TextprotoFile& f : ReadTextprotoFiles(root, subdir)) {
    if (!f.text.ok()) {
      errors.push_back(std::string(f.text.status().message()));
      continue;
    }
    absl::StatusOr<RuleFile<Message>> parsed = ParseRuleFile<Message>(f.shown, *f.text);
    if (!parsed.ok()) {
      errors.push_back(std::string(parsed.status().message()));
      continue;
    }
    out.push_back(*std::move(parsed));
  }
}

// Reads and parses every rule file under `dir` (sorted by path, so the result is deterministic).
// All syntax errors of all files are reported together; nothing is returned unless every file parses.
//
// A folder that is replaced whole the way the kubelet updates a ConfigMap volume (the files live
// in a timestamped folder that a "..data" symlink points to, swapped by rename) is read through
// "..data" resolved once, so a load sees one version of the files, never half of each.
absl::StatusOr<RuleFiles> ReadRuleDirectory(const std::string& dir);

// `dir`/..data resolved to the folder it points to when it is a symlink; `dir` otherwise.
std::string ResolveAtomicFolder(const std::string& dir);

}  // namespace estimator

#endif  // ESTIMATOR_RULES_RULE_FILES_H_
