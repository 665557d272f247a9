#include "service/tools/cli/flags.h"

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
#include "service/common/money.h"
#include "service/common/status_macros.h"
#include "absl/flags/flag.h"
#include "service/tools/table_format.h"

// ---- Connection ---------------------------------------------------------------------------------
ABSL_FLAG(std::string, server, "127.0.0.1:50051", "Address of the estimator server, host:port.");
ABSL_FLAG(int32_t, timeout_ms, 10000, "Deadline of the call, milliseconds.");
ABSL_FLAG(std::string, tls_ca_file, "",
          "TLS: the CA (PEM) that the server's certificate is verified against. Without it the "
          "connection is plaintext, which the server allows on loopback only.");
ABSL_FLAG(std::string, tls_cert_file, "",
          "Mutual TLS: this client's certificate chain (PEM); needs --tls_key_file.");
ABSL_FLAG(std::string, tls_key_file, "", "Mutual TLS: this client's private key (PEM).");
ABSL_FLAG(std::string, token_file, "",
          "A file holding the bearer token to send (else the ESTIMATOR_TOKEN environment "
          "variable, if set).");

// ---- Where, who pays, when ----------------------------------------------------------------------
ABSL_FLAG(std::string, clinic, "",
          "Clinic id (see `estimator payers`). Required for quote and compare.");
ABSL_FLAG(std::string, payer, "", "Payer id (see `estimator payers`); needs --plan.");
ABSL_FLAG(std::string, plan, "",
          "Plan id within the payer (see `estimator payers`); needs --payer.");
ABSL_FLAG(bool, self_pay, false,
          "The patient pays the clinic's self-pay prices (instead of --payer/--plan).");
ABSL_FLAG(std::string, network, "in", "Whether the clinic is in the plan's network: in|out.");
ABSL_FLAG(std::string, tier, "",
          "Coverage tier: self|family. Not given: the estimate assumes self-only and says so.");
ABSL_FLAG(std::string, start, "", "Course start date, YYYY-MM-DD. Default: today.");

// ---- Which course -------------------------------------------------------------------------------
ABSL_FLAG(std::string, treatment, "", "quote: the treatment, tms|spravato|ketamine.");
ABSL_FLAG(std::string, treatments, "",
          "compare: comma-separated subset, e.g. tms,spravato. Default: all the clinic offers.");
ABSL_FLAG(
    std::string, protocol, "",
    "quote: protocol id (see `estimator payers`). Default: the treatment's default protocol.");
ABSL_FLAG(int32_t, dose, 0,
          "Spravato: dose after the first session, 56|84 mg. Default: the protocol's lowest.");
ABSL_FLAG(std::string, drug_benefit, "",
          "Spravato: benefit paying the drug, medical|pharmacy. Default: the plan's.");
ABSL_FLAG(int32_t, maintenance_months, -1,
          "Months of maintenance after the course, 0-36. Default: the protocol's.");
ABSL_FLAG(std::string, maintenance_frequency, "",
          "Maintenance frequency: weekly|every_other_week|monthly. Needed when "
          "--maintenance_months > 0.");

// ---- What the front desk knows of the patient's benefits ----------------------------------------
ABSL_FLAG(std::string, deductible_met, "",
          "Deductible met so far this plan year, dollars (e.g. 150 or 150.25). Default: unknown, "
          "assumed 0.");
ABSL_FLAG(std::string, oop_met, "",
          "Out-of-pocket amount met so far this plan year, dollars. Default: unknown, assumed 0.");
ABSL_FLAG(std::string, family_deductible_met, "",
          "Family deductible met so far this plan year, dollars.");
ABSL_FLAG(std::string, family_oop_met, "",
          "Family out-of-pocket amount met so far this plan year, dollars.");
ABSL_FLAG(std::string, plan_year_start, "",
          "Start of the plan year, MM-DD (e.g. 07-01). Default: the plan's.");
ABSL_FLAG(std::string, verified_deductible, "",
          "Deductible verified with the payer, dollars; replaces the plan's.");
ABSL_FLAG(std::string, verified_oop_max, "",
          "Out-of-pocket maximum verified with the payer, dollars.");
ABSL_FLAG(std::string, verified_copay, "", "Per-session copay verified with the payer, dollars.");
ABSL_FLAG(std::string, verified_coinsurance, "",
          "Coinsurance verified with the payer, percent (e.g. 20 or 12.5).");

// ---- What is documented about the patient -------------------------------------------------------
ABSL_FLAG(std::string, documentation, "",
          "JSON file holding the patient's PatientDocumentation (see deploy/examples/). Required "
          "for readiness; with quote and compare, the plan's criteria are judged against it.");

// ---- Output -------------------------------------------------------------------------------------
ABSL_FLAG(bool, lines, false, "Also print every session line (quote, compare).");
ABSL_FLAG(bool, json, false, "Print the response as JSON instead of tables.");
ABSL_FLAG(std::string, rules_dir, "payer_rules",
          "check: the rule directory (plans/, clinics/, protocols/, catalogs/, codes/, tests/).");
