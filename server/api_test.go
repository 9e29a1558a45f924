package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/timmock"
)

func TestSignInAndOut(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	if w := b.do("GET", "/api/v1/session", nil); w.Code != 401 {
		t.Fatalf("who am I before sign-in: %d", w.Code)
	}
	w := b.do("POST", "/api/v1/session", map[string]string{"username": "mod", "password": testPass})
	if w.Code != 200 || b.cookie == nil {
		t.Fatalf("sign in: %d %s", w.Code, w.Body)
	}
	c := b.cookie
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
		t.Errorf("cookie attributes: %+v", c)
	}
	if strings.Contains(c.Value, "mod") {
		t.Errorf("cookie shows the account: %s", c.Value)
	}
	var who api.Session
	json.Unmarshal(b.do("GET", "/api/v1/session", nil).Body.Bytes(), &who)
	if who.Username != "mod" || who.Role != "moderator" || len(who.Scope.Groups) != 2 {
		t.Fatalf("who am I: %+v", who)
	}
	// Signing in again gives a new session id and ends the old one.
	old := *b.cookie
	b.do("POST", "/api/v1/session", map[string]string{"username": "mod", "password": testPass})
	if b.cookie.Value == old.Value {
		t.Fatal("the session id did not change at sign-in")
	}
	stale := &browser{e: e, cookie: &old, ip: b.ip}
	if w := stale.do("GET", "/api/v1/session", nil); w.Code != 401 {
		t.Fatalf("old session still works: %d", w.Code)
	}
	// Sign-out ends the session on the server, even for a kept cookie.
	kept := *b.cookie
	if w := b.do("DELETE", "/api/v1/session", nil); w.Code != 204 {
		t.Fatalf("sign out: %d", w.Code)
	}
	replay := &browser{e: e, cookie: &kept, ip: b.ip}
	w = replay.do("GET", "/api/v1/session", nil)
	if _, msg, _ := apiErr(t, w); w.Code != 401 || !strings.Contains(msg, "session has ended") {
		t.Fatalf("replayed cookie after sign-out: %d %s", w.Code, w.Body)
	}
	recs, _ := e.db.Records(context.Background(), sqlite.Filter{Actor: "mod"})
	if len(recs) != 3 || recs[0].Action != "session.signout" || recs[2].Action != "session.signin" || recs[2].Outcome != "ok" {
		t.Fatalf("audit of sign-ins: %d records", len(recs))
	}
}

// One answer for every failed sign-in; the attempt is audited.
func TestSignInFailures(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ user, pass string }{{"mod", "wrong password!"}, {"nobody", testPass}, {"gone", testPass}} {
		w := e.browser().do("POST", "/api/v1/session", map[string]string{"username": c.user, "password": c.pass})
		if _, msg, _ := apiErr(t, w); w.Code != 401 || msg != "The name or password is not right." {
			t.Errorf("%s: %d %s", c.user, w.Code, msg)
		}
	}
	recs, _ := e.db.Records(context.Background(), sqlite.Filter{Outcome: "failed", Action: "session.signin"})
	if len(recs) != 3 || recs[0].IP != "192.0.2.10" {
		t.Fatalf("failed sign-ins audited: %d", len(recs))
	}
}

