// Writes the request_fuzzer's seed corpus from realistic requests: front-desk quotes and
// comparisons across the bundled plans and clinics, and readiness checks of the sample
// documentation in tests/testdata/documentation/, plus two requests the engine must refuse. Each
// seed is the RPC byte then the request's wire encoding (see request_fuzzer.cc).
//
//   make_request_corpus --write tests/fuzz/corpus/request_fuzzer   (after changing a seed below)
//   make_request_corpus --check tests/fuzz/corpus/request_fuzzer   (ctest: the committed corpus is
//                                                                   this output, byte for byte)
// Either way each request is first answered by the engine with the bundled rules, and must be
// accepted or refused as marked, so that the seeds keep reaching past validation.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "service/engine/course_estimate.h"
#include "service/engine/readiness.h"
#include "service/rules/rule_set.h"
#include "tests/fuzz/bundled_rules.h"

namespace estimator {
namespace {

namespace fs = std::filesystem;

enum Rpc : char { kEstimate = 0, kCompare = 1, kReadiness = 2 };

struct Seed {
  const char* name;
  Rpc rpc;
  const char* request;        // text format
  const char* documentation;  // a file of tests/testdata/documentation/, or ""
  bool accepted;              // answered (true) or refused (false)
};

const Seed kSeeds[] = {
    {"estimate_medicare_tms", kEstimate, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-12-14"
      coverage { insurance { payer_id: "medicare" plan_id: "part_b" network: NETWORK_IN_NETWORK
                             met_so_far { deductible_met_cents: 0 } } }
      course { treatment: TREATMENT_TMS protocol_id: "tms_medicare_20_5" })pb",
     "", true},
    {"estimate_medicare_tms_across_years", kEstimate, R"pb(
      clinic_id: "riverbend" course_start_date: "2025-12-15"
      coverage { insurance { payer_id: "medicare" plan_id: "part_b" network: NETWORK_IN_NETWORK } }
      course { treatment: TREATMENT_TMS })pb",
     "", true},
    {"estimate_aetna_spravato_ready", kEstimate, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-12-14"
      coverage { insurance { payer_id: "aetna" plan_id: "open_access_ppo" network: NETWORK_IN_NETWORK
                             coverage_tier: COVERAGE_TIER_FAMILY
                             met_so_far { deductible_met_cents: 25000 out_of_pocket_met_cents: 40000
                                          family_deductible_met_cents: 60000 } } }
      course { treatment: TREATMENT_SPRAVATO spravato { dose_mg: 84 drug_benefit: BENEFIT_MEDICAL }
               maintenance { months: 6 frequency: MAINTENANCE_FREQUENCY_EVERY_OTHER_WEEK } })pb",
     "spravato_ready.json", true},
    {"estimate_aetna_tms_out_of_network", kEstimate, R"pb(
      clinic_id: "lakeshore" course_start_date: "2026-02-02"
      coverage { insurance { payer_id: "aetna" plan_id: "open_access_ppo"
                             network: NETWORK_OUT_OF_NETWORK
                             plan_year_start { month: 7 day: 1 } } }
      course { treatment: TREATMENT_TMS })pb",
     "aetna_tms_not_ready_both_trials_ssri.json", true},
    {"estimate_humana_tms_verified_benefits", kEstimate, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-03-02"
      coverage { insurance { payer_id: "humana" plan_id: "medicare_advantage_hmo"
                             network: NETWORK_IN_NETWORK
                             verified_benefits { deductible_cents: 0 coinsurance_bp: 2000
                                                 copay_cents: 4000 out_of_pocket_max_cents: 920000 } } }
      course { treatment: TREATMENT_TMS maintenance { months: 3 frequency: MAINTENANCE_FREQUENCY_WEEKLY } })pb",
     "", true},
    {"estimate_medi_cal_spravato_pharmacy", kEstimate, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-06-01"
      coverage { insurance { payer_id: "medi_cal" plan_id: "fee_for_service" network: NETWORK_IN_NETWORK } }
      course { treatment: TREATMENT_SPRAVATO spravato { dose_mg: 56 drug_benefit: BENEFIT_PHARMACY } })pb",
     "", true},
    {"estimate_epo_tms_excluded", kEstimate, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-12-14"
      coverage { insurance { payer_id: "illustrative_employer" plan_id: "basic_epo"
                             network: NETWORK_IN_NETWORK } }
      course { treatment: TREATMENT_TMS })pb",
     "", true},
    {"estimate_self_pay_ketamine", kEstimate, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-12-14" coverage { self_pay {} }
      course { treatment: TREATMENT_IV_KETAMINE
               maintenance { months: 6 frequency: MAINTENANCE_FREQUENCY_MONTHLY } })pb",
     "", true},
    {"estimate_refused_coinsurance_over_100", kEstimate, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-12-14"
      coverage { insurance { payer_id: "cigna" plan_id: "open_access_plus" network: NETWORK_IN_NETWORK
                             verified_benefits { coinsurance_bp: 12000 } } }
      course { treatment: TREATMENT_TMS })pb",
     "", false},
    {"compare_medicare", kCompare, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-12-14"
      coverage { insurance { payer_id: "medicare" plan_id: "part_b" network: NETWORK_IN_NETWORK } })pb",
     "medicare_tms_ready.json", true},
    {"compare_aetna_incomplete", kCompare, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-12-14"
      coverage { insurance { payer_id: "aetna" plan_id: "open_access_ppo" network: NETWORK_IN_NETWORK
                             met_so_far { deductible_met_cents: 25000 out_of_pocket_met_cents: 40000 } } })pb",
     "aetna_tms_incomplete_no_psychotherapy_history.json", true},
    {"compare_cigna_two_courses", kCompare, R"pb(
      clinic_id: "lakeshore" course_start_date: "2026-04-06"
      coverage { insurance { payer_id: "cigna" plan_id: "open_access_plus" network: NETWORK_IN_NETWORK } }
      courses { treatment: TREATMENT_TMS maintenance { months: 2 frequency: MAINTENANCE_FREQUENCY_WEEKLY } }
      courses { treatment: TREATMENT_SPRAVATO spravato { dose_mg: 56 } })pb",
     "", true},
    {"compare_bcbs_out_of_network", kCompare, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-09-14"
      coverage { insurance { payer_id: "bcbs_michigan" plan_id: "ppo" network: NETWORK_OUT_OF_NETWORK } })pb",
     "", true},
    {"compare_self_pay", kCompare, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-12-14" coverage { self_pay {} })pb",
     "", true},
    {"compare_refused_unknown_plan", kCompare, R"pb(
      clinic_id: "riverbend" course_start_date: "2026-12-14"
      coverage { insurance { payer_id: "aetna" plan_id: "no_such_plan" network: NETWORK_IN_NETWORK } })pb",
     "", false},
    {"readiness_aetna_tms_ready", kReadiness, R"pb(
      payer_id: "aetna" plan_id: "open_access_ppo" treatment: TREATMENT_TMS)pb",
     "aetna_tms_ready.json", true},
    {"readiness_aetna_spravato_no_screening", kReadiness, R"pb(
      payer_id: "aetna" plan_id: "open_access_ppo" treatment: TREATMENT_SPRAVATO
      planned_start_date: "2026-12-14")pb",
     "aetna_spravato_incomplete_no_contraindication_screening.json", true},
    {"readiness_medicare_spravato_rems", kReadiness, R"pb(
      payer_id: "medicare" plan_id: "part_b" treatment: TREATMENT_SPRAVATO)pb",
     "medicare_spravato_not_met_rems_not_enrolled.json", true},
    {"readiness_medicare_tms_short_trial", kReadiness, R"pb(
      payer_id: "medicare" plan_id: "part_b" treatment: TREATMENT_TMS)pb",
     "medicare_tms_not_met_3_week_trial.json", true},
    {"readiness_bcbs_tms", kReadiness, R"pb(
      payer_id: "bcbs_michigan" plan_id: "ppo" treatment: TREATMENT_TMS)pb",
     "aetna_tms_ready.json", true},
    {"readiness_humana_ketamine_excluded", kReadiness, R"pb(
      payer_id: "humana" plan_id: "medicare_advantage_hmo" treatment: TREATMENT_IV_KETAMINE)pb",
     "medicare_tms_ready.json", true},
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The seed's request with its documentation, or an error message.
template <typename Request>
bool Build(const Seed& seed, const fs::path& documentation_dir, Request& request,
           std::string& error) {
  if (!google::protobuf::TextFormat::ParseFromString(seed.request, &request)) {
    error = "request does not parse";
    return false;
  }
  if (*seed.documentation != '\0') {
    const std::string json = ReadFile(documentation_dir / seed.documentation);
    const auto status =
        google::protobuf::util::JsonStringToMessage(json, request.mutable_documentation());
    if (json.empty() || !status.ok()) {
      error = absl::StrCat("documentation ", seed.documentation, ": ", status.ToString());
      return false;
    }
  }
  return true;
}

