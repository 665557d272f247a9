#include "service/tools/rule_tests.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/common/dates.h"
#include "service/common/money.h"
#include "service/engine/course_estimate.h"
#include "service/engine/readiness.h"
#include "service/rules/located_problems.h"

namespace estimator {
namespace {

bool HasExpectation(const v1::RuleTestExpectation& e) {
  return e.ByteSizeLong() > 0;
}

bool ChecksReadiness(const v1::RuleTestExpectation& e) {
  return e.prior_auth() != v1::PRIOR_AUTH_READINESS_UNSPECIFIED ||
         e.coverage_requirement() != v1::COVERAGE_REQUIREMENT_UNSPECIFIED ||
         !e.criteria_not_met().empty() || !e.criteria_missing_information().empty();
}

void ValidateTestFile(const RuleFile<v1::RuleTestFile>& f, Problems& p) {
  const Where w = Where::Of(f);
  CheckText(w, "description", f.message.description(), p);
  if (f.message.tests().empty()) p.Add(w.At("tests"), "tests: write at least one test");
  std::set<std::string> names;
  for (int i = 0; i < f.message.tests_size(); ++i) {
    const v1::RuleTest& t = f.message.tests(i);
    const Where tw = w.In("tests", i);
    CheckId(tw, "name", t.name(), p);
    if (!t.name().empty() && !names.insert(t.name()).second) {
      p.Add(tw.At("name"), absl::StrCat("name '", t.name(), "' is used by another test here"));
    }
    CheckText(tw, "description", t.description(), p);
    CheckDate(tw, "today", t.today(), /*required=*/true, p);
    if (!t.has_request()) p.Add(tw.At("request"), "request is required: the scenario to run");
    if (t.request().has_documentation() && t.request().documentation().as_of_date().empty()) {
      p.Add(tw.In("request").At("documentation"),
            "documentation.as_of_date is required in a rule test, so that the verdict does not "
            "change with the day it runs (use the test's `today`)");
    }
    if (!HasExpectation(t.expect())) {
      p.Add(tw.At("expect"), "expect: write at least one expected outcome");
    }
    const v1::RuleTestExpectation& e = t.expect();
    if (ChecksReadiness(e) && !t.request().coverage().has_insurance()) {
      p.Add(tw.In("expect").At("prior_auth"),
            "readiness expectations need `request { coverage { insurance { ... } } }`");
    }
    for (int j = 0; j < e.plan_years_size(); ++j) {
      CheckDate(tw.In("expect").In("plan_years", j), "plan_year_start",
                e.plan_years(j).plan_year_start(), /*required=*/true, p);
    }
  }
}

// Collects differences, each located at the expectation that failed.
class Differences {
 public:
  explicit Differences(const Where& expect) : expect_(expect) {}

  template <typename T>
  void Compare(absl::string_view field, const T& expected, const T& actual,
               std::string (*show)(const T&), int index = -1) {
    if (expected == actual) return;
    lines_.push_back(absl::StrCat(expect_.At(field, index), ": ", field, index >= 0 ? absl::StrCat("[", index, "]") : "",
                                  ": expected ", show(expected), ", got ", show(actual)));
  }
  void Add(absl::string_view field, absl::string_view what) {
    lines_.push_back(absl::StrCat(expect_.At(field), ": ", what));
  }
  std::vector<std::string> Take() { return std::move(lines_); }

