#!/usr/bin/env bash
# A private PostgreSQL 15 for the tests: its own data folder and port, never the system's cluster.
#   postgres_fixture.sh start STATE_DIR   initdb + start on a free port; writes STATE_DIR/url
#   postgres_fixture.sh restart STATE_DIR stop and start again on the same port (reconnect tests)
#   postgres_fixture.sh stop STATE_DIR    stop and remove the data
# As root (CI), the server runs as the `postgres` user (initdb refuses root); otherwise as the
# caller. Idempotent: `start` with a running server reuses it. Trust authentication on
# 127.0.0.1 only: a throwaway test cluster holding no real data.
set -euo pipefail
CMD="${1:?start|restart|stop}"
STATE="${2:?state dir}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
  echo "postgres_fixture: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
mkdir -p "$STATE"
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data_dir() { cat "$STATE/data_dir" 2>/dev/null || true; }

running() {
  local d; d="$(data_dir)"
  [ -n "$d" ] && as_pg "$PG_BIN/pg_ctl" -D "$d" status >/dev/null 2>&1
}

start_server() {
  local d port; d="$(data_dir)"; port="$(cat "$STATE/port")"
  as_pg "$PG_BIN/pg_ctl" -D "$d" -l "$d/server.log" -w -t 60 \
    -o "-p $port -k $d -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null
}

case "$CMD" in
  start)
    if running; then echo "postgres_fixture: already running: $(cat "$STATE/url")"; exit 0; fi
    # The postgres user must reach the folder: a fresh one under /tmp, owned by it.
    d="$(mktemp -d /tmp/estimator-pg.XXXXXX)"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$d"; fi
    chmod 700 "$d"
    echo "$d" > "$STATE/data_dir"
    as_pg "$PG_BIN/initdb" -D "$d" -A trust -U postgres --no-sync -E UTF8 >"$STATE/initdb.log" 2>&1 || {
      cat "$STATE/initdb.log" >&2; exit 1; }
    # A free port: ask the kernel for one, then hand it to PostgreSQL.
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    echo "$port" > "$STATE/port"
    start_server
    echo "postgresql://postgres@127.0.0.1:$port/postgres" > "$STATE/url"
    echo "postgres_fixture: started on 127.0.0.1:$port ($d)"
    ;;
  restart)
    d="$(data_dir)"
    as_pg "$PG_BIN/pg_ctl" -D "$d" -m fast -w stop >/dev/null
    start_server
    ;;
  stop)
    d="$(data_dir)"
    if [ -n "$d" ]; then
      as_pg "$PG_BIN/pg_ctl" -D "$d" -m fast -w stop >/dev/null 2>&1 || true
      rm -rf "$d"
    fi
    rm -f "$STATE/url" "$STATE/data_dir" "$STATE/port"
    echo "postgres_fixture: stopped"
    ;;
  *) echo "usage: $0 start|restart|stop STATE_DIR" >&2; exit 2 ;;
esac
