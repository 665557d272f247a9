// The invariants of Da Vinci CRD's coverage-information extension (STU 2.2, 2.2.1:
// input/fsh/extensions/CoverageInformation.fsh, crd-ci-q2/q3/q4/q6/q8) and its value sets, checked
// on a readiness answer's `crd`, together with what readiness.proto promises about the deprecated
// single codes and the agreement with the answer's own enums. Returns the violations, empty when
// none. Shared by the property test (readiness_test.cc) and the fuzz targets' answer checks.
#ifndef ESTIMATOR_TESTS_UNIT_ENGINE_CRD_INVARIANTS_H_
#define ESTIMATOR_TESTS_UNIT_ENGINE_CRD_INVARIANTS_H_

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "estimator/v1/readiness.pb.h"

namespace estimator {

inline std::vector<std::string> CrdInvariantViolations(const v1::ReadinessAssessment& a) {
  std::vector<std::string> v;
  const v1::CrdCoverageInformation& c = a.crd();
  auto in = [](const std::string& code, std::initializer_list<const char*> set) {
    return std::any_of(set.begin(), set.end(), [&](const char* s) { return code == s; });
  };
  auto has = [](const auto& list, const char* code) {
    return std::find(list.begin(), list.end(), code) != list.end();
  };
  // Value sets (STU 2.2.1): covered, pa-needed, doc-needed ("both" is gone), doc-purpose, info-needed.
  if (!in(c.covered(), {"covered", "not-covered", "conditional"})) v.push_back("covered: " + c.covered());
  if (!in(c.pa_needed(), {"", "no-auth", "auth-needed"})) v.push_back("pa-needed: " + c.pa_needed());
  for (const auto& d : c.doc_needed()) {
    if (!in(d, {"clinical", "admin"})) v.push_back("doc-needed: " + d);
  }
  for (const auto& d : c.doc_purpose()) {
    if (!in(d, {"withpa", "retain-doc"})) v.push_back("doc-purpose: " + d);
  }
  for (const auto& d : c.info_needed()) {
    if (d != "OTH") v.push_back("info-needed: " + d);
  }
  // crd-ci-q2: not-covered, no pa-needed. And a covered (or conditional) answer says pa-needed.
  if (c.covered() == "not-covered" && !c.pa_needed().empty()) v.push_back("q2: not-covered with pa-needed");
  if (c.covered() != "not-covered" && c.pa_needed().empty()) v.push_back("covered without pa-needed");
  // crd-ci-q3: info-needed exactly when something is conditional.
  if ((c.covered() == "conditional") != !c.info_needed().empty()) v.push_back("q3: conditional <=> info-needed");
  // crd-ci-q4: withpa only with auth-needed.
  if (has(c.doc_purpose(), "withpa") && c.pa_needed() != "auth-needed") v.push_back("q4: withpa without auth-needed");
  // crd-ci-q6 and q8: OTH and doc-purpose carry a reason.
  if ((!c.info_needed().empty() || !c.doc_purpose().empty()) && c.reason().empty()) v.push_back("q6/q8: no reason");
  // Documentation needed has a purpose, and only then.
  if (c.doc_needed().empty() != c.doc_purpose().empty()) v.push_back("doc-needed <=> doc-purpose");
  // Agreement with the answer's own enums.
  if ((a.coverage() == v1::COVERAGE_REQUIREMENT_NOT_COVERED) != (c.covered() == "not-covered")) {
    v.push_back("coverage NOT_COVERED <=> not-covered");
  }
  if ((a.coverage() == v1::COVERAGE_REQUIREMENT_CONDITIONAL) != (c.covered() == "conditional")) {
    v.push_back("coverage CONDITIONAL <=> conditional");
  }
  if (c.covered() != "not-covered" &&
      (a.prior_auth() == v1::PRIOR_AUTH_READINESS_NOT_NEEDED) != (c.pa_needed() == "no-auth")) {
    v.push_back("prior_auth NOT_NEEDED <=> no-auth");
  }
  const bool clinical = has(c.doc_needed(), "clinical"), admin = has(c.doc_needed(), "admin");
  const v1::DocumentationNeeded doc = clinical && admin ? v1::DOCUMENTATION_NEEDED_BOTH
                                      : clinical        ? v1::DOCUMENTATION_NEEDED_CLINICAL
                                      : admin           ? v1::DOCUMENTATION_NEEDED_ADMIN
                                                        : v1::DOCUMENTATION_NEEDED_NONE;
  if (doc != a.documentation_needed()) v.push_back("documentation_needed disagrees with doc-needed");
  // A patient whose criteria can still be met is never "not covered" (only an exclusion is).
  if (c.covered() == "not-covered" && !a.criteria().empty()) v.push_back("not-covered with criteria judged");
  // The deprecated single codes, as readiness.proto says.
  if (a.crd_covered() != c.covered() || a.crd_pa_needed() != c.pa_needed() ||
      a.crd_doc_needed() != (c.doc_needed().empty() ? "" : c.doc_needed(0))) {
    v.push_back("deprecated crd_* codes disagree with crd");
  }
  if (c.reason() != a.summary()) v.push_back("reason is not the summary");
  return v;
}

}  // namespace estimator

#endif  // ESTIMATOR_TESTS_UNIT_ENGINE_CRD_INVARIANTS_H_
