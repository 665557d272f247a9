// The public API's unary methods in one table: for each, its path (the same for gRPC and
// Connect), its Method (for roles and the audit line), whether a request carries clinical
// documentation (which the portal role may not send), its request and response types, and the one
// handler that answers it. The gRPC services call their handlers directly; the HTTP front
// (http/connect_front.h) routes by this table. The rule admin service is not in it: it is
// gRPC only.
//
//   PublicApi api(&estimator, &quotes);
//   const ApiMethod* m = api.Find("/estimator.v1.EstimatorService/EstimateCourse");
//   std::unique_ptr<google::protobuf::Message> request(m->request_prototype->New());
#ifndef ESTIMATOR_SERVER_PUBLIC_API_H_
#define ESTIMATOR_SERVER_PUBLIC_API_H_

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "estimator/v1/estimator.pb.h"
#include "estimator/v1/quotes.pb.h"
#include "google/protobuf/message.h"
#include "service/server/access_control.h"
#include "service/server/unary_call.h"
#include "service/server/work_queue.h"

namespace estimator {

class EstimatorService;
class QuoteService;

// Whether a request carries clinical documentation.
bool CarriesDocumentation(const v1::EstimateCourseRequest& request);
bool CarriesDocumentation(const v1::CompareTreatmentsRequest& request);
bool CarriesDocumentation(const v1::CheckPriorAuthReadinessRequest& request);
bool CarriesDocumentation(const v1::BatchCheckPriorAuthReadinessRequest& request);
bool CarriesDocumentation(const v1::SaveQuoteRequest& request);
// The other requests never do.
inline bool CarriesDocumentation(const google::protobuf::Message&) { return false; }

struct ApiMethod {
  std::string path;  // "/estimator.v1.EstimatorService/EstimateCourse"
  Method method;
  const google::protobuf::Message* request_prototype;
  const google::protobuf::Message* response_prototype;
  // Where the handler runs: null for the caller's thread (fast, in-memory calls), or a queue of
  // its own (quote calls, which wait on the database).
  WorkQueue* queue = nullptr;
  std::function<bool(const google::protobuf::Message& request)> carries_documentation;
  // `request` and `response` are of the prototypes' types. `deadline` is the caller's
  // (absl::InfiniteFuture() for none): every call is admitted only before it, and a handler that
  // works through many parts (a batch) checks it between them; the others ignore it.
  std::function<absl::Status(const Caller&, const google::protobuf::Message& request,
                             absl::Time deadline, AuditFields&,
                             google::protobuf::Message& response)>
      handle;
};

class PublicApi {
 public:
  PublicApi(const EstimatorService* estimator, QuoteService* quotes);

  // The method at `path`, or null.
  const ApiMethod* Find(absl::string_view path) const;
  const std::vector<ApiMethod>& methods() const { return methods_; }

 private:
  std::vector<ApiMethod> methods_;
};

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_PUBLIC_API_H_
