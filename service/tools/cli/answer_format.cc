#include "service/tools/cli/answer_format.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "service/common/dates.h"
#include "service/tools/cli/api.h"
#include "service/common/money.h"
#include "service/common/status_macros.h"
#include "service/engine/vocabulary.h"
#include "service/tools/cli/estimate_format.h"
#include "service/tools/cli/flags.h"
#include "service/tools/readiness_format.h"
#include "service/tools/table_format.h"

namespace estimator {
namespace cli {


void PrintPayers(const ListPayersRequest&, const ListPayersResponse& response) {
  std::cout << "Rules: version " << ShortHash(response.rule_set_version());
  if (!response.loaded_at().empty()) std::cout << ", loaded " << SingleLine(response.loaded_at());
  std::cout << "\n";

  PrintSection(
      absl::StrCat("Plans (", response.plans_size(),
                   " plan file versions; quote with --payer=<payer id> --plan=<plan id>)"));
  for (const v1::PlanInfo& plan : response.plans()) {
    std::cout << "\n"
              << SingleLine(absl::StrCat(plan.payer_name(), " / ", plan.plan_name(), "   --payer=",
                                         plan.payer_id(), " --plan=", plan.plan_id()))
              << "\n";
    std::vector<std::pair<std::string, std::string>> fields = {
        {"Type", Capitalized(PlanTypeName(plan.plan_type()))},
        {"Effective", EffectiveRange(plan.effective_from(), plan.effective_to())},
        {"File", absl::StrCat(plan.file(), " (sha256 ", ShortHash(plan.file_version()),
                              plan.loaded_at().empty() ? "" : absl::StrCat(", loaded ", SingleLine(plan.loaded_at())),
                              ")")},
    };
    if (!plan.amounts_published_through().empty()) {
      fields.push_back({"Amounts", absl::StrCat("published through ",
                                                SingleLine(plan.amounts_published_through()))});
    }
    // One line per treatment, labelled by the treatment: "TMS:  Covered, per LCD L34641, ...".
    for (const v1::TreatmentSummary& treatment : plan.treatments()) {
      std::string coverage = Capitalized(CoverageStatusName(treatment.status()));
      if (!treatment.policy_section().empty()) {
        absl::StrAppend(&coverage, ", per ", treatment.policy_section());
      }
      fields.push_back({TreatmentName(treatment.treatment()), coverage});
    }
    for (const v1::PolicySource& source : plan.sources())
      fields.push_back({"Source", SourceText(source)});
    if (!plan.fee_note().empty()) fields.push_back({"Fees", plan.fee_note()});
    PrintFields(fields);
  }

  PrintSection("Clinics (quote with --clinic=<id>)");
  TextTable clinics({{"Id"}, {"Name"}, {"Treatments offered"}, {"File"}, {"Version"}});
  for (const v1::ClinicInfo& clinic : response.clinics()) {
    std::vector<std::string> offered;
    for (int treatment : clinic.offered_treatments()) offered.push_back(TreatmentName(treatment));
    clinics.AddRow({clinic.clinic_id(), clinic.name(), absl::StrJoin(offered, ", "), clinic.file(),
                    ShortHash(clinic.file_version())});
  }
  std::cout << (clinics.num_rows() > 0 ? clinics.Render("  ") : "  (none)\n");

  PrintSection("Protocols (quote with --protocol=<id>)");
  TextTable protocols({{"Id"}, {"Treatment"}, {"Name"}, {"Default"}});
  for (const v1::ProtocolInfo& protocol : response.protocols()) {
    protocols.AddRow({protocol.protocol_id(), TreatmentName(protocol.treatment()), protocol.name(),
                      protocol.default_for_treatment() ? "yes" : ""});
  }
  std::cout << (protocols.num_rows() > 0 ? protocols.Render("  ") : "  (none)\n");
}

void PrintReadiness(const CheckPriorAuthReadinessRequest& request,
                    const CheckPriorAuthReadinessResponse& response) {
  const v1::ReadinessAssessment& assessment = response.assessment();
  std::cout << SingleLine(absl::StrCat(
                   "Prior auth readiness: ", TreatmentName(assessment.treatment()), ", ",
                   PayerPlanText(assessment.payer_name(), assessment.plan_name(),
                                 request.payer_id(), request.plan_id())))
            << "\n";
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Summary", assessment.summary()},
      {"Coverage",
       WithCrdCode(CoverageRequirementName(assessment.coverage()), assessment.crd().covered())},
      {"Prior auth",
       WithCrdCode(PriorAuthReadinessName(assessment.prior_auth()), assessment.crd().pa_needed())},
      {"Documentation needed",
       WithCrdCode(DocumentationNeededName(assessment.documentation_needed()),
                   absl::StrJoin(assessment.crd().doc_needed(), ", "))},
  };
  for (auto& field : PolicyFields(assessment.policy_section(), assessment.sources())) {
    fields.push_back(std::move(field));
  }
  fields.push_back({"As of", assessment.as_of_date()});
  if (!request.planned_start_date().empty()) {
    fields.push_back({"Planned start", request.planned_start_date()});
  }
  fields.push_back({"Rules", RulesText(response.rule_set_version(), assessment.plan_file_version(),
                                       assessment.plan_effective_from())});
  PrintFields(fields);

