// Package s3test gives tests an S3-compatible server on loopback: moto in
// server mode (PyPI's moto, pinned in tools/moto/requirements.txt and
// installed by `make venv` into dist/venv), started as a child process on a
// free 127.0.0.1 port, with a fresh bucket per test.
//
// moto stores and serves objects as S3 does, but (as of 5.2.5) checks no
// signature at all: it serves an expired presigned URL, one with a changed
// signature, and a PUT of another size than the one signed. So the endpoint
// tests talk to is a small gate in front of moto that checks signature
// version 4 as S3 does (the canonical request over method, path, query and
// signed headers; the credential; a presigned URL's expiry or a signed
// request's time) and refuses anonymous requests, as S3 does for a private
// bucket. moto keeps and serves the bytes.
//
// Environment (test support reads it here, and only here):
//   - MOTO_SERVER: the moto_server executable, instead of the
//     dist/venv/bin/moto_server of the repository the tests run in.
//   - CI=true: a missing moto fails the tests instead of skipping them.
package s3test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// ErrNoMoto means no moto_server executable was found.
var ErrNoMoto = errors.New("s3test: no moto_server: run `make venv` (or set MOTO_SERVER)")

// Credentials and region the tests sign with; moto accepts any.
const (
	AccessKeyID     = "AKIATESTCHATAPI00001"
	SecretAccessKey = "test-secret-key-chatapi-0000000000000000"
	Region          = "us-east-1"
)

// startTimeout bounds moto's start (a Python process importing its
// backends).
const startTimeout = 60 * time.Second

// Server is a running moto behind the presigned-URL gate.
type Server struct {
	// Endpoint is http://127.0.0.1:PORT of the gate: give it to the backend.
	Endpoint string
	// MotoURL is moto's own address (no presigned-URL checks).
	MotoURL string

	cmd  *exec.Cmd
	gate *httptest.Server
	skew atomic.Int64 // the gate's clock ahead of the real one (ns)
	done chan struct{}
	once sync.Once
}

// Advance moves the clock the gate checks expiry and request times by
// forward (backward when d is negative), as if d passed for the service:
// a presigned URL can be tested past its expiry without waiting.
func (s *Server) Advance(d time.Duration) { s.skew.Add(int64(d)) }

// Required reports whether a missing moto must fail the tests rather than
// skip them: under CI (CI=true) a skipped S3 suite would hide a missing
// install step.
func Required() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// Unavailable ends t because moto could not be had (err from Start): a
// skip when err is ErrNoMoto outside CI, a failure otherwise.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNoMoto) && !Required() {
		t.Skip(err)
	}
	t.Fatalf("S3-compatible server for tests: %v", err)
}

// findMoto returns MOTO_SERVER, or else dist/venv/bin/moto_server in the
// nearest directory above the working directory that holds a go.mod with
// one (the repository root: tests run in their package's directory).
func findMoto() (string, error) {
	if p := os.Getenv("MOTO_SERVER"); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("s3test: %w", err)
	}
	for {
		p := filepath.Join(dir, "dist", "venv", "bin", "moto_server")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "Makefile")); err == nil {
				return "", ErrNoMoto // the repository root, without the venv
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNoMoto
		}
		dir = parent
	}
}

// Start starts moto on a free loopback port and the gate in front of it.
// ErrNoMoto when there is no moto_server. Close stops both.
func Start() (*Server, error) {
	bin, err := findMoto()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(),
		// moto's own settings: no outbound calls, no docker.
		"MOTO_DOCKER_NETWORK_MODE=none",
	)
	var out strings.Builder
	cmd.Stdout = &lockedWriter{w: &out}
	cmd.Stderr = cmd.Stdout
	setDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("s3test: start %s: %w", bin, err)
	}
	s := &Server{MotoURL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	if err := s.waitReady(); err != nil {
		s.Close()
		return nil, fmt.Errorf("%w\nmoto output:\n%s", err, cmd.Stdout.(*lockedWriter).String())
	}
	target, _ := url.Parse(s.MotoURL)
	s.gate = httptest.NewServer(&gate{
		accessKey: AccessKeyID, secretKey: SecretAccessKey, region: Region,
		now:  func() time.Time { return time.Now().Add(time.Duration(s.skew.Load())) },
		next: httputil.NewSingleHostReverseProxy(target),
	})
	s.Endpoint = s.gate.URL
	return s, nil
}

// waitReady polls moto until it answers, it exits, or startTimeout passes.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return errors.New("s3test: moto_server exited at start")
		default:
		}
		resp, err := client.Get(s.MotoURL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("s3test: moto_server did not answer within %s", startTimeout)
}

// Close stops the gate and moto.
func (s *Server) Close() {
	s.once.Do(func() {
		if s.gate != nil {
			s.gate.Close()
		}
		_ = s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// NewBucket creates an empty bucket with a random name and returns it.
func (s *Server) NewBucket(ctx context.Context) (string, error) {
	u, _ := url.Parse(s.MotoURL)
	c, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(AccessKeyID, SecretAccessKey, ""),
		Region:       Region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return "", fmt.Errorf("s3test: %w", err)
	}
	name := "t-" + strings.ToLower(rand.Text())
	if err := c.MakeBucket(ctx, name, minio.MakeBucketOptions{Region: Region}); err != nil {
		return "", fmt.Errorf("s3test: create bucket %s: %w", name, err)
	}
	return name, nil
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("s3test: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lockedWriter collects moto's output for an error message; the process
// writes from another goroutine.
type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w.Len() > 64<<10 {
		return len(p), nil // enough to explain a failed start
	}
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}