// After five failures an account must wait, longer each time; the wait is
// in Retry-After, and a good password does not get through meanwhile.
func TestSignInThrottle(t *testing.T) {
	e := newEnv(t)
	try := func(pass string) *httptest.ResponseRecorder {
		return e.browser().do("POST", "/api/v1/session", map[string]string{"username": "mod", "password": pass})
	}
	for range 5 {
		if w := try("bad password!!"); w.Code != 401 {
			t.Fatalf("early failure: %d", w.Code)
		}
	}
	w := try("bad password!!") // the sixth failure sets a 1 s wait
	if w.Code != 401 {
		t.Fatalf("sixth: %d", w.Code)
	}
	w = try(testPass)
	if _, msg, _ := apiErr(t, w); w.Code != 429 || w.Header().Get("Retry-After") != "1" || !strings.Contains(msg, "Too many sign-in attempts") {
		t.Fatalf("throttled: %d %s %s", w.Code, w.Header().Get("Retry-After"), msg)
	}
	e.clock.Advance(time.Second)
	try("bad password!!") // seventh: 2 s
	w = try(testPass)
	if w.Code != 429 || w.Header().Get("Retry-After") != "2" {
		t.Fatalf("doubling: %d %s", w.Code, w.Header().Get("Retry-After"))
	}
	e.clock.Advance(2 * time.Second)
	if w := try(testPass); w.Code != 200 {
		t.Fatalf("after the wait: %d %s", w.Code, w.Body)
	}
	// Another account from another address is not slowed down.
	other := e.browser()
	other.ip = "192.0.2.99"
	if w := other.do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": testPass}); w.Code != 200 {
		t.Fatalf("other account: %d", w.Code)
	}
}

// Idle and absolute timeouts are enforced on the server.
func TestSessionTimeouts(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("admin")
	e.clock.Advance(29 * time.Minute)
	if w := b.do("GET", "/api/v1/session", nil); w.Code != 200 {
		t.Fatalf("within idle timeout: %d", w.Code)
	}
	e.clock.Advance(30 * time.Minute)
	w := b.do("GET", "/api/v1/session", nil)
	if _, msg, _ := apiErr(t, w); w.Code != 401 || !strings.Contains(msg, "ended") {
		t.Fatalf("after 30 idle minutes: %d %s", w.Code, msg)
	}
	// Absolute: active every 20 minutes, still ended after 8 hours.
	b = e.signIn("admin")
	for range 23 {
		e.clock.Advance(20 * time.Minute)
		if w := b.do("GET", "/api/v1/session", nil); w.Code != 200 {
			t.Fatalf("active session ended early: %d", w.Code)
		}
	}
	e.clock.Advance(20 * time.Minute) // 8 h in all
	if w := b.do("GET", "/api/v1/session", nil); w.Code != 401 {
		t.Fatalf("after 8 hours: %d", w.Code)
	}
}

// Disabling an account ends its sessions at once.
func TestDisableEndsSessions(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("mod")
	e.db.SetDisabled(context.Background(), "mod", true)
	if w := b.do("GET", "/api/v1/groups", nil); w.Code != 401 {
		t.Fatalf("disabled account still served: %d", w.Code)
	}
}

func TestRequestProtection(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("admin")
	path := "/api/v1/groups/" + escape(public) + "/attributes"
	patch := `{"set":[{"key":"k","value":"v"}]}`
	for _, c := range []struct {
		name   string
		body   string
		header []string
		status int
		field  string
	}{
		{"cross-site write", patch, []string{"Sec-Fetch-Site", "cross-site"}, 403, ""},
		{"other origin", patch, []string{"Sec-Fetch-Site", "", "Origin", "https://evil.example"}, 403, ""},
		{"not JSON", patch, []string{"Content-Type", "text/plain"}, 415, ""},
		{"too large", `{"set":[{"key":"k","value":"` + strings.Repeat("v", 200<<10) + `"}]}`, nil, 413, ""},
		{"unknown field", `{"set":[],"sett":[]}`, nil, 400, "sett"},
		{"invalid UTF-8", "{\"set\":[{\"key\":\"k\",\"value\":\"\xff\"}]}", nil, 400, ""},
		{"wrong type", `{"set":"k=v"}`, nil, 400, "set"},
		{"trailing data", patch + `{}`, nil, 400, ""},
		{"empty", ``, nil, 400, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := b.do("PATCH", path, c.body, c.header...)
			code, _, field := apiErr(t, w)
			if w.Code != c.status || field != c.field {
				t.Fatalf("%d %s (field %q), want %d", w.Code, code, field, c.status)
			}
		})
	}
	if e.mock.Calls("modify_group_attr") != 0 {
		t.Fatal("a refused request reached Tencent")
	}
	// Security headers on API answers too.
	w := b.do("GET", "/api/v1/session", nil)
	if w.Header().Get("Content-Security-Policy") == "" || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("headers: %v", w.Header())
	}
}

