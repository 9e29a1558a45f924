package server

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
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
	mustDecode(t, b.do("GET", "/api/v1/session", nil).Body.Bytes(), &who)
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
	// The person is told nothing more, but the log says that a disabled
	// account's own password was tried (newest first).
	if recs[0].Actor != "gone" || recs[0].Detail != "the right password of a disabled account" || recs[1].Detail != "wrong name or password" {
		t.Fatalf("details: %q, %q", recs[0].Detail, recs[1].Detail)
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
	w := try(testPass) // the fifth failure set a 1 s wait
	if _, msg, _ := apiErr(t, w); w.Code != 429 || w.Header().Get("Retry-After") != "1" || !strings.Contains(msg, "Too many sign-in attempts") {
		t.Fatalf("throttled: %d %s %s", w.Code, w.Header().Get("Retry-After"), msg)
	}
	e.clock.Advance(time.Second)
	try("bad password!!") // sixth: 2 s
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

// A session used more often than its idle timeout never ends, whatever
// the setting and however the uses fall; one left idle for the timeout ends.
func TestActiveSessionNeverEndsEarly(t *testing.T) {
	for _, c := range []struct {
		idle, every time.Duration
	}{
		{time.Minute, 15 * time.Second},
		{time.Minute, 15*time.Second - time.Millisecond},
		{time.Minute, time.Minute - time.Millisecond},
		{2 * time.Minute, 31 * time.Second},
		{30 * time.Minute, 59 * time.Second},
		{30 * time.Minute, 29*time.Minute + 59*time.Second},
	} {
		t.Run(fmt.Sprintf("idle %v used every %v", c.idle, c.every), func(t *testing.T) {
			e := newEnv(t)
			e.srv.sessions.idle = c.idle
			b := e.signIn("admin")
			for i := range 12 {
				e.clock.Advance(c.every)
				if w := b.do("GET", "/api/v1/session", nil); w.Code != 200 {
					t.Fatalf("use %d after %v: %d", i+1, c.every*time.Duration(i+1), w.Code)
				}
			}
			e.clock.Advance(c.idle)
			if w := b.do("GET", "/api/v1/session", nil); w.Code != 401 {
				t.Fatalf("idle for %v: %d", c.idle, w.Code)
			}
		})
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
	path := "/api/v1/groups/" + escape(public) + "/attributes"
	patch := `{"set":[{"key":"k","value":"v"}]}`
	codes := map[int]string{400: "invalid_argument", 403: "permission_denied", 413: "too_large", 415: "invalid_argument"}
	refused := func(name, body string, header []string, status int, field string) scenario {
		return scenario{name: name, as: "admin", method: "PATCH", path: path, body: body, header: header, status: status,
			code: codes[status], field: field, then: func(t *testing.T, e *env, _ *httptest.ResponseRecorder) {
				if e.calls("modify_group_attr") != 0 {
					t.Fatal("a refused request reached Tencent")
				}
			}}
	}
	e.run(t, []scenario{
		refused("cross-site write", patch, []string{"Sec-Fetch-Site", "cross-site"}, 403, ""),
		refused("other origin", patch, []string{"Sec-Fetch-Site", "", "Origin", "https://evil.example"}, 403, ""),
		refused("not JSON", patch, []string{"Content-Type", "text/plain"}, 415, ""),
		refused("too large", `{"set":[{"key":"k","value":"`+strings.Repeat("v", 200<<10)+`"}]}`, nil, 413, ""),
		refused("unknown field", `{"set":[],"sett":[]}`, nil, 400, "sett"),
		refused("field in another case", `{"SET":[{"key":"k","value":"v"}]}`, nil, 400, "SET"),
		refused("field in title case", `{"Set":[{"key":"k","value":"v"}]}`, nil, 400, "Set"),
		refused("nested field in another case", `{"set":[{"Key":"k","value":"v"}]}`, nil, 400, "set[0].Key"),
		refused("unknown nested field", `{"set":[{"key":"k","value":"v","ttl":5}]}`, nil, 400, "set[0].ttl"),
		refused("NUL in a value", `{"set":[{"key":"k","value":"a\u0000b"}]}`, nil, 400, "set[0].value"),
		refused("newline in a key", `{"set":[{"key":"k\n","value":"v"}]}`, nil, 400, "set[0].key"),
		refused("unpaired high surrogate in a value", `{"set":[{"key":"k","value":"a\ud800b"}]}`, nil, 400, "set[0].value"),
		refused("unpaired low surrogate in a key to delete", `{"delete":["\udc00"]}`, nil, 400, "delete[0]"),
		refused("invalid UTF-8", "{\"set\":[{\"key\":\"k\",\"value\":\"\xff\"}]}", nil, 400, ""),
		refused("wrong type", `{"set":"k=v"}`, nil, 400, "set"),
		refused("trailing data", patch+`{}`, nil, 400, ""),
		refused("empty", ``, nil, 400, ""),
		{name: "security headers on API answers", as: "admin", method: "GET", path: "/api/v1/session", status: 200,
			then: func(t *testing.T, _ *env, w *httptest.ResponseRecorder) {
				if w.Header().Get("Content-Security-Policy") == "" || w.Header().Get("Cache-Control") != "no-store" {
					t.Fatalf("headers: %v", w.Header())
				}
			}},
	})
}

func escape(id string) string { return strings.ReplaceAll(id, "#", "%23") }

// Groups outside a moderator's scope leave no trace in the finder's
// answers: two searches that differ only in what they match outside the
// scope are answered with the same bytes, so a moderator cannot learn
// another group's name a character at a time.
func TestFinderRevealsNothingOutsideTheScope(t *testing.T) {
	e := newEnv(t)
	e.indexGroups()
	mod := e.signIn("mod") // scope: Trailhead Hikers and one public group
	for _, c := range []struct {
		name        string
		match, miss string // match finds groups outside the scope only; miss finds none anywhere
	}{
		{name: "a Chinese name, a character at a time", match: "?query=" + url.QueryEscape("悦"), miss: "?query=" + url.QueryEscape("悦X")},
		{name: "an ID prefix", match: "?query=" + url.QueryEscape("@TGS#_yue"), miss: "?query=" + url.QueryEscape("@TGS#_yuX")},
		{name: "a type", match: "?type=Work", miss: "?type=Work&query=nothing-at-all"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, b := mod.do("GET", "/api/v1/groups"+c.match, nil), mod.do("GET", "/api/v1/groups"+c.miss, nil)
			if a.Code != 200 || b.Code != 200 {
				t.Fatalf("status %d and %d", a.Code, b.Code)
			}
			if !bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) {
				t.Fatalf("answers differ:\n%s: %s\n%s: %s", c.match, a.Body, c.miss, b.Body)
			}
		})
	}
	// The admin's answer for the first search does find the group, so the
	// moderator's silence is the scope's doing.
	var p api.GroupPage
	mustDecode(t, e.signIn("admin").do("GET", "/api/v1/groups?query="+url.QueryEscape("悦"), nil).Body.Bytes(), &p)
	if p.Total == 0 {
		t.Fatal("the admin finds no group named with 悦: the test proves nothing")
	}
}

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
		mustDecode(t, w.Body.Bytes(), &p)
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
	// The moderator is told that the scope is limited, on every answer.
	if !p.ScopeLimited {
		t.Fatalf("moderator: scope not said to be limited: %+v", p)
	}
	if p := list(mod, "?type=Work"); p.Total != 0 || !p.ScopeLimited || len(p.Groups) != 0 {
		t.Fatalf("Work groups, all outside the scope: %+v", p)
	}
	if p := list(admin, ""); p.ScopeLimited {
		t.Fatalf("admin: scope said to be limited")
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
	mustDecode(t, admin.do("GET", "/api/v1/groups/"+escape(community), nil).Body.Bytes(), &g)
	if g.Type != "Community" || g.Name != "Trailhead Hikers" || g.MemberCount != 6 || g.Operations.Clear || !g.Operations.Modify {
		t.Fatalf("group: %+v", g)
	}
	if w := admin.do("GET", "/api/v1/groups/"+escape("@TGS#nothere"), nil); w.Code != 404 {
		t.Fatalf("missing group: %d", w.Code)
	}
}

