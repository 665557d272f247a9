#include "service/server/access_control.h"

#include <atomic>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"
#include "service/common/sha256.h"
#include "service/rules/located_problems.h"
#include "service/rules/rule_files.h"

namespace estimator {
namespace {

constexpr absl::string_view kBearer = "Bearer ";
// A token longer than this is not one we issued; it is not even hashed.
constexpr size_t kMaxTokenBytes = 512;

bool IsCallerName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

bool IsSha256Hex(absl::string_view hash) {
  if (hash.size() != 64) return false;
  for (char c : hash) {
    if (!(absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

const char* MethodName(Method method) {
  switch (method) {
    case Method::kEstimateCourse: return "EstimateCourse";
    case Method::kCompareTreatments: return "CompareTreatments";
    case Method::kListPayers: return "ListPayers";
    case Method::kCheckPriorAuthReadiness: return "CheckPriorAuthReadiness";
    case Method::kBatchCheckPriorAuthReadiness: return "BatchCheckPriorAuthReadiness";
    case Method::kGetRuleStatus: return "GetRuleStatus";
    case Method::kReloadRules: return "ReloadRules";
    case Method::kSaveQuote: return "SaveQuote";
    case Method::kGetQuote: return "GetQuote";
    case Method::kListQuotes: return "ListQuotes";
    case Method::kVoidQuote: return "VoidQuote";
    case Method::kIssueGoodFaithEstimate: return "IssueGoodFaithEstimate";
    case Method::kCheckDisputeEligibility: return "CheckDisputeEligibility";
    case Method::kPurgeQuotes: return "PurgeQuotes";
  }
  return "?";
}

std::string RoleName(v1::Role role) {
  std::string name = v1::Role_Name(role);
  if (absl::StartsWith(name, "ROLE_")) name = name.substr(5);
  return absl::AsciiStrToLower(name);
}

AccessControl AccessControl::AllowEveryone() {
  AccessControl access;
  access.enforced_ = false;
  return access;
}

absl::StatusOr<AccessControl> AccessControl::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot be read"));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<RuleFile<v1::AccessConfig>> file =
      ParseRuleFile<v1::AccessConfig>(path, text.str());
  if (!file.ok()) return file.status();
  const v1::AccessConfig& config = file->message;
  const Where where = Where::Of(*file);
  if (config.callers().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":1:1: no callers; list at least one"));
  }
  AccessControl access;
  for (int i = 0; i < config.callers_size(); ++i) {
    const v1::Caller& c = config.callers(i);
    const Where at = where.In("callers", i);
    auto problem = [&](absl::string_view field, absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(at.At(field), ": ", field, ": ", what));
    };
    if (!IsCallerName(c.name())) return problem("name", "must be 1-64 characters of [a-z0-9_.-]");
    if (c.role() == v1::ROLE_UNSPECIFIED) {
      return problem("role", "required (ROLE_PORTAL, ROLE_FRONT_DESK, ROLE_BILLING or ROLE_ADMIN)");
    }
    const Caller caller{c.name(), c.role()};
    switch (c.credential_case()) {
      case v1::Caller::kTokenSha256:
        if (!IsSha256Hex(c.token_sha256())) {
          return problem("token_sha256",
                         "must be 64 lower-case hex digits (`estimator hash-token` prints it)");
        }
        if (!access.by_token_hash_.emplace(c.token_sha256(), caller).second) {
          return problem("token_sha256", "the same token is listed twice");
        }
        break;
      case v1::Caller::kClientCertificateName:
        if (c.client_certificate_name().empty()) {
          return problem("client_certificate_name", "empty");
        }
        if (!access.by_certificate_name_.emplace(c.client_certificate_name(), caller).second) {
          return problem("client_certificate_name", "the same name is listed twice");
        }
        break;
      case v1::Caller::CREDENTIAL_NOT_SET:
        return problem("name", "no credential; give token_sha256 or client_certificate_name");
    }
  }
  return access;
}

absl::StatusOr<Caller> AccessControl::Authenticate(const grpc::ServerContextBase& context) const {
  if (!enforced_) return Caller{"anonymous", v1::ROLE_ADMIN};
  PresentedCredentials presented;
  // A client certificate the TLS handshake verified against the configured CA.
  if (const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
      auth != nullptr && auth->IsPeerAuthenticated()) {
    for (const grpc::string_ref& name : auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME)) {
      presented.certificate_names.emplace_back(name.data(), name.size());
    }
  }
  const auto& metadata = context.client_metadata();
  if (const auto header = metadata.find("authorization"); header != metadata.end()) {
    presented.authorization = absl::string_view(header->second.data(), header->second.size());
  }
  return Authenticate(presented);
}

absl::StatusOr<Caller> AccessControl::Authenticate(const PresentedCredentials& presented) const {
  if (!enforced_) return Caller{"anonymous", v1::ROLE_ADMIN};
  for (const std::string& name : presented.certificate_names) {
    const auto found = by_certificate_name_.find(name);
    if (found != by_certificate_name_.end()) return found->second;
  }
  if (!presented.authorization.has_value()) {
    return absl::UnauthenticatedError(
        "no credentials: send \"authorization: Bearer <token>\" or a client certificate");
  }
  const absl::string_view value = *presented.authorization;
  if (!absl::StartsWith(value, kBearer) || value.size() > kBearer.size() + kMaxTokenBytes) {
    return absl::UnauthenticatedError("authorization: expected \"Bearer <token>\"");
  }
  const absl::string_view token = value.substr(kBearer.size());
  if (std::optional<Caller> known = verified_->Find(token)) return *std::move(known);
  const auto found = by_token_hash_.find(Sha256Hex(token));
  if (found == by_token_hash_.end()) {
    return absl::UnauthenticatedError("authorization: unknown token");
  }
  verified_->Add(token, found->second);
  return found->second;
}

namespace {

struct ThreadTokens {
  uint64_t generation = 0;
  absl::flat_hash_map<std::string, Caller> by_token;
};

// This thread's verified tokens for the VerifiedTokens of `generation`.
ThreadTokens& TokensOfThisThread(uint64_t generation) {
  thread_local ThreadTokens tokens;
  if (tokens.generation != generation) {
    tokens.by_token.clear();
    tokens.generation = generation;
  }
  return tokens;
}

std::atomic<uint64_t> g_next_generation{1};

}  // namespace

VerifiedTokens::VerifiedTokens() : generation_(g_next_generation++) {}

std::optional<Caller> VerifiedTokens::Find(absl::string_view token) const {
  const ThreadTokens& tokens = TokensOfThisThread(generation_);
  const auto found = tokens.by_token.find(token);
  if (found == tokens.by_token.end()) return std::nullopt;
  return found->second;
}

void VerifiedTokens::Add(absl::string_view token, const Caller& caller) {
  TokensOfThisThread(generation_).by_token.emplace(token, caller);
}

absl::Status Authorize(const Caller& caller, Method method, bool with_documentation) {
  bool allowed = false;
  switch (caller.role) {
    case v1::ROLE_ADMIN:
      allowed = true;
      break;
    case v1::ROLE_FRONT_DESK:
    case v1::ROLE_BILLING:
      allowed = method != Method::kReloadRules && method != Method::kPurgeQuotes;
      break;
    case v1::ROLE_PORTAL:
      // The patient's own estimates, saved and read back by id; never a listing of others'.
      allowed = method == Method::kListPayers || method == Method::kGetQuote ||
                ((method == Method::kEstimateCourse || method == Method::kCompareTreatments ||
                  method == Method::kSaveQuote) &&
                 !with_documentation);
      break;
    default:
      allowed = false;
  }
  if (allowed) return absl::OkStatus();
  if (caller.role == v1::ROLE_PORTAL && with_documentation &&
      (method == Method::kEstimateCourse || method == Method::kCompareTreatments ||
       method == Method::kSaveQuote)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role portal may not send documentation with ", MethodName(method),
        ": readiness with clinical detail is for the front desk and billing roles"));
  }
  return absl::PermissionDeniedError(
      absl::StrCat("role ", RoleName(caller.role), " may not call ", MethodName(method)));
}

}  // namespace estimator