  if (assessment.criteria_size() > 0) {
    PrintSection("Criteria");
    std::cout << CriteriaTree(assessment.criteria(), kTextWidth, "  ");
  }
  PrintSection("Before submitting, obtain:");
  std::cout << (assessment.checklist_size() > 0
                    ? Checklist(assessment.checklist(), kTextWidth, "  ")
                    : "  nothing\n");
  if (assessment.has_request_packet()) {
    PrintSection("The request");
    std::cout << RequestPacketText(assessment.request_packet(), kTextWidth, "  ");
  }
  if (assessment.notices_size() > 0) {
    PrintSection("Notes");
    PrintNotices(assessment.notices(), "  ");
  }
}

int ReadinessExitCode(const v1::ReadinessAssessment& a) {
  if (a.coverage() == v1::COVERAGE_REQUIREMENT_COVERED) return kExitOk;
  if (a.coverage() == v1::COVERAGE_REQUIREMENT_NOT_COVERED) return kExitNotCovered;
  return kExitNotReady;
}

std::string LoadLine(const v1::RuleLoad& load) {
  std::string line = absl::StrCat(SingleLine(load.finished_at()), ", ",
                                  absl::AsciiStrToLower(absl::StripPrefix(
                                      v1::LoadTrigger_Name(load.trigger()), "LOAD_TRIGGER_")));
  if (!load.requested_by().empty()) absl::StrAppend(&line, " by ", SingleLine(load.requested_by()));
  if (!load.version().empty()) absl::StrAppend(&line, ", version ", ShortHash(load.version()));
  return line;
}

void PrintRuleStatusFields(const v1::GetRuleStatusResponse& status) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Directory", SingleLine(status.rules_dir())},
      {"Serving", absl::StrCat("version ", ShortHash(status.rule_set_version()), ", loaded ",
                               SingleLine(status.loaded_at()), " (", status.plan_version_count(),
                               " plan versions, ", status.clinic_count(), " clinics)")},
      {"Loads", absl::StrCat(status.successful_load_count(), " successful, ",
                             status.rejected_load_count(), " rejected")},
      {"Polling", status.poll_interval_seconds() > 0
                      ? absl::StrCat("every ", status.poll_interval_seconds(), " s")
                      : "off"},
      {"Audit", absl::StrCat(status.audit_lines_written(), " lines written")},
  };
  if (status.has_last_success()) fields.push_back({"Last success", LoadLine(status.last_success())});
  if (status.has_last_rejection()) {
    fields.push_back({"Last rejected", LoadLine(status.last_rejection())});
  }
  PrintFields(fields);
  if (status.has_last_rejection()) {
    PrintSection("Why the last load was rejected");
    for (const std::string& error : status.last_rejection().errors()) {
      std::cout << WrapText(error, kTextWidth, "  ", "    ");
    }
  }
}

void PrintRuleStatus(const v1::GetRuleStatusRequest&, const v1::GetRuleStatusResponse& status) {
  PrintRuleStatusFields(status);
}

void PrintReload(const v1::ReloadRulesRequest&, const v1::ReloadRulesResponse& response) {
  std::cout << (response.changed() ? "Reloaded: the new rules are served.\n"
                                   : "Reloaded: the files are unchanged.\n");
  PrintRuleStatusFields(response.status());
}

}  // namespace cli
}  // namespace estimator
