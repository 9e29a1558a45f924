package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
	"github.com/imdesk/imdesk/server/timmock"
)

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
func crashChild(t *testing.T, env ...string) (*exec.Cmd, string) {
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

// TestCrashRecovery kills a server with SIGKILL while it performs
// concurrent audited writes. After a restart: every request answered OK has
// its entry with outcome ok; every change that reached Tencent has an
// entry; requests in flight are "unknown" (or ok) or absent and never sent;
// and the chain verifies.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	openTestDB(t, dir, "admin", "admin", api.Scope{}).Close()

	var seenMu sync.Mutex
	seen := map[string]int{} // values that reached Tencent, and how often
	m := timmock.New(timmock.Options{SDKAppID: testAppID, SecretKey: testKey, Observe: func(cmd string, body []byte) {
		var req struct {
			GroupAttr []struct{ Value string } `json:"GroupAttr"`
		}
		if json.Unmarshal(body, &req) == nil {
			seenMu.Lock()
			for _, a := range req.GroupAttr {
				seen[a.Value]++
			}
			seenMu.Unlock()
		}
	}})
	if err := m.Seed(timmock.Demo()); err != nil {
		t.Fatal(err)
	}
	// Tencent takes a little while, so that kills land mid-call too.
	m.AddFault(timmock.Fault{Command: "modify_group_attr", Kind: timmock.FaultLatency, Latency: timmock.Duration(15 * time.Millisecond)})
	// Once held, calls reach "Tencent" and get no answer until the test
	// ends: the kill then lands while they are surely in flight.
	var hold atomic.Bool
	inFlight := make(chan string, 64)
	release := make(chan struct{})
	mockHandler := m.Handler(false)
	ms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hold.Load() && strings.HasSuffix(r.URL.Path, "/modify_group_attr") {
			var req struct {
				GroupAttr []struct{ Value string } `json:"GroupAttr"`
			}
			if err := json.NewDecoder(r.Body).Decode(&req); err == nil && len(req.GroupAttr) == 1 {
				inFlight <- req.GroupAttr[0].Value
			}
			select {
			case <-release:
			case <-r.Context().Done(): // the panel was killed
			}
			return
		}
		mockHandler.ServeHTTP(w, r)
	}))
	defer ms.Close()
	defer m.Close()
	defer close(release)

	cmd, base := crashChild(t, "IMDESK_CRASH_DIR="+dir, "IMDESK_CRASH_TENCENT="+ms.URL)

	hc := signedIn(t, base, "admin", &http.Client{Timeout: 10 * time.Second})

	groups := []string{community, public, work, community2, "@TGS#_machikado", "@TGS#1NVTZEAE4", "@TGS#3LIVEKR01", "@TGS#5CHATRM09"}
	var mu sync.Mutex
	answeredOK := map[string]bool{} // values
	refused := map[string]bool{}    // answered 429: not made
	sent := map[string]bool{}
	killed := make(chan struct{})
	var wg sync.WaitGroup
	for w, g := range groups {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-killed:
					return
				default:
				}
				value := fmt.Sprintf("w%d-%d", w, n)
				mu.Lock()
				sent[value] = true
				mu.Unlock()
				req, _ := http.NewRequest("PATCH", base+"/api/v1/groups/"+escape(g)+"/attributes",
					strings.NewReader(`{"set":[{"key":"crash","value":"`+value+`"}]}`))
				req.Header.Set("Content-Type", "application/json")
				resp, err := hc.Do(req)
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					mu.Lock()
					answeredOK[value] = true
					if len(answeredOK) == 40 {
						hold.Store(true)
					}
					mu.Unlock()
				} else if resp.StatusCode == 429 {
					mu.Lock()
					refused[value] = true
					mu.Unlock()
				} else {
					t.Errorf("PATCH %s: %d", value, resp.StatusCode)
				}
			}
		})
	}
	// The kill: when a change has reached Tencent and waits for its answer.
	var held string
	select {
	case held = <-inFlight:
	case <-time.After(time.Minute):
		t.Fatal("no change reached Tencent after 40 answered OK") // a guard against hanging, not a timing check
	}
	close(killed)
	cmd.Process.Signal(syscall.SIGKILL)
	wg.Wait()
	cmd.Wait()

	db, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.RecoverPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	seenMu.Lock()
	defer seenMu.Unlock()
	checkAfterCrash(t, db, answeredOK, refused, sent, seen, held)
}

// checkAfterCrash holds the log after a crash to what the writers were
// answered and what reached Tencent (seen, by value): the chain verifies;
// every change answered OK is audited ok, every one refused (429, not
// made) failed or absent; nothing reached Tencent without an entry or
// twice; a change in flight is absent (and never sent), ok or unknown; the
// one held in flight at the kill is unknown.
func checkAfterCrash(t *testing.T, db *sqlite.DB, answeredOK, refused, sent map[string]bool, seen map[string]int, held string) {
	t.Helper()
	ctx := context.Background()
	if n, broken, err := db.Verify(ctx); err != nil || broken != nil {
		t.Fatalf("chain after the crash (%d entries): %v %v", n, broken, err)
	}
	recs, err := db.Records(ctx, sqlite.Filter{Action: "group.attributes.patch"})
	if err != nil {
		t.Fatal(err)
	}
	audited := map[string]string{} // value → outcome
	for _, r := range recs {
		var p struct {
			Set []struct{ Value string } `json:"set"`
		}
		mustDecode(t, r.Request, &p)
		audited[p.Set[0].Value] = r.Outcome
	}
	for v := range answeredOK {
		if audited[v] != sqlite.OutcomeOK {
			t.Errorf("answered OK but audited as %q: %s", audited[v], v)
		}
	}
	for v, n := range seen {
		if _, ok := audited[v]; !ok {
			t.Errorf("reached Tencent without an audit entry: %s", v)
		}
		if n > 1 {
			t.Errorf("sent to Tencent %d times: %s", n, v)
		}
	}
	unknown := 0
	for v := range sent {
		if answeredOK[v] {
			continue
		}
		if refused[v] {
			if outcome, ok := audited[v]; ok && outcome != sqlite.OutcomeFailed {
				t.Errorf("answered 429 but audited as %q: %s", outcome, v)
			}
			continue
		}
		switch outcome, ok := audited[v]; {
		case !ok && seen[v] > 0:
			t.Errorf("in flight, absent from the log, but sent: %s", v)
		case ok && outcome == sqlite.OutcomeUnknown:
			unknown++
		case ok && outcome != sqlite.OutcomeOK:
			t.Errorf("in flight with outcome %q: %s", outcome, v)
		}
	}
	// The change in flight at the kill is recorded, and as unknown: it may
	// or may not have been made.
	if audited[held] != sqlite.OutcomeUnknown {
		t.Errorf("the change in flight at the kill (%s) is audited as %q, want unknown", held, audited[held])
	}
	t.Logf("%d answered OK, %d audited, %d reached Tencent, %d in flight marked unknown", len(answeredOK), len(audited), len(seen), unknown)
}
