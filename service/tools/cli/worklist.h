// `estimator worklist`: prior-authorization readiness for a billing team's worklist in one call
// (BatchCheckPriorAuthReadiness).
//
//   estimator worklist --items=deploy/examples/worklist.json [--json]
//
// The file is the JSON mapping of BatchCheckPriorAuthReadinessRequest: up to 500 items, each a
// caller-chosen `item_id` and the `request` CheckPriorAuthReadiness takes (field names as in the
// .proto or in lowerCamelCase; enums by name):
//
//   {"items": [{"item_id": "row-1",
//               "request": {"payer_id": "aetna", "plan_id": "open_access_ppo",
//                           "treatment": "TREATMENT_TMS", "network": "NETWORK_IN_NETWORK",
//                           "documentation": {"as_of_date": "2026-11-20", "age_years": 42}}}]}
//
// It prints one row per patient (item, plan, treatment, verdict, first gap) and the summary; with
// --json, the response. The exit code says the worst outcome (WorklistExitCode), so a work queue
// can filter on it.
#ifndef ESTIMATOR_TOOLS_CLI_WORKLIST_H_
#define ESTIMATOR_TOOLS_CLI_WORKLIST_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "estimator/v1/readiness.pb.h"
#include "service/tools/cli/client.h"

ABSL_DECLARE_FLAG(std::string, items);

namespace estimator {
namespace cli {

// The flags only `worklist` takes (refused elsewhere).
inline constexpr const char* kWorklistFlags[] = {"items"};

// The request read from --items. Errors name the flag (exit code 2): no file, unreadable, not the
// JSON of a BatchCheckPriorAuthReadinessRequest, or a flag that does not apply to a worklist.
absl::StatusOr<v1::BatchCheckPriorAuthReadinessRequest> WorklistRequestFromFlags();

// kExitCallFailed if any item has an error; else kExitNotReady if any is not ready or needs
// information; else kExitNotCovered if any is not covered; else kExitOk (every item ready to
// submit or needing no prior auth).
int WorklistExitCode(const v1::BatchReadinessSummary& summary);

// The table and the summary, as printed.
std::string WorklistText(const v1::BatchCheckPriorAuthReadinessRequest& request,
                         const v1::BatchCheckPriorAuthReadinessResponse& response);

// The subcommand: the call, printed (or --json), and WorklistExitCode.
int RunWorklist(Client& client);

}  // namespace cli
}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_CLI_WORKLIST_H_
