#include "service/engine/session_pricing.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "service/common/dates.h"
#include "service/common/status_macros.h"
#include "service/engine/plain_language.h"
#include "service/engine/vocabulary.h"
#include "service/rules/session_match.h"

namespace estimator {
namespace {

// ---- coverage of one session -------------------------------------------------------------------

struct SessionCoverage {
  bool covered = false;
  v1::NotCoveredReason reason = v1::NOT_COVERED_REASON_UNSPECIFIED;
  absl::string_view explanation;  // into the rule set, or into `words` given to CoverageOf
  const PlanVersion* version = nullptr;
  const v1::TreatmentCovered* terms = nullptr;
};

bool ProtocolCovered(const v1::TreatmentCovered& c, const v1::TreatmentProtocol& protocol) {
  if (c.covered_protocol_ids().empty()) return true;
  return std::find(c.covered_protocol_ids().begin(), c.covered_protocol_ids().end(),
                   protocol.protocol_id()) != c.covered_protocol_ids().end();
}

// The plan version in effect on the session's day (null for self-pay, or when none is).
const PlanVersion* VersionOf(const CourseContext& ctx, const ScheduledSession& s) {
  return ctx.insurance == nullptr ? nullptr : RuleSet::VersionOn(*ctx.versions, s.date);
}

// Everything about a session's coverage except the criteria, the session limits and progress
// conditions, which depend on assumptions and counts. `version` is VersionOf(ctx, s); words made
// for the explanation are kept in `words`.
SessionCoverage CoverageOf(const CourseContext& ctx, const ScheduledSession& s,
                           const PlanVersion* version,
                           std::vector<std::unique_ptr<std::string>>& words) {
  SessionCoverage c;
  auto keep = [&words](std::string text) -> absl::string_view {
    return *words.emplace_back(std::make_unique<std::string>(std::move(text)));
  };
  if (ctx.insurance == nullptr) {
    c.reason = v1::NOT_COVERED_REASON_SELF_PAY;
    c.explanation = "Self-pay.";
    return c;
  }
  c.version = version;
  if (c.version == nullptr) {
    c.reason = v1::NOT_COVERED_REASON_NO_RULES_IN_EFFECT;
    c.explanation = keep(absl::StrCat("No rules for this plan are loaded for ", FormatDate(s.date),
                                      "; priced at the self-pay price until they are."));
    return c;
  }
  const v1::TreatmentPolicy* policy = c.version->Policy(ctx.treatment);
  if (policy->has_excluded()) {
    c.reason = v1::NOT_COVERED_REASON_EXCLUDED_BY_POLICY;
    c.explanation = policy->excluded().explanation();
    return c;
  }
  const v1::TreatmentCovered& covered = policy->covered();
  if (ctx.out_of_network && !c.version->plan.has_out_of_network()) {
    c.reason = v1::NOT_COVERED_REASON_OUT_OF_NETWORK;
    c.explanation = "The plan has no out-of-network benefits.";
    return c;
  }
  if (!ProtocolCovered(covered, *ctx.protocol)) {
    c.reason = v1::NOT_COVERED_REASON_PROTOCOL_NOT_COVERED;
    c.explanation = keep(absl::StrCat("The plan does not cover the schedule '",
                                      ctx.protocol->name(), "'."));
    return c;
  }
  if (s.phase == v1::PHASE_MAINTENANCE && !covered.maintenance_covered()) {
    c.reason = v1::NOT_COVERED_REASON_MAINTENANCE_EXCLUDED;
    c.explanation = covered.maintenance_exclusion();
    return c;
  }
  c.covered = true;
  c.terms = &covered;
  return c;
}

// ---- amounts of one line -----------------------------------------------------------------------

// The session's codes under `benefit`, with their allowed amounts, into `line`.
absl::Status PriceCodes(const CourseContext& ctx, const SessionCoverage& cov,
                        const SessionFacts& facts, v1::Benefit benefit, PricedLine& line,
                        std::vector<PricedCode>& codes) {
  const size_t first = codes.size();
  const bool oon = ctx.out_of_network && benefit == v1::BENEFIT_MEDICAL;
  const v1::NetworkBenefits* network = oon ? &cov.version->plan.out_of_network() : nullptr;
  for (const v1::FeeScheduleEntry& fee : cov.terms->fees()) {
    if (fee.benefit() != benefit || !Matches(fee.applies_to(), facts)) continue;
    const int units = fee.unit_basis() == v1::UNIT_BASIS_PER_MG ? facts.dose_mg : 1;
    Money allowed = Money::Cents(fee.allowed_cents()) * units;
    Money billed = allowed;
    if (oon) {
      allowed = allowed.ShareInBasisPoints(network->allowed_percent_of_in_network_bp());
      auto charge = ctx.clinic->charge_cents.find(fee.code());
      if (charge == ctx.clinic->charge_cents.end()) {
        return absl::FailedPreconditionError(absl::StrCat(
            ctx.clinic->file, ": clinic '", ctx.clinic->clinic.clinic_id(),
            "' has no charge for code ", fee.code(), ", needed for an out-of-network quote"));
      }
      billed = Money::Cents(charge->second) * units;
      if (network->has_charge_limit_percent_of_allowed_bp()) {
        billed = Min(billed, allowed.ShareInBasisPoints(
                                 network->charge_limit_percent_of_allowed_bp()));
      }
      allowed = Min(allowed, billed);  // a plan never allows more than was billed
    }
    codes.push_back(PricedCode{fee.code(), &fee.description(), units, allowed});
    line.allowed += allowed;
    line.billed += billed;
  }
  if (codes.size() == first) {
    return absl::FailedPreconditionError(absl::StrCat(
        cov.version->file, ": no ", BenefitName(benefit), " fee matches session on ",
        "this course (protocol '", ctx.protocol->protocol_id(), "')"));
  }
  return absl::OkStatus();
}

// The clinic's self-pay price of the session, into `line`.
absl::Status SelfPayPrice(const CourseContext& ctx, const SessionFacts& facts, PricedLine& line,
                          std::vector<PricedCode>& codes) {
  const size_t first = codes.size();
  SessionFacts clinic_facts = facts;
  clinic_facts.drug_benefit = v1::BENEFIT_UNSPECIFIED;  // the clinic buys and bills the drug
  for (const v1::SelfPayPrice& p : ctx.clinic->clinic.self_pay_prices()) {
    if (p.treatment() != ctx.treatment || !Matches(p.applies_to(), clinic_facts)) continue;
    line.billed += Money::Cents(p.price_cents());
    codes.push_back(PricedCode{"", &p.description(), 1, Money::Zero()});
  }
  if (codes.size() == first) {
    return absl::FailedPreconditionError(absl::StrCat(
        ctx.clinic->file, ": no self-pay price matches a ", TreatmentName(ctx.treatment),
        " session of protocol '", ctx.protocol->protocol_id(), "'"));
  }
  return absl::OkStatus();
}

// The request's verified benefits describe the requested network in the plan year that contains
// the course start, and later plan years only when the request says they still hold.
bool VerifiedApplies(const CourseContext& ctx, AccumulatorSet set, absl::CivilDay plan_year,
                     absl::CivilDay start_plan_year) {
  const AccumulatorSet requested =
      ctx.out_of_network ? AccumulatorSet::kOutOfNetwork : AccumulatorSet::kInNetwork;
  return set == requested && (plan_year == start_plan_year ||
                              ctx.insurance->verified_benefits_for_later_plan_years());
}

LineTerms TermsFor(const CourseContext& ctx, const SessionCoverage& cov, v1::Benefit benefit,
                   bool verified) {
  LineTerms terms;
  if (benefit == v1::BENEFIT_PHARMACY) {
    const v1::PharmacyBenefit& p = cov.version->plan.pharmacy();
    terms.copay = Money::Cents(p.copay_cents());
    terms.deductible_applies = p.deductible_applies();
    terms.coinsurance_bp = p.coinsurance_bp();
    return terms;
  }
  const v1::VerifiedBenefits& v = ctx.insurance->verified_benefits();
  const v1::NetworkBenefits& n = TierOf(ctx, *cov.version);
  terms.copay = Money::Cents(verified && v.has_copay_cents() ? v.copay_cents()
                                                             : cov.terms->copay_cents());
  terms.deductible_applies = !cov.terms->deductible_waived();
  terms.coinsurance_bp =
      verified && v.has_coinsurance_bp() ? v.coinsurance_bp() : n.coinsurance_bp();
  return terms;
}

// Which accumulators a covered line under `benefit` counts toward.
AccumulatorSet AccumulatorsOf(const CourseContext& ctx, v1::Benefit benefit,
                              const PlanVersion& version) {
  if (benefit == v1::BENEFIT_PHARMACY) {
    return version.plan.pharmacy().accumulators() == v1::PHARMACY_ACCUMULATORS_SEPARATE
               ? AccumulatorSet::kPharmacySeparate
               : AccumulatorSet::kInNetwork;
  }
  return ctx.out_of_network ? AccumulatorSet::kOutOfNetwork : AccumulatorSet::kInNetwork;
}

// The limits of one set of accumulators, after any verified overrides.
PlanYearLimits LimitsFor(const CourseContext& ctx, const PlanVersion& version, AccumulatorSet set,
                         bool verified) {
  PlanYearLimits limits;
  if (set == AccumulatorSet::kPharmacySeparate) {
    const v1::PharmacyBenefit& ph = version.plan.pharmacy();
    limits.deductible = Money::Cents(ph.separate_deductible_cents());
    if (ph.has_separate_out_of_pocket_max_cents()) {
      limits.out_of_pocket_max = Money::Cents(ph.separate_out_of_pocket_max_cents());
    }
    return limits;
  }
  const v1::NetworkBenefits& n = set == AccumulatorSet::kOutOfNetwork
                                     ? version.plan.out_of_network()
                                     : version.plan.in_network();
  const v1::VerifiedBenefits& v = ctx.insurance->verified_benefits();
  limits.deductible = Money::Cents(verified && v.has_deductible_cents() ? v.deductible_cents()
                                                                       : n.deductible_cents());
  if (verified && v.has_out_of_pocket_max_cents()) {
    limits.out_of_pocket_max = Money::Cents(v.out_of_pocket_max_cents());
  } else if (n.has_out_of_pocket_max_cents()) {
    limits.out_of_pocket_max = Money::Cents(n.out_of_pocket_max_cents());
  }
  if (ctx.family_tier) {
    if (n.has_family_deductible_cents()) {
      limits.family_deductible = Money::Cents(n.family_deductible_cents());
      limits.family_kind = n.family_deductible_kind();
    }
    if (n.has_family_out_of_pocket_max_cents()) {
      limits.family_out_of_pocket_max = Money::Cents(n.family_out_of_pocket_max_cents());
    }
  }
  return limits;
}

}  // namespace

const PricedLine* FirstCoveredLine(const PricedCourse& priced) {
  for (const PricedLine& line : priced.lines) {
    if (line.covered) return &line;
  }
  return nullptr;
}

std::vector<absl::CivilDay> LaterCoveredPlanYears(const PricedCourse& priced) {
  std::vector<absl::CivilDay> out;
  for (const PricedLine& line : priced.lines) {
    if (!line.covered || line.plan_year == priced.lines.front().plan_year) continue;
    if (out.empty() || out.back() != line.plan_year) out.push_back(line.plan_year);
  }
  return out;
}

absl::CivilDay PlanYearOf(absl::CivilDay day, const CoverageAssumptions& coverage) {
  return PlanYearStartFor(day, coverage.plan_year_month, coverage.plan_year_day);
}

namespace {

// The plan year of each of a run of dates in ascending order (a course's sessions), worked out
// again only past the current plan year's end.
class PlanYears {
 public:
  explicit PlanYears(const CoverageAssumptions& coverage) : coverage_(coverage) {}
  absl::CivilDay Of(absl::CivilDay date) {
    if (!started_ || date >= next_) {
      started_ = true;
      year_ = PlanYearOf(date, coverage_);
      next_ = PlanYearOf(year_ + 366, coverage_);  // a plan year lasts 365 or 366 days
    }
    return year_;
  }

