// End-to-end tests: the real estimator_server binary, started as a child process on a free port,
// called over a real gRPC channel.
//
// Expected amounts are derived from the bundled rule files (parsed here with the rule schema,
// independently of the server's own loader) wherever possible, not copied from the server.
//
// Environment (set by ctest): ESTIMATOR_SERVER (the binary), ESTIMATOR_SOURCE_DIR (repo root).
#include "tests/e2e/server_e2e_support.h"

namespace estimator::e2e {
namespace {

TEST_F(e2eServer, PrintsTheListeningLineWithThePortOfThePortFile) {
  EXPECT_EQ(server_->StdoutText(), absl::StrCat("listening on 127.0.0.1:", server_->port(), "\n"));
}

TEST_F(e2eServer, HealthIsServingForTheServerAndTheEstimatorService) {
  for (const std::string service : {"", kServiceName}) {
    SCOPED_TRACE(absl::StrCat("service '", service, "'"));
    const HealthResult h = CheckHealth(*channel_, service);
    ASSERT_TRUE(h.status.ok()) << StatusText(h.status);
    EXPECT_EQ(h.serving_status, kServing);
  }
  // A service the server does not have is NOT_FOUND (so the decoding above is not vacuous).
  const HealthResult unknown = CheckHealth(*channel_, "no.such.Service");
  EXPECT_EQ(unknown.status.error_code(), grpc::StatusCode::NOT_FOUND) << StatusText(unknown.status);
}

// Expected coverage status of a policy, from the plan file.
v1::CoverageStatus StatusInFile(const v1::TreatmentPolicy& policy) {
  if (policy.has_excluded()) return v1::COVERAGE_STATUS_NOT_COVERED;
  return policy.covered().prior_auth_required() ? v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH
                                                : v1::COVERAGE_STATUS_COVERED;
}

TEST_F(e2eServer, ListPayersDescribesTheBundledFiles) {
  v1::ListPayersResponse r;
  const grpc::Status s = ListPayers(&r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_FALSE(r.rule_set_version().empty());
  absl::Time loaded_at;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, r.loaded_at(), &loaded_at, &error))
      << "loaded_at '" << r.loaded_at() << "': " << error;
  EXPECT_TRUE(absl::EndsWith(r.loaded_at(), "Z")) << "loaded_at must be UTC: " << r.loaded_at();

  const BundledRules& rules = Bundled();
  ASSERT_GE(rules.plans.size(), 7u) << "test setup: the library has at least seven plans";
  ASSERT_EQ(r.plans_size(), static_cast<int>(rules.plan_versions.size()))
      << "every plan file version is listed once";
  std::map<std::string, int> listed;
  for (int i = 0; i < r.plans_size(); ++i) {
    const v1::PlanInfo& p = r.plans(i);
    const std::string key = p.payer_id() + "/" + p.plan_id();
    SCOPED_TRACE(p.file());
    ++listed[p.file()];
    if (i > 0 && r.plans(i - 1).payer_id() == p.payer_id() &&
        r.plans(i - 1).plan_id() == p.plan_id()) {
      // Versions of one plan follow each other by date, each ending the day before the next.
      const v1::PlanInfo& prev = r.plans(i - 1);
      EXPECT_EQ(Day(prev.effective_to()) + 1, Day(p.effective_from())) << prev.file();
    } else if (i > 0) {  // by payer, then plan
      const v1::PlanInfo& prev = r.plans(i - 1);
      EXPECT_LT(std::tie(prev.payer_id(), prev.plan_id()), std::tie(p.payer_id(), p.plan_id()));
    }
    ASSERT_EQ(rules.plan_versions.count(p.file()), 1u) << "listed a file that is not in payer_rules/";
    const v1::PayerPlan& file = rules.plan_versions.at(p.file());
    EXPECT_EQ(key, file.payer_id() + "/" + file.plan_id());
    EXPECT_EQ(p.payer_name(), file.payer_name());
    EXPECT_EQ(p.plan_name(), file.plan_name());
    EXPECT_EQ(p.plan_type(), file.plan_type());
    EXPECT_EQ(p.file_version(), Sha256HexOfFile(RulesDir() + "/" + p.file()))
        << "file_version must be the SHA-256 of " << p.file();
    EXPECT_EQ(p.effective_from(), file.effective_from());
    EXPECT_EQ(p.effective_to(), file.effective_to());
    EXPECT_EQ(p.amounts_published_through(), file.amounts_published_through());
    EXPECT_EQ(p.loaded_at(), r.loaded_at()) << "loaded with the rule set";
    EXPECT_EQ(p.fee_note(), file.fee_note());
    ASSERT_GT(p.sources_size(), 0);
    ASSERT_EQ(p.sources_size(), file.sources_size());
    for (int j = 0; j < p.sources_size(); ++j) {
      EXPECT_FALSE(p.sources(j).document_id().empty()) << "source " << j;
      EXPECT_FALSE(p.sources(j).date().empty()) << "source " << j;
      EXPECT_EQ(Diff(file.sources(j), p.sources(j)), "") << "source " << j;
    }
    ASSERT_EQ(p.treatments_size(), file.treatments_size());
    for (int j = 0; j < p.treatments_size(); ++j) {
      EXPECT_EQ(p.treatments(j).treatment(), file.treatments(j).treatment());
      EXPECT_EQ(p.treatments(j).status(), StatusInFile(file.treatments(j)))
          << v1::Treatment_Name(p.treatments(j).treatment());
      EXPECT_FALSE(p.treatments(j).policy_section().empty());
    }
  }
  for (const auto& [file, plan] : rules.plan_versions) EXPECT_EQ(listed[file], 1) << file;

