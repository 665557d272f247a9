// The prior-authorization request packet (prior_auth_packet.h) for each bundled plan's TMS and
// Spravato: codes and units counted from the plan's own schedule and fees, the approval period and
// renewal date from its PriorAuthProcess, where to submit, documents per criterion, and the draft
// letter only for a patient who meets every criterion (issue 18).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "service/common/dates.h"
#include "service/engine/readiness.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A chart that meets every bundled plan's criteria for TMS and Spravato: four antidepressants of
// four classes and two augmenting agents of two classes, each at its highest dose and for 12
// weeks in the current episode, a failed CBT course, recent scores on every scale.
constexpr char kExemplary[] = R"pb(
  as_of_date: "2026-11-20"
  age_years: 40
  diagnosis_codes: "F33.2"
  current_episode_start: "2025-06-01"
  antidepressant_history {
    trials { drug: "sertraline" daily_dose: "200 mg" weeks: 12 adherence_percent: 100
             outcome: TRIAL_OUTCOME_NO_RESPONSE episode: EPISODE_CURRENT
             start_date: "2025-07-01" end_date: "2025-09-23" at_maximum_tolerated_dose: true }
    trials { drug: "venlafaxine" daily_dose: "225 mg" weeks: 12 adherence_percent: 100
             outcome: TRIAL_OUTCOME_NO_RESPONSE episode: EPISODE_CURRENT
             start_date: "2025-10-01" end_date: "2025-12-24" at_maximum_tolerated_dose: true }
    trials { drug: "bupropion" daily_dose: "450 mg" weeks: 12 adherence_percent: 100
             outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE episode: EPISODE_CURRENT
             start_date: "2026-01-05" end_date: "2026-03-30" at_maximum_tolerated_dose: true }
    trials { drug: "nortriptyline" daily_dose: "150 mg" weeks: 12 adherence_percent: 100
             outcome: TRIAL_OUTCOME_NO_RESPONSE episode: EPISODE_CURRENT
             start_date: "2026-04-06" end_date: "2026-06-29" at_maximum_tolerated_dose: true }
    trials { drug: "aripiprazole" daily_dose: "15 mg" weeks: 12 adherence_percent: 100
             outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE episode: EPISODE_CURRENT augmentation: true
             start_date: "2026-01-05" end_date: "2026-03-30" at_maximum_tolerated_dose: true }
    trials { drug: "lithium" daily_dose: "900 mg" weeks: 12 adherence_percent: 100
             outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE episode: EPISODE_CURRENT augmentation: true
             start_date: "2026-07-06" end_date: "2026-09-28" at_maximum_tolerated_dose: true }
  }
  psychotherapy_history {
    trials { kind: PSYCHOTHERAPY_KIND_CBT weeks: 16 sessions: 16 outcome: TRIAL_OUTCOME_PARTIAL_RESPONSE }
  }
  severity_scores { instrument: SEVERITY_INSTRUMENT_PHQ9 score: 24 date: "2026-11-10" }
  severity_scores { instrument: SEVERITY_INSTRUMENT_HAMD17 score: 28 date: "2026-11-10" }
  severity_scores { instrument: SEVERITY_INSTRUMENT_MADRS score: 40 date: "2026-11-10" }
  severity_scores { instrument: SEVERITY_INSTRUMENT_BDI2 score: 40 date: "2026-11-10" }
  contraindication_screening {}
  treatment_history {}
  prescriber_specialty: PRESCRIBER_SPECIALTY_PSYCHIATRIST
  rems_patient_enrolled: true
  takes_oral_antidepressant: true
  oral_antidepressant: "vortioxetine"
)pb";

constexpr char kFirstDay[] = "2026-12-07";  // a Monday

v1::CheckPriorAuthReadinessRequest Request(const PlanVersion& plan, v1::Treatment treatment) {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id(plan.plan.payer_id());
  r.set_plan_id(plan.plan.plan_id());
  r.set_treatment(treatment);
  r.set_network(v1::NETWORK_IN_NETWORK);
  r.set_planned_start_date(kFirstDay);
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kExemplary, r.mutable_documentation()));
  return r;
}

