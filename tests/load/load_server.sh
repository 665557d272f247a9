# Sourced by the h2load tests of the real server (load_test.sh, batch_load_test.sh): the build
# directory (the script's argument, default build-bench, else build) and its server, the tools
# (h2load and nghttp, installed with apt-get if missing; protoc), a work folder, the server started
# on a free port and stopped on exit, and what the tests read from h2load and /proc.
#
#   source "$ROOT/tests/load/load_server.sh" "${1:-}"   # needs ROOT; sets BUILD, SERVER, WORK
#   start_server "$ROOT/payer_rules"                    # sets SERVER_PID, PORT, URL

BUILD="${1:-}"
if [[ -z "$BUILD" ]]; then
  for d in build-bench build; do [[ -x "$ROOT/$d/estimator_server" ]] && { BUILD="$ROOT/$d"; break; }; done
fi
BUILD="$(cd "${BUILD:?no build directory with estimator_server (build it first)}" && pwd)"
SERVER="$BUILD/estimator_server"


need() { command -v "$1" >/dev/null 2>&1; }
if ! need h2load || ! need nghttp; then
  echo "installing nghttp2-client (h2load, nghttp)..." >&2
  SUDO=""; [[ "$(id -u)" != 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nghttp2-client >&2
fi
need protoc || { echo "protoc missing: apt-get install protobuf-compiler" >&2; exit 1; }
[[ -x "$SERVER" ]] || { echo "no server binary at $SERVER" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

start_server() {  # start_server RULES_DIR
  rm -f "$WORK/port"
  "$SERVER" --rules_dir="$1" --listen=127.0.0.1:0 --port_file="$WORK/port" --plaintext --quote_store="sqlite:$WORK/quotes.db" \
    > "$WORK/server.out" 2> "$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 600); do
    [[ -s "$WORK/port" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
  done
  PORT="$(cat "$WORK/port")"
  URL="http://127.0.0.1:$PORT"
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
# CPU time the server process has used (user + system), in clock ticks: per call, it does not
# depend on how busy the rest of the machine is the way requests per second does.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
TICKS_PER_SECOND=$(getconf CLK_TCK)

# The grpc-status trailer of one call, through nghttp (an HTTP/2 client that shows trailers):
# the body $WORK/KEY.bin sent to ${PATH_OF[KEY]}.
grpc_status() {  # grpc_status KEY
  nghttp -v -H 'content-type: application/grpc' -H 'te: trailers' -d "$WORK/$1.bin" \
    "$URL${PATH_OF[$1]}" 2>&1 | awk '/recv \(stream_id=[0-9]+\) grpc-status:/ {print $NF}' | tail -1
}

# Requests per second of the last h2load run (its output in $WORK/h2load.out).
rps_of() { awk '/^finished in/ {gsub(",", "", $4); print $4}' "$WORK/h2load.out"; }
# Percentile of the per-request times (third column of h2load's log, microseconds), in ms.
percentile() {  # percentile LOG P
  cut -f3 "$1" | sort -n | awk -v p="$2" '{v[NR]=$1} END {i=int(NR*p/100+0.999999); if (i<1) i=1; printf "%.2f", v[i]/1000}'
}
# The median of the numbers on standard input (space-separated).
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
