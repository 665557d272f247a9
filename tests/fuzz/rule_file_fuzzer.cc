// Fuzz target: bytes -> one payer plan file (protobuf text format), parsed as the rule loader parses
// every file (ParseRuleFile: TextFormat with the located error collector, unknown fields refused),
// then validated (ValidateRuleFiles: plan, criteria and billing-code checks) together with the
// bundled clinics, protocols, drug and code catalogs and the other plan versions, read once from
// payer_rules/. A plan that validates is compiled (RuleSet::Create) and quoted through the engine
// for every treatment, in and out of network, with and without documentation: what the validator
// accepts, the engine must be able to serve.
//
// The input takes the place of the bundled version with the same payer, plan and effective_from,
// as if that file had been edited in place; otherwise it is one more plan version. So mutations of
// the real plan files (the seed corpus) reach the version-tiling checks and, when still valid, the
// engine.
//
// Checked besides crashes, leaks and undefined behaviour: every problem is reported on its own
// line as `file:line:column: message`, validated files always compile, and every answer passes
// answer_checks.h.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/text_format.h"
#include "service/common/dates.h"
#include "service/engine/course_estimate.h"
#include "service/engine/readiness.h"
#include "service/rules/rule_files.h"
#include "service/rules/rule_set.h"
#include "service/rules/rule_validator.h"
#include "tests/fuzz/answer_checks.h"
#include "tests/fuzz/bundled_rules.h"

namespace estimator {
namespace {

constexpr char kPath[] = "plans/fuzz_input.textproto";

// The bundled rule files, parsed once. Inputs are swapped in and out of `plans`, never copied in.
RuleFiles& Bundled() {
  static RuleFiles* files = [] {
    // Protobuf's own log lines about rejected input would cost more than the input.
    google::protobuf::SetLogHandler(nullptr);
    absl::StatusOr<RuleFiles> read = ReadRuleDirectory(BundledRulesDir());
    if (!read.ok()) Finding("the bundled rules do not load", read.status().ToString());
    return new RuleFiles(*std::move(read));
  }();
  return *files;
}

// Documentation that meets most bundled policies, so that criteria are evaluated down to the leaves.
const v1::PatientDocumentation& SampleDocumentation() {
  static const v1::PatientDocumentation* doc = [] {
    auto* d = new v1::PatientDocumentation();
    const bool ok = google::protobuf::TextFormat::ParseFromString(R"pb(
      as_of_date: "2026-11-20" age_years: 42 diagnosis_codes: "F33.2"
      current_episode_start: "2026-03-01"
      antidepressant_history {
        trials { drug: "sertraline" daily_dose: "150 mg" weeks: 8
                 outcome: TRIAL_OUTCOME_NO_RESPONSE episode: EPISODE_CURRENT }
        trials { drug: "venlafaxine" daily_dose: "150 mg" weeks: 8
                 outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE episode: EPISODE_CURRENT }
        trials { drug: "aripiprazole" daily_dose: "5 mg" weeks: 6 augmentation: true
                 outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE episode: EPISODE_CURRENT }
      }
      psychotherapy_history { trials { kind: PSYCHOTHERAPY_KIND_CBT weeks: 12 sessions: 12
                                       outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE } }
      severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 21 date: "2026-11-10" }
      contraindication_screening {}
      treatment_history {}
      prescriber_specialty: PRESCRIBER_SPECIALTY_PSYCHIATRIST
      rems_patient_enrolled: true takes_oral_antidepressant: true oral_antidepressant: "venlafaxine"
    )pb", d);
    if (!ok) Finding("the sample documentation does not parse");
    return d;
  }();
  return *doc;
}

std::vector<std::string> PathsOf(const RuleFiles& files) {
  std::vector<std::string> paths;
  auto add = [&](const auto& list) {
    for (const auto& f : list) paths.push_back(f.path);
  };
  add(files.plans), add(files.clinics), add(files.protocols), add(files.catalogs);
  add(files.code_catalogs);
  return paths;
}

// Every line of a rule-file error is "path:line:column: message" with a path of the rule set and a
// 1-based line and column.
void CheckLocated(const absl::Status& status, const std::vector<std::string>& paths) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    Finding("a rule-file error that is not INVALID_ARGUMENT", status.ToString());
  }
  for (absl::string_view line : absl::StrSplit(status.message(), '\n')) {
    std::vector<absl::string_view> parts = absl::StrSplit(line, absl::MaxSplits(':', 3));
    int l = 0, c = 0;
    if (parts.size() != 4 || std::find(paths.begin(), paths.end(), parts[0]) == paths.end() || !absl::SimpleAtoi(parts[1], &l) ||
        !absl::SimpleAtoi(parts[2], &c) || l < 1 || c < 1 || !absl::StartsWith(parts[3], " ") ||
        absl::StripAsciiWhitespace(parts[3]).empty()) {
      Finding("a rule-file problem that is not one located `file:line:column: message` line",
              absl::StrCat("line: ", line, "\nwhole message:\n", status.message()));
    }
  }
}

