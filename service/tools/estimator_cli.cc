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
// rule check failed, 2 usage error (unknown subcommand or flag, or a flag value that cannot be used).
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
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
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
#include "estimator/v1/admin.grpc.pb.h"
#include "estimator/v1/estimator.grpc.pb.h"
#include "service/common/dates.h"
#include "service/common/money.h"
#include "service/common/sha256.h"
#include "service/common/status_macros.h"
#include "service/tools/policy_summary.h"
#include "service/tools/readiness_format.h"
#include "service/tools/rule_check.h"
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
namespace {

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
using v1::EstimatorService;
using v1::ListPayersRequest;
using v1::ListPayersResponse;
using v1::PatientDocumentation;
using v1::Totals;

constexpr int kExitOk = 0;
constexpr int kExitCallFailed = 1;
constexpr int kExitUsage = 2;

// Free text (explanations, summaries) is wrapped to fit an ordinary terminal.
constexpr size_t kTextWidth = 100;

constexpr char kUsage[] = R"(the front-desk client of the treatment cost estimator.

Usage: estimator <quote|compare|payers|readiness|rules-status|reload|check|hash-token> [flags]

  quote      One treatment's course for one patient: coverage, cost per phase and plan year.
  compare    Every treatment the clinic offers (or --treatments) side by side.
  payers     The payers, plans, clinics and protocols the server knows, with their ids.
  readiness  Whether the patient's documentation meets the plan's prior-authorization criteria,
             and what to obtain before submitting.
  rules-status  The rules the server serves, and its last successful and last rejected load.
  reload     Ask the server to reload its rules now (admin role).
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
  estimator check --rules_dir=payer_rules
  estimator check --rules_dir=payer_rules --policy=aetna/open_access_ppo --date=2026-03-02
  estimator rules-status --server=estimator.internal:8443 --tls_ca_file=ca.pem --token_file=t

Exit codes: 0 success, 1 the call failed (or the server is unreachable) or the rule check found a
problem, 2 usage error.)";

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

// What the front desk knows of the patient's plan benefits: used by insured estimates only.
constexpr const char* kBenefitFlags[] = {"network",
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
constexpr const char* kCourseFlags[] = {"protocol", "dose", "drug_benefit", "maintenance_months",
                                        "maintenance_frequency"};

// ---- Parsing flag values ------------------------------------------------------------------------

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

// Splits "123.45" into whole and fraction digits, at most `max_fraction` of them; exact, so no
// floating point ever touches an amount.
absl::Status SplitDecimal(absl::string_view flag, absl::string_view text, absl::string_view example,
                          size_t max_fraction, int64_t* whole, int64_t* fraction_scaled) {
  absl::string_view s = text;
  if (absl::StartsWith(s, "-")) return FlagError(flag, absl::StrCat("'", text, "' is negative"));
  const size_t dot = s.find('.');
  const absl::string_view whole_digits = s.substr(0, dot);
  const absl::string_view fraction_digits =
      dot == absl::string_view::npos ? absl::string_view() : s.substr(dot + 1);
  if (!AllDigits(whole_digits) || (dot != absl::string_view::npos && !AllDigits(fraction_digits))) {
    return FlagError(flag, absl::StrCat("'", text, "' is not a number like ", example));
  }
  if (fraction_digits.size() > max_fraction) {
    return FlagError(flag,
                     absl::StrCat("'", text, "' has more than ", max_fraction, " decimal places"));
  }
  // Far above any limit the callers check, far below int64 overflow once scaled to cents.
  if (whole_digits.size() > 15) return FlagError(flag, absl::StrCat("'", text, "' is too large"));
  int64_t w = 0;
  for (char c : whole_digits) w = w * 10 + (c - '0');
  int64_t f = 0;
  for (size_t i = 0; i < max_fraction; ++i) {
    f = f * 10 + (i < fraction_digits.size() ? fraction_digits[i] - '0' : 0);
  }
  *whole = w;
  *fraction_scaled = f;
  return absl::OkStatus();
}

// "150", "150.5", "150.25" or "$150.25" -> cents. Empty: not given.
absl::StatusOr<std::optional<int64_t>> ParseDollars(absl::string_view flag,
                                                    absl::string_view text) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  if (s.empty()) return std::optional<int64_t>();
  absl::ConsumePrefix(&s, "$");
  int64_t dollars = 0, cents = 0;
  RETURN_IF_ERROR(SplitDecimal(flag, s, "150 or 150.25 (dollars)", 2, &dollars, &cents));
  const int64_t total = dollars * 100 + cents;
  if (total > kMaxMoneyCents) {
    return FlagError(flag, absl::StrCat("'", text, "' is more than ",
                                        FormatMoney(Money::Cents(kMaxMoneyCents))));
  }
  return std::optional<int64_t>(total);
}

// "20", "12.5", "12.25" or "20%" -> basis points. Empty: not given.
absl::StatusOr<std::optional<int32_t>> ParsePercent(absl::string_view flag,
                                                    absl::string_view text) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  if (s.empty()) return std::optional<int32_t>();
  absl::ConsumeSuffix(&s, "%");
  int64_t percent = 0, hundredths = 0;
  RETURN_IF_ERROR(SplitDecimal(flag, s, "20 or 12.5 (percent)", 2, &percent, &hundredths));
  const int64_t bp = percent * 100 + hundredths;
  if (bp > 10000) return FlagError(flag, absl::StrCat("'", text, "' is more than 100%"));
  return std::optional<int32_t>(static_cast<int32_t>(bp));
}

// "07-01" -> month 7, day 1.
absl::StatusOr<v1::MonthDay> ParseMonthDay(absl::string_view flag, absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int month = 0, day = 0;
  if (parts.size() != 2 || parts[0].size() != 2 || parts[1].size() != 2 || !AllDigits(parts[0]) ||
      !AllDigits(parts[1]) || !absl::SimpleAtoi(parts[0], &month) ||
      !absl::SimpleAtoi(parts[1], &day)) {
    return FlagError(flag, absl::StrCat("'", text, "' is not MM-DD (e.g. 07-01)"));
  }
  if (!IsValidMonthDay(month, day)) {
    return FlagError(flag, absl::StrCat("'", text, "' is not a day that exists every year"));
  }
  v1::MonthDay month_day;
  month_day.set_month(month);
  month_day.set_day(day);
  return month_day;
}

