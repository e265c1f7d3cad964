//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const testMasterKey = "mk_loadgen_test_0123456789abcdef"

// startServer builds cmd/chatapi and runs it on a temporary SQLite file
// (its uploads in a temporary directory) and a free loopback port until the
// test ends; it returns its base URL, pid and database file.
func startServer(t *testing.T) (string, int, string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "chatapi")
	build := exec.Command("go", "build", "-o", bin, "github.com/chatapi/chatapi/cmd/chatapi")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/chatapi: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var logs bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "CHATAPI_ADDR="+addr, "MASTER_API_KEY="+testMasterKey,
		"DATABASE_URL="+filepath.Join(dir, "x.db"), "LOG_LEVEL=warn", "STORAGE_URL=file://"+filepath.Join(dir, "files"))
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, cmd.Process.Pid, filepath.Join(dir, "x.db")
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not healthy on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runResult runs loadgen with args and returns its RESULT.
func runResult(t *testing.T, args ...string) result {
	t.Helper()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, args, func(string) string { return "" }, nil, &out); err != nil {
		t.Fatalf("loadgen %v: %v\n%s", args, err, out.String())
	}
	for line := range strings.Lines(out.String()) {
		if js, ok := strings.CutPrefix(line, "RESULT "); ok {
			var r result
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				t.Fatalf("RESULT line: %v", err)
			}
			return r
		}
	}
	t.Fatalf("no RESULT line in:\n%s", out.String())
	return result{}
}

// The scenarios run briefly against the real binary, so loadgen cannot rot:
// they must work end to end and find nothing lost, doubled or out of order.
func TestScenariosAgainstServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server")
	}
	base, pid, db := startServer(t)
	common := []string{"-base", base, "-master-key", testMasterKey, "-server-pid", strconv.Itoa(pid)}
	// One server named twice stands for two instances: what the cluster
	// scenarios measure, not the bus, is what is tested here.
	two := base + "," + base
	tests := []struct {
		name string
		args []string
		zero []string // counts that must be 0
		pos  []string // values that must be above 0
	}{
		{"send", []string{"-scenario", "send", "-c", "4", "-g", "2", "-d", "1s"},
			[]string{"gaps", "dups", "lost", "errors"}, []string{"msgs_per_s", "sent_total"}},
		{"fanout", []string{"-scenario", "fanout", "-m", "20", "-r", "20", "-d", "1s"},
			[]string{"missing", "out_of_order", "closed_by_server", "errors"}, []string{"deliveries_per_s", "sent_total", "first_p50_ms", "first_p99_ms"}},
		{"fanout confirming delivered", []string{"-scenario", "fanout", "-m", "20", "-r", "20", "-d", "1s", "-confirm", "delivered"},
			[]string{"missing", "out_of_order", "duplicates", "closed_by_server", "error_events", "errors"}, []string{"deliveries_per_s", "confirms", "first_p99_ms"}},
		{"fanout confirming ack", []string{"-scenario", "fanout", "-m", "20", "-r", "20", "-d", "1s", "-confirm", "ack"},
			[]string{"missing", "out_of_order", "duplicates", "closed_by_server", "error_events", "errors"}, []string{"deliveries_per_s", "confirms"}},
		{"storm", []string{"-scenario", "storm", "-m", "30"},
			[]string{"not_synced", "not_live", "closed_by_server"}, []string{"synced_s", "live_s", "presence_frames"}},
		{"conns held", []string{"-scenario", "conns", "-n", "20", "-step", "10", "-hold", "1s"},
			[]string{"dropped_while_held"}, []string{"connected", "open_at_end"}},
		{"fanout mixed", []string{"-scenario", "fanout", "-m", "5", "-r", "10", "-d", "1s", "-mixed", "-c", "2", "-g", "1"},
			[]string{"missing", "out_of_order", "mixed_gaps", "mixed_dups", "mixed_lost", "errors"}, []string{"mixed_msgs_per_s"}},
		{"history", []string{"-scenario", "history", "-k", "250", "-d", "1s"}, nil, []string{"pages_per_s", "passes"}},
		{"sync resume", []string{"-scenario", "sync", "-resume", "-k", "1200"},
			[]string{"missing", "out_of_order", "duplicates"}, []string{"ws_received", "rest_received", "ws_resume_ms", "rest_resume_ms"}},
		{"cluster", []string{"-scenario", "cluster", "-bases", two, "-m", "10", "-r", "20", "-d", "1s", "-confirm", "ack"},
			[]string{"missing", "out_of_order", "duplicates", "closed_by_server", "error_events", "errors"},
			[]string{"deliveries_per_s", "across_p99_ms", "server_cpu_cores"}},
		{"bus", []string{"-scenario", "bus", "-bases", two, "-g", "2", "-m", "2", "-r", "20", "-d", "500ms", "-confirm", "delivered", "-limit", "10s"},
			[]string{"missing", "out_of_order", "duplicates", "errors"}, []string{"max_events_per_s", "steps"}},
		{"search", []string{"-scenario", "search", "-k", "3000", "-d", "500ms", "-database-url", db},
			nil, []string{"p50_ms", "common_p50_ms", "rare_p50_ms", "phrase_p50_ms", "prefix_p50_ms", "load_s", "index_build_s", "hits"}},
		{"upload", []string{"-scenario", "upload", "-c", "2", "-k", "6", "-size", "200000"},
			[]string{"errors"}, []string{"files_per_s", "mb_per_s", "files"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runResult(t, append(common, tt.args...)...)
			for _, k := range tt.zero {
				if v, ok := r.value(k); !ok || v != 0 {
					t.Errorf("%s = %v (reported: %v), want 0; result %+v", k, v, ok, r)
				}
			}
			for _, k := range tt.pos {
				if v, ok := r.value(k); !ok || v <= 0 {
					t.Errorf("%s = %v (reported: %v), want > 0", k, v, ok)
				}
			}
			// Every scenario says what the load generator and the server used.
			for _, k := range []string{"loadgen_cpu_cores", "server_cpu_cores"} {
				if v, ok := r.value(k); !ok || v < 0 {
					t.Errorf("%s = %v (reported: %v), want a share of the cores", k, v, ok)
				}
			}
		})
	}
}