// Every plan version in effect on the first day whose TMS or Spravato needs prior authorization in
// network.
struct Case {
  const PlanVersion* plan;
  v1::Treatment treatment;
  const v1::TreatmentCovered* covered;
};
std::vector<Case> PriorAuthCases() {
  std::vector<Case> cases;
  const absl::CivilDay first = *ParseDate(kFirstDay, "");
  for (const PlanVersion* v : BundledRules().AllPlanVersions()) {
    if (!v->InEffectOn(first)) continue;
    for (v1::Treatment t : {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO}) {
      const v1::TreatmentPolicy* p = v->Policy(t);
      if (p->has_covered() && PriorAuthRequiredIn(p->covered(), v1::NETWORK_IN_NETWORK)) {
        cases.push_back({v, t, &p->covered()});
      }
    }
  }
  return cases;
}

TEST(PriorAuthPacketTest, EveryBundledPlanWithPriorAuthGetsAPacketCountedFromItsOwnData) {
  const std::vector<Case> cases = PriorAuthCases();
  // Aetna, BCBS Michigan, Humana, Medi-Cal (TMS and Spravato), Cigna and the EPO (Spravato; Cigna's
  // in-network TMS needs none from 2026-03-06).
  EXPECT_EQ(cases.size(), 10u);
  const absl::CivilDay first = *ParseDate(kFirstDay, "");
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.plan->file, " ", v1::Treatment_Name(c.treatment)));
    const auto response = CheckPriorAuthReadiness(BundledRules(), Request(*c.plan, c.treatment), kToday);
    ASSERT_TRUE(response.ok()) << response.status();
    const v1::ReadinessAssessment& a = response->assessment();
    EXPECT_EQ(a.prior_auth(), v1::PRIOR_AUTH_READINESS_READY) << a.summary();
    ASSERT_TRUE(a.has_request_packet());
    const v1::PriorAuthRequestPacket& p = a.request_packet();
    const v1::PriorAuthProcess& process = c.covered->prior_auth_process();

    // The period and the renewal date, from the file.
    const absl::CivilDay end = process.approval().has_months()
                                   ? AddMonths(first, process.approval().months())
                                   : first + process.approval().days();
    EXPECT_EQ(p.first_day(), kFirstDay);
    EXPECT_EQ(p.reauthorization_date(), FormatDate(end));
    EXPECT_FALSE(p.approval_period().empty());
    EXPECT_GE(p.renewal_requirements_size(), 1);

    // Codes: only the plan's, each per-session code billed once a session, the drug by mg.
    ASSERT_GT(p.sessions(), 0);
    if (process.approval().has_max_sessions()) {
      EXPECT_LE(p.sessions(), process.approval().max_sessions());
    }
    if (c.covered->has_max_sessions_per_course()) {
      EXPECT_LE(p.sessions(), c.covered->max_sessions_per_course());
    }
    std::map<std::string, const v1::FeeScheduleEntry*> fees;
    for (const auto& fee : c.covered->fees()) fees[fee.code()] = &fee;
    ASSERT_GT(p.services_size(), 0);
    for (const v1::RequestedService& s : p.services()) {
      ASSERT_TRUE(fees.count(s.code())) << s.code();
      EXPECT_LE(s.sessions(), p.sessions()) << s.code();
      if (fees[s.code()]->unit_basis() == v1::UNIT_BASIS_PER_SESSION) {
        EXPECT_EQ(s.units(), s.sessions()) << s.code();
      } else {
        // The first session's 56 mg, then the highest dose the schedule allows (84 mg).
        EXPECT_EQ(s.units(), 56 + 84 * (s.sessions() - 1)) << s.code();
      }
    }
    if (c.treatment == v1::TREATMENT_TMS) {
      ASSERT_EQ(p.services_size(), 2);
      EXPECT_EQ(p.services(0).code(), "90867");
      EXPECT_EQ(p.services(0).units(), 1);
      EXPECT_EQ(p.services(1).code(), "90868");
      EXPECT_EQ(p.services(1).units(), p.sessions() - 1);
    }

    // Where and how to submit.
    EXPECT_EQ(p.routes_size(), process.channels_size());
    EXPECT_EQ(p.standard_decision_days(), process.standard_decision_days());
    if (process.standard_decision_days() > 0) {
      EXPECT_EQ(p.submit_by(), FormatDate(first - process.standard_decision_days()));
    }

    // Documents per criterion, all met; the letter names each criterion in words, never an id.
    ASSERT_GT(p.supporting_documents_size(), 0);
    for (const v1::SupportingDocuments& d : p.supporting_documents()) {
      EXPECT_EQ(d.status(), v1::CRITERION_STATUS_MET) << d.criterion_name();
      EXPECT_GT(d.documents_size(), 0) << d.criterion_name();
      EXPECT_THAT(p.draft_letter(), HasSubstr(d.criterion_name()));
    }
    EXPECT_THAT(p.draft_letter(), HasSubstr(a.payer_name()));
    std::vector<const v1::CriterionResult*> stack = {&a.criteria(0)};
    while (!stack.empty()) {
      const v1::CriterionResult* r = stack.back();
      stack.pop_back();
      if (r->id().find('_') != std::string::npos) {
        EXPECT_THAT(p.draft_letter(), Not(HasSubstr(r->id())));
      }
      for (const auto& child : r->children()) stack.push_back(&child);
    }
  }
}

