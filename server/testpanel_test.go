package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
)

// The panels of the benchmarks and of the tests that kill a server run
// as imdesk serve does, outside newEnv: a database of their own, a real
// Tencent client against the mock, and HTTP clients that sign in. These
// build them.

// openTestDB opens the database in dir with one account, name with the
// role and scope given and the password testPass. The caller closes it.
func openTestDB(tb testing.TB, dir, name, role string, scope api.Scope) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.AddAccount(context.Background(), name, testPass, role, scope); err != nil {
		tb.Fatal(err)
	}
	return db
}

// testPanel is a panel with cfg on db, against the mock tc.BaseURL names
// (tc is the rest of the Tencent client's configuration; the app ID, key
// and admin are the tests'), that logs nothing; and its Tencent client.
func testPanel(tb testing.TB, cfg *Config, db *sqlite.DB, tc tim.Config) (*Server, *tim.Client) {
	tb.Helper()
	tc.SDKAppID, tc.SecretKey, tc.Admin = testAppID, testKey, "administrator"
	metrics := NewMetrics()
	tc.Observer = metrics
	client, err := tim.New(tc)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := New(Options{Config: cfg, Assets: testAssets, DB: db, Tencent: client, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: metrics})
	if err != nil {
		tb.Fatal(err)
	}
	return srv, client
}

// signedIn signs hc in to the panel at base as account (password
// testPass), with a cookie jar of its own, and returns it.
func signedIn(tb testing.TB, base, account string, hc *http.Client) *http.Client {
	tb.Helper()
	hc.Jar, _ = cookiejar.New(nil)
	resp, err := hc.Post(base+"/api/v1/session", "application/json", strings.NewReader(`{"username":"`+account+`","password":"`+testPass+`"}`))
	if err != nil || resp.StatusCode != 200 {
		tb.Fatalf("sign in: %v %v", resp, err)
	}
	resp.Body.Close()
	return hc
}

// TestCrashChild is the server process of TestCrashRecovery; it runs only
// when that test starts it.
func TestCrashChild(t *testing.T) {
	dir, url := os.Getenv("IMDESK_CRASH_DIR"), os.Getenv("IMDESK_CRASH_TENCENT")
	if dir == "" {
		t.Skip("started by TestCrashRecovery and TestCrashOfAReplica only")
	}
	db, err := sqlite.Open(dir, sqlite.Options{DatabaseURL: os.Getenv("IMDESK_CRASH_DATABASE")})
	if err != nil {
		t.Fatal(err)
	}
	// As imdesk serve does: intents a stop left without an outcome are
	// unknown before anything else runs; replicas on PostgreSQL join the
	// others, settle the dead ones' and share Tencent's limits.
	if _, err := db.RecoverPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	reps, err := JoinReplicas(context.Background(), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	tc := tim.Config{BaseURL: url}
	if reps != nil {
		tc.Replicas = reps.Live
	}
	srv, _ := testPanel(t, &Config{Addr: "127.0.0.1:0", DataDir: dir, SessionIdle: time.Hour, SessionMax: time.Hour}, db, tc)
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("ADDR %s\n", srv.Addr())
	select {} // until killed
}

// crashChild starts a panel in a process of its own (TestCrashChild, with
// env), for a test to kill, and returns it and its URL.
func crashChild(t testing.TB, env ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
	cmd.Env = append(os.Environ(), env...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "ADDR "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		t.Fatal("the child did not start")
	}
	go io.Copy(io.Discard, stdout)
	return cmd, "http://" + addr
}

// killChild kills the panel process cmd with SIGKILL and waits for it.
func killChild(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}
