// The one place an absl::Status becomes a grpc::Status. The codes share numbering.
#ifndef ESTIMATOR_SERVER_GRPC_STATUS_H_
#define ESTIMATOR_SERVER_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace estimator {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_GRPC_STATUS_H_