TEST(PriorAuthPacketTest, APatientNotYetReadyGetsThePacketWithoutALetter) {
  for (const Case& c : PriorAuthCases()) {
    SCOPED_TRACE(absl::StrCat(c.plan->file, " ", v1::Treatment_Name(c.treatment)));
    auto request = Request(*c.plan, c.treatment);
    request.mutable_documentation()->clear_antidepressant_history();  // every plan asks for trials
    const auto response = CheckPriorAuthReadiness(BundledRules(), request, kToday);
    ASSERT_TRUE(response.ok()) << response.status();
    const v1::ReadinessAssessment& a = response->assessment();
    EXPECT_NE(a.prior_auth(), v1::PRIOR_AUTH_READINESS_READY);
    ASSERT_TRUE(a.has_request_packet());
    EXPECT_GT(a.request_packet().services_size(), 0);
    EXPECT_EQ(a.request_packet().draft_letter(), "");
  }
}

TEST(PriorAuthPacketTest, NoPacketWhereNoPriorAuthIsAsked) {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id("medicare");
  r.set_plan_id("part_b");
  r.set_treatment(v1::TREATMENT_TMS);
  r.set_planned_start_date(kFirstDay);
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(kExemplary, r.mutable_documentation()));
  const auto response = CheckPriorAuthReadiness(BundledRules(), r, kToday);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_NOT_NEEDED);
  EXPECT_FALSE(response->assessment().has_request_packet());
}

// A dose given: the drug's units follow it, and the note says so.
TEST(PriorAuthPacketTest, SpravatoUnitsFollowTheRequestedDose) {
  const std::vector<PlanVersion>* versions = BundledRules().FindPlanVersions("aetna", "open_access_ppo");
  ASSERT_NE(versions, nullptr);
  auto request = Request(*RuleSet::VersionOn(*versions, kToday), v1::TREATMENT_SPRAVATO);
  request.set_dose_mg(56);
  const auto response = CheckPriorAuthReadiness(BundledRules(), request, kToday);
  ASSERT_TRUE(response.ok()) << response.status();
  const auto& p = response->assessment().request_packet();
  bool found = false;
  for (const auto& s : p.services()) {
    if (s.code() != "J0013") continue;
    found = true;
    EXPECT_EQ(s.units(), 56 * s.sessions());
  }
  EXPECT_TRUE(found);
  EXPECT_THAT(p.notes(), ::testing::Contains(HasSubstr("56 mg a session after the first (as requested)")));
}

}  // namespace
}  // namespace estimator

