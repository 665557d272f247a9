// The command line's saved quotes and Good Faith Estimates (QuoteService):
//
//   estimator quote ... --save [--patient_ref=MRN123]      save the estimate as a quote
//   estimator compare ... --save
//   estimator quotes --clinic=riverbend [--from=2026-12-01 --to=2026-12-31 --patient_ref=MRN123
//       --kind=estimate|comparison|gfe --status=issued|voided|replaced|expired --page_size=20
//       --page_token=...]
//   estimator show --id=q_...  [--html_out=gfe.html]      a quote, its answer and history
//   estimator void --id=q_... --reason="patient changed plans"
//   estimator gfe --clinic=riverbend --self_pay --treatment=ketamine --start=2026-12-14
//       --patient_name="Jane Doe" --birth_date=1980-02-03 --diagnoses=F33.2
//       [--scheduled_on=2026-12-04] [--replaces=q_...] --html_out=gfe.html
//   estimator dispute --id=q_... --bill_date=2027-03-01 --billed=1234567893:12345.00
#ifndef ESTIMATOR_TOOLS_CLI_QUOTE_COMMANDS_H_
#define ESTIMATOR_TOOLS_CLI_QUOTE_COMMANDS_H_

#include "absl/flags/declare.h"
#include "absl/strings/string_view.h"
#include "service/tools/cli/client.h"

ABSL_DECLARE_FLAG(bool, save);
ABSL_DECLARE_FLAG(std::string, patient_ref);
ABSL_DECLARE_FLAG(std::string, id);

namespace estimator {
namespace cli {

// The flags only these subcommands take (refused elsewhere).
inline constexpr const char* kQuoteFlags[] = {
    "save", "patient_ref", "channel", "id", "reason", "from", "to", "kind", "status", "page_size",
    "page_token", "html_out", "patient_name", "birth_date", "diagnoses", "scheduled_on",
    "replaces", "bill_date", "billed"};

// Whether `command` is one of this file's subcommands.
bool IsQuoteCommand(absl::string_view command);

// Runs quote/compare with --save, or quotes, show, void, gfe, dispute. Returns the exit code.
int RunQuoteCommand(absl::string_view command, Client& client);

}  // namespace cli
}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_CLI_QUOTE_COMMANDS_H_
