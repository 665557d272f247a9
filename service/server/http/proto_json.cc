#include "service/server/http/proto_json.h"

#include <deque>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace estimator::connect {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Whether protobuf writes `c` as it is inside a JSON string: printable ASCII but '"', '\\', '<'
// and '>' (escaped so that JSON can sit inside HTML).
bool Plain(unsigned char c) {
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>';
}

// A string's JSON form, escaped as protobuf 3.21 escapes it; false for a byte outside printable
// ASCII that is not one of the escapes below (non-ASCII text: protobuf's printer writes it).
bool AppendString(absl::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    size_t run = i;
    while (run < s.size() && Plain(static_cast<unsigned char>(s[run]))) ++run;
    out.append(s.data() + i, run - i);  // the plain characters, in one copy
    if (run == s.size()) break;
    const auto u = static_cast<unsigned char>(s[run]);
    switch (u) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        if (u >= 0x80) return false;
        // Other control characters, DEL, '<' and '>'.
        const char escaped[] = {'\\', 'u', '0', '0', kHex[u >> 4], kHex[u & 0xf]};
        out.append(escaped, sizeof escaped);
      }
    }
    i = run + 1;
  }
  out += '"';
  return true;
}

template <typename Int>
void AppendInt(Int v, bool quoted, std::string& out) {
  char buffer[absl::numbers_internal::kFastToBufferSize];
  const char* end = absl::numbers_internal::FastIntToBuffer(v, buffer);
  if (quoted) out += '"';
  out.append(buffer, end - buffer);
  if (quoted) out += '"';
}

bool AppendMessage(const Message& message, std::string& out);
bool AppendFields(const Message& message, const Reflection& r,
                  const std::vector<const FieldDescriptor*>& fields, std::string& out);

// One value of `field` (element `index` when repeated, else -1).
bool AppendValue(const Message& message, const Reflection& r, const FieldDescriptor& field,
                 int index, std::string& out) {
  const bool repeated = index >= 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      AppendInt(repeated ? r.GetRepeatedInt32(message, &field, index) : r.GetInt32(message, &field),
                false, out);
      return true;
    case FieldDescriptor::CPPTYPE_UINT32:
      AppendInt(repeated ? r.GetRepeatedUInt32(message, &field, index)
                         : r.GetUInt32(message, &field),
                false, out);
      return true;
    case FieldDescriptor::CPPTYPE_INT64:
      AppendInt(repeated ? r.GetRepeatedInt64(message, &field, index) : r.GetInt64(message, &field),
                true, out);
      return true;
    case FieldDescriptor::CPPTYPE_UINT64:
      AppendInt(repeated ? r.GetRepeatedUInt64(message, &field, index)
                         : r.GetUInt64(message, &field),
                true, out);
      return true;
    case FieldDescriptor::CPPTYPE_BOOL: {
      const bool v = repeated ? r.GetRepeatedBool(message, &field, index)
                              : r.GetBool(message, &field);
      out += v ? "true" : "false";
      return true;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = repeated ? r.GetRepeatedEnumValue(message, &field, index)
                                  : r.GetEnumValue(message, &field);
      const google::protobuf::EnumValueDescriptor* value =
          field.enum_type()->FindValueByNumber(number);
      if (value == nullptr) {
        AppendInt(number, false, out);
      } else {
        out += '"';
        out += value->name();
        out += '"';
      }
      return true;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      if (field.type() == FieldDescriptor::TYPE_BYTES) return false;  // base64: not written here
      std::string scratch;
      const std::string& s = repeated
                                 ? r.GetRepeatedStringReference(message, &field, index, &scratch)
                                 : r.GetStringReference(message, &field, &scratch);
      return AppendString(s, out);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return AppendMessage(repeated ? r.GetRepeatedMessage(message, &field, index)
                                    : r.GetMessage(message, &field),
                           out);
    case FieldDescriptor::CPPTYPE_FLOAT:
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return false;  // protobuf's shortest round-trip formatting: not reproduced here
  }
  return false;
}

bool AppendMessage(const Message& message, std::string& out) {
  const Descriptor& type = *message.GetDescriptor();
  if (type.file()->package() == "google.protobuf") return false;  // well-known types
  const Reflection& r = *message.GetReflection();
  // ListFields: the fields set (proto3: not at their default; repeated: not empty), by number;
  // into a vector kept per thread and nesting depth, so a call allocates none once warm (a deque:
  // growing it for a deeper level leaves the outer levels where they are).
  thread_local std::deque<std::vector<const FieldDescriptor*>> lists;
  thread_local size_t depth = 0;
  if (depth == lists.size()) lists.emplace_back();
  std::vector<const FieldDescriptor*>& fields = lists[depth];
  fields.clear();
  r.ListFields(message, &fields);
  ++depth;
  const bool written = AppendFields(message, r, fields, out);
  --depth;
  return written;
}

bool AppendFields(const Message& message, const Reflection& r,
                  const std::vector<const FieldDescriptor*>& fields, std::string& out) {
  out += '{';
  bool first = true;
  for (const FieldDescriptor* field : fields) {
    if (field->is_map() || field->is_extension()) return false;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += field->json_name();
    out += "\":";
    if (!field->is_repeated()) {
      if (!AppendValue(message, r, *field, -1, out)) return false;
      continue;
    }
    out += '[';
    const int n = r.FieldSize(message, field);
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += ',';
      if (!AppendValue(message, r, *field, i, out)) return false;
    }
    out += ']';
  }
  out += '}';
  return true;
}

}  // namespace

bool PrintJson(const google::protobuf::Message& message, std::string& out) {
  // JSON runs 1.5-2.5x the wire size: room for most answers at once, at most one regrowth.
  out.reserve(out.size() + 2 * message.ByteSizeLong());
  return AppendMessage(message, out);
}

}  // namespace estimator::connect
