// Package pgtest gives tests a PostgreSQL server: the one DATABASE_URL_TEST
// names, or else a throwaway cluster started from the installed server
// binaries, with one fresh schema per test.
//
// Environment (test support reads it here, and only here):
//   - DATABASE_URL_TEST: a postgres:// URL of a server to use instead of a
//     throwaway cluster; its user must be allowed to create schemas.
//   - CI=true: a missing PostgreSQL fails the tests instead of skipping them.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"
)

// ErrNoPostgres means neither DATABASE_URL_TEST nor the server binaries are
// available.
var ErrNoPostgres = errors.New("pgtest: no PostgreSQL: set DATABASE_URL_TEST or install the PostgreSQL server (initdb, pg_ctl)")

// startTimeout bounds initdb plus the server start.
const startTimeout = 60 * time.Second

// Start returns the URL of a PostgreSQL server for tests and a function that
// stops it. With DATABASE_URL_TEST set, that server is used and stop does
// nothing. Otherwise a throwaway cluster (trust auth, user postgres, no fsync)
// is started in a temporary directory on a free 127.0.0.1 port; stop kills it
// and removes the directory. ErrNoPostgres when there is neither.
func Start() (baseURL string, stop func(), err error) {
	srv, err := StartServer()
	if err != nil {
		return "", nil, err
	}
	return srv.URL, srv.Close, nil
}

// Required reports whether a missing PostgreSQL must fail the tests rather
// than skip them: under CI (CI=true) a skipped PostgreSQL suite would hide a
// missing install step.
func Required() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// Unavailable ends t because PostgreSQL could not be had (err from Start): a
// skip when err is ErrNoPostgres outside CI, a failure otherwise.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNoPostgres) && !Required() {
		t.Skip(err)
	}
	t.Fatalf("PostgreSQL for tests: %v", err)
}

// NewSchema creates a schema on the server at baseURL and returns a URL whose
// connections use it (search_path), and a function that drops it with all it
// holds. An empty name gets a random one (t_…).
func NewSchema(ctx context.Context, baseURL, name string) (schemaURL string, drop func(), err error) {
	if name == "" {
		name = "t_" + strings.ToLower(rand.Text())
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", nil, fmt.Errorf("pgtest: parse URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()

	db, err := sql.Open("postgres", baseURL)
	if err != nil {
		return "", nil, fmt.Errorf("pgtest: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+pq.QuoteIdentifier(name)); err != nil {
		return "", nil, fmt.Errorf("pgtest: create schema %s: %w", name, err)
	}
	drop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db, err := sql.Open("postgres", baseURL)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+pq.QuoteIdentifier(name)+" CASCADE")
	}
	return u.String(), drop, nil
}

