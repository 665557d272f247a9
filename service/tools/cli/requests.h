// Turning the command line's flags into API requests (no server needed, so unit-tested alone):
// amounts in dollars to cents, dates, choices, the documentation file, and one request per
// subcommand. Errors are INVALID_ARGUMENT naming the flag.
#ifndef ESTIMATOR_TOOLS_CLI_REQUESTS_H_
#define ESTIMATOR_TOOLS_CLI_REQUESTS_H_

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
#include "estimator/v1/readiness.pb.h"

namespace estimator {
namespace cli {


bool AllDigits(absl::string_view s);

// Splits "123.45" into whole and fraction digits, at most `max_fraction` of them; exact, so no
// floating point ever touches an amount.
absl::Status SplitDecimal(absl::string_view flag, absl::string_view text, absl::string_view example,
                          size_t max_fraction, int64_t* whole, int64_t* fraction_scaled);

// "150", "150.5", "150.25" or "$150.25" -> cents. Empty: not given.
absl::StatusOr<std::optional<int64_t>> ParseDollars(absl::string_view flag,
                                                    absl::string_view text);

// "20", "12.5", "12.25" or "20%" -> basis points. Empty: not given.
absl::StatusOr<std::optional<int32_t>> ParsePercent(absl::string_view flag,
                                                    absl::string_view text);

// "07-01" -> month 7, day 1.
absl::StatusOr<v1::MonthDay> ParseMonthDay(absl::string_view flag, absl::string_view text);

absl::StatusOr<v1::Treatment> ParseTreatment(absl::string_view flag, absl::string_view text);

// --start, checked; empty when not given.
absl::StatusOr<std::string> StartFromFlags();

absl::StatusOr<std::string> CourseStartFromFlags();

// The one --treatment of quote and readiness.
absl::StatusOr<v1::Treatment> TreatmentFromFlags(absl::string_view command);

// The whole of the file `path` named by --`flag`.
absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path);

// The file named by --documentation, parsed; nullopt when not given. Field names may be the
// proto's (age_years) or JSON's (ageYears); enum values are written as their names.
absl::StatusOr<std::optional<PatientDocumentation>> DocumentationFromFlags();

absl::StatusOr<std::string> ClinicFromFlags();

// The patient's coverage, shared by quote and compare.
absl::StatusOr<Coverage> CoverageFromFlags();

// The Spravato and maintenance choices, applied to one course. `spravato_listed` says whether a
// Spravato course is being asked for at all, so Spravato-only flags are refused otherwise.
absl::Status ApplyCourseChoices(bool spravato_listed, CourseOptions& course);

absl::StatusOr<EstimateCourseRequest> QuoteRequestFromFlags();

absl::StatusOr<CompareTreatmentsRequest> CompareRequestFromFlags();

absl::StatusOr<CheckPriorAuthReadinessRequest> ReadinessRequestFromFlags();

}  // namespace cli
}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_CLI_REQUESTS_H_
