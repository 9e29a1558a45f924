package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/timmock"
)

// runJobs works every job until none has anything left to do, as the
// runner would in the background.
func (e *env) runJobs() {
	e.t.Helper()
	for range 1000 {
		if worked, _ := e.srv.bulkRound(context.Background()); !worked {
			return
		}
	}
	e.t.Fatal("bulk jobs never finished")
}

// bulkJob reads a job through the API.
func (b *browser) bulkJob(id int64) api.BulkJob {
	b.e.t.Helper()
	w := b.do("GET", fmt.Sprintf("/api/v1/bulk-changes/%d", id), nil)
	var j api.BulkJob
	mustDecode(b.e.t, w.Body.Bytes(), &j)
	return j
}

// newBulk makes a job and fails unless it is made.
func (b *browser) newBulk(req api.BulkNew) api.BulkCreated {
	b.e.t.Helper()
	w := b.do("POST", "/api/v1/bulk-changes", req)
	if w.Code != 201 {
		b.e.t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	var c api.BulkCreated
	mustDecode(b.e.t, w.Body.Bytes(), &c)
	return c
}

// startBulk makes a job that sets region=jp in the groups, lets the
// runner preview it and starts it.
func (b *browser) startBulk(ids ...string) api.BulkCreated {
	b.e.t.Helper()
	c := b.newBulk(api.BulkNew{Source: api.BulkSource{IDs: ids}, Op: api.BulkSet, Set: attrs("region", "jp")})
	b.e.runJobs()
	b.control(c.Job.ID, "start", api.BulkStart{}, 200)
	return c
}

func (b *browser) control(id int64, verb string, body any, status int) *httptest.ResponseRecorder {
	b.e.t.Helper()
	w := b.do("POST", fmt.Sprintf("/api/v1/bulk-changes/%d/%s", id, verb), body)
	if w.Code != status {
		b.e.t.Fatalf("%s: %d %s, want %d", verb, w.Code, w.Body, status)
	}
	return w
}

// A bulk change, end to end: IDs left out with their reasons, a preview
// that counts what will change, a run through the audited change path
// with a refused group, results, and the undo that puts every group back.
func TestBulkChangeEndToEnd(t *testing.T) {
	e := newEnv(t)
	e.indexGroups()
	admin := e.signIn("admin")
	big := strings.Repeat("x", 3996)
	// Four values of 3,996 bytes with their keys: 15,992 of the 16,000
	// bytes a group may hold, so a group that holds more than 8 bytes of
	// attributes already is refused.
	set := attrs("k1", big, "k2", big, "k3", big, "k4", big)
	if w := admin.do("PUT", "/api/v1/groups/"+escape(community2)+"/attributes", api.AttrReplace{Attributes: attrs("a", "1")}); w.Code != 200 {
		t.Fatal(w.Code, w.Body)
	}
	beforePublic, beforeEmpty := e.attrs(public), e.attrs(community2)
	c := admin.newBulk(api.BulkNew{Source: api.BulkSource{IDs: []string{public, community2, "@TGS#_nope", public, "bad\nid"}}, Op: api.BulkSet, Set: set})
	if len(c.LeftOut) != 2 || !strings.Contains(c.LeftOut[0].Message, "There is no group") || !strings.Contains(c.LeftOut[1].Message, "control character") {
		t.Fatalf("left out: %+v", c.LeftOut)
	}
	if c.Job.State != api.BulkPreviewing || c.Job.Total != 4 || c.Job.Progress.Excluded != 2 {
		t.Fatalf("new job: %+v", c.Job)
	}
	id := c.Job.ID
	// Nothing starts before the preview is done, and nothing is sent.
	admin.control(id, "start", api.BulkStart{}, 409)
	e.runJobs()
	j := admin.bulkJob(id)
	if j.State != api.BulkReady || j.Preview.Changes != 1 || j.Preview.Refused != 1 || len(j.Refusals) != 1 ||
		!strings.Contains(j.Refusals[0].Reason, "16000 bytes") || len(j.Sample) != 1 || j.Sample[0].GroupID != community2 {
		t.Fatalf("preview: %s %+v %+v %+v", j.State, j.Preview, j.Refusals, len(j.Sample))
	}
	if e.mock.Calls("modify_group_attr") != 0 {
		t.Fatal("the preview sent a change")
	}
	admin.control(id, "start", api.BulkStart{}, 200)
	e.runJobs()
	j = admin.bulkJob(id)
	if j.State != api.BulkFinished || j.Progress.Changes != 1 || j.Progress.Refused != 1 || j.Progress.Excluded != 2 || j.Progress.Remaining != 0 {
		t.Fatalf("finished: %+v", j)
	}
	if got := e.attrs(community2); got["k4"] != big || len(got) != len(beforeEmpty)+4 {
		t.Fatalf("changed group holds %d keys", len(got))
	}
	if got := e.attrs(public); len(got) != len(beforePublic) {
		t.Fatalf("refused group changed: %v", got)
	}
	// Each group's change is audited as any change is, naming the job; the
	// job's own events are there too.
	recs, err := e.db.Records(context.Background(), sqlite.Filter{Job: id})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range recs {
		actions = append(actions, r.Action+":"+r.Outcome)
	}
	if want := "bulk.finish:ok group.attributes.patch:ok bulk.start:ok bulk.create:ok"; strings.Join(actions, " ") != want {
		t.Fatalf("audit: %s, want %s", strings.Join(actions, " "), want)
	}
	w := admin.do("GET", fmt.Sprintf("/api/v1/bulk-changes/%d/export?format=csv", id), nil)
	if body := w.Body.String(); !strings.HasPrefix(body, "\ufeffGroup ID,") || !strings.Contains(body, community2+",") ||
		!strings.Contains(body, ",changed,") || !strings.Contains(body, ",left out,") || !strings.Contains(body, ",refused,") {
		t.Fatalf("CSV: %s", body)
	}

	// The undo: a job of its own, previewed, that puts back what the job
	// found — and leaves alone a group someone changed since, unless told
	// to overwrite it.
	admin.do("PATCH", "/api/v1/groups/"+escape(community2)+"/attributes", api.AttrPatch{Set: attrs("k1", "edited by hand")})
	u := admin.control(id, "undo", api.BulkUndo{}, 201)
	var undo api.BulkCreated
	mustDecode(t, u.Body.Bytes(), &undo)
	e.runJobs()
	j = admin.bulkJob(undo.Job.ID)
	if j.Op != api.BulkRestore || j.Undoes != id || j.Preview.Refused != 1 || j.Preview.Changes != 0 {
		t.Fatalf("undo preview: %+v", j)
	}
	admin.control(undo.Job.ID, "cancel", nil, 200)
	u = admin.control(id, "undo", api.BulkUndo{Overwrite: true}, 201)
	mustDecode(t, u.Body.Bytes(), &undo)
	e.runJobs()
	// Overwriting replaces every attribute of a group: confirmed by count.
	admin.control(undo.Job.ID, "start", api.BulkStart{Groups: 2}, 400)
	admin.control(undo.Job.ID, "start", api.BulkStart{Groups: 1}, 200)
	e.runJobs()
	if got := e.attrs(community2); len(got) != len(beforeEmpty) {
		t.Fatalf("after the undo: %d keys, want %d", len(got), len(beforeEmpty))
	}
}

// Roles and scope: a viewer sees jobs but never makes or controls one; a
// moderator's choice leaves out groups outside the scope; a pause holds
// the job; a narrowed scope refuses the groups now outside it.
func TestBulkRolesAndScope(t *testing.T) {
	e := newEnv(t)
	e.indexGroups()
	mod, viewer := e.signIn("mod"), e.signIn("viewer")
	req := api.BulkNew{Source: api.BulkSource{IDs: []string{public, community, community2}}, Op: api.BulkSet, Set: attrs("region", "jp")}
	if w := viewer.do("POST", "/api/v1/bulk-changes", req); w.Code != 403 {
		t.Fatalf("viewer creates: %d", w.Code)
	}
	c := mod.newBulk(req)
	if len(c.LeftOut) != 1 || c.LeftOut[0].ID != community2 || !strings.Contains(c.LeftOut[0].Message, "may not change this group") {
		t.Fatalf("left out: %+v", c.LeftOut)
	}
	e.runJobs()
	viewer.control(c.Job.ID, "start", api.BulkStart{}, 403)
	if j := viewer.bulkJob(c.Job.ID); j.CanControl || j.Preview.Changes != 2 {
		t.Fatalf("viewer's view: %+v", j)
	}
	mod.control(c.Job.ID, "start", api.BulkStart{}, 200)
	mod.control(c.Job.ID, "pause", nil, 200)
	e.runJobs()
	if j := mod.bulkJob(c.Job.ID); j.State != api.BulkPaused || j.Progress.Remaining != 2 || e.mock.Calls("modify_group_attr") != 0 {
		t.Fatalf("paused: %+v", j)
	}
	// The scope narrows while the job is paused: resumed, it refuses the
	// group now outside it and changes the other.
	if err := e.db.SetScope(context.Background(), "mod", api.Scope{Groups: []string{public}}); err != nil {
		t.Fatal(err)
	}
	mod.control(c.Job.ID, "resume", nil, 200)
	e.runJobs()
	j := mod.bulkJob(c.Job.ID)
	if j.State != api.BulkFinished || j.Progress.Changes != 1 || j.Progress.Refused != 1 {
		t.Fatalf("after the scope narrowed: %+v", j)
	}
	if e.attrs(community)["region"] == "jp" || e.attrs(public)["region"] != "jp" {
		t.Fatal("the job changed a group outside the scope, or not the one inside")
	}
}

// A moderator sees of someone else's job only the groups in their scope:
// not the others' IDs in its source, nor their attributes in its sample,
// nor their IDs as left out of a job made from it.
func TestBulkJobOfOthersShowsOnlyTheScope(t *testing.T) {
	e := newEnv(t)
	e.indexGroups()
	if err := e.db.AddAccount(context.Background(), "mod2", testPass, api.RoleModerator, api.Scope{Groups: []string{public}}); err != nil {
		t.Fatal(err)
	}
	admin, mod2 := e.signIn("admin"), e.signIn("mod2")
	c := admin.newBulk(api.BulkNew{Source: api.BulkSource{IDs: []string{public, community, community2}}, Op: api.BulkSet, Set: attrs("region", "jp")})
	e.runJobs()
	if j := admin.bulkJob(c.Job.ID); len(j.Source.IDs) != 3 || len(j.Sample) != 3 {
		t.Fatalf("the owner's view: source %v, sample %+v", j.Source.IDs, j.Sample)
	}
	check := func(where string, j api.BulkJob) {
		t.Helper()
		if len(j.Source.IDs) != 1 || j.Source.IDs[0] != public {
			t.Errorf("%s: source %v, want only %s", where, j.Source.IDs, public)
		}
		if len(j.Sample) != 1 || j.Sample[0].GroupID != public {
			t.Errorf("%s: sample %+v, want only %s", where, j.Sample, public)
		}
	}
	check("the job", mod2.bulkJob(c.Job.ID))
	var list api.BulkJobList
	mustDecode(t, mod2.do("GET", "/api/v1/bulk-changes", nil).Body.Bytes(), &list)
	for _, j := range list.Jobs {
		if j.ID == c.Job.ID {
			check("the list", j)
		}
	}
	again := mod2.newBulk(api.BulkNew{Source: api.BulkSource{Job: c.Job.ID}, Op: api.BulkSet, Set: attrs("region", "kr")})
	if len(again.LeftOut) != 0 || again.Job.Total != 1 {
		t.Fatalf("a job made from it: left out %+v, %d groups; want none left out, 1 group", again.LeftOut, again.Job.Total)
	}
	recs := e.records(t, api.ActionBulkCreate)
	if len(recs) != 2 || recs[0].Detail != "1 group chosen, 0 left out" || recs[1].Detail != "3 groups chosen, 0 left out" {
		t.Fatalf("audit %+v", recs)
	}
}

// Undo after the owner's scope narrowed puts back only the groups still
// in it, and does not name the others, in its answer or its groups.
func TestBulkUndoAfterTheScopeNarrowed(t *testing.T) {
	e := newEnv(t)
	e.indexGroups()
	mod := e.signIn("mod")
	c := mod.startBulk(public, community)
	e.runJobs()
	if err := e.db.SetScope(context.Background(), "mod", api.Scope{Groups: []string{public}}); err != nil {
		t.Fatal(err)
	}
	w := mod.control(c.Job.ID, "undo", api.BulkUndo{}, 201)
	var u api.BulkCreated
	mustDecode(t, w.Body.Bytes(), &u)
	if len(u.LeftOut) != 0 || u.Job.Total != 1 {
		t.Fatalf("undo: left out %+v, %d groups; want none named, 1 group", u.LeftOut, u.Job.Total)
	}
	if body := mod.do("GET", fmt.Sprintf("/api/v1/bulk-changes/%d/groups", u.Job.ID), nil).Body.String(); strings.Contains(body, community) {
		t.Fatalf("the undo's groups name a group outside the scope: %s", body)
	}
	if err := e.db.SetScope(context.Background(), "mod", api.Scope{Groups: []string{work}}); err != nil {
		t.Fatal(err)
	}
	mod.control(c.Job.ID, "undo", api.BulkUndo{}, 403)
}

// A job paused while its last batch runs is finished when that batch
// ends, not left "paused" with nothing to do (cancelling it then called
// a job that changed every group "cancelled").
func TestBulkPausedDuringItsLastBatchFinishes(t *testing.T) {
	e := newEnv(t)
	e.indexGroups()
	mod := e.signIn("mod")
	c := mod.startBulk(public, community)
	running, err := e.db.BulkJob(context.Background(), c.Job.ID)
	if err != nil {
		t.Fatal(err)
	}
	mod.control(c.Job.ID, "pause", nil, 200) // while the batch below is under way
	e.srv.bulkBatch(context.Background(), running, e.srv.bulk.run(running.ID))
	if j := mod.bulkJob(c.Job.ID); j.State != api.BulkFinished || j.Progress.Changes != 2 || j.Progress.Remaining != 0 {
		t.Fatalf("after its last batch: %+v", j)
	}
	mod.control(c.Job.ID, "cancel", nil, 409)
}

// bulkRig is what the test that kills a panel mid-job and BenchmarkBulk
// share: a mock of n groups (@TGS#_bulk00000…) at Tencent's real limits,
// which counts the change calls that reach it by group and the error codes
// it answers, and a panel process against it (startChild) driven through
// its API as a signed-in admin.
type bulkRig struct {
	tb       testing.TB
	dir      string
	database string // PostgreSQL's URL; "": SQLite in dir
	ids      []string
	url      string // the mock's
	cmd      *exec.Cmd
	base     string // the panel's
	hc       *http.Client

	mu    sync.Mutex
	sends map[string]int // change calls of the job's groups that reached Tencent
	times []time.Time    // when each came
	codes map[int]int    // error codes Tencent answered
}

// newBulkRig makes the mock (answering each change call after latency,
// with the extra groups too) and the panel's data, and starts the panel.
func newBulkRig(tb testing.TB, n int, latency time.Duration, extra ...timmock.SeedGroup) *bulkRig {
	return newBulkRigOn(tb, "", n, latency, extra...)
}

// newBulkRigOn is newBulkRig with the panel's data in PostgreSQL at
// database ("": SQLite).
func newBulkRigOn(tb testing.TB, database string, n int, latency time.Duration, extra ...timmock.SeedGroup) *bulkRig {
	g := &bulkRig{tb: tb, dir: tb.TempDir(), database: database, sends: map[string]int{}, codes: map[int]int{}}
	db := g.open()
	if err := db.AddAccount(context.Background(), "admin", testPass, api.RoleAdmin, api.Scope{}); err != nil {
		tb.Fatal(err)
	}
	db.Close()
	seed := &timmock.Seed{Groups: extra}
	for i := range n {
		id := fmt.Sprintf("@TGS#_bulk%05d", i)
		g.ids = append(g.ids, id)
		seed.Groups = append(seed.Groups, timmock.SeedGroup{ID: id, Type: "Public", Name: fmt.Sprintf("Bulk %d 批量", i)})
	}
	m := timmock.New(timmock.Options{SDKAppID: testAppID, SecretKey: testKey, Observe: func(cmd string, body []byte) {
		var req struct{ GroupId string }
		if cmd == "modify_group_attr" && json.Unmarshal(body, &req) == nil && strings.HasPrefix(req.GroupId, "@TGS#_bulk") {
			g.mu.Lock()
			g.sends[req.GroupId]++
			g.times = append(g.times, time.Now())
			g.mu.Unlock()
		}
	}})
	if err := m.Seed(seed); err != nil {
		tb.Fatal(err)
	}
	if latency > 0 {
		m.AddFault(timmock.Fault{Command: "modify_group_attr", Kind: timmock.FaultLatency, Latency: timmock.Duration(latency)})
	}
	mock := m.Handler(false)
	ms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &codeRecorder{ResponseWriter: w}
		mock.ServeHTTP(rec, r)
		var answer struct{ ErrorCode int }
		if json.Unmarshal(rec.buf.Bytes(), &answer) == nil && answer.ErrorCode != 0 {
			g.mu.Lock()
			g.codes[answer.ErrorCode]++
			g.mu.Unlock()
		}
	}))
	tb.Cleanup(func() { ms.Close(); m.Close() })
	g.url = ms.URL
	g.start()
	return g
}

