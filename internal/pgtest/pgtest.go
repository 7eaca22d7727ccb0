// Package pgtest gives tests a PostgreSQL server: the database at
// ASYSTA_PG_URL when that is set, otherwise a throwaway cluster it starts
// from the PostgreSQL binaries installed on the machine (Debian's
// postgresql package puts them in /usr/lib/postgresql/<version>/bin).
//
// A test package wires it in TestMain, so that a cluster started for its
// tests is stopped and removed when they end:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// and each test asks for a fresh schema of its own:
//
//	pool, err := pgxpool.New(ctx, pgtest.Schema(t))
//
// The cluster is started on first use, once per test binary: initdb into a
// temporary directory (run as the postgres OS user when the tests run as
// root, which PostgreSQL refuses to run as), listening on 127.0.0.1 only,
// on a free port, with its unix socket in the temporary directory and
// fsync off, since the data are thrown away. ASYSTA_PGTEST_DURABLE=1 keeps
// PostgreSQL's durable defaults instead; ASYSTA_PGTEST_BIN names the
// directory of initdb and pg_ctl when they are elsewhere.
//
// When no server can be had, tests are skipped with a message naming
// ASYSTA_PG_URL and `apt-get install postgresql`; under CI (CI set and not
// "false") they fail instead, so that a CI machine without PostgreSQL
// cannot pass by skipping. go test shows no skip of a passing package, so
// when ASYSTA_PGTEST_REPORT names a file, Main appends to it one line
// saying how many tests of the package were skipped and why; `make test`
// prints that file at the end.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable holding the URL of a database for
// tests. When it is set, no cluster is started.
const EnvURL = "ASYSTA_PG_URL"

// EnvDurable names the environment variable that, set to 1, starts the
// throwaway cluster with PostgreSQL's durable defaults (fsync and
// full_page_writes on) instead of turning them off for speed: for
// benchmarks whose figures should hold for a production server on the
// same disk.
const EnvDurable = "ASYSTA_PGTEST_DURABLE"

// EnvReport names the environment variable holding the path of a file to
// which Main appends a line when tests were skipped for want of a server.
const EnvReport = "ASYSTA_PGTEST_REPORT"

// skipped counts the tests skipped for want of a server.
var skipped atomic.Int64

var server struct {
	once    sync.Once
	url     string
	err     error
	cluster *cluster // nil when EnvURL gave the server
	mu      sync.Mutex
}

// Main runs m's tests and then stops and removes the cluster started for
// them, if any; it returns the exit code for os.Exit.
func Main(m *testing.M) int {
	code := m.Run()
	if c := server.cluster; c != nil {
		if err := c.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: stopping the test cluster: %v\n", err)
		}
	}
	if n := skipped.Load(); n > 0 {
		if err := report(os.Getenv(EnvReport), n, server.err); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %s: %v\n", EnvReport, err)
		}
	}
	return code
}

// report appends to the file at path (nothing when path is empty) a line
// naming the package directory and saying that n of its tests were skipped
// for want of a server, and why.
func report(path string, n int64, why error) error {
	if path == "" {
		return nil
	}
	dir, err := os.Getwd() // go test runs a package's tests in its directory
	if err != nil {
		return err
	}
	for root := dir; filepath.Dir(root) != root; root = filepath.Dir(root) {
		if isFile(filepath.Join(root, "go.mod")) {
			dir, _ = filepath.Rel(root, dir)
			break
		}
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s: %d PostgreSQL tests skipped: %v (set %s, or apt-get install postgresql)\n",
		filepath.ToSlash(dir), n, strings.ReplaceAll(why.Error(), "\n", " "), EnvURL)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// URL returns the URL of a database the test may use: ASYSTA_PG_URL, or
// the throwaway cluster's, started on the first call. With no server to be
// had it skips the test, or under CI fails it.
func URL(t testing.TB) string {
	t.Helper()
	server.once.Do(func() {
		if u := os.Getenv(EnvURL); u != "" {
			server.url = u
			return
		}
		server.cluster, server.err = startCluster()
		if server.err == nil {
			server.url = server.cluster.url()
		}
	})
	if server.err != nil {
		unavailable(t, server.err)
	}
	return server.url
}

// unavailable skips the test, or fails it under CI.
func unavailable(t testing.TB, err error) {
	t.Helper()
	msg := fmt.Sprintf("no PostgreSQL server for the tests: %v\n"+
		"\tset %s to a database URL (postgres://user:pass@host:5432/db), or install the server "+
		"(`apt-get install postgresql`) so that the tests start a throwaway cluster", err, EnvURL)
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		t.Fatal(msg + "\n\tCI is set: failing rather than skipping")
	}
	skipped.Add(1)
	t.Skip(msg)
}

// Owned reports whether the server is a cluster this package started
// (and so may restart), rather than one ASYSTA_PG_URL gave.
func Owned(t testing.TB) bool {
	t.Helper()
	URL(t)
	return server.cluster != nil
}

// Restart restarts the cluster with pg_ctl restart in the shutdown mode
// given: "fast" disconnects the sessions, rolls back their transactions
// and checkpoints; "immediate" kills the server as a crash would, and it
// recovers from its WAL on start. It skips the test when the server was
// given by ASYSTA_PG_URL.
func Restart(t testing.TB, mode string) {
	t.Helper()
	if !Owned(t) {
		t.Skipf("the server at %s is not this test's to restart", EnvURL)
	}
	if mode != "fast" && mode != "immediate" {
		t.Fatalf("pgtest: restart mode %q: want fast or immediate", mode)
	}
	server.mu.Lock()
	defer server.mu.Unlock()
	if err := server.cluster.restart(mode); err != nil {
		t.Fatalf("pgtest: restart: %v", err)
	}
}

