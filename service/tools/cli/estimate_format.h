// Printing estimates and comparisons for people: the API's enums in words, aligned tables,
// wrapped text; and any response as JSON (--json).
#ifndef ESTIMATOR_TOOLS_CLI_ESTIMATE_FORMAT_H_
#define ESTIMATOR_TOOLS_CLI_ESTIMATE_FORMAT_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "estimator/v1/admin.pb.h"
#include "estimator/v1/estimator.pb.h"
#include "service/engine/vocabulary.h"
#include "service/tools/cli/api.h"
#include "google/protobuf/message.h"

namespace estimator {
namespace cli {


std::string NoticePrefix(int kind);

// "$1,234.56".
std::string Dollars(int64_t cents);

// The first 12 hex digits identify a version well enough to read aloud or compare by eye.
std::string ShortHash(absl::string_view hash);

std::string SessionsCovered(const Totals& totals);

std::string NameWithId(absl::string_view name, absl::string_view id);

std::string EffectiveRange(absl::string_view from, absl::string_view to);

std::string SourceText(const v1::PolicySource& source);

// "Medicare / Part B (medicare/part_b)"; the ids stand in for names the server did not send.
std::string PayerPlanText(absl::string_view payer_name, absl::string_view plan_name,
                          absl::string_view payer_id, absl::string_view plan_id);

// "Medicare / Part B (medicare/part_b), in-network, self-only" or "Self-pay".
std::string CoverageLine(const Coverage& coverage, const v1::CoverageDecision& decision);

// Labelled values, aligned and wrapped: "  Clinic:    Downtown (downtown)".
void PrintFields(const std::vector<std::pair<std::string, std::string>>& fields);

// The policy section and the sources a decision comes from, as fields.
std::vector<std::pair<std::string, std::string>> PolicyFields(
    const std::string& policy_section,
    const google::protobuf::RepeatedPtrField<v1::PolicySource>& sources);

// A blank line, then the title.
void PrintSection(absl::string_view title);

void PrintNotices(const google::protobuf::RepeatedPtrField<v1::Notice>& notices,
                  absl::string_view indent);

// Spravato: "84 mg after the first session; drug under the pharmacy benefit".
std::string DoseText(const CourseEstimate& estimate);

// "version 1a2b3c4d5e6f, plan file 0f9e8d7c6b5a (in effect from 2026-01-01)".
std::string RulesText(absl::string_view rule_set_version, absl::string_view plan_file_version,
                      absl::string_view plan_effective_from = "");

// What the course would cost if the plan approved it: only for a course quoted as not covered
// because the documentation does not yet show the plan's criteria are met.
const Totals* IfApproved(const CourseEstimate& estimate);

// "$4,800.00", "$4,800.00 (if approved: $1,250.00)", "$2,500.00 (range $1,500.00-$9,000.00)".
std::string PatientPaysText(const CourseEstimate& estimate);

// "The patient could pay from $L (if ...) to $H (if ...)." or "" when nothing is unknown.
std::string RangeText(const v1::PatientRange& range);

// The patient's total split into where it comes from, leaving out parts that are zero.
std::string PatientBreakdown(const Totals& totals);

std::string CodesText(const EstimateLine& line);

// Every session line, with a rule between plan years and the course total at the bottom.
void PrintLineTable(const CourseEstimate& estimate);

absl::Status PrintJson(const google::protobuf::Message& message);

void PrintQuote(const EstimateCourseRequest& request, const EstimateCourseResponse& response);

void PrintComparison(const CompareTreatmentsRequest& request,
                     const CompareTreatmentsResponse& response);

}  // namespace cli
}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_CLI_ESTIMATE_FORMAT_H_
