//go:build unix

package e2e_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestGoRealtimeSDK runs the Go SDK's own tests (sdk/go, a module of its
// own, with -race and -mod=readonly) against the chatapi binary TestMain
// built: among them realtime's TestRestart, three clients sending and
// receiving while the server is stopped with SIGTERM, then with kill -9.
func TestGoRealtimeSDK(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-race", "-mod=readonly", "-count=1", "-v", "./...")
	cmd.Dir = filepath.Join(root, "sdk", "go")
	cmd.Env = append(os.Environ(), "CHATAPI_BIN="+binary, "GOFLAGS=-mod=readonly")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in sdk/go: %v\n%s", err, out)
	}
	t.Logf("sdk/go tests passed in %v:\n%s", time.Since(start).Round(time.Millisecond), out)
}