// One of a fixed set of words -> its enum value, with an error that lists the choices.
template <typename Enum>
absl::StatusOr<Enum> ParseChoice(
    absl::string_view flag, absl::string_view text,
    std::initializer_list<std::pair<absl::string_view, Enum>> choices) {
  std::vector<absl::string_view> names;
  for (const auto& [name, value] : choices) {
    if (absl::EqualsIgnoreCase(text, name)) return value;
    names.push_back(name);
  }
  return FlagError(flag, absl::StrCat("'", text, "' is not one of ", absl::StrJoin(names, ", ")));
}

absl::StatusOr<v1::Treatment> ParseTreatment(absl::string_view flag, absl::string_view text) {
  return ParseChoice<v1::Treatment>(flag, absl::StripAsciiWhitespace(text),
                                    {{"tms", v1::TREATMENT_TMS},
                                     {"spravato", v1::TREATMENT_SPRAVATO},
                                     {"ketamine", v1::TREATMENT_IV_KETAMINE},
                                     {"iv_ketamine", v1::TREATMENT_IV_KETAMINE}});
}

// --start, checked; empty when not given.
absl::StatusOr<std::string> StartFromFlags() {
  std::string start = absl::GetFlag(FLAGS_start);
  if (!start.empty()) RETURN_IF_ERROR(ParseDate(start, "--start").status());
  return start;
}

absl::StatusOr<std::string> CourseStartFromFlags() {
  ASSIGN_OR_RETURN(std::string start, StartFromFlags());
  if (start.empty()) return FormatDate(absl::ToCivilDay(absl::Now(), absl::LocalTimeZone()));
  return start;
}

// The one --treatment of quote and readiness.
absl::StatusOr<v1::Treatment> TreatmentFromFlags(absl::string_view command) {
  if (!absl::GetFlag(FLAGS_treatments).empty()) {
    return FlagError("treatments",
                     absl::StrCat("is for compare; ", command, " takes one --treatment"));
  }
  const std::string text = absl::GetFlag(FLAGS_treatment);
  if (text.empty()) return FlagError("treatment", "required: tms, spravato or ketamine");
  return ParseTreatment("treatment", text);
}

// The whole of the file `path` named by --`flag`.
absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return FlagError(flag, absl::StrCat("'", path, "' is a folder, not a file"));
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return FlagError(flag, absl::StrCat("cannot read '", path, "': ", std::strerror(errno)));
  std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (file.bad()) return FlagError(flag, absl::StrCat("cannot read '", path, "'"));
  return text;
}

// The file named by --documentation, parsed; nullopt when not given. Field names may be the
// proto's (age_years) or JSON's (ageYears); enum values are written as their names.
absl::StatusOr<std::optional<PatientDocumentation>> DocumentationFromFlags() {
  const std::string path = absl::GetFlag(FLAGS_documentation);
  if (path.empty()) return std::optional<PatientDocumentation>();
  ASSIGN_OR_RETURN(const std::string json, ReadFlagFile("documentation", path));
  PatientDocumentation documentation;
  const absl::Status parsed =
      FromProtobuf(google::protobuf::util::JsonStringToMessage(json, &documentation),
                   absl::StrCat("'", path, "' is not a PatientDocumentation in JSON"));
  // The parser's message may go on with a line of context and a caret; the first line says it.
  if (!parsed.ok()) {
    const absl::string_view message = parsed.message();
    return FlagError("documentation",
                     absl::StripAsciiWhitespace(message.substr(0, message.find('\n'))));
  }
  return std::optional<PatientDocumentation>(std::move(documentation));
}

absl::StatusOr<std::string> ClinicFromFlags() {
  std::string clinic = absl::GetFlag(FLAGS_clinic);
  if (clinic.empty()) return FlagError("clinic", "required (ids are listed by `estimator payers`)");
  return clinic;
}

// ---- Requests from flags ------------------------------------------------------------------------

// The patient's coverage, shared by quote and compare.
absl::StatusOr<Coverage> CoverageFromFlags() {
  const std::string payer = absl::GetFlag(FLAGS_payer);
  const std::string plan = absl::GetFlag(FLAGS_plan);
  Coverage coverage;

  if (absl::GetFlag(FLAGS_self_pay)) {
    if (!payer.empty() || !plan.empty()) {
      return FlagError("self_pay", "cannot be combined with --payer/--plan");
    }
    // Benefit facts and documentation for the plan's criteria would be silently ignored for a
    // self-pay patient: refuse them instead.
    RETURN_IF_ERROR(RefuseFlags(kBenefitFlags, "applies to insurance, not to --self_pay"));
    RETURN_IF_ERROR(RefuseFlags({"documentation"}, "applies to insurance, not to --self_pay"));
    coverage.mutable_self_pay();
    return coverage;
  }

  if (payer.empty() || plan.empty()) {
    return FlagError(
        payer.empty() ? "payer" : "plan",
        "required: give --payer and --plan (ids from `estimator payers`), or --self_pay");
  }
  v1::InsuranceCoverage& insurance = *coverage.mutable_insurance();
  insurance.set_payer_id(payer);
  insurance.set_plan_id(plan);

  ASSIGN_OR_RETURN(v1::Network network,
                   ParseChoice<v1::Network>(
                       "network", absl::GetFlag(FLAGS_network),
                       {{"in", v1::NETWORK_IN_NETWORK}, {"out", v1::NETWORK_OUT_OF_NETWORK}}));
  insurance.set_network(network);

  if (const std::string tier = absl::GetFlag(FLAGS_tier); !tier.empty()) {
    ASSIGN_OR_RETURN(v1::CoverageTier coverage_tier,
                     ParseChoice<v1::CoverageTier>("tier", tier,
                                                   {{"self", v1::COVERAGE_TIER_SELF_ONLY},
                                                    {"family", v1::COVERAGE_TIER_FAMILY}}));
    insurance.set_coverage_tier(coverage_tier);
  }

  // Unknown amounts stay absent: the server then assumes none met and says so in the estimate.
  v1::Accumulators met;
  ASSIGN_OR_RETURN(auto deductible_met,
                   ParseDollars("deductible_met", absl::GetFlag(FLAGS_deductible_met)));
  ASSIGN_OR_RETURN(auto oop_met, ParseDollars("oop_met", absl::GetFlag(FLAGS_oop_met)));
  ASSIGN_OR_RETURN(
      auto family_deductible_met,
      ParseDollars("family_deductible_met", absl::GetFlag(FLAGS_family_deductible_met)));
  ASSIGN_OR_RETURN(auto family_oop_met,
                   ParseDollars("family_oop_met", absl::GetFlag(FLAGS_family_oop_met)));
  if (deductible_met) met.set_deductible_met_cents(*deductible_met);
  if (oop_met) met.set_out_of_pocket_met_cents(*oop_met);
  if (family_deductible_met) met.set_family_deductible_met_cents(*family_deductible_met);
  if (family_oop_met) met.set_family_out_of_pocket_met_cents(*family_oop_met);
  if (deductible_met || oop_met || family_deductible_met || family_oop_met) {
    *insurance.mutable_met_so_far() = met;
  }

  if (const std::string text = absl::GetFlag(FLAGS_plan_year_start); !text.empty()) {
    ASSIGN_OR_RETURN(*insurance.mutable_plan_year_start(), ParseMonthDay("plan_year_start", text));
  }

  v1::VerifiedBenefits verified;
  ASSIGN_OR_RETURN(auto deductible,
                   ParseDollars("verified_deductible", absl::GetFlag(FLAGS_verified_deductible)));
  ASSIGN_OR_RETURN(auto oop_max,
                   ParseDollars("verified_oop_max", absl::GetFlag(FLAGS_verified_oop_max)));
  ASSIGN_OR_RETURN(auto copay, ParseDollars("verified_copay", absl::GetFlag(FLAGS_verified_copay)));
  ASSIGN_OR_RETURN(auto coinsurance,
                   ParsePercent("verified_coinsurance", absl::GetFlag(FLAGS_verified_coinsurance)));
  if (deductible) verified.set_deductible_cents(*deductible);
  if (oop_max) verified.set_out_of_pocket_max_cents(*oop_max);
  if (copay) verified.set_copay_cents(*copay);
  if (coinsurance) verified.set_coinsurance_bp(*coinsurance);
  if (deductible || oop_max || copay || coinsurance) {
    *insurance.mutable_verified_benefits() = verified;
  }
  return coverage;
}