func escape(id string) string { return strings.ReplaceAll(id, "#", "%23") }

func TestFindGroups(t *testing.T) {
	e := newEnv(t)
	e.indexGroups()
	list := func(b *browser, query string) api.GroupPage {
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
	admin := e.signIn("admin")
	if p := list(admin, ""); p.Total != 9 || len(p.Groups) != 9 || p.Index.Indexed != 9 || p.Index.Refreshed.IsZero() || !p.Index.CanRefresh {
		t.Fatalf("admin sees %d groups, index %+v", p.Total, p.Index)
	}
	if p := list(admin, "?type=Community"); p.Total != 3 {
		t.Fatalf("communities: %d", p.Total)
	}
	if p := list(admin, "?query=%E8%AF%BB%E4%B9%A6"); p.Total != 1 || p.Groups[0].ID != community2 { // 读书
		t.Fatalf("search by Chinese name: %+v", p)
	}
	if p := list(admin, "?query=%40TGS%232J4"); p.Total != 1 || p.Groups[0].ID != public {
		t.Fatalf("search by id prefix: %+v", p)
	}
	p := list(admin, "?limit=4")
	if len(p.Groups) != 4 || p.NextCursor == "" {
		t.Fatalf("page 1: %+v", p)
	}
	p2 := list(admin, "?limit=4&cursor="+p.NextCursor)
	p3 := list(admin, "?limit=4&cursor="+p2.NextCursor)
	if len(p2.Groups) != 4 || len(p3.Groups) != 1 || p3.NextCursor != "" {
		t.Fatalf("paging: %d %d %q", len(p2.Groups), len(p3.Groups), p3.NextCursor)
	}
	if w := admin.do("GET", "/api/v1/groups?cursor=%25%25", nil); w.Code != 400 {
		t.Fatalf("bad cursor: %d", w.Code)
	}
	mod := e.signIn("mod")
	p = list(mod, "")
	if p.Total != 2 || !p.Groups[0].CanEdit {
		t.Fatalf("moderator sees %+v", p)
	}
	viewer := e.signIn("viewer")
	if p := list(viewer, ""); p.Total != 9 || p.Groups[0].CanEdit {
		t.Fatalf("viewer: %d, canEdit %v", p.Total, p.Groups[0].CanEdit)
	}
	w := admin.do("GET", "/api/v1/groups?limit=1000", nil)
	if _, _, field := apiErr(t, w); w.Code != 400 || field != "limit" {
		t.Fatalf("bad limit: %d %s", w.Code, field)
	}
	// One group, with what its type supports.
	var g api.Group
	json.Unmarshal(admin.do("GET", "/api/v1/groups/"+escape(community), nil).Body.Bytes(), &g)
	if g.Type != "Community" || g.Name != "Trailhead Hikers" || g.MemberCount != 6 || g.Operations.Clear || !g.Operations.Modify {
		t.Fatalf("group: %+v", g)
	}
	if w := admin.do("GET", "/api/v1/groups/"+escape("@TGS#nothere"), nil); w.Code != 404 {
		t.Fatalf("missing group: %d", w.Code)
	}
}

func TestAttributesReadAndChange(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("mod")
	path := "/api/v1/groups/" + escape(public) + "/attributes"
	var got api.Attributes
	w := b.do("GET", path, nil)
	json.Unmarshal(w.Body.Bytes(), &got)
	if w.Code != 200 || len(got.Attributes) != 2 || got.Version == "" || w.Header().Get("ETag") != `"`+got.Version+`"` {
		t.Fatalf("GET: %d %+v", w.Code, got)
	}
	// Set only: one modify_group_attr.
	w = b.do("PATCH", path, api.AttrPatch{Set: attrs("theme_of_the_week", "Night sky 夜空", "new", "1")}, "If-Match", `"`+got.Version+`"`)
	if w.Code != 200 || e.mock.Calls("modify_group_attr") != 1 {
		t.Fatalf("PATCH set: %d %s", w.Code, w.Body)
	}
	if a := e.attrs(public); a["theme_of_the_week"] != "Night sky 夜空" || a["new"] != "1" {
		t.Fatalf("stored: %v", a)
	}
	// Stale version: refused before anything is sent.
	w = b.do("PATCH", path, api.AttrPatch{Set: attrs("new", "2")}, "If-Match", `"`+got.Version+`"`)
	if code, _, _ := apiErr(t, w); w.Code != 412 || code != "conflict" {
		t.Fatalf("stale If-Match: %d %s", w.Code, code)
	}
	// Delete only: one delete_group_attr; both: one set_group_attr.
	if w := b.do("PATCH", path, api.AttrPatch{Delete: []string{"new"}}); w.Code != 200 || e.mock.Calls("delete_group_attr") != 1 {
		t.Fatalf("PATCH delete: %d %s", w.Code, w.Body)
	}
	e.clock.Advance(time.Second)
	w = b.do("PATCH", path, api.AttrPatch{Set: attrs("a", "1"), Delete: []string{"contest_deadline"}})
	if w.Code != 200 || e.mock.Calls("set_group_attr") != 1 {
		t.Fatalf("PATCH both: %d %s", w.Code, w.Body)
	}
	if a := e.attrs(public); len(a) != 2 || a["a"] != "1" || a["theme_of_the_week"] == "" {
		t.Fatalf("after both: %v", a)
	}
	// Replace all, then clear.
	if w := b.do("PUT", path, api.AttrReplace{Attributes: attrs("only", "this")}); w.Code != 200 {
		t.Fatalf("PUT: %d %s", w.Code, w.Body)
	}
	e.clock.Advance(time.Second)
	if w := b.do("DELETE", path, nil); w.Code != 200 {
		t.Fatalf("DELETE: %d %s", w.Code, w.Body)
	}
	if a := e.attrs(public); len(a) != 0 {
		t.Fatalf("after clear: %v", a)
	}
	// Every change is in the audit log with the attributes before it.
	recs, _ := e.db.Records(context.Background(), sqlite.Filter{Target: public})
	if len(recs) != 5 {
		t.Fatalf("%d audit records", len(recs))
	}
	last := recs[0]
	if last.Action != "group.attributes.clear" || last.Outcome != "ok" || !strings.Contains(string(last.Before), `"only"`) ||
		last.Actor != "mod" || last.Role != "moderator" || last.UserAgent != "test-browser" || last.RequestID == "" {
		t.Fatalf("audit record: %+v", last.AuditEntry)
	}
}

// Input beyond Tencent's limits is refused before sending, naming the
// field and the limit.
func TestAttributeLimitsRefusedBeforeSending(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("admin")
	path := "/api/v1/groups/" + escape(work) + "/attributes"
	many := make([]api.Attr, 17)
	for i := range many {
		many[i] = api.Attr{Key: string(rune('a' + i)), Value: "v"}
	}
	big := make([]api.Attr, 5)
	for i := range big {
		big[i] = api.Attr{Key: string(rune('a' + i)), Value: strings.Repeat("x", 3201)}
	}
	for _, c := range []struct {
		name   string
		method string
		body   any
		field  string
		words  string
	}{
		{"key 33 bytes", "PATCH", api.AttrPatch{Set: attrs(strings.Repeat("k", 33), "v")}, "set[0].key", "33 bytes; the limit is 32"},
		{"key of 11 Chinese characters", "PATCH", api.AttrPatch{Set: attrs(strings.Repeat("键", 11), "v")}, "set[0].key", "33 bytes; the limit is 32"},
		{"value 4001 bytes", "PATCH", api.AttrPatch{Set: attrs("k", strings.Repeat("v", 4001))}, "set[0].value", "4001 bytes; the limit is 4000"},
		{"17 keys", "PUT", api.AttrReplace{Attributes: many}, "attributes", "at most 16"},
		{"16001 bytes", "PUT", api.AttrReplace{Attributes: big}, "attributes", "16000"},
		{"delete a missing key", "PATCH", api.AttrPatch{Delete: []string{"nope"}}, "delete[0]", `no attribute "nope"`},
		{"duplicate key", "PATCH", api.AttrPatch{Set: attrs("k", "1", "k", "2")}, "set[1].key", "appears twice"},
		{"nothing", "PATCH", api.AttrPatch{}, "set", "nothing to change"},
		{"empty replace", "PUT", api.AttrReplace{}, "attributes", "Clear all"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := b.do(c.method, path, c.body)
			code, msg, field := apiErr(t, w)
			if w.Code != 400 || code != "invalid_argument" || field != c.field || !strings.Contains(msg, c.words) {
				t.Fatalf("%d %s %q %q", w.Code, code, field, msg)
			}
		})
	}
	for _, cmd := range []string{"modify_group_attr", "set_group_attr", "delete_group_attr"} {
		if e.mock.Calls(cmd) != 0 {
			t.Fatalf("%s reached Tencent", cmd)
		}
	}
	// Adding to a group that already has 16 keys is refused on the result.
	full := make([]api.Attr, 16)
	for i := range full {
		full[i] = api.Attr{Key: string(rune('a' + i)), Value: "v"}
	}
	b.do("PUT", path, api.AttrReplace{Attributes: full})
	w := b.do("PATCH", path, api.AttrPatch{Set: attrs("one-more", "v")})
	if _, msg, _ := apiErr(t, w); w.Code != 400 || !strings.Contains(msg, "would leave 17") {
		t.Fatalf("17th key: %d %s", w.Code, msg)
	}
}

