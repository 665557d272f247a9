// The `estimator` command line's flags (defined in flags.cc, one group per concern), its exit
// codes and usage text, and the checks every subcommand shares: a flag given or not, a flag that
// does not apply, flag syntax before parsing.
#ifndef ESTIMATOR_TOOLS_CLI_FLAGS_H_
#define ESTIMATOR_TOOLS_CLI_FLAGS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/stubs/status.h"

ABSL_DECLARE_FLAG(std::string, server);
ABSL_DECLARE_FLAG(int32_t, timeout_ms);
ABSL_DECLARE_FLAG(std::string, tls_ca_file);
ABSL_DECLARE_FLAG(std::string, tls_cert_file);
ABSL_DECLARE_FLAG(std::string, tls_key_file);
ABSL_DECLARE_FLAG(std::string, token_file);
ABSL_DECLARE_FLAG(std::string, clinic);
ABSL_DECLARE_FLAG(std::string, payer);
ABSL_DECLARE_FLAG(std::string, plan);
ABSL_DECLARE_FLAG(bool, self_pay);
ABSL_DECLARE_FLAG(std::string, network);
ABSL_DECLARE_FLAG(std::string, tier);
ABSL_DECLARE_FLAG(std::string, start);
ABSL_DECLARE_FLAG(std::string, treatment);
ABSL_DECLARE_FLAG(std::string, treatments);
ABSL_DECLARE_FLAG(std::string, protocol);
ABSL_DECLARE_FLAG(int32_t, dose);
ABSL_DECLARE_FLAG(std::string, drug_benefit);
ABSL_DECLARE_FLAG(int32_t, maintenance_months);
ABSL_DECLARE_FLAG(std::string, maintenance_frequency);
ABSL_DECLARE_FLAG(std::string, deductible_met);
ABSL_DECLARE_FLAG(std::string, oop_met);
ABSL_DECLARE_FLAG(std::string, family_deductible_met);
ABSL_DECLARE_FLAG(std::string, family_oop_met);
ABSL_DECLARE_FLAG(std::string, plan_year_start);
ABSL_DECLARE_FLAG(std::string, verified_deductible);
ABSL_DECLARE_FLAG(std::string, verified_oop_max);
ABSL_DECLARE_FLAG(std::string, verified_copay);
ABSL_DECLARE_FLAG(std::string, verified_coinsurance);
ABSL_DECLARE_FLAG(std::string, documentation);
ABSL_DECLARE_FLAG(bool, lines);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(std::string, rules_dir);
ABSL_DECLARE_FLAG(std::string, policy);
ABSL_DECLARE_FLAG(std::string, date);

namespace estimator {
namespace cli {



inline constexpr int kExitOk = 0;
inline constexpr int kExitCallFailed = 1;
inline constexpr int kExitUsage = 2;
// `readiness` and `worklist` (so that a billing work queue can filter on it): the documentation
// does not show the plan's criteria met yet (not ready, or information missing) ...
inline constexpr int kExitNotReady = 3;
// ... or the plan does not cover the treatment at all (excluded; no documentation changes that).
inline constexpr int kExitNotCovered = 4;

// Free text (explanations, summaries) is wrapped to fit an ordinary terminal.
inline constexpr size_t kTextWidth = 100;

inline constexpr char kUsage[] = R"(the front-desk client of the treatment cost estimator.

Usage: estimator <quote|compare|payers|readiness|worklist|rules-status|reload|quotes|show|void|gfe|
                  dispute|check|hash-token> [flags]

