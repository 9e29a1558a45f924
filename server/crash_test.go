package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/timmock"
)

// crashGroups are the demo groups the crash tests' writers change.
var crashGroups = []string{community, public, work, community2, "@TGS#_machikado", "@TGS#1NVTZEAE4", "@TGS#3LIVEKR01", "@TGS#5CHATRM09"}

// crashRun is a crash test's writers and the simulator behind the panels:
// what the writers were answered, and what reached Tencent.
type crashRun struct {
	t                         *testing.T
	mu                        sync.Mutex
	answeredOK, refused, sent map[string]bool // values; refused: answered 429, not made
	seen                      map[string]int  // values that reached Tencent, and how often
	// Once 40 changes are answered OK, the calls whose value holds
	// selects reach "Tencent" and get no answer until the panel that sent
	// them is killed: the kill then lands while they are surely in flight.
	hold     atomic.Bool
	holds    func(value string) bool
	inFlight chan string
	killed   chan struct{}
	wg       sync.WaitGroup
}

// newCrashRun starts the simulator with the demo data, observed, and
// returns it and its server.
func newCrashRun(t *testing.T, holds func(value string) bool) (*crashRun, *timmock.Mock, *httptest.Server) {
	c := &crashRun{t: t, answeredOK: map[string]bool{}, refused: map[string]bool{}, sent: map[string]bool{}, seen: map[string]int{},
		holds: holds, inFlight: make(chan string, 64), killed: make(chan struct{})}
	m := timmock.New(timmock.Options{SDKAppID: testAppID, SecretKey: testKey, Observe: func(cmd string, body []byte) {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, v := range attrValues(body) {
			c.seen[v]++
		}
	}})
	if err := m.Seed(timmock.Demo()); err != nil {
		t.Fatal(err)
	}
	mockHandler := m.Handler(false)
	ms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.hold.Load() && strings.HasSuffix(r.URL.Path, "/modify_group_attr") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if vs := attrValues(body); len(vs) == 1 && c.holds(vs[0]) {
				c.inFlight <- vs[0]
				<-r.Context().Done() // the panel was killed, or the test ended
				return
			}
		}
		mockHandler.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { ms.CloseClientConnections(); ms.Close(); m.Close() })
	return c, m, ms
}

// attrValues are the values of a modify_group_attr body.
func attrValues(body []byte) []string {
	var req struct {
		GroupAttr []struct{ Value string } `json:"GroupAttr"`
	}
	json.Unmarshal(body, &req)
	var vs []string
	for _, a := range req.GroupAttr {
		vs = append(vs, a.Value)
	}
	return vs
}

// write starts a writer that sets a key of group through the panel at
// base, a new value (prefix-N) at a time, until stop.
func (c *crashRun) write(hc *http.Client, base, group, prefix string) {
	c.wg.Go(func() {
		for n := 0; ; n++ {
			select {
			case <-c.killed:
				return
			default:
			}
			value := fmt.Sprintf("%s-%d", prefix, n)
			c.mu.Lock()
			c.sent[value] = true
			c.mu.Unlock()
			req, _ := http.NewRequest("PATCH", base+"/api/v1/groups/"+escape(group)+"/attributes",
				strings.NewReader(`{"set":[{"key":"crash","value":"`+value+`"}]}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				return // the panel is gone
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			c.mu.Lock()
			switch resp.StatusCode {
			case 200:
				c.answeredOK[value] = true
				if len(c.answeredOK) == 40 {
					c.hold.Store(true)
				}
			case 429:
				c.refused[value] = true
			default:
				c.t.Errorf("PATCH %s: %d", value, resp.StatusCode)
			}
			c.mu.Unlock()
		}
	})
}

// heldInFlight waits for a held change to reach Tencent, and returns it.
func (c *crashRun) heldInFlight() string {
	select {
	case v := <-c.inFlight:
		return v
	case <-time.After(2 * time.Minute):
		c.t.Fatal("no change reached Tencent after 40 answered OK") // a guard against hanging, not a timing check
		return ""
	}
}

// kill kills the panel process cmd with SIGKILL, then ends the writers
// and waits for them and for cmd.
func (c *crashRun) kill(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGKILL)
	close(c.killed)
	c.wg.Wait()
	cmd.Wait()
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

	c, m, ms := newCrashRun(t, func(string) bool { return true })
	// Tencent takes a little while, so that kills land mid-call too.
	m.AddFault(timmock.Fault{Command: "modify_group_attr", Kind: timmock.FaultLatency, Latency: timmock.Duration(15 * time.Millisecond)})

	cmd, base := crashChild(t, "IMDESK_CRASH_DIR="+dir, "IMDESK_CRASH_TENCENT="+ms.URL)
	hc := signedIn(t, base, "admin", &http.Client{Timeout: 10 * time.Second})
	for w, g := range crashGroups {
		c.write(hc, base, g, fmt.Sprint("w", w))
	}
	// The kill: when a change has reached Tencent and waits for its answer.
	held := c.heldInFlight()
	c.kill(cmd)

	db, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.RecoverPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.check(db, held)
}

// check holds the log after a crash to what the writers were
// answered and what reached Tencent (seen, by value): the chain verifies;
// every change answered OK is audited ok, every one refused (429, not
// made) failed or absent; nothing reached Tencent without an entry or
// twice; a change in flight is absent (and never sent), ok or unknown; the
// one held in flight at the kill is unknown.
func (c *crashRun) check(db *sqlite.DB, held string) {
	t := c.t
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	answeredOK, refused, sent, seen := c.answeredOK, c.refused, c.sent, c.seen
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