func TestClearCommunityRefused(t *testing.T) {
	e := newEnv(t)
	w := e.signIn("admin").do("DELETE", "/api/v1/groups/"+escape(community)+"/attributes", nil)
	if _, msg, _ := apiErr(t, w); w.Code != 409 || !strings.Contains(msg, "Community") {
		t.Fatalf("clear community: %d %s", w.Code, msg)
	}
	if e.mock.Calls("clear_group_attr") != 0 {
		t.Fatal("sent to Tencent")
	}
}

// Every Tencent error maps to a status and a sentence a moderator
// understands.
func TestTencentErrorMapping(t *testing.T) {
	for _, c := range []struct {
		name       string
		fault      timmock.Fault
		status     int
		code       string
		words      string
		retryAfter string
		outcome    string
	}{
		{"10049 too often", timmock.Fault{Kind: timmock.FaultError, ErrorCode: 10049}, 429, "rate_limited", "changed too often; try again in a moment", "1", "failed"},
		{"10010 missing group", timmock.Fault{Kind: timmock.FaultError, ErrorCode: 10010}, 404, "not_found", "does not exist", "", "failed"},
		{"10007 type", timmock.Fault{Kind: timmock.FaultError, ErrorCode: 10007}, 403, "permission_denied", "does not allow this change", "", "failed"},
		{"10047 too many keys", timmock.Fault{Kind: timmock.FaultError, ErrorCode: 10047}, 409, "conflict", "at most 16", "", "failed"},
		{"10045 key", timmock.Fault{Kind: timmock.FaultError, ErrorCode: 10045}, 400, "invalid_argument", "32 bytes", "", "failed"},
		{"10002 internal error: may have been applied", timmock.Fault{Kind: timmock.FaultError, ErrorCode: 10002}, 504, "upstream_timeout", "may or may not have been made", "", "unknown"},
		{"70009 wrong key", timmock.Fault{Kind: timmock.FaultError, ErrorCode: 70009}, 502, "upstream_unavailable", "Tell your administrator", "", "failed"},
		{"60007 API limit", timmock.Fault{Kind: timmock.FaultError, ErrorCode: 60007}, 429, "rate_limited", "too many requests", "1", "failed"},
		{"HTTP 502", timmock.Fault{Kind: timmock.FaultHTTP502}, 504, "upstream_timeout", "may or may not have been made", "", "unknown"},
		{"dropped connection", timmock.Fault{Kind: timmock.FaultDrop}, 504, "upstream_timeout", "Reload to check", "", "unknown"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			f := c.fault
			f.Command, f.Target = "delete_group_attr", public
			e.mock.AddFault(f)
			b := e.signIn("admin")
			w := b.do("PATCH", "/api/v1/groups/"+escape(public)+"/attributes", api.AttrPatch{Delete: []string{"theme_of_the_week"}})
			code, msg, _ := apiErr(t, w)
			if w.Code != c.status || code != c.code || !strings.Contains(msg, c.words) || w.Header().Get("Retry-After") != c.retryAfter {
				t.Fatalf("%d %s %q Retry-After %q", w.Code, code, msg, w.Header().Get("Retry-After"))
			}
			recs, _ := e.db.Records(context.Background(), sqlite.Filter{Target: public})
			if len(recs) != 1 || recs[0].Outcome != c.outcome {
				t.Fatalf("audit: %+v", recs)
			}
			if c.fault.Kind == timmock.FaultError && recs[0].TencentCode != c.fault.ErrorCode {
				t.Fatalf("audit code %d", recs[0].TencentCode)
			}
		})
	}
}