// The Spravato and maintenance choices, applied to one course. `spravato_listed` says whether a
// Spravato course is being asked for at all, so Spravato-only flags are refused otherwise.
absl::Status ApplyCourseChoices(bool spravato_listed, CourseOptions& course) {
  const int32_t dose = absl::GetFlag(FLAGS_dose);
  const std::string drug_benefit = absl::GetFlag(FLAGS_drug_benefit);
  if (dose != 0 && dose != 56 && dose != 84) {
    return FlagError("dose", absl::StrCat(dose, " is not one of 56, 84"));
  }
  if ((dose != 0 || !drug_benefit.empty()) && !spravato_listed) {
    return FlagError(dose != 0 ? "dose" : "drug_benefit", "applies to Spravato only");
  }
  if (course.treatment() == v1::TREATMENT_SPRAVATO) {
    v1::SpravatoOptions& spravato = *course.mutable_spravato();
    spravato.set_dose_mg(dose);
    if (!drug_benefit.empty()) {
      ASSIGN_OR_RETURN(v1::Benefit benefit,
                       ParseChoice<v1::Benefit>(
                           "drug_benefit", drug_benefit,
                           {{"medical", v1::BENEFIT_MEDICAL}, {"pharmacy", v1::BENEFIT_PHARMACY}}));
      spravato.set_drug_benefit(benefit);
    }
  }

  // -1 is "not given": the protocol's default maintenance then applies, so nothing is sent.
  const int32_t months = absl::GetFlag(FLAGS_maintenance_months);
  const std::string frequency = absl::GetFlag(FLAGS_maintenance_frequency);
  if (months == -1) {
    if (!frequency.empty()) {
      return FlagError("maintenance_frequency", "needs --maintenance_months");
    }
    return absl::OkStatus();
  }
  if (months < 0 || months > 36) {
    return FlagError("maintenance_months", absl::StrCat(months, " is not between 0 and 36"));
  }
  v1::MaintenancePlan& maintenance = *course.mutable_maintenance();
  maintenance.set_months(months);
  if (months > 0 && frequency.empty()) {
    return FlagError("maintenance_frequency", "required when --maintenance_months is above 0");
  }
  if (!frequency.empty()) {
    ASSIGN_OR_RETURN(v1::MaintenanceFrequency parsed,
                     ParseChoice<v1::MaintenanceFrequency>(
                         "maintenance_frequency", frequency,
                         {{"weekly", v1::MAINTENANCE_FREQUENCY_WEEKLY},
                          {"every_other_week", v1::MAINTENANCE_FREQUENCY_EVERY_OTHER_WEEK},
                          {"monthly", v1::MAINTENANCE_FREQUENCY_MONTHLY}}));
    maintenance.set_frequency(parsed);
  }
  return absl::OkStatus();
}

absl::StatusOr<EstimateCourseRequest> QuoteRequestFromFlags() {
  ASSIGN_OR_RETURN(v1::Treatment treatment, TreatmentFromFlags("quote"));
  EstimateCourseRequest request;
  ASSIGN_OR_RETURN(*request.mutable_clinic_id(), ClinicFromFlags());
  ASSIGN_OR_RETURN(*request.mutable_coverage(), CoverageFromFlags());
  ASSIGN_OR_RETURN(*request.mutable_course_start_date(), CourseStartFromFlags());
  CourseOptions& course = *request.mutable_course();
  course.set_treatment(treatment);
  course.set_protocol_id(absl::GetFlag(FLAGS_protocol));
  RETURN_IF_ERROR(ApplyCourseChoices(treatment == v1::TREATMENT_SPRAVATO, course));
  ASSIGN_OR_RETURN(std::optional<PatientDocumentation> documentation, DocumentationFromFlags());
  if (documentation) *request.mutable_documentation() = std::move(*documentation);
  return request;
}

