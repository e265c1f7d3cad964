// Command loadgen measures a running ChatAPI server through its REST and
// WebSocket APIs. Each scenario creates its own tenant (with the master key),
// users and rooms, runs bounded in count and time, and prints one
// machine-readable line, "RESULT " followed by JSON, and a readable table.
//
//	loadgen -base http://127.0.0.1:8080 -master-key KEY -scenario send -c 32 -g 8 -d 10s
//	loadgen -scenario fanout -m 1000 -r 50 -d 10s [-mixed -c 16]
//	loadgen -scenario conns -n 10000 -step 1000 -server-pid PID [-hold 2m]
//	loadgen -scenario storm -m 1000
//	loadgen -scenario history -k 10000
//	loadgen -scenario sync -k 1000
//	loadgen -scenario sync -resume -k 10000
//	loadgen -scenario baseline -database-url URL -c 32 -d 10s
//	loadgen -scenario cluster -bases URL,URL,URL -m 600 -r 100 -d 30s -confirm ack
//	loadgen -scenario bus -bases URL,URL,URL -g 8 -m 4 -r 100 -d 5s
//	loadgen -scenario search -database-url URL -k 1000000 -d 30s
//	loadgen -scenario upload -c 4 -k 500 -size 1048576
//	loadgen -scenario blocklist -c 32 -g 8 -d 10s
//	loadgen table < results.log    # the RESULT lines of several runs as one table
//
// Every RESULT reports the CPU the load generator used over what it
// measured, beside the servers' (-server-pid PID[,PID…]) and PostgreSQL's
// (-db-pid: the postmaster's pid), in cores.
//
// Only loopback servers are accepted: this is a load generator for the
// machine it runs on, not a tool to point at someone else's.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
)

// gcPercent is the load generator's GOGC unless the environment sets
// one. It shares the machine's cores with the server it measures, so its
// own CPU is taken from the server's figures: it trades memory (a few
// hundred MB at most, at 19,000 connections) for half the collections.
// While the conns scenario opened 10,000 connections, GOGC=200 took its
// CPU from 0.93 s to 0.835 s (medians of 4, alternated with the default).
const gcPercent = 200

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// Bounds on what one invocation may ask for.
const (
	maxDuration = 10 * time.Minute
	// maxTimeout bounds a whole invocation: a search run loads and indexes
	// a million messages first.
	maxTimeout  = time.Hour
	maxSenders  = 1024
	maxRooms    = 1024
	maxMembers  = 1000 // the API's members limit on room creation
	maxConns    = 50000
	maxMessages = 1_000_000
	maxRate     = 100000
	maxRuns     = 10
	maxBases    = 16
	maxPayload  = 4000       // the API's content limit
	maxFileSize = 25_000_000 // the API's default file size limit
)

// options are the flags of a scenario run.
type options struct {
	base string
	// bases are the instances of a cluster (cluster, bus); base is the first.
	bases     []string
	masterKey string
	scenario  string
	label     string
	runs      int
	check     string
	timeout   time.Duration

	senders  int           // -c
	rooms    int           // -g
	duration time.Duration // -d
	members  int           // -m
	rate     int           // -r
	mixed    bool
	conns    int // -n
	step     int
	pid      int           // the first of pids (conns reads its RSS)
	pids     []int         // -server-pid: every server measured
	dbPID    int           // -db-pid: PostgreSQL's postmaster
	hold     time.Duration // conns: how long to keep them idle
	messages int           // -k
	rich     bool          // -rich
	fileSize int           // upload: -size
	rebuild  bool          // search: time a rebuild of the index after the load
	dbURL    string
	// confirm is what fanout receivers send back: none, delivered or ack.
	confirm string
	// resume makes sync resume from a cursor (see runResume).
	resume bool
	// payload pads each fanout, cluster or bus message to this many bytes
	// of content (0: no padding).
	payload int
	// via is which instances a cluster sends through: all (in turn) or first.
	via string
	// limit is the bus scenario's latency bound: the ramp stops past it.
	limit time.Duration

	// cpu measures the current run (set by run).
	cpu *cpuMeter
	// cpuProfile is where the first run's measured interval is profiled
	// (the load generator's own CPU), or "".
	cpuProfile string
}

