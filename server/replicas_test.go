package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/groupindex"
	"github.com/imdesk/imdesk/server/pgtest"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
	"github.com/imdesk/imdesk/server/timmock"
)

// The tests whose panels lean most on the store (bulk changes, the key
// registry, undo, the audit export, the finder) run again on PostgreSQL
// after the whole package has run on SQLite: the test binary runs itself
// once more with onPostgresEnv set, where newEnv's panel keeps its data
// in PostgreSQL. A run filtered with -run is not repeated.
const onPostgresEnv = "IMDESK_SERVER_TEST_ON_POSTGRES"

var onPostgres = os.Getenv(onPostgresEnv) != ""

const alsoOnPostgres = `^(TestBulkChangeEndToEnd|TestBulkRolesAndScope|TestKeyRegistry.*|TestUndo.*|TestAuditAPI|TestAuditCheckpoint|TestAuditCSVReadable|TestFinderByValue|TestFinderCursorStable|TestFindGroups|TestSignInAndOut|TestSignInThrottle|TestSessionTimeouts|TestDisableEndsSessions|TestAttributesReadAndChange|TestAdmin.*)$`

func TestMain(m *testing.M) {
	pgtest.Twice(m, onPostgresEnv, alsoOnPostgres, func() bool { return pgtest.FlagSet("test.run") || testing.Short() })
}

// replicas starts n panels on one PostgreSQL database, as n processes
// behind a load balancer would run, against one simulator, with the
// account name (role admin) made by the first; it returns their URLs.
// Each registers as a replica, beats and shares its Tencent calls, as
// server.Open and the command do.
func replicas(t *testing.T, n int, name string) []string {
	t.Helper()
	url := pgtest.Need(t)
	mock := timmock.New(timmock.Options{SDKAppID: testAppID, SecretKey: testKey})
	if err := mock.Seed(timmock.Demo()); err != nil {
		t.Fatal(err)
	}
	ms := httptest.NewServer(mock)
	t.Cleanup(ms.Close)
	var urls []string
	for i := range n {
		db, err := sqlite.Open("", sqlite.Options{DatabaseURL: url, AuditKey: []byte("0123456789abcdef0123456789abcdef")})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			if err := db.AddAccount(context.Background(), name, testPass, api.RoleAdmin, api.Scope{All: true}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.JoinReplicas(context.Background(), fmt.Sprintf("host%d", i)); err != nil {
			t.Fatal(err)
		}
		srv, _ := testPanel(t, &Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SessionIdle: time.Hour, SessionMax: time.Hour},
			db, tim.Config{BaseURL: ms.URL})
		ctx, stop := context.WithCancel(context.Background())
		t.Cleanup(stop)
		go every(ctx, time.Second, srv.addUsage)
		go every(ctx, beatEvery, func(ctx context.Context) { db.BeatReplica(ctx) })
		hs := httptest.NewServer(srv.Handler())
		t.Cleanup(hs.Close)
		urls = append(urls, hs.URL)
	}
	return urls
}

// A session made on one replica works on every other, and signing out on
// one ends it on all of them at their next request.
func TestReplicasShareSessions(t *testing.T) {
	urls := replicas(t, 3, "ada")
	hc := signedIn(t, urls[0], "ada", &http.Client{}) // cookies go to every port of 127.0.0.1
	status := func(method, url string) int {
		t.Helper()
		req, _ := http.NewRequest(method, url+"/api/v1/session", nil)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i, u := range urls {
		if got := status("GET", u); got != 200 {
			t.Fatalf("replica %d: the session made on replica 0 answers %d", i, got)
		}
	}
	// The cookie as it was before signing out, replayed afterwards: the
	// session must have ended on the server, not only in this browser.
	u0, _ := neturl.Parse(urls[0])
	kept := hc.Jar.Cookies(u0)
	if got := status("DELETE", urls[1]); got/100 != 2 {
		t.Fatalf("sign-out on replica 1: %d", got)
	}
	for i, u := range urls {
		req, _ := http.NewRequest("GET", u+"/api/v1/session", nil)
		for _, c := range kept {
			req.AddCookie(c)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("replica %d, the old cookie after sign-out on replica 1: %d, want 401", i, resp.StatusCode)
		}
	}
}

// Three replicas under a burst at Tencent's limits keep to them together:
// each keeps to a third of every limit, so the simulator (which refuses
// what Tencent would: 60007 over a command's 200 a second, 10049 over a
// group's 5 writes a second) refuses nothing. The same burst with each
// replica taking the whole limits is refused, so the test can see a
// refusal.
func TestReplicasKeepTencentsLimitsTogether(t *testing.T) {
	burst := func(t *testing.T, share bool) int64 {
		url := pgtest.Need(t)
		m := timmock.New(timmock.Options{SDKAppID: testAppID, SecretKey: testKey})
		if err := m.Seed(timmock.Demo()); err != nil {
			t.Fatal(err)
		}
		var refused atomic.Int64
		ms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, r)
			var env struct{ ErrorCode int }
			if json.Unmarshal(rec.Body.Bytes(), &env) == nil && (env.ErrorCode == 10049 || env.ErrorCode == 60007) {
				refused.Add(1)
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
		}))
		defer ms.Close()
		ctx := context.Background()
		var dbs [3]*sqlite.DB
		for i := range dbs {
			db, err := sqlite.Open("", sqlite.Options{DatabaseURL: url})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.JoinReplicas(ctx, fmt.Sprint("r", i)); err != nil {
				t.Fatal(err)
			}
			dbs[i] = db
		}
		var wg sync.WaitGroup
		for _, db := range dbs {
			live, _, err := db.BeatReplica(ctx)
			if err != nil || live != 3 {
				t.Fatalf("live replicas %d, %v", live, err)
			}
			tc := tim.Config{BaseURL: ms.URL, SDKAppID: testAppID, SecretKey: testKey, Admin: "administrator"}
			if share {
				tc.Replicas = func() int { return live }
			}
			c, err := tim.New(tc)
			if err != nil {
				t.Fatal(err)
			}
			for w := range 10 {
				wg.Go(func() {
					for i := range 15 {
						c.GetGroupAttr(ctx, "@TGS#2J4SZEAEL")
						if i < 2 && w < 3 {
							c.ModifyGroupAttr(ctx, "@TGS#2J4SZEAEL", []tim.Attr{{Key: "burst", Value: fmt.Sprint(w, i)}})
						}
					}
				})
			}
		}
		wg.Wait()
		return refused.Load()
	}
	if n := burst(t, true); n != 0 {
		t.Fatalf("three replicas sharing the limits: Tencent refused %d calls (10049 or 60007)", n)
	}
	if n := burst(t, false); n == 0 {
		t.Fatal("the same burst with each replica taking the whole limits was not refused: the test cannot see a refusal")
	}
}