absl::StatusOr<CompareTreatmentsRequest> CompareRequestFromFlags() {
  if (!absl::GetFlag(FLAGS_treatment).empty()) {
    return FlagError("treatment", "is for quote; compare takes --treatments=tms,spravato,...");
  }
  // A protocol belongs to one treatment, so it cannot apply to a comparison.
  if (!absl::GetFlag(FLAGS_protocol).empty()) {
    return FlagError("protocol", "is for quote; compare uses each treatment's default protocol");
  }

  CompareTreatmentsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_clinic_id(), ClinicFromFlags());
  ASSIGN_OR_RETURN(*request.mutable_coverage(), CoverageFromFlags());
  ASSIGN_OR_RETURN(*request.mutable_course_start_date(), CourseStartFromFlags());
  ASSIGN_OR_RETURN(std::optional<PatientDocumentation> documentation, DocumentationFromFlags());
  if (documentation) *request.mutable_documentation() = std::move(*documentation);

  const std::string list = absl::GetFlag(FLAGS_treatments);
  if (list.empty()) {
    // The server picks the clinic's treatments, so course choices would have nothing to attach to.
    RETURN_IF_ERROR(RefuseFlags(kCourseFlags,
                                "with compare, name the courses it applies to with --treatments"));
    return request;
  }
  std::vector<v1::Treatment> treatments;
  for (absl::string_view word : absl::StrSplit(list, ',')) {
    ASSIGN_OR_RETURN(v1::Treatment treatment, ParseTreatment("treatments", word));
    if (std::find(treatments.begin(), treatments.end(), treatment) != treatments.end()) {
      return FlagError("treatments",
                       absl::StrCat("'", absl::StripAsciiWhitespace(word), "' is listed twice"));
    }
    treatments.push_back(treatment);
  }
  const bool spravato_listed =
      std::find(treatments.begin(), treatments.end(), v1::TREATMENT_SPRAVATO) != treatments.end();
  for (v1::Treatment treatment : treatments) {
    CourseOptions& course = *request.add_courses();
    course.set_treatment(treatment);
    RETURN_IF_ERROR(ApplyCourseChoices(spravato_listed, course));
  }
  return request;
}

absl::StatusOr<CheckPriorAuthReadinessRequest> ReadinessRequestFromFlags() {
  // Prior authorization depends on the plan and the patient, not on the clinic, the course's
  // details or the benefits met so far: such flags would be silently ignored.
  RETURN_IF_ERROR(RefuseFlags({"clinic", "self_pay", "lines"}, "does not apply to readiness"));
  RETURN_IF_ERROR(RefuseFlags(kBenefitFlags, "does not apply to readiness"));
  RETURN_IF_ERROR(RefuseFlags(kCourseFlags, "does not apply to readiness"));

  CheckPriorAuthReadinessRequest request;
  ASSIGN_OR_RETURN(v1::Treatment treatment, TreatmentFromFlags("readiness"));
  request.set_treatment(treatment);
  request.set_payer_id(absl::GetFlag(FLAGS_payer));
  request.set_plan_id(absl::GetFlag(FLAGS_plan));
  if (request.payer_id().empty() || request.plan_id().empty()) {
    return FlagError(request.payer_id().empty() ? "payer" : "plan",
                     "required: give --payer and --plan (ids from `estimator payers`)");
  }
  // Not given: the server uses the documentation's as_of_date.
  ASSIGN_OR_RETURN(*request.mutable_planned_start_date(), StartFromFlags());
  ASSIGN_OR_RETURN(std::optional<PatientDocumentation> documentation, DocumentationFromFlags());
  if (!documentation) {
    return FlagError("documentation",
                     "required: a JSON file of the patient's documentation (see deploy/examples/)");
  }
  *request.mutable_documentation() = std::move(*documentation);
  return request;
}

// ---- Words for the API's enums (an unknown value from a newer server prints as a number) --------

std::string TreatmentName(int treatment) {
  switch (treatment) {
    case v1::TREATMENT_TMS: return "TMS";
    case v1::TREATMENT_SPRAVATO: return "Spravato";
    case v1::TREATMENT_IV_KETAMINE: return "IV ketamine";
    case v1::TREATMENT_UNSPECIFIED: return "(treatment not given)";
  }
  return absl::StrCat("treatment ", treatment);
}

std::string CoverageStatusName(int status) {
  switch (status) {
    case v1::COVERAGE_STATUS_COVERED: return "Covered";
    case v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH: return "Covered with prior auth";
    case v1::COVERAGE_STATUS_NOT_COVERED: return "Not covered";
    case v1::COVERAGE_STATUS_SELF_PAY: return "Self-pay";
    case v1::COVERAGE_STATUS_CRITERIA_NOT_MET: return "Criteria not met";
    case v1::COVERAGE_STATUS_UNSPECIFIED: return "Unknown";
  }
  return absl::StrCat("status ", status);
}

// The clinic's own word for each phase, which differs by treatment (see common.proto).
std::string PhaseName(int phase, int treatment) {
  const bool drug = treatment == v1::TREATMENT_SPRAVATO || treatment == v1::TREATMENT_IV_KETAMINE;
  switch (phase) {
    case v1::PHASE_ACUTE: return drug ? "Induction" : "Acute";
    case v1::PHASE_TAPER: return treatment == v1::TREATMENT_SPRAVATO ? "Optimization" : "Taper";
    case v1::PHASE_MAINTENANCE:
      return treatment == v1::TREATMENT_IV_KETAMINE ? "Boosters" : "Maintenance";
    case v1::PHASE_UNSPECIFIED: return "-";
  }
  return absl::StrCat("phase ", phase);
}

std::string BenefitName(int benefit) {
  switch (benefit) {
    case v1::BENEFIT_MEDICAL: return "medical";
    case v1::BENEFIT_PHARMACY: return "pharmacy";
    case v1::BENEFIT_UNSPECIFIED: return "-";
  }
  return absl::StrCat("benefit ", benefit);
}

std::string NotCoveredReasonName(int reason) {
  switch (reason) {
    case v1::NOT_COVERED_REASON_SELF_PAY: return "self-pay";
    case v1::NOT_COVERED_REASON_EXCLUDED_BY_POLICY: return "excluded by the plan's policy";
    case v1::NOT_COVERED_REASON_MAINTENANCE_EXCLUDED: return "maintenance not covered";
    case v1::NOT_COVERED_REASON_OVER_SESSION_LIMIT: return "over the plan's session limit";
    case v1::NOT_COVERED_REASON_OUT_OF_NETWORK: return "out of network";
    case v1::NOT_COVERED_REASON_PROTOCOL_NOT_COVERED: return "protocol not covered";
    case v1::NOT_COVERED_REASON_NO_RULES_IN_EFFECT: return "no plan rules in effect on this date";
    case v1::NOT_COVERED_REASON_CRITERIA_NOT_MET:
      return "the plan's criteria are not shown to be met";
    case v1::NOT_COVERED_REASON_UNSPECIFIED: return "not covered";
  }
  return absl::StrCat("reason ", reason);
}

