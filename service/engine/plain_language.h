// Words for people: treatment names, coverage in a sentence, and the short summaries a patient
// (portal) or a front desk reads. Built only from an estimate already computed: no money is
// computed here, only formatted.
#ifndef ESTIMATOR_ENGINE_PLAIN_LANGUAGE_H_
#define ESTIMATOR_ENGINE_PLAIN_LANGUAGE_H_

#include <string>
#include <vector>

#include "estimator/v1/estimator.pb.h"
#include "service/engine/vocabulary.h"

namespace estimator {

// "sessions 37-40", "session 5", "sessions 3, 7-9".
std::string SessionRanges(const std::vector<int>& sorted_numbers);

// What a summary needs to know that the estimate's numbers do not say.
struct SummaryFacts {
  // The plan asks for prior authorization (otherwise its criteria are checked on claims).
  bool prior_auth_required = false;
  // The first later plan year with a covered session (YYYY-MM-DD, "" if none), and what starts
  // over then ("deductible and out-of-pocket maximum", "deductible", ... or "").
  std::string new_plan_year;
  std::string new_plan_year_resets;
  // The first and last sessions' dates (YYYY-MM-DD): the estimate may hold no lines (summary view).
  std::string first_session;
  std::string last_session;
};

// A few sentences a patient can read about one estimate, each true of it.
std::string PatientSummary(const v1::CourseEstimate& estimate, const SummaryFacts& facts);
// " It could be as little as $L (if ...) or as much as $H (if ...)." or "" when low = high.
std::string RangeSentence(const v1::PatientRange& range);
// A few sentences comparing estimates, for the front desk to read out.
std::string ComparisonSummary(const std::vector<const v1::CourseEstimate*>& estimates);

}  // namespace estimator

#endif  // ESTIMATOR_ENGINE_PLAIN_LANGUAGE_H_