// If the intent cannot be committed, nothing reaches Tencent.
func TestAuditDownRefusesChange(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("admin")
	e.db.Close()
	w := b.do("PATCH", "/api/v1/groups/"+escape(public)+"/attributes", api.AttrPatch{Set: attrs("k", "v")})
	// With the database closed the session cannot be read either; both
	// refuse without sending.
	if w.Code != 503 && w.Code != 500 {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	if e.mock.Calls("modify_group_attr") != 0 {
		t.Fatal("sent without an audit entry")
	}
}

func TestAuditAPI(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn("admin")
	mod := e.signIn("mod")
	mod.do("PATCH", "/api/v1/groups/"+escape(public)+"/attributes", api.AttrPatch{Set: attrs("k", "=cmd()")})
	admin.do("PATCH", "/api/v1/groups/"+escape(work)+"/attributes", api.AttrPatch{Set: attrs("k", "v")})
	e.browser().do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": "nope nope nope"})

	var page api.AuditPage
	json.Unmarshal(admin.do("GET", "/api/v1/audit?limit=2", nil).Body.Bytes(), &page)
	if len(page.Records) != 2 || page.NextCursor == "" || page.Records[0].Action != "session.signin" || page.Records[0].Outcome != "failed" {
		t.Fatalf("page 1: %+v", page)
	}
	var page2 api.AuditPage
	json.Unmarshal(admin.do("GET", "/api/v1/audit?limit=2&cursor="+page.NextCursor, nil).Body.Bytes(), &page2)
	if len(page2.Records) != 2 || page2.Records[0].Seq >= page.Records[1].Seq {
		t.Fatalf("page 2: %+v", page2)
	}
	var filtered api.AuditPage
	json.Unmarshal(admin.do("GET", "/api/v1/audit?actor=mod&action=group.attributes.patch&outcome=ok", nil).Body.Bytes(), &filtered)
	if len(filtered.Records) != 1 || filtered.Records[0].Target != public {
		t.Fatalf("filters: %+v", filtered)
	}
	future := e.clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	json.Unmarshal(admin.do("GET", "/api/v1/audit?since="+future, nil).Body.Bytes(), &filtered)
	if len(filtered.Records) != 0 {
		t.Fatalf("since: %d", len(filtered.Records))
	}
	if w := admin.do("GET", "/api/v1/audit?since=yesterday", nil); w.Code != 400 {
		t.Fatalf("bad since: %d", w.Code)
	}
	// The moderator sees their groups and their own entries, not the admin's change of another group.
	var modView api.AuditPage
	json.Unmarshal(mod.do("GET", "/api/v1/audit", nil).Body.Bytes(), &modView)
	for _, r := range modView.Records {
		if r.Target == work {
			t.Fatalf("moderator sees a group outside the scope: %+v", r.AuditEntry)
		}
	}
	// Exports.
	w := admin.do("GET", "/api/v1/audit/export?format=csv&target="+escape(public), nil)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") || !strings.Contains(w.Header().Get("Content-Disposition"), ".csv") {
		t.Fatalf("csv: %d %v", w.Code, w.Header())
	}
	if !strings.Contains(w.Body.String(), "seq,time,actor") || strings.Contains(w.Body.String(), `,=cmd`) {
		t.Fatalf("csv body: %s", w.Body)
	}
	w = admin.do("GET", "/api/v1/audit/export?format=jsonl", nil)
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	var first sqlite.Record
	if w.Code != 200 || json.Unmarshal([]byte(lines[0]), &first) != nil || first.Hash == "" {
		t.Fatalf("jsonl: %d %s", w.Code, lines[0])
	}
	if w := admin.do("GET", "/api/v1/audit/export?format=xml", nil); w.Code != 400 {
		t.Fatalf("bad format: %d", w.Code)
	}
}

