//go:build unix

package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clientCheck is one way users meet ChatAPI, run against a live server: an
// example program using an SDK that `make sdk` generated from openapi.yaml,
// the Postman collection `make postman` built (run by newman), or
// schemathesis attacking the contract the server serves.
type clientCheck struct {
	name string
	// needs are what `make sdk` / `make postman` produce, under the module root.
	needs []string
	// cmd runs from the module root with BASE_URL, MASTER_KEY and env set;
	// base URL and master key are also appended as arguments when args is set.
	cmd  []string
	args bool
	env  []string
	// ok is a line the check prints on success; "" means exit status 0 is enough.
	ok string
}

var clientChecks = []clientCheck{
	{
		name:  "go sdk",
		needs: []string{"sdk/go/chatapi.gen.go"},
		// -mod=readonly even when GOFLAGS says otherwise: the example builds
		// from its committed go.mod/go.sum or fails, never resolves.
		cmd: []string{"bash", "-c", "cd tools/sdk/go && go run -mod=readonly ."},
		ok:  "go-sdk: ok",
	},
	{
		name:  "typescript sdk",
		needs: []string{"dist/sdk/ts/schema.d.ts", "tools/sdk/ts/node_modules/openapi-fetch"},
		cmd:   []string{"node", "tools/sdk/ts/flow.mjs"},
		ok:    "ts-sdk: ok",
	},
	{
		name:  "python sdk",
		needs: []string{"sdk/python/chatapi_client/client.py", "dist/venv/bin/python"},
		cmd:   []string{"dist/venv/bin/python", "tools/sdk/python/flow.py"},
		env:   []string{"SDK_DIR=sdk/python", "PYTHONDONTWRITEBYTECODE=1"},
		ok:    "python-sdk: ok",
	},
	{
		name:  "postman collection with newman",
		needs: []string{"dist/chatapi.postman_collection.json", "tools/postman/node_modules/.bin/newman"},
		cmd:   []string{"bash", "tools/postman/run.sh"},
		args:  true,
		env:   []string{"COLLECTION=dist/chatapi.postman_collection.json"},
	},
	{
		name:  "schemathesis",
		needs: []string{"dist/venv/bin/schemathesis"},
		cmd:   []string{"bash", "tools/schemathesis/run.sh"},
		args:  true,
		env:   []string{"VENV=dist/venv", "MAX_EXAMPLES=25", "MAX_SECONDS=300"},
	},
}

// TestClients runs every client check against its own live server. What
// they need is made by `make sdk` and `make postman`, which `make test` runs
// first; without it a check skips, and under CI it fails.
func TestClients(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clientChecks {
		t.Run(c.name, func(t *testing.T) {
			needBuilt(t, root, c.needs...)
			p := startServer(t, filepath.Join(t.TempDir(), "x.db"))
			ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
			defer cancel()
			args := c.cmd[1:]
			if c.args {
				args = append(append([]string(nil), args...), p.base, masterKey)
			}
			cmd := exec.CommandContext(ctx, c.cmd[0], args...)
			cmd.Dir = root
			cmd.Env = append(append(os.Environ(), "BASE_URL="+p.base, "MASTER_KEY="+masterKey), c.env...)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), c.ok) {
				t.Fatalf("%s: %v\n%s", c.name, err, out)
			}
			t.Logf("%s passed in %v", c.name, time.Since(start).Round(time.Millisecond))
		})
	}
}

// TestSchemathesisCatchesContractBreaks proves the schemathesis check can
// fail: against a server whose answers break the contract it must exit
// non-zero. The server here is a stand-in that serves the real openapi.yaml
// but answers every request 200 with a body no operation declares.
func TestSchemathesisCatchesContractBreaks(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	needBuilt(t, root, "dist/venv/bin/schemathesis")
	base := contractBreaker(t, root)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "tools/schemathesis/run.sh", base, masterKey,
		"--include-operation-id", "getHealth", "--include-operation-id", "createTenant")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VENV=dist/venv", "MAX_EXAMPLES=5", "MAX_SECONDS=120")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("schemathesis passed a server that breaks the contract:\n%s", out)
	}
	if !strings.Contains(string(out), "Response violates schema") {
		t.Fatalf("schemathesis failed, but not on the response schema:\n%s", out)
	}
}

