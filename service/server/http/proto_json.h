// Connect's JSON answers, written in one pass over the message's reflection.
//
// protobuf 3.21's MessageToJsonString serializes the message to the wire format, then reads
// that back through a type resolver to write JSON: for a 4 KB estimate it costs about three times
// what the engine spent making the answer (BENCHMARKS.md, issue 19). PrintJson writes the same
// bytes directly for the field types our answers use (integers, bool, enums, strings, messages,
// repeated fields), and says when it cannot, so that the caller uses protobuf's printer instead:
//
//   std::string json;
//   if (!PrintJson(answer, json)) MessageToJsonString(answer, &json);   // same bytes either way
//
// What it writes is protobuf's default printing: fields in field-number order under their
// json_name, fields at their default value left out (proto3 `optional` ones printed when set),
// 64-bit integers quoted, enums by name (by number when the value has no name), strings escaped as
// protobuf escapes them. It declines (returns false, `out` unspecified) for float, double, bytes,
// maps, google.protobuf.* messages, and strings holding a byte outside printable ASCII other than
// the escapes it knows. tests/unit/server/proto_json_test.cc compares it with protobuf's printer.
#ifndef ESTIMATOR_SERVER_HTTP_PROTO_JSON_H_
#define ESTIMATOR_SERVER_HTTP_PROTO_JSON_H_

#include <string>

#include "google/protobuf/message.h"

namespace estimator::connect {

// Appends `message` as JSON to `out`; false when it holds something only protobuf's printer
// writes (see above).
bool PrintJson(const google::protobuf::Message& message, std::string& out);

}  // namespace estimator::connect

#endif  // ESTIMATOR_SERVER_HTTP_PROTO_JSON_H_
