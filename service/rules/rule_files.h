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
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "estimator/v1/rules.pb.h"
#include "google/protobuf/text_format.h"

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

// Parses one file's text. `path` is used in error messages only.
template <typename Message>
absl::StatusOr<RuleFile<Message>> ParseRuleFile(absl::string_view path, absl::string_view text);

// Reads and parses every *.textproto in `root`/`subdir` (sorted by name) into `out`, shown relative
// to `root`; each problem is one `path:line:column: message` entry of `errors`.
template <typename Message>
void ReadRuleFilesIn(const std::string& root, const std::string& subdir,
                     std::vector<RuleFile<Message>>& out, std::vector<std::string>& errors);

// Reads and parses every rule file under `dir` (sorted by path, so the result is deterministic).
// All syntax errors of all files are reported together; nothing is returned unless every file parses.
absl::StatusOr<RuleFiles> ReadRuleDirectory(const std::string& dir);

}  // namespace estimator

#endif  // ESTIMATOR_RULES_RULE_FILES_H_