// TestGoSDKIsPinned guards the Go SDK (sdk/go, a module of its own) and its
// example against resolving versions at generation or test time (a `go mod
// tidy` there once took a newer oapi-codegen/runtime the day it was released
// and broke a fresh clone). With the pinned modules downloaded and the module
// proxy then off, generate.sh must regenerate a copy of sdk/go exactly as
// committed (so its generated code is not stale either); both modules must be
// tidy (complete and minimal) and build with -mod=readonly; and every module
// they require is pinned at the version ChatAPI's own go.mod pins.
func TestGoSDKIsPinned(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	here := filepath.Join(root, "tools", "sdk", "go")
	committed := filepath.Join(root, "sdk", "go")
	tmp := t.TempDir()
	sdk, flow := filepath.Join(tmp, "sdk"), filepath.Join(tmp, "flow")
	files := sdkFiles(t, committed)
	for _, f := range files {
		if !strings.HasSuffix(f, ".gen.go") {
			copyFile(t, filepath.Join(committed, f), filepath.Join(sdk, f))
		}
	}
	// Exact versions only (go.sum checks them), so that generating needs no
	// proxy: the generator's modules and the SDK's.
	run(t, root, nil, "go", "mod", "download")
	run(t, sdk, nil, "go", "mod", "download")
	offline := []string{"GOPROXY=off", "GOFLAGS=-mod=readonly"}
	run(t, root, offline, "bash", "tools/sdk/go/generate.sh", sdk)
	for _, f := range files {
		if got, want := readFile(t, filepath.Join(sdk, f)), readFile(t, filepath.Join(committed, f)); got != want {
			t.Errorf("generate.sh wrote an sdk/go/%s that differs from the committed one: run make sdk and commit it", f)
		}
	}
	if got := sdkFiles(t, sdk); len(got) != len(files) {
		t.Errorf("generate.sh wrote %v, sdk/go holds %v", got, files)
	}

	// The example module, pointed at this copy rather than sdk/go.
	for _, f := range []string{"go.mod", "go.sum", "main.go"} {
		copyFile(t, filepath.Join(here, f), filepath.Join(flow, f))
	}
	run(t, flow, nil, "go", "mod", "edit", "-replace", "github.com/chatapi/chatapi/sdk/go="+sdk)
	run(t, flow, nil, "go", "mod", "download")
	for _, dir := range []string{sdk, flow} {
		run(t, dir, offline, "go", "build", "-mod=readonly", "-o", os.DevNull, "./...")
		// Tidy also reads the go.mod files of the dependencies' test
		// imports, which no build downloads: it may use the proxy, and with
		// every import provided it resolves no version.
		run(t, dir, nil, "go", "mod", "tidy", "-diff")
	}

	ours := requires(t, root)
	for _, dir := range []string{sdk, flow} {
		for path, v := range requires(t, dir) {
			if path == "github.com/chatapi/chatapi/sdk/go" {
				continue
			}
			if ours[path] != v {
				t.Errorf("%s requires %s %s, ChatAPI's go.mod %q: pin the same version in both", dir, path, v, ours[path])
			}
		}
	}
}

// sdkFiles lists the files under dir, relative to it.
func sdkFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files = append(files, rel)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// requires maps each module the go.mod in dir requires to its version.
func requires(t *testing.T, dir string) map[string]string {
	t.Helper()
	var mod struct {
		Require []struct{ Path, Version string }
	}
	if err := json.Unmarshal([]byte(run(t, dir, nil, "go", "mod", "edit", "-json")), &mod); err != nil {
		t.Fatal(err)
	}
	m := make(map[string]string, len(mod.Require))
	for _, r := range mod.Require {
		m[r.Path] = r.Version
	}
	return m
}

// run runs name with args in dir, env added to the test's environment, and
// returns its standard output; it fails t when the command fails.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s (in %s, %s): %v\n%s%s", name, strings.Join(args, " "), dir, strings.Join(env, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, []byte(readFile(t, from)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// needBuilt skips t when one of paths (under root) is missing, and fails it
// under CI, where `make test` builds them before the Go tests.
func needBuilt(t *testing.T, root string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing: run make sdk postman examples", p)
			}
			t.Skipf("%s is missing: run make sdk postman examples", p)
		}
	}
}

// contractBreaker serves the real openapi.yaml and answers everything else
// with 200 and a body that is not the envelope (except just enough of a
// created tenant for run.sh to read a key from).
func contractBreaker(t *testing.T, root string) string {
	t.Helper()
	spec, err := os.ReadFile(filepath.Join(root, "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/openapi.yaml":
			w.Header().Set("Content-Type", "application/yaml")
			_, _ = w.Write(spec)
		case r.Method == http.MethodPost && r.URL.Path == "/admin/tenants":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"success":true,"data":{"api_key":"sk_not_a_real_key"},"error":null}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"status":"fine"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
