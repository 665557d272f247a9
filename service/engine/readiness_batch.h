// Prior-authorization readiness for a billing team's worklist: many CheckPriorAuthReadiness
// requests answered on one rule set, each on its own. An item's bad input is that item's error
// (its message naming the field from the batch, "items[3].request.documentation.age_years: ..."),
// never the batch's; only the batch's own shape (no items, too many, an item_id missing, malformed
// or repeated) refuses the whole call. Pure functions, safe from many threads.
//
//   v1::BatchCheckPriorAuthReadinessResponse response;
//   absl::Status s = BatchCheckPriorAuthReadinessInto(*rules, request, today, NoInterruption,
//                                                     response);
//   response.summary().ready();  // how many are ready to submit
#ifndef ESTIMATOR_ENGINE_READINESS_BATCH_H_
#define ESTIMATOR_ENGINE_READINESS_BATCH_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "estimator/v1/readiness.pb.h"
#include "service/rules/rule_set.h"

namespace estimator {

// Limits of a batch, documented in README ("Limits") and readiness.proto. 500 patients is more
// than a day's worklist for a billing team, and such a batch fits the server's limits with room:
// with full charts it is about 98 KB as protobuf and 450 KB as compact JSON (1 MiB allowed), and
// its answer about 6 MB as protobuf, 7.3 MB as JSON; 500 charts as long as 1 MiB allows answer
// 10.5 MB (16 MiB allowed; tests/e2e/readiness_batch_e2e_test.cc).
inline constexpr int kMaxBatchItems = 500;
inline constexpr int kMaxItemIdLength = 64;

// The batch's own shape: 1 to kMaxBatchItems items, each with an item_id that is present, at most
// kMaxItemIdLength characters of letters, digits and "-_.:", and unique. INVALID_ARGUMENT naming
// `items` or `items[i].item_id` otherwise. The items' requests are not looked at.
absl::Status ValidateBatchShape(const v1::BatchCheckPriorAuthReadinessRequest& request);

// Whether to go on with the next item: OK, or the status that ends the batch (e.g. the caller's
// deadline has passed; the engine keeps no clock).
using ContinueCheck = absl::FunctionRef<absl::Status()>;
inline absl::Status NoInterruption() { return absl::OkStatus(); }

// Validates the shape, then answers every item in order into `response` (which may live on a
// protobuf Arena): its assessment, byte for byte what CheckPriorAuthReadiness answers for the same
// request and `today`, or its error; and the summary counts. `may_continue` is asked before each
// item; its error is returned as is, with the summary counting the items answered so far. On any
// error `response` holds a partial answer to discard.
absl::Status BatchCheckPriorAuthReadinessInto(const RuleSet& rules,
                                              const v1::BatchCheckPriorAuthReadinessRequest& request,
                                              absl::CivilDay today, ContinueCheck may_continue,
                                              v1::BatchCheckPriorAuthReadinessResponse& response);

// Counts one answered item in `summary` (total and the one outcome it falls under).
void CountBatchResult(const v1::BatchReadinessResult& result, v1::BatchReadinessSummary& summary);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_READINESS_BATCH_H_
