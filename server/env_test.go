package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/clocktest"
	"github.com/imdesk/imdesk/server/pgtest"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
	"github.com/imdesk/imdesk/server/timmock"
)

func init() { sqlite.BcryptCost = bcrypt.MinCost }

const (
	testAppID = 1400000001
	testKey   = "server-test-secret-key-0123456789"
	testPass  = "correct horse battery"

	// Demo groups: the moderator's scope holds the first two.
	community  = "@TGS#_trailhead"
	public     = "@TGS#2J4SZEAEL"
	work       = "@TGS#aC5SZEAEF" // outside the moderator's scope
	community2 = "@TGS#_yuexiang"
)

// env is a whole panel against the real mock: database, Tencent client,
// server, and accounts admin, moderator (scope community, public), viewer,
// and a disabled one.
type env struct {
	t     *testing.T
	srv   *Server
	db    *sqlite.DB
	mock  *timmock.Mock
	clock *clocktest.Clock
	logs  *syncBuffer

	hookMu        sync.Mutex
	reads, hookAt int
	readHook      func()
	cmdHook       *cmdHook
}

// cmdHook runs f just before the at-th call of cmd (from when it was set)
// is handled.
type cmdHook struct {
	cmd      string
	at, seen int
	f        func()
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func newEnv(t *testing.T, opts ...envOption) *env { return newEnvWith(t, testAssets, opts...) }

// envOption changes a test panel's configuration or logger before it starts.
type envOption func(cfg *Config, logger **slog.Logger, logs io.Writer)

// withLogs makes the panel log at level in format, as IMDESK_LOG_LEVEL and
// IMDESK_LOG_FORMAT would.
func withLogs(level, format string) envOption {
	return func(_ *Config, logger **slog.Logger, logs io.Writer) {
		l, err := NewLogger(logs, level, format)
		if err != nil {
			panic(err)
		}
		*logger = l
	}
}

// withConfig edits the panel's configuration.
func withConfig(f func(*Config)) envOption {
	return func(cfg *Config, _ **slog.Logger, _ io.Writer) { f(cfg) }
}

func newEnvWith(t *testing.T, files fstest.MapFS, opts ...envOption) *env {
	t.Helper()
	c := clocktest.New(time.Now())
	e := &env{t: t, clock: c}
	m := timmock.New(timmock.Options{SDKAppID: testAppID, SecretKey: testKey, Now: c.Now, Observe: e.observe})
	if err := m.Seed(timmock.Demo()); err != nil {
		t.Fatal(err)
	}
	ms := httptest.NewServer(m.Handler(false))
	t.Cleanup(func() { m.Close(); ms.Close() })
	dir := t.TempDir()
	o := sqlite.Options{Now: c.Now, AuditKey: []byte("server-test-audit-key-0123456789")}
	if onPostgres {
		o.DatabaseURL = pgtest.Need(t)
	}
	db, err := sqlite.Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	cfg := &Config{Addr: "127.0.0.1:0", DataDir: dir, SessionIdle: 30 * time.Minute, SessionMax: 8 * time.Hour,
		AllowedHosts: []string{"example.com"}} // httptest.NewRequest's Host
	for _, o := range opts {
		o(cfg, &logger, logs)
	}
	metrics := NewMetrics()
	client, err := tim.New(tim.Config{BaseURL: ms.URL, SDKAppID: testAppID, SecretKey: testKey, Admin: "administrator",
		Now: c.Now, Sleep: c.Sleep, Timeout: 2 * time.Second, Logger: logger, Observer: metrics})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Config: cfg, Assets: files, DB: db, Tencent: client, Now: c.Now, Logger: logger, Metrics: metrics})
	if err != nil {
		t.Fatal(err)
	}
	srv.index.Sleep = c.Sleep
	ctx := context.Background()
	for _, a := range []struct {
		name, role string
		scope      api.Scope
	}{
		{"admin", "admin", api.Scope{}},
		{"mod", "moderator", api.Scope{Groups: []string{community, public}, MembersOf: []string{community}}},
		{"viewer", "viewer", api.Scope{All: true}},
		{"gone", "moderator", api.Scope{All: true}},
	} {
		if err := db.AddAccount(ctx, a.name, testPass, a.role, a.scope); err != nil {
			t.Fatal(err)
		}
	}
	db.SetDisabled(ctx, "gone", true)
	e.srv, e.db, e.mock, e.logs = srv, db, m, logs
	return e
}

