#include "service/tools/cli/worklist.h"

#include <google/protobuf/util/json_util.h>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/common/status_macros.h"
#include "service/engine/vocabulary.h"
#include "service/tools/cli/estimate_format.h"
#include "service/tools/cli/flags.h"
#include "service/tools/cli/requests.h"
#include "service/tools/table_format.h"

ABSL_FLAG(std::string, items, "",
          "worklist: JSON file of the patients to check, the JSON of a "
          "BatchCheckPriorAuthReadinessRequest: {\"items\": [{\"item_id\": \"row-1\", \"request\": "
          "{...as for readiness...}}]}, at most 500 (see deploy/examples/worklist.json).");

namespace estimator {
namespace cli {
namespace {

// What a billing person reads in the Verdict column: one of the summary's outcomes.
std::string Verdict(const v1::ReadinessAssessment& a) {
  switch (a.coverage()) {
    case v1::COVERAGE_REQUIREMENT_NOT_COVERED: return "Not covered";
    case v1::COVERAGE_REQUIREMENT_CRITERIA_NOT_MET: return "Not ready";
    case v1::COVERAGE_REQUIREMENT_CONDITIONAL: return "Information needed";
    case v1::COVERAGE_REQUIREMENT_COVERED:
      return a.prior_auth() == v1::PRIOR_AUTH_READINESS_READY ? "Ready to submit"
                                                              : "No prior auth needed";
    default: return absl::StrCat("coverage ", a.coverage());
  }
}

// A gap is a sentence; in a table of many patients its start says enough (`estimator readiness`
// and --json give it whole).
constexpr size_t kGapColumns = 80;

// `text` cut to `columns` code points, ending "..." when cut (never inside a UTF-8 sequence).
std::string Shortened(const std::string& text, size_t columns) {
  if (DisplayWidth(text) <= columns) return text;
  size_t kept = 0, end = 0;
  for (; end < text.size(); ++end) {
    const bool starts_code_point = (static_cast<unsigned char>(text[end]) & 0xC0) != 0x80;
    if (starts_code_point && kept++ == columns - 3) break;
  }
  return absl::StrCat(text.substr(0, end), "...");
}

// The first thing to act on: the first clinical gap on the checklist, or why it is excluded.
std::string FirstGap(const v1::ReadinessAssessment& a) {
  if (a.coverage() == v1::COVERAGE_REQUIREMENT_NOT_COVERED) {
    return a.policy_section().empty() ? "Excluded by the plan"
                                      : absl::StrCat("Excluded (", a.policy_section(), ")");
  }
  for (const v1::ChecklistItem& item : a.checklist()) {
    if (item.kind() == v1::DOCUMENTATION_KIND_CLINICAL) return Shortened(item.item(), kGapColumns);
  }
  return "-";
}

std::string Count(int n, absl::string_view one, absl::string_view many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

}  // namespace

absl::StatusOr<v1::BatchCheckPriorAuthReadinessRequest> WorklistRequestFromFlags() {
  // Each item carries its own plan, treatment, network and documentation.
  RETURN_IF_ERROR(RefuseFlags({"clinic", "payer", "plan", "self_pay", "network", "treatment",
                               "treatments", "start", "documentation", "lines"},
                              "does not apply to worklist (each item of --items carries its own)"));
  RETURN_IF_ERROR(RefuseFlags(kBenefitFlags, "does not apply to worklist"));
  RETURN_IF_ERROR(RefuseFlags(kCourseFlags, "does not apply to worklist"));
  const std::string path = absl::GetFlag(FLAGS_items);
  if (path.empty()) {
    return FlagError("items", "required: a JSON file of the worklist (see deploy/examples/worklist.json)");
  }
  ASSIGN_OR_RETURN(const std::string json, ReadFlagFile("items", path));
  v1::BatchCheckPriorAuthReadinessRequest request;
  const absl::Status parsed = FromProtobuf(
      google::protobuf::util::JsonStringToMessage(json, &request),
      absl::StrCat("'", path, "' is not a BatchCheckPriorAuthReadinessRequest in JSON"));
  if (!parsed.ok()) {
    // The parser's message may go on with a line of context and a caret; the first line says it.
    const absl::string_view message = parsed.message();
    return FlagError("items", absl::StripAsciiWhitespace(message.substr(0, message.find('\n'))));
  }
  return request;
}

int WorklistExitCode(const v1::BatchReadinessSummary& s) {
  if (s.errors() > 0) return kExitCallFailed;
  if (s.not_ready() > 0 || s.information_needed() > 0) return kExitNotReady;
  if (s.not_covered() > 0) return kExitNotCovered;
  return kExitOk;
}

std::string WorklistText(const v1::BatchCheckPriorAuthReadinessRequest& request,
                         const v1::BatchCheckPriorAuthReadinessResponse& response) {
  TextTable table({{"Item"}, {"Plan"}, {"Treatment"}, {"Verdict"}, {"First gap"}});
  for (int i = 0; i < response.results_size(); ++i) {
    const v1::BatchReadinessResult& result = response.results(i);
    // The server answers in request order; the ids say which request each result is for.
    const v1::CheckPriorAuthReadinessRequest& asked =
        i < request.items_size() ? request.items(i).request()
                                 : v1::CheckPriorAuthReadinessRequest::default_instance();
    std::vector<std::string> row = {result.item_id(),
                                    absl::StrCat(asked.payer_id(), "/", asked.plan_id()),
                                    TreatmentName(asked.treatment())};
    if (result.has_assessment()) {
      row.push_back(Verdict(result.assessment()));
      row.push_back(FirstGap(result.assessment()));
    } else {
      row.push_back("Error");
      row.push_back(result.error().message());
    }
    table.AddRow(std::move(row));
  }
  const v1::BatchReadinessSummary& s = response.summary();
  std::string text = table.Render();
  absl::StrAppend(
      &text, "\n",
      WrapText(absl::StrCat("Summary: ", Count(s.total(), "patient", "patients"), ": ", s.ready(),
                            " ready to submit, ", s.not_ready(), " not ready, ",
                            s.information_needed(), " information needed, ", s.not_covered(),
                            " not covered, ", s.prior_auth_not_needed(), " no prior auth needed, ",
                            Count(s.errors(), "error", "errors"), "."),
               kTextWidth, ""),
      "Rules: version ", ShortHash(response.rule_set_version()), "\n");
  return text;
}

int RunWorklist(Client& client) {
  const absl::StatusOr<v1::BatchCheckPriorAuthReadinessRequest> request =
      WorklistRequestFromFlags();
  if (!request.ok()) return UsageError(request.status());
  v1::BatchCheckPriorAuthReadinessResponse response;
  const grpc::Status status =
      client.stub().BatchCheckPriorAuthReadiness(client.Context().get(), *request, &response);
  if (!status.ok()) return CallFailed(status);
  if (std::optional<int> code = MaybePrintJson(response)) {
    if (*code != kExitOk) return *code;
  } else {
    std::cout << WorklistText(*request, response);
  }
  return WorklistExitCode(response.summary());
}

}  // namespace cli
}  // namespace estimator
