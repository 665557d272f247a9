#include "service/engine/session_pricing.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "service/common/dates.h"
#include "service/common/status_macros.h"
#include "service/engine/plain_language.h"
#include "service/rules/session_match.h"

namespace estimator {
namespace {

// ---- coverage of one session -------------------------------------------------------------------

struct SessionCoverage {
  bool covered = false;
  v1::NotCoveredReason reason = v1::NOT_COVERED_REASON_UNSPECIFIED;
  std::string explanation;
  const PlanVersion* version = nullptr;
  const v1::TreatmentCovered* terms = nullptr;
};

bool ProtocolCovered(const v1::TreatmentCovered& c, const v1::TreatmentProtocol& protocol) {
  if (c.covered_protocol_ids().empty()) return true;
  return std::find(c.covered_protocol_ids().begin(), c.covered_protocol_ids().end(),
                   protocol.protocol_id()) != c.covered_protocol_ids().end();
}

// Everything about a session's coverage except the session limits, which depend on the count.
SessionCoverage CoverageOf(const CourseContext& ctx, const CoverageAssumptions& assume,
                           const ScheduledSession& s) {
  SessionCoverage c;
  if (ctx.insurance == nullptr) {
    c.reason = v1::NOT_COVERED_REASON_SELF_PAY;
    c.explanation = "Self-pay.";
    return c;
  }
  c.version = RuleSet::VersionOn(*ctx.versions, s.date);
  if (c.version == nullptr) {
    c.reason = v1::NOT_COVERED_REASON_NO_RULES_IN_EFFECT;
    c.explanation = absl::StrCat("No rules for this plan are loaded for ", FormatDate(s.date),
                                 "; priced at the self-pay price until they are.");
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
    c.explanation = absl::StrCat("The plan does not cover the schedule '", ctx.protocol->name(),
                                 "'.");
    return c;
  }
  if (s.phase == v1::PHASE_MAINTENANCE && !covered.maintenance_covered()) {
    c.reason = v1::NOT_COVERED_REASON_MAINTENANCE_EXCLUDED;
    c.explanation = covered.maintenance_exclusion();
    return c;
  }
  if (assume.criteria_not_met) {
    c.reason = v1::NOT_COVERED_REASON_CRITERIA_NOT_MET;
    c.explanation = "The documentation does not yet show the plan's criteria are met; priced at "
                    "the self-pay price.";
    return c;
  }
  c.covered = true;
  c.terms = &covered;
  return c;
}

// ---- amounts of one line -----------------------------------------------------------------------

// The session's codes under `benefit`, with their allowed amounts, into `line`.
absl::Status PriceCodes(const CourseContext& ctx, const SessionCoverage& cov,
                        const SessionFacts& facts, v1::Benefit benefit, PricedLine& line) {
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
    line.codes.push_back(PricedCode{fee.code(), &fee.description(), units, allowed});
    line.allowed += allowed;
    line.billed += billed;
  }
  if (line.codes.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        cov.version->file, ": no ", Lower(v1::Benefit_Name(benefit), 8), " fee matches session on ",
        "this course (protocol '", ctx.protocol->protocol_id(), "')"));
  }
  return absl::OkStatus();
}

