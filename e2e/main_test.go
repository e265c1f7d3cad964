//go:build unix

// Package e2e_test drives the real chatapi binary as a separate process over
// loopback HTTP and WebSocket: what an operator runs is what is tested,
// including signals, process exit codes and restarts on the same database.
package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the chatapi executable built once by TestMain.
var binary string

const (
	masterKey = "mk_e2e_test_master_key_0123456789abcdef"
	// drainTimeout is SHUTDOWN_DRAIN_TIMEOUT for every process started here.
	drainTimeout = 5 * time.Second
)

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "chatapi-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: the go command is needed to build the binary:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	binary = filepath.Join(dir, "chatapi")
	// Built with the race detector, so that every scenario here (1,000
	// unpaced connects, concurrent senders, shutdown) also checks the server
	// for data races: a race report makes the process exit non-zero.
	build := exec.CommandContext(ctx, goTool, "build", "-race", "-o", binary, "./cmd/chatapi")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/chatapi: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// moduleRoot is the parent of the test's working directory (the package
// directory), checked to hold this module's go.mod.
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root := filepath.Dir(wd)
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("module root: %w", err)
	}
	if !strings.Contains(string(mod), "module github.com/chatapi/chatapi") {
		return "", fmt.Errorf("module root %s holds another module", root)
	}
	return root, nil
}

// proc is one running chatapi process.
type proc struct {
	t    testing.TB
	cmd  *exec.Cmd
	addr string // host:port
	base string // http://host:port
	logs string // path of the process's stderr

	done    chan struct{} // closed when the process has exited
	waitErr error         // set before done is closed
}

// startServer starts the binary on dbPath and a free loopback port and waits
// for /health. A free port can be taken between the probe and the start, so
// a process that exits before it is healthy is retried on another port.
// env adds NAME=value settings to the process's environment.
func startServer(t testing.TB, dbPath string, env ...string) *proc {
	t.Helper()
	var lastErr error
	for attempt := range 3 {
		p, err := tryStart(t, dbPath, attempt, env)
		if err == nil {
			return p
		}
		lastErr = err
	}
	t.Fatalf("start chatapi: %v", lastErr)
	return nil
}

func tryStart(t testing.TB, dbPath string, attempt int, env []string) (*proc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(t.TempDir(), fmt.Sprintf("chatapi-%d.log", attempt))
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child holds its own descriptor

	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(),
		"CHATAPI_ADDR="+addr,
		"MASTER_API_KEY="+masterKey,
		"DATABASE_URL="+dbPath,
		"SHUTDOWN_DRAIN_TIMEOUT="+drainTimeout.String(),
		"LOG_LEVEL=warn",
		// Uploads outside the source tree unless the test names a place.
		"STORAGE_URL=file://"+t.TempDir(),
	)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{t: t, cmd: cmd, addr: addr, base: "http://" + addr, logs: logPath, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if log, err := os.ReadFile(logPath); err == nil && bytes.Contains(log, []byte("WARNING: DATA RACE")) {
			t.Errorf("the server reported a data race")
		}
		if t.Failed() {
			t.Logf("chatapi log (%s), tail:\n%s", addr, p.logTail(8<<10))
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := p.waitHealthy(ctx); err != nil {
		p.kill()
		return nil, fmt.Errorf("%w; log tail:\n%s", err, p.logTail(4<<10))
	}
	return p, nil
}

// handedOut holds the ports freeAddr has returned. The kernel may hand a
// just-closed port to the next probe, and two tests running in parallel
// would then start their servers on one port: the second fails to bind, and
// its health check is answered by the first.
var handedOut = struct {
	sync.Mutex
	ports map[string]bool
}{ports: map[string]bool{}}

// freeAddr is a loopback address whose port nothing listened on when asked
// and that this process has not handed out before.
func freeAddr() (string, error) {
	for range 100 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		addr := ln.Addr().String()
		ln.Close()
		handedOut.Lock()
		seen := handedOut.ports[addr]
		handedOut.ports[addr] = true
		handedOut.Unlock()
		if !seen {
			return addr, nil
		}
	}
	return "", errors.New("no loopback port this process has not used before")
}

// waitHealthy polls /health until it answers 200, the process exits, or ctx ends.
func (p *proc) waitHealthy(ctx context.Context) error {
	client := &http.Client{Timeout: 2 * time.Second}
	defer client.CloseIdleConnections()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		if code, err := p.health(ctx, client); err == nil && code == http.StatusOK {
			ours, err := listensOn(p.cmd.Process.Pid, p.addr)
			if err != nil {
				return err
			}
			if ours {
				return nil
			}
			// Another process answered on our port: ours will fail to
			// bind and exit, and the start is retried on another port.
		}
		select {
		case <-p.done:
			return fmt.Errorf("chatapi exited before it was healthy: %v", p.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("chatapi not healthy on %s: %w", p.addr, ctx.Err())
		case <-tick.C:
		}
	}
}

func (p *proc) health(ctx context.Context, client *http.Client) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/health", nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}

func (p *proc) signal(sig os.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
}

// waitExit waits for the process to exit, at most d, and returns its exit
// code; -1 when it was killed by a signal.
func (p *proc) waitExit(d time.Duration) (int, error) {
	select {
	case <-p.done:
		var exit *exec.ExitError
		if errors.As(p.waitErr, &exit) {
			return exit.ExitCode(), nil
		}
		if p.waitErr != nil {
			return 0, p.waitErr
		}
		return 0, nil
	case <-time.After(d):
		return 0, fmt.Errorf("chatapi still running after %v", d)
	}
}

// kill stops the process if it runs, with SIGKILL, and waits for it.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.t.Errorf("chatapi %s did not exit after SIGKILL", p.addr)
	}
}

func (p *proc) logTail(n int64) string {
	f, err := os.Open(p.logs)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > n {
		_, _ = f.Seek(st.Size()-n, io.SeekStart)
	}
	b, _ := io.ReadAll(io.LimitReader(f, n))
	return string(b)
}
