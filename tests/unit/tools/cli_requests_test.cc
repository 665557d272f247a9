// The command line's flags turned into requests, without a server: what each flag becomes in the
// request, and the flag a bad value is refused under.
#include "service/tools/cli/requests.h"

#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/tools/cli/flags.h"

namespace estimator {
namespace cli {
namespace {

using ::testing::HasSubstr;

// Each test starts from the defaults and leaves them as it found them.
class CliRequestsTest : public ::testing::Test {
 private:
  absl::FlagSaver saver_;
};

TEST_F(CliRequestsTest, QuoteFlagsBecomeTheRequest) {
  absl::SetFlag(&FLAGS_clinic, "riverbend");
  absl::SetFlag(&FLAGS_payer, "aetna");
  absl::SetFlag(&FLAGS_plan, "open_access_ppo");
  absl::SetFlag(&FLAGS_network, "out");
  absl::SetFlag(&FLAGS_tier, "family");
  absl::SetFlag(&FLAGS_start, "2026-03-02");
  absl::SetFlag(&FLAGS_treatment, "spravato");
  absl::SetFlag(&FLAGS_dose, 84);
  absl::SetFlag(&FLAGS_drug_benefit, "pharmacy");
  absl::SetFlag(&FLAGS_deductible_met, "$150.25");
  absl::SetFlag(&FLAGS_oop_met, "400");
  absl::SetFlag(&FLAGS_verified_coinsurance, "12.5");
  absl::SetFlag(&FLAGS_plan_year_start, "07-01");
  auto r = QuoteRequestFromFlags();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->clinic_id(), "riverbend");
  EXPECT_EQ(r->course_start_date(), "2026-03-02");
  const auto& ins = r->coverage().insurance();
  EXPECT_EQ(ins.payer_id(), "aetna");
  EXPECT_EQ(ins.plan_id(), "open_access_ppo");
  EXPECT_EQ(ins.network(), v1::NETWORK_OUT_OF_NETWORK);
  EXPECT_EQ(ins.coverage_tier(), v1::COVERAGE_TIER_FAMILY);
  EXPECT_EQ(ins.met_so_far().deductible_met_cents(), 15025);
  EXPECT_EQ(ins.met_so_far().out_of_pocket_met_cents(), 40000);
  EXPECT_EQ(ins.verified_benefits().coinsurance_bp(), 1250);
  EXPECT_EQ(ins.plan_year_start().month(), 7);
  EXPECT_EQ(ins.plan_year_start().day(), 1);
  EXPECT_EQ(r->course().treatment(), v1::TREATMENT_SPRAVATO);
  EXPECT_EQ(r->course().spravato().dose_mg(), 84);
  EXPECT_EQ(r->course().spravato().drug_benefit(), v1::BENEFIT_PHARMACY);
}

TEST_F(CliRequestsTest, SelfPayCompareListsTheTreatmentsAsked) {
  absl::SetFlag(&FLAGS_clinic, "riverbend");
  absl::SetFlag(&FLAGS_self_pay, true);
  absl::SetFlag(&FLAGS_start, "2026-03-02");
  absl::SetFlag(&FLAGS_treatments, "tms,ketamine");
  auto r = CompareRequestFromFlags();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->coverage().has_self_pay());
  ASSERT_EQ(r->courses_size(), 2);
  EXPECT_EQ(r->courses(0).treatment(), v1::TREATMENT_TMS);
  EXPECT_EQ(r->courses(1).treatment(), v1::TREATMENT_IV_KETAMINE);
}

TEST_F(CliRequestsTest, BadValuesAreRefusedUnderTheirFlag) {
  absl::SetFlag(&FLAGS_clinic, "riverbend");
  absl::SetFlag(&FLAGS_payer, "aetna");
  absl::SetFlag(&FLAGS_plan, "open_access_ppo");
  absl::SetFlag(&FLAGS_start, "2026-03-02");
  absl::SetFlag(&FLAGS_treatment, "tms");
  absl::SetFlag(&FLAGS_deductible_met, "1e3");
  auto r = QuoteRequestFromFlags();
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("--deductible_met"));

  absl::SetFlag(&FLAGS_deductible_met, "");
  absl::SetFlag(&FLAGS_treatment, "laser");
  r = QuoteRequestFromFlags();
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("--treatment"));

  // A self-pay patient has no plan benefits to state.
  absl::SetFlag(&FLAGS_treatment, "tms");
  absl::SetFlag(&FLAGS_payer, "");
  absl::SetFlag(&FLAGS_plan, "");
  absl::SetFlag(&FLAGS_self_pay, true);
  absl::SetFlag(&FLAGS_oop_met, "100");
  r = QuoteRequestFromFlags();
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("--oop_met"));
}

TEST_F(CliRequestsTest, AmountsAreExactDecimals) {
  EXPECT_EQ(**ParseDollars("x", "0.01"), 1);
  EXPECT_EQ(**ParseDollars("x", "$1234.5"), 123450);
  EXPECT_FALSE(ParseDollars("x", "1.005").ok());  // no fraction of a cent
  EXPECT_FALSE(ParseDollars("x", "-5").ok());
  EXPECT_FALSE(ParseDollars("x", "").value().has_value());
  EXPECT_EQ(**ParsePercent("x", "20%"), 2000);
  EXPECT_FALSE(ParsePercent("x", "100.5").ok());
}

}  // namespace
}  // namespace cli
}  // namespace estimator

namespace estimator {
namespace cli {
namespace {

class CliReadinessRequestTest : public ::testing::Test {
 protected:
  CliReadinessRequestTest() {
    const char* root = std::getenv("ESTIMATOR_SOURCE_DIR");
    absl::SetFlag(&FLAGS_documentation,
                  std::string(root != nullptr ? root : ".") +
                      "/tests/testdata/documentation/spravato_ready.json");
    absl::SetFlag(&FLAGS_payer, "cigna");
    absl::SetFlag(&FLAGS_plan, "open_access_plus");
  }

 private:
  absl::FlagSaver saver_;
};

// Readiness takes the network (prior authorization may depend on it) and, for Spravato, the dose
// the request packet counts the drug's units at.
TEST_F(CliReadinessRequestTest, NetworkAndDoseBecomeTheRequest) {
  absl::SetFlag(&FLAGS_network, "out");
  absl::SetFlag(&FLAGS_treatment, "spravato");
  absl::SetFlag(&FLAGS_dose, 56);
  auto r = ReadinessRequestFromFlags();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->network(), v1::NETWORK_OUT_OF_NETWORK);
  EXPECT_EQ(r->dose_mg(), 56);
  EXPECT_TRUE(r->has_documentation());

  absl::SetFlag(&FLAGS_network, "in");
  absl::SetFlag(&FLAGS_dose, 0);
  r = ReadinessRequestFromFlags();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->network(), v1::NETWORK_IN_NETWORK);
  EXPECT_EQ(r->dose_mg(), 0);
}

TEST_F(CliReadinessRequestTest, FlagsThatDoNotApplyAreRefusedUnderTheirName) {
  absl::SetFlag(&FLAGS_treatment, "tms");
  absl::SetFlag(&FLAGS_dose, 84);
  auto r = ReadinessRequestFromFlags();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("--dose"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("Spravato only"));
  absl::SetFlag(&FLAGS_dose, 0);
  absl::SetFlag(&FLAGS_tier, "family");
  r = ReadinessRequestFromFlags();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("--tier"));
}

}  // namespace
}  // namespace cli
}  // namespace estimator