// Schema gives t a fresh schema on a PostgreSQL server of its own (Start),
// as a URL, and drops the schema and stops the server when t ends; without
// PostgreSQL it ends t as Unavailable does.
func Schema(t testing.TB) string {
	t.Helper()
	base, stop, err := Start()
	if err != nil {
		Unavailable(t, err)
	}
	t.Cleanup(stop)
	u, drop, err := NewSchema(t.Context(), base, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return u
}

// ping checks that the server at url answers, so that a wrong
// DATABASE_URL_TEST fails once and clearly rather than in every test.
func ping(url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := sql.Open("postgres", url)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.PingContext(ctx)
}

// findBinaries returns the directory holding initdb and pg_ctl: pg_config's
// bindir, then PATH, then the newest /usr/lib/postgresql/*/bin (Debian keeps
// the server binaries off PATH).
func findBinaries() (string, error) {
	has := func(dir string) bool {
		for _, name := range []string{"initdb", "pg_ctl"} {
			if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); has(dir) {
			return dir, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && has(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if has(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorVersion(dirs[i]) > majorVersion(dirs[j]) })
	for _, dir := range dirs {
		if has(dir) {
			return dir, nil
		}
	}
	return "", ErrNoPostgres
}

// majorVersion reads N from /usr/lib/postgresql/N/bin.
func majorVersion(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// cluster is one throwaway PostgreSQL server.
type cluster struct {
	bin     string
	dir     string
	asUser  string // run the binaries as this user (root cannot run initdb)
	url     string
	port    int
	started bool
}

// Server is a throwaway PostgreSQL cluster a test may stop and start again
// on the same data directory and port, as an operator restarting the
// database would.
type Server struct {
	// URL reaches the server's postgres database as user postgres.
	URL string
	c   *cluster
}

// ErrNotRestartable is returned by Server.Stop and Start for the server
// DATABASE_URL_TEST names: tests do not stop servers they did not start.
var ErrNotRestartable = errors.New("pgtest: DATABASE_URL_TEST names a server tests cannot stop")

// StartServer returns the server DATABASE_URL_TEST names (not restartable),
// or else starts a throwaway cluster; ErrNoPostgres when there is neither.
// Close removes a throwaway cluster.
func StartServer() (*Server, error) {
	if u := os.Getenv("DATABASE_URL_TEST"); u != "" {
		if err := ping(u); err != nil {
			return nil, fmt.Errorf("pgtest: DATABASE_URL_TEST: %w", err)
		}
		return &Server{URL: u}, nil
	}
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin}
	if err := c.start(); err != nil {
		c.stop()
		return nil, err
	}
	return &Server{URL: c.url, c: c}, nil
}

// Stop shuts the server down as pg_ctl stop -m fast does: clients are
// disconnected, the data stays.
func (s *Server) Stop() error {
	if s.c == nil {
		return ErrNotRestartable
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if out, err := s.c.run(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", filepath.Join(s.c.dir, "data")); err != nil {
		return fmt.Errorf("pgtest: pg_ctl stop: %w\n%s", err, out)
	}
	s.c.started = false
	return nil
}

// Start starts a stopped server again on its data directory and port.
func (s *Server) Start() error {
	if s.c == nil {
		return ErrNotRestartable
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	return s.c.serve(ctx)
}

// Restartable reports whether Stop and Start work on this server.
func (s *Server) Restartable() bool { return s.c != nil }

// Close kills a throwaway server and removes its directory.
func (s *Server) Close() {
	if s.c != nil {
		s.c.stop()
	}
}

func (c *cluster) start() error {
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	c.dir = dir
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: hand the directory to postgres.
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("pgtest: running as root needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
		c.asUser = "postgres"
	}
	port, err := freePort()
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	data := filepath.Join(dir, "data")
	if out, err := c.run(ctx, "initdb", "-D", data, "--auth=trust", "-U", "postgres", "-E", "UTF8",
		"--locale=C", "--no-sync"); err != nil {
		return fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	c.port = port
	if err := c.serve(ctx); err != nil {
		return err
	}
	c.url = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	return nil
}

// serve starts the server on the cluster's data directory and port.
func (c *cluster) serve(ctx context.Context) error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"+
		" -c full_page_writes=off -c max_connections=200", c.port, c.dir)
	logFile := filepath.Join(c.dir, "log")
	if out, err := c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", filepath.Join(c.dir, "data"), "-l", logFile, "-o", opts); err != nil {
		log, _ := os.ReadFile(logFile)
		return fmt.Errorf("pgtest: pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	c.started = true
	return nil
}

// stop kills the server without a checkpoint and removes its directory.
func (c *cluster) stop() {
	if c.started {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = c.run(ctx, "pg_ctl", "stop", "-w", "-m", "immediate", "-D", filepath.Join(c.dir, "data"))
	}
	if c.dir != "" {
		_ = os.RemoveAll(c.dir)
	}
}

// run runs one of the server binaries, as c.asUser when set.
func (c *cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	// The server writes to its log file (-l), not to our pipes, so
	// CombinedOutput returns once pg_ctl does.
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
