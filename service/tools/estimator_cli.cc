// `estimator`: the front-desk command-line client of the treatment cost estimator service.
//
// It turns flags into one EstimatorService request, calls a running server and prints the answer
// for people (aligned tables, plain words) or, with --json, as the response's JSON.
//
//   estimator quote --clinic=downtown --payer=medicare --plan=part_b --treatment=tms
//       --start=2026-03-02 --deductible_met=150 --lines      (one command line)
//   estimator compare --clinic=downtown --self_pay --treatments=tms,spravato
//   estimator payers --server=estimator.internal:50051
//   estimator readiness --payer=aetna --plan=open_access_ppo --treatment=spravato
//       --documentation=deploy/examples/patient_tms_ready.json      (one command line)
//   estimator worklist --items=deploy/examples/worklist.json   (many patients in one call)
//   estimator check --rules_dir=payer_rules                 (offline: no server)
//   estimator check --rules_dir=payer_rules --policy=medicare/part_b --date=2026-03-02
//
// `readiness` judges a patient's documentation (a PatientDocumentation in protobuf JSON, as in
// deploy/examples/) against the plan's prior-authorization criteria and lists what to obtain before
// submitting; quote and compare take the same --documentation and then quote a treatment whose
// criteria are not shown to be met as not covered, with what it would cost if approved.
//
// `check` needs no server: it validates every rule file in --rules_dir and runs every rule test in
// its tests/ folder (or, with --policy, prints one plan's policy in plain words).
//
// Exit codes: 0 success, 1 the call failed (printed as "error: <grpc code>: <message>") or the
// rule check failed, 2 usage error (unknown subcommand or flag, or a flag value that cannot be used);
// `readiness` also 3 when the patient is not ready and 4 when the plan excludes the treatment;
// `worklist` 1 when any item has an error, else 3 when any is not ready, else 4 when any is not
// covered (worklist.h).
//
// One file per concern under cli/: flags.h (flags, usage, exit codes), requests.h (flags ->
// requests), client.h (channel, credentials, token, calls), estimate_format.h and
// answer_format.h (printing answers). This file dispatches subcommands.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "service/common/dates.h"
#include "service/tools/cli/api.h"
#include "service/common/sha256.h"
#include "service/tools/cli/answer_format.h"
#include "service/tools/cli/client.h"
#include "service/tools/cli/estimate_format.h"
#include "service/tools/cli/flags.h"
#include "service/tools/cli/quote_commands.h"
#include "service/tools/cli/requests.h"
#include "service/tools/cli/worklist.h"
#include "service/tools/policy_summary.h"
#include "service/tools/rule_check.h"

namespace estimator {
namespace cli {
namespace {



// `readiness`: the call, printed as usual (tables or --json), and an exit code a work queue can
// filter on (ReadinessExitCode).
int RunReadiness(Client& client) {
  const absl::StatusOr<CheckPriorAuthReadinessRequest> request = ReadinessRequestFromFlags();
  if (!request.ok()) return UsageError(request.status());
  CheckPriorAuthReadinessResponse response;
  const grpc::Status status =
      client.stub().CheckPriorAuthReadiness(client.Context().get(), *request, &response);
  if (!status.ok()) return CallFailed(status);
  if (std::optional<int> code = MaybePrintJson(response)) {
    if (*code != kExitOk) return *code;
  } else {
    PrintReadiness(*request, response);
  }
  return ReadinessExitCode(response.assessment());
}

// Reads a token from standard input and prints its SHA-256, the form an access config stores.
int RunHashToken() {
  if (absl::Status refused = RefuseFlags({"server", "tls_ca_file", "token_file", "json"},
                                         "does not apply to `hash-token` (it reads stdin)");
      !refused.ok()) {
    return UsageError(refused);
  }
  const std::string input{std::istreambuf_iterator<char>(std::cin),
                          std::istreambuf_iterator<char>()};
  const absl::string_view token = absl::StripAsciiWhitespace(input);
  if (token.empty()) {
    return UsageError(absl::InvalidArgumentError("hash-token: no token on standard input"));
  }
  std::cout << Sha256Hex(token) << "\n";
  return kExitOk;
}

// ---- Offline rule check ---------------------------------------------------------------------------

constexpr const char* kCheckFlags[] = {"rules_dir", "policy", "date"};

int RunCheck() {
  if (absl::Status refused =
          RefuseFlags({"clinic", "payer", "plan", "self_pay", "treatment", "treatments", "start",
                       "documentation", "json", "lines"},
                      "does not apply to `check` (it reads --rules_dir; see --policy)");
      !refused.ok()) {
    return UsageError(refused);
  }
  const std::string dir = absl::GetFlag(FLAGS_rules_dir);
  if (!std::filesystem::is_directory(dir)) {
    return UsageError(FlagError("rules_dir", absl::StrCat("'", dir, "' is not a directory")));
  }
  const std::string policy = absl::GetFlag(FLAGS_policy);
  if (policy.empty()) {
    if (FlagGiven("date")) return UsageError(FlagError("date", "applies with --policy only"));
    const RuleCheckReport report = CheckRules(dir, absl::Now());
    PrintRuleCheck(report, std::cout);
    return report.ok() ? kExitOk : kExitCallFailed;
  }

  const std::vector<std::string> ids = absl::StrSplit(policy, '/');
  if (ids.size() != 2 || ids[0].empty() || ids[1].empty()) {
    return UsageError(FlagError("policy", "write payer/plan, e.g. medicare/part_b"));
  }
  absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  if (FlagGiven("date")) {
    absl::StatusOr<absl::CivilDay> parsed = ParseDate(absl::GetFlag(FLAGS_date), "--date");
    if (!parsed.ok()) return UsageError(parsed.status());
    day = *parsed;
  }
  absl::StatusOr<std::shared_ptr<const RuleSet>> rules = RuleSet::Load(dir, absl::Now());
  if (!rules.ok()) {
    std::cerr << rules.status().message() << "\nerror: the rules in " << dir
              << " do not validate; run `estimator check --rules_dir=" << dir << "`\n";
    return kExitCallFailed;
  }
  absl::StatusOr<const std::vector<PlanVersion>*> versions =
      (*rules)->RequirePlanVersions(ids[0], ids[1], "--policy: ");
  if (!versions.ok()) {
    std::cerr << "error: " << versions.status().message() << "\n";
    return kExitCallFailed;
  }
  const std::string text = PolicySummary(**versions, day);
  if (text.empty()) {
    std::cerr << "error: no version of " << policy << " is in effect on " << FormatDate(day) << "\n";
    return kExitCallFailed;
  }
  std::cout << text;
  return kExitOk;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--help" || arg == "-help" || arg == "-h" || arg == "--helpshort") {
      PrintHelp();
      return kExitOk;
    }
  }
  if (absl::Status syntax = CheckFlagSyntax(argc, argv); !syntax.ok()) return UsageError(syntax);
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);

