package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CPU used over a measured interval, in cores (CPU seconds per second),
// read from /proc: the load generator's own (/proc/self/stat), each
// server's (-server-pid) and PostgreSQL's (-db-pid: the postmaster, the
// children it reaped, and its live children: every backend, the
// checkpointer, the WAL writer). On a machine whose cores the load
// generator shares with the server, a latency is only understood beside
// who used the cores meanwhile.

// cpuMeter measures one run. A scenario calls begin at the start of what it
// measures and end at its end; a scenario that calls neither is measured
// over its whole run, setup included (the RESULT's cpu_window says which).
type cpuMeter struct {
	servers []int
	db      int
	// profile, when set, is where the load generator's own CPU profile of
	// the measured interval goes (-cpuprofile).
	profile    string
	profileOut *os.File // open while the profile runs

	start, stop cpuSample
	begun       bool
	ended       bool
}

func newCPUMeter(servers []int, db int) *cpuMeter {
	m := &cpuMeter{servers: servers, db: db}
	m.start = m.sample()
	return m
}

// begin starts (or starts again) the measured interval.
func (m *cpuMeter) begin() {
	if m == nil {
		return
	}
	if m.profile != "" && m.profileOut == nil {
		f, err := startProfile(m.profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen: -cpuprofile:", err)
		}
		m.profileOut = f
	}
	m.start, m.begun, m.ended = m.sample(), true, false
}

// startProfile starts the process's CPU profile into a new file at path.
func startProfile(path string) (*os.File, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// end closes the measured interval; later calls keep the first end.
func (m *cpuMeter) end() {
	if m == nil || m.ended {
		return
	}
	m.stop, m.ended = m.sample(), true
	if m.profileOut != nil {
		pprof.StopCPUProfile()
		if err := m.profileOut.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen: -cpuprofile:", err)
		}
		m.profileOut = nil
		m.profile = "" // one interval: a later begin does not overwrite it
	}
}

// report adds the interval's CPU to out, closing the interval if the
// scenario did not.
func (m *cpuMeter) report(out *outcome) {
	if m == nil {
		return
	}
	m.end()
	window := "measured"
	if !m.begun {
		window = "whole run"
	}
	if out.Params == nil {
		out.Params = map[string]any{}
	}
	out.Params["cpu_window"] = window
	m.stop.addCores(out, m.start)
}

// cpuSample is the CPU seconds used until at by each process measured; a
// negative value is one that could not be read.
type cpuSample struct {
	at      time.Time
	self    float64
	servers []float64
	db      float64
	errs    []string
}

func (m *cpuMeter) sample() cpuSample {
	s := cpuSample{at: time.Now(), servers: make([]float64, len(m.servers)), db: -1}
	var err error
	if s.self, err = procCPU("self", false); err != nil {
		s.self = -1
		s.errs = append(s.errs, err.Error())
	}
	for i, pid := range m.servers {
		if s.servers[i], err = procCPU(strconv.Itoa(pid), false); err != nil {
			s.servers[i] = -1
			s.errs = append(s.errs, err.Error())
		}
	}
	if m.db > 0 {
		if s.db, err = procTreeCPU(m.db); err != nil {
			s.db = -1
			s.errs = append(s.errs, err.Error())
		}
	}
	return s
}

