// PrintJson (service/server/http/proto_json.h) against protobuf's own printer: the same bytes for
// every answer of a grid over the bundled rules, and for strings holding every ASCII character;
// false where it declines (non-ASCII text, doubles), never different bytes.
#include "service/server/http/proto_json.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "service/common/dates.h"
#include "service/engine/course_estimate.h"
#include "service/engine/readiness.h"
#include "service/rules/rule_set.h"
#include "service/server/estimator_service.h"

namespace estimator::connect {
namespace {

std::string SourceDir() {
  const char* dir = std::getenv("ESTIMATOR_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

std::string ProtobufJson(const google::protobuf::Message& m) {
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &out).ok());
  return out;
}

// Counts the answers compared, so that a grid that silently produced nothing fails.
int g_compared = 0;

void ExpectSameJson(const google::protobuf::Message& m, const std::string& what) {
  std::string ours;
  ASSERT_TRUE(PrintJson(m, ours)) << what << ": declined";
  ASSERT_EQ(ours, ProtobufJson(m)) << what;
  ++g_compared;
}

const absl::CivilDay kToday(2026, 11, 20);

struct Plan {
  const char* payer;
  const char* plan;
};
constexpr Plan kPlans[] = {{"aetna", "open_access_ppo"},
                           {"bcbs_michigan", "ppo"},
                           {"cigna", "open_access_plus"},
                           {"humana", "medicare_advantage_hmo"},
                           {"illustrative_employer", "basic_epo"},
                           {"medi_cal", "fee_for_service"},
                           {"medicare", "part_b"}};
constexpr v1::Treatment kTreatments[] = {v1::TREATMENT_TMS, v1::TREATMENT_SPRAVATO,
                                         v1::TREATMENT_IV_KETAMINE};

std::vector<v1::PatientDocumentation> Charts() {
  std::vector<v1::PatientDocumentation> out;
  for (const auto& entry :
       std::filesystem::directory_iterator(SourceDir() + "/tests/testdata/documentation")) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    v1::PatientDocumentation doc;
    if (google::protobuf::util::JsonStringToMessage(text.str(), &doc).ok()) {
      out.push_back(std::move(doc));
    }
  }
  return out;
}

class ProtoJsonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = RuleSet::Load(SourceDir() + "/payer_rules", absl::Now());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    rules_ = new std::shared_ptr<const RuleSet>(*loaded);
  }
  static const RuleSet& Rules() { return **rules_; }
  static std::shared_ptr<const RuleSet>* rules_;
};
std::shared_ptr<const RuleSet>* ProtoJsonTest::rules_ = nullptr;

TEST_F(ProtoJsonTest, EstimatesComparisonsAndPayersPrintAsProtobufPrintsThem) {
  g_compared = 0;
  const std::vector<v1::PatientDocumentation> charts = Charts();
  ASSERT_GE(charts.size(), 10u);
  for (const Plan& plan : kPlans) {
    for (const v1::Network network : {v1::NETWORK_IN_NETWORK, v1::NETWORK_OUT_OF_NETWORK}) {
      for (const char* start : {"2026-03-02", "2026-12-14"}) {
        for (const v1::EstimateView view : {v1::ESTIMATE_VIEW_SUMMARY, v1::ESTIMATE_VIEW_FULL}) {
          v1::CompareTreatmentsRequest compare;
          compare.set_clinic_id("riverbend");
          compare.set_course_start_date(start);
          compare.set_view(view);
          v1::InsuranceCoverage& insurance = *compare.mutable_coverage()->mutable_insurance();
          insurance.set_payer_id(plan.payer);
          insurance.set_plan_id(plan.plan);
          insurance.set_network(network);
          insurance.mutable_met_so_far()->set_deductible_met_cents(25000);
          const std::string what = absl::StrCat(plan.payer, "/", plan.plan, " ", start, " network ",
                                                network, " view ", view);
          v1::CompareTreatmentsResponse compared;
          if (CompareTreatmentsInto(Rules(), compare, kToday, compared).ok()) {
            ExpectSameJson(compared, "compare " + what);
          }
          for (const v1::Treatment t : kTreatments) {
            v1::EstimateCourseRequest estimate;
            estimate.set_clinic_id("riverbend");
            estimate.set_course_start_date(start);
            estimate.set_view(view);
            *estimate.mutable_coverage() = compare.coverage();
            estimate.mutable_course()->set_treatment(t);
            v1::EstimateCourseResponse answer;
            if (EstimateCourseInto(Rules(), estimate, kToday, answer).ok()) {
              ExpectSameJson(answer, absl::StrCat("estimate ", t, " ", what));
            }
            // With each chart: the readiness inside the estimate, and readiness on its own.
            for (size_t c = 0; c < charts.size(); ++c) {
              *estimate.mutable_documentation() = charts[c];
              v1::EstimateCourseResponse judged;
              if (EstimateCourseInto(Rules(), estimate, kToday, judged).ok()) {
                ExpectSameJson(judged, absl::StrCat("estimate with chart ", c, " ", what));
              }
              v1::CheckPriorAuthReadinessRequest readiness;
              readiness.set_payer_id(plan.payer);
              readiness.set_plan_id(plan.plan);
              readiness.set_treatment(t);
              readiness.set_network(network);
              *readiness.mutable_documentation() = charts[c];
              v1::CheckPriorAuthReadinessResponse ready;
              if (CheckPriorAuthReadinessInto(Rules(), readiness, kToday, ready).ok()) {
                ExpectSameJson(ready, absl::StrCat("readiness chart ", c, " ", t, " ", what));
              }
            }
          }
        }
      }
    }
  }
  v1::ListPayersResponse payers;
  DescribeRules(Rules(), payers);
  ExpectSameJson(payers, "ListPayers");
  // 7 plans x 2 networks x 2 starts x 2 views: comparisons, estimates, charts, readiness.
  EXPECT_GT(g_compared, 3000);
}

TEST(ProtoJsonStrings, EveryAsciiCharacterIsEscapedAsProtobufEscapesIt) {
  for (int c = 1; c < 0x80; ++c) {
    v1::Notice notice;
    notice.set_message(absl::StrCat("a", std::string(1, static_cast<char>(c)), "b"));
    std::string ours;
    ASSERT_TRUE(PrintJson(notice, ours)) << "character " << c;
    EXPECT_EQ(ours, ProtobufJson(notice)) << "character " << c;
  }
}

TEST(ProtoJsonStrings, NonAsciiTextIsLeftToProtobuf) {
  v1::Notice notice;
  notice.set_message("Jos\xc3\xa9 \xe2\x80\xa8");  // é and U+2028
  std::string ours;
  EXPECT_FALSE(PrintJson(notice, ours));
}

TEST(ProtoJsonValues, NegativeAndLargeIntegersAndUnknownEnumValues) {
  v1::Totals totals;
  totals.set_patient_cents(-1);
  totals.set_payer_cents(9007199254740993);  // above 2^53: why 64-bit integers are quoted
  totals.set_sessions_covered(-7);
  std::string ours;
  ASSERT_TRUE(PrintJson(totals, ours));
  EXPECT_EQ(ours, ProtobufJson(totals));
  v1::Notice notice;
  notice.set_kind(static_cast<v1::NoticeKind>(9999));
  ours.clear();
  ASSERT_TRUE(PrintJson(notice, ours));
  EXPECT_EQ(ours, ProtobufJson(notice));
}

}  // namespace
}  // namespace estimator::connect
