// A billing team's worklist for the end-to-end tests of BatchCheckPriorAuthReadiness (over gRPC in
// readiness_batch_e2e_test.cc, over Connect in connect_e2e_test.cc): every chart of
// tests/testdata/documentation/ (as_of_date 2026-11-20) under every plan ListPayers names and
// every treatment, with two bad patients in the middle.
//
//   const Worklist w = WorklistAcrossPlans(PlansServed(payers));
//   w.request.items(w.bad_age)       // documentation.age_years 200: INVALID_ARGUMENT
//   w.request.items(w.unknown_plan)  // plan_id "no_such_plan": NOT_FOUND
#ifndef ESTIMATOR_TESTS_E2E_WORKLIST_REQUESTS_H_
#define ESTIMATOR_TESTS_E2E_WORKLIST_REQUESTS_H_

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "estimator/v1/estimator.pb.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_environment.h"
#include "tests/e2e/server_process.h"

namespace estimator::e2e {

// The charts, by file, in name order.
inline std::vector<v1::PatientDocumentation> WorklistCharts() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(SourceDir() + "/tests/testdata/documentation")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<v1::PatientDocumentation> charts;
  for (const auto& file : files) {
    v1::PatientDocumentation& doc = charts.emplace_back();
    const std::string json = ReadFileOrEmpty(file.string());
    const auto status = google::protobuf::util::JsonStringToMessage(json, &doc);
    if (json.empty() || !status.ok()) ADD_FAILURE() << "test setup: cannot read " << file;
  }
  return charts;
}

// Each payer/plan ListPayers lists, once (a plan with several versions is one plan: the chart's
// day picks the version).
inline std::vector<std::pair<std::string, std::string>> PlansServed(
    const v1::ListPayersResponse& payers) {
  std::set<std::pair<std::string, std::string>> plans;
  for (const v1::PlanInfo& p : payers.plans()) plans.insert({p.payer_id(), p.plan_id()});
  return {plans.begin(), plans.end()};
}

struct Worklist {
  v1::BatchCheckPriorAuthReadinessRequest request;
  int bad_age = -1;       // its chart says age 200
  int unknown_plan = -1;  // its plan does not exist
};

inline Worklist WorklistAcrossPlans(const std::vector<std::pair<std::string, std::string>>& plans) {
  Worklist w;
  const std::vector<v1::PatientDocumentation> charts = WorklistCharts();
  std::vector<v1::CheckPriorAuthReadinessRequest> requests;
  for (const auto& [payer, plan] : plans) {
    for (v1::Treatment t : {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO, v1::TREATMENT_IV_KETAMINE}) {
      for (const v1::PatientDocumentation& chart : charts) {
        v1::CheckPriorAuthReadinessRequest& r = requests.emplace_back();
        r.set_payer_id(payer);
        r.set_plan_id(plan);
        r.set_treatment(t);
        r.set_network(v1::NETWORK_IN_NETWORK);
        *r.mutable_documentation() = chart;
      }
    }
  }
  // The two bad patients go in the middle, so good ones come before and after them.
  const int middle = static_cast<int>(requests.size()) / 2;
  v1::CheckPriorAuthReadinessRequest too_old = requests[middle];
  too_old.mutable_documentation()->set_age_years(200);
  v1::CheckPriorAuthReadinessRequest nowhere = requests[middle];
  nowhere.set_plan_id("no_such_plan");
  requests.insert(requests.begin() + middle, {too_old, nowhere});
  w.bad_age = middle;
  w.unknown_plan = middle + 1;
  for (size_t i = 0; i < requests.size(); ++i) {
    v1::BatchReadinessItem& item = *w.request.add_items();
    item.set_item_id(absl::StrCat("row-", i + 1));
    *item.mutable_request() = std::move(requests[i]);
  }
  return w;
}

}  // namespace estimator::e2e

#endif  // ESTIMATOR_TESTS_E2E_WORKLIST_REQUESTS_H_