// addCores writes the cores used between since and s into out's metrics:
// loadgen_cpu_cores, server_cpu_cores (the sum of the servers),
// server1_cpu_cores… (each, when there are several) and db_cpu_cores.
func (s cpuSample) addCores(out *outcome, since cpuSample) {
	secs := s.at.Sub(since.at).Seconds()
	if secs <= 0 {
		return
	}
	if out.Metrics == nil {
		out.Metrics = map[string]float64{}
	}
	put := func(name string, from, to float64) bool {
		if from < 0 || to < 0 {
			return false
		}
		out.Metrics[name] = (to - from) / secs
		out.Order = append(out.Order, name)
		return true
	}
	put("loadgen_cpu_cores", since.self, s.self)
	sum, all := 0.0, len(s.servers) > 0
	for i := range s.servers {
		if s.servers[i] < 0 || since.servers[i] < 0 {
			all = false
			continue
		}
		sum += s.servers[i] - since.servers[i]
	}
	if all {
		out.Metrics["server_cpu_cores"] = sum / secs
		out.Order = append(out.Order, "server_cpu_cores")
	}
	if len(s.servers) > 1 {
		for i := range s.servers {
			put(fmt.Sprintf("server%d_cpu_cores", i+1), since.servers[i], s.servers[i])
		}
	}
	if s.db >= 0 || since.db >= 0 {
		put("db_cpu_cores", since.db, s.db)
	}
	for _, e := range append(since.errs, s.errs...) {
		out.Notes = append(out.Notes, "cpu: "+e)
	}
}

// coresSince is a short form of addCores for a report line.
func (s cpuSample) coresSince(since cpuSample) string {
	var o outcome
	s.addCores(&o, since)
	parts := make([]string, 0, len(o.Order))
	for _, k := range o.Order {
		parts = append(parts, fmt.Sprintf("%s %.2f", strings.TrimSuffix(k, "_cpu_cores"), o.Metrics[k]))
	}
	return "cores: " + strings.Join(parts, ", ")
}

// procStat reads the fields of /proc/PID/stat after the command name
// (which may hold spaces and parentheses): fields[0] is the state, field
// number n of proc(5) is fields[n-3].
func procStat(pid string) ([]string, error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return nil, err
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return nil, fmt.Errorf("/proc/%s/stat: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return nil, fmt.Errorf("/proc/%s/stat: %d fields", pid, len(f))
	}
	return f, nil
}

// procCPU is the CPU seconds (user and system) pid used, with those of the
// children it waited for when children is set.
func procCPU(pid string, children bool) (float64, error) {
	f, err := procStat(pid)
	if err != nil {
		return 0, err
	}
	fields := []int{14, 15} // utime, stime
	if children {
		fields = append(fields, 16, 17) // cutime, cstime
	}
	var ticks int64
	for _, n := range fields {
		v, err := strconv.ParseInt(f[n-3], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%s/stat field %d: %w", pid, n, err)
		}
		ticks += v
	}
	return float64(ticks) / float64(clockTicks()), nil
}

// procTreeCPU is the CPU seconds of a PostgreSQL server: the postmaster
// with the children it reaped, and each live child (the postmaster's
// children do not fork further).
func procTreeCPU(root int) (float64, error) {
	total, err := procCPU(strconv.Itoa(root), true)
	if err != nil {
		return 0, err
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	parent := strconv.Itoa(root)
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		f, err := procStat(e.Name())
		if err != nil || f[1] != parent { // field 4: ppid
			continue // gone meanwhile, or not a child
		}
		if secs, err := procCPU(e.Name(), false); err == nil {
			total += secs
		}
	}
	return total, nil
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/PID/stat's times:
// AT_CLKTCK of the auxiliary vector, 100 if it cannot be read.
var clockTicks = sync.OnceValue(func() int64 {
	b, err := os.ReadFile("/proc/self/auxv")
	if err != nil {
		return 100
	}
	const atClkTck = 17
	for i := 0; i+16 <= len(b); i += 16 {
		if binary.NativeEndian.Uint64(b[i:]) == atClkTck {
			if v := int64(binary.NativeEndian.Uint64(b[i+8:])); v > 0 {
				return v
			}
		}
	}
	return 100
})

// parsePIDs reads "PID[,PID…]".
func parsePIDs(s string) ([]int, error) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		pid, err := strconv.Atoi(part)
		if err != nil || pid <= 0 {
			return nil, errors.New("-server-pid " + strconv.Quote(s) + ": want PID[,PID…]")
		}
		out = append(out, pid)
	}
	return out, nil
}