  // A few decisions spelled out, so a wrong rule file is caught too: nobody covers IV ketamine;
  // TMS needs prior auth except under Original Medicare, and one plan excludes it.
  const std::map<std::string, v1::CoverageStatus> tms = {
      {"medicare/part_b", v1::COVERAGE_STATUS_COVERED},
      {"aetna/open_access_ppo", v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH},
      {"cigna/open_access_plus", v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH},
      {"bcbs_michigan/ppo", v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH},
      {"humana/medicare_advantage_hmo", v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH},
      {"medi_cal/fee_for_service", v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH},
      {"illustrative_employer/basic_epo", v1::COVERAGE_STATUS_NOT_COVERED}};
  for (const v1::PlanInfo& p : r.plans()) {
    const std::string key = p.payer_id() + "/" + p.plan_id();
    for (const auto& t : p.treatments()) {
      if (t.treatment() == v1::TREATMENT_IV_KETAMINE) {
        EXPECT_EQ(t.status(), v1::COVERAGE_STATUS_NOT_COVERED) << key;
      }
      if (t.treatment() == v1::TREATMENT_TMS) {
        ASSERT_EQ(tms.count(key), 1u) << "spell out TMS for " << key;
        EXPECT_EQ(t.status(), tms.at(key)) << key;
      }
    }
  }

  bool riverbend = false;
  for (const v1::ClinicInfo& c : r.clinics()) {
    if (c.clinic_id() != "riverbend") continue;
    riverbend = true;
    const v1::Clinic& file = rules.Clinic("riverbend");
    EXPECT_EQ(c.name(), file.name());
    EXPECT_TRUE(absl::StartsWith(c.file(), "clinics/")) << c.file();
    EXPECT_EQ(c.file_version(), Sha256HexOfFile(RulesDir() + "/" + c.file()));
    ASSERT_EQ(c.offered_treatments_size(), file.offered_treatments_size());
    for (int j = 0; j < c.offered_treatments_size(); ++j) {
      EXPECT_EQ(c.offered_treatments(j), file.offered_treatments(j));
    }
  }
  EXPECT_TRUE(riverbend) << "clinic riverbend not listed";

