#!/usr/bin/env bash
# make bench: build chatapi and loadgen, run the loadgen scenarios of the
# realtime targets against the server on SQLite (a temporary file), the send
# scenarios and three instances on a throwaway PostgreSQL cluster (fsync and
# synchronous_commit on, as in production), and print one table of target,
# measured and PASS/MISS. Every step is given the server's pid (and
# PostgreSQL's), so every RESULT reports the CPU of the server(s), of
# PostgreSQL and of the load generator itself over what it measured.
#
# Environment:
#   BENCH_QUICK=1        short durations, one run each, smaller sizes (development)
#   BENCH_OUT=DIR        keep logs, RESULT lines and the table there (default: a temp dir, kept)
#   BENCH_LOG_LEVEL      the server's LOG_LEVEL (default warn: request logs are not what is measured)
#   BENCH_ONLY=REGEX     run only the steps whose name matches: send, baseline,
#                        fanout-delivered, fanout-ack, history, history-rich,
#                        sync, resume, conns, conns-held, storm, cluster, bus,
#                        search, upload, blocklist (e.g. 'fanout' or
#                        'cluster|bus'; send, baseline, search and
#                        blocklist run on SQLite and PostgreSQL both)
#   BENCH_SKIP_PG=1      skip PostgreSQL
#   BENCH_PPROF_ADDR     PPROF_ADDR of the server (127.0.0.1:PORT); the
#                        cluster's instances take PORT, PORT+1, PORT+2
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
	D=2s RUNS=1 FAN_RUNS=1 FAN_M=200 FAN_D=5s HIST_D=2s HIST_K=2000
	CONNS=2000 HELD=2000 HOLD=10s STORM=200
	CL_M=60 CL_D=5s BUS_D=2s
	SEARCH_K=100000 SEARCH_D=5s UPLOADS=100
else
	D=10s RUNS=3 FAN_RUNS=3 FAN_M=1000 FAN_D=30s HIST_D=5s HIST_K=10000
	CONNS=10000 HELD=19000 HOLD=2m STORM=1000
	CL_M=600 CL_D=30s BUS_D=5s
	SEARCH_K=1000000 SEARCH_D=20s UPLOADS=500
fi

echo "bench: building"
mkdir -p bin
go build -o bin/chatapi ./cmd/chatapi
go build -o bin/loadgen ./tools/loadgen

PIDS=()
PGDATA_DIR=""
PG_BIN=""
DB_PID=""
cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [[ -n $PGDATA_DIR ]]; then pg "$PG_BIN/pg_ctl" stop -m immediate -D "$PGDATA_DIR/data" >/dev/null 2>&1 || true; rm -rf "$PGDATA_DIR"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# pprof_addr I: BENCH_PPROF_ADDR's port plus I, or nothing.
pprof_addr() {
	[[ -n ${BENCH_PPROF_ADDR:-} ]] || return 0
	echo "${BENCH_PPROF_ADDR%:*}:$((${BENCH_PPROF_ADDR##*:} + $1))"
}

# start_instance NAME DATABASE_URL I: starts bin/chatapi as instance I;
# appends to BASES and SERVER_PIDS.
start_instance() {
	local name=$1 db=$2 i=$3 port base pid
	port=$(free_port)
	CHATAPI_ADDR=127.0.0.1:$port MASTER_API_KEY=$MASTER DATABASE_URL=$db LOG_LEVEL=$LOG_LEVEL STORAGE_URL=file://$OUT/files-$name \
		INSTANCE_ID=bench-$name PPROF_ADDR=$(pprof_addr "$i") bin/chatapi >"$OUT/server-$name.log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	base=http://127.0.0.1:$port
	for _ in $(seq 100); do
		if curl -fsS "$base/health" >/dev/null 2>&1; then
			BASES=${BASES:+$BASES,}$base
			SERVER_PIDS=${SERVER_PIDS:+$SERVER_PIDS,}$pid
			return 0
		fi
		sleep 0.1
	done
	echo "bench: server $name did not start; log:" >&2
	tail -20 "$OUT/server-$name.log" >&2
	return 1
}

# start_servers NAME DATABASE_URL [N]: N instances (default 1) on one
# database; sets BASES, BASE (the first) and SERVER_PIDS.
start_servers() {
	local name=$1 db=$2 n=${3:-1}
	BASES="" SERVER_PIDS=""
	if ((n == 1)); then
		start_instance "$name" "$db" 0
	else
		for i in $(seq 0 $((n - 1))); do start_instance "$name-$i" "$db" "$i"; done
	fi
	BASE=${BASES%%,*}
}

