#!/usr/bin/env bash
# make bench: build chatapi and loadgen, run every loadgen scenario against
# the server on SQLite (a temporary file) and the send scenarios on a
# throwaway PostgreSQL cluster (fsync and synchronous_commit on, as in
# production), and print one table of target, measured and PASS/MISS.
#
# Environment:
#   BENCH_QUICK=1        short durations, one run each, smaller sizes (development)
#   BENCH_OUT=DIR        keep logs, RESULT lines and the table there (default: a temp dir, kept)
#   BENCH_LOG_LEVEL      the server's LOG_LEVEL (default warn: request logs are not what is measured)
#   BENCH_ONLY=REGEX     run only the steps whose name matches (e.g. 'send|baseline';
#                        'confirm' for the fan-out with receivers confirming none,
#                        delivered or ack)
#   BENCH_SKIP_PG=1      skip PostgreSQL
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=${BENCH_OUT:-$(mktemp -d -t chatapi-bench-XXXXXX)}
mkdir -p "$OUT"
RESULTS="$OUT/results.log"
: > "$RESULTS"
MASTER=mk_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
LOG_LEVEL=${BENCH_LOG_LEVEL:-warn}
ONLY=${BENCH_ONLY:-.}

if [[ ${BENCH_QUICK:-} == 1 ]]; then
	D=2s RUNS=1 FAN_M=200 CONNS=2000 HIST_D=2s CONFIRM_D=5s
else
	D=10s RUNS=3 FAN_M=1000 CONNS=10000 HIST_D=5s CONFIRM_D=30s
fi

echo "bench: building"
mkdir -p bin
go build -o bin/chatapi ./cmd/chatapi
go build -o bin/loadgen ./tools/loadgen

PIDS=()
PGDATA_DIR=""
PG_BIN=""
cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [[ -n $PGDATA_DIR ]]; then pg "$PG_BIN/pg_ctl" stop -m immediate -D "$PGDATA_DIR/data" >/dev/null 2>&1 || true; rm -rf "$PGDATA_DIR"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_server NAME DATABASE_URL: starts bin/chatapi; sets BASE and SERVER_PID.
start_server() {
	local name=$1 db=$2 port
	port=$(free_port)
	CHATAPI_ADDR=127.0.0.1:$port MASTER_API_KEY=$MASTER DATABASE_URL=$db LOG_LEVEL=$LOG_LEVEL \
		PPROF_ADDR=${BENCH_PPROF_ADDR:-} bin/chatapi >"$OUT/server-$name.log" 2>&1 &
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	BASE=http://127.0.0.1:$port
	for _ in $(seq 100); do
		if curl -fsS "$BASE/health" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
	done
	echo "bench: server $name did not start; log:" >&2
	tail -20 "$OUT/server-$name.log" >&2
	return 1
}

stop_server() {
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
}

# step NAME LABEL ARGS...: one loadgen invocation, its output kept.
step() {
	local name=$1 label=$2; shift 2
	[[ $name =~ $ONLY ]] || return 0
	echo "bench: $name ($label)"
	if ! bin/loadgen -base "$BASE" -master-key "$MASTER" -label "$label" "$@" | tee -a "$RESULTS" | grep -v '^RESULT '; then
		echo "bench: $name failed" | tee -a "$RESULTS"
	fi
}

pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

SEND_CHECK='msgs_per_s>=9000,p99_ms<=10,gaps==0,dups==0,lost==0,errors==0'
PG_SEND_CHECK='msgs_per_s>=3000,baseline_ratio>=0.5,gaps==0,dups==0,lost==0,errors==0'
FAN_CHECK='missing==0,out_of_order==0,closed_by_server==0,errors==0'

# --- SQLite ---------------------------------------------------------------
start_server sqlite "$OUT/bench.db"
step send sqlite -scenario send -c 32 -g 8 -d "$D" -runs "$RUNS" -check "$SEND_CHECK"
step baseline sqlite -scenario baseline -c 32 -g 8 -d "$D" -runs "$RUNS" -database-url "$OUT/bench.db"
step fanout sqlite -scenario fanout -m "$FAN_M" -r 50 -d "$D" -check "$FAN_CHECK,p99_ms<=10"
step fanout sqlite -scenario fanout -m 200 -r 500 -d "$D" -check "$FAN_CHECK,p99_ms<=20"
step fanout-mixed sqlite -scenario fanout -mixed -c 16 -g 8 -m 50 -r 50 -d "$D" -check "$FAN_CHECK,p99_ms<=50,mixed_gaps==0,mixed_dups==0"
# Receivers that confirm: nothing (redelivery runs), delivered every 200 ms
# (received, not read), ack every 200 ms (read). Confirming must lose and
# double nothing; its p99 is to stay within 2x of the first's.
for mode in none delivered ack; do
	check="$FAN_CHECK"
	[[ $mode == none ]] || check="$check,duplicates==0,error_events==0"
	step "confirm-$mode" sqlite -scenario fanout -m "$FAN_M" -r 50 -d "$CONFIRM_D" -confirm "$mode" -check "$check"
done
step history sqlite -scenario history -k 10000 -d "$HIST_D" -runs "$RUNS" -check 'pages_per_s>=2000'
step sync sqlite -scenario sync -k 1000 -runs "$RUNS" -check 'all_received_ms<=1000,sync_complete_ms<=1000,missing==0'
step sync-resume sqlite -scenario sync -resume -k 10000 -runs "$RUNS" -check 'ws_resume_ms<=200,rest_resume_ms<=200,missing==0,out_of_order==0,duplicates==0'
stop_server

# conns on a fresh process, so the RSS it reports is the connections'.
start_server conns "$OUT/conns.db"
step conns sqlite -scenario conns -n "$CONNS" -step 1000 -server-pid "$SERVER_PID" -check "rss_per_conn_kb<=12,connect_s<=10,open_at_end==$CONNS"
stop_server

# --- PostgreSQL -----------------------------------------------------------
if [[ ${BENCH_SKIP_PG:-} != 1 ]] && [[ send =~ $ONLY || baseline =~ $ONLY ]]; then
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[[ -n $PG_BIN ]] || PG_BIN=$(dirname "$(command -v initdb)")
	PGDATA_DIR=$(mktemp -d -t chatapi-bench-pg-XXXXXX)
	[[ $(id -u) == 0 ]] && chown postgres:postgres "$PGDATA_DIR"
	PGPORT=$(free_port)
	pg "$PG_BIN/initdb" -D "$PGDATA_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$OUT/initdb.log"
	# fsync and synchronous_commit stay on (the defaults), as in production.
	pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/log" -w \
		-o "-p $PGPORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=200" start >/dev/null
	PGURL="postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"
	start_server postgres "$PGURL"
	step send postgres -scenario send -c 32 -g 8 -d "$D" -runs "$RUNS" -check "$PG_SEND_CHECK"
	step baseline postgres -scenario baseline -c 32 -g 8 -d "$D" -runs "$RUNS" -database-url "$PGURL"
	stop_server
fi

echo
echo "bench: results in $OUT"
{
	echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); loadavg before table: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	bin/loadgen table <"$RESULTS"
} | tee "$OUT/table.md"