func TestAttributesReadAndChange(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/groups/" + escape(public) + "/attributes"
	w := e.signIn("mod").do("GET", path, nil)
	var got api.Attributes
	mustDecode(t, w.Body.Bytes(), &got)
	if w.Code != 200 || len(got.Attributes) != 2 || got.Version == "" || w.Header().Get("ETag") != `"`+got.Version+`"` {
		t.Fatalf("GET: %d %+v", w.Code, got)
	}
	loaded := []string{"If-Match", `"` + got.Version + `"`}
	// then checks what Tencent received and holds afterwards (nil: no
	// attributes), and moves the clock on a second (5 writes/s per group).
	then := func(cmd string, n int, want map[string]string) func(*testing.T, *env, *httptest.ResponseRecorder) {
		return func(t *testing.T, e *env, _ *httptest.ResponseRecorder) {
			if e.mock.Calls(cmd) != n {
				t.Fatalf("%s sent %d times, want %d", cmd, e.mock.Calls(cmd), n)
			}
			a := e.attrs(public)
			if len(a) != len(want) {
				t.Fatalf("stored %v, want %v", a, want)
			}
			for k, v := range want {
				if a[k] != v {
					t.Fatalf("stored %v, want %s=%q", a, k, v)
				}
			}
			e.clock.Advance(time.Second)
		}
	}
	deadline := e.attrs(public)["contest_deadline"]
	e.run(t, []scenario{
		{name: "set only: one modify_group_attr", as: "mod", method: "PATCH", path: path, header: loaded,
			body: api.AttrPatch{Set: attrs("theme_of_the_week", "Night sky 夜空", "new", "1")}, status: 200,
			then: then("modify_group_attr", 1, map[string]string{"theme_of_the_week": "Night sky 夜空", "new": "1", "contest_deadline": deadline})},
		{name: "stale version: refused before anything is sent", as: "mod", method: "PATCH", path: path, header: loaded,
			body: api.AttrPatch{Set: attrs("new", "2")}, status: 412, code: "conflict", words: "Someone changed this group's attributes",
			then: then("modify_group_attr", 1, map[string]string{"theme_of_the_week": "Night sky 夜空", "new": "1", "contest_deadline": deadline})},
		{name: "delete only: one delete_group_attr", as: "mod", method: "PATCH", path: path,
			body: api.AttrPatch{Delete: []string{"new"}}, status: 200,
			then: then("delete_group_attr", 1, map[string]string{"theme_of_the_week": "Night sky 夜空", "contest_deadline": deadline})},
		{name: "set and delete: one set_group_attr", as: "mod", method: "PATCH", path: path,
			body: api.AttrPatch{Set: attrs("a", "1"), Delete: []string{"contest_deadline"}}, status: 200,
			then: then("set_group_attr", 1, map[string]string{"theme_of_the_week": "Night sky 夜空", "a": "1"})},
		{name: "replace all", as: "mod", method: "PUT", path: path, body: api.AttrReplace{Attributes: attrs("only", "this")},
			status: 200, then: then("set_group_attr", 2, map[string]string{"only": "this"})},
		{name: "clear", as: "mod", method: "DELETE", path: path, status: 200, then: then("clear_group_attr", 1, nil)},
	})
	// Every change is in the audit log with the attributes before and after.
	recs, err := e.db.Records(context.Background(), sqlite.Filter{Target: public})
	if err != nil || len(recs) != 5 {
		t.Fatalf("%d audit records, %v", len(recs), err)
	}
	last := recs[0]
	if last.Action != "group.attributes.clear" || last.Outcome != "ok" || !strings.Contains(string(last.Before), `"only"`) ||
		string(last.After) != "[]" || last.Actor != "mod" || last.Role != "moderator" || last.UserAgent != "test-browser" || last.RequestID == "" {
		t.Fatalf("audit record: %+v", last.AuditEntry)
	}
	if first := recs[4]; !strings.Contains(string(first.After), "Night sky 夜空") || strings.Contains(string(first.Before), "Night sky") {
		t.Fatalf("first change's before → after: %s → %s", first.Before, first.After)
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
		// Values of 15,990 bytes are within the REST pages' 16,000, but
		// with their keys the set weighs more than 16,000.
		{"keys and values over 16000 bytes", "PUT", api.AttrReplace{Attributes: []api.Attr{{Key: strings.Repeat("k", 32), Value: strings.Repeat("v", 3998)},
			{Key: "b", Value: strings.Repeat("v", 3998)}, {Key: "c", Value: strings.Repeat("v", 3998)}, {Key: "d", Value: strings.Repeat("v", 3996)}}},
			"attributes", "All keys and values together may be at most 16000 bytes; this change would make 16025."},
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

// Every Tencent failure maps to one status and one sentence, whatever the
// command, and the audit log records the outcome that is true. A change
// whose answer was lost is settled by reading the state again: here the
// fault stays, so the state is still as before after a second try, and
// the change failed.
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
		{"10002 internal error, twice", timmock.Fault{Kind: timmock.FaultError, ErrorCode: 10002}, 503, "upstream_unavailable", "temporary problem. Try again.", "", "failed"},
		{"70009 wrong key", timmock.Fault{Kind: timmock.FaultError, ErrorCode: 70009}, 502, "upstream_unavailable", "Tell your administrator", "", "failed"},
		{"60007 API limit", timmock.Fault{Kind: timmock.FaultError, ErrorCode: 60007}, 429, "rate_limited", "too many requests", "1", "failed"},
		{"HTTP 502, twice", timmock.Fault{Kind: timmock.FaultHTTP502}, 502, "upstream_unavailable", "did not give a usable answer; if it keeps happening, tell your administrator. Try again.", "", "failed"},
		{"dropped connection, twice", timmock.Fault{Kind: timmock.FaultDrop}, 502, "upstream_unavailable", "did not give a usable answer", "", "failed"},
	} {
		for _, cmd := range []struct {
			name  string
			patch api.AttrPatch
		}{
			{"delete_group_attr", api.AttrPatch{Delete: []string{"theme_of_the_week"}}},
			{"modify_group_attr", api.AttrPatch{Set: attrs("theme_of_the_week", "gardens")}},
		} {
			t.Run(c.name+" on "+cmd.name, func(t *testing.T) {
				e := newEnv(t)
				f := c.fault
				f.Command, f.Target = cmd.name, public
				if err := e.mock.AddFault(f); err != nil {
					t.Fatal(err)
				}
				b := e.signIn("admin")
				w := b.do("PATCH", "/api/v1/groups/"+escape(public)+"/attributes", cmd.patch)
				code, msg, _ := apiErr(t, w)
				if w.Code != c.status || code != c.code || !strings.Contains(msg, c.words) || w.Header().Get("Retry-After") != c.retryAfter {
					t.Fatalf("%d %s %q Retry-After %q", w.Code, code, msg, w.Header().Get("Retry-After"))
				}
				recs, err := e.db.Records(context.Background(), sqlite.Filter{Target: public})
				if err != nil || len(recs) != 1 || recs[0].Outcome != c.outcome {
					t.Fatalf("audit: %+v %v", recs, err)
				}
				if c.fault.Kind == timmock.FaultError && recs[0].TencentCode != c.fault.ErrorCode {
					t.Fatalf("audit code %d", recs[0].TencentCode)
				}
			})
		}
	}
}