// codeRecorder keeps what the mock answers, to read its ErrorCode.
type codeRecorder struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (c *codeRecorder) Write(b []byte) (int, error) { c.buf.Write(b); return c.ResponseWriter.Write(b) }

// open opens the panel's database; the test closes it.
func (g *bulkRig) open() *sqlite.DB {
	db, err := sqlite.Open(g.dir, sqlite.Options{DatabaseURL: g.database})
	if err != nil {
		g.tb.Fatal(err)
	}
	g.tb.Cleanup(func() { db.Close() })
	return db
}

// start starts a panel process (a replica, on PostgreSQL) and signs in.
func (g *bulkRig) start() {
	g.cmd, g.base = crashChild(g.tb, "IMDESK_CRASH_DIR="+g.dir, "IMDESK_CRASH_TENCENT="+g.url, "IMDESK_CRASH_DATABASE="+g.database)
	g.hc = signedIn(g.tb, g.base, "admin", &http.Client{Timeout: time.Minute})
}

// kill kills the panel process with SIGKILL.
func (g *bulkRig) kill() {
	killChild(g.cmd)
}

// call calls the panel's API and fails unless it answers 2xx.
func (g *bulkRig) call(method, path string, body any) map[string]any {
	g.tb.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, g.base+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.hc.Do(req)
	if err != nil {
		g.tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode >= 300 {
		g.tb.Fatalf("%s %s: %d %v", method, path, resp.StatusCode, out)
	}
	return out
}

// newJob makes a bulk change that sets slowmode to 30 in every group,
// and returns its path.
func (g *bulkRig) newJob() string {
	g.tb.Helper()
	created := g.call("POST", "/api/v1/bulk-changes", api.BulkNew{Source: api.BulkSource{IDs: g.ids}, Op: api.BulkSet, Set: attrs("slowmode", "30")})
	return fmt.Sprintf("/api/v1/bulk-changes/%.0f", created["job"].(map[string]any)["id"].(float64))
}

// waitFor reads the job until it is in state, and returns it; a guard
// against hanging, not a timing check.
func (g *bulkRig) waitFor(job, state string) map[string]any {
	g.tb.Helper()
	for deadline := time.Now().Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if j := g.call("GET", job, nil); j["state"] == state {
			return j
		}
	}
	g.tb.Fatalf("%s never became %s", job, state)
	return nil
}

