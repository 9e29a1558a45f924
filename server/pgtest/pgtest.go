// Package pgtest starts a real PostgreSQL server for tests: Debian's
// binaries (make test installs the postgresql package when it is missing),
// a new cluster made with initdb in a temporary directory, listening on a
// free loopback port, and removed when the tests end. PostgreSQL refuses to
// run as root, so when the tests do, the server runs as the unprivileged
// user nobody.
//
// A test binary starts one server (Start, from TestMain) and each test
// takes a database of its own (Server.Database), so tests stay apart and
// the cluster is made once.
package pgtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Server is a running PostgreSQL cluster.
type Server struct {
	dir  string // the temporary directory: data/, the socket, the log
	bin  string // the directory of initdb, pg_ctl and postgres
	port int
	cred *syscall.Credential // the user it runs as, when the tests run as root
	n    atomic.Int64        // databases made so far
}

// Options tune the server.
type Options struct {
	// Durable keeps fsync on, as in production, for benchmarks; tests
	// run without it (a crash of the test machine loses nothing of value).
	Durable bool
}

// binDir finds PostgreSQL's programs: Debian keeps them in
// /usr/lib/postgresql/<major>/bin (the newest major is taken), elsewhere
// they are on the PATH.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return major(dirs[i]) > major(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL is not installed (initdb not found); `make test` installs Debian's postgresql package")
}

func major(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Start makes and starts a cluster. Call Stop when done.
func Start(o Options) (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	removeOrphans(bin)
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, err
	}
	// The test process that owns the server: if it is killed before it
	// stops the server, the next Start stops it (removeOrphans).
	if err := os.WriteFile(filepath.Join(dir, "owner"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("nobody")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("the tests run as root and PostgreSQL does not; no user nobody to run it as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := s.run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	fsync := "off"
	if o.Durable {
		fsync = "on"
	}
	// A port that was free a moment ago can be taken by the time the
	// server binds it: try a few.
	for try := 0; ; try++ {
		s.port, err = freePort()
		if err != nil {
			break
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=%s -c synchronous_commit=%s -c max_connections=200 -c shared_buffers=64MB",
			s.port, dir, fsync, fsync)
		var out []byte
		out, err = s.run("pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts)
		if err == nil {
			return s, nil
		}
		err = fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, s.Log())
		if try == 2 {
			break
		}
	}
	os.RemoveAll(dir)
	return nil, err
}

// dirPrefix names the servers' temporary directories.
const dirPrefix = "imdesk-pg-"

// removeOrphans stops and removes the servers whose test process died
// without stopping them (killed, or timed out).
func removeOrphans(bin string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "owner"))
		if err != nil {
			continue // being made, or not ours
		}
		pid, err := strconv.Atoi(string(b))
		if err != nil || pid <= 0 || syscall.Kill(pid, 0) == nil {
			continue // its owner still runs
		}
		s := &Server{dir: dir, bin: bin}
		if fi, err := os.Stat(dir); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 && st.Uid != 0 {
				s.cred = &syscall.Credential{Uid: st.Uid, Gid: st.Gid}
			}
		}
		s.Stop()
	}
}

// run runs one of PostgreSQL's programs as the server's user.
func (s *Server) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "TZ=UTC")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd.CombinedOutput()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the address of database name on the server.
func (s *Server) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, name)
}

// Database makes a new, empty database and returns its URL.
func (s *Server) Database(ctx context.Context) (string, error) {
	name := fmt.Sprintf("t%d", s.n.Add(1))
	out, err := exec.CommandContext(ctx, filepath.Join(s.bin, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
		s.URL("postgres"), "-c", "CREATE DATABASE "+name).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("create database: %v: %s", err, out)
	}
	return s.URL(name), nil
}

// Log is the server's log so far, for a failure's message.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "log"))
	return string(b)
}

// Stop stops the server and removes its directory.
func (s *Server) Stop() {
	s.run("pg_ctl", "stop", "-m", "fast", "-w", "-D", filepath.Join(s.dir, "data"))
	os.RemoveAll(s.dir)
}

var (
	mainCalled bool
	startOnce  sync.Once
	shared     *Server
	startErr   error
)

// Main runs a package's tests with one server for them all, started by
// the first test that needs one (Need) and removed after the last:
// func TestMain(m *testing.M) { pgtest.Main(m) }. A run that needs none
// (a filtered run, a child process a test starts) starts none. When
// PostgreSQL cannot be started, the tests that need it fail; the others
// run.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main without the exit: it returns m.Run's code.
func Run(m *testing.M) int {
	mainCalled = true
	code := m.Run()
	if shared != nil {
		shared.Stop()
	}
	return code
}

// Twice runs a package's tests, then runs the test binary once more with
// env set in its environment: a second pass, in which the package's tests
// keep their data in PostgreSQL (it is Main there). only, when set,
// replaces the run's own -test.run in the second pass; skip, when it says
// so after the first pass (a fuzzing or filtered run), leaves the second
// out. It exits with the first failure's code.
func Twice(m *testing.M, env, only string, skip func() bool) {
	if os.Getenv(env) != "" {
		Main(m)
	}
	flag.Parse()
	code := Run(m)
	if skip != nil && skip() {
		os.Exit(code)
	}
	fmt.Println("--- again, on PostgreSQL ---")
	var args []string
	if only != "" {
		args = append(args, "-test.run="+only)
	}
	for _, a := range os.Args[1:] {
		if only == "" || !strings.HasPrefix(a, "-test.run") && !strings.HasPrefix(a, "-test.bench") {
			args = append(args, a)
		}
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), env+"=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil && code == 0 {
		fmt.Println("on PostgreSQL:", err)
		code = 1
	}
	os.Exit(code)
}

// FlagSet reports whether the test flag name (e.g. "test.run") was given.
func FlagSet(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() != ""
}

// Need returns a new database on the package's server (see Main) for
// one test.
func Need(t testing.TB) string {
	t.Helper()
	if !mainCalled {
		t.Fatal("PostgreSQL: pgtest.Main was not called from TestMain")
	}
	startOnce.Do(func() { shared, startErr = Start(Options{}) })
	if startErr != nil {
		t.Fatalf("PostgreSQL: %v", startErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url, err := shared.Database(ctx)
	if err != nil {
		t.Fatalf("PostgreSQL: %v", err)
	}
	return url
}