std::string PlanTypeName(int type) {
  switch (type) {
    case v1::PLAN_TYPE_ORIGINAL_MEDICARE: return "Original Medicare";
    case v1::PLAN_TYPE_MEDICARE_ADVANTAGE: return "Medicare Advantage";
    case v1::PLAN_TYPE_COMMERCIAL: return "Commercial";
    case v1::PLAN_TYPE_MEDICAID: return "Medicaid";
    case v1::PLAN_TYPE_UNSPECIFIED: return "-";
  }
  return absl::StrCat("plan type ", type);
}

std::string NoticePrefix(int kind) {
  switch (kind) {
    case v1::NOTICE_KIND_ASSUMPTION: return "assumption";
    case v1::NOTICE_KIND_WARNING: return "warning";
  }
  return "note";
}

// ---- Formatting helpers -------------------------------------------------------------------------

std::string Dollars(int64_t cents) { return FormatMoney(Money::Cents(cents)); }

// The first 12 hex digits identify a version well enough to read aloud or compare by eye.
std::string ShortHash(absl::string_view hash) {
  absl::string_view s = hash;
  if (const size_t colon = s.rfind(':'); colon != absl::string_view::npos)
    s.remove_prefix(colon + 1);
  return s.empty() ? "-" : SingleLine(s.substr(0, 12));
}

std::string SessionsCovered(const Totals& totals) {
  return absl::StrCat(totals.sessions_covered(), " of ", totals.sessions_scheduled());
}

std::string NameWithId(absl::string_view name, absl::string_view id) {
  if (name.empty()) return std::string(id);
  if (id.empty()) return std::string(name);
  return absl::StrCat(name, " (", id, ")");
}

std::string EffectiveRange(absl::string_view from, absl::string_view to) {
  return to.empty() ? absl::StrCat(from, " until replaced") : absl::StrCat(from, " to ", to);
}

std::string SourceText(const v1::PolicySource& source) {
  std::vector<std::string> parts;
  for (const std::string* part : {&source.publisher(), &source.document_id()}) {
    if (!part->empty()) parts.push_back(*part);
  }
  std::string text = absl::StrJoin(parts, ", ");
  if (!source.title().empty()) absl::StrAppend(&text, text.empty() ? "" : ": ", source.title());
  if (!source.date().empty()) absl::StrAppend(&text, " (", source.date(), ")");
  if (!source.url().empty()) absl::StrAppend(&text, " ", source.url());
  return text;
}

// "Medicare / Part B (medicare/part_b)"; the ids stand in for names the server did not send.
std::string PayerPlanText(absl::string_view payer_name, absl::string_view plan_name,
                          absl::string_view payer_id, absl::string_view plan_id) {
  return absl::StrCat(payer_name.empty() ? payer_id : payer_name, " / ",
                      plan_name.empty() ? plan_id : plan_name, " (", payer_id, "/", plan_id, ")");
}

// "Medicare / Part B (medicare/part_b), in-network, self-only" or "Self-pay".
std::string CoverageLine(const Coverage& coverage, const v1::CoverageDecision& decision) {
  if (!coverage.has_insurance()) return "Self-pay (no insurance used)";
  const v1::InsuranceCoverage& insurance = coverage.insurance();
  std::string line = absl::StrCat(
      PayerPlanText(decision.payer_name(), decision.plan_name(), insurance.payer_id(),
                    insurance.plan_id()),
      ", ", insurance.network() == v1::NETWORK_OUT_OF_NETWORK ? "out-of-network" : "in-network");
  if (insurance.coverage_tier() == v1::COVERAGE_TIER_SELF_ONLY)
    absl::StrAppend(&line, ", self-only");
  if (insurance.coverage_tier() == v1::COVERAGE_TIER_FAMILY) absl::StrAppend(&line, ", family");
  return line;
}

// Labelled values, aligned and wrapped: "  Clinic:    Downtown (downtown)".
void PrintFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t label_width = 0;
  for (const auto& field : fields) label_width = std::max(label_width, DisplayWidth(field.first));
  const std::string continuation(2 + label_width + 3, ' ');
  for (const auto& [label, value] : fields) {
    std::string first = absl::StrCat("  ", label, ":");
    first.resize(continuation.size() + first.size() - DisplayWidth(first), ' ');
    std::cout << WrapText(value.empty() ? "-" : value, kTextWidth, first, continuation);
  }
}

// The policy section and the sources a decision comes from, as fields.
std::vector<std::pair<std::string, std::string>> PolicyFields(
    const std::string& policy_section,
    const google::protobuf::RepeatedPtrField<v1::PolicySource>& sources) {
  std::vector<std::pair<std::string, std::string>> fields;
  if (!policy_section.empty()) fields.push_back({"Policy", policy_section});
  for (const v1::PolicySource& source : sources) fields.push_back({"Source", SourceText(source)});
  return fields;
}

void PrintSection(absl::string_view title) { std::cout << "\n" << title << "\n"; }

void PrintNotices(const google::protobuf::RepeatedPtrField<v1::Notice>& notices,
                  absl::string_view indent) {
  for (const v1::Notice& notice : notices) {
    const std::string prefix = absl::StrCat(NoticePrefix(notice.kind()), ": ");
    std::cout << WrapText(notice.message().empty() ? notice.code() : notice.message(), kTextWidth,
                          absl::StrCat(indent, prefix),
                          absl::StrCat(indent, std::string(prefix.size(), ' ')));
  }
}

// Spravato: "84 mg after the first session; drug under the pharmacy benefit".
std::string DoseText(const CourseEstimate& estimate) {
  std::string text = estimate.dose_mg() != 0
                         ? absl::StrCat(estimate.dose_mg(), " mg after the first session")
                         : "the protocol's";
  if (estimate.drug_benefit() != v1::BENEFIT_UNSPECIFIED) {
    absl::StrAppend(&text, "; drug under the ", BenefitName(estimate.drug_benefit()), " benefit");
  }
  return text;
}

