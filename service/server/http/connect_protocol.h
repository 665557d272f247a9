// The Connect protocol's unary calls (https://connectrpc.com/docs/protocol), the parts that are
// pure text: a status as Connect's error code, HTTP status and JSON error body; the request
// headers Connect defines; the codecs. No sockets: http_front.h puts them together.
//
//   POST /estimator.v1.EstimatorService/EstimateCourse
//   Content-Type: application/json          (or application/proto)
//   Connect-Protocol-Version: 1              (optional)
//   Connect-Timeout-Ms: 2500                 (optional, 1 to 10 digits)
//
//   200 with the answer in the request's codec, or e.g.
//   400 {"code":"invalid_argument","message":"course_start_date: ..."}
#ifndef ESTIMATOR_SERVER_HTTP_CONNECT_PROTOCOL_H_
#define ESTIMATOR_SERVER_HTTP_CONNECT_PROTOCOL_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"

namespace estimator::connect {

// "invalid_argument", "not_found", ...: the gRPC code's name in lower snake case.
std::string CodeName(absl::StatusCode code);
// The HTTP status Connect's table gives a code (invalid_argument 400, unauthenticated 401,
// permission_denied 403, not_found 404, resource_exhausted 429, unimplemented 501,
// unavailable 503, deadline_exceeded 504, canceled 499, ...).
int HttpStatus(absl::StatusCode code);
// {"code":"...","message":"..."}: the message is cut to kMaxErrorMessageBytes (a hostile request
// must not be echoed back at length) and JSON-escaped.
std::string ErrorBody(const absl::Status& status);
inline constexpr size_t kMaxErrorMessageBytes = 512;

// The two codecs a unary call may use, named by the media type of its Content-Type.
enum class Codec { kJson, kProto };
// The codec of a Content-Type header ("application/json; charset=utf-8" is JSON), or nullopt for
// any other media type.
std::optional<Codec> CodecOf(absl::string_view content_type);
absl::string_view ContentType(Codec codec);

// A Connect-Timeout-Ms value as a duration: 1 to 10 ASCII digits, nothing else. INVALID_ARGUMENT
// naming the header otherwise (a negative, empty, signed or 11-digit value).
absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view value);

// The request body decoded into `message` (proto3 JSON mapping with unknown fields refused, or
// the binary wire format). INVALID_ARGUMENT saying what is wrong, short, otherwise.
absl::Status Decode(Codec codec, absl::string_view body, google::protobuf::Message& message);
// An answer encoded in `codec` (JSON: proto3 mapping, lowerCamelCase names, defaults omitted).
absl::StatusOr<std::string> Encode(Codec codec, const google::protobuf::Message& message);

}  // namespace estimator::connect

#endif  // ESTIMATOR_SERVER_HTTP_CONNECT_PROTOCOL_H_