  quote      One treatment's course for one patient: coverage, cost per phase and plan year.
  compare    Every treatment the clinic offers (or --treatments) side by side.
  payers     The payers, plans, clinics and protocols the server knows, with their ids.
  readiness  Whether the patient's documentation meets the plan's prior-authorization criteria,
             what is still lacking, and the request to submit (codes and units, approval period,
             where to send it, supporting documents, a draft letter when ready); --network
             (default in) and, for Spravato, --dose shape it.
  worklist   Readiness for up to 500 patients in one call, from a JSON file (--items): one row per
             patient (item, plan, treatment, verdict, first gap) and how many are ready, not
             ready, missing information, not covered or need no prior auth.
  rules-status  The rules the server serves, and its last successful and last rejected load.
  reload     Ask the server to reload its rules now (admin role).
  quotes     Saved quotes of a --clinic (filters --from --to --patient_ref --kind --status).
  show       One saved quote (--id): its answer as given then, and its history.
  void       Void an issued quote (--id, --reason).
  gfe        Issue a Good Faith Estimate for a self-pay course (--patient_name, --birth_date,
             --diagnoses, optional --scheduled_on, --replaces) and write it with --html_out.
  dispute    Whether a bill may be disputed against a Good Faith Estimate (--id, --bill_date,
             --billed=NPI:dollars).
  check      Offline, no server: validate every rule file in --rules_dir and run every rule test
             in its tests/ folder; with --policy=payer/plan, print that plan's policy instead.
  hash-token Offline: print the SHA-256 of the token on standard input, for an access config.

Examples:
  estimator payers
  estimator quote --clinic=downtown --payer=medicare --plan=part_b --treatment=tms \
      --start=2026-03-02 --deductible_met=150
  estimator compare --clinic=downtown --self_pay
  estimator readiness --payer=aetna --plan=open_access_ppo --treatment=spravato \
      --documentation=deploy/examples/patient_tms_ready.json
  estimator worklist --items=deploy/examples/worklist.json
  estimator quote --clinic=downtown --self_pay --treatment=ketamine --save --patient_ref=MRN123
  estimator gfe --clinic=downtown --self_pay --treatment=ketamine --start=2026-03-02 \
      --patient_name="Jane Doe" --birth_date=1980-02-03 --diagnoses=F33.2 --html_out=gfe.html
  estimator check --rules_dir=payer_rules
  estimator check --rules_dir=payer_rules --policy=aetna/open_access_ppo --date=2026-03-02
  estimator rules-status --server=estimator.internal:8443 --tls_ca_file=ca.pem --token_file=t

Exit codes: 0 success, 1 the call failed (or the server is unreachable) or the rule check found a
problem, 2 usage error; readiness also exits 3 when the patient is not ready (criteria not shown
met, or information missing) and 4 when the plan does not cover the treatment at all. worklist
exits 0 when every patient is ready to submit or needs no prior auth, 3 when any is not ready or
needs information, 4 when any is not covered and none is in the former, and 1 when any item was
answered with an error (its row says which) or the call failed.)";

absl::Status FlagError(absl::string_view flag, absl::string_view problem);

// protobuf 3.21's JSON utilities return their own util::Status, not absl::Status.
absl::Status FromProtobuf(const google::protobuf::util::Status& status, absl::string_view context);

// Whether a flag was set to something other than its default (which always means "not given").
bool FlagGiven(absl::string_view name);

// The first of `flags` that was given, as an error saying `problem`.
absl::Status RefuseFlags(absl::Span<const char* const> flags, absl::string_view problem);

// What the front desk knows of the patient's plan benefits: used by insured estimates only.
inline constexpr const char* kBenefitFlags[] = {"network",
                                         "tier",
                                         "deductible_met",
                                         "oop_met",
                                         "family_deductible_met",
                                         "family_oop_met",
                                         "plan_year_start",
                                         "verified_deductible",
                                         "verified_oop_max",
                                         "verified_copay",
                                         "verified_coinsurance"};
// Choices about a course beyond its treatment.
inline constexpr const char* kCourseFlags[] = {"protocol", "dose", "drug_benefit", "maintenance_months",
                                        "maintenance_frequency"};

// Abseil's --help family, which is handled inside absl::ParseCommandLine, not registered as flags.
bool IsUsageFlag(absl::string_view name);

// absl::ParseCommandLine exits with status 1 on an unknown flag or a value it cannot parse, which
// would read as a failed call. Checking the same things first keeps usage errors at exit code 2.
absl::Status CheckFlagSyntax(int argc, char** argv);

// --help for people at a front desk: the flags grouped by what they describe. (Abseil's own --help
// lists them alphabetically and exits with status 1, which here means a failed call.)
void PrintHelp();

}  // namespace cli
}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_CLI_FLAGS_H_