  std::map<std::string, bool> protocols;
  for (const v1::ProtocolInfo& p : r.protocols())
    protocols[p.protocol_id()] = p.default_for_treatment();
  ASSERT_EQ(protocols.size(), rules.protocols.size());
  for (const auto& [id, protocol] : rules.protocols) {
    ASSERT_EQ(protocols.count(id), 1u) << id;
    EXPECT_EQ(protocols[id], protocol.default_for_treatment()) << id;
  }
}

TEST_F(e2eServer, RuleSetVersionIsTheSameOnEveryRpc) {
  v1::ListPayersResponse payers;
  v1::EstimateCourseResponse estimate;
  v1::CompareTreatmentsResponse insured, self_pay;
  ASSERT_TRUE(ListPayers(&payers).ok());
  const grpc::Status e = Estimate(MedicareTmsRequest(), &estimate);
  ASSERT_TRUE(e.ok()) << StatusText(e);
  const grpc::Status c1 = Compare(AetnaCompareRequest(), &insured);
  ASSERT_TRUE(c1.ok()) << StatusText(c1);
  const grpc::Status c2 = Compare(SelfPayCompareRequest(), &self_pay);
  ASSERT_TRUE(c2.ok()) << StatusText(c2);
  ASSERT_FALSE(payers.rule_set_version().empty());
  EXPECT_EQ(estimate.rule_set_version(), payers.rule_set_version());
  EXPECT_EQ(insured.rule_set_version(), payers.rule_set_version());
  EXPECT_EQ(self_pay.rule_set_version(), payers.rule_set_version());
}

TEST_F(e2eServer, MedicarePartBTmsInNetwork) {
  const BundledRules& rules = Bundled();
  const v1::PayerPlan& plan = rules.Plan("medicare/part_b");
  const v1::TreatmentCovered& tms = rules.Policy("medicare/part_b", v1::TREATMENT_TMS).covered();
  const v1::TreatmentProtocol& protocol = rules.DefaultProtocol(v1::TREATMENT_TMS);
  const int64_t deductible = plan.in_network().deductible_cents();
  const int64_t coinsurance_bp = plan.in_network().coinsurance_bp();
  ASSERT_EQ(deductible, 28300) << "test setup: the 2026 Part B deductible in the plan file";
  ASSERT_EQ(CourseSessions(protocol), 36) << "test setup: the default TMS protocol is 30 + 6";
  ASSERT_LE(CourseSessions(protocol), tms.max_sessions_per_course());
  int64_t first_fee = -1, later_fee = -1;
  for (const auto& fee : tms.fees()) {
    if (fee.code() == "90867") first_fee = fee.allowed_cents();
    if (fee.code() == "90868") later_fee = fee.allowed_cents();
  }
  ASSERT_GT(first_fee, 0);
  ASSERT_GT(later_fee, 0);

  v1::EstimateCourseResponse r;
  const grpc::Status s = Estimate(MedicareTmsRequest(), &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  const v1::CourseEstimate& e = r.estimate();
  CheckEstimateInvariants(e, rules.Clinic("riverbend"));

  EXPECT_EQ(e.treatment(), v1::TREATMENT_TMS);
  EXPECT_EQ(e.protocol_id(), protocol.protocol_id());
  EXPECT_EQ(e.clinic_name(), rules.Clinic("riverbend").name());
  EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_COVERED);
  EXPECT_EQ(e.coverage().payer_name(), plan.payer_name());
  EXPECT_EQ(e.coverage().plan_name(), plan.plan_name());
  EXPECT_EQ(e.coverage().policy_section(), tms.policy_section());
  EXPECT_EQ(e.coverage().plan_file_version(),
            Sha256HexOfFile(RulesDir() + "/" + rules.plan_files.at("medicare/part_b")));
  // The plan file's sources about TMS or about the whole plan, in the file's order; read from
  // the file the server loaded, so the test follows it.
  std::vector<std::string> tms_sources, cited;
  for (const auto& source : plan.sources()) {
    const auto& about = source.treatments();
    if (about.empty() ||
        std::find(about.begin(), about.end(), v1::TREATMENT_TMS) != about.end()) {
      tms_sources.push_back(source.document_id());
    }
  }
  for (const auto& source : e.coverage().sources()) cited.push_back(source.document_id());
  EXPECT_EQ(cited, tms_sources);
  EXPECT_LT(cited.size(), static_cast<size_t>(plan.sources_size())) << "not Spravato's sources";

  ASSERT_EQ(e.lines_size(), 36);
  EXPECT_EQ(e.lines(0).date(), "2026-03-02") << "the clinic is open on the requested Monday";
  std::map<v1::Phase, int> per_phase;
  int64_t remaining_deductible = deductible;
  int64_t allowed_total = 0;
  for (int i = 0; i < e.lines_size(); ++i) {
    const v1::EstimateLine& l = e.lines(i);
    SCOPED_TRACE(absl::StrCat("session ", l.session_number(), " on ", l.date()));
    EXPECT_EQ(l.session_number(), i + 1);
    ++per_phase[l.phase()];
    EXPECT_TRUE(l.covered()) << v1::NotCoveredReason_Name(l.not_covered_reason()) << ": "
                             << l.not_covered_explanation();
    EXPECT_EQ(l.benefit(), v1::BENEFIT_MEDICAL);
    EXPECT_EQ(l.plan_year_start(), "2026-01-01");
    ASSERT_EQ(l.codes_size(), 1);
    EXPECT_EQ(l.codes(0).code(), i == 0 ? "90867" : "90868");
    EXPECT_EQ(l.codes(0).units(), 1);
    EXPECT_EQ(l.allowed_cents(), i == 0 ? first_fee : later_fee);
    EXPECT_EQ(l.billed_cents(), l.allowed_cents()) << "in network the allowed amount is billed";
    EXPECT_EQ(l.balance_billed_cents(), 0);
    EXPECT_EQ(l.copay_cents(), 0) << "Part B has no TMS copay";
    // The deductible is met first, then 20% coinsurance on the rest (within a cent).
    EXPECT_EQ(l.deductible_cents(), std::min(l.allowed_cents(), remaining_deductible));
    remaining_deductible -= l.deductible_cents();
    const int64_t base = l.allowed_cents() - l.deductible_cents();
    EXPECT_LE(std::abs(l.coinsurance_cents() * 10000 - base * coinsurance_bp), 10000)
        << "coinsurance " << l.coinsurance_cents() << " is not 20% of " << base;
    allowed_total += l.allowed_cents();
  }
  ASSERT_GE(protocol.blocks_size(), 1);
  int acute = 0, taper = 0;
  for (const auto& b : protocol.blocks())
    (b.phase() == v1::PHASE_ACUTE ? acute : taper) += b.sessions();
  EXPECT_EQ(per_phase[v1::PHASE_ACUTE], acute);
  EXPECT_EQ(per_phase[v1::PHASE_TAPER], taper);

  const v1::Totals& t = e.totals();
  EXPECT_EQ(t.sessions_scheduled(), 36);
  EXPECT_EQ(t.sessions_covered(), 36);
  EXPECT_EQ(t.allowed_cents(), first_fee + 35 * later_fee);
  EXPECT_EQ(t.allowed_cents(), allowed_total);
  EXPECT_EQ(t.deductible_cents(), deductible) << "a 36-session course meets the whole deductible";
  EXPECT_EQ(t.not_covered_cents(), 0);
  // Patient: the deductible plus 20% of the rest, within the per-line rounding.
  const int64_t expected_x10000 =
      deductible * 10000 + (t.allowed_cents() - deductible) * coinsurance_bp;
  EXPECT_LE(std::abs(t.patient_cents() * 10000 - expected_x10000),
            static_cast<int64_t>(e.lines_size()) * 10000)
      << "patient " << t.patient_cents() << " vs expected " << expected_x10000 / 10000.0;
  EXPECT_EQ(t.payer_cents(), t.allowed_cents() - t.patient_cents());
  ASSERT_EQ(e.plan_year_totals_size(), 1);
  EXPECT_EQ(e.plan_year_totals(0).plan_year_start(), "2026-01-01");
  ASSERT_EQ(e.phase_totals_size(), 2);
  EXPECT_EQ(e.phase_totals(0).phase(), v1::PHASE_ACUTE);
  EXPECT_EQ(e.phase_totals(1).phase(), v1::PHASE_TAPER);

  EXPECT_TRUE(plan.in_network().no_out_of_pocket_max());
  EXPECT_TRUE(HasNotice(e, "NO_OUT_OF_POCKET_MAX", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
  EXPECT_FALSE(HasNotice(e, "PRIOR_AUTH_REQUIRED", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
  // Both accumulators were given, so neither is assumed.
  EXPECT_FALSE(HasNotice(e, "DEDUCTIBLE_MET_UNKNOWN", v1::NOTICE_KIND_ASSUMPTION))
      << NoticeCodes(e);
  EXPECT_FALSE(e.plain_summary().empty());
  EXPECT_FALSE(r.rule_set_version().empty());
}

TEST_F(e2eServer, ClosedDaysAreSkippedAndAClosedStartIsMoved) {
  const v1::Clinic& clinic = Bundled().Clinic("riverbend");
  ASSERT_NE(std::find(clinic.observed_holidays().begin(), clinic.observed_holidays().end(),
                      v1::US_FEDERAL_HOLIDAY_MEMORIAL_DAY),
            clinic.observed_holidays().end())
      << "test setup: Memorial Day (2026-05-25) is a closed day";
  v1::EstimateCourseRequest request = MedicareTmsRequest();
  request.set_course_start_date("2026-05-25");
  v1::EstimateCourseResponse r;
  const grpc::Status s = Estimate(request, &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  const v1::CourseEstimate& e = r.estimate();
  CheckEstimateInvariants(e, clinic);  // no session on a weekend or closed day
  ASSERT_EQ(e.lines_size(), 36);
  EXPECT_EQ(e.lines(0).date(), "2026-05-26") << "moved to the next open weekday";
  EXPECT_TRUE(HasNotice(e, "START_MOVED", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
  bool named = false;
  for (const auto& n : e.notices()) {
    named = named || (n.code() == "START_MOVED" &&
                      absl::StrContains(n.message(), "closed on 2026-05-25 (Memorial Day)"));
  }
  EXPECT_TRUE(named) << "the moved start names the holiday";
  // The check above is not vacuous: a closed day (Independence Day, observed Friday July 3)
  // falls inside the course, and no session is on it.
  const std::string first = e.lines(0).date(), last = e.lines(e.lines_size() - 1).date();
  EXPECT_LT(first, "2026-07-03");
  EXPECT_GT(last, "2026-07-03");
  for (const auto& l : e.lines()) EXPECT_NE(l.date(), "2026-07-03");
}

TEST_F(e2eServer, MedicareDeductibleAlreadyMetLeavesOnlyCoinsurance) {
  const v1::PayerPlan& plan = Bundled().Plan("medicare/part_b");
  v1::EstimateCourseRequest request = MedicareTmsRequest();
  request.mutable_coverage()->mutable_insurance()->mutable_met_so_far()->set_deductible_met_cents(
      plan.in_network().deductible_cents());
  request.mutable_coverage()
      ->mutable_insurance()
      ->mutable_met_so_far()
      ->set_out_of_pocket_met_cents(plan.in_network().deductible_cents());
  v1::EstimateCourseResponse r;
  const grpc::Status s = Estimate(request, &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  CheckEstimateInvariants(r.estimate(), Bundled().Clinic("riverbend"));
  const v1::Totals& t = r.estimate().totals();
  EXPECT_EQ(t.deductible_cents(), 0);
  EXPECT_LE(
      std::abs(t.patient_cents() * 10000 - t.allowed_cents() * plan.in_network().coinsurance_bp()),
      static_cast<int64_t>(r.estimate().lines_size()) * 10000);
}

TEST_F(e2eServer, CompareTreatmentsAetnaPpoInNetwork) {
  const BundledRules& rules = Bundled();
  const std::string key = "aetna/open_access_ppo";
  const v1::PayerPlan& plan = rules.Plan(key);
  const v1::Clinic& clinic = rules.Clinic("riverbend");
  const int64_t oop_max = plan.in_network().out_of_pocket_max_cents();
  const int64_t deductible = plan.in_network().deductible_cents();
  const int64_t coinsurance_bp = plan.in_network().coinsurance_bp();
  ASSERT_EQ(oop_max, 600000) << "test setup: the plan's in-network out-of-pocket maximum";

  v1::CompareTreatmentsResponse r;
  const grpc::Status s = Compare(AetnaCompareRequest(), &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  ASSERT_EQ(r.estimates_size(), 3);
  EXPECT_FALSE(r.summary().empty());
  // The clinic's order when no courses are listed.
  ASSERT_EQ(clinic.offered_treatments_size(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r.estimates(i).treatment(), clinic.offered_treatments(i));

  for (const v1::CourseEstimate& e : r.estimates()) {
    SCOPED_TRACE(v1::Treatment_Name(e.treatment()));
    CheckEstimateInvariants(e, clinic);
    EXPECT_EQ(e.coverage().plan_name(), plan.plan_name());
    EXPECT_EQ(e.protocol_id(), rules.DefaultProtocol(e.treatment()).protocol_id());
    const v1::TreatmentPolicy& policy = rules.Policy(key, e.treatment());

    if (e.treatment() == v1::TREATMENT_IV_KETAMINE) {
      ASSERT_TRUE(policy.has_excluded());
      EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_NOT_COVERED);
      const v1::TreatmentProtocol& protocol = rules.DefaultProtocol(v1::TREATMENT_IV_KETAMINE);
      ASSERT_EQ(protocol.maintenance().frequency(), v1::MAINTENANCE_FREQUENCY_MONTHLY);
      EXPECT_EQ(e.lines_size(), CourseSessions(protocol) + protocol.maintenance().months())
          << "6 infusions, then one booster a month";
      int64_t self_pay_sum = 0;
      for (const auto& l : e.lines()) {
        EXPECT_FALSE(l.covered()) << l.date();
        EXPECT_EQ(l.not_covered_reason(), v1::NOT_COVERED_REASON_EXCLUDED_BY_POLICY) << l.date();
        EXPECT_EQ(l.not_covered_explanation(), policy.excluded().explanation());
        EXPECT_EQ(l.patient_cents(), SelfPayPriceOf(clinic, e.treatment(), l)) << l.date();
        self_pay_sum += SelfPayPriceOf(clinic, e.treatment(), l);
      }
      EXPECT_EQ(e.totals().patient_cents(), self_pay_sum);
      EXPECT_EQ(e.totals().not_covered_cents(), self_pay_sum);
      EXPECT_EQ(e.totals().payer_cents(), 0);
      EXPECT_EQ(e.totals().sessions_covered(), 0);
      EXPECT_FALSE(HasNotice(e, "PRIOR_AUTH_REQUIRED", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
      continue;
    }

    ASSERT_TRUE(policy.has_covered());
    EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH);
    EXPECT_TRUE(HasNotice(e, "PRIOR_AUTH_REQUIRED", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
    // Nothing met so far was given: the estimate says what it assumed.
    EXPECT_TRUE(HasNotice(e, "DEDUCTIBLE_MET_UNKNOWN", v1::NOTICE_KIND_ASSUMPTION))
        << NoticeCodes(e);
    EXPECT_TRUE(HasNotice(e, "OUT_OF_POCKET_MET_UNKNOWN", v1::NOTICE_KIND_ASSUMPTION))
        << NoticeCodes(e);
    EXPECT_FALSE(HasNotice(e, "NO_OUT_OF_POCKET_MAX", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);

    // Per plan year: the patient's cost sharing never exceeds the out-of-pocket maximum, and
    // reaches it exactly when the uncapped deductible + coinsurance would pass it.
    std::map<std::string, std::vector<const v1::EstimateLine*>> by_year;
    for (const auto& l : e.lines()) by_year[l.plan_year_start()].push_back(&l);
    for (const auto& [year, lines] : by_year) {
      SCOPED_TRACE("plan year " + year);
      EXPECT_EQ(Day(year),
                PlanYearStartOf(Day(lines.front()->date()), plan.plan_year_start().month(),
                                plan.plan_year_start().day()));
      int64_t sharing = 0, allowed = 0, covered_lines = 0;
      bool capped = false;
      for (const v1::EstimateLine* l : lines) {
        if (!l->covered()) continue;
        ++covered_lines;
        EXPECT_EQ(l->copay_cents(), 0) << "no copay in this plan design";
        if (capped) {
          EXPECT_EQ(l->patient_cents(), 0) << l->date() << ": the maximum was already reached";
          EXPECT_EQ(l->payer_cents(), l->allowed_cents()) << l->date();
        }
        sharing += l->copay_cents() + l->deductible_cents() + l->coinsurance_cents();
        allowed += l->allowed_cents();
        capped = sharing >= oop_max;
      }
      EXPECT_LE(sharing, oop_max);
      const int64_t uncapped_deductible = std::min(deductible, allowed);
      const int64_t uncapped_x10000 =
          uncapped_deductible * 10000 + (allowed - uncapped_deductible) * coinsurance_bp;
      if (uncapped_x10000 > (oop_max + covered_lines) * 10000) {
        EXPECT_EQ(sharing, oop_max) << "the maximum should be reached this plan year";
      } else {
        EXPECT_LE(std::abs(sharing * 10000 - uncapped_x10000), covered_lines * 10000);
      }
    }

    if (e.treatment() == v1::TREATMENT_SPRAVATO) {
      // 12 months of maintenance from spring 2026 cross into plan year 2027 (still covered):
      // the deductible and the maximum start over.
      ASSERT_EQ(e.plan_year_totals_size(), 2);
      EXPECT_EQ(e.plan_year_totals(0).plan_year_start(), "2026-01-01");
      EXPECT_EQ(e.plan_year_totals(1).plan_year_start(), "2027-01-01");
      EXPECT_TRUE(HasNotice(e, "PLAN_YEAR_CROSSED", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
      const v1::Totals& y1 = e.plan_year_totals(0).totals();
      const v1::Totals& y2 = e.plan_year_totals(1).totals();
      EXPECT_EQ(y1.copay_cents() + y1.deductible_cents() + y1.coinsurance_cents(), oop_max)
          << "a year of Spravato at these prices reaches the $6,000 maximum";
      EXPECT_EQ(y2.deductible_cents(), std::min(deductible, y2.allowed_cents()))
          << "the deductible starts over in the new plan year";
      EXPECT_EQ(e.drug_benefit(),
                rules.Policy(key, v1::TREATMENT_SPRAVATO).covered().drug_benefits(0))
          << "the plan's default drug benefit";
      EXPECT_EQ(e.dose_mg(), 56) << "the protocol's lowest allowed dose";
    } else {
      EXPECT_EQ(e.plan_year_totals_size(), 1);
      EXPECT_EQ(e.totals().sessions_covered(),
                CourseSessions(rules.DefaultProtocol(e.treatment())));
    }
  }
}

TEST_F(e2eServer, CompareTreatmentsSelfPay) {
  const v1::Clinic& clinic = Bundled().Clinic("riverbend");
  v1::CompareTreatmentsResponse r;
  const grpc::Status s = Compare(SelfPayCompareRequest(), &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  ASSERT_EQ(r.estimates_size(), clinic.offered_treatments_size());
  for (const v1::CourseEstimate& e : r.estimates()) {
    SCOPED_TRACE(v1::Treatment_Name(e.treatment()));
    CheckEstimateInvariants(e, clinic);
    EXPECT_EQ(e.coverage().status(), v1::COVERAGE_STATUS_SELF_PAY);
    EXPECT_TRUE(HasNotice(e, "GOOD_FAITH_ESTIMATE", v1::NOTICE_KIND_WARNING)) << NoticeCodes(e);
    int64_t self_pay_sum = 0;
    for (const auto& l : e.lines()) {
      EXPECT_FALSE(l.covered());
      EXPECT_EQ(l.not_covered_reason(), v1::NOT_COVERED_REASON_SELF_PAY);
      EXPECT_EQ(l.payer_cents(), 0) << l.date();
      EXPECT_EQ(l.patient_cents(), SelfPayPriceOf(clinic, e.treatment(), l)) << l.date();
      self_pay_sum += l.patient_cents();
    }
    EXPECT_EQ(e.totals().payer_cents(), 0);
    EXPECT_EQ(e.totals().patient_cents(), self_pay_sum);
    for (const auto& y : e.plan_year_totals()) EXPECT_EQ(y.totals().payer_cents(), 0);
    for (const auto& p : e.phase_totals()) EXPECT_EQ(p.totals().payer_cents(), 0);
    // No insurance: no insurance assumptions or warnings.
    EXPECT_FALSE(HasNotice(e, "DEDUCTIBLE_MET_UNKNOWN", v1::NOTICE_KIND_ASSUMPTION));
    EXPECT_FALSE(HasNotice(e, "PLAN_YEAR_CROSSED", v1::NOTICE_KIND_WARNING));
    EXPECT_FALSE(HasNotice(e, "COVERAGE_TIER_ASSUMED", v1::NOTICE_KIND_ASSUMPTION));
  }
}

TEST_F(e2eServer, SpravatoThroughTheSpecialtyPharmacyHasTwoLinesPerSession) {
  const BundledRules& rules = Bundled();
  const std::string key = "aetna/open_access_ppo";
  const v1::PayerPlan& plan = rules.Plan(key);
  const v1::TreatmentProtocol& protocol = rules.DefaultProtocol(v1::TREATMENT_SPRAVATO);
  int64_t per_mg = -1;
  for (const auto& fee : rules.Policy(key, v1::TREATMENT_SPRAVATO).covered().fees()) {
    if (fee.benefit() == v1::BENEFIT_PHARMACY) per_mg = fee.allowed_cents();
  }
  ASSERT_GT(per_mg, 0);

  v1::EstimateCourseRequest request = MedicareTmsRequest();
  v1::InsuranceCoverage* ins = request.mutable_coverage()->mutable_insurance();
  ins->set_payer_id("aetna");
  ins->set_plan_id("open_access_ppo");
  ins->set_coverage_tier(v1::COVERAGE_TIER_SELF_ONLY);
  request.mutable_course()->set_treatment(v1::TREATMENT_SPRAVATO);
  request.mutable_course()->mutable_spravato()->set_dose_mg(84);
  request.mutable_course()->mutable_spravato()->set_drug_benefit(v1::BENEFIT_PHARMACY);
  request.mutable_course()->mutable_maintenance()->set_months(0);  // the 12 sessions only

  v1::EstimateCourseResponse r;
  const grpc::Status s = Estimate(request, &r);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  const v1::CourseEstimate& e = r.estimate();
  CheckEstimateInvariants(e, rules.Clinic("riverbend"));
  EXPECT_EQ(e.drug_benefit(), v1::BENEFIT_PHARMACY);
  EXPECT_EQ(e.dose_mg(), 84);
  const int sessions = CourseSessions(protocol);
  ASSERT_EQ(e.lines_size(), 2 * sessions) << "a medical and a pharmacy line per session";
  EXPECT_EQ(e.totals().sessions_scheduled(), sessions);
  EXPECT_EQ(e.totals().sessions_covered(), sessions);
  int64_t out_of_pocket = 0;
  for (int i = 0; i < e.lines_size(); i += 2) {
    const v1::EstimateLine& medical = e.lines(i);
    const v1::EstimateLine& pharmacy = e.lines(i + 1);
    SCOPED_TRACE(absl::StrCat("session ", medical.session_number(), " on ", medical.date()));
    EXPECT_EQ(medical.session_number(), pharmacy.session_number());
    EXPECT_EQ(medical.benefit(), v1::BENEFIT_MEDICAL);
    EXPECT_EQ(pharmacy.benefit(), v1::BENEFIT_PHARMACY);
    const int dose = i == 0 ? protocol.first_session_dose_mg() : 84;
    EXPECT_EQ(pharmacy.dose_mg(), dose);
    ASSERT_EQ(pharmacy.codes_size(), 1);
    EXPECT_EQ(pharmacy.codes(0).units(), dose);
    EXPECT_EQ(pharmacy.allowed_cents(), per_mg * dose);
    for (const auto& code : medical.codes()) {
      EXPECT_NE(code.code(), "J0013") << "the drug is not billed by the clinic as well";
    }
    EXPECT_EQ(pharmacy.deductible_cents(), 0) << "the pharmacy benefit has no deductible";
    EXPECT_EQ(pharmacy.copay_cents(), plan.pharmacy().copay_cents());
    // 25% coinsurance on the drug, unless the out-of-pocket maximum could have interfered.
    if (out_of_pocket + medical.patient_cents() + pharmacy.allowed_cents() <
        plan.in_network().out_of_pocket_max_cents()) {
      EXPECT_LE(std::abs(pharmacy.coinsurance_cents() * 10000 -
                         pharmacy.allowed_cents() * plan.pharmacy().coinsurance_bp()),
                10000);
    }
    out_of_pocket += medical.patient_cents() + pharmacy.patient_cents();
  }
  EXPECT_LE(
      e.totals().copay_cents() + e.totals().deductible_cents() + e.totals().coinsurance_cents(),
      plan.in_network().out_of_pocket_max_cents());
  EXPECT_TRUE(HasNotice(e, "PHARMACY_ACCUMULATORS", v1::NOTICE_KIND_ASSUMPTION)) << NoticeCodes(e);
  EXPECT_FALSE(HasNotice(e, "COVERAGE_TIER_ASSUMED", v1::NOTICE_KIND_ASSUMPTION)) << NoticeCodes(e);
}

// Many combinations of plan, network, tier, amounts met, course and start date: every answer must
// satisfy the documented arithmetic, the plan's limits and the clinic's prices.
TEST_F(e2eServer, InvariantsHoldAcrossPlansNetworksCoursesAndDates) {
  const BundledRules& rules = Bundled();
  const v1::Clinic& clinic = rules.Clinic("riverbend");
  struct Course {
    std::string name;
    v1::CourseOptions options;
  };
  std::vector<Course> courses;
  for (v1::Treatment t : {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO, v1::TREATMENT_IV_KETAMINE}) {
    courses.push_back({v1::Treatment_Name(t), {}});
    courses.back().options.set_treatment(t);
  }
  courses.push_back({"TMS + 6 months weekly maintenance", {}});
  courses.back().options.set_treatment(v1::TREATMENT_TMS);
  courses.back().options.mutable_maintenance()->set_months(6);
  courses.back().options.mutable_maintenance()->set_frequency(v1::MAINTENANCE_FREQUENCY_WEEKLY);
  courses.push_back({"TMS Medicare 20+5", {}});
  courses.back().options.set_treatment(v1::TREATMENT_TMS);
  courses.back().options.set_protocol_id("tms_medicare_20_5");
  courses.push_back({"Spravato 84 mg, 24 months weekly", {}});
  courses.back().options.set_treatment(v1::TREATMENT_SPRAVATO);
  courses.back().options.mutable_spravato()->set_dose_mg(84);
  courses.back().options.mutable_maintenance()->set_months(24);
  courses.back().options.mutable_maintenance()->set_frequency(v1::MAINTENANCE_FREQUENCY_WEEKLY);

  const std::vector<std::string> starts = {"2026-01-01", "2026-03-02", "2026-05-25", "2026-07-01",
                                           "2026-11-20", "2026-12-14", "2027-06-07"};
  int scenarios = 0, failed_scenarios = 0;
  for (const std::string plan_key : {"medicare/part_b", "aetna/open_access_ppo", "self_pay"}) {
    for (v1::Network network : {v1::NETWORK_IN_NETWORK, v1::NETWORK_OUT_OF_NETWORK}) {
      for (v1::CoverageTier tier : {v1::COVERAGE_TIER_SELF_ONLY, v1::COVERAGE_TIER_FAMILY}) {
        for (bool met_given : {false, true}) {
          if (plan_key == "self_pay" && (network != v1::NETWORK_IN_NETWORK ||
                                         tier != v1::COVERAGE_TIER_SELF_ONLY || met_given)) {
            continue;
          }
          for (const Course& course : courses) {
            for (const std::string& start : starts) {
              const std::string scenario = absl::StrCat(
                  plan_key, " ", v1::Network_Name(network), " ", v1::CoverageTier_Name(tier),
                  met_given ? " met 10000" : "", ", ", course.name, ", from ", start);
              SCOPED_TRACE(scenario);
              ++scenarios;
              v1::EstimateCourseRequest request;
              request.set_clinic_id("riverbend");
              request.set_course_start_date(start);
              *request.mutable_course() = course.options;
              const v1::PayerPlan* plan = nullptr;
              int64_t met = 0;
              if (plan_key == "self_pay") {
                request.mutable_coverage()->mutable_self_pay();
              } else {
                plan = &rules.Plan(plan_key);
                v1::InsuranceCoverage* ins = request.mutable_coverage()->mutable_insurance();
                ins->set_payer_id(plan->payer_id());
                ins->set_plan_id(plan->plan_id());
                ins->set_network(network);
                ins->set_coverage_tier(tier);
                if (met_given) {
                  met = 10000;
                  ins->mutable_met_so_far()->set_deductible_met_cents(met);
                  ins->mutable_met_so_far()->set_out_of_pocket_met_cents(met);
                  ins->mutable_met_so_far()->set_family_deductible_met_cents(3 * met);
                  ins->mutable_met_so_far()->set_family_out_of_pocket_met_cents(3 * met);
                }
              }
              v1::EstimateCourseResponse r;
              const grpc::Status s = Estimate(request, &r);
              ASSERT_TRUE(s.ok()) << StatusText(s);
              const bool failed_before = HasFailure();
              const v1::CourseEstimate& e = r.estimate();
              CheckEstimateInvariants(e, clinic);

              for (const auto& l : e.lines()) {
                if (!l.covered()) {
                  EXPECT_EQ(l.patient_cents(), SelfPayPriceOf(clinic, e.treatment(), l))
                      << l.date() << " " << v1::NotCoveredReason_Name(l.not_covered_reason());
                }
              }
              if (plan != nullptr) {
                const v1::NetworkBenefits& n = network == v1::NETWORK_OUT_OF_NETWORK
                                                   ? plan->out_of_network()
                                                   : plan->in_network();
                const v1::TreatmentPolicy& policy = rules.Policy(plan_key, e.treatment());
                if (policy.has_covered() && policy.covered().has_max_sessions_per_course()) {
                  EXPECT_LE(e.totals().sessions_covered(),
                            policy.covered().max_sessions_per_course());
                }
                for (int y = 0; y < e.plan_year_totals_size(); ++y) {
                  const v1::Totals& t = e.plan_year_totals(y).totals();
                  const int64_t already = y == 0 ? met : 0;
                  EXPECT_LE(t.deductible_cents(),
                            std::max<int64_t>(0, n.deductible_cents() - already))
                      << "plan year " << e.plan_year_totals(y).plan_year_start();
                  if (n.has_out_of_pocket_max_cents()) {
                    EXPECT_LE(
                        t.copay_cents() + t.deductible_cents() + t.coinsurance_cents() + already,
                        n.out_of_pocket_max_cents())
                        << "plan year " << e.plan_year_totals(y).plan_year_start();
                  }
                }
                for (const auto& l : e.lines()) {
                  if (!l.covered() || l.benefit() != v1::BENEFIT_MEDICAL) continue;
                  if (network == v1::NETWORK_IN_NETWORK) {
                    EXPECT_EQ(l.billed_cents(), l.allowed_cents()) << l.date();
                  } else {
                    EXPECT_EQ(l.balance_billed_cents(), l.billed_cents() - l.allowed_cents());
                    if (n.has_charge_limit_percent_of_allowed_bp()) {
                      EXPECT_LE(l.billed_cents() * 10000,
                                l.allowed_cents() * n.charge_limit_percent_of_allowed_bp() +
                                    10000 * l.codes_size())
                          << l.date() << ": over the limiting charge";
                    }
                  }
                }
              }
              if (HasFailure() && !failed_before && ++failed_scenarios >= 3) {
                FAIL() << "stopping after 3 failing scenarios";
              }
            }
          }
        }
      }
    }
  }
  EXPECT_GT(scenarios, 300);
}


}  // namespace
}  // namespace estimator::e2e
