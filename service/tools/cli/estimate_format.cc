#include "service/tools/cli/estimate_format.h"

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
#include "service/engine/vocabulary.h"
#include "service/tools/readiness_format.h"
#include "service/tools/table_format.h"

namespace estimator {
namespace cli {


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
                      absl::string_view plan_effective_from) {
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
                                      Capitalized(PhaseName(estimate.treatment(), line.phase()))};
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

  PrintSection(absl::StrCat("Coverage: ", Capitalized(CoverageStatusName(decision.status()))));
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
    add_totals(Capitalized(PhaseName(estimate.treatment(), phase.phase())), phase.totals());
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
                    Capitalized(CoverageStatusName(estimate.coverage().status())),
                    SessionsCovered(estimate.totals()), PatientPaysText(estimate),
                    Dollars(estimate.totals().payer_cents()), estimate.protocol_name()});
    }
    std::cout << table.Render();
  }

  for (const CourseEstimate& estimate : response.estimates()) {
    PrintSection(SingleLine(absl::StrCat(
        TreatmentName(estimate.treatment()), ": ",
        Capitalized(CoverageStatusName(estimate.coverage().status())))));
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


}  // namespace cli
}  // namespace estimator
