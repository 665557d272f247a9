#include "service/server/http/connect_protocol.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "service/server/http/proto_json.h"

namespace estimator::connect {

std::string CodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kCancelled: return "canceled";  // Connect's spelling
    case absl::StatusCode::kOk: return "ok";
    default: return absl::AsciiStrToLower(absl::StatusCodeToString(code));
  }
}

int HttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kFailedPrecondition: return 400;
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists: return 409;
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    default: return 500;  // unknown, internal, data_loss
  }
}

namespace {

// `text` as the inside of a JSON string.
void AppendJsonEscaped(absl::string_view text, std::string& out) {
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppend(&out, "\\u00", absl::Hex(c, absl::kZeroPad2));
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

// `text` cut to at most `limit` bytes without splitting a UTF-8 sequence.
absl::string_view CutUtf8(absl::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string ErrorBody(const absl::Status& status) {
  std::string body = absl::StrCat("{\"code\":\"", CodeName(status.code()), "\",\"message\":\"");
  const absl::string_view message = CutUtf8(status.message(), kMaxErrorMessageBytes);
  AppendJsonEscaped(message, body);
  if (message.size() < status.message().size()) body += "...";
  body += "\"}";
  return body;
}

std::optional<Codec> CodecOf(absl::string_view content_type) {
  const absl::string_view media =
      absl::StripAsciiWhitespace(content_type.substr(0, content_type.find(';')));
  if (absl::EqualsIgnoreCase(media, "application/json")) return Codec::kJson;
  if (absl::EqualsIgnoreCase(media, "application/proto")) return Codec::kProto;
  return std::nullopt;
}

absl::string_view ContentType(Codec codec) {
  return codec == Codec::kJson ? "application/json" : "application/proto";
}

absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view value) {
  if (value.empty() || value.size() > 10) {
    return absl::InvalidArgumentError("Connect-Timeout-Ms: expected 1 to 10 digits");
  }
  int64_t ms = 0;
  for (char c : value) {
    if (!absl::ascii_isdigit(c)) {
      return absl::InvalidArgumentError("Connect-Timeout-Ms: expected 1 to 10 digits");
    }
    ms = ms * 10 + (c - '0');
  }
  return absl::Milliseconds(ms);
}

absl::Status Decode(Codec codec, absl::string_view body, google::protobuf::Message& message) {
  // The type is named only in a refusal: no copy of its name on the way of a good request.
  const std::string& type = message.GetDescriptor()->full_name();
  if (codec == Codec::kProto) {
    if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      return absl::InvalidArgumentError(
          absl::StrCat("request body: not a valid ", type, " in the protobuf wire format"));
    }
    return absl::OkStatus();
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;  // a field we do not know is a mistake worth naming
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), &message, options);
  if (!parsed.ok()) {
    const absl::string_view why(parsed.message().data(), parsed.message().size());
    return absl::InvalidArgumentError(absl::StrCat(
        "request body: not a valid ", type, " in JSON: ", CutUtf8(why, 200)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Encode(Codec codec, const google::protobuf::Message& message) {
  std::string out;
  if (codec == Codec::kProto) {
    if (!message.SerializeToString(&out)) return absl::InternalError("cannot encode the answer");
    return out;
  }
  // Our printer writes protobuf's bytes in a third of the time; protobuf's own where it declines.
  if (PrintJson(message, out)) return out;
  out.clear();
  const auto printed = google::protobuf::util::MessageToJsonString(message, &out);
  if (!printed.ok()) return absl::InternalError("cannot encode the answer as JSON");
  return out;
}

}  // namespace estimator::connect
