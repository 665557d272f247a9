// Every broken file in tests/testdata/invalid/ marks the line that must be reported with
// "# expect-error: <message>". Each is added to the good test rule set (as a plan, or as a second
// drug catalog when its name starts with catalog_) and must be reported as `path:line:column:
// message` at exactly that line; the good set alone validates.
#include "service/rules/rule_validator.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/common/dates.h"
#include "service/rules/rule_set.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

namespace fs = std::filesystem;

struct Expected {
  int line = 0;
  std::string message;
};

Expected ExpectedError(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const size_t at = line.find("# expect-error: ");
    if (at != std::string::npos) return {n, line.substr(at + 16)};
  }
  return {};
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(RuleValidatorTest, TheGoodSetsValidate) {
  for (const char* dir : {"/tests/testdata/rules", "/payer_rules"}) {
    auto files = ReadRuleDirectory(SourceDir() + dir);
    ASSERT_TRUE(files.ok()) << files.status();
    EXPECT_TRUE(ValidateRuleFiles(*files).ok()) << dir << ": " << ValidateRuleFiles(*files);
  }
}

TEST(RuleValidatorTest, EachBrokenFileIsReportedAtItsLine) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(SourceDir() + "/tests/testdata/invalid")) {
    const std::string name = entry.path().filename().string();
    const std::string shown = "invalid/" + name;
    const std::string text = ReadAll(entry.path());
    const Expected expected = ExpectedError(text);
    ASSERT_GT(expected.line, 0) << name << " has no '# expect-error:' marker";
    SCOPED_TRACE(name);

    // catalog_*.textproto are drug catalogs, added beside the test catalog; the rest are plans.
    absl::Status status;
    auto files = ReadRuleDirectory(SourceDir() + "/tests/testdata/rules");
    ASSERT_TRUE(files.ok());
    if (name.rfind("catalog_", 0) == 0) {
      auto parsed = ParseRuleFile<v1::DrugCatalog>(shown, text);
      if (parsed.ok()) files->catalogs.push_back(*std::move(parsed));
      status = parsed.ok() ? ValidateRuleFiles(*files) : parsed.status();
    } else {
      auto parsed = ParseRuleFile<v1::PayerPlan>(shown, text);
      if (parsed.ok()) files->plans.push_back(*std::move(parsed));
      status = parsed.ok() ? ValidateRuleFiles(*files) : parsed.status();
    }
    ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    const std::string prefix = absl::StrCat(shown, ":", expected.line, ":");
    bool found = false;
    std::istringstream lines{std::string(status.message())};
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(prefix, 0) == 0 && line.find(expected.message) != std::string::npos) {
        found = true;
      }
    }
    EXPECT_TRUE(found) << "want a line starting '" << prefix << "' containing '"
                       << expected.message << "'; got:\n" << status.message();
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(RuleValidatorTest, BrokenSetNeverBecomesARuleSet) {
  auto files = ReadRuleDirectory(SourceDir() + "/tests/testdata/rules");
  ASSERT_TRUE(files.ok());
  files->plans[0].message.mutable_in_network()->set_coinsurance_bp(-1);
  auto set = RuleSet::Create(*std::move(files), absl::Now());
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("plans/test_medicare.textproto:"), std::string::npos)
      << set.status();
}

TEST(RuleValidatorTest, GapBetweenVersionsIsAnError) {
  auto files = ReadRuleDirectory(SourceDir() + "/tests/testdata/rules");
  ASSERT_TRUE(files.ok());
  RuleFile<v1::PayerPlan> later = files->plans[1];  // test_ppo
  files->plans[1].message.set_effective_to("2026-06-30");
  later.path = "plans/test_ppo_later.textproto";
  later.message.set_effective_from("2026-08-01");
  files->plans.push_back(later);
  absl::Status status = ValidateRuleFiles(*files);
  EXPECT_NE(status.message().find("gap in effective dates of testpayer/ppo"), std::string::npos)
      << status;

  // Ending the first version the day before the second is fine.
  files->plans[1].message.set_effective_to("2026-07-31");
  EXPECT_TRUE(ValidateRuleFiles(*files).ok()) << ValidateRuleFiles(*files);
}


// The first line of `status` that names `file` and contains `message`, or "".
std::string LineWith(const absl::Status& status, const std::string& file,
                     const std::string& message) {
  std::istringstream lines{std::string(status.message())};
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(file + ":", 0) == 0 && line.find(message) != std::string::npos) return line;
  }
  return "";
}

