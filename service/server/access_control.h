// Who is calling, and whether they may call what they call.
//
// Callers are listed in the --access_config file (access.proto): each has a name, a role and one
// credential, either a bearer token stored as its SHA-256 hash or the common name of a client
// certificate verified by mutual TLS. Without an access config (development, plaintext on
// loopback only) every caller is "anonymous" with the admin role.
//
//   ASSIGN_OR_RETURN(AccessControl access, AccessControl::FromFile("access.textproto"));
//   absl::StatusOr<Caller> caller = access.Authenticate(*context);    // UNAUTHENTICATED
//   absl::Status allowed = Authorize(*caller, Method::kReloadRules);  // PERMISSION_DENIED
#ifndef ESTIMATOR_SERVER_ACCESS_CONTROL_H_
#define ESTIMATOR_SERVER_ACCESS_CONTROL_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "estimator/v1/access.pb.h"
#include "grpcpp/server_context.h"

namespace estimator {

// The methods access is decided for. The health service and reflection are open to all.
enum class Method {
  kEstimateCourse,
  kCompareTreatments,
  kListPayers,
  kCheckPriorAuthReadiness,
  kBatchCheckPriorAuthReadiness,
  kGetRuleStatus,
  kReloadRules,
  kSaveQuote,
  kGetQuote,
  kListQuotes,
  kVoidQuote,
  kIssueGoodFaithEstimate,
  kCheckDisputeEligibility,
  kPurgeQuotes,
};

const char* MethodName(Method method);

// What a call presented, whatever its transport: the common name of a client certificate the
// TLS handshake verified (empty when none), and the "authorization" header (absent: nullopt).
struct PresentedCredentials {
  std::vector<std::string> certificate_names;
  std::optional<absl::string_view> authorization;
};

struct Caller {
  std::string name;  // for the audit log
  v1::Role role = v1::ROLE_UNSPECIFIED;
};

// "portal", "front_desk", "billing", "admin".
std::string RoleName(v1::Role role);

// Bearer tokens that have matched a configured hash, so that a token is hashed once per thread,
// not on every call. Each thread keeps its own small map (no lock, no shared cache line between
// gRPC's threads); only a token whose SHA-256 is in the access config enters, so a thread holds at
// most one entry per configured token. An unknown token is hashed each time and never stored.
class VerifiedTokens {
 public:
  VerifiedTokens();
  std::optional<Caller> Find(absl::string_view token) const;
  void Add(absl::string_view token, const Caller& caller);

 private:
  // Tells this object's thread-local entries from another's (never reused, unlike an address).
  const uint64_t generation_;
};

class AccessControl {
 public:
  // Development: no credentials asked; every caller is "anonymous" with the admin role.
  static AccessControl AllowEveryone();
  // Reads an access config; a mistake is INVALID_ARGUMENT "path:line:column: message".
  static absl::StatusOr<AccessControl> FromFile(const std::string& path);

  // The caller behind a call: a verified client certificate's common name, else the bearer
  // token in the "authorization" metadata. UNAUTHENTICATED when neither names a known caller.
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& context) const;
  // The same for any transport.
  absl::StatusOr<Caller> Authenticate(const PresentedCredentials& presented) const;

  bool enforced() const { return enforced_; }
  size_t caller_count() const { return by_token_hash_.size() + by_certificate_name_.size(); }

 private:
  bool enforced_ = true;
  absl::flat_hash_map<std::string, Caller> by_token_hash_;
  absl::flat_hash_map<std::string, Caller> by_certificate_name_;
  // Shared by copies of this AccessControl (the server keeps one).
  std::shared_ptr<VerifiedTokens> verified_ = std::make_shared<VerifiedTokens>();
};

// OK when `caller`'s role may call `method`; PERMISSION_DENIED naming the role and method
// otherwise. A portal caller may ask for estimates but not send clinical documentation with them
// (`with_documentation`), nor check readiness.
absl::Status Authorize(const Caller& caller, Method method, bool with_documentation = false);

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_ACCESS_CONTROL_H_