// Nothing secret is logged: not the key, not a UserSig, not a password.
func TestLogsHoldNoSecrets(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("admin")
	e.mock.AddFault(timmock.Fault{Command: "modify_group_attr", Kind: timmock.FaultDrop})
	b.do("PATCH", "/api/v1/groups/"+escape(public)+"/attributes", api.AttrPatch{Set: attrs("k", "v")})
	logs := e.logs.String()
	if !strings.Contains(logs, "usersig=REDACTED") {
		t.Fatalf("expected the failed call in the log: %s", logs)
	}
	for _, secret := range []string{testKey, testPass, "usersig=eJ"} {
		if strings.Contains(logs, secret) {
			t.Fatalf("log holds %q", secret)
		}
	}
	recs, _ := e.db.Records(context.Background(), sqlite.Filter{})
	for _, r := range recs {
		j, _ := json.Marshal(r)
		if strings.Contains(string(j), testPass) || strings.Contains(string(j), testKey) {
			t.Fatalf("audit holds a secret: %s", j)
		}
	}
}

// attrs builds an attribute list from key, value pairs.
func attrs(kv ...string) []api.Attr {
	var out []api.Attr
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, api.Attr{Key: kv[i], Value: kv[i+1]})
	}
	return out
}

// Guesses sent in parallel are throttled like guesses in a row.
func TestSignInThrottleParallel(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	checked := 0
	for range 30 {
		wg.Go(func() {
			b := e.browser()
			r := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"username":"admin","password":"guess guess guess"}`))
			r.RemoteAddr = b.ip + ":1"
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(w, r)
			if w.Code == 401 {
				mu.Lock()
				checked++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if checked > accountFreeFailures+1 {
		t.Fatalf("%d of 30 parallel guesses had their password checked; want at most %d", checked, accountFreeFailures+1)
	}
}

// Behind a proxy that serves https, cookies are Secure with the __Host-
// prefix and HSTS is sent.
func TestBehindTLS(t *testing.T) {
	e := newEnv(t)
	e.srv.sessions.behindTLS = true
	w := e.browser().do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": testPass})
	cookies := w.Result().Cookies()
	if w.Code != 200 || len(cookies) != 1 || cookies[0].Name != secureCookieName || !cookies[0].Secure || cookies[0].Path != "/" {
		t.Fatalf("sign-in behind TLS: %d %+v", w.Code, cookies)
	}
	if w.Header().Get("Strict-Transport-Security") == "" {
		t.Fatal("no HSTS behind TLS")
	}
}
