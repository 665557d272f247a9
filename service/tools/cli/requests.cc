#include "service/tools/cli/requests.h"

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
#include "service/tools/cli/flags.h"

namespace estimator {
namespace cli {


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
absl::StatusOr<v1::Network> NetworkFromFlags() {
  return ParseChoice<v1::Network>(
      "network", absl::GetFlag(FLAGS_network),
      {{"in", v1::NETWORK_IN_NETWORK}, {"out", v1::NETWORK_OUT_OF_NETWORK}});
}

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

  ASSIGN_OR_RETURN(v1::Network network, NetworkFromFlags());
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

// The printed tables show lines only with --lines: otherwise the summary view is enough, and the
// server sends no lines (--json prints whatever came, so it asks for everything).
v1::EstimateView ViewFromFlags() {
  return absl::GetFlag(FLAGS_lines) || absl::GetFlag(FLAGS_json) ? v1::ESTIMATE_VIEW_FULL
                                                                 : v1::ESTIMATE_VIEW_SUMMARY;
}

absl::StatusOr<EstimateCourseRequest> QuoteRequestFromFlags() {
  ASSIGN_OR_RETURN(v1::Treatment treatment, TreatmentFromFlags("quote"));
  EstimateCourseRequest request;
  request.set_view(ViewFromFlags());
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
  request.set_view(ViewFromFlags());
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
  // Prior authorization depends on the plan, the network and the patient, not on the clinic, the
  // course's details or the benefits met so far: such flags would be silently ignored.
  RETURN_IF_ERROR(RefuseFlags({"clinic", "self_pay", "lines"}, "does not apply to readiness"));
  for (const char* flag : kBenefitFlags) {
    if (absl::string_view(flag) != "network") {
      RETURN_IF_ERROR(RefuseFlags({flag}, "does not apply to readiness"));
    }
  }
  // The dose counts the drug's units in the request packet; the other course flags do not apply.
  RETURN_IF_ERROR(RefuseFlags({"protocol", "drug_benefit", "maintenance_months", "maintenance_frequency"},
                              "does not apply to readiness"));

  CheckPriorAuthReadinessRequest request;
  ASSIGN_OR_RETURN(v1::Treatment treatment, TreatmentFromFlags("readiness"));
  request.set_treatment(treatment);
  request.set_payer_id(absl::GetFlag(FLAGS_payer));
  request.set_plan_id(absl::GetFlag(FLAGS_plan));
  if (request.payer_id().empty() || request.plan_id().empty()) {
    return FlagError(request.payer_id().empty() ? "payer" : "plan",
                     "required: give --payer and --plan (ids from `estimator payers`)");
  }
  // Whether prior authorization is needed can depend on it (e.g. in-network TMS under Evernorth).
  ASSIGN_OR_RETURN(v1::Network network, NetworkFromFlags());
  request.set_network(network);
  // Spravato: the drug's units in the request packet (the server refuses a dose not of its schedule).
  if (const int32_t dose = absl::GetFlag(FLAGS_dose); dose != 0) {
    if (treatment != v1::TREATMENT_SPRAVATO) return FlagError("dose", "applies to Spravato only");
    request.set_dose_mg(dose);
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


}  // namespace cli
}  // namespace estimator