func parseOptions(args []string, getenv func(string) string) (options, error) {
	var o options
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.StringVar(&o.base, "base", envOr(getenv, "CHATAPI_BASE", "http://127.0.0.1:8080"), "server base URL, loopback only (CHATAPI_BASE)")
	fs.StringVar(&o.masterKey, "master-key", getenv("MASTER_API_KEY"), "the server's master key (MASTER_API_KEY)")
	var bases, pids string
	fs.StringVar(&bases, "bases", "", "cluster, bus: the instances' base URLs, comma-separated (loopback only); the first replaces -base")
	fs.StringVar(&o.scenario, "scenario", "send", "send, fanout, conns, storm, history, sync, baseline, cluster, bus, search, upload or blocklist")
	fs.StringVar(&o.label, "label", "", "a name for this run in the RESULT line and table (e.g. sqlite, postgres)")
	fs.IntVar(&o.runs, "runs", 1, "run the scenario this many times and report the median")
	fs.StringVar(&o.check, "check", "", "targets, e.g. 'msgs_per_s>=9000,p99_ms<=10,gaps==0': the RESULT says pass or miss")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "bound on the whole invocation")
	fs.IntVar(&o.senders, "c", 32, "concurrent REST senders (send, fanout -mixed, baseline)")
	fs.IntVar(&o.rooms, "g", 8, "rooms the senders share (send, fanout -mixed, baseline)")
	fs.DurationVar(&o.duration, "d", 10*time.Second, "how long to send (send, fanout, baseline); how long to read (history)")
	fs.IntVar(&o.members, "m", 1000, "room members connected over WebSocket (fanout, storm)")
	fs.IntVar(&o.rate, "r", 50, "messages per second from the fanout sender")
	fs.BoolVar(&o.mixed, "mixed", false, "fanout: run a send load (-c senders, -g rooms) at the same time")
	fs.IntVar(&o.conns, "n", 10000, "idle connections to open (conns)")
	fs.IntVar(&o.step, "step", 1000, "connections per step (conns)")
	fs.DurationVar(&o.hold, "hold", 0, "conns: keep the connections idle this long after connecting, counting those dropped")
	fs.StringVar(&pids, "server-pid", "", "server process ids, PID[,PID…] in the order of -bases: their CPU is reported, and conns reads the first's RSS from /proc (without it, /metrics)")
	fs.IntVar(&o.dbPID, "db-pid", 0, "PostgreSQL's postmaster pid: its CPU (with its children's) is reported")
	fs.IntVar(&o.payload, "payload", 0, "fanout, cluster, bus: pad each message's content to this many bytes")
	fs.StringVar(&o.via, "via", "all", "cluster: send through all instances in turn, or the first only")
	fs.DurationVar(&o.limit, "limit", 100*time.Millisecond, "bus: the ramp stops once the hop's p99 (a message published on one instance, received on another) passes this")
	fs.IntVar(&o.messages, "k", 10000, "messages to read back (history), to sync (sync) or to search (search); files to upload (upload)")
	fs.BoolVar(&o.rich, "rich", false, "history: each message gets 5 reaction types (one the reader's) and a reply, sent after all of them, so every page holds 100 messages with reactions and a thread summary (issue 14)")
	fs.StringVar(&o.confirm, "confirm", "none", "fanout: what each receiver confirms every 200 ms: none, delivered (received) or ack (read)")
	fs.BoolVar(&o.resume, "resume", false, "sync: resume from a cursor taken before the K messages, over WebSocket and over REST")
	fs.StringVar(&o.dbURL, "database-url", "", "baseline, search: the server's database (SQLite path or postgres:// URL); history: a PostgreSQL one is vacuumed after the seeding")
	fs.IntVar(&o.fileSize, "size", 1<<20, "upload: bytes of each file")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write the load generator's own CPU profile of the first run's measured interval to this file")
	fs.BoolVar(&o.rebuild, "rebuild", true, "search: after the load, time a rebuild of the full-text index (index_build_s)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.pids, err = parsePIDs(pids); err != nil {
		return o, err
	}
	if len(o.pids) > 0 {
		o.pid = o.pids[0]
	}
	for b := range strings.SplitSeq(bases, ",") {
		if b = strings.TrimSpace(b); b != "" {
			o.bases = append(o.bases, b)
		}
	}
	if len(o.bases) > 0 {
		o.base = o.bases[0]
	} else {
		o.bases = []string{o.base}
	}
	return o, o.validate()
}