TEST(RuleValidatorTest, ClinicHolidaysAndDeclaredClosedDates) {
  auto files = ReadRuleDirectory(SourceDir() + "/tests/testdata/rules");
  ASSERT_TRUE(files.ok());
  const std::string clinic = "clinics/test_clinic.textproto";
  auto with = [&](auto change) {
    auto copy = *files;
    change(copy.clinics[0].message);
    return ValidateRuleFiles(copy);
  };
  absl::Status s = with([](v1::Clinic& c) { c.clear_closed_dates_declared_through(); });
  EXPECT_NE(LineWith(s, clinic, "closed_dates_declared_through is required"), "") << s;
  s = with([](v1::Clinic& c) { c.set_closed_dates_declared_through("2026-12-31"); });
  EXPECT_NE(LineWith(s, clinic, "closed_dates_declared_through 2026-12-31 is before the closed "
                                "date 2027-01-01"), "") << s;
  s = with([](v1::Clinic& c) { c.add_observed_holidays(v1::US_FEDERAL_HOLIDAY_UNSPECIFIED); });
  EXPECT_NE(LineWith(s, clinic, "US_FEDERAL_HOLIDAY_UNSPECIFIED is not a holiday"), "") << s;
  s = with([](v1::Clinic& c) {
    c.add_observed_holidays(v1::US_FEDERAL_HOLIDAY_LABOR_DAY);
    c.add_observed_holidays(v1::US_FEDERAL_HOLIDAY_LABOR_DAY);
  });
  EXPECT_NE(LineWith(s, clinic, "US_FEDERAL_HOLIDAY_LABOR_DAY listed twice"), "") << s;
}

TEST(RuleValidatorTest, ProviderIdentityIsCheckedWhereItIsWritten) {
  auto files = ReadRuleDirectory(SourceDir() + "/tests/testdata/rules");
  ASSERT_TRUE(files.ok());
  const std::string clinic = "clinics/test_clinic.textproto";
  auto with = [&](auto change) {
    auto copy = *files;
    v1::ProviderIdentity& id = *copy.clinics[0].message.mutable_provider_identity();
    id.set_legal_name("Test Clinic, LLC");
    id.set_npi("1234567893");
    id.set_tin("00-1234567");
    id.mutable_address()->add_street_lines("1 Test Way");
    id.mutable_address()->set_city("Testville");
    id.mutable_address()->set_state("OH");
    id.mutable_address()->set_postal_code("43000");
    id.set_phone("(555) 010-0100");
    change(copy.clinics[0].message);
    return ValidateRuleFiles(copy);
  };
  EXPECT_TRUE(with([](v1::Clinic&) {}).ok()) << with([](v1::Clinic&) {});
  absl::Status s = with([](v1::Clinic& c) { c.mutable_provider_identity()->set_npi("1234567890"); });
  EXPECT_NE(LineWith(s, clinic, "npi '1234567890' is not a valid NPI"), "") << s;
  s = with([](v1::Clinic& c) { c.mutable_provider_identity()->set_tin("12-34567"); });
  EXPECT_NE(LineWith(s, clinic, "tin '12-34567' is not 9 digits"), "") << s;
  s = with([](v1::Clinic& c) { c.mutable_provider_identity()->mutable_address()->set_state("Ohio"); });
  EXPECT_NE(LineWith(s, clinic, "state 'Ohio' is not a two-letter USPS state code"), "") << s;
  s = with([](v1::Clinic& c) { c.mutable_provider_identity()->mutable_address()->set_postal_code("4300"); });
  EXPECT_NE(LineWith(s, clinic, "postal_code '4300' is not a ZIP code"), "") << s;
  s = with([](v1::Clinic& c) { c.mutable_provider_identity()->set_phone("555-0100"); });
  EXPECT_NE(LineWith(s, clinic, "phone '555-0100' is not a 10-digit US number"), "") << s;
  s = with([](v1::Clinic& c) { c.mutable_provider_identity()->clear_legal_name(); });
  EXPECT_NE(LineWith(s, clinic, "legal_name is required"), "") << s;
  s = with([](v1::Clinic& c) { c.mutable_provider_identity()->clear_address(); });
  EXPECT_NE(LineWith(s, clinic, "address is required"), "") << s;
  s = with([](v1::Clinic& c) { c.mutable_self_pay_prices(0)->set_service_code("tms"); });
  EXPECT_NE(LineWith(s, clinic, "service_code 'tms' is not a CPT or HCPCS code"), "") << s;
  s = with([](v1::Clinic& c) { *c.add_self_pay_prices() = c.self_pay_prices(0); });
  EXPECT_NE(LineWith(s, clinic, "is used twice for the same treatment"), "") << s;
}

