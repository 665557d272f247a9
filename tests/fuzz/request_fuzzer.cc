// Fuzz target: request handling without gRPC. The first byte picks the RPC, the rest is the
// request's protobuf wire encoding, as a client sends it:
//   byte % 3 == 0  EstimateCourseRequest          -> EstimateCourse
//   byte % 3 == 1  CompareTreatmentsRequest       -> CompareTreatments
//   byte % 3 == 2  CheckPriorAuthReadinessRequest -> CheckPriorAuthReadiness
// Bytes that do not parse are dropped (gRPC answers INTERNAL before any of our code runs). A parsed
// request goes to the engine's entry point with the bundled rules (RuleSet::Load of payer_rules/,
// once) and a fixed today, as the server's handler calls it.
//
// Checked besides crashes, leaks and undefined behaviour: a refusal has a documented code and a
// message; an answer passes answer_checks.h and survives the wire (serialized and parsed back, as
// a client would: a string cut inside a UTF-8 sequence would fail there).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "google/protobuf/stubs/common.h"
#include "service/engine/course_estimate.h"
#include "service/engine/readiness.h"
#include "service/rules/rule_set.h"
#include "tests/fuzz/answer_checks.h"
#include "tests/fuzz/bundled_rules.h"

namespace estimator {
namespace {

const RuleSet& Rules() {
  static const std::shared_ptr<const RuleSet> rules = [] {
    // Rejecting malformed bytes is the expected outcome here, not worth a log line per input.
    google::protobuf::SetLogHandler(nullptr);
    auto loaded = RuleSet::Load(BundledRulesDir(), absl::UnixEpoch());
    if (!loaded.ok()) Finding("the bundled rules do not load", loaded.status().ToString());
    return *loaded;
  }();
  return *rules;
}

template <typename Request, typename Handle, typename Check>
void Serve(const uint8_t* data, size_t size, Handle handle, Check check) {
  Request request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  auto answer = handle(Rules(), request, kFuzzToday);
  if (!answer.ok()) {
    CheckRefusal(answer.status());
    return;
  }
  check(*answer);
  CheckWire(*answer);
}

}  // namespace
}  // namespace estimator

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace estimator;
  if (size == 0) return 0;
  const uint8_t rpc = data[0] % 3;
  ++data, --size;
  switch (rpc) {
    case 0:
      Serve<v1::EstimateCourseRequest>(data, size, EstimateCourse,
                                       [](const v1::EstimateCourseResponse& r) {
                                         CheckEstimate(r.estimate());
                                       });
      break;
    case 1:
      Serve<v1::CompareTreatmentsRequest>(data, size, CompareTreatments,
                                          [](const v1::CompareTreatmentsResponse& r) {
                                            for (const auto& e : r.estimates()) CheckEstimate(e);
                                          });
      break;
    default:
      Serve<v1::CheckPriorAuthReadinessRequest>(data, size, CheckPriorAuthReadiness,
                                                [](const v1::CheckPriorAuthReadinessResponse& r) {
                                                  CheckReadiness(r.assessment());
                                                });
      break;
  }
  return 0;
}
