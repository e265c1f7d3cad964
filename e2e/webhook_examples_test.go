//go:build unix

package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The README's webhook receivers in TypeScript (Express) and Python
// (Flask), examples/webhooks, run as a tenant would run them against a live
// server: each verifies and prints a real delivery and answers 204, which
// the endpoint's delivery log records, and answers 401 to a delivery with a
// forged signature. (The Go receiver is webhook/example_test.go.)
func TestWebhookReceiverExamples(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "examples", "webhooks")
	python := filepath.Join(root, "dist", "venv", "bin", "python")
	needBuilt(t, root, "examples/webhooks/node_modules/express", "examples/webhooks/node_modules/standardwebhooks", "dist/venv/bin/python")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p := startServer(t, filepath.Join(t.TempDir(), "x.db"), webhookEnv...)
	tn := newAPI(t, p).newTenant(t, ctx, "receivers", 100000)
	room, err := tn.createRoom(ctx, "alice", "group", []string{"bob"})
	if err != nil {
		t.Fatal(err)
	}

	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		file string
		cmd  []string
	}{
		{"express", "express-receiver.mjs", []string{"node", "express-receiver.mjs"}},
		{"flask", "flask_receiver.py", []string{python, "flask_receiver.py"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(readme, src) {
				t.Errorf("README.md does not show examples/webhooks/%s as it is; put this in its example:\n%s", tt.file, src)
			}
			addr, err := freeAddr()
			if err != nil {
				t.Fatal(err)
			}
			var hook struct {
				WebhookID string `json:"webhook_id"`
				Secret    string `json:"secret"`
			}
			if status, err := tn.a.do(ctx, http.MethodPost, "/webhooks", tn.headers("ops"),
				map[string]any{"url": "http://" + addr + "/chat-events", "events": []string{"message"}}, &hook); err != nil || status != http.StatusCreated {
				t.Fatalf("create webhook: %d %v", status, err)
			}
			t.Cleanup(func() {
				_, _ = tn.a.do(context.Background(), http.MethodDelete, "/webhooks/"+hook.WebhookID, tn.headers("ops"), nil, nil)
			})
			_, port, _ := net.SplitHostPort(addr)
			out := startReceiver(t, dir, tt.cmd, "CHATAPI_WEBHOOK_SECRET="+hook.Secret, "PORT="+port)
			waitListening(t, ctx, addr)

			content := "hello, " + tt.name + " receiver"
			if status, _, err := tn.send(ctx, "alice", room, content); err != nil || status != http.StatusCreated {
				t.Fatalf("send: %d %v", status, err)
			}
			line := out.waitLine(ctx, func(l string) bool { return strings.HasPrefix(l, "message ") && strings.Contains(l, content) })
			if line == "" {
				t.Fatalf("the receiver printed no delivery of %q; it printed:\n%s", content, out.all())
			}
			// The delivery log has the receiver's 204.
			var page struct {
				Deliveries []struct {
					Status         string `json:"status"`
					ResponseStatus *int   `json:"response_status"`
				} `json:"deliveries"`
			}
			for {
				if _, err := tn.a.do(ctx, http.MethodGet, "/webhooks/"+hook.WebhookID+"/deliveries", tn.headers("ops"), nil, &page); err != nil {
					t.Fatal(err)
				}
				if len(page.Deliveries) == 1 && page.Deliveries[0].Status != "pending" {
					break
				}
				if ctx.Err() != nil {
					t.Fatalf("deliveries: %+v", page.Deliveries)
				}
				time.Sleep(50 * time.Millisecond)
			}
			if d := page.Deliveries[0]; d.Status != "succeeded" || d.ResponseStatus == nil || *d.ResponseStatus != http.StatusNoContent {
				t.Fatalf("delivery %s, response %s; want succeeded with 204", d.Status, valueOf(d.ResponseStatus))
			}

			// A forged delivery is refused.
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/chat-events",
				strings.NewReader(`{"type":"message","data":{"content":"forged"}}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("webhook-id", "msg_forged")
			req.Header.Set("webhook-timestamp", strconv.FormatInt(time.Now().Unix(), 10))
			req.Header.Set("webhook-signature", "v1,bm90IGEgc2lnbmF0dXJlIG9mIHRoaXMgYm9keQ==")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("forged delivery: %d, want 401", resp.StatusCode)
			}
			if strings.Contains(out.all(), "forged") {
				t.Fatalf("the receiver printed the forged delivery:\n%s", out.all())
			}
		})
	}
}

// receiverOutput is what a receiver process printed, line by line.
type receiverOutput struct {
	mu    sync.Mutex
	lines []string
	more  chan struct{}
}

// startReceiver runs cmd in dir with env added until the test ends.
func startReceiver(t *testing.T, dir string, cmd []string, env ...string) *receiverOutput {
	t.Helper()
	c := exec.Command(cmd[0], cmd[1:]...)
	c.Dir = dir
	c.Env = append(os.Environ(), env...)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	out := &receiverOutput{more: make(chan struct{}, 1)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			out.mu.Lock()
			out.lines = append(out.lines, sc.Text())
			out.mu.Unlock()
			select {
			case out.more <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		<-done
		_ = c.Wait()
		if t.Failed() {
			t.Logf("%s stderr:\n%s", cmd[len(cmd)-1], stderr.String())
		}
	})
	return out
}

// waitLine returns the first line printed that match accepts, or "" when
// ctx ends first.
func (o *receiverOutput) waitLine(ctx context.Context, match func(string) bool) string {
	for {
		o.mu.Lock()
		for _, l := range o.lines {
			if match(l) {
				o.mu.Unlock()
				return l
			}
		}
		o.mu.Unlock()
		select {
		case <-o.more:
		case <-ctx.Done():
			return ""
		}
	}
}

func (o *receiverOutput) all() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.Join(o.lines, "\n")
}

// waitListening returns once addr accepts connections.
func waitListening(t *testing.T, ctx context.Context, addr string) {
	t.Helper()
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("nothing listens on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// valueOf prints a nullable status.
func valueOf(p *int) string {
	if p == nil {
		return "null"
	}
	return strconv.Itoa(*p)
}