 private:
  const Where& expect_;
  std::vector<std::string> lines_;
};

std::string ShowInt(const int64_t& n) { return absl::StrCat(n); }
std::string ShowCents(const int64_t& cents) {
  return absl::StrCat(cents, " (", FormatMoney(Money::Cents(cents)), ")");
}
std::string ShowText(const std::string& s) { return s.empty() ? "(none)" : s; }
std::string ShowList(const std::vector<std::string>& items) {
  return items.empty() ? "none" : absl::StrJoin(items, ", ");
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The criteria as the policy numbers them: the parts of a top-level all_of, else the root.
void TopLevelIds(const v1::ReadinessAssessment& a, v1::CriterionStatus status,
                 std::vector<std::string>& out) {
  for (const v1::CriterionResult& root : a.criteria()) {
    if (root.kind() == "all_of") {
      for (const v1::CriterionResult& c : root.children()) {
        if (c.status() == status) out.push_back(c.id());
      }
    } else if (root.status() == status) {
      out.push_back(root.id());
    }
  }
}

void CompareEstimate(const v1::RuleTestExpectation& e, const v1::CourseEstimate& est,
                     Differences& d) {
  if (e.coverage_status() != v1::COVERAGE_STATUS_UNSPECIFIED) {
    d.Compare<std::string>("coverage_status", v1::CoverageStatus_Name(e.coverage_status()),
                           v1::CoverageStatus_Name(est.coverage().status()), ShowText);
  }
  const v1::Totals& t = est.totals();
  if (e.has_sessions_scheduled()) {
    d.Compare<int64_t>("sessions_scheduled", e.sessions_scheduled(), t.sessions_scheduled(), ShowInt);
  }
  if (e.has_sessions_covered()) {
    d.Compare<int64_t>("sessions_covered", e.sessions_covered(), t.sessions_covered(), ShowInt);
  }
  if (e.has_patient_total_cents()) {
    d.Compare<int64_t>("patient_total_cents", e.patient_total_cents(), t.patient_cents(), ShowCents);
  }
  if (e.has_payer_total_cents()) {
    d.Compare<int64_t>("payer_total_cents", e.payer_total_cents(), t.payer_cents(), ShowCents);
  }
  if (e.has_if_approved_patient_total_cents()) {
    if (!est.has_if_approved()) {
      d.Add("if_approved_patient_total_cents",
            absl::StrCat("if_approved_patient_total_cents: the estimate has no if-approved totals "
                         "(status ", v1::CoverageStatus_Name(est.coverage().status()), ")"));
    } else {
      d.Compare<int64_t>("if_approved_patient_total_cents", e.if_approved_patient_total_cents(),
                         est.if_approved().patient_cents(), ShowCents);
    }
  }
  if (!e.plan_years().empty()) {
    if (e.plan_years_size() != est.plan_year_totals_size()) {
      std::vector<std::string> actual;
      for (const auto& y : est.plan_year_totals()) actual.push_back(y.plan_year_start());
      d.Add("plan_years", absl::StrCat("plan_years: expected ", e.plan_years_size(),
                                       " plan years, the course touches ", ShowList(actual)));
    } else {
      for (int i = 0; i < e.plan_years_size(); ++i) {
        const v1::PlanYearExpectation& want = e.plan_years(i);
        const v1::PlanYearTotal& got = est.plan_year_totals(i);
        d.Compare<std::string>("plan_years", want.plan_year_start(), got.plan_year_start(), ShowText, i);
        d.Compare<int64_t>("plan_years", want.patient_cents(), got.totals().patient_cents(),
                           ShowCents, i);
        if (want.has_deductible_cents()) {
          d.Compare<int64_t>("plan_years", want.deductible_cents(), got.totals().deductible_cents(),
                             ShowCents, i);
        }
      }
    }
  }
  if (!e.billed_codes().empty()) {
    std::vector<std::string> actual;
    for (const auto& line : est.lines()) {
      for (const auto& code : line.codes()) actual.push_back(code.code());
    }
    d.Compare<std::vector<std::string>>(
        "billed_codes", Sorted({e.billed_codes().begin(), e.billed_codes().end()}),
        Sorted(actual), ShowList);
  }
  std::vector<std::string> notices;
  for (const auto& n : est.notices()) notices.push_back(n.code());
  for (int i = 0; i < e.notices_size(); ++i) {
    if (std::find(notices.begin(), notices.end(), e.notices(i)) == notices.end()) {
      d.Add("notices", absl::StrCat("notices: expected a ", e.notices(i), " notice; the estimate has ",
                                    ShowList(Sorted(notices))));
    }
  }
}

void CompareReadiness(const v1::RuleTestExpectation& e, const v1::ReadinessAssessment& a,
                      Differences& d) {
  if (e.coverage_requirement() != v1::COVERAGE_REQUIREMENT_UNSPECIFIED) {
    d.Compare<std::string>("coverage_requirement",
                           v1::CoverageRequirement_Name(e.coverage_requirement()),
                           v1::CoverageRequirement_Name(a.coverage()), ShowText);
  }
  if (e.prior_auth() != v1::PRIOR_AUTH_READINESS_UNSPECIFIED) {
    d.Compare<std::string>("prior_auth", v1::PriorAuthReadiness_Name(e.prior_auth()),
                           v1::PriorAuthReadiness_Name(a.prior_auth()), ShowText);
  }
  std::vector<std::string> not_met, missing;
  TopLevelIds(a, v1::CRITERION_STATUS_NOT_MET, not_met);
  TopLevelIds(a, v1::CRITERION_STATUS_MISSING_INFORMATION, missing);
  d.Compare<std::vector<std::string>>(
      "criteria_not_met", Sorted({e.criteria_not_met().begin(), e.criteria_not_met().end()}),
      Sorted(not_met), ShowList);
  d.Compare<std::vector<std::string>>(
      "criteria_missing_information",
      Sorted({e.criteria_missing_information().begin(), e.criteria_missing_information().end()}),
      Sorted(missing), ShowList);
}

}  // namespace

absl::StatusOr<std::vector<RuleFile<v1::RuleTestFile>>> ReadRuleTests(const std::string& rules_dir) {
  std::vector<RuleFile<v1::RuleTestFile>> files;
  std::vector<std::string> errors;
  ReadRuleFilesIn(rules_dir, "tests", files, errors);
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  Problems p;
  for (const auto& f : files) ValidateTestFile(f, p);
  if (!p.empty()) return absl::InvalidArgumentError(p.Joined());
  return files;
}

bool ChecksReadiness(const v1::RuleTest& test) { return ChecksReadiness(test.expect()); }

v1::CheckPriorAuthReadinessRequest ReadinessRequestOf(const v1::RuleTest& test) {
  v1::CheckPriorAuthReadinessRequest req;
  const v1::InsuranceCoverage& ins = test.request().coverage().insurance();
  req.set_payer_id(ins.payer_id());
  req.set_plan_id(ins.plan_id());
  req.set_treatment(test.request().course().treatment());
  req.set_network(ins.network());
  req.set_dose_mg(test.request().course().spravato().dose_mg());
  req.set_planned_start_date(test.request().course_start_date());
  if (test.request().has_documentation()) {
    *req.mutable_documentation() = test.request().documentation();
  }
  return req;
}

RuleTestResult JudgeRuleTest(const RuleFile<v1::RuleTestFile>& file, int index,
                             const RuleTestOutcome& outcome) {
  const v1::RuleTest& test = file.message.tests(index);
  const Where tw = Where::Of(file).In("tests", index);
  const Where ew = tw.In("expect");
  RuleTestResult result{file.path, test.name(), {}};
  if (!outcome.estimate.ok()) {
    result.failures.push_back(absl::StrCat(tw.At("request"), ": the request was refused: ",
                                           absl::StatusCodeToString(outcome.estimate.status().code()),
                                           ": ", outcome.estimate.status().message()));
    return result;
  }
  Differences d(ew);
  const v1::RuleTestExpectation& e = test.expect();
  CompareEstimate(e, outcome.estimate->estimate(), d);
  if (ChecksReadiness(e)) {
    if (!outcome.readiness.has_value()) {
      d.Add("prior_auth", "the readiness check was not run");
    } else if (!outcome.readiness->ok()) {
      d.Add("prior_auth", absl::StrCat("the readiness check was refused: ",
                                       absl::StatusCodeToString(outcome.readiness->status().code()),
                                       ": ", outcome.readiness->status().message()));
    } else {
      CompareReadiness(e, (*outcome.readiness)->assessment(), d);
    }
  }
  result.failures = d.Take();
  return result;
}

RuleTestResult RunRuleTest(const RuleSet& rules, const RuleFile<v1::RuleTestFile>& file,
                           int index) {
  const v1::RuleTest& test = file.message.tests(index);
  absl::StatusOr<absl::CivilDay> today = ParseDate(test.today(), "today");
  if (!today.ok()) {  // ReadRuleTests has reported it; kept for direct callers
    return {file.path, test.name(),
            {absl::StrCat(Where::Of(file).In("tests", index).At("today"), ": ",
                          today.status().message())}};
  }
  RuleTestOutcome outcome{EstimateCourse(rules, test.request(), *today), std::nullopt};
  if (ChecksReadiness(test)) {
    outcome.readiness = CheckPriorAuthReadiness(rules, ReadinessRequestOf(test), *today);
  }
  return JudgeRuleTest(file, index, outcome);
}

}  // namespace estimator