namespace estimator {
namespace {

v1::CheckPriorAuthReadinessRequest CignaTms(v1::Network network, const char* start) {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id("cigna");
  r.set_plan_id("open_access_plus");
  r.set_treatment(v1::TREATMENT_TMS);
  r.set_network(network);
  r.set_planned_start_date(start);
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kExemplary, r.mutable_documentation()));
  return r;
}

// Evernorth from 2026-03-06: no prior authorization in network, still out of network; before that
// date, in either. Where the answer depends on the network, it must be given.
TEST(ReadinessNetworkTest, PriorAuthThatDependsOnTheNetworkNeedsTheNetwork) {
  auto r = CheckPriorAuthReadiness(BundledRules(), CignaTms(v1::NETWORK_UNSPECIFIED, "2026-03-09"), kToday);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              ::testing::StartsWith("network: is required for TMS under Cigna Open Access Plus"));

  r = CheckPriorAuthReadiness(BundledRules(), CignaTms(v1::NETWORK_IN_NETWORK, "2026-03-09"), kToday);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->assessment().coverage(), v1::COVERAGE_REQUIREMENT_COVERED);
  EXPECT_EQ(r->assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_NOT_NEEDED);
  EXPECT_EQ(r->assessment().crd().pa_needed(), "no-auth");
  EXPECT_FALSE(r->assessment().has_request_packet());

  r = CheckPriorAuthReadiness(BundledRules(), CignaTms(v1::NETWORK_OUT_OF_NETWORK, "2026-03-09"), kToday);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_READY);
  EXPECT_EQ(r->assessment().crd().pa_needed(), "auth-needed");
  EXPECT_TRUE(r->assessment().has_request_packet());

  // Before 2026-03-06 the earlier version asks it everywhere, so the network is not needed.
  r = CheckPriorAuthReadiness(BundledRules(), CignaTms(v1::NETWORK_UNSPECIFIED, "2026-03-02"), kToday);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_READY);
}

// A plan that pays nothing out of network: not covered there, and the network is needed.
TEST(ReadinessNetworkTest, APlanWithoutOutOfNetworkBenefitsIsNotCoveredOutOfNetwork) {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id("illustrative_employer");
  r.set_plan_id("basic_epo");
  r.set_treatment(v1::TREATMENT_SPRAVATO);
  r.set_planned_start_date(kFirstDay);
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(kExemplary, r.mutable_documentation()));
  auto answer = CheckPriorAuthReadiness(BundledRules(), r, kToday);
  ASSERT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(answer.status().message()), HasSubstr("the plan pays nothing out of network"));

  r.set_network(v1::NETWORK_OUT_OF_NETWORK);
  answer = CheckPriorAuthReadiness(BundledRules(), r, kToday);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->assessment().coverage(), v1::COVERAGE_REQUIREMENT_NOT_COVERED);
  EXPECT_EQ(answer->assessment().crd().covered(), "not-covered");
  EXPECT_EQ(answer->assessment().crd().pa_needed(), "");
  EXPECT_THAT(answer->assessment().summary(), HasSubstr("pays nothing out of network"));

  r.set_network(v1::NETWORK_IN_NETWORK);
  answer = CheckPriorAuthReadiness(BundledRules(), r, kToday);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_READY);
}

}  // namespace
}  // namespace estimator

namespace estimator {
namespace {

TEST(PriorAuthPacketTest, ADoseNotOfTheScheduleOrForAnotherTreatmentIsRefusedNamingTheField) {
  const std::vector<PlanVersion>* versions = BundledRules().FindPlanVersions("aetna", "open_access_ppo");
  ASSERT_NE(versions, nullptr);
  auto request = Request(*RuleSet::VersionOn(*versions, kToday), v1::TREATMENT_SPRAVATO);
  request.set_dose_mg(70);
  auto r = CheckPriorAuthReadiness(BundledRules(), request, kToday);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), ::testing::StartsWith("dose_mg: 70 mg is not a dose of "));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("(56 or 84 mg)"));
  request.set_treatment(v1::TREATMENT_TMS);
  request.set_dose_mg(84);
  r = CheckPriorAuthReadiness(BundledRules(), request, kToday);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "dose_mg: is only for TREATMENT_SPRAVATO");
}

}  // namespace
}  // namespace estimator

