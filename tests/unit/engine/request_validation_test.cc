#include "service/engine/request_validation.h"

#include <functional>

#include "gtest/gtest.h"

namespace estimator {
namespace {

v1::EstimateCourseRequest Good() {
  v1::EstimateCourseRequest r;
  r.set_clinic_id("riverbend");
  r.set_course_start_date("2026-12-14");
  r.mutable_course()->set_treatment(v1::TREATMENT_TMS);
  auto* ins = r.mutable_coverage()->mutable_insurance();
  ins->set_payer_id("medicare");
  ins->set_plan_id("part_b");
  ins->set_network(v1::NETWORK_IN_NETWORK);
  return r;
}

struct BadCase {
  const char* name;
  std::function<void(v1::EstimateCourseRequest&)> spoil;
  const char* field;  // must appear in the message
};

TEST(RequestValidationTest, GoodRequestPasses) {
  EXPECT_TRUE(ValidateEstimateCourseRequest(Good()).ok());
  v1::EstimateCourseRequest self_pay = Good();
  self_pay.mutable_coverage()->mutable_self_pay();
  EXPECT_TRUE(ValidateEstimateCourseRequest(self_pay).ok());
}

TEST(RequestValidationTest, EachMalformedFieldIsNamed) {
  const std::vector<BadCase> cases = {
      {"empty clinic", [](auto& r) { r.clear_clinic_id(); }, "clinic_id"},
      {"clinic with spaces", [](auto& r) { r.set_clinic_id("River Bend"); }, "clinic_id"},
      {"huge clinic id", [](auto& r) { r.set_clinic_id(std::string(10000, 'a')); }, "clinic_id"},
      {"no coverage", [](auto& r) { r.clear_coverage(); }, "coverage"},
      {"empty coverage", [](auto& r) { r.mutable_coverage()->Clear(); }, "coverage"},
      {"no payer", [](auto& r) { r.mutable_coverage()->mutable_insurance()->clear_payer_id(); },
       "coverage.insurance.payer_id"},
      {"no plan", [](auto& r) { r.mutable_coverage()->mutable_insurance()->clear_plan_id(); },
       "coverage.insurance.plan_id"},
      {"no network",
       [](auto& r) { r.mutable_coverage()->mutable_insurance()->clear_network(); },
       "coverage.insurance.network"},
      {"unknown network number",
       [](auto& r) {
         r.mutable_coverage()->mutable_insurance()->set_network(static_cast<v1::Network>(42));
       },
       "coverage.insurance.network"},
      {"negative deductible met",
       [](auto& r) {
         r.mutable_coverage()->mutable_insurance()->mutable_met_so_far()->set_deductible_met_cents(-1);
       },
       "met_so_far.deductible_met_cents"},
      {"absurd out of pocket met",
       [](auto& r) {
         r.mutable_coverage()->mutable_insurance()->mutable_met_so_far()->set_out_of_pocket_met_cents(
             INT64_MAX);
       },
       "met_so_far.out_of_pocket_met_cents"},
      {"coinsurance over 100%",
       [](auto& r) {
         r.mutable_coverage()->mutable_insurance()->mutable_verified_benefits()->set_coinsurance_bp(
             12000);
       },
       "verified_benefits.coinsurance_bp"},
      {"negative copay",
       [](auto& r) {
         r.mutable_coverage()->mutable_insurance()->mutable_verified_benefits()->set_copay_cents(-500);
       },
       "verified_benefits.copay_cents"},
      {"maximum below deductible",
       [](auto& r) {
         auto* v = r.mutable_coverage()->mutable_insurance()->mutable_verified_benefits();
         v->set_deductible_cents(200000);
         v->set_out_of_pocket_max_cents(100000);
       },
       "verified_benefits.out_of_pocket_max_cents"},
      {"family met below individual",
       [](auto& r) {
         auto* m = r.mutable_coverage()->mutable_insurance()->mutable_met_so_far();
         m->set_deductible_met_cents(50000);
         m->set_family_deductible_met_cents(10000);
       },
       "family_deductible_met_cents"},
      {"February 29 plan year",
       [](auto& r) {
         auto* y = r.mutable_coverage()->mutable_insurance()->mutable_plan_year_start();
         y->set_month(2);
         y->set_day(29);
       },
       "plan_year_start"},
      {"no start", [](auto& r) { r.clear_course_start_date(); }, "course_start_date"},
      {"bad start", [](auto& r) { r.set_course_start_date("2026-02-30"); }, "course_start_date"},
      {"far future start", [](auto& r) { r.set_course_start_date("2150-01-01"); },
       "course_start_date"},
      {"no course", [](auto& r) { r.clear_course(); }, "course"},
      {"unspecified treatment", [](auto& r) { r.mutable_course()->clear_treatment(); },
       "course.treatment"},
      {"unknown treatment",
       [](auto& r) { r.mutable_course()->set_treatment(static_cast<v1::Treatment>(99)); },
       "course.treatment"},
      {"spravato options on TMS",
       [](auto& r) { r.mutable_course()->mutable_spravato()->set_dose_mg(56); },
       "course.spravato"},
      {"500 years of maintenance",
       [](auto& r) {
         r.mutable_course()->mutable_maintenance()->set_months(6000);
         r.mutable_course()->mutable_maintenance()->set_frequency(
             v1::MAINTENANCE_FREQUENCY_MONTHLY);
       },
       "course.maintenance.months"},
      {"maintenance without frequency",
       [](auto& r) { r.mutable_course()->mutable_maintenance()->set_months(6); },
       "course.maintenance.frequency"},
      {"negative maintenance",
       [](auto& r) { r.mutable_course()->mutable_maintenance()->set_months(-1); },
       "course.maintenance.months"},
  };
  for (const BadCase& c : cases) {
    v1::EstimateCourseRequest r = Good();
    c.spoil(r);
    absl::Status s = ValidateEstimateCourseRequest(r).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(s.message().find(c.field), std::string::npos)
        << c.name << ": '" << s.message() << "' does not name " << c.field;
  }
}

TEST(RequestValidationTest, CompareRefusesDuplicateTreatments) {
  v1::CompareTreatmentsRequest r;
  r.set_clinic_id("riverbend");
  r.set_course_start_date("2026-12-14");
  r.mutable_coverage()->mutable_self_pay();
  EXPECT_TRUE(ValidateCompareTreatmentsRequest(r).ok());
  r.add_courses()->set_treatment(v1::TREATMENT_TMS);
  r.add_courses()->set_treatment(v1::TREATMENT_TMS);
  absl::Status s = ValidateCompareTreatmentsRequest(r).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("courses[1].treatment"), std::string::npos) << s;
}

}  // namespace
}  // namespace estimator
