//go:build unix

package e2e_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestTypeScriptSDK runs the TypeScript SDK's own tests (node --test in
// sdk/typescript, on what `make sdk` built there): unit tests of its
// reconnect, dedupe and send rules, and live tests that start this
// package's chatapi binary themselves and restart it with SIGTERM and
// kill -9 under three clients.
func TestTypeScriptSDK(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	needBuilt(t, root, "sdk/typescript/dist/node.js", "sdk/typescript/node_modules/ws", "dist/sdk/typescript/bundle-size.txt")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "--test", "--test-reporter=tap", "test/")
	cmd.Dir = filepath.Join(root, "sdk", "typescript")
	cmd.Env = append(os.Environ(), "CHATAPI_BIN="+binary)
	// The servers node starts go with it: at the deadline the whole
	// process group is killed, not node alone.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	count := func(what string) int {
		m := regexp.MustCompile(`(?m)^# ` + what + ` (\d+)$`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("node --test printed no %q count:\n%s", what, out)
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	if pass, fail, skipped := count("pass"), count("fail"), count("skipped"); pass == 0 || fail != 0 || skipped != 0 {
		t.Fatalf("node --test: %d passed, %d failed, %d skipped:\n%s", pass, fail, skipped, out)
	}
	t.Logf("TypeScript SDK tests passed in %v", time.Since(start).Round(time.Millisecond))
}

// TestTypeScriptSDKPackage checks the tarball `npm pack` made: it holds the
// compiled modules and their type declarations, and depends at run time on
// openapi-fetch alone (ws only as an optional peer, for Node 20).
func TestTypeScriptSDKPackage(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	needBuilt(t, root, "dist/sdk/typescript/bundle-size.txt")
	tarballs, err := filepath.Glob(filepath.Join(root, "dist", "sdk", "typescript", "chatapi-sdk-*.tgz"))
	if err != nil || len(tarballs) != 1 {
		t.Fatalf("want one chatapi-sdk-*.tgz in dist/sdk/typescript, got %v (%v)", tarballs, err)
	}
	files := map[string][]byte{}
	f, err := os.Open(tarballs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = b
	}
	for _, want := range []string{
		"package/package.json", "package/README.md",
		"package/dist/index.js", "package/dist/index.d.ts", "package/dist/node.js",
		"package/dist/generated/events.d.ts", "package/dist/generated/openapi.d.ts",
	} {
		if _, ok := files[want]; !ok {
			t.Errorf("the tarball has no %s", want)
		}
	}
	var pkg struct {
		Version              string
		Type                 string
		Dependencies         map[string]string
		PeerDependenciesMeta map[string]struct{ Optional bool } `json:"peerDependenciesMeta"`
	}
	if err := json.Unmarshal(files["package/package.json"], &pkg); err != nil {
		t.Fatalf("package.json: %v", err)
	}
	if len(pkg.Dependencies) != 1 || pkg.Dependencies["openapi-fetch"] == "" {
		t.Errorf("runtime dependencies %v, want openapi-fetch alone", pkg.Dependencies)
	}
	if !pkg.PeerDependenciesMeta["ws"].Optional {
		t.Errorf("ws should be an optional peer dependency: %+v", pkg.PeerDependenciesMeta)
	}
	if pkg.Type != "module" {
		t.Errorf("package type %q, want module", pkg.Type)
	}
}
