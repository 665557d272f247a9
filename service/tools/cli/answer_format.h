// Printing the other answers for people: the payers and plans the server knows, a readiness
// check, the rule status and a reload.
#ifndef ESTIMATOR_TOOLS_CLI_ANSWER_FORMAT_H_
#define ESTIMATOR_TOOLS_CLI_ANSWER_FORMAT_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "estimator/v1/admin.pb.h"
#include "estimator/v1/estimator.pb.h"
#include "service/tools/cli/api.h"

namespace estimator {
namespace cli {


void PrintPayers(const ListPayersRequest&, const ListPayersResponse& response);

void PrintReadiness(const CheckPriorAuthReadinessRequest& request,
                    const CheckPriorAuthReadinessResponse& response);

// The exit code of `readiness` for an assessment: kExitOk when ready to submit (or no prior auth
// is needed and the criteria are met), kExitNotCovered when the plan excludes the treatment (no
// criteria were judged), kExitNotReady otherwise.
int ReadinessExitCode(const v1::ReadinessAssessment& assessment);

std::string LoadLine(const v1::RuleLoad& load);

void PrintRuleStatusFields(const v1::GetRuleStatusResponse& status);

void PrintRuleStatus(const v1::GetRuleStatusRequest&, const v1::GetRuleStatusResponse& status);

void PrintReload(const v1::ReloadRulesRequest&, const v1::ReloadRulesResponse& response);

}  // namespace cli
}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_CLI_ANSWER_FORMAT_H_
