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
	runSDKTests(t, filepath.Join(root, "sdk", "go"), nil,
		"go", "test", "-race", "-mod=readonly", "-count=1", "-v", "./...")
}

// TestPythonRealtimeSDK runs the Python SDK's tests (sdk/python/tests, with
// the pinned pytest of the virtualenv `make venv` makes) against the chatapi
// binary: the same restarts as TestGoRealtimeSDK, with the asyncio client.
func TestPythonRealtimeSDK(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	needBuilt(t, root, "dist/venv/bin/python", "sdk/python/chatapi_client/client.py")
	dir := filepath.Join(root, "sdk", "python")
	runSDKTests(t, dir, []string{"PYTHONPATH=" + dir, "PYTHONDONTWRITEBYTECODE=1"},
		filepath.Join(root, "dist", "venv", "bin", "python"), "-m", "pytest", "-v", "-s", "-p", "no:cacheprovider", "tests")
}

// runSDKTests runs an SDK's test command in dir with CHATAPI_BIN naming the
// binary, and fails t with its output when it fails.
func runSDKTests(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "CHATAPI_BIN="+binary, "GOFLAGS=-mod=readonly"), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v in %s: %v\n%s", name, args, dir, err, out)
	}
	t.Logf("passed in %v:\n%s", time.Since(start).Round(time.Millisecond), out)
}