// "version 1a2b3c4d5e6f, plan file 0f9e8d7c6b5a (in effect from 2026-01-01)".
std::string RulesText(absl::string_view rule_set_version, absl::string_view plan_file_version,
                      absl::string_view plan_effective_from = "") {
  std::string rules = absl::StrCat("version ", ShortHash(rule_set_version));
  if (!plan_file_version.empty()) {
    absl::StrAppend(&rules, ", plan file ", ShortHash(plan_file_version));
  }
  if (!plan_effective_from.empty()) {
    absl::StrAppend(&rules, " (in effect from ", plan_effective_from, ")");
  }
  return rules;
}

// What the course would cost if the plan approved it: only for a course quoted as not covered
// because the documentation does not yet show the plan's criteria are met.
const Totals* IfApproved(const CourseEstimate& estimate) {
  if (estimate.coverage().status() != v1::COVERAGE_STATUS_CRITERIA_NOT_MET ||
      !estimate.has_if_approved()) {
    return nullptr;
  }
  return &estimate.if_approved();
}

// "$4,800.00", "$4,800.00 (if approved: $1,250.00)", "$2,500.00 (range $1,500.00-$9,000.00)".
std::string PatientPaysText(const CourseEstimate& estimate) {
  std::string text = Dollars(estimate.totals().patient_cents());
  if (const Totals* approved = IfApproved(estimate)) {
    absl::StrAppend(&text, " (if approved: ", Dollars(approved->patient_cents()), ")");
  }
  const v1::PatientRange& range = estimate.patient_range();
  if (range.low_cents() != range.high_cents()) {
    absl::StrAppend(&text, " (range ", Dollars(range.low_cents()), "-",
                    Dollars(range.high_cents()), ")");
  }
  return text;
}

// "The patient could pay from $L (if ...) to $H (if ...)." or "" when nothing is unknown.
std::string RangeText(const v1::PatientRange& range) {
  if (range.low_cents() == range.high_cents()) return "";
  auto end = [](int64_t cents, const google::protobuf::RepeatedPtrField<std::string>& because) {
    return because.empty() ? Dollars(cents)
                           : absl::StrCat(Dollars(cents), " (if ", absl::StrJoin(because, ", and "),
                                          ")");
  };
  return absl::StrCat("Depending on what is not yet known, the patient could pay from ",
                      end(range.low_cents(), range.low_assumptions()), " to ",
                      end(range.high_cents(), range.high_assumptions()), ".");
}

// The patient's total split into where it comes from, leaving out parts that are zero.
std::string PatientBreakdown(const Totals& totals) {
  const std::pair<const char*, int64_t> parts[] = {
      {"copays", totals.copay_cents()},
      {"deductible", totals.deductible_cents()},
      {"coinsurance", totals.coinsurance_cents()},
      {"balance billed above the allowed amount", totals.balance_billed_cents()},
      {"self-pay price of sessions the plan does not pay", totals.not_covered_cents()},
  };
  std::vector<std::string> named;
  for (const auto& [name, cents] : parts) {
    if (cents != 0) named.push_back(absl::StrCat(Dollars(cents), " ", name));
  }
  if (named.empty()) return "";
  return absl::StrCat("The patient's ", Dollars(totals.patient_cents()),
                      " is made up of: ", absl::StrJoin(named, ", "), ".");
}

std::string CodesText(const EstimateLine& line) {
  std::vector<std::string> codes;
  for (const v1::BillingCode& code : line.codes()) {
    if (code.code().empty()) continue;  // Self-pay price entries carry a description only.
    codes.push_back(code.units() > 1 ? absl::StrCat(code.code(), " x", code.units()) : code.code());
  }
  return codes.empty() ? "-" : absl::StrJoin(codes, ", ");
}

// Every session line, with a rule between plan years and the course total at the bottom.
void PrintLineTable(const CourseEstimate& estimate) {
  bool any_dose = false, any_pharmacy = false;
  for (const EstimateLine& line : estimate.lines()) {
    any_dose |= line.dose_mg() != 0;
    any_pharmacy |= line.benefit() == v1::BENEFIT_PHARMACY;
  }
  using Align = TextTable::Align;
  std::vector<TextTable::Column> columns = {{"#", Align::kRight}, {"Date"}, {"Phase"}};
  if (any_dose) columns.push_back({"Dose", Align::kRight});
  if (any_pharmacy) columns.push_back({"Benefit"});
  const size_t leading_columns = columns.size() + 1;  // through "Codes"
  columns.push_back({"Codes"});
  for (const char* header : {"Billed", "Allowed", "Copay", "Deductible", "Coinsurance",
                             "Bal. billed", "Not covered", "Patient", "Payer"}) {
    columns.push_back({header, Align::kRight});
  }
  columns.push_back({"Why not covered"});
  TextTable table(std::move(columns));

  auto money_cells = [](auto const& m) {
    return std::vector<std::string>{
        Dollars(m.billed_cents()),      Dollars(m.allowed_cents()),
        Dollars(m.copay_cents()),       Dollars(m.deductible_cents()),
        Dollars(m.coinsurance_cents()), Dollars(m.balance_billed_cents()),
        Dollars(m.not_covered_cents()), Dollars(m.patient_cents()),
        Dollars(m.payer_cents())};
  };

  const std::string* plan_year = nullptr;
  for (const EstimateLine& line : estimate.lines()) {
    if (plan_year != nullptr && *plan_year != line.plan_year_start()) table.AddSeparator();
    plan_year = &line.plan_year_start();
    std::vector<std::string> cells = {absl::StrCat(line.session_number()), line.date(),
                                      PhaseName(line.phase(), estimate.treatment())};
    if (any_dose) cells.push_back(line.dose_mg() ? absl::StrCat(line.dose_mg(), " mg") : "");
    if (any_pharmacy) cells.push_back(BenefitName(line.benefit()));
    cells.push_back(CodesText(line));
    for (std::string& cell : money_cells(line)) cells.push_back(std::move(cell));
    if (!line.covered()) {
      cells.push_back(line.not_covered_explanation().empty()
                          ? NotCoveredReasonName(line.not_covered_reason())
                          : line.not_covered_explanation());
    }
    table.AddRow(std::move(cells));
  }
  table.AddSeparator();
  std::vector<std::string> total(leading_columns);
  total[1] = "Total";
  for (std::string& cell : money_cells(estimate.totals())) total.push_back(std::move(cell));
  table.AddRow(std::move(total));
  std::cout << table.Render("  ");
  // What the codes bill, said once (the answer lists each in billed_items).
  for (const v1::BilledItem& item : estimate.billed_items()) {
    if (!item.code().empty()) std::cout << "  " << item.code() << ": " << item.description() << "\n";
  }
}