// A change whose answer is lost is never applied twice on top of someone
// else's change: the panel reads the state again, takes a change it finds
// made as made, makes once more a change it finds not made, and leaves
// alone — "unknown" — a target someone else changed meanwhile.
func TestLostAnswerSettledByReading(t *testing.T) {
	path := "/api/v1/groups/" + escape(public) + "/attributes"
	for _, c := range []struct {
		name      string
		method    string
		body      any
		command   string
		fault     timmock.FaultKind
		meanwhile bool // someone else sets theme_of_the_week=theirs after our call
		status    int
		outcome   string
		calls     int    // calls of the command that reached Tencent, theirs included
		theme     string // theme_of_the_week at the end; "-" for none
		detail    string
	}{
		{"modify made, answer lost", "PATCH", api.AttrPatch{Set: attrs("theme_of_the_week", "ours")}, "modify_group_attr", timmock.FaultLost, false, 200, "ok", 1, "ours", "showed the change made"},
		{"modify not made, answer lost", "PATCH", api.AttrPatch{Set: attrs("theme_of_the_week", "ours")}, "modify_group_attr", timmock.FaultDrop, false, 200, "ok", 1, "ours", "made once more"},
		{"modify made, answer lost, then someone else's change", "PATCH", api.AttrPatch{Set: attrs("theme_of_the_week", "ours")}, "modify_group_attr", timmock.FaultLost, true, 502, "unknown", 2, "theirs", "someone else changed it"},
		{"set made, answer lost, then someone else's change", "PUT", api.AttrReplace{Attributes: attrs("theme_of_the_week", "ours")}, "set_group_attr", timmock.FaultLost, true, 502, "unknown", 1, "theirs", "not repeated"},
		{"set not made, answer lost", "PUT", api.AttrReplace{Attributes: attrs("theme_of_the_week", "ours")}, "set_group_attr", timmock.FaultDrop, false, 200, "ok", 1, "ours", "made once more"},
		{"clear made, answer lost, then someone else's change", "DELETE", nil, "clear_group_attr", timmock.FaultLost, true, 502, "unknown", 1, "theirs", "not repeated"},
		{"clear not made, 10002", "DELETE", nil, "clear_group_attr", "", false, 200, "ok", 1, "-", "made once more"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			f := timmock.Fault{Command: c.command, Target: public, Kind: c.fault, Times: 1}
			if c.fault == "" {
				f.Kind, f.ErrorCode = timmock.FaultError, 10002
			}
			if err := e.mock.AddFault(f); err != nil {
				t.Fatal(err)
			}
			if c.meanwhile {
				// Someone else's change lands between our call and the
				// panel's second look at the group.
				e.beforeRead(2, func() {
					if err := e.srv.tim.ModifyGroupAttr(context.Background(), public, []tim.Attr{{Key: "theme_of_the_week", Value: "theirs"}}); err != nil {
						t.Error(err)
					}
				})
			}
			b := e.signIn("admin")
			w := b.do(c.method, path, c.body)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body)
			}
			if c.status != 200 {
				if _, msg, _ := apiErr(t, w); !strings.Contains(msg, "may or may not have been made") {
					t.Fatalf("message %q", msg)
				}
			}
			recs, err := e.db.Records(context.Background(), sqlite.Filter{Target: public})
			if err != nil || len(recs) != 1 || recs[0].Outcome != c.outcome || !strings.Contains(recs[0].Detail, c.detail) {
				t.Fatalf("audit: %+v %v", recs, err)
			}
			if got := e.mock.Calls(c.command); got != c.calls {
				t.Fatalf("%s reached Tencent %d times, want %d", c.command, got, c.calls)
			}
			theme, ok := e.attrs(public)["theme_of_the_week"]
			if !ok {
				theme = "-"
			}
			if theme != c.theme {
				t.Fatalf("theme_of_the_week = %q, want %q", theme, c.theme)
			}
		})
	}
}

