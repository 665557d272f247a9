# Sourced by the load tests: request bodies as h2load sends them for a unary gRPC call
# (1 flag byte, 4-byte big-endian length, the serialized request). Needs ROOT and WORK set.

frame() {  # frame IN OUT
  local n; n=$(stat -c %s "$1")
  printf "\\x00\\x$(printf %02x $((n >> 24 & 255)))\\x$(printf %02x $((n >> 16 & 255)))\\x$(printf %02x $((n >> 8 & 255)))\\x$(printf %02x $((n & 255)))" > "$2"
  cat "$1" >> "$2"
}

encode() {  # encode MESSAGE_TYPE TEXT OUT [PROTO_FILE]: text format -> framed request body
  printf '%s' "$2" | protoc -I "$ROOT/proto" --encode="$1" \
    "$ROOT/proto/${4:-estimator/v1/estimator.proto}" > "$WORK/raw"
  frame "$WORK/raw" "$3"
}