stop_servers() {
	local pid
	for pid in ${SERVER_PIDS//,/ }; do kill "$pid" 2>/dev/null || true; done
	for pid in ${SERVER_PIDS//,/ }; do wait "$pid" 2>/dev/null || true; done
	SERVER_PIDS=""
}

# wanted NAME...: whether any of the steps named is to run.
wanted() {
	local n
	for n in "$@"; do [[ $n =~ $ONLY ]] && return 0; done
	return 1
}

# step NAME LABEL ARGS...: one loadgen invocation against the running
# server(s), its output kept. The servers' and PostgreSQL's pids go with it.
step() {
	local name=$1 label=$2; shift 2
	wanted "$name" || return 0
	echo "bench: $name ($label)"
	local pids=(-server-pid "$SERVER_PIDS")
	[[ -n $DB_PID ]] && pids+=(-db-pid "$DB_PID")
	if ! bin/loadgen -base "$BASE" -master-key "$MASTER" -label "$label" "${pids[@]}" "$@" | tee -a "$RESULTS" | grep -v '^RESULT '; then
		echo "bench: $name failed" | tee -a "$RESULTS"
	fi
}

pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# The targets of issue 13 (medians of 3 where RUNS/FAN_RUNS say so).
SEND_CHECK='msgs_per_s>=12000,p99_ms<=10,gaps==0,dups==0,lost==0,errors==0'
PG_SEND_CHECK='baseline_ratio>=2,gaps==0,dups==0,lost==0,errors==0'
BLOCKLIST_CHECK='ratio>=0.9,errors==0'
FAN_CHECK='missing==0,out_of_order==0,duplicates==0,closed_by_server==0,error_events==0,errors==0'

# --- SQLite ---------------------------------------------------------------
if wanted send baseline fanout-delivered fanout-ack history history-rich sync resume blocklist; then
	start_servers sqlite "$OUT/bench.db"
	step send sqlite -scenario send -c 32 -g 8 -d "$D" -runs "$RUNS" -check "$SEND_CHECK"
	# Issue 17: the send load with a 10,000-word blocklist over without.
	step blocklist sqlite -scenario blocklist -c 32 -g 8 -d "$D" -runs "$RUNS" -check "$BLOCKLIST_CHECK"
	step baseline sqlite -scenario baseline -c 32 -g 8 -d "$D" -runs "$RUNS" -database-url "$OUT/bench.db"
	# Receivers that confirm what they got every 200 ms, delivered (received,
	# never read) or ack (read): 30 s, past the redelivery timer, so that a
	# duplicate shows.
	step fanout-delivered sqlite -scenario fanout -m "$FAN_M" -r 50 -d "$FAN_D" -confirm delivered -runs "$FAN_RUNS" -check "$FAN_CHECK,p99_ms<=15"
	step fanout-delivered sqlite -scenario fanout -m 200 -r 500 -d "$FAN_D" -confirm delivered -runs "$FAN_RUNS" -check "$FAN_CHECK,p99_ms<=6"
	step fanout-ack sqlite -scenario fanout -m "$FAN_M" -r 50 -d "$FAN_D" -confirm ack -runs "$FAN_RUNS" -check "$FAN_CHECK,p99_ms<=20"
	step fanout-ack sqlite -scenario fanout -m 200 -r 500 -d "$FAN_D" -confirm ack -runs "$FAN_RUNS" -check "$FAN_CHECK,p99_ms<=10"
	step history sqlite -scenario history -k 10000 -d "$HIST_D" -runs "$RUNS" -check 'pages_per_s>=2000'
	# Issue 14: the same pages, each message with 5 reaction types and a
	# thread summary; its p50 against the plain history's is the ratio.
	step history-rich sqlite -scenario history -rich -k "$HIST_K" -d "$HIST_D" -runs "$RUNS"
	step sync sqlite -scenario sync -k 1000 -runs "$RUNS" -check 'all_received_ms<=1000,sync_complete_ms<=1000,missing==0'
	step resume sqlite -scenario sync -resume -k 10000 -runs "$RUNS" -check 'ws_resume_ms<=200,rest_resume_ms<=200,missing==0,out_of_order==0,duplicates==0'
	stop_servers
fi

# conns on a fresh process each, so the RSS it reports is the connections'.
if wanted conns; then
	start_servers conns "$OUT/conns.db"
	step conns sqlite -scenario conns -n "$CONNS" -step 1000 -check "rss_per_conn_kb<=10,connect_s<=1,open_at_end==$CONNS"
	stop_servers
fi
if wanted conns-held; then
	start_servers conns-held "$OUT/conns-held.db"
	# 19,000 (the open-file limit is 20,000 per process) held two minutes:
	# the heartbeat pings them all, and none may drop.
	step conns-held sqlite -scenario conns -n "$HELD" -step 1000 -hold "$HOLD" -timeout 10m -check "open_at_end==$HELD,dropped_while_held==0"
	stop_servers
fi
if wanted storm; then
	start_servers storm "$OUT/storm.db"
	# M clients at once into one room of M members: each synced and live
	# (a message sent right after reaches all) within 2 s of the start; the
	# presence frames it cost are reported.
	step storm sqlite -scenario storm -m "$STORM" -runs "$RUNS" -check 'synced_s<=2,live_s<=2,not_synced==0,not_live==0,closed_by_server==0'
	stop_servers
fi

# Search over SEARCH_K messages of one tenant (issue 16): loadgen loads
# them through the database (the real schema, its triggers filling the
# full-text index), rebuilds the index as migration 0013 would, then one
# member searches over REST for SEARCH_D per run; the RUNS runs share
# the one load.
if wanted search; then
	start_servers search "$OUT/search.db"
	step search sqlite -scenario search -k "$SEARCH_K" -d "$SEARCH_D" -runs "$RUNS" -database-url "$OUT/search.db" -timeout 45m
	stop_servers
fi
# Uploads of 1 MiB text files on the local storage backend (issue 16): the
# three steps (POST /uploads, PUT, complete) from 4 clients at once, UPLOADS
# files a run, each run in a fresh tenant (a tenant's quota is 1 GiB).
if wanted upload; then
	start_servers upload "$OUT/upload.db"
	step upload sqlite -scenario upload -c 4 -k "$UPLOADS" -size 1048576 -runs "$RUNS"
	stop_servers
fi

# --- PostgreSQL -----------------------------------------------------------
if [[ ${BENCH_SKIP_PG:-} != 1 ]] && wanted send baseline history history-rich cluster bus search blocklist; then
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[[ -n $PG_BIN ]] || PG_BIN=$(dirname "$(command -v initdb)")
	PGDATA_DIR=$(mktemp -d -t chatapi-bench-pg-XXXXXX)
	[[ $(id -u) == 0 ]] && chown postgres:postgres "$PGDATA_DIR"
	PGPORT=$(free_port)
	pg "$PG_BIN/initdb" -D "$PGDATA_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$OUT/initdb.log"
	# fsync and synchronous_commit stay on (the defaults), as in production.
	pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/log" -w \
		-o "-p $PGPORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=300" start >/dev/null
	DB_PID=$(head -1 "$PGDATA_DIR/data/postmaster.pid")
	PGURL="postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"
	if wanted send baseline blocklist; then
		start_servers postgres "$PGURL"
		step send postgres -scenario send -c 32 -g 8 -d "$D" -runs "$RUNS" -check "$PG_SEND_CHECK"
		step baseline postgres -scenario baseline -c 32 -g 8 -d "$D" -runs "$RUNS" -database-url "$PGURL"
		step blocklist postgres -scenario blocklist -c 32 -g 8 -d "$D" -runs "$RUNS" -check "$BLOCKLIST_CHECK"
		stop_servers
	fi
	if wanted history history-rich; then
		start_servers postgres-history "$PGURL"
		step history postgres -scenario history -k "$HIST_K" -d "$HIST_D" -runs "$RUNS" -database-url "$PGURL"
		# Each run seeds 50,000 reactions and 10,000 replies into one room,
		# every one a transaction that takes the room's row in turn: about
		# four minutes a run here, past the load generator's default bound.
		step history-rich postgres -scenario history -rich -k "$HIST_K" -d "$HIST_D" -runs "$RUNS" -database-url "$PGURL" -timeout 30m
		stop_servers
	fi
	if wanted cluster bus; then
		# Three instances on the one database: 600 receivers spread over
		# them acking every 200 ms, messages sent through each in turn; then
		# the bus's ceiling: senders on the first, receivers on the others.
		start_servers cluster "$PGURL" 3
		step cluster postgres -scenario cluster -bases "$BASES" -m "$CL_M" -r 100 -d "$CL_D" -confirm ack -runs "$RUNS" -check "$FAN_CHECK,p99_ms<=50"
		step bus postgres -scenario bus -bases "$BASES" -g 8 -m 4 -r 100 -d "$BUS_D" -confirm delivered -limit 100ms -timeout 10m
		stop_servers
	fi
	if wanted search; then
		start_servers search-postgres "$PGURL"
		step search postgres -scenario search -k "$SEARCH_K" -d "$SEARCH_D" -runs "$RUNS" -database-url "$PGURL" -timeout 45m
		stop_servers
	fi
fi

echo
echo "bench: results in $OUT"
{
	echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); loadavg before table: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	bin/loadgen table <"$RESULTS"
} | tee "$OUT/table.md"