absl::Status PrintJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = true;
  std::string json;
  RETURN_IF_ERROR(
      FromProtobuf(google::protobuf::util::MessageToJsonString(message, &json, options), "json"));
  std::cout << json;
  if (json.empty() || json.back() != '\n') std::cout << "\n";
  return absl::OkStatus();
}

// ---- The calls ----------------------------------------------------------------------------------

std::string StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: break;
  }
  return absl::StrCat("CODE_", static_cast<int>(code));
}

int UsageError(const absl::Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  return kExitUsage;
}

int CallFailed(const grpc::Status& status) {
  std::cerr << "error: " << StatusCodeName(status.error_code()) << ": "
            << SingleLine(status.error_message()) << "\n";
  return kExitCallFailed;
}

// Prints the response as JSON when asked; returns the exit code, or nullopt to print tables.
std::optional<int> MaybePrintJson(const google::protobuf::Message& response) {
  if (!absl::GetFlag(FLAGS_json)) return std::nullopt;
  absl::Status status = PrintJson(response);
  if (status.ok()) return kExitOk;
  std::cerr << "error: " << status.message() << "\n";
  return kExitCallFailed;
}

// The channel's credentials from the connection flags: TLS (and a client certificate) when a CA is
// given, plaintext otherwise.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFromFlags() {
  const std::string ca_file = absl::GetFlag(FLAGS_tls_ca_file);
  const std::string cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  const std::string key_file = absl::GetFlag(FLAGS_tls_key_file);
  if (ca_file.empty()) {
    if (!cert_file.empty() || !key_file.empty()) {
      return FlagError("tls_ca_file", "required with --tls_cert_file/--tls_key_file");
    }
    return grpc::InsecureChannelCredentials();
  }
  if (cert_file.empty() != key_file.empty()) {
    return FlagError(cert_file.empty() ? "tls_cert_file" : "tls_key_file",
                     "give both --tls_cert_file and --tls_key_file, or neither");
  }
  grpc::SslCredentialsOptions ssl;
  ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFlagFile("tls_ca_file", ca_file));
  if (!cert_file.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFlagFile("tls_cert_file", cert_file));
    ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFlagFile("tls_key_file", key_file));
  }
  return grpc::SslCredentials(ssl);
}

// The bearer token from --token_file or $ESTIMATOR_TOKEN; "" for none.
absl::StatusOr<std::string> TokenFromFlags() {
  std::string token;
  if (const std::string file = absl::GetFlag(FLAGS_token_file); !file.empty()) {
    ASSIGN_OR_RETURN(token, ReadFlagFile("token_file", file));
  } else if (const char* env = std::getenv("ESTIMATOR_TOKEN"); env != nullptr) {
    token = env;
  }
  return std::string(absl::StripAsciiWhitespace(token));
}

class Client {
 public:
  Client(const std::string& server, std::shared_ptr<grpc::ChannelCredentials> credentials,
         std::string token)
      : channel_(grpc::CreateChannel(server, std::move(credentials))),
        token_(std::move(token)) {}

  // A fresh context per call: a ClientContext cannot be reused.
  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(absl::GetFlag(FLAGS_timeout_ms)));
    if (!token_.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
    return context;
  }

  EstimatorService::Stub& stub() { return stub_; }
  v1::RuleAdminService::Stub& admin() { return admin_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
  EstimatorService::Stub stub_{channel_};
  v1::RuleAdminService::Stub admin_{channel_};
};

template <typename Stub, typename Request, typename Response>
using UnaryMethod = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// One subcommand: sends the request built from the flags and prints the answer, as JSON with
// --json and otherwise with `print`. Returns the exit code.
template <typename Stub, typename Request, typename Response>
int Run(Client& client, Stub& stub, UnaryMethod<Stub, Request, Response> method,
        const absl::StatusOr<Request>& request, void (*print)(const Request&, const Response&)) {
  if (!request.ok()) return UsageError(request.status());
  Response response;
  grpc::Status status = (stub.*method)(client.Context().get(), *request, &response);
  if (!status.ok()) return CallFailed(status);
  if (std::optional<int> code = MaybePrintJson(response)) return *code;
  print(*request, response);
  return kExitOk;
}

// ---- Subcommands --------------------------------------------------------------------------------

void PrintQuote(const EstimateCourseRequest& request, const EstimateCourseResponse& response) {
  const CourseEstimate& estimate = response.estimate();
  const v1::CoverageDecision& decision = estimate.coverage();
  std::cout << "Estimate: " << SingleLine(TreatmentName(estimate.treatment())) << " at "
            << SingleLine(NameWithId(estimate.clinic_name(), request.clinic_id())) << "\n";
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Protocol", NameWithId(estimate.protocol_name(), estimate.protocol_id())},
      {"Coverage", CoverageLine(request.coverage(), decision)},
      {"Start", request.course_start_date()},
  };
  if (estimate.treatment() == v1::TREATMENT_SPRAVATO)
    fields.push_back({"Dose", DoseText(estimate)});
  fields.push_back({"Rules", RulesText(response.rule_set_version(), decision.plan_file_version())});
  PrintFields(fields);

  PrintSection(absl::StrCat("Coverage: ", CoverageStatusName(decision.status())));
  std::cout << WrapText(decision.explanation(), kTextWidth, "  ");
  std::vector<std::pair<std::string, std::string>> policy =
      PolicyFields(decision.policy_section(), decision.sources());
  if (estimate.has_readiness()) {
    policy.push_back({"Prior auth", PriorAuthStatusLine(estimate.readiness())});
  }
  PrintFields(policy);

  PrintSection("Cost");
  TextTable totals({{""},
                    {"Sessions covered", TextTable::Align::kRight},
                    {"Patient pays", TextTable::Align::kRight},
                    {"Plan pays", TextTable::Align::kRight}});
  auto add_totals = [&totals](std::string label, const Totals& t) {
    totals.AddRow({std::move(label), SessionsCovered(t), Dollars(t.patient_cents()),
                   Dollars(t.payer_cents())});
  };
  for (const v1::PhaseTotal& phase : estimate.phase_totals()) {
    add_totals(PhaseName(phase.phase(), estimate.treatment()), phase.totals());
  }
  if (estimate.plan_year_totals_size() > 0) totals.AddSeparator();
  for (const v1::PlanYearTotal& year : estimate.plan_year_totals()) {
    add_totals(absl::StrCat("Plan year from ", year.plan_year_start()), year.totals());
  }
  totals.AddSeparator();
  add_totals("Whole course", estimate.totals());
  if (const Totals* approved = IfApproved(estimate)) {
    add_totals("Whole course, if approved", *approved);
  }
  std::cout << totals.Render("  ");
  if (const std::string range = RangeText(estimate.patient_range()); !range.empty()) {
    std::cout << "\n" << WrapText(range, kTextWidth, "  ");
  }
  // Self-pay has nothing to break down: every dollar is the clinic's price.
  if (const std::string breakdown = PatientBreakdown(estimate.totals());
      !breakdown.empty() && decision.status() != v1::COVERAGE_STATUS_SELF_PAY) {
    std::cout << "\n" << WrapText(breakdown, kTextWidth, "  ");
  }

  if (estimate.notices_size() > 0) {
    PrintSection("Notes");
    PrintNotices(estimate.notices(), "  ");
  }
  if (!estimate.plain_summary().empty()) {
    PrintSection("Summary");
    std::cout << WrapText(estimate.plain_summary(), kTextWidth, "  ");
  }
  if (absl::GetFlag(FLAGS_lines)) {
    PrintSection("Sessions");
    PrintLineTable(estimate);
  }
}