// The clinic's self-pay price of the session, into `line`.
absl::Status SelfPayPrice(const CourseContext& ctx, const SessionFacts& facts, PricedLine& line) {
  SessionFacts clinic_facts = facts;
  clinic_facts.drug_benefit = v1::BENEFIT_UNSPECIFIED;  // the clinic buys and bills the drug
  for (const v1::SelfPayPrice& p : ctx.clinic->clinic.self_pay_prices()) {
    if (p.treatment() != ctx.treatment || !Matches(p.applies_to(), clinic_facts)) continue;
    line.billed += Money::Cents(p.price_cents());
    line.codes.push_back(PricedCode{"", &p.description(), 1, Money::Zero()});
  }
  if (line.codes.empty()) {
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

// Applies the plan's session limits and its progress condition to a covered session; returns
// false (and says why) when the session is not covered by them.
bool WithinSessionLimits(const v1::TreatmentCovered& c, int covered_in_course,
                         int covered_in_year, const CoverageAssumptions& assume,
                         SessionCoverage& cov) {
  if (c.has_max_sessions_per_course() && covered_in_course >= c.max_sessions_per_course()) {
    cov.explanation = absl::StrCat("Over the plan's limit of ", c.max_sessions_per_course(),
                                   " sessions per course.");
  } else if (c.has_max_sessions_per_plan_year() &&
             covered_in_year >= c.max_sessions_per_plan_year()) {
    cov.explanation = absl::StrCat("Over the plan's limit of ", c.max_sessions_per_plan_year(),
                                   " sessions per plan year.");
  } else if (c.has_conditional_sessions() && !assume.conditional_sessions_met &&
             covered_in_course >= c.conditional_sessions().after_covered_sessions()) {
    cov.explanation = absl::StrCat("Covered only with ", c.conditional_sessions().condition(),
                                   "; priced without it.");
  } else {
    return true;
  }
  cov.covered = false;
  cov.reason = v1::NOT_COVERED_REASON_OVER_SESSION_LIMIT;
  return false;
}

}  // namespace

absl::CivilDay PlanYearOf(absl::CivilDay day, const CoverageAssumptions& coverage) {
  return PlanYearStartFor(day, coverage.plan_year_month, coverage.plan_year_day);
}

absl::StatusOr<PricedCourse> PriceSessions(const CourseContext& ctx,
                                           absl::Span<const ScheduledSession> sessions,
                                           const CoverageAssumptions& coverage) {
  PricedCourse out;
  out.lines.reserve(sessions.size() * (ctx.drug_benefit == v1::BENEFIT_PHARMACY ? 2 : 1));
  const absl::CivilDay start_year = PlanYearOf(ctx.start, coverage);
  std::map<absl::CivilDay, int> covered_in_year;
  int covered_in_course = 0;
  if (ctx.sessions_used != nullptr) {
    covered_in_year[start_year] = ctx.sessions_used->this_plan_year();
    covered_in_course = ctx.sessions_used->this_course();
  }
  for (const ScheduledSession& s : sessions) {
    SessionCoverage cov = CoverageOf(ctx, coverage, s);
    const absl::CivilDay year = PlanYearOf(s.date, coverage);
    if (cov.covered) {
      const v1::TreatmentCovered& c = *cov.terms;
      out.session_limits = out.session_limits || c.has_max_sessions_per_course() ||
                           c.has_max_sessions_per_plan_year();
      if (!WithinSessionLimits(c, covered_in_course, covered_in_year[year], coverage, cov)) {
        out.over_limit.push_back(s.number);
      } else if (c.has_conditional_sessions() &&
                 covered_in_course >= c.conditional_sessions().after_covered_sessions()) {
        out.conditional.push_back(s.number);
        out.condition = &c.conditional_sessions();
      }
    }
    if (cov.reason == v1::NOT_COVERED_REASON_MAINTENANCE_EXCLUDED) {
      out.maintenance_excluded.push_back(s.number);
    }
    if (cov.reason == v1::NOT_COVERED_REASON_NO_RULES_IN_EFFECT) out.no_rules.push_back(s.number);

    const SessionFacts facts{s.first, s.phase, s.dose_mg, ctx.drug_benefit};
    if (!cov.covered) {
      PricedLine& line = out.lines.emplace_back();
      line.session = &s;
      line.plan_year = year;
      line.reason = cov.reason;
      line.explanation = std::move(cov.explanation);
      RETURN_IF_ERROR(SelfPayPrice(ctx, facts, line));
      continue;
    }
    ++covered_in_course;
    ++covered_in_year[year];
    if (cov.version->amounts_published_through &&
        s.date > *cov.version->amounts_published_through && out.unpublished_from == nullptr) {
      out.unpublished_from = &s;
      out.unpublished_version = cov.version;
    }
    // Under the pharmacy benefit a session has a second line: the drug.
    static constexpr v1::Benefit kBenefits[] = {v1::BENEFIT_MEDICAL, v1::BENEFIT_PHARMACY};
    const size_t benefit_lines = ctx.drug_benefit == v1::BENEFIT_PHARMACY ? 2 : 1;
    for (v1::Benefit benefit : absl::MakeConstSpan(kBenefits, benefit_lines)) {
      PricedLine& line = out.lines.emplace_back();
      line.session = &s;
      line.plan_year = year;
      line.covered = true;
      line.benefit = benefit;
      line.version = cov.version;
      line.accumulators = AccumulatorsOf(ctx, benefit, *cov.version);
      line.verified = VerifiedApplies(ctx, line.accumulators, year, start_year);
      line.terms = TermsFor(ctx, cov, benefit, line.verified);
      RETURN_IF_ERROR(PriceCodes(ctx, cov, facts, benefit, line));
    }
  }
  return out;
}

PlanYearLimits LimitsOf(const CourseContext& ctx, const PricedLine& line) {
  return LimitsFor(ctx, *line.version, line.accumulators, line.verified);
}

std::vector<LineShare> ShareCosts(const CourseContext& ctx, const PricedCourse& priced,
                                  const MetBefore& before) {
  std::vector<LineShare> shares(priced.lines.size());
  std::map<std::pair<absl::CivilDay, AccumulatorSet>, PlanYearAccumulator> years;
  for (size_t i = 0; i < priced.lines.size(); ++i) {
    const PricedLine& line = priced.lines[i];
    if (!line.covered) continue;
    const auto key = std::make_pair(line.plan_year, line.accumulators);
    auto acc = years.find(key);
    if (acc == years.end()) {
      const MetSoFar met = line.plan_year == before.plan_year
                               ? before.met[static_cast<int>(line.accumulators)]
                               : MetSoFar{};
      acc = years.emplace(key, PlanYearAccumulator(LimitsOf(ctx, line), met)).first;
    }
    shares[i] = acc->second.Apply(line.allowed, line.terms);
  }
  return shares;
}

}  // namespace estimator
