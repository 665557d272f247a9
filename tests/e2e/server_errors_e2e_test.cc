// The real server binary refusing what it must: bad requests answered with the field named and
// nothing changed, concurrent calls answered alike, rule files that stop it starting (reported at
// their line and column), SIGTERM, and SIGHUP keeping the last good rules.
#include "tests/e2e/server_e2e_support.h"

namespace estimator::e2e {
namespace {

// ---- errors ------------------------------------------------------------------------------------

struct EstimateErrorCase {
  std::string name;
  std::function<void(v1::EstimateCourseRequest&)> change;
  grpc::StatusCode code;
  std::vector<std::string> mentions;  // the message must contain each
};

std::vector<EstimateErrorCase> EstimateErrorCases() {
  auto ins = [](v1::EstimateCourseRequest& r) { return r.mutable_coverage()->mutable_insurance(); };
  return {
      {"unknown payer",
       [ins](auto& r) { ins(r)->set_payer_id("nosuchpayer"); },
       grpc::StatusCode::NOT_FOUND,
       {"nosuchpayer", "payer_id"}},
      {"unknown plan",
       [ins](auto& r) { ins(r)->set_plan_id("part_z"); },
       grpc::StatusCode::NOT_FOUND,
       {"part_z", "plan_id"}},
      {"unknown clinic",
       [](auto& r) { r.set_clinic_id("nosuchclinic"); },
       grpc::StatusCode::NOT_FOUND,
       {"nosuchclinic", "clinic_id"}},
      {"coinsurance over 100%",
       [ins](auto& r) { ins(r)->mutable_verified_benefits()->set_coinsurance_bp(12000); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"coinsurance_bp", "12000"}},
      {"negative deductible met",
       [ins](auto& r) { ins(r)->mutable_met_so_far()->set_deductible_met_cents(-1); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"deductible_met_cents"}},
      {"treatment unspecified",
       [](auto& r) { r.mutable_course()->set_treatment(v1::TREATMENT_UNSPECIFIED); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"course.treatment"}},
      {"500 years of maintenance",
       [](auto& r) {
         r.mutable_course()->mutable_maintenance()->set_months(6000);
         r.mutable_course()->mutable_maintenance()->set_frequency(v1::MAINTENANCE_FREQUENCY_WEEKLY);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"maintenance.months", "6000"}},
      {"February 30",
       [](auto& r) { r.set_course_start_date("2026-02-30"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"course_start_date"}},
      {"empty request", [](auto& r) { r.Clear(); }, grpc::StatusCode::INVALID_ARGUMENT, {}},
      {"no coverage",
       [](auto& r) { r.clear_coverage(); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"coverage"}},
      {"network unspecified",
       [ins](auto& r) { ins(r)->set_network(v1::NETWORK_UNSPECIFIED); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"coverage.insurance.network"}},
      {"unknown protocol",
       [](auto& r) { r.mutable_course()->set_protocol_id("tms_saint_50"); },
       grpc::StatusCode::NOT_FOUND,
       {"tms_saint_50", "protocol_id"}},
      {"protocol of another treatment",
       [](auto& r) { r.mutable_course()->set_protocol_id("spravato_label"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"spravato_label", "course.protocol_id"}},
      {"Spravato dose not in the label",
       [](auto& r) {
         r.mutable_course()->set_treatment(v1::TREATMENT_SPRAVATO);
         r.mutable_course()->mutable_spravato()->set_dose_mg(70);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"course.spravato.dose_mg", "70"}},
      {"Medicare has no pharmacy benefit",
       [](auto& r) {
         r.mutable_course()->set_treatment(v1::TREATMENT_SPRAVATO);
         r.mutable_course()->mutable_spravato()->set_drug_benefit(v1::BENEFIT_PHARMACY);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"course.spravato.drug_benefit"}},
  };
}

TEST_F(e2eServer, BadRequestsAreRejectedWithTheFieldNamedAndChangeNothing) {
  v1::EstimateCourseResponse before;
  const grpc::Status ok_before = Estimate(MedicareTmsRequest(), &before);
  ASSERT_TRUE(ok_before.ok()) << StatusText(ok_before);

  for (const EstimateErrorCase& c : EstimateErrorCases()) {
    SCOPED_TRACE(c.name);
    v1::EstimateCourseRequest request = MedicareTmsRequest();
    c.change(request);
    v1::EstimateCourseResponse response;
    const grpc::Status s = Estimate(request, &response);
    EXPECT_EQ(s.error_code(), c.code) << StatusText(s);
    EXPECT_FALSE(s.error_message().empty());
    for (const std::string& word : c.mentions) {
      EXPECT_TRUE(absl::StrContains(s.error_message(), word))
          << "message '" << s.error_message() << "' does not mention '" << word << "'";
    }
  }

  // CompareTreatments validates the same way, naming the course by index.
  {
    v1::CompareTreatmentsRequest request = AetnaCompareRequest();
    request.add_courses()->set_treatment(v1::TREATMENT_TMS);
    v1::CourseOptions* spravato = request.add_courses();
    spravato->set_treatment(v1::TREATMENT_SPRAVATO);
    spravato->mutable_maintenance()->set_months(6000);
    spravato->mutable_maintenance()->set_frequency(v1::MAINTENANCE_FREQUENCY_MONTHLY);
    v1::CompareTreatmentsResponse response;
    const grpc::Status s = Compare(request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(s);
    EXPECT_TRUE(absl::StrContains(s.error_message(), "courses[1].maintenance.months"))
        << s.error_message();

    request.mutable_courses(1)->set_treatment(v1::TREATMENT_TMS);
    request.mutable_courses(1)->clear_maintenance();
    const grpc::Status twice = Compare(request, &response);
    EXPECT_EQ(twice.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(twice);
    EXPECT_TRUE(absl::StrContains(twice.error_message(), "courses[1].treatment"))
        << twice.error_message();

    const grpc::Status empty = Compare(v1::CompareTreatmentsRequest(), &response);
    EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(empty);
  }

  // The server is still healthy and answers exactly as before.
  for (const std::string service : {"", kServiceName}) {
    const HealthResult h = CheckHealth(*channel_, service);
    ASSERT_TRUE(h.status.ok()) << StatusText(h.status);
    EXPECT_EQ(h.serving_status, kServing) << "service '" << service << "'";
  }
  v1::EstimateCourseResponse after;
  const grpc::Status ok_after = Estimate(MedicareTmsRequest(), &after);
  ASSERT_TRUE(ok_after.ok()) << StatusText(ok_after);
  EXPECT_EQ(Diff(before, after), "");
}

TEST_F(e2eServer, ConcurrentCallsGetTheSameAnswer) {
  v1::EstimateCourseResponse expected;
  ASSERT_TRUE(Estimate(MedicareTmsRequest(), &expected).ok());
  v1::CompareTreatmentsResponse expected_compare;
  ASSERT_TRUE(Compare(AetnaCompareRequest(), &expected_compare).ok());

  constexpr int kThreads = 8, kCallsPerThread = 4;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        if ((t + i) % 2 == 0) {
          v1::EstimateCourseResponse r;
          if (!Estimate(MedicareTmsRequest(), &r).ok() ||
              !MessageDifferencer::Equals(r, expected)) {
            ++failures;
          }
        } else {
          v1::CompareTreatmentsResponse r;
          if (!Compare(AetnaCompareRequest(), &r).ok() ||
              !MessageDifferencer::Equals(r, expected_compare)) {
            ++failures;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// ---- a server that must not start --------------------------------------------------------------

// True if some line of `text` starts with `prefix`.
bool HasLineStartingWith(const std::string& text, const std::string& prefix) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, prefix)) return true;
  }
  return false;
}

// 1-based line and column of the first occurrence of `needle` in a file.
std::pair<int, int> FindInFile(const std::string& path, const std::string& needle) {
  int number = 0;
  for (absl::string_view line : absl::StrSplit(ReadFileOrEmpty(path), '\n')) {
    ++number;
    const size_t at = line.find(needle);
    if (at != absl::string_view::npos) return {number, static_cast<int>(at) + 1};
  }
  return {-1, -1};
}

ProcessResult RunServerOn(const std::string& rules_dir, bool* port_file_written) {
  const std::string dir = MakeTempDir("estimator_e2e_refuse");
  const std::string port_file = dir + "/port";
  ProcessResult result = ServerProcess::RunToCompletion(
      ServerBinary(),
      {"--rules_dir=" + rules_dir, "--listen=127.0.0.1:0", "--plaintext", "--port_file=" + port_file});
  *port_file_written = fs::exists(port_file);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return result;
}

TEST(e2eRefuseToStart, InvalidValueInAPlanFileIsReportedAtItsLineAndColumn) {
  const std::string file = "plans/aetna_open_access_ppo_2026.textproto";
  // The testdata keeps its deliberate mistake where this test says it is.
  ASSERT_EQ(FindInFile(BrokenRulesDir() + "/" + file, "coinsurance_bp: 12000"),
            std::make_pair(56, 3));
  bool port_file_written = true;
  const ProcessResult r = RunServerOn(BrokenRulesDir(), &port_file_written);
  EXPECT_FALSE(r.timed_out) << "the server kept running on broken rules";
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  EXPECT_FALSE(port_file_written);
  EXPECT_FALSE(absl::StrContains(r.stdout_text, "listening on")) << r.stdout_text;
  const std::string prefix = file + ":56:3: ";
  EXPECT_TRUE(HasLineStartingWith(r.stderr_text, prefix))
      << "no stderr line starts with '" << prefix << "'; stderr:\n"
      << r.stderr_text;
  EXPECT_TRUE(absl::StrContains(r.stderr_text, "coinsurance_bp")) << r.stderr_text;
}

TEST(e2eRefuseToStart, SyntaxErrorInAPlanFileIsReportedAtItsLineAndColumn) {
  const std::string file = "plans/medicare_part_b_2026.textproto";
  // The closing brace of in_network is missing (line 63), so the parser reads line 66's
  // `out_of_network {` as a field of NetworkBenefits, which has none: the error points at the
  // unknown name (protobuf itself reports the token after it; the server moves it to the name).
  ASSERT_EQ(FindInFile(BrokenSyntaxDir() + "/" + file, "out_of_network {"), std::make_pair(66, 1));
  bool port_file_written = true;
  const ProcessResult r = RunServerOn(BrokenSyntaxDir(), &port_file_written);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  EXPECT_FALSE(port_file_written);
  EXPECT_FALSE(absl::StrContains(r.stdout_text, "listening on")) << r.stdout_text;
  const std::string prefix = file + ":66:1: ";
  EXPECT_TRUE(HasLineStartingWith(r.stderr_text, prefix))
      << "no stderr line starts with '" << prefix << "'; stderr:\n"
      << r.stderr_text;
  EXPECT_TRUE(absl::StrContains(r.stderr_text, "out_of_network")) << r.stderr_text;
}

TEST(e2eRefuseToStart, MissingRulesDirectory) {
  const std::string missing = SourceDir() + "/tests/testdata/no_such_rules_dir";
  bool port_file_written = true;
  const ProcessResult r = RunServerOn(missing, &port_file_written);
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  EXPECT_FALSE(port_file_written);
  EXPECT_TRUE(absl::StrContains(r.stderr_text, "no_such_rules_dir")) << r.stderr_text;
}

// ---- signals -----------------------------------------------------------------------------------

TEST(e2eShutdown, SigtermStopsTheServerWithExitCodeZero) {
  ServerProcess server(ServerBinary(), RulesDir());
  const absl::Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started;
  auto channel = grpc::CreateChannel(server.Address(), grpc::InsecureChannelCredentials());
  const HealthResult h = CheckHealth(channel, kServiceName);
  ASSERT_TRUE(h.status.ok()) << StatusText(h.status) << "\n" << server.StderrText();
  ASSERT_EQ(h.serving_status, kServing);

  const auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(server.Stop(), 0) << "stderr:\n" << server.StderrText();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(10))
      << "an idle server should stop well within the grace period";
  EXPECT_FALSE(server.running());

  // Nothing answers on the port any more.
  const HealthResult after = CheckHealth(channel, kServiceName);
  EXPECT_FALSE(after.status.ok()) << "a stopped server answered";
}

// Polls `condition` every 10 ms for up to 10 s.
template <typename Condition>
bool Eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

std::string RuleSetVersionOf(v1::EstimatorService::Stub& stub,
                             v1::ListPayersResponse* out = nullptr) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
  v1::ListPayersResponse r;
  if (!stub.ListPayers(&context, v1::ListPayersRequest(), &r).ok()) return "(ListPayers failed)";
  if (out != nullptr) *out = r;
  return r.rule_set_version();
}

TEST(e2eRuleReload, VersionIsAContentHashAndSighupKeepsTheLastGoodRules) {
  const std::string copy = MakeTempDir("estimator_e2e_rules");
  ASSERT_FALSE(copy.empty());
  fs::copy(RulesDir(), copy, fs::copy_options::recursive);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{copy};

  ServerProcess original(ServerBinary(), RulesDir());
  ServerProcess server(ServerBinary(), copy);
  ASSERT_TRUE(original.Start().ok()) << original.StderrText();
  ASSERT_TRUE(server.Start().ok()) << server.StderrText();
  auto original_stub = v1::EstimatorService::NewStub(
      grpc::CreateChannel(original.Address(), grpc::InsecureChannelCredentials()));
  auto channel = grpc::CreateChannel(server.Address(), grpc::InsecureChannelCredentials());
  auto stub = v1::EstimatorService::NewStub(channel);

  // Same bytes in another directory: the same version.
  const std::string v1_version = RuleSetVersionOf(*stub);
  EXPECT_EQ(v1_version, RuleSetVersionOf(*original_stub));

  // A changed file (a comment is enough): SIGHUP loads it under a new version.
  const std::string medicare = copy + "/plans/medicare_part_b_2026.textproto";
  { std::ofstream(medicare, std::ios::app) << "# edited by the e2e test\n"; }
  ASSERT_TRUE(server.Signal(SIGHUP));
  ASSERT_TRUE(Eventually([&] { return RuleSetVersionOf(*stub) != v1_version; }))
      << "SIGHUP did not load the edited rules; stderr:\n"
      << server.StderrText();
  v1::ListPayersResponse payers;
  const std::string v2_version = RuleSetVersionOf(*stub, &payers);
  for (const auto& p : payers.plans()) {
    if (p.file() == "plans/medicare_part_b_2026.textproto") {
      EXPECT_EQ(p.file_version(), Sha256HexOfFile(medicare));
    }
  }

  // A broken file: SIGHUP is refused, the last good rules keep serving.
  fs::copy_file(BrokenRulesDir() + "/plans/aetna_open_access_ppo_2026.textproto",
                copy + "/plans/aetna_open_access_ppo_2026.textproto",
                fs::copy_options::overwrite_existing);
  ASSERT_TRUE(server.Signal(SIGHUP));
  ASSERT_TRUE(Eventually([&] {
    return absl::StrContains(server.StderrText(),
                             "plans/aetna_open_access_ppo_2026.textproto:56:3:");
  })) << "the rejected reload was not logged; stderr:\n"
      << server.StderrText();
  EXPECT_EQ(RuleSetVersionOf(*stub), v2_version);
  const HealthResult h = CheckHealth(channel, kServiceName);
  EXPECT_TRUE(h.status.ok() && h.serving_status == kServing) << StatusText(h.status);
  grpc::ClientContext context;
  v1::EstimateCourseResponse estimate;
  const grpc::Status s = stub->EstimateCourse(&context, MedicareTmsRequest(), &estimate);
  EXPECT_TRUE(s.ok()) << StatusText(s);
  EXPECT_EQ(estimate.rule_set_version(), v2_version);
  EXPECT_EQ(server.Stop(), 0) << server.StderrText();
}


}  // namespace
}  // namespace estimator::e2e
