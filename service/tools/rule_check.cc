#include "service/tools/rule_check.h"

#include <map>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace estimator {
namespace {

std::vector<std::string> Lines(const absl::Status& status) {
  return absl::StrSplit(status.message(), '\n', absl::SkipEmpty());
}

std::string Count(size_t n, absl::string_view one, absl::string_view many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

std::string Loaded(const RuleFiles& files) {
  std::set<std::string> plans;
  for (const auto& f : files.plans) {
    plans.insert(absl::StrCat(f.message.payer_id(), "/", f.message.plan_id()));
  }
  size_t drugs = 0, codes = 0;
  for (const auto& f : files.catalogs) drugs += f.message.drugs_size();
  for (const auto& f : files.code_catalogs) codes += f.message.codes_size();
  return absl::StrCat(Count(files.plans.size(), "plan version", "plan versions"), " of ",
                      Count(plans.size(), "plan", "plans"), ", ",
                      Count(files.clinics.size(), "clinic", "clinics"), ", ",
                      Count(files.protocols.size(), "protocol", "protocols"), ", ",
                      Count(drugs, "drug", "drugs"), ", ", Count(codes, "billing code", "billing codes"));
}

// Every file's unverified_facts, by path.
std::map<std::string, std::vector<std::string>> UnverifiedFacts(const RuleFiles& files) {
  std::map<std::string, std::vector<std::string>> out;
  auto add = [&out](const auto& list) {
    for (const auto& f : list) {
      if (f.message.unverified_facts().empty()) continue;
      out[f.path].assign(f.message.unverified_facts().begin(), f.message.unverified_facts().end());
    }
  };
  add(files.plans);
  add(files.clinics);
  add(files.protocols);
  add(files.catalogs);
  add(files.code_catalogs);
  return out;
}

}  // namespace

int RuleCheckReport::unverified_count() const {
  int n = 0;
  for (const auto& [path, facts] : unverified_facts) n += static_cast<int>(facts.size());
  return n;
}

int RuleCheckReport::failed() const {
  int n = 0;
  for (const auto& r : results) n += r.failures.empty() ? 0 : 1;
  return n;
}

RuleCheckReport CheckRules(const std::string& rules_dir, absl::Time now) {
  RuleCheckReport report;
  report.rules_dir = rules_dir;
  absl::StatusOr<RuleFiles> files = ReadRuleDirectory(rules_dir);
  if (!files.ok()) {
    report.rule_problems = Lines(files.status());
  } else {
    report.loaded = Loaded(*files);
    report.unverified_facts = UnverifiedFacts(*files);
    for (const auto& f : files->clinics) {
      report.good_faith_estimates.push_back(
          f.message.has_provider_identity()
              ? absl::StrCat(f.message.clinic_id(), ": can issue Good Faith Estimates (",
                             f.message.provider_identity().legal_name(), ", NPI ",
                             f.message.provider_identity().npi(), ")")
              : absl::StrCat(f.message.clinic_id(), " (", f.path,
                             "): cannot issue Good Faith Estimates: it has no provider_identity "
                             "(legal name, NPI, TIN, address, phone)"));
    }
    absl::StatusOr<std::shared_ptr<const RuleSet>> rules = RuleSet::Create(*std::move(files), now);
    if (rules.ok()) {
      report.rules = *std::move(rules);
    } else {
      report.rule_problems = Lines(rules.status());
    }
  }

  absl::StatusOr<std::vector<RuleFile<v1::RuleTestFile>>> tests = ReadRuleTests(rules_dir);
  if (!tests.ok()) {
    report.test_file_problems = Lines(tests.status());
    return report;
  }
  report.test_files = static_cast<int>(tests->size());
  if (report.rules == nullptr) return report;  // nothing to run them against
  for (const PlanVersion* v : report.rules->AllPlanVersions()) {
    report.tests_per_plan[absl::StrCat(v->plan.payer_id(), "/", v->plan.plan_id())] = 0;
  }
  for (const auto& file : *tests) {
    for (int i = 0; i < file.message.tests_size(); ++i) {
      report.results.push_back(RunRuleTest(*report.rules, file, i));
      const v1::Coverage& coverage = file.message.tests(i).request().coverage();
      if (coverage.has_insurance()) {
        auto it = report.tests_per_plan.find(
            absl::StrCat(coverage.insurance().payer_id(), "/", coverage.insurance().plan_id()));
        if (it != report.tests_per_plan.end()) ++it->second;
      }
    }
  }
  return report;
}

void PrintRuleCheck(const RuleCheckReport& r, std::ostream& out) {
  out << "Rules in " << r.rules_dir << ": ";
  if (r.rule_problems.empty()) {
    out << "valid (" << r.loaded << "); rule set version " << r.rules->version() << "\n";
  } else {
    out << Count(r.rule_problems.size(), "problem", "problems") << "\n";
    for (const auto& line : r.rule_problems) out << "  " << line << "\n";
  }
  if (!r.test_file_problems.empty()) {
    out << "Rule test files: "
        << Count(r.test_file_problems.size(), "problem", "problems") << "\n";
    for (const auto& line : r.test_file_problems) out << "  " << line << "\n";
  }
  if (!r.results.empty()) {
    out << "Rule tests (" << r.rules_dir << "/tests):\n";
    std::string file;
    for (const auto& t : r.results) {
      if (t.file != file) {
        file = t.file;
        out << "  " << file << "\n";
      }
      out << "    " << (t.failures.empty() ? "PASS " : "FAIL ") << t.name << "\n";
      for (const auto& f : t.failures) out << "         " << f << "\n";
    }
  }
  if (!r.tests_per_plan.empty()) {
    std::vector<std::string> counts;
    for (const auto& [plan, n] : r.tests_per_plan) counts.push_back(absl::StrCat(plan, " ", n));
    out << "Tests per plan: " << absl::StrJoin(counts, ", ") << "\n";
    for (const auto& [plan, n] : r.tests_per_plan) {
      if (n == 0) out << "  warning: no rule test quotes " << plan << "; add some to tests/\n";
    }
  }
  if (!r.good_faith_estimates.empty()) {
    out << "Good Faith Estimates:\n";
    for (const auto& line : r.good_faith_estimates) out << "  " << line << "\n";
  }
  if (!r.unverified_facts.empty()) {
    out << "Unverified facts (for maintainers; never shown in answers): "
        << Count(r.unverified_count(), "fact", "facts") << " in "
        << Count(r.unverified_facts.size(), "file", "files") << "\n";
    for (const auto& [path, facts] : r.unverified_facts) {
      out << "  " << path << " (" << facts.size() << ")\n";
      for (const auto& fact : facts) out << "    - " << fact << "\n";
    }
  }
  // The closing line says everything a CI log reader needs.
  out << "\n";
  if (!r.rule_problems.empty()) {
    out << "FAILED: the rules do not validate ("
        << Count(r.rule_problems.size(), "problem", "problems")
        << "); rule tests were not run\n";
  } else if (!r.test_file_problems.empty()) {
    out << "FAILED: the rule test files have "
        << Count(r.test_file_problems.size(), "problem", "problems") << "\n";
  } else if (r.results.empty()) {
    out << "FAILED: no rule tests found in " << r.rules_dir << "/tests\n";
  } else {
    const int failed = r.failed();
    out << (failed == 0 ? "OK: " : "FAILED: ") << r.results.size() - failed << " of "
        << Count(r.results.size(), "rule test", "rule tests") << " passed in "
        << Count(r.test_files, "file", "files");
    if (failed > 0) out << "; " << failed << " failed";
    out << "\n";
  }
}

}  // namespace estimator