func TestRefusesNonLoopback(t *testing.T) {
	for _, base := range []string{"http://10.0.0.1:8080", "http://example.com", "https://127.0.0.1:8080", "http://0.0.0.0:8080"} {
		t.Run(base, func(t *testing.T) {
			err := run(t.Context(), []string{"-base", base, "-master-key", "k"}, func(string) string { return "" }, nil, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), "loopback") {
				t.Errorf("run with -base %s: err = %v, want a loopback refusal", base, err)
			}
		})
	}
}

func TestTable(t *testing.T) {
	in := strings.Join([]string{
		`RESULT {"scenario":"baseline","label":"pg","metrics":{"msgs_per_s":4000},"counts":{}}`,
		`RESULT {"scenario":"send","label":"pg","metrics":{"msgs_per_s":3000,"p99_ms":4},"counts":{"gaps":0},"check":"msgs_per_s>=3000,baseline_ratio>=0.5,gaps==0"}`,
		"noise",
	}, "\n")
	var out bytes.Buffer
	if err := printTable(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"baseline_ratio 0.75", "| PASS |"} {
		if !strings.Contains(got, want) {
			t.Errorf("table:\n%s\nwant it to contain %q", got, want)
		}
	}
}

func TestCPUMeter(t *testing.T) {
	self := os.Getpid()
	m := newCPUMeter([]int{self, self}, self)
	m.begin()
	// Burn CPU time (not wall time: the machine may be busy) until the
	// kernel has counted some of it.
	start, _ := procCPU("self", false)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		if now, _ := procCPU("self", false); now-start >= 0.05 {
			break
		}
	}
	var out outcome
	m.report(&out)
	for _, k := range []string{"loadgen_cpu_cores", "server_cpu_cores", "server1_cpu_cores", "server2_cpu_cores", "db_cpu_cores"} {
		if v, ok := out.Metrics[k]; !ok || v <= 0 {
			t.Errorf("%s = %v (reported: %v) after burning CPU, want above 0", k, v, ok)
		}
	}
	if s, one := out.Metrics["server_cpu_cores"], out.Metrics["server1_cpu_cores"]; s < 1.5*one {
		t.Errorf("server_cpu_cores %v is not the sum of two servers of %v each", s, one)
	}
	if got := out.Params["cpu_window"]; got != "measured" {
		t.Errorf("cpu_window = %v, want measured", got)
	}

	gone := newCPUMeter([]int{1 << 30}, 0)
	var out2 outcome
	gone.report(&out2)
	if _, ok := out2.Metrics["server_cpu_cores"]; ok || len(out2.Notes) == 0 {
		t.Errorf("a server that is not there: metrics %v, notes %q; want no figure and a note", out2.Metrics, out2.Notes)
	}
	if got := out2.Params["cpu_window"]; got != "whole run" {
		t.Errorf("cpu_window = %v, want whole run", got)
	}
}

func TestContentRoundTrip(t *testing.T) {
	at := time.Unix(1700000000, 123456789)
	for _, tt := range []struct {
		via, payload int
	}{{0, 0}, {2, 0}, {1, 500}} {
		c := content(at, 7, tt.via, tt.payload)
		if tt.payload > 0 && len(c) != tt.payload {
			t.Errorf("content with payload %d is %d bytes", tt.payload, len(c))
		}
		sent, via, ok := parseContent(c)
		if !ok || !sent.Equal(at) || via != tt.via {
			t.Errorf("parseContent(%.60q) = %v, %d, %v; want %v, %d, true", c, sent, via, ok, at, tt.via)
		}
	}
	if _, via, ok := parseContent("t=5 #1"); !ok || via != -1 {
		t.Errorf("content without via: via %d ok %v, want -1 true", via, ok)
	}
}