ABSL_FLAG(std::string, policy, "",
          "check: print this plan's policy in plain words instead, written payer/plan.");
ABSL_FLAG(std::string, date, "",
          "check --policy: the day whose plan version is printed, YYYY-MM-DD. Default: today.");

namespace estimator {
namespace cli {

absl::Status FlagError(absl::string_view flag, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", problem));
}

// protobuf 3.21's JSON utilities return their own util::Status, not absl::Status.
absl::Status FromProtobuf(const google::protobuf::util::Status& status, absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.code()),
                      absl::StrCat(context, ": ", status.message().as_string()));
}

// Whether a flag was set to something other than its default (which always means "not given").
bool FlagGiven(absl::string_view name) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  return flag != nullptr && flag->CurrentValue() != flag->DefaultValue();
}

// The first of `flags` that was given, as an error saying `problem`.
absl::Status RefuseFlags(absl::Span<const char* const> flags, absl::string_view problem) {
  for (const char* flag : flags) {
    if (FlagGiven(flag)) return FlagError(flag, problem);
  }
  return absl::OkStatus();
}


// ---- Command line -------------------------------------------------------------------------------

// Abseil's --help family, which is handled inside absl::ParseCommandLine, not registered as flags.
bool IsUsageFlag(absl::string_view name) {
  for (absl::string_view usage : {"help", "helpfull", "helpshort", "helppackage", "helpon",
                                  "helpmatch", "version", "only_check_args"}) {
    if (name == usage) return true;
  }
  return false;
}

// absl::ParseCommandLine exits with status 1 on an unknown flag or a value it cannot parse, which
// would read as a failed call. Checking the same things first keeps usage errors at exit code 2.
absl::Status CheckFlagSyntax(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;  // The rest are positional.
    if (arg.size() < 2 || arg[0] != '-') continue;
    absl::string_view body = arg.substr(arg[1] == '-' ? 2 : 1);
    const size_t equals = body.find('=');
    const std::string name(body.substr(0, equals));
    if (IsUsageFlag(name)) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) {
      // Boolean flags may also be turned off as --noname.
      absl::CommandLineFlag* negated =
          absl::StartsWith(name, "no") ? absl::FindCommandLineFlag(name.substr(2)) : nullptr;
      if (negated != nullptr && negated->IsOfType<bool>() && equals == absl::string_view::npos) {
        continue;
      }
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    std::string value;
    if (equals != absl::string_view::npos) {
      value = std::string(body.substr(equals + 1));
    } else if (flag->IsOfType<bool>()) {
      continue;
    } else if (i + 1 < argc) {
      value = argv[++i];  // "--flag value" form.
    } else {
      return FlagError(name, "missing value");
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) return FlagError(name, error);
  }
  return absl::OkStatus();
}

// --help for people at a front desk: the flags grouped by what they describe. (Abseil's own --help
// lists them alphabetically and exits with status 1, which here means a failed call.)
void PrintHelp() {
  const std::pair<const char*, std::vector<const char*>> groups[] = {
      {"Connection", {"server", "timeout_ms", "tls_ca_file", "tls_cert_file", "tls_key_file",
                      "token_file"}},
      {"Clinic, coverage and start",
       {"clinic", "payer", "plan", "self_pay", "network", "tier", "start"}},
      {"Course",
       {"treatment", "treatments", "protocol", "dose", "drug_benefit", "maintenance_months",
        "maintenance_frequency"}},
      {"What is known of the patient's benefits",
       {"deductible_met", "oop_met", "family_deductible_met", "family_oop_met", "plan_year_start",
        "verified_deductible", "verified_oop_max", "verified_copay", "verified_coinsurance"}},
      {"What is documented about the patient", {"documentation"}},
      {"Worklist (many patients)", {"items"}},
      {"Saved quotes and Good Faith Estimates",
       {"save", "patient_ref", "channel", "id", "reason", "from", "to", "kind", "status", "page_size",
        "page_token", "patient_name", "birth_date", "diagnoses", "scheduled_on", "replaces",
        "html_out", "bill_date", "billed"}},
      {"Output", {"lines", "json"}},
      {"Rule check (offline)", {"rules_dir", "policy", "date"}},
  };
  constexpr size_t kNameWidth = 28;
  std::cout << "estimator: " << kUsage << "\n";
  for (const auto& [title, names] : groups) {
    std::cout << "\n" << title << ":\n";
    for (const char* name : names) {
      const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
      if (flag == nullptr) continue;
      std::string help = flag->Help();
      // Only meaningful defaults: empty, false, 0 and -1 all mean "not given".
      const std::string default_value = flag->DefaultValue();
      if (default_value != "" && default_value != "false" && default_value != "0" &&
          default_value != "-1") {
        absl::StrAppend(&help, " Default: ", default_value, ".");
      }
      std::string label = absl::StrCat("  --", name);
      label.resize(std::max(label.size() + 2, kNameWidth), ' ');
      std::cout << WrapText(help, kTextWidth, label, std::string(kNameWidth, ' '));
    }
  }
}


}  // namespace cli
}  // namespace estimator
