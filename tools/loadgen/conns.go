package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// runConns opens N idle connections in steps and reports the server's RSS
// growth per connection and how long the connects took, with the CPU the
// server and the load generator used meanwhile. With -hold it then
// keeps them idle that long (the server's heartbeat pings them; the clients
// answer) and counts the connections dropped meanwhile.
func runConns(ctx context.Context, o options) (outcome, error) {
	a := newAPI(o.base, 8)
	defer a.close()
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-conns")
	if err != nil {
		return outcome{}, err
	}
	rss := func() (int64, error) { return serverRSS(ctx, a, o.pid) }
	hc := wsHTTPClient()
	defer hc.CloseIdleConnections()

	// Warm up: the first connections pay for buffers and maps that are not
	// per connection.
	warm, err := connectMembers(ctx, tn, hc, []string{"warm0", "warm1"}, "", "none", 2)
	closeMembers(warm)
	if err != nil {
		return outcome{}, err
	}
	time.Sleep(500 * time.Millisecond)
	before, err := rss()
	if err != nil {
		return outcome{}, err
	}
	users := userIDs("idle", o.conns)
	var all []*member
	defer func() { closeMembers(all) }()
	var connectTotal, worstStep time.Duration
	// The CPU reported is the connects': the server's and this process's
	// while the steps ran (one after the other, nothing between them).
	o.cpu.begin()
	for i := 0; i < len(users); i += o.step {
		step := users[i:min(i+o.step, len(users))]
		t0 := time.Now()
		ms, err := connectMembers(ctx, tn, hc, step, "", "none", 100)
		all = append(all, ms...)
		if err != nil {
			return outcome{}, fmt.Errorf("step at %d: %w", i, err)
		}
		for _, m := range ms {
			select {
			case <-m.synced:
			case <-m.done:
				return outcome{}, fmt.Errorf("%s closed before sync.complete: %v", m.user, m.readErr)
			case <-ctx.Done():
				return outcome{}, ctx.Err()
			}
		}
		took := time.Since(t0)
		connectTotal += took
		worstStep = max(worstStep, took)
	}
	o.cpu.end()
	time.Sleep(time.Second) // let the server settle before reading its RSS
	after, err := rss()
	if err != nil {
		return outcome{}, err
	}
	openNow := func() int64 {
		open := int64(0)
		for _, m := range all {
			select {
			case <-m.done:
			default:
				open++
			}
		}
		return open
	}
	openAfterConnect := openNow()
	var notes []string
	if o.hold > 0 {
		select {
		case <-time.After(o.hold):
		case <-ctx.Done():
			return outcome{}, ctx.Err()
		}
		for _, m := range all {
			select {
			case <-m.done:
				if len(notes) < 3 {
					notes = append(notes, fmt.Sprintf("%s dropped: %v", m.user, m.readErr))
				}
			default:
			}
		}
	}
	open := openNow()
	perConn := float64(after-before) / float64(len(all)) / 1024
	return outcome{
		Metrics: map[string]float64{
			"rss_per_conn_kb": perConn,
			"connect_s":       connectTotal.Seconds(),
			"worst_step_s":    worstStep.Seconds(),
			"rss_before_mb":   float64(before) / (1 << 20),
			"rss_after_mb":    float64(after) / (1 << 20),
		},
		Counts: map[string]int64{"connected": int64(len(all)), "open_at_end": open,
			"dropped_while_held": openAfterConnect - open},
		Order: []string{"rss_per_conn_kb", "connect_s", "worst_step_s", "connected", "open_at_end", "dropped_while_held",
			"rss_before_mb", "rss_after_mb"},
		Params: map[string]any{"n": o.conns, "step": o.step, "hold": o.hold.String()},
		Notes:  notes,
	}, nil
}

// serverRSS reads the server's resident set: VmRSS from /proc/PID/status
// when pid is given, else process_resident_memory_bytes from /metrics.
func serverRSS(ctx context.Context, a *api, pid int) (int64, error) {
	if pid > 0 {
		return procRSS(pid)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(f), err
		}
	}
	return 0, errors.New("/metrics has no process_resident_memory_bytes: give -server-pid")
}

func procRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no VmRSS", pid)
}
