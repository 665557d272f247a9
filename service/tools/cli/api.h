// The API messages the command-line client names, brought into estimator::cli once.
#ifndef ESTIMATOR_TOOLS_CLI_API_H_
#define ESTIMATOR_TOOLS_CLI_API_H_

#include "estimator/v1/admin.pb.h"
#include "estimator/v1/estimator.pb.h"
#include "estimator/v1/readiness.pb.h"

namespace estimator {
namespace cli {

using v1::CheckPriorAuthReadinessRequest;
using v1::CheckPriorAuthReadinessResponse;
using v1::CompareTreatmentsRequest;
using v1::CompareTreatmentsResponse;
using v1::CourseEstimate;
using v1::CourseOptions;
using v1::Coverage;
using v1::EstimateCourseRequest;
using v1::EstimateCourseResponse;
using v1::EstimateLine;
using v1::ListPayersRequest;
using v1::ListPayersResponse;
using v1::PatientDocumentation;
using v1::Totals;

}  // namespace cli
}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_CLI_API_H_