 private:
  const CoverageAssumptions& coverage_;
  bool started_ = false;
  absl::CivilDay year_, next_;
};

}  // namespace

const SessionPrices::LimitWords* SessionPrices::LimitWordsOf(const v1::TreatmentCovered& c) {
  for (const auto& [terms, words] : limit_words_) {
    if (terms == &c) return words.get();
  }
  auto words = std::make_unique<LimitWords>();
  if (c.has_max_sessions_per_course()) {
    words->over_course_limit = absl::StrCat("Over the plan's limit of ",
                                            c.max_sessions_per_course(), " sessions per course.");
  }
  if (c.has_max_sessions_per_plan_year()) {
    words->over_year_limit = absl::StrCat("Over the plan's limit of ",
                                          c.max_sessions_per_plan_year(), " sessions per plan year.");
  }
  if (c.has_conditional_sessions()) {
    words->without_condition = absl::StrCat(
        "Covered only with ", c.conditional_sessions().condition(), "; priced without it.");
  }
  return limit_words_.emplace_back(&c, std::move(words)).second.get();
}

SessionPrices SessionPrices::Build(const CourseContext& ctx,
                                   absl::Span<const ScheduledSession> sessions) {
  SessionPrices out;
  out.ctx_ = &ctx;
  out.schedule_ = sessions;
  out.kind_of_.reserve(sessions.size());
  // A session is priced from its plan version and its facts alone (never its date otherwise), so
  // it is priced once per kind: a course has a handful (the first, each phase, each version), not
  // one per session.
  struct Key {
    const PlanVersion* version;
    SessionFacts facts;
    uint32_t kind;  // into kinds_
  };
  absl::InlinedVector<Key, 8> keys;
  for (const ScheduledSession& s : sessions) {
    const SessionFacts facts{s.first, s.phase, s.dose_mg, ctx.drug_benefit};
    const PlanVersion* version = VersionOf(ctx, s);
    // Without a version in effect the words name the date: a kind of its own.
    const bool same_words = ctx.insurance == nullptr || version != nullptr;
    auto same_kind = [&](const Key& k) {
      return k.version == version && k.facts.first == facts.first &&
             k.facts.phase == facts.phase && k.facts.dose_mg == facts.dose_mg;
    };
    auto key = same_words ? std::find_if(keys.begin(), keys.end(), same_kind) : keys.end();
    if (key != keys.end()) {
      out.kind_of_.push_back(key->kind);
      continue;
    }
    const auto kind = static_cast<uint32_t>(out.kinds_.size());
    if (same_words) keys.push_back(Key{version, facts, kind});
    out.kind_of_.push_back(kind);
    Session& priced = out.kinds_.emplace_back();
    priced.self_pay.session = &s;
    const size_t self_pay_codes = out.codes_.size();
    priced.self_pay_status = SelfPayPrice(ctx, facts, priced.self_pay, out.codes_);
    priced.code_ranges.emplace_back(self_pay_codes, out.codes_.size() - self_pay_codes);
    const SessionCoverage cov = CoverageOf(ctx, s, version, out.words_);
    if (!cov.covered) {
      priced.reason = cov.reason;
      priced.explanation = cov.explanation;
      continue;
    }
    priced.covered = true;
    priced.terms = cov.terms;
    priced.version = cov.version;
    priced.limit_words = out.LimitWordsOf(*cov.terms);
    // Under the pharmacy benefit a session has a second line: the drug.
    static constexpr v1::Benefit kBenefits[] = {v1::BENEFIT_MEDICAL, v1::BENEFIT_PHARMACY};
    const size_t benefit_lines = ctx.drug_benefit == v1::BENEFIT_PHARMACY ? 2 : 1;
    for (v1::Benefit benefit : absl::MakeConstSpan(kBenefits, benefit_lines)) {
      PricedLine& line = priced.lines.emplace_back();
      line.session = &s;
      line.covered = true;
      line.benefit = benefit;
      line.version = cov.version;
      line.accumulators = AccumulatorsOf(ctx, benefit, *cov.version);
      line.terms = TermsFor(ctx, cov, benefit, /*verified=*/false);
      priced.verified_terms.push_back(TermsFor(ctx, cov, benefit, /*verified=*/true));
      const size_t first = out.codes_.size();
      if (priced.lines_status.ok()) {
        priced.lines_status = PriceCodes(ctx, cov, facts, benefit, line, out.codes_);
      }
      priced.code_ranges.emplace_back(first, out.codes_.size() - first);
    }
  }
  // Every line's codes are in place: point the lines at them.
  for (Session& priced : out.kinds_) {
    auto span = [&out](std::pair<size_t, size_t> range) {
      return absl::MakeConstSpan(out.codes_.data() + range.first, range.second);
    };
    priced.self_pay.codes = span(priced.code_ranges[0]);
    for (size_t i = 0; i < priced.lines.size(); ++i) {
      priced.lines[i].codes = span(priced.code_ranges[i + 1]);
    }
  }
  return out;
}

absl::StatusOr<PricedCourse> SessionPrices::Cover(const CoverageAssumptions& coverage) const {
  static constexpr absl::string_view kCriteriaNotMet =
      "The documentation does not yet show the plan's criteria are met; priced at the self-pay "
      "price.";
  const CourseContext& ctx = *ctx_;
  PricedCourse out;
  out.lines.reserve(schedule_.size() * (ctx.drug_benefit == v1::BENEFIT_PHARMACY ? 2 : 1));
  const absl::CivilDay start_year = PlanYearOf(ctx.start, coverage);
  // Covered sessions counted per plan year (a course touches a few) and in the course.
  absl::InlinedVector<std::pair<absl::CivilDay, int>, 4> covered_in_year;
  auto year_count = [&covered_in_year](absl::CivilDay year) -> int& {
    for (auto& [y, n] : covered_in_year) {
      if (y == year) return n;
    }
    return covered_in_year.emplace_back(year, 0).second;
  };
  int covered_in_course = 0;
  if (ctx.sessions_used != nullptr) {
    year_count(start_year) = ctx.sessions_used->this_plan_year();
    covered_in_course = ctx.sessions_used->this_course();
  }
  PlanYears plan_years(coverage);
  for (size_t k = 0; k < schedule_.size(); ++k) {
    const ScheduledSession& s = schedule_[k];
    const Session& priced = kinds_[kind_of_[k]];
    const absl::CivilDay year = plan_years.Of(s.date);
    v1::NotCoveredReason reason = priced.reason;
    absl::string_view explanation = priced.explanation;
    if (priced.covered) {
      const v1::TreatmentCovered& c = *priced.terms;
      out.session_limits = out.session_limits || c.has_max_sessions_per_course() ||
                           c.has_max_sessions_per_plan_year();
      out.plan_year_limits = out.plan_year_limits || c.has_max_sessions_per_plan_year();
      int& in_year = year_count(year);
      const bool conditional =
          c.has_conditional_sessions() &&
          covered_in_course >= c.conditional_sessions().after_covered_sessions();
      if (coverage.criteria_not_met) {
        reason = v1::NOT_COVERED_REASON_CRITERIA_NOT_MET;
        explanation = kCriteriaNotMet;
      } else if (c.has_max_sessions_per_course() &&
                 covered_in_course >= c.max_sessions_per_course()) {
        reason = v1::NOT_COVERED_REASON_OVER_SESSION_LIMIT;
        explanation = priced.limit_words->over_course_limit;
      } else if (c.has_max_sessions_per_plan_year() && in_year >= c.max_sessions_per_plan_year()) {
        reason = v1::NOT_COVERED_REASON_OVER_SESSION_LIMIT;
        explanation = priced.limit_words->over_year_limit;
      } else if (conditional && !coverage.conditional_sessions_met) {
        reason = v1::NOT_COVERED_REASON_OVER_SESSION_LIMIT;
        explanation = priced.limit_words->without_condition;
      } else {
        RETURN_IF_ERROR(priced.lines_status);
        if (conditional) {
          out.conditional.push_back(s.number);
          out.condition = &c.conditional_sessions();
        }
        ++covered_in_course;
        ++in_year;
        AddCoveredLines(priced, s, year, start_year, out);
        continue;
      }
    }
    RETURN_IF_ERROR(AddUncoveredLine(priced, s, year, reason, explanation, out));
  }
  return out;
}

absl::StatusOr<PricedCourse> SessionPrices::WithPlanYear(
    const PricedCourse& base, const CoverageAssumptions& coverage) const {
  // A per-plan-year limit counts sessions per plan year: which are covered can change.
  if (base.plan_year_limits) return Cover(coverage);
  const CourseContext& ctx = *ctx_;
  PricedCourse out = base;
  const absl::CivilDay start_year = PlanYearOf(ctx.start, coverage);
  PlanYears plan_years(coverage);
  for (PricedLine& line : out.lines) {
    line.plan_year = plan_years.Of(line.session->date);
    if (!line.covered) continue;
    // This line's session's kind (lines point into schedule_), and its benefit's place among the
    // kind's lines (as Build made them).
    const Session& priced = kinds_[kind_of_[line.session - schedule_.data()]];
    SetTerms(priced, line.benefit == v1::BENEFIT_PHARMACY ? 1 : 0, start_year, line);
  }
  return out;
}

absl::StatusOr<Money> SessionPrices::SelfPayTotal() const {
  Money total;
  for (uint32_t kind : kind_of_) {
    RETURN_IF_ERROR(kinds_[kind].self_pay_status);
    total += kinds_[kind].self_pay.billed;
  }
  return total;
}

void SessionPrices::AddCoveredLines(const Session& priced, const ScheduledSession& s,
                                    absl::CivilDay year, absl::CivilDay start_year,
                                    PricedCourse& out) const {
  if (priced.version->amounts_published_through &&
      s.date > *priced.version->amounts_published_through && out.unpublished_from == nullptr) {
    out.unpublished_from = &s;
    out.unpublished_version = priced.version;
  }
  for (size_t i = 0; i < priced.lines.size(); ++i) {
    PricedLine& line = out.lines.emplace_back(priced.lines[i]);
    line.session = &s;
    line.plan_year = year;
    SetTerms(priced, i, start_year, line);
  }
}

void SessionPrices::SetTerms(const Session& priced, size_t i, absl::CivilDay start_year,
                             PricedLine& line) const {
  line.verified = VerifiedApplies(*ctx_, line.accumulators, line.plan_year, start_year);
  line.terms = line.verified ? priced.verified_terms[i] : priced.lines[i].terms;
}

absl::Status SessionPrices::AddUncoveredLine(const Session& priced, const ScheduledSession& s,
                                             absl::CivilDay year, v1::NotCoveredReason reason,
                                             absl::string_view explanation, PricedCourse& out) {
  const int number = s.number;
  // Room for a course's worth at the first, instead of growing one session at a time.
  auto add = [&out, number](std::vector<int>& numbers) {
    if (numbers.empty()) numbers.reserve(out.lines.capacity());
    numbers.push_back(number);
  };
  switch (reason) {
    case v1::NOT_COVERED_REASON_OVER_SESSION_LIMIT: add(out.over_limit); break;
    case v1::NOT_COVERED_REASON_MAINTENANCE_EXCLUDED: add(out.maintenance_excluded); break;
    case v1::NOT_COVERED_REASON_NO_RULES_IN_EFFECT: out.no_rules.push_back(number); break;
    default: break;
  }
  RETURN_IF_ERROR(priced.self_pay_status);
  PricedLine& line = out.lines.emplace_back(priced.self_pay);
  line.session = &s;
  line.plan_year = year;
  line.reason = reason;
  line.explanation = explanation;
  return absl::OkStatus();
}

PlanYearLimits LimitsOf(const CourseContext& ctx, const PricedLine& line) {
  return LimitsFor(ctx, *line.version, line.accumulators, line.verified);
}

namespace {

// Calls `f(index, share)` for every covered line of `priced`, in order, with its share of the
// accumulators of its plan year and set.
template <typename F>
void ForEachShare(const CourseContext& ctx, const PricedCourse& priced, const MetBefore& before,
                  F f) {
  // A course touches a few plan years and sets: a short list beats a map.
  absl::InlinedVector<std::tuple<absl::CivilDay, AccumulatorSet, PlanYearAccumulator>, 4> years;
  for (size_t i = 0; i < priced.lines.size(); ++i) {
    const PricedLine& line = priced.lines[i];
    if (!line.covered) continue;
    PlanYearAccumulator* acc = nullptr;
    for (auto& [year, set, accumulator] : years) {
      if (year == line.plan_year && set == line.accumulators) acc = &accumulator;
    }
    if (acc == nullptr) {
      const MetSoFar met = line.plan_year == before.plan_year
                               ? before.met[static_cast<int>(line.accumulators)]
                               : MetSoFar{};
      acc = &std::get<2>(years.emplace_back(line.plan_year, line.accumulators,
                                            PlanYearAccumulator(LimitsOf(ctx, line), met)));
    }
    f(i, acc->Apply(line.allowed, line.terms));
  }
}

}  // namespace

std::vector<LineShare> ShareCosts(const CourseContext& ctx, const PricedCourse& priced,
                                  const MetBefore& before) {
  std::vector<LineShare> shares(priced.lines.size());
  ForEachShare(ctx, priced, before,
               [&shares](size_t i, const LineShare& share) { shares[i] = share; });
  return shares;
}

Money PatientTotal(const CourseContext& ctx, const PricedCourse& priced, const MetBefore& before) {
  Money total;
  for (const PricedLine& line : priced.lines) total += line.billed - line.allowed;
  ForEachShare(ctx, priced, before,
               [&total](size_t, const LineShare& share) { total += share.patient(); });
  return total;
}

}  // namespace estimator