TEST(RuleValidatorTest, ObservedHolidaysCloseTheClinic) {
  auto files = ReadRuleDirectory(SourceDir() + "/tests/testdata/rules");
  ASSERT_TRUE(files.ok());
  files->clinics[0].message.add_observed_holidays(v1::US_FEDERAL_HOLIDAY_INDEPENDENCE_DAY);
  auto set = RuleSet::Create(*std::move(files), absl::Now());
  ASSERT_TRUE(set.ok()) << set.status();
  const ClinicRules* clinic = (*set)->FindClinic("test_clinic");
  EXPECT_FALSE(clinic->IsOpen(absl::CivilDay(2026, 7, 3)));  // observed: July 4 is a Saturday
  EXPECT_TRUE(clinic->IsOpen(absl::CivilDay(2026, 7, 2)));
  EXPECT_FALSE(clinic->IsOpen(absl::CivilDay(2027, 7, 5)));  // observed: July 4 is a Sunday
  EXPECT_FALSE(clinic->IsOpen(absl::CivilDay(2099, 7, 4)));  // computed for every served year
  EXPECT_EQ(clinic->HolidayOn(absl::CivilDay(2026, 7, 3)), UsHoliday::kIndependenceDay);
  EXPECT_FALSE(clinic->HolidayOn(absl::CivilDay(2026, 12, 25)).has_value());  // own date
  EXPECT_FALSE(clinic->IsOpen(absl::CivilDay(2026, 12, 25)));
  EXPECT_EQ(clinic->closed_dates_declared_through, absl::CivilDay(2027, 12, 31));
  // The bit per day agrees with the sets it was made from, inside its years and past them.
  for (absl::CivilDay d(1995, 1, 1); d <= absl::CivilDay(2110, 12, 31); ++d) {
    const bool open = !IsWeekend(d) && !clinic->closed_days.contains(d) &&
                      !clinic->holidays.contains(d);
    ASSERT_EQ(clinic->IsOpen(d), open) << FormatDate(d);
    ASSERT_EQ(clinic->IsOpenOnDayNumber(DayNumber(d)), open) << FormatDate(d);
  }
}

TEST(RuleValidatorTest, PharmacyAccumulatorsAndConditionalSessions) {
  auto files = ReadRuleDirectory(SourceDir() + "/tests/testdata/rules");
  ASSERT_TRUE(files.ok());
  const std::string ppo = "plans/test_ppo.textproto";
  const std::string medicare = "plans/test_medicare.textproto";
  auto with = [&](int plan, auto change) {
    auto copy = *files;
    change(copy.plans[plan].message);
    return ValidateRuleFiles(copy);
  };
  ASSERT_EQ(files->plans[1].path, ppo);
  absl::Status s = with(1, [](v1::PayerPlan& p) { p.mutable_pharmacy()->clear_accumulators(); });
  EXPECT_NE(LineWith(s, ppo, "accumulators is required"), "") << s;
  s = with(1, [](v1::PayerPlan& p) {
    p.mutable_pharmacy()->set_separate_out_of_pocket_max_cents(100000);
  });
  EXPECT_NE(LineWith(s, ppo, "only with accumulators: PHARMACY_ACCUMULATORS_SEPARATE"), "") << s;
  ASSERT_EQ(files->plans[0].path, medicare);
  s = with(0, [](v1::PayerPlan& p) {
    p.mutable_treatments(0)->mutable_covered()->mutable_conditional_sessions()->clear_condition();
  });
  EXPECT_NE(LineWith(s, medicare, "condition is required"), "") << s;
  s = with(0, [](v1::PayerPlan& p) {
    p.mutable_treatments(0)->mutable_covered()->set_max_sessions_per_course(20);
  });
  EXPECT_NE(LineWith(s, medicare, "after_covered_sessions must be below max_sessions_per_course"),
            "") << s;
}

}  // namespace
}  // namespace estimator
