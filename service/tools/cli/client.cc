#include "service/tools/cli/client.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "service/common/dates.h"
#include "service/tools/cli/api.h"
#include "service/common/money.h"
#include "service/common/status_macros.h"
#include "service/tools/cli/estimate_format.h"
#include "service/tools/cli/requests.h"
#include "service/tools/table_format.h"

namespace estimator {
namespace cli {


// ---- The calls ----------------------------------------------------------------------------------

// gRPC's codes are Abseil's, number for number; a code newer than both prints as a number.
std::string StatusCodeName(grpc::StatusCode code) {
  std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? absl::StrCat("CODE_", static_cast<int>(code)) : name;
}

int UsageError(const absl::Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  return kExitUsage;
}

int CallFailed(const grpc::Status& status) {
  std::cerr << "error: " << StatusCodeName(status.error_code()) << ": "
            << SingleLine(status.error_message()) << "\n";
  return kExitCallFailed;
}

// Prints the response as JSON when asked; returns the exit code, or nullopt to print tables.
std::optional<int> MaybePrintJson(const google::protobuf::Message& response) {
  if (!absl::GetFlag(FLAGS_json)) return std::nullopt;
  absl::Status status = PrintJson(response);
  if (status.ok()) return kExitOk;
  std::cerr << "error: " << status.message() << "\n";
  return kExitCallFailed;
}

// The channel's credentials from the connection flags: TLS (and a client certificate) when a CA is
// given, plaintext otherwise.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFromFlags() {
  const std::string ca_file = absl::GetFlag(FLAGS_tls_ca_file);
  const std::string cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  const std::string key_file = absl::GetFlag(FLAGS_tls_key_file);
  if (ca_file.empty()) {
    if (!cert_file.empty() || !key_file.empty()) {
      return FlagError("tls_ca_file", "required with --tls_cert_file/--tls_key_file");
    }
    return grpc::InsecureChannelCredentials();
  }
  if (cert_file.empty() != key_file.empty()) {
    return FlagError(cert_file.empty() ? "tls_cert_file" : "tls_key_file",
                     "give both --tls_cert_file and --tls_key_file, or neither");
  }
  grpc::SslCredentialsOptions ssl;
  ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFlagFile("tls_ca_file", ca_file));
  if (!cert_file.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFlagFile("tls_cert_file", cert_file));
    ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFlagFile("tls_key_file", key_file));
  }
  return grpc::SslCredentials(ssl);
}

// The bearer token from --token_file or $ESTIMATOR_TOKEN; "" for none.
absl::StatusOr<std::string> TokenFromFlags() {
  std::string token;
  if (const std::string file = absl::GetFlag(FLAGS_token_file); !file.empty()) {
    ASSIGN_OR_RETURN(token, ReadFlagFile("token_file", file));
  } else if (const char* env = std::getenv("ESTIMATOR_TOKEN"); env != nullptr) {
    token = env;
  }
  return std::string(absl::StripAsciiWhitespace(token));
}


}  // namespace cli
}  // namespace estimator