func (o options) validate() error {
	var errs []error
	bound := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			errs = append(errs, fmt.Errorf("%s = %d: must be %d to %d", name, v, lo, hi))
		}
	}
	bound("-c", o.senders, 1, maxSenders)
	bound("-g", o.rooms, 1, maxRooms)
	bound("-m", o.members, 1, maxMembers)
	bound("-r", o.rate, 1, maxRate)
	bound("-n", o.conns, 1, maxConns)
	bound("-step", o.step, 1, maxConns)
	bound("-k", o.messages, 1, maxMessages)
	bound("-runs", o.runs, 1, maxRuns)
	bound("-size", o.fileSize, 1, maxFileSize)
	if o.duration <= 0 || o.duration > maxDuration {
		errs = append(errs, fmt.Errorf("-d %v: must be above 0 and at most %v", o.duration, maxDuration))
	}
	if o.hold < 0 || o.hold > maxDuration {
		errs = append(errs, fmt.Errorf("-hold %v: must be 0 to %v", o.hold, maxDuration))
	}
	if o.timeout <= 0 || o.timeout > maxTimeout {
		errs = append(errs, fmt.Errorf("-timeout %v: must be above 0 and at most %v", o.timeout, maxTimeout))
	}
	bound("-payload", o.payload, 0, maxPayload)
	if len(o.bases) > maxBases {
		errs = append(errs, fmt.Errorf("-bases: at most %d", maxBases))
	}
	for _, b := range o.bases {
		if err := checkLoopback(b); err != nil {
			errs = append(errs, err)
		}
	}
	if o.scenario == "bus" && len(o.bases) < 2 {
		errs = append(errs, errors.New("-scenario bus: -bases needs two instances at least (a sender's and a receivers')"))
	}
	switch o.via {
	case "all", "first":
	default:
		errs = append(errs, fmt.Errorf("-via %q: must be all or first", o.via))
	}
	if o.limit <= 0 {
		errs = append(errs, fmt.Errorf("-limit %v: must be above 0", o.limit))
	}
	switch o.confirm {
	case "none", "delivered", "ack":
	default:
		errs = append(errs, fmt.Errorf("-confirm %q: must be none, delivered or ack", o.confirm))
	}
	if o.masterKey == "" {
		errs = append(errs, errors.New("the master key is needed: -master-key or MASTER_API_KEY"))
	}
	if _, err := parseChecks(o.check); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkLoopback refuses a base URL whose host is not a loopback address.
func checkLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("-base: %w", err)
	}
	if u.Scheme != "http" {
		return fmt.Errorf("-base %q: only http:// to a loopback address", base)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-base %q: loadgen only targets loopback addresses (127.0.0.0/8, ::1, localhost)", base)
	}
	return nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "table" {
		return printTable(stdin, stdout)
	}
	o, err := parseOptions(args, getenv)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	sc := scenarioNamed(o.scenario)
	if sc == nil {
		return fmt.Errorf("unknown scenario %q", o.scenario)
	}
	var runs []outcome
	for i := range o.runs {
		o.cpu = newCPUMeter(o.pids, o.dbPID)
		if i == 0 {
			o.cpu.profile = o.cpuProfile
		}
		out, err := sc(ctx, o)
		if err != nil {
			return fmt.Errorf("%s run %d: %w", o.scenario, i+1, err)
		}
		o.cpu.report(&out)
		runs = append(runs, out)
	}
	return summarize(o, runs).print(stdout)
}

// scenario runs once and reports what it measured.
type scenario func(ctx context.Context, o options) (outcome, error)

func scenarioNamed(name string) scenario {
	switch name {
	case "send":
		return runSend
	case "fanout":
		return runFanout
	case "conns":
		return runConns
	case "storm":
		return runStorm
	case "history":
		return runHistory
	case "sync":
		return runSync
	case "baseline":
		return runBaseline
	case "cluster":
		return runCluster
	case "bus":
		return runBus
	case "search":
		return runSearch
	case "upload":
		return runUpload
	case "blocklist":
		return runBlocklist
	}
	return nil
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}
