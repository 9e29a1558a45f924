package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/groupindex"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
	"github.com/imdesk/imdesk/server/timmock"
)

// finderPage reads one page of the finder, failing the test on anything
// but 200 and a body that decodes.
func finderPage(t *testing.T, b *browser, query string) api.GroupPage {
	t.Helper()
	w := b.do("GET", "/api/v1/groups"+query, nil)
	if w.Code != 200 {
		t.Fatalf("GET groups%s: %d %s", query, w.Code, w.Body)
	}
	var p api.GroupPage
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func pageIDs(p api.GroupPage) []string {
	ids := []string{}
	for _, g := range p.Groups {
		ids = append(ids, g.ID)
	}
	return ids
}

// Before the index has a group, its exact ID still finds it (asked of
// Tencent, then kept); a group the index holds but Tencent no longer has
// leaves at the end of a round.
func TestFinderIndexFreshness(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.signIn("admin")
	if p := finderPage(t, admin, ""); p.Total != 0 || p.Index.Indexed != 0 || !p.Index.Refreshed.IsZero() {
		t.Fatalf("before any reading: %+v", p)
	}
	p := finderPage(t, admin, "?query="+escape(public))
	if !slices.Equal(pageIDs(p), []string{public}) || p.Groups[0].Name == "" {
		t.Fatalf("exact ID before the index has it: %+v", p)
	}
	if p := finderPage(t, admin, "?query="+escape("@TGS#nothere")); p.Total != 0 {
		t.Fatalf("unknown ID: %+v", p)
	}
	// A group dismissed since an earlier reading.
	st, err := e.db.GroupIndexState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.PutGroup(ctx, st.Round, sqlite.IndexedGroup{ID: "@TGS#dismissed", Name: "Old club", Type: "Public"}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.FinishGroupRound(ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if p := finderPage(t, admin, "?query=Old+club"); p.Total != 1 {
		t.Fatalf("dismissed group before the reading: %+v", p)
	}
	e.indexGroups()
	if p := finderPage(t, admin, "?query=Old+club"); p.Total != 0 {
		t.Fatalf("dismissed group after the reading: %+v", p)
	}
	if p := finderPage(t, admin, ""); p.Total != 9 || p.Index.Indexed != 9 || p.Index.Listed != 9 || p.Index.Reading {
		t.Fatalf("after the reading: %d groups, %+v", p.Total, p.Index)
	}
}

// The cursor is the last ID shown: a group added before it while paging
// neither repeats nor shifts the next page.
func TestFinderCursorStable(t *testing.T) {
	e := newEnv(t)
	e.indexGroups()
	admin := e.signIn("admin")
	first := finderPage(t, admin, "?limit=3")
	if err := e.db.PutGroup(context.Background(), 2, sqlite.IndexedGroup{ID: "@TGS#0000", Name: "New", Type: "Public"}); err != nil {
		t.Fatal(err)
	}
	second := finderPage(t, admin, "?limit=3&cursor="+first.NextCursor)
	all := finderPage(t, admin, "?limit=100")
	want := pageIDs(all)[1+3 : 1+6] // after the new first group and the first page
	if got := pageIDs(second); !slices.Equal(got, want) {
		t.Fatalf("second page %v, want %v", got, want)
	}
}

// A restart resumes the round from the stored cursor: the pages already
// read are not read again.
func TestFinderCrawlResumes(t *testing.T) {
	e := newEnv(t)
	e.srv.index.PageSize = 4
	ctx := context.Background()
	// The first page of round 1 was stored before the restart.
	first, err := e.srv.tim.GetAppIDGroupList(ctx, tim.GetAppIDGroupListRequest{Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, g := range first.GroupIDList {
		ids = append(ids, g.GroupID)
	}
	if err := e.db.ListGroups(ctx, 1, ids, first.Next, first.TotalCount); err != nil {
		t.Fatal(err)
	}
	before, infoBefore := e.mock.Calls("get_appid_group_list"), e.mock.Calls("get_group_info")
	e.indexGroups()
	if n := e.mock.Calls("get_appid_group_list") - before; n != 2 {
		t.Fatalf("%d list pages read after the restart, want the remaining 2 of 3", n)
	}
	// The stored page's groups and each new page's are asked about once:
	// a call a page at most.
	if n := e.mock.Calls("get_group_info") - infoBefore; n > 3 {
		t.Fatalf("%d get_group_info calls for 9 groups in 3 pages", n)
	}
	if all, described, err := e.db.CountGroups(ctx); err != nil || all != 9 || described != 9 {
		t.Fatalf("index holds %d groups, %d described (%v)", all, described, err)
	}
}

// Who may ask for a reading, and how often.
func TestRefreshGroups(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name, account string
		advance       time.Duration
		status        int
		retryAfter    string
	}{
		{"viewer may not", "viewer", 0, 403, ""},
		{"moderator may", "mod", 0, 202, ""},
		{"not again within 5 minutes", "admin", time.Minute, 429, "240"},
		{"again after 5 minutes", "admin", 4 * time.Minute, 202, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.clock.Advance(c.advance)
			w := e.signIn(c.account).do("POST", "/api/v1/groups/refresh", "{}")
			if w.Code != c.status || w.Header().Get("Retry-After") != c.retryAfter {
				t.Fatalf("%d Retry-After %q: %s", w.Code, w.Header().Get("Retry-After"), w.Body)
			}
			if w.Code == 202 {
				var st api.GroupIndexStatus
				if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil {
					t.Fatal(err)
				}
				if st.RefreshAfter.IsZero() {
					t.Fatalf("status without the next allowed refresh: %+v", st)
				}
			}
		})
	}
}

// The crawl at Tencent's real limits, on real time: several list pages and
// info calls, while a moderator reads too, and Tencent (the mock, with its
// limits on) never answers 60007.
func TestCrawlAtRealLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds of real time")
	}
	m := timmock.New(timmock.Options{SDKAppID: testAppID, SecretKey: testKey})
	if err := m.Seed(&timmock.Seed{Generate: 400}); err != nil {
		t.Fatal(err)
	}
	ms := httptest.NewServer(m.Handler(false))
	t.Cleanup(func() { m.Close(); ms.Close() })
	logs := &syncBuffer{}
	client, err := tim.New(tim.Config{BaseURL: ms.URL, SDKAppID: testAppID, SecretKey: testKey, Admin: "administrator",
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	crawler := groupindex.New(db, client, slog.New(slog.NewTextHandler(logs, nil)), time.Now)
	crawler.PageSize = 100 // four list pages, one a second
	ctx := context.Background()
	done := make(chan error, 1)
	go func() { done <- crawler.Round(ctx) }()
	// A moderator's reads meanwhile.
	for i := range 20 {
		if _, err := client.GetGroupInfo(ctx, tim.GetGroupInfoRequest{GroupIDList: []string{fmt.Sprintf("@TGS#%d", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if all, described, err := db.CountGroups(ctx); err != nil || all != 400 || described != 400 {
		t.Fatalf("index holds %d groups, %d described (%v)", all, described, err)
	}
	if n := m.Calls("get_appid_group_list"); n != 4 {
		t.Fatalf("%d list calls, want 4", n)
	}
	// Each group is asked about once: two calls for each page of 100,
	// beside the moderator's 20.
	if n := m.Calls("get_group_info"); n != 8+20 {
		t.Fatalf("%d get_group_info calls, want 8 for the crawl and 20 for the moderator", n)
	}
	if strings.Contains(logs.String(), "60007") {
		t.Fatalf("Tencent refused a call as too frequent:\n%s", logs)
	}
}

// A get_group_info call that fails stops the round with its error; what
// was stored stays, and the next attempt finishes the round without
// asking about a group twice.
func TestFinderCrawlFailureResumes(t *testing.T) {
	e := newEnv(t)
	e.srv.index.PageSize = 4
	ctx := context.Background()
	if err := e.mock.AddFault(timmock.Fault{Command: "get_group_info", Kind: timmock.FaultError, ErrorCode: 60009, Times: 1}); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.index.Round(ctx); err == nil {
		t.Fatal("the round went on past a failed get_group_info")
	}
	st, err := e.db.GroupIndexState(ctx)
	if err != nil || st.Round != 1 {
		t.Fatalf("state after the failure: %+v %v", st, err)
	}
	infoBefore := e.mock.Calls("get_group_info")
	e.indexGroups()
	if all, described, err := e.db.CountGroups(ctx); err != nil || all != 9 || described != 9 {
		t.Fatalf("index holds %d groups, %d described (%v)", all, described, err)
	}
	if n := e.mock.Calls("get_group_info") - infoBefore; n > 3 {
		t.Fatalf("%d get_group_info calls to finish 9 groups", n)
	}
}

// The finder finds groups by the value of a described key of yes/no or a
// list of choices: values the reader asked Tencent for (only while such a
// key is described, each group not again within minutes), and a change
// made through the panel at once; other keys and values are refused with a
// sentence at their field; a moderator still sees only the scope.
func TestFinderByValue(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin, mod := e.signIn("admin"), e.signIn("mod")
	e.indexGroups()
	readValues := func(want int) {
		t.Helper()
		calls := e.calls("get_group_attr")
		n, err := e.srv.index.ReadValues(ctx, 100)
		if err != nil || n != want || e.calls("get_group_attr")-calls != want {
			t.Fatalf("read the values of %d groups in %d calls (%v), want %d", n, e.calls("get_group_attr")-calls, err, want)
		}
	}
	readValues(0) // no key to keep
	set := func(b *browser, group, value string) {
		t.Helper()
		body := map[string]any{"set": []map[string]string{{"key": "tier", "value": value}}}
		if w := b.do("PATCH", "/api/v1/groups/"+escape(group)+"/attributes", body); w.Code != 200 {
			t.Fatalf("set tier of %s: %d %s", group, w.Code, w.Body)
		}
	}
	// Set before the key is described: the index keeps none of it.
	set(admin, public, "gold")
	set(admin, work, "gold")
	set(admin, community, "silver")
	tier := api.KeySpec{Key: "tier", Type: api.KeyTypeChoice, Labels: api.Localized{"en": "Tier"},
		Choices: []api.KeyChoice{{Value: "gold", Labels: api.Localized{"en": "Gold"}}, {Value: "silver", Labels: api.Localized{"en": "Silver"}}}}
	for _, k := range []api.KeySpec{tier, slowMode} {
		if w := admin.do("PUT", "/api/v1/attribute-keys/"+k.Key, k); w.Code != 201 {
			t.Fatalf("put %s: %d %s", k.Key, w.Code, w.Body)
		}
	}
	if p := finderPage(t, admin, "?key=tier&value=gold"); p.Total != 0 {
		t.Fatalf("before the values are read: %+v", pageIDs(p))
	}
	readValues(9)
	readValues(0) // read just now
	want := []string{public, work}
	slices.Sort(want)
	if p := finderPage(t, admin, "?key=tier&value=gold"); !slices.Equal(pageIDs(p), want) || p.Total != 2 {
		t.Fatalf("gold after the reading: %v (total %d)", pageIDs(p), p.Total)
	}
	if p := finderPage(t, mod, "?key=tier&value=gold"); !slices.Equal(pageIDs(p), []string{public}) {
		t.Fatalf("the moderator's gold: %v", pageIDs(p))
	}
	// A change through the panel is found at once, with the other filters.
	set(mod, public, "silver")
	if p := finderPage(t, admin, "?key=tier&value=gold"); !slices.Equal(pageIDs(p), []string{work}) {
		t.Fatalf("gold after the change: %v", pageIDs(p))
	}
	if p := finderPage(t, mod, "?key=tier&value=silver&type=Public"); !slices.Equal(pageIDs(p), []string{public}) {
		t.Fatalf("silver Public groups: %v", pageIDs(p))
	}
	if w := mod.do("DELETE", "/api/v1/groups/"+escape(public)+"/attributes", nil); w.Code != 200 {
		t.Fatalf("clear: %d %s", w.Code, w.Body)
	}
	if p := finderPage(t, mod, "?key=tier&value=silver"); !slices.Equal(pageIDs(p), []string{community}) {
		t.Fatalf("silver after a clear: %v", pageIDs(p))
	}
	// Later, every group is read again.
	e.clock.Advance(11 * time.Minute)
	readValues(9)
	if p := finderPage(t, admin, "?key=tier&value=gold"); !slices.Equal(pageIDs(p), []string{work}) {
		t.Fatalf("gold after the next reading: %v", pageIDs(p))
	}

	for _, tc := range []struct {
		name, query, field, say string
	}{
		{"a value without its key", "?value=gold", "key", "Choose the key whose value the groups have."},
		{"a number key", "?key=slowmode&value=10", "key", "Groups can be found by the value of a described key of yes/no or of a list of choices only."},
		{"an undescribed key", "?key=color&value=red", "key", "Groups can be found by the value of a described key of yes/no or of a list of choices only."},
		{"not one of the choices", "?key=tier&value=bronze", "value", ""},
		{"a key without a value", "?key=tier", "value", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantRefusal(t, admin.do("GET", "/api/v1/groups"+tc.query, nil), 400, tc.field, tc.say)
		})
	}
}