namespace estimator {
namespace {

v1::CheckPriorAuthReadinessRequest HumanaTmsRenewal(const char* history) {
  v1::CheckPriorAuthReadinessRequest r;
  r.set_payer_id("humana");
  r.set_plan_id("medicare_advantage_hmo");
  r.set_treatment(v1::TREATMENT_TMS);
  r.set_network(v1::NETWORK_IN_NETWORK);
  r.set_planned_start_date("2026-12-07");
  r.set_authorization(v1::AUTHORIZATION_KIND_RENEWAL);
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      absl::StrCat(R"pb(as_of_date: "2026-11-20" )pb", history), r.mutable_documentation()));
  return r;
}

// A renewal is judged on the plan's renewal criteria: Humana's TMS past 20 + 5 sessions needs the
// course so far to have improved at least 25%.
TEST(ReadinessRenewalTest, ARenewalIsJudgedOnTheRenewalCriteria) {
  auto r = CheckPriorAuthReadiness(
      BundledRules(),
      HumanaTmsRenewal(R"pb(treatment_history { courses { treatment: TREATMENT_TMS end_date: "2026-11-18" improvement_percent: 30 } })pb"),
      kToday);
  ASSERT_TRUE(r.ok()) << r.status();
  const v1::ReadinessAssessment& a = r->assessment();
  EXPECT_EQ(a.prior_auth(), v1::PRIOR_AUTH_READINESS_READY) << a.summary();
  ASSERT_EQ(a.criteria_size(), 1);
  EXPECT_EQ(a.criteria(0).id(), "course_improved_25_percent");
  EXPECT_EQ(a.criteria(0).explanation(),
            "25%+ improvement in the TMS course so far required; the course so far improved 30%");
  EXPECT_EQ(a.summary(), "Prior auth ready to submit: its one criterion is met. Include: " +
                             a.checklist(0).item() + "; " + a.checklist(1).item() + "; " +
                             a.checklist(2).item() + ".");
  EXPECT_THAT(a.request_packet().notes(), ::testing::Contains(HasSubstr("A renewal: request the sessions")));
  EXPECT_EQ(a.request_packet().services_size(), 0);
  EXPECT_THAT(a.request_packet().draft_letter(), HasSubstr("25%+ improvement in the TMS course so far: The course so far improved 30%."));

  r = CheckPriorAuthReadiness(
      BundledRules(),
      HumanaTmsRenewal(R"pb(treatment_history { courses { treatment: TREATMENT_TMS end_date: "2026-11-18" improvement_percent: 20 } })pb"),
      kToday);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_NOT_READY);
  EXPECT_EQ(r->assessment().request_packet().draft_letter(), "");

  r = CheckPriorAuthReadiness(BundledRules(), HumanaTmsRenewal(""), kToday);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->assessment().prior_auth(), v1::PRIOR_AUTH_READINESS_INFO_NEEDED);
  EXPECT_THAT(r->assessment().checklist(0).item(),
              HasSubstr("Rating scales showing the TMS course so far improved symptoms by at least 25%"));
}

// Where the plan file states no renewal criteria, a renewal cannot be judged: said, naming the field.
TEST(ReadinessRenewalTest, NoRenewalCriteriaIsAFailedPreconditionNamingTheField) {
  auto request = HumanaTmsRenewal("");
  request.set_payer_id("aetna");
  request.set_plan_id("open_access_ppo");
  const auto r = CheckPriorAuthReadiness(BundledRules(), request, kToday);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()),
              ::testing::StartsWith("authorization: Aetna Open Access PPO (illustrative 2026 plan design) "
                                    "states no renewal criteria for TMS that can be judged; in words, "
                                    "a renewal needs: A repeat course needs"));
}

}  // namespace
}  // namespace estimator
