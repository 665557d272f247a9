#include "service/engine/readiness_batch.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "service/common/status_macros.h"
#include "service/engine/readiness.h"

namespace estimator {
namespace {

bool IsItemIdChar(char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
}

absl::Status InvalidItemId(int index, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("items[", index, "].item_id: ", what));
}

}  // namespace

absl::Status ValidateBatchShape(const v1::BatchCheckPriorAuthReadinessRequest& request) {
  const int n = request.items_size();
  if (n == 0) return absl::InvalidArgumentError("items: at least one item is required");
  if (n > kMaxBatchItems) {
    return absl::InvalidArgumentError(
        absl::StrCat("items: ", n, " items; at most ", kMaxBatchItems, " per call"));
  }
  // Which item first used each id. Views into the request, which outlives the map.
  absl::flat_hash_map<absl::string_view, int> first_use;
  first_use.reserve(n);
  for (int i = 0; i < n; ++i) {
    const std::string& id = request.items(i).item_id();
    // The id is never quoted back: it is the caller's text, and the index says which one.
    if (id.empty()) return InvalidItemId(i, "is required");
    if (id.size() > static_cast<size_t>(kMaxItemIdLength)) {
      return InvalidItemId(i, absl::StrCat("is ", id.size(), " characters; at most ",
                                           kMaxItemIdLength));
    }
    for (char c : id) {
      if (!IsItemIdChar(c)) return InvalidItemId(i, "letters, digits and '-', '_', '.', ':' only");
    }
    const auto [it, inserted] = first_use.emplace(id, i);
    if (!inserted) {
      return InvalidItemId(i, absl::StrCat("repeats items[", it->second, "].item_id; ids must be "
                                           "unique within a batch"));
    }
  }
  return absl::OkStatus();
}

void CountBatchResult(const v1::BatchReadinessResult& result, v1::BatchReadinessSummary& s) {
  s.set_total(s.total() + 1);
  if (!result.has_assessment()) {
    s.set_errors(s.errors() + 1);
    return;
  }
  const v1::ReadinessAssessment& a = result.assessment();
  switch (a.coverage()) {
    case v1::COVERAGE_REQUIREMENT_NOT_COVERED:
      s.set_not_covered(s.not_covered() + 1);
      return;
    case v1::COVERAGE_REQUIREMENT_CRITERIA_NOT_MET:
      s.set_not_ready(s.not_ready() + 1);
      return;
    case v1::COVERAGE_REQUIREMENT_CONDITIONAL:
      s.set_information_needed(s.information_needed() + 1);
      return;
    default:  // COVERED: the engine answers no other value
      if (a.prior_auth() == v1::PRIOR_AUTH_READINESS_READY) {
        s.set_ready(s.ready() + 1);
      } else {
        s.set_prior_auth_not_needed(s.prior_auth_not_needed() + 1);
      }
      return;
  }
}

absl::Status BatchCheckPriorAuthReadinessInto(const RuleSet& rules,
                                              const v1::BatchCheckPriorAuthReadinessRequest& request,
                                              absl::CivilDay today, ContinueCheck may_continue,
                                              v1::BatchCheckPriorAuthReadinessResponse& response) {
  RETURN_IF_ERROR(ValidateBatchShape(request));
  response.mutable_results()->Reserve(request.items_size());
  v1::BatchReadinessSummary& summary = *response.mutable_summary();
  for (int i = 0; i < request.items_size(); ++i) {
    RETURN_IF_ERROR(may_continue());
    const v1::BatchReadinessItem& item = request.items(i);
    v1::BatchReadinessResult& result = *response.add_results();
    result.set_item_id(item.item_id());
    // The single call's own path, so the assessment is the one it answers.
    const absl::Status status =
        AssessReadinessRequestInto(rules, item.request(), today, *result.mutable_assessment());
    if (!status.ok()) {
      // Every message of that path starts with the field's path in the request (INVALID_ARGUMENT
      // from validation, NOT_FOUND for an id or a date no plan version covers), so the prefix makes
      // it the path in the batch. mutable_error() drops the partial assessment (a oneof).
      v1::BatchItemError& error = *result.mutable_error();
      error.set_code(static_cast<int>(status.code()));
      error.set_message(absl::StrCat("items[", i, "].request.", status.message()));
    }
    CountBatchResult(result, summary);
  }
  response.set_rule_set_version(rules.version());
  return absl::OkStatus();
}

}  // namespace estimator