  if (args.size() < 2) {
    return UsageError(absl::InvalidArgumentError(
        "missing subcommand: quote, compare, payers, readiness, worklist, rules-status, reload, "
        "check or hash-token (see --help)"));
  }
  if (args.size() > 2) {
    return UsageError(absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", args[2], "' (flags are written --name=value)")));
  }
  const absl::string_view command = args[1];
  if (command == "check") return RunCheck();
  if (command == "hash-token") return RunHashToken();
  if (command != "quote" && command != "compare" && command != "payers" && command != "readiness" &&
      command != "worklist" && command != "rules-status" && command != "reload" &&
      !IsQuoteCommand(command)) {
    return UsageError(absl::InvalidArgumentError(absl::StrCat(
        "unknown subcommand '", command,
        "': use quote, compare, payers, readiness, worklist, rules-status, reload, quotes, show, "
        "void, gfe, dispute, check or hash-token (see --help)")));
  }
  if (command != "worklist") {
    if (absl::Status refused = RefuseFlags(kWorklistFlags, "applies to `worklist` only");
        !refused.ok()) {
      return UsageError(refused);
    }
  }
  if (!IsQuoteCommand(command)) {
    if (absl::Status refused = RefuseFlags(kQuoteFlags, "applies to saved quotes only (--save, "
                                                        "quotes, show, void, gfe, dispute)");
        !refused.ok()) {
      return UsageError(refused);
    }
  }
  if (absl::Status refused = RefuseFlags(kCheckFlags, "applies to `check` only"); !refused.ok()) {
    return UsageError(refused);
  }
  if (absl::GetFlag(FLAGS_server).empty()) {
    return UsageError(FlagError("server", "required (host:port)"));
  }
  if (absl::GetFlag(FLAGS_timeout_ms) <= 0) {
    return UsageError(FlagError("timeout_ms", "must be above 0"));
  }

  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ChannelCredentialsFromFlags();
  if (!credentials.ok()) return UsageError(credentials.status());
  absl::StatusOr<std::string> token = TokenFromFlags();
  if (!token.ok()) return UsageError(token.status());
  Client client(absl::GetFlag(FLAGS_server), *std::move(credentials), *std::move(token));
  if (IsQuoteCommand(command)) return RunQuoteCommand(command, client);
  using Stub = v1::EstimatorService::Stub;
  using Admin = v1::RuleAdminService::Stub;
  if (command == "quote") {
    return Run(client, client.stub(), &Stub::EstimateCourse, QuoteRequestFromFlags(), PrintQuote);
  }
  if (command == "compare") {
    return Run(client, client.stub(), &Stub::CompareTreatments, CompareRequestFromFlags(),
               PrintComparison);
  }
  if (command == "readiness") return RunReadiness(client);
  if (command == "worklist") return RunWorklist(client);
  if (command == "rules-status") {
    return Run(client, client.admin(), &Admin::GetRuleStatus,
               absl::StatusOr<v1::GetRuleStatusRequest>(v1::GetRuleStatusRequest()),
               PrintRuleStatus);
  }
  if (command == "reload") {
    return Run(client, client.admin(), &Admin::ReloadRules,
               absl::StatusOr<v1::ReloadRulesRequest>(v1::ReloadRulesRequest()), PrintReload);
  }
  return Run(client, client.stub(), &Stub::ListPayers,
             absl::StatusOr<ListPayersRequest>(ListPayersRequest()), PrintPayers);
}


}  // namespace
}  // namespace cli
}  // namespace estimator

int main(int argc, char** argv) { return estimator::cli::Main(argc, argv); }