// The seed's bytes, after checking the engine accepts or refuses it as marked.
bool Encode(const RuleSet& rules, const Seed& seed, const fs::path& documentation_dir,
            std::string& bytes, std::string& error) {
  absl::Status answered;
  std::string wire;
  switch (seed.rpc) {
    case kEstimate: {
      v1::EstimateCourseRequest r;
      if (!Build(seed, documentation_dir, r, error)) return false;
      answered = EstimateCourse(rules, r, kFuzzToday).status();
      wire = r.SerializeAsString();
      break;
    }
    case kCompare: {
      v1::CompareTreatmentsRequest r;
      if (!Build(seed, documentation_dir, r, error)) return false;
      answered = CompareTreatments(rules, r, kFuzzToday).status();
      wire = r.SerializeAsString();
      break;
    }
    case kReadiness: {
      v1::CheckPriorAuthReadinessRequest r;
      if (!Build(seed, documentation_dir, r, error)) return false;
      answered = CheckPriorAuthReadiness(rules, r, kFuzzToday).status();
      wire = r.SerializeAsString();
      break;
    }
  }
  if (answered.ok() != seed.accepted) {
    error = absl::StrCat(seed.accepted ? "refused: " : "accepted, but must be refused",
                         answered.ToString());
    return false;
  }
  bytes = std::string(1, seed.rpc) + wire;
  return true;
}