// If the intent cannot be committed, nothing reaches Tencent: the answer is
// 503 with its own sentence, the session and the reads still work, and the
// change can be made once the log takes entries again.
func TestAuditDownRefusesChange(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("admin")
	// Another process with the database file makes the log refuse intents
	// (as a full disk or a broken file would), while everything else works.
	other, err := sql.Open("sqlite", "file:"+filepath.Join(e.srv.cfg.DataDir, sqlite.FileName)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec(`CREATE TRIGGER refuse_intents BEFORE INSERT ON audit WHEN NEW.kind = 'intent'
		BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/groups/" + escape(public) + "/attributes"
	for _, c := range []struct {
		method string
		body   any
	}{
		{"PATCH", api.AttrPatch{Set: attrs("k", "v")}},
		{"PUT", api.AttrReplace{Attributes: attrs("k", "v")}},
		{"DELETE", nil},
	} {
		w := b.do(c.method, path, c.body)
		code, msg, _ := apiErr(t, w)
		if w.Code != 503 || code != api.CodeUpstreamUnavailable || !strings.Contains(msg, "could not record it in the audit log") {
			t.Fatalf("%s with the log down: %d %s %q", c.method, w.Code, code, msg)
		}
	}
	for _, cmd := range []string{"modify_group_attr", "set_group_attr", "clear_group_attr"} {
		if n := e.mock.Calls(cmd); n != 0 {
			t.Fatalf("%s sent %d times without an audit entry", cmd, n)
		}
	}
	if w := b.do("GET", path, nil); w.Code != 200 {
		t.Fatalf("reads while the log is down: %d", w.Code)
	}
	if !strings.Contains(e.logs.String(), "disk I/O error") {
		t.Fatal("the cause is not in the server log")
	}
	if _, err := other.Exec(`DROP TRIGGER refuse_intents`); err != nil {
		t.Fatal(err)
	}
	if w := b.do("PATCH", path, api.AttrPatch{Set: attrs("k", "v")}); w.Code != 200 || e.mock.Calls("modify_group_attr") != 1 {
		t.Fatalf("after the log is back: %d %s", w.Code, w.Body)
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
	mustDecode(t, admin.do("GET", "/api/v1/audit?limit=2", nil).Body.Bytes(), &page)
	if len(page.Records) != 2 || page.NextCursor == "" || page.Records[0].Action != "session.signin" || page.Records[0].Outcome != "failed" {
		t.Fatalf("page 1: %+v", page)
	}
	var page2 api.AuditPage
	mustDecode(t, admin.do("GET", "/api/v1/audit?limit=2&cursor="+page.NextCursor, nil).Body.Bytes(), &page2)
	if len(page2.Records) != 2 || page2.Records[0].Seq >= page.Records[1].Seq {
		t.Fatalf("page 2: %+v", page2)
	}
	var filtered api.AuditPage
	mustDecode(t, admin.do("GET", "/api/v1/audit?actor=mod&action=group.attributes.patch&outcome=ok", nil).Body.Bytes(), &filtered)
	if len(filtered.Records) != 1 || filtered.Records[0].Target != public {
		t.Fatalf("filters: %+v", filtered)
	}
	future := e.clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	mustDecode(t, admin.do("GET", "/api/v1/audit?since="+future, nil).Body.Bytes(), &filtered)
	if len(filtered.Records) != 0 {
		t.Fatalf("since: %d", len(filtered.Records))
	}
	if w := admin.do("GET", "/api/v1/audit?since=yesterday", nil); w.Code != 400 {
		t.Fatalf("bad since: %d", w.Code)
	}
	// The moderator sees their groups and their own entries, not the admin's change of another group.
	var modView api.AuditPage
	mustDecode(t, mod.do("GET", "/api/v1/audit", nil).Body.Bytes(), &modView)
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
	if !strings.HasPrefix(w.Body.String(), "\ufeff#,When (UTC),Who,") || strings.Contains(w.Body.String(), `,=cmd`) ||
		!strings.Contains(w.Body.String(), ",Changed attributes,") {
		t.Fatalf("csv body: %s", w.Body)
	}
	// In the reader's time zone, named in the header; a zone that does not exist is refused.
	w = admin.do("GET", "/api/v1/audit/export?format=csv&tz=Asia/Tokyo&target="+escape(public), nil)
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "\ufeff#,When (Asia/Tokyo),") {
		t.Fatalf("csv in Tokyo's time: %d %s", w.Code, w.Body)
	}
	if w := admin.do("GET", "/api/v1/audit/export?format=csv&tz=Mars/Olympus", nil); w.Code != 400 || !strings.Contains(w.Body.String(), "Mars/Olympus") {
		t.Fatalf("unknown zone: %d %s", w.Code, w.Body)
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
	if w.Code != 200 || len(cookies) != 2 {
		t.Fatalf("sign-in behind TLS: %d %+v", w.Code, cookies)
	}
	for i, want := range []string{secureDeviceCookieName, secureCookieName} {
		if c := cookies[i]; c.Name != want || !c.Secure || c.Path != "/" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
			t.Errorf("cookie %d behind TLS: %+v, want %s", i, c, want)
		}
	}
	if w.Header().Get("Strict-Transport-Security") == "" {
		t.Fatal("no HSTS behind TLS")
	}
}

// The audit log's head is for admins to hand to a monitor, and is logged;
// the checkpoint it gives verifies now and fails once the entry is gone.
func TestAuditCheckpoint(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn("admin")
	for _, c := range []struct {
		who    *browser
		status int
	}{{admin, 200}, {e.signIn("mod"), 403}, {e.signIn("viewer"), 403}, {e.browser(), 401}} {
		if w := c.who.do("GET", "/api/v1/audit/checkpoint", nil); w.Code != c.status {
			t.Errorf("status %d, want %d: %s", w.Code, c.status, w.Body)
		}
	}
	w := admin.do("GET", "/api/v1/audit/checkpoint", nil)
	var cp sqlite.Checkpoint
	if err := json.Unmarshal(w.Body.Bytes(), &cp); err != nil {
		t.Fatal(err)
	}
	if cp.Seq != 3 || !strings.HasPrefix(cp.Hash, "hmac-sha256:") || !e.db.CheckpointIssued(cp) {
		t.Fatalf("checkpoint %+v", cp)
	}
	if n, broken, err := e.db.Verify(context.Background(), cp); err != nil || broken != nil || n != 3 {
		t.Fatalf("verify against the checkpoint: %d %v %v", n, broken, err)
	}
	e.srv.logCheckpoint(context.Background())
	if !strings.Contains(e.logs.String(), "msg=\"audit checkpoint\" checkpoint="+cp.String()) {
		t.Fatalf("checkpoint not logged: %s", e.logs.String())
	}
}

// A session that ended says why, when the panel knows: an administrator
// ended the account's sessions, or it went unused for the idle timeout —
// at the first request after, and at the next ones too.
func TestSessionEndedSaysWhy(t *testing.T) {
	e := newEnv(t)
	signedIn := func() *browser {
		b := e.browser()
		if w := b.do("POST", "/api/v1/session", map[string]string{"username": "mod", "password": testPass}); w.Code != 200 {
			t.Fatalf("sign in: %d %s", w.Code, w.Body)
		}
		return b
	}
	says := func(b *browser, want string) {
		t.Helper()
		for range 2 {
			w := b.do("GET", "/api/v1/session", nil)
			if _, msg, _ := apiErr(t, w); w.Code != 401 || msg != want {
				t.Fatalf("%d %q, want 401 %q", w.Code, msg, want)
			}
		}
	}
	b := signedIn()
	if _, err := e.db.EndSessions(context.Background(), "mod"); err != nil {
		t.Fatal(err)
	}
	says(b, "Your session ended — an administrator signed you out. Sign in again to continue.")

	b = signedIn()
	e.clock.Advance(31 * time.Minute)
	says(b, "Your session ended after 30 minutes without use. Sign in again to continue.")

	// Cleared at someone's sign-in, an idle session still says why.
	b = signedIn()
	e.clock.Advance(31 * time.Minute)
	signedIn()
	says(b, "Your session ended after 30 minutes without use. Sign in again to continue.")
}