void CheckAnswers(const RuleSet& rules, const v1::PayerPlan& plan) {
  v1::CompareTreatmentsRequest compare;
  compare.set_clinic_id("riverbend");
  compare.set_course_start_date(plan.effective_from());
  auto* insurance = compare.mutable_coverage()->mutable_insurance();
  insurance->set_payer_id(plan.payer_id());
  insurance->set_plan_id(plan.plan_id());
  for (v1::Network network : {v1::NETWORK_IN_NETWORK, v1::NETWORK_OUT_OF_NETWORK}) {
    insurance->set_network(network);
    for (bool with_documentation : {false, true}) {
      if (with_documentation) {
        *compare.mutable_documentation() = SampleDocumentation();
      } else {
        compare.clear_documentation();
      }
      auto answer = CompareTreatments(rules, compare, kFuzzToday);
      if (!answer.ok()) {
        CheckRefusal(answer.status());
        continue;
      }
      for (const auto& estimate : answer->estimates()) CheckEstimate(estimate);
      CheckWire(*answer);
    }
  }
  v1::CheckPriorAuthReadinessRequest readiness;
  readiness.set_payer_id(plan.payer_id());
  readiness.set_plan_id(plan.plan_id());
  readiness.set_planned_start_date(plan.effective_from());
  *readiness.mutable_documentation() = SampleDocumentation();
  for (v1::Treatment t : {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO, v1::TREATMENT_IV_KETAMINE}) {
    readiness.set_treatment(t);
    auto answer = CheckPriorAuthReadiness(rules, readiness, kFuzzToday);
    if (answer.ok()) {
      CheckReadiness(answer->assessment());
      CheckWire(*answer);
    } else {
      CheckRefusal(answer.status());
    }
  }
}

}  // namespace
}  // namespace estimator

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace estimator;
  RuleFiles& files = Bundled();
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<RuleFile<v1::PayerPlan>> parsed = ParseRuleFile<v1::PayerPlan>(kPath, text);
  if (!parsed.ok()) {
    CheckLocated(parsed.status(), {kPath});
    return 0;
  }

  // In place of the bundled version it edits, or appended; put back before returning.
  size_t slot = files.plans.size();
  for (size_t i = 0; i < files.plans.size(); ++i) {
    const v1::PayerPlan& bundled = files.plans[i].message;
    if (bundled.payer_id() == parsed->message.payer_id() &&
        bundled.plan_id() == parsed->message.plan_id() &&
        bundled.effective_from() == parsed->message.effective_from()) {
      slot = i;
      break;
    }
  }
  const bool appended = slot == files.plans.size();
  if (appended) files.plans.emplace_back();
  std::swap(files.plans[slot], *parsed);

  const absl::Status valid = ValidateRuleFiles(files);
  if (!valid.ok()) {
    CheckLocated(valid, PathsOf(files));
  } else {
    absl::StatusOr<std::shared_ptr<const RuleSet>> rules =
        RuleSet::Create(files, absl::UnixEpoch());  // a copy: Create consumes its files
    if (!rules.ok()) Finding("rule files that validate do not compile", rules.status().ToString());
    CheckAnswers(**rules, files.plans[slot].message);
  }

  std::swap(files.plans[slot], *parsed);
  if (appended) files.plans.pop_back();
  return 0;
}