// observe is told of every call that reaches the mock, before it is
// handled.
func (e *env) observe(cmd string, _ []byte) {
	e.hookMu.Lock()
	hook := e.readHook
	if cmd == "get_group_attr" {
		e.reads++
		if e.reads != e.hookAt {
			hook = nil
		}
	} else {
		hook = nil
	}
	var run func()
	if h := e.cmdHook; h != nil && h.cmd == cmd {
		if h.seen++; h.seen == h.at {
			run, e.cmdHook = h.f, nil
		}
	}
	e.hookMu.Unlock()
	if hook != nil {
		hook()
	}
	if run != nil {
		run()
	}
}

// beforeCall runs f just before the nth call of cmd (from now) that
// reaches the mock's handler is handled.
func (e *env) beforeCall(cmd string, n int, f func()) {
	e.hookMu.Lock()
	e.cmdHook = &cmdHook{cmd: cmd, at: n, f: f}
	e.hookMu.Unlock()
}

// beforeRead runs f just before the nth get_group_attr (from now) is
// handled: someone else's change between the panel's reads.
func (e *env) beforeRead(n int, f func()) {
	e.hookMu.Lock()
	e.hookAt, e.readHook = e.reads+n, f
	e.hookMu.Unlock()
}

// indexGroups runs one round of the group crawler to its end, as the
// background crawler would.
func (e *env) indexGroups() {
	e.t.Helper()
	if err := e.srv.index.Round(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// browser is one client of the panel: it keeps the session cookie and
// sends same-origin headers like a browser would.
type browser struct {
	e      *env
	cookie *http.Cookie // the session
	device *http.Cookie // the device cookie, once signed in
	ip     string
}

func (e *env) browser() *browser { return &browser{e: e, ip: "192.0.2.10"} }

// signIn returns a browser signed in as name.
func (e *env) signIn(name string) *browser {
	e.t.Helper()
	b := e.browser()
	if w := b.do("POST", "/api/v1/session", map[string]string{"username": name, "password": testPass}); w.Code != 200 {
		e.t.Fatalf("sign in as %s: %d %s", name, w.Code, w.Body)
	}
	return b
}

// do sends a request; body is JSON-encoded unless it is a string.
func (b *browser) do(method, path string, body any, header ...string) *httptest.ResponseRecorder {
	b.e.t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	default:
		j, _ := json.Marshal(v)
		rd = bytes.NewReader(j)
	}
	r := httptest.NewRequest(method, path, rd)
	r.RemoteAddr = b.ip + ":40000"
	if rd != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.Header.Set("User-Agent", "test-browser")
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			r.Header.Del(header[i])
		} else {
			r.Header.Set(header[i], header[i+1])
		}
	}
	if b.cookie != nil {
		r.AddCookie(b.cookie)
	}
	if b.device != nil {
		r.AddCookie(b.device)
	}
	w := httptest.NewRecorder()
	b.e.srv.Handler().ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.Name == deviceCookieName {
			b.device = c
		}
		if c.Name == cookieName {
			if c.MaxAge < 0 || c.Value == "" {
				b.cookie = nil
			} else {
				b.cookie = c
			}
		}
	}
	return w
}

// mustDecode decodes JSON into v and fails the test when it is not that.
func mustDecode(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %T: %v in %.300s", v, err, data)
	}
}

// apiErr decodes an API error body.
func apiErr(t *testing.T, w *httptest.ResponseRecorder) (code, message, field string) {
	t.Helper()
	var body struct {
		Error struct {
			Code, Message, Field, RequestID string
		} `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code == "" {
		t.Fatalf("not an API error: %d %s", w.Code, w.Body)
	}
	if body.Error.RequestID == "" {
		t.Errorf("error without a request id: %s", w.Body)
	}
	return body.Error.Code, body.Error.Message, body.Error.Field
}

// attrs reads a group's attributes straight from the mock, through the
// client the server uses.
func (e *env) attrs(groupID string) map[string]string {
	e.t.Helper()
	list, err := e.srv.tim.GetGroupAttr(context.Background(), groupID)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range list {
		out[a.Key] = a.Value
	}
	return out
}