var schemaSeq atomic.Int64

// Schema creates an empty schema for the test and returns a URL whose
// connections use it (search_path), so the test's tables are its own. The
// schema is dropped when the test ends; close pools on it before then
// (register their cleanup after calling Schema).
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	name := fmt.Sprintf("asysta_test_%d_%d", os.Getpid(), schemaSeq.Add(1))
	ctx := context.Background()
	run := func(sql string) error {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := run(`CREATE SCHEMA ` + name); err != nil {
		t.Fatalf("pgtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := run(`DROP SCHEMA ` + name + ` CASCADE`); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", name, err)
		}
	})
	u, err := WithParams(base, map[string]string{"search_path": name})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// WithParams returns the URL u with query parameters set: runtime
// parameters of the connections (search_path, application_name) or pool
// settings (pool_max_conns).
func WithParams(u string, params map[string]string) (string, error) {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		return "", fmt.Errorf("pgtest: %s must be a postgres:// URL to take parameters", EnvURL)
	}
	q := p.Query()
	for k, v := range params {
		q.Set(k, v)
	}
	p.RawQuery = q.Encode()
	return p.String(), nil
}

// cluster is a throwaway PostgreSQL cluster in a temporary directory.
type cluster struct {
	dir    string // the temporary directory: data/, the socket, server.log
	bin    string // the directory of initdb and pg_ctl
	port   int
	asUser string // the OS user to run the binaries as ("" for ourselves)
}

func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

// run runs a PostgreSQL binary, as c.asUser when set.
func (c *cluster) run(name string, args ...string) error {
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "PGTZ=UTC")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, c.logTail())
	}
	return nil
}

// logTail is the end of the server's log, for errors.
func (c *cluster) logTail() string {
	b, err := os.ReadFile(filepath.Join(c.dir, "server.log"))
	if err != nil || len(b) == 0 {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return "server.log: …" + string(b)
}

// EnvBin names the environment variable that, when set, gives the
// directory of initdb and pg_ctl (for installations outside
// /usr/lib/postgresql and PATH).
const EnvBin = "ASYSTA_PGTEST_BIN"

// findBin returns the directory holding initdb and pg_ctl: ASYSTA_PGTEST_BIN
// when set, else the newest /usr/lib/postgresql/<version>/bin, else the one
// on PATH.
func findBin() (string, error) {
	if d := os.Getenv(EnvBin); d != "" {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
		return "", fmt.Errorf("%s=%s holds no initdb and pg_ctl", EnvBin, d)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if d := filepath.Dir(p); isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", errors.New("initdb and pg_ctl not found (in /usr/lib/postgresql/*/bin or on PATH)")
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

const dirPrefix = "asysta-pgtest-"

func startCluster() (*cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	removeStale()
	c := &cluster{bin: bin}
	if os.Geteuid() == 0 {
		c.asUser = "postgres" // initdb and postgres refuse to run as root
	}
	c.dir, err = os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(c.dir)
		}
	}()
	if err := os.WriteFile(filepath.Join(c.dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, err
	}
	if c.asUser != "" {
		u, err := user.Lookup(c.asUser)
		if err != nil {
			return nil, fmt.Errorf("running as root, the cluster must run as the %s OS user, which does not exist (the postgresql package creates it): %v", c.asUser, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(c.dir, uid, gid); err != nil {
			return nil, err
		}
		if _, err := exec.LookPath("runuser"); err != nil {
			return nil, fmt.Errorf("running as root needs runuser (util-linux) to start the cluster as %s: %v", c.asUser, err)
		}
	}
	if err := c.run("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if c.port, err = freePort(); err != nil {
			return nil, err
		}
		conf := fmt.Sprintf("\n# pgtest\nport = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n"+
			"max_connections = 200\n", c.port, c.dir)
		if os.Getenv(EnvDurable) != "1" {
			// Nothing is flushed to disk, but a commit has written its WAL
			// to the operating system before it returns (synchronous_commit
			// stays on), so a crash of the server, not of the machine,
			// loses nothing committed: Restart(t, "immediate") tests that.
			conf += "fsync = off\nfull_page_writes = off\n"
		}
		if err := appendFile(filepath.Join(c.data(), "postgresql.conf"), conf); err != nil {
			return nil, err
		}
		err = c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "start")
		if err == nil || attempt == 2 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	ok = true
	return c, nil
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (c *cluster) restart(mode string) error {
	return c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-m", mode, "-w", "-t", "60", "restart")
}

func (c *cluster) stop() error {
	err := c.run("pg_ctl", "-D", c.data(), "-m", "fast", "-w", "-t", "60", "stop")
	if rmErr := os.RemoveAll(c.dir); err == nil {
		err = rmErr
	}
	return err
}

// removeStale stops and removes the clusters of earlier test binaries
// that died without stopping theirs (killed by a test timeout, say).
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || alive(pid) {
			continue
		}
		c := &cluster{dir: dir}
		if c.bin, err = findBin(); err != nil {
			continue
		}
		if os.Geteuid() == 0 {
			c.asUser = "postgres"
		}
		if isFile(filepath.Join(c.data(), "postmaster.pid")) {
			_ = c.run("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "-t", "30", "stop")
		}
		os.RemoveAll(dir)
	}
}

func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, os.ErrPermission)
}

// Wait polls the server at u until it accepts connections or the timeout
// passes, e.g. after a restart.
func Wait(u string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, u)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