// The sign-in throttle counts the attempts made on every replica: wrong
// passwords sent round the replicas are held up after the account's free
// failures, as they are on one panel.
func TestReplicasShareTheSignInThrottle(t *testing.T) {
	urls := replicas(t, 3, "ada")
	for i := range accountFreeFailures + 1 {
		u := urls[i%len(urls)]
		resp, err := http.Post(u+"/api/v1/session", "application/json", strings.NewReader(`{"username":"ada","password":"not the password at all"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := 401
		if i == accountFreeFailures {
			want = 429
		}
		if resp.StatusCode != want {
			t.Fatalf("attempt %d, on replica %d: %d, want %d", i+1, i%len(urls), resp.StatusCode, want)
		}
	}
}

// TestCrashOfAReplica kills one of three replicas with SIGKILL while 30
// writers change groups through all three. The two left settle its
// changes in flight: every change answered OK is audited ok, the one in
// flight at the kill is unknown, nothing reached Tencent without an entry
// or was sent twice, and the one chain verifies.
func TestCrashOfAReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	url := pgtest.Need(t)
	ctx := context.Background()
	db, err := sqlite.Open("", sqlite.Options{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.AddAccount(ctx, "admin", testPass, api.RoleAdmin, api.Scope{All: true}); err != nil {
		t.Fatal(err)
	}

	// The doomed replica's writers set values starting with "v": only
	// those calls are held; the others' go on.
	c, _, ms := newCrashRun(t, func(v string) bool { return strings.HasPrefix(v, "v") })
	var cmds [3]*exec.Cmd
	var bases [3]string
	var started sync.WaitGroup
	for i := range cmds {
		started.Go(func() {
			cmds[i], bases[i] = crashChild(t, "IMDESK_CRASH_DIR="+t.TempDir(), "IMDESK_CRASH_TENCENT="+ms.URL, "IMDESK_CRASH_DATABASE="+url)
		})
	}
	started.Wait()
	for w := range 30 {
		r := w % 3
		prefix := fmt.Sprint("s", w)
		if r == 0 {
			prefix = fmt.Sprint("v", w) // the replica to be killed
		}
		c.write(signedIn(t, bases[r], "admin", &http.Client{Timeout: 20 * time.Second}), bases[r], crashGroups[w%len(crashGroups)], prefix)
	}
	held := c.heldInFlight()
	c.kill(cmds[0])

	// The replicas left notice the dead one (its lock is free) within
	// their sweep and settle its changes; wait for that, not for a time.
	for deadline := time.Now().Add(time.Minute); ; {
		recs, err := db.Records(ctx, sqlite.Filter{Action: "group.attributes.patch"})
		if err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, r := range recs {
			if r.Outcome == sqlite.OutcomePending {
				pending++
			}
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d changes still without an outcome a minute after the kill", pending)
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.check(db, held)
}

// TestBulkTakenOverByAnotherReplica runs a bulk change of 300 groups on
// one replica, starts a second, and kills the first with SIGKILL a third
// of the way through: the second takes the bulk runner's lease over,
// settles the dead replica's changes in flight and finishes the job, with
// every group changed exactly once, nothing refused by Tencent and the
// chain intact.
func TestBulkTakenOverByAnotherReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	const n = 300
	g := newBulkRigOn(t, pgtest.Need(t), n, 20*time.Millisecond)
	job := g.newJob()
	g.waitFor(job, api.BulkReady)
	g.call("POST", job+"/start", api.BulkStart{})
	first := g.cmd
	g.start() // a second replica; the first holds the runner's lease
	g.waitSent(n / 3)
	killChild(first)
	atKill := g.sent()
	g.checkOnce(job, n)
	t.Logf("killed with %d of %d groups sent; the other replica sent the rest, every group once", atKill, n)
}

// One replica reads the group list for all of them. Another replica's
// finder shows what it stored (counts, when it was read, whether a
// reading is under way); a refresh asked on that other replica wakes the
// crawling one; and the pause between asks holds across replicas.
func TestReplicasShareTheCrawler(t *testing.T) {
	url := pgtest.Need(t)
	m := timmock.New(timmock.Options{SDKAppID: testAppID, SecretKey: testKey})
	if err := m.Seed(&timmock.Seed{Generate: 40}); err != nil {
		t.Fatal(err)
	}
	ms := httptest.NewServer(m.Handler(false))
	t.Cleanup(func() { m.Close(); ms.Close() })
	client, err := tim.New(tim.Config{BaseURL: ms.URL, SDKAppID: testAppID, SecretKey: testKey, Admin: "administrator"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	crawler := func() (*groupindex.Crawler, *sqlite.DB) {
		db, err := sqlite.Open("", sqlite.Options{DatabaseURL: url, AuditKey: []byte("0123456789abcdef0123456789abcdef")})
		if err != nil {
			t.Fatal(err)
		}
		c := groupindex.New(db, client, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
		c.PageSize = 20
		c.Start()
		t.Cleanup(func() { c.Stop(); db.Close() })
		return c, db
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waited 30 s for %s", what)
			}
		}
	}
	_, db := crawler()
	waitFor("the first reading", func() bool {
		st, err := db.GroupIndexState(ctx)
		return err == nil && !st.Refreshed.IsZero()
	})
	other, _ := crawler() // started after the first holds the lease

	if st := other.Status(); st.Listed != 40 || st.Indexed != 40 || st.Reading || st.Refreshed.IsZero() {
		t.Fatalf("the other replica's finder status: %+v, want 40 listed and described, read, not reading", st)
	}
	lists := m.Calls("get_appid_group_list")
	if _, err := other.Refresh(ctx); err != nil {
		t.Fatalf("refresh on the other replica: %v", err)
	}
	waitFor("the crawling replica to read the list again", func() bool { return m.Calls("get_appid_group_list") > lists })
	waitFor("that reading to end", func() bool {
		st, err := db.GroupIndexState(ctx)
		return err == nil && st.Started.IsZero()
	})
	if _, err := other.Refresh(ctx); !errors.Is(err, groupindex.ErrRefreshTooSoon) {
		t.Fatalf("a second refresh, on the same replica: %v", err)
	}
	third, _ := crawler()
	if retry, err := third.Refresh(ctx); !errors.Is(err, groupindex.ErrRefreshTooSoon) || time.Until(retry) < 4*time.Minute {
		t.Fatalf("a refresh on another replica just after: retry at %v, %v; want refused for about 5 minutes", retry, err)
	}
}

// The health page speaks of the app, not of the replica that answers it:
// it lists the replicas that run, and the Tencent calls made through one
// are counted on every other's page.
func TestReplicasShareTheHealthPage(t *testing.T) {
	urls := replicas(t, 2, "ada")
	hc := signedIn(t, urls[0], "ada", &http.Client{})
	health := func(base string) api.Health {
		t.Helper()
		var h api.Health
		resp, err := hc.Get(base + "/api/v1/health")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&h) != nil {
			t.Fatalf("health on %s: %d", base, resp.StatusCode)
		}
		return h
	}
	const op = "get_group_attr"
	calls := func(h api.Health) int {
		for _, r := range h.RateLimits {
			if r.Op == op {
				return r.LastMinute
			}
		}
		return 0
	}
	before := calls(health(urls[1]))
	for range 5 {
		resp, err := hc.Get(urls[0] + "/api/v1/groups/" + neturl.PathEscape("@TGS#_trailhead") + "/attributes")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("read attributes on replica 0: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	deadline := time.Now().Add(15 * time.Second)
	h := health(urls[1])
	for ; calls(h) < before+5; h = health(urls[1]) {
		if time.Now().After(deadline) {
			t.Fatalf("replica 1's health page counts %d get_group_attr calls in the last minute, want at least %d (5 made through replica 0)", calls(h), before+5)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(h.Replicas) != 2 || h.Replicas[0].Host != "host0" || h.Replicas[0].This || h.Replicas[1].Host != "host1" || !h.Replicas[1].This {
		t.Fatalf("replica 1's health page lists the replicas as %+v, want host0 then host1 (this one)", h.Replicas)
	}
}