int Run(bool write, const fs::path& dir) {
  const fs::path source = fs::path(BundledRulesDir()).parent_path();
  auto rules = RuleSet::Load(BundledRulesDir(), absl::UnixEpoch());
  if (!rules.ok()) {
    std::fprintf(stderr, "bundled rules: %s\n", rules.status().ToString().c_str());
    return 1;
  }
  int problems = 0;
  std::vector<std::string> names;
  for (const Seed& seed : kSeeds) {
    std::string bytes, error;
    names.push_back(seed.name);
    if (!Encode(**rules, seed, source / "tests/testdata/documentation", bytes, error)) {
      std::fprintf(stderr, "%s: %s\n", seed.name, error.c_str());
      ++problems;
      continue;
    }
    const fs::path file = dir / seed.name;
    if (write) {
      std::ofstream(file, std::ios::binary) << bytes;
    } else if (ReadFile(file) != bytes) {
      std::fprintf(stderr, "%s: differs from this program's output; run make_request_corpus "
                           "--write %s\n", file.c_str(), dir.c_str());
      ++problems;
    }
  }
  // In --check mode, every file of the corpus directory is one of the seeds above.
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (std::find(names.begin(), names.end(), entry.path().filename().string()) == names.end()) {
      std::fprintf(stderr, "%s: not a seed of make_request_corpus\n", entry.path().c_str());
      ++problems;
    }
  }
  std::printf("%s: %zu seeds, %d problems\n", dir.c_str(), names.size(), problems);
  return problems == 0 ? 0 : 1;
}

}  // namespace
}  // namespace estimator

int main(int argc, char** argv) {
  const std::string mode = argc == 3 ? argv[1] : "";
  if (mode != "--write" && mode != "--check") {
    std::fprintf(stderr, "usage: %s --write|--check CORPUS_DIR\n", argv[0]);
    return 2;
  }
  std::filesystem::create_directories(argv[2]);
  return estimator::Run(mode == "--write", argv[2]);
}