void PrintComparison(const CompareTreatmentsRequest& request,
                     const CompareTreatmentsResponse& response) {
  // Clinic and payer names come with each estimate; the first one names them for all.
  const CourseEstimate first =
      response.estimates().empty() ? CourseEstimate() : response.estimates(0);
  std::cout << "Comparison at " << SingleLine(NameWithId(first.clinic_name(), request.clinic_id()))
            << "\n";
  PrintFields({{"Coverage", CoverageLine(request.coverage(), first.coverage())},
               {"Start", request.course_start_date()},
               {"Rules", absl::StrCat("version ", ShortHash(response.rule_set_version()))}});
  std::cout << "\n";

  if (response.estimates().empty()) {
    std::cout << "No treatments were estimated.\n";
  } else {
    using Align = TextTable::Align;
    // The protocol name is long and descriptive, so it goes last where it cannot push the
    // amounts off a narrow screen.
    TextTable table({{"Treatment"},
                     {"Coverage"},
                     {"Sessions covered", Align::kRight},
                     {"Patient pays", Align::kRight},
                     {"Plan pays", Align::kRight},
                     {"Protocol"}});
    for (const CourseEstimate& estimate : response.estimates()) {
      table.AddRow({TreatmentName(estimate.treatment()),
                    CoverageStatusName(estimate.coverage().status()),
                    SessionsCovered(estimate.totals()), PatientPaysText(estimate),
                    Dollars(estimate.totals().payer_cents()), estimate.protocol_name()});
    }
    std::cout << table.Render();
  }

  for (const CourseEstimate& estimate : response.estimates()) {
    PrintSection(SingleLine(absl::StrCat(TreatmentName(estimate.treatment()), ": ",
                                         CoverageStatusName(estimate.coverage().status()))));
    std::string explanation = estimate.coverage().explanation();
    if (!estimate.coverage().policy_section().empty()) {
      absl::StrAppend(&explanation, " (", estimate.coverage().policy_section(), ")");
    }
    std::cout << WrapText(explanation, kTextWidth, "  ");
    if (estimate.treatment() == v1::TREATMENT_SPRAVATO) {
      std::cout << WrapText(absl::StrCat("dose: ", DoseText(estimate)), kTextWidth, "  ");
    }
    if (estimate.has_readiness()) {
      std::cout << WrapText(absl::StrCat("prior auth: ", PriorAuthStatusLine(estimate.readiness())),
                            kTextWidth, "  ");
    }
    PrintNotices(estimate.notices(), "  ");
    if (absl::GetFlag(FLAGS_lines)) {
      std::cout << "\n";
      PrintLineTable(estimate);
    }
  }
  if (!response.summary().empty()) {
    PrintSection("Summary");
    std::cout << WrapText(response.summary(), kTextWidth, "  ");
  }
}

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
        {"Type", PlanTypeName(plan.plan_type())},
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
      std::string coverage = CoverageStatusName(treatment.status());
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
       WithCrdCode(CoverageRequirementName(assessment.coverage()), assessment.crd_covered())},
      {"Prior auth",
       WithCrdCode(PriorAuthReadinessName(assessment.prior_auth()), assessment.crd_pa_needed())},
      {"Documentation needed",
       WithCrdCode(DocumentationNeededName(assessment.documentation_needed()),
                   assessment.crd_doc_needed())},
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
  if (assessment.notices_size() > 0) {
    PrintSection("Notes");
    PrintNotices(assessment.notices(), "  ");
  }
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
        "missing subcommand: quote, compare, payers, readiness, rules-status, reload, check or "
        "hash-token (see --help)"));
  }
  if (args.size() > 2) {
    return UsageError(absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", args[2], "' (flags are written --name=value)")));
  }
  const absl::string_view command = args[1];
  if (command == "check") return RunCheck();
  if (command == "hash-token") return RunHashToken();
  if (command != "quote" && command != "compare" && command != "payers" && command != "readiness" &&
      command != "rules-status" && command != "reload") {
    return UsageError(absl::InvalidArgumentError(absl::StrCat(
        "unknown subcommand '", command,
        "': use quote, compare, payers, readiness, rules-status, reload, check or hash-token "
        "(see --help)")));
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
  using Stub = EstimatorService::Stub;
  using Admin = v1::RuleAdminService::Stub;
  if (command == "quote") {
    return Run(client, client.stub(), &Stub::EstimateCourse, QuoteRequestFromFlags(), PrintQuote);
  }
  if (command == "compare") {
    return Run(client, client.stub(), &Stub::CompareTreatments, CompareRequestFromFlags(),
               PrintComparison);
  }
  if (command == "readiness") {
    return Run(client, client.stub(), &Stub::CheckPriorAuthReadiness, ReadinessRequestFromFlags(),
               PrintReadiness);
  }
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
}  // namespace estimator

int main(int argc, char** argv) { return estimator::Main(argc, argv); }
