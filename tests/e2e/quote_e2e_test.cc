// Saved quotes and Good Faith Estimates through the real server over gRPC, on its default SQLite
// store: the answer kept byte for byte (also after the rules change), listing and paging, status
// history, Good Faith Estimates with replacement and the dispute check, refusals naming the field
// with nothing half-written, roles, the audit line, purge, and a store that is down.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "absl/strings/str_join.h"
#include "service/common/dates.h"
#include "service/common/sha256.h"
#include "service/store/quote_store.h"
#include "tests/e2e/quote_e2e_support.h"
#include "tests/e2e/server_e2e_support.h"

namespace estimator::e2e {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string AddOneDay(const std::string& day) {
  absl::StatusOr<absl::CivilDay> d = ParseDate(day, "day");
  return d.ok() ? FormatDate(*d + 1) : "";
}

// One server for the tests that do not restart or reconfigure it.
class QuoteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new QuoteServer();
    ASSERT_TRUE(server_->Start());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  v1::QuoteService::Stub& quotes() { return *server_->quotes; }

  v1::Quote Save(const v1::SaveQuoteRequest& request) {
    v1::SaveQuoteResponse response;
    const grpc::Status s = quotes().SaveQuote(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << StatusText(s);
    return response.quote();
  }

  static inline QuoteServer* server_ = nullptr;
};

TEST_F(QuoteTest, ASavedEstimateIsTheAnswerGivenAndReadsBackByteForByte) {
  v1::EstimateCourseResponse direct;
  ASSERT_TRUE(server_->estimates->EstimateCourse(Context().get(), MedicareTmsRequest(), &direct).ok());
  const v1::Quote saved = Save(SaveEstimate(MedicareTmsRequest(), "MRN-1001"));
  ASSERT_TRUE(saved.has_estimate());
  EXPECT_EQ(Diff(direct, saved.estimate()), "");  // the answer EstimatorService gives
  EXPECT_EQ(saved.status(), v1::QUOTE_STATUS_ISSUED);
  EXPECT_EQ(saved.kind(), v1::QUOTE_KIND_ESTIMATE);
  EXPECT_EQ(saved.clinic_id(), "riverbend");
  EXPECT_EQ(saved.patient_reference(), "MRN-1001");
  EXPECT_EQ(saved.saved_by(), "anonymous");
  EXPECT_EQ(saved.channel(), v1::QUOTE_CHANNEL_FRONT_DESK);
  EXPECT_EQ(saved.rule_set_version(), direct.rule_set_version());
  ASSERT_EQ(saved.plan_file_versions_size(), 1);
  EXPECT_EQ(saved.plan_file_versions(0).payer_id(), "medicare");
  EXPECT_EQ(saved.plan_file_versions(0).file_version(),
            direct.estimate().coverage().plan_file_version());
  EXPECT_EQ(saved.answer_sha256(), Sha256Hex(saved.estimate().SerializeAsString()));
  EXPECT_THAT(saved.quote_id(), ::testing::MatchesRegex("q_[a-z2-7]{26}"));
  ASSERT_EQ(saved.events_size(), 1);
  EXPECT_EQ(saved.events(0).status(), v1::QUOTE_STATUS_ISSUED);

  v1::GetQuoteRequest get;
  get.set_quote_id(saved.quote_id());
  v1::GetQuoteResponse read;
  ASSERT_TRUE(quotes().GetQuote(Context().get(), get, &read).ok());
  EXPECT_EQ(read.quote().estimate().SerializeAsString(), saved.estimate().SerializeAsString());
  EXPECT_EQ(Sha256Hex(read.quote().estimate().SerializeAsString()), saved.answer_sha256());
  EXPECT_EQ(Diff(saved.estimate_request(), read.quote().estimate_request()), "");
  EXPECT_EQ(Diff(saved, read.quote()), "");
}

TEST_F(QuoteTest, AQuoteKeepsTheFullAnswerWhateverViewItNames) {
  v1::EstimateCourseRequest summary = SelfPayKetamineRequest(6);
  summary.set_view(v1::ESTIMATE_VIEW_SUMMARY);
  const v1::Quote q = Save(SaveEstimate(summary));
  EXPECT_GT(q.estimate().estimate().lines_size(), 0);
  EXPECT_EQ(q.estimate_request().view(), v1::ESTIMATE_VIEW_SUMMARY);  // the request as sent
  v1::IssueGoodFaithEstimateRequest gfe = GfeRequest(6);
  gfe.mutable_estimate()->set_view(v1::ESTIMATE_VIEW_SUMMARY);
  v1::IssueGoodFaithEstimateResponse issued;
  const grpc::Status s = quotes().IssueGoodFaithEstimate(Context().get(), gfe, &issued);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_GT(issued.quote().good_faith_estimate().sessions_included(), 0);
}

TEST_F(QuoteTest, IdsAreRandomNotCounted) {
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.insert(Save(SaveEstimate(SelfPayKetamineRequest(0))).quote_id());
  EXPECT_EQ(ids.size(), 20u);
  // Consecutive saves share no long prefix beyond "q_" (a counter or a clock would).
  std::string previous;
  int shared = 0;
  for (const std::string& id : ids) {
    if (!previous.empty() && id.substr(0, 8) == previous.substr(0, 8)) ++shared;
    previous = id;
  }
  EXPECT_LE(shared, 1);
}

TEST_F(QuoteTest, AComparisonIsSavedWithEveryCourse) {
  v1::SaveQuoteRequest request;
  *request.mutable_comparison() = SelfPayCompareRequest();
  request.set_channel(v1::QUOTE_CHANNEL_BILLING);
  const v1::Quote q = Save(request);
  EXPECT_EQ(q.kind(), v1::QUOTE_KIND_COMPARISON);
  EXPECT_EQ(q.channel(), v1::QUOTE_CHANNEL_BILLING);
  EXPECT_EQ(q.comparison().estimates_size(), 3);
  EXPECT_EQ(q.answer_sha256(), Sha256Hex(q.comparison().SerializeAsString()));
}

TEST_F(QuoteTest, BadRequestsNameTheFieldAndWriteNothing) {
  v1::ListQuotesRequest all;
  all.set_clinic_id("lakeshore");
  all.set_page_size(100);
  v1::ListQuotesResponse before;
  ASSERT_TRUE(quotes().ListQuotes(Context().get(), all, &before).ok());

  struct Case {
    std::string name;
    grpc::Status status;
    grpc::StatusCode code;
    std::string message;
  };
  std::vector<Case> cases;
  auto save = [&](const std::string& name, v1::SaveQuoteRequest r, grpc::StatusCode code, std::string msg) {
    v1::SaveQuoteResponse out;
    cases.push_back({name, quotes().SaveQuote(Context().get(), r, &out), code, std::move(msg)});
  };
  v1::EstimateCourseRequest lakeshore = MedicareTmsRequest();
  lakeshore.set_clinic_id("lakeshore");
  save("empty", v1::SaveQuoteRequest(), grpc::StatusCode::INVALID_ARGUMENT, "request: give an estimate");
  v1::EstimateCourseRequest unknown_plan = lakeshore;
  unknown_plan.mutable_coverage()->mutable_insurance()->set_plan_id("nope");
  save("unknown plan", SaveEstimate(unknown_plan), grpc::StatusCode::NOT_FOUND,
       "estimate.coverage.insurance.plan_id");
  save("name as reference", SaveEstimate(lakeshore, "Jane Doe"), grpc::StatusCode::INVALID_ARGUMENT,
       "patient_reference: use only letters");
  v1::SaveQuoteRequest bad_channel = SaveEstimate(lakeshore);
  bad_channel.set_channel(static_cast<v1::QuoteChannel>(42));
  save("channel 42", bad_channel, grpc::StatusCode::INVALID_ARGUMENT, "channel: unknown value 42");

  auto get = [&](const std::string& id, grpc::StatusCode code, std::string msg) {
    v1::GetQuoteRequest r;
    r.set_quote_id(id);
    v1::GetQuoteResponse out;
    cases.push_back({"get " + id, quotes().GetQuote(Context().get(), r, &out), code, std::move(msg)});
  };
  get("", grpc::StatusCode::INVALID_ARGUMENT, "quote_id is required");
  get("q_1", grpc::StatusCode::INVALID_ARGUMENT, "quote_id: 'q_1' is not a quote id");
  get("'; DROP TABLE quotes; --", grpc::StatusCode::INVALID_ARGUMENT, "is not a quote id");
  get("q_aaaaaaaaaaaaaaaaaaaaaaaaaa", grpc::StatusCode::NOT_FOUND,
      "no quote q_aaaaaaaaaaaaaaaaaaaaaaaaaa");

  auto list = [&](const std::string& name, v1::ListQuotesRequest r, grpc::StatusCode code, std::string msg) {
    v1::ListQuotesResponse out;
    cases.push_back({name, quotes().ListQuotes(Context().get(), r, &out), code, std::move(msg)});
  };
  v1::ListQuotesRequest huge = all;
  huge.set_page_size(10000);
  list("10,000 at once", huge, grpc::StatusCode::INVALID_ARGUMENT, "page_size: 10000 is outside 1-100");
  v1::ListQuotesRequest no_clinic;
  list("no clinic", no_clinic, grpc::StatusCode::INVALID_ARGUMENT, "clinic_id is required");
  v1::ListQuotesRequest garbage_token = all;
  garbage_token.set_page_token("not-a-token");
  list("garbage token", garbage_token, grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  v1::ListQuotesRequest backwards = all;
  backwards.set_created_from("2026-12-10");
  backwards.set_created_to("2026-12-01");
  list("backwards dates", backwards, grpc::StatusCode::INVALID_ARGUMENT, "created_to: before created_from");

  v1::VoidQuoteRequest no_reason;
  no_reason.set_quote_id("q_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  v1::VoidQuoteResponse voided;
  cases.push_back({"void without reason", quotes().VoidQuote(Context().get(), no_reason, &voided),
                   grpc::StatusCode::INVALID_ARGUMENT, "reason is required"});

  for (const Case& c : cases) {
    EXPECT_EQ(c.status.error_code(), c.code) << c.name << ": " << StatusText(c.status);
    EXPECT_THAT(c.status.error_message(), HasSubstr(c.message)) << c.name;
  }
  v1::ListQuotesResponse after;
  ASSERT_TRUE(quotes().ListQuotes(Context().get(), all, &after).ok());
  EXPECT_EQ(after.quotes_size(), before.quotes_size());  // nothing half-written
  EXPECT_TRUE(CheckHealth(server_->channel, "").status.ok());  // the server is up
}

TEST_F(QuoteTest, VoidingKeepsHistoryAndAVoidedQuoteCannotBeVoidedAgain) {
  const v1::Quote q = Save(SaveEstimate(MedicareTmsRequest()));
  v1::VoidQuoteRequest request;
  request.set_quote_id(q.quote_id());
  request.set_reason("patient changed plans");
  v1::VoidQuoteResponse voided;
  ASSERT_TRUE(quotes().VoidQuote(Context().get(), request, &voided).ok());
  EXPECT_EQ(voided.quote().status(), v1::QUOTE_STATUS_VOIDED);
  ASSERT_EQ(voided.quote().events_size(), 2);
  EXPECT_EQ(voided.quote().events(1).reason(), "patient changed plans");
  EXPECT_EQ(voided.quote().events(1).status(), v1::QUOTE_STATUS_VOIDED);
  // The answer is still there, unchanged.
  EXPECT_EQ(voided.quote().estimate().SerializeAsString(), q.estimate().SerializeAsString());
  const grpc::Status again = quotes().VoidQuote(Context().get(), request, &voided);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << StatusText(again);
  EXPECT_THAT(again.error_message(), HasSubstr("is voided, not issued"));
}

TEST_F(QuoteTest, ListingFiltersAndPagesNewestFirst) {
  // Quotes of their own clinic so other tests' quotes do not count.
  std::vector<std::string> saved;
  for (int i = 0; i < 25; ++i) {
    v1::EstimateCourseRequest r = SelfPayKetamineRequest(0);
    r.set_clinic_id("riverbend");
    saved.push_back(Save(SaveEstimate(r, i % 2 == 0 ? "LIST-A" : "LIST-B")).quote_id());
  }
  v1::ListQuotesRequest query;
  query.set_clinic_id("riverbend");
  query.set_patient_reference("LIST-A");
  query.set_page_size(5);
  std::vector<std::string> listed;
  std::string previous_created = "9999";
  for (int page = 0; page < 10; ++page) {
    v1::ListQuotesResponse response;
    ASSERT_TRUE(quotes().ListQuotes(Context().get(), query, &response).ok());
    for (const v1::Quote& q : response.quotes()) {
      listed.push_back(q.quote_id());
      EXPECT_LE(q.created_at(), previous_created);  // newest first
      previous_created = q.created_at();
      EXPECT_FALSE(q.has_estimate());  // listings hold no answers
      EXPECT_EQ(q.patient_reference(), "LIST-A");
    }
    if (response.next_page_token().empty()) break;
    // A token is bound to its query.
    v1::ListQuotesRequest other = query;
    other.set_page_token(response.next_page_token());
    other.set_patient_reference("LIST-B");
    v1::ListQuotesResponse refused;
    const grpc::Status s = quotes().ListQuotes(Context().get(), other, &refused);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("page_token: belongs to a query with other filters"));
    query.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(listed.size(), 13u);
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()).size(), 13u);
  for (int i = 0; i < 25; i += 2) {
    EXPECT_NE(std::find(listed.begin(), listed.end(), saved[i]), listed.end()) << i;
  }

  // Status filters follow the history.
  v1::VoidQuoteRequest void_one;
  void_one.set_quote_id(saved[1]);
  void_one.set_reason("test");
  v1::VoidQuoteResponse voided;
  ASSERT_TRUE(quotes().VoidQuote(Context().get(), void_one, &voided).ok());
  v1::ListQuotesRequest by_status;
  by_status.set_clinic_id("riverbend");
  by_status.set_patient_reference("LIST-B");
  by_status.set_status(v1::QUOTE_STATUS_VOIDED);
  v1::ListQuotesResponse voided_list;
  ASSERT_TRUE(quotes().ListQuotes(Context().get(), by_status, &voided_list).ok());
  ASSERT_EQ(voided_list.quotes_size(), 1);
  EXPECT_EQ(voided_list.quotes(0).quote_id(), saved[1]);
  EXPECT_EQ(voided_list.quotes(0).status(), v1::QUOTE_STATUS_VOIDED);
  by_status.set_status(v1::QUOTE_STATUS_ISSUED);
  by_status.set_page_size(100);
  ASSERT_TRUE(quotes().ListQuotes(Context().get(), by_status, &voided_list).ok());
  EXPECT_EQ(voided_list.quotes_size(), 11);
  by_status.set_kind(v1::QUOTE_KIND_COMPARISON);
  ASSERT_TRUE(quotes().ListQuotes(Context().get(), by_status, &voided_list).ok());
  EXPECT_EQ(voided_list.quotes_size(), 0);
}

// ---- Good Faith Estimates ------------------------------------------------------------------------

TEST_F(QuoteTest, AGoodFaithEstimateIsKeptWithItsDocumentAndReplacedWithItsChanges) {
  v1::IssueGoodFaithEstimateResponse first;
  grpc::Status s = quotes().IssueGoodFaithEstimate(Context().get(), GfeRequest(6), &first);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  const v1::Quote& q = first.quote();
  EXPECT_EQ(q.kind(), v1::QUOTE_KIND_GOOD_FAITH_ESTIMATE);
  const v1::GoodFaithEstimate& g = q.good_faith_estimate();
  EXPECT_EQ(g.document_sha256(), Sha256Hex(g.document_html()));
  EXPECT_THAT(g.document_html(), HasSubstr("Jane Doe"));
  EXPECT_EQ(g.total_expected_charges_cents(), q.estimate().estimate().totals().patient_cents());
  EXPECT_EQ(q.expires_at(), absl::StrCat(AddOneDay(g.period_end()), "T00:00:00.000000Z"));

  v1::GetQuoteRequest get;
  get.set_quote_id(q.quote_id());
  v1::GetQuoteResponse read;
  ASSERT_TRUE(quotes().GetQuote(Context().get(), get, &read).ok());
  EXPECT_EQ(read.quote().good_faith_estimate().document_html(), g.document_html());

  v1::IssueGoodFaithEstimateRequest more = GfeRequest(9);
  more.set_replaces_quote_id(q.quote_id());
  v1::IssueGoodFaithEstimateResponse second;
  s = quotes().IssueGoodFaithEstimate(Context().get(), more, &second);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_EQ(second.quote().replaces(), q.quote_id());
  EXPECT_THAT(absl::StrJoin(second.quote().good_faith_estimate().changes(), "\n"),
              HasSubstr("Sessions in the 12 months"));
  EXPECT_THAT(second.quote().good_faith_estimate().document_html(), HasSubstr("What changed"));
  ASSERT_TRUE(quotes().GetQuote(Context().get(), get, &read).ok());
  EXPECT_EQ(read.quote().status(), v1::QUOTE_STATUS_REPLACED);
  EXPECT_EQ(read.quote().replaced_by(), second.quote().quote_id());
  EXPECT_THAT(read.quote().events(1).reason(), HasSubstr("Total expected charges"));
  // A replaced estimate cannot be replaced again.
  v1::IssueGoodFaithEstimateResponse third;
  s = quotes().IssueGoodFaithEstimate(Context().get(), more, &third);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << StatusText(s);
  EXPECT_THAT(s.error_message(), HasSubstr("is replaced; only an issued estimate can be replaced"));

  // The dispute check against the new one.
  v1::CheckDisputeEligibilityRequest dispute;
  dispute.set_quote_id(second.quote().quote_id());
  dispute.set_bill_date(FormatDate(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone())));
  v1::ProviderBill& bill = *dispute.add_bills();
  bill.set_npi("1234567893");
  bill.set_billed_cents(second.quote().good_faith_estimate().total_expected_charges_cents() + 40000);
  v1::CheckDisputeEligibilityResponse answer;
  s = quotes().CheckDisputeEligibility(Context().get(), dispute, &answer);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_TRUE(answer.providers(0).may_dispute());
  bill.set_billed_cents(bill.billed_cents() - 1);
  ASSERT_TRUE(quotes().CheckDisputeEligibility(Context().get(), dispute, &answer).ok());
  EXPECT_FALSE(answer.providers(0).may_dispute());
  // An estimate is not a Good Faith Estimate.
  dispute.set_quote_id(Save(SaveEstimate(MedicareTmsRequest())).quote_id());
  s = quotes().CheckDisputeEligibility(Context().get(), dispute, &answer);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(QuoteTest, GoodFaithEstimateRefusals) {
  v1::IssueGoodFaithEstimateRequest insured = GfeRequest(6);
  *insured.mutable_estimate() = MedicareTmsRequest();
  v1::IssueGoodFaithEstimateResponse out;
  grpc::Status s = quotes().IssueGoodFaithEstimate(Context().get(), insured, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("not in force"));
  v1::IssueGoodFaithEstimateRequest no_name = GfeRequest(6, "");
  s = quotes().IssueGoodFaithEstimate(Context().get(), no_name, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("patient.name is required"));
  v1::IssueGoodFaithEstimateRequest bad_dx = GfeRequest(6);
  bad_dx.set_diagnosis_codes(0, "<b>F33</b>");
  s = quotes().IssueGoodFaithEstimate(Context().get(), bad_dx, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("diagnosis_codes[0]"));
  v1::IssueGoodFaithEstimateRequest replaces_estimate = GfeRequest(6);
  replaces_estimate.set_replaces_quote_id(Save(SaveEstimate(MedicareTmsRequest())).quote_id());
  s = quotes().IssueGoodFaithEstimate(Context().get(), replaces_estimate, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("is not a Good Faith Estimate"));

  // A hostile name is kept as given and shown as text.
  const std::string hostile = "<script>alert(1)</script> O'Brien & \"Sons\"";
  s = quotes().IssueGoodFaithEstimate(Context().get(), GfeRequest(6, hostile), &out);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_EQ(out.quote().good_faith_estimate().patient().name(), hostile);
  EXPECT_THAT(out.quote().good_faith_estimate().document_html(), ::testing::Not(HasSubstr("<script")));
  EXPECT_THAT(out.quote().good_faith_estimate().document_html(),
              HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Brien &amp; &quot;Sons&quot;"));
}

// ---- rules change, roles, audit, purge, store down -------------------------------------------------

TEST(QuoteRulesChangeTest, AnOldQuoteIsTheAnswerGivenThenAfterTheRulesChange) {
  const fs::path rules = fs::temp_directory_path() / absl::StrCat("quote_rules_", getpid());
  fs::remove_all(rules);
  fs::copy(SourceDir() + "/payer_rules", rules, fs::copy_options::recursive);
  QuoteServer server({"--rules_poll_interval=0"}, rules.string());
  ASSERT_TRUE(server.Start());
  v1::SaveQuoteResponse saved;
  ASSERT_TRUE(server.quotes->SaveQuote(Context().get(), SaveEstimate(SelfPayKetamineRequest(6)), &saved).ok());

  // The infusion's price goes from $550 to $600.
  const fs::path clinic = rules / "clinics/riverbend_behavioral_health.textproto";
  std::string text = ReadFileOrEmpty(clinic.string());
  const size_t at = text.find("price_cents: 55000");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 18, "price_cents: 60000");
  std::ofstream(clinic) << text;
  ASSERT_TRUE(server.process.Signal(SIGHUP));
  v1::EstimateCourseResponse now;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(server.estimates->EstimateCourse(Context().get(), SelfPayKetamineRequest(6), &now).ok());
    if (now.rule_set_version() != saved.quote().rule_set_version()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(now.rule_set_version(), saved.quote().rule_set_version()) << server.process.StderrText();
  EXPECT_NE(now.estimate().totals().patient_cents(), saved.quote().estimate().estimate().totals().patient_cents());

  v1::GetQuoteRequest get;
  get.set_quote_id(saved.quote().quote_id());
  v1::GetQuoteResponse read;
  ASSERT_TRUE(server.quotes->GetQuote(Context().get(), get, &read).ok());
  EXPECT_EQ(read.quote().estimate().SerializeAsString(), saved.quote().estimate().SerializeAsString());
  EXPECT_EQ(read.quote().rule_set_version(), saved.quote().rule_set_version());
  server.process.Stop();
  fs::remove_all(rules);
}

TEST(QuoteRolesTest, EachRoleMayDoWhatTheTableSaysAndTheAuditLineNamesNoPatient) {
  const fs::path dir = fs::temp_directory_path() / absl::StrCat("quote_roles_", getpid());
  fs::create_directories(dir);
  const std::map<std::string, std::pair<std::string, std::string>> callers = {
      {"portal", {"ROLE_PORTAL", "portal-token-q1"}},
      {"front_desk", {"ROLE_FRONT_DESK", "desk-token-q2"}},
      {"billing", {"ROLE_BILLING", "billing-token-q3"}},
      {"admin", {"ROLE_ADMIN", "admin-token-q4"}}};
  {
    std::ofstream access(dir / "access.textproto");
    for (const auto& [name, role_token] : callers) {
      access << "callers { name: \"" << name << "_caller\" role: " << role_token.first
             << " token_sha256: \"" << Sha256Hex(role_token.second) << "\" }\n";
    }
  }
  QuoteServer server({"--access_config=" + (dir / "access.textproto").string()});
  ASSERT_TRUE(server.Start());
  auto token = [&](const std::string& role) { return callers.at(role).second; };

  v1::SaveQuoteRequest portal_save = SaveEstimate(SelfPayKetamineRequest(0));
  portal_save.clear_channel();
  v1::SaveQuoteResponse saved;
  grpc::Status s = server.quotes->SaveQuote(ContextWithToken(token("portal")).get(), portal_save, &saved);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_EQ(saved.quote().channel(), v1::QUOTE_CHANNEL_PATIENT_PORTAL);
  EXPECT_EQ(saved.quote().saved_by(), "portal_caller");
  portal_save.set_channel(v1::QUOTE_CHANNEL_FRONT_DESK);
  s = server.quotes->SaveQuote(ContextWithToken(token("portal")).get(), portal_save, &saved);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << StatusText(s);
  v1::SaveQuoteRequest with_documentation = SaveEstimate(MedicareTmsRequest());
  with_documentation.mutable_estimate()->mutable_documentation()->set_age_years(40);
  s = server.quotes->SaveQuote(ContextWithToken(token("portal")).get(), with_documentation, &saved);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << StatusText(s);

  v1::GetQuoteRequest get;
  get.set_quote_id(saved.quote().quote_id());
  v1::GetQuoteResponse read;
  EXPECT_TRUE(server.quotes->GetQuote(ContextWithToken(token("portal")).get(), get, &read).ok());
  v1::ListQuotesRequest list;
  list.set_clinic_id("riverbend");
  v1::ListQuotesResponse listed;
  s = server.quotes->ListQuotes(ContextWithToken(token("portal")).get(), list, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  for (const char* staff : {"front_desk", "billing", "admin"}) {
    EXPECT_TRUE(server.quotes->ListQuotes(ContextWithToken(token(staff)).get(), list, &listed).ok()) << staff;
  }
  v1::IssueGoodFaithEstimateResponse gfe;
  s = server.quotes->IssueGoodFaithEstimate(ContextWithToken(token("portal")).get(),
                                            GfeRequest(0, "Secret Patient Name"), &gfe);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  s = server.quotes->IssueGoodFaithEstimate(ContextWithToken(token("billing")).get(),
                                            GfeRequest(0, "Secret Patient Name"), &gfe);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  v1::PurgeQuotesResponse purged;
  for (const char* not_admin : {"portal", "front_desk", "billing"}) {
    s = server.quotes->PurgeQuotes(ContextWithToken(token(not_admin)).get(), {}, &purged);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << not_admin;
  }
  s = server.quotes->PurgeQuotes(ContextWithToken(token("admin")).get(), {}, &purged);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_EQ(purged.quotes_purged(), 0);  // nothing is six years old
  s = server.quotes->GetQuote(Context().get(), get, &read);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  ASSERT_EQ(server.process.Stop(), 0);
  const std::string log = server.process.StderrText();
  EXPECT_THAT(log, HasSubstr(absl::StrCat("method=SaveQuote caller=portal_caller role=portal plan=self_pay")));
  EXPECT_THAT(log, HasSubstr(absl::StrCat("quote=", gfe.quote().quote_id(), "/issued status=OK")));
  EXPECT_THAT(log, HasSubstr("method=PurgeQuotes caller=admin_caller role=admin plan=- rules=- quote=purged/0"));
  EXPECT_THAT(log, ::testing::Not(HasSubstr("Secret Patient Name")));
  EXPECT_THAT(log, ::testing::Not(HasSubstr("1980-02-03")));
  fs::remove_all(dir);
}

TEST(QuotePurgeTest, PurgeRemovesOnlyWhatIsPastRetention) {
  const fs::path dir = fs::temp_directory_path() / absl::StrCat("quote_purge_", getpid());
  fs::create_directories(dir);
  const std::string location = "sqlite:" + (dir / "quotes.db").string();
  {
    // Two quotes made seven years ago, written straight into the store the server will open.
    absl::StatusOr<std::unique_ptr<QuoteStore>> store = OpenQuoteStore(location);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Migrate().ok());
    for (const char* id : {"q_aaaaaaaaaaaaaaaaaaaaaaaaaa", "q_bbbbbbbbbbbbbbbbbbbbbbbbbb"}) {
      QuoteRecord old;
      old.quote_id = id;
      old.kind = v1::QUOTE_KIND_ESTIMATE;
      old.clinic_id = "riverbend";
      old.created_at = absl::Now() - absl::Hours(24 * 365 * 7);
      old.expires_at = old.created_at + absl::Hours(24 * 30);
      v1::Quote body;
      body.set_quote_id(id);
      old.body = old.summary = body.SerializeAsString();
      QuoteEventRecord issued;
      issued.seq = 1;
      issued.at = old.created_at;
      issued.status = v1::QUOTE_STATUS_ISSUED;
      issued.by = "test";
      ASSERT_TRUE((*store)->Insert(old, issued).ok());
    }
  }
  QuoteServer server({"--quote_store=" + location});
  ASSERT_TRUE(server.Start());
  v1::SaveQuoteResponse recent;
  ASSERT_TRUE(server.quotes->SaveQuote(Context().get(), SaveEstimate(SelfPayKetamineRequest(0)), &recent).ok());
  v1::PurgeQuotesResponse purged;
  ASSERT_TRUE(server.quotes->PurgeQuotes(Context().get(), {}, &purged).ok());
  EXPECT_EQ(purged.quotes_purged(), 2);
  v1::GetQuoteRequest get;
  get.set_quote_id("q_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  v1::GetQuoteResponse read;
  EXPECT_EQ(server.quotes->GetQuote(Context().get(), get, &read).error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_quote_id(recent.quote().quote_id());
  EXPECT_TRUE(server.quotes->GetQuote(Context().get(), get, &read).ok());
  ASSERT_TRUE(server.quotes->PurgeQuotes(Context().get(), {}, &purged).ok());
  EXPECT_EQ(purged.quotes_purged(), 0);
  server.process.Stop();
  fs::remove_all(dir);
}

TEST(QuoteStoreDownTest, EstimatesAnswerWhileTheStoreIsDownAndHealthFollowsIt) {
  const fs::path dir = fs::temp_directory_path() / absl::StrCat("quote_down_", getpid());
  fs::remove_all(dir);
  // The folder does not exist yet: the store cannot be created.
  QuoteServer server({"--quote_store=sqlite:" + (dir / "quotes.db").string()});
  ASSERT_TRUE(server.Start());
  EXPECT_EQ(CheckHealth(server.channel, "estimator.v1.QuoteService").serving_status, kNotServing);
  EXPECT_EQ(CheckHealth(server.channel, "estimator.v1.EstimatorService").serving_status, kServing);
  v1::EstimateCourseResponse estimate;
  EXPECT_TRUE(server.estimates->EstimateCourse(Context().get(), MedicareTmsRequest(), &estimate).ok());
  v1::SaveQuoteResponse saved;
  grpc::Status s = server.quotes->SaveQuote(Context().get(), SaveEstimate(MedicareTmsRequest()), &saved);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(s.error_message(), HasSubstr("the quote store is unavailable"));
  EXPECT_THAT(s.error_message(), HasSubstr((dir / "quotes.db").string()));
  EXPECT_THAT(s.error_message(), HasSubstr("estimates and readiness still answer"));

  // Once the folder exists, the store comes up within the retry interval.
  fs::create_directories(dir);
  int status = kUnknown;
  for (int i = 0; i < 100 && status != kServing; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = CheckHealth(server.channel, "estimator.v1.QuoteService").serving_status;
  }
  EXPECT_EQ(status, kServing);
  s = server.quotes->SaveQuote(Context().get(), SaveEstimate(MedicareTmsRequest()), &saved);
  EXPECT_TRUE(s.ok()) << StatusText(s);
  struct stat st {};
  ASSERT_EQ(::stat((dir / "quotes.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  server.process.Stop();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace estimator::e2e