// sent is how many of the groups had a change call reach Tencent.
func (g *bulkRig) sent() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.sends)
}

// waitSent waits until k groups had a change call.
func (g *bulkRig) waitSent(k int) {
	for g.sent() < k {
		time.Sleep(time.Millisecond)
	}
}

// TestBulkResumesAfterKill kills the panel with SIGKILL halfway through a
// bulk change of 600 groups, starts it again, and checks that the job
// finishes by itself with every group changed exactly once: none skipped,
// none sent twice (a change in flight at the kill is settled by reading
// the group, not repeated), that Tencent refused nothing, and that the
// audit chain is intact.
func TestBulkResumesAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	const n = 600
	// Tencent takes a little while, so that the kill lands mid-call too.
	g := newBulkRig(t, n, 20*time.Millisecond)
	job := g.newJob()
	g.waitFor(job, api.BulkReady)
	g.call("POST", job+"/start", api.BulkStart{})
	g.waitSent(n / 2)
	g.kill()
	atKill := g.sent()

	g.start()
	g.checkOnce(job, n)
	t.Logf("killed with %d of %d groups sent; every group sent once after the restart", atKill, n)
}

// checkOnce checks that the job of n groups finished with every group
// changed, each sent to Tencent once, nothing refused, and the chain
// intact.
func (g *bulkRig) checkOnce(job string, n int) {
	t := g.tb
	t.Helper()
	progress := g.waitFor(job, api.BulkFinished)["progress"].(map[string]any)
	if progress["changes"].(float64) != float64(n) || progress["unknown"].(float64) != 0 || progress["failed"].(float64) != 0 {
		t.Fatalf("at the end: %v", progress)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, id := range g.ids {
		if g.sends[id] != 1 {
			t.Errorf("%s: sent %d times", id, g.sends[id])
		}
	}
	if len(g.codes) != 0 {
		t.Errorf("Tencent refused: %v", g.codes)
	}
	if _, broken, err := g.open().Verify(context.Background()); err != nil || broken != nil {
		t.Fatalf("chain: %v %v", broken, err)
	}
}
