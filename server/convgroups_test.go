package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/timmock"
)

func (e *env) convGroups(t *testing.T, user string) api.ConvGroups {
	t.Helper()
	return adminGet[api.ConvGroups](t, e, "/api/v1/users/"+user+"/conversation-groups")
}

// adminGet is what an admin reads at path.
func adminGet[T any](t *testing.T, e *env, path string) T {
	t.Helper()
	w := e.signIn("admin").do("GET", path, nil)
	if w.Code != 200 {
		t.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
	}
	var v T
	mustDecode(t, w.Body.Bytes(), &v)
	return v
}

func (e *env) records(t *testing.T, action string) []*sqlite.Record {
	t.Helper()
	recs, err := e.db.Records(context.Background(), sqlite.Filter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// The family end to end against the mock: what the moderator reads, the
// changes, the limits said before anything is sent, per-conversation
// failures, the split of marks into calls of 100, and the audit log.
func TestConversationGroups(t *testing.T) {
	e := newEnv(t)
	alice := "/api/v1/users/alice"
	e.run(t, []scenario{
		{name: "a user is found with their nickname", as: "mod", method: "GET", path: alice, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				var u api.UserInfo
				mustDecode(t, w.Body.Bytes(), &u)
				if u.Nick != "Alice Walker" || !u.CanEdit {
					t.Fatalf("%+v", u)
				}
			}},
		{name: "the user's conversation list, named, to pick from", as: "mod", method: "GET", path: alice + "/conversations", status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				var list api.UserConversations
				mustDecode(t, w.Body.Bytes(), &list)
				var got []string
				for _, c := range list.Conversations {
					got = append(got, c.Type+":"+c.ID+"="+c.Name)
				}
				// Newest first, pinned first.
				if want := "user:bob=Bob Martin,user:li_ming=李明,user:carmen=Carmen Díaz,group:@TGS#_trailhead=Trailhead Hikers,group:@TGS#aC5SZEAEF=Ops on-call"; strings.Join(got, ",") != want {
					t.Fatalf("got  %s\nwant %s", strings.Join(got, ","), want)
				}
			}},
		{name: "no such user is said plainly", as: "admin", method: "GET", path: "/api/v1/users/nobody", status: 404,
			code: api.CodeNotFound, words: `There is no user "nobody" in this app.`},
		{name: "a user out of scope is not shown", as: "mod", method: "GET", path: "/api/v1/users/wang_fang", status: 403,
			code: api.CodePermissionDenied, words: `There is no user "wang_fang" in this app, or not in your account's scope.`},
		{name: "a user who does not exist gets the same sentence: it names both causes, and tells nothing of users outside the scope", as: "mod", method: "GET", path: "/api/v1/users/ghost_x", status: 403,
			code: api.CodePermissionDenied, words: `There is no user "ghost_x" in this app, or not in your account's scope.`},
		{name: "a group the moderator sees as a group lists every member; the users in scope are those the scope reaches as users", as: "mod", method: "GET",
			path: "/api/v1/groups/" + escape(public) + "/members", status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				var p api.MemberPage
				mustDecode(t, w.Body.Bytes(), &p)
				var ids []string
				for _, m := range p.Members {
					ids = append(ids, m.ID)
				}
				// public: bob (owner), alice, wang_fang, park_jiho; only bob and
				// alice are members of community.
				if strings.Join(ids, ",") != "bob,wang_fang,park_jiho,alice" || strings.Join(p.UsersInScope, ",") != "bob,alice" ||
					p.Total != 4 || p.Members[0].Nick != "Bob Martin" {
					t.Fatalf("%+v", p)
				}
			}},
		{name: "the scope of a group's members puts every member in scope as a user", as: "mod", method: "GET",
			path: "/api/v1/groups/" + escape(community) + "/members", status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				var p api.MemberPage
				mustDecode(t, w.Body.Bytes(), &p)
				if len(p.Members) == 0 || len(p.UsersInScope) != len(p.Members) {
					t.Fatalf("%+v", p)
				}
			}},
		{name: "conversation groups show names and marks", as: "mod", method: "GET", path: alice + "/conversation-groups", status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				var cg api.ConvGroups
				mustDecode(t, w.Body.Bytes(), &cg)
				if len(cg.Groups) != 2 || cg.Groups[1].Name != "People" || cg.Groups[1].Conversations[0] != (api.Conversation{Type: "user", ID: "bob", Name: "Bob Martin"}) {
					t.Fatalf("groups %+v", cg.Groups)
				}
				if cg.Groups[0].Conversations[0].Name != "Trailhead Hikers" || cg.MaxGroups != 20 || cg.MaxCounted != 1000 || w.Header().Get("ETag") == "" {
					t.Fatalf("%+v", cg)
				}
				for _, c := range cg.Conversations {
					if c.ID == work && (c.Marks != api.Marks{Star: true, Unread: true, Custom: "urgent"}) {
						t.Fatalf("work marks %+v", c.Marks)
					}
				}
			}},
		{name: "a name over 32 bytes is refused before anything is sent", as: "mod", method: "POST", path: alice + "/conversation-groups",
			body: map[string]any{"name": strings.Repeat("é", 17)}, status: 400, code: api.CodeInvalidArgument, field: "name", words: "34 bytes; the limit is 32",
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				if e.calls("create_contact_group") != 0 {
					t.Fatal("sent")
				}
			}},
		{name: "create with a conversation", as: "mod", method: "POST", path: alice + "/conversation-groups",
			body: map[string]any{"name": "Photo", "conversations": []map[string]string{{"type": "group", "id": public}}}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				var cg api.ConvGroups
				mustDecode(t, w.Body.Bytes(), &cg)
				if g := cg.Group("Photo"); g == nil || len(g.Conversations) != 1 || g.Conversations[0].Name != "Photography Club 摄影社" || len(cg.Results) != 1 || !cg.Results[0].OK {
					t.Fatalf("%+v", cg)
				}
				recs := e.records(t, "user.conversation-groups.create")
				if len(recs) != 1 || recs[0].Outcome != "ok" || recs[0].Target != "alice" || !strings.Contains(string(recs[0].After), `"Photo"`) || strings.Contains(string(recs[0].Before), `"Photo"`) {
					t.Fatalf("audit %+v", recs)
				}
			}},
		{name: "create without conversations", as: "mod", method: "POST", path: alice + "/conversation-groups",
			body: map[string]any{"name": "Empty"}, status: 200},
		{name: "a name taken is said", as: "mod", method: "POST", path: alice + "/conversation-groups",
			body: map[string]any{"name": "People"}, status: 400, code: api.CodeInvalidArgument, field: "name", words: "already has a conversation group"},
		{name: "a typed user that does not exist is refused on its row before anything is sent; the group is made with the rest", as: "mod", method: "POST", path: alice + "/conversation-groups",
			body:   map[string]any{"name": "Ghosts", "conversations": []map[string]string{{"type": "user", "id": "bob"}, {"type": "user", "id": "ghost"}}},
			status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				var cg api.ConvGroups
				mustDecode(t, w.Body.Bytes(), &cg)
				if g := e.convGroups(t, "alice").Group("Ghosts"); g == nil || len(g.Conversations) != 1 || g.Conversations[0].ID != "bob" {
					t.Fatalf("Tencent holds %+v", g)
				}
				want := []api.ItemResult{{Type: "user", ID: "ghost", Message: `There is no user "ghost" in this app.`}, {Type: "user", ID: "bob", OK: true}}
				if fmt.Sprint(cg.Results) != fmt.Sprint(want) {
					t.Fatalf("results %+v", cg.Results)
				}
				recs := e.records(t, "user.conversation-groups.create")
				if len(recs) != 3 || strings.Contains(string(recs[0].Request), "ghost") || !strings.Contains(recs[0].Detail, `1 of 2 conversations failed: user ghost: There is no user "ghost" in this app.`) {
					t.Fatalf("audit %+v", recs[0])
				}
			}},
		{name: "a typed group that does not exist is refused", as: "mod", method: "PATCH", path: alice + "/conversation-groups/Empty",
			body:   map[string]any{"add": []map[string]string{{"type": "group", "id": "@TGS#gone"}}},
			status: 400, code: api.CodeInvalidArgument, field: "add[0]", words: "There is no group"},
		{name: "rename and add are two audited steps", as: "mod", method: "PATCH", path: alice + "/conversation-groups/Empty",
			body: map[string]any{"name": "Mixed", "add": []map[string]string{{"type": "user", "id": "carmen"}}}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				var cg api.ConvGroups
				mustDecode(t, w.Body.Bytes(), &cg)
				g := cg.Group("Mixed")
				if g == nil || len(g.Conversations) != 1 || g.Conversations[0].Name != "Carmen Díaz" || len(cg.Results) != 1 || !cg.Results[0].OK {
					t.Fatalf("%+v", cg)
				}
				if recs := e.records(t, "user.conversation-groups.update"); len(recs) != 2 || recs[0].Outcome != "ok" || recs[1].Outcome != "ok" {
					t.Fatalf("audit %+v", recs)
				}
			}},
		{name: "delete", as: "mod", method: "DELETE", path: alice + "/conversation-groups/Mixed", status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				if cg := e.convGroups(t, "alice"); cg.Group("Mixed") != nil {
					t.Fatal("still there")
				}
			}},
		{name: "delete of a group that is gone", as: "mod", method: "DELETE", path: alice + "/conversation-groups/Mixed", status: 400,
			code: api.CodeInvalidArgument, field: "name", words: "no conversation group named"},
		{name: "an old version is refused", as: "mod", method: "POST", path: alice + "/conversation-groups", header: []string{"If-Match", `"0000"`},
			body: map[string]any{"name": "Late"}, status: 412, code: api.CodeConflict},
		{name: "a viewer cannot change", as: "viewer", method: "POST", path: alice + "/conversation-marks",
			body: map[string]any{"conversations": []map[string]string{{"type": "user", "id": "bob"}}, "set": []string{"star"}}, status: 403, code: api.CodePermissionDenied},
		{name: "a custom mark over 256 bytes is refused", as: "mod", method: "POST", path: alice + "/conversation-marks",
			body: map[string]any{"conversations": []map[string]string{{"type": "user", "id": "bob"}}, "customMark": strings.Repeat("ü", 129)}, status: 400,
			code: api.CodeInvalidArgument, field: "customMark", words: "258 bytes; the limit is 256"},
	})
}

// Marks on 250 conversations go to Tencent in three calls, each audited.
// A conversation Tencent refuses (a group dismissed after the panel
// checked it) fails alone; one whose group never existed is refused on its
// row before anything is sent.
func TestMarksSplitAndPerConversationFailure(t *testing.T) {
	e := newEnv(t)
	var convs []map[string]string
	var users []timmock.SeedUser
	for i := range 248 {
		id := fmt.Sprintf("u%03d", i)
		convs = append(convs, map[string]string{"type": "user", "id": id})
		users = append(users, timmock.SeedUser{ID: id})
	}
	if err := e.mock.Seed(&timmock.Seed{Users: users}); err != nil {
		t.Fatal(err)
	}
	convs = append(convs, map[string]string{"type": "group", "id": "@TGS#_yuexiang"}, map[string]string{"type": "group", "id": "@TGS#gone"})
	e.beforeCall("mark_contact", 3, func() { e.mock.Dismiss("@TGS#_yuexiang") })
	custom := "vip"
	w := e.signIn("admin").do("POST", "/api/v1/users/alice/conversation-marks",
		map[string]any{"conversations": convs, "set": []string{"star", "hide"}, "clear": []string{"unread"}, "customMark": custom})
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var cg api.ConvGroups
	mustDecode(t, w.Body.Bytes(), &cg)
	row := func(id string) api.ItemResult {
		for _, r := range cg.Results {
			if r.ID == id {
				return r
			}
		}
		t.Fatalf("no result for %s", id)
		return api.ItemResult{}
	}
	if e.calls("mark_contact") != 3 || len(cg.Results) != 250 {
		t.Fatalf("calls %d, results %d", e.calls("mark_contact"), len(cg.Results))
	}
	if r := row("@TGS#_yuexiang"); r.OK || r.Code != 51007 {
		t.Fatalf("dismissed group: %+v", r)
	}
	if r := row("@TGS#gone"); r.OK || r.Code != 0 || r.Message != `There is no group "@TGS#gone" in this app, or it has been dismissed.` {
		t.Fatalf("unknown group: %+v", r)
	}
	// Tencent pages 100 conversations at a time: every page is read, and
	// the 249 users are named 100 at a time.
	if n := len(e.convGroups(t, "alice").Conversations); n < 249 {
		t.Fatalf("%d conversations read; the pages after the first were lost", n)
	}
	recs := e.records(t, "user.conversation-marks.set")
	if len(recs) != 3 || !strings.Contains(recs[0].Detail, "1 of 49 conversations failed: group @TGS#_yuexiang") || recs[1].Detail != "" {
		t.Fatalf("audit %d: %q %q", len(recs), recs[0].Detail, recs[1].Detail)
	}
	for _, c := range cg.Conversations {
		if c.ID == "u007" && (c.Marks != api.Marks{Star: true, Hide: true, Custom: "vip"}) {
			t.Fatalf("%+v", c)
		}
	}
}

// An app whose edition has no conversation groups: one clear answer.
func TestConversationGroupsBasicEdition(t *testing.T) {
	e := newEnv(t)
	e.mock.SetBasic(true)
	e.run(t, []scenario{
		{name: "read", as: "mod", method: "GET", path: "/api/v1/users/alice/conversation-groups", status: http.StatusForbidden,
			code: api.CodeNotInEdition, words: "does not include conversation groups"},
	})
}

// A Tencent timeout (50004) of a create leaves its outcome open; the panel
// reads the groups again rather than repeat blindly: not made, so it is made
// once more. Two timeouts in a row, each read showing it not made, are a
// failure that says so.
func TestConversationGroupsTencentFaults(t *testing.T) {
	e := newEnv(t)
	fault := func(times int) func(*testing.T) {
		return func(t *testing.T) {
			if err := e.mock.AddFault(timmock.Fault{Command: "create_contact_group", Kind: timmock.FaultError, ErrorCode: 50004, Times: times}); err != nil {
				t.Fatal(err)
			}
		}
	}
	fault(1)(t)
	e.run(t, []scenario{
		{name: "50004 once on create: read again, made once more", as: "mod", method: "POST", path: "/api/v1/users/alice/conversation-groups",
			body: map[string]any{"name": "X"}, status: http.StatusOK,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				recs := e.records(t, "user.conversation-groups.create")
				if len(recs) != 1 || recs[0].Outcome != "ok" || !strings.Contains(recs[0].Detail, "made once more") {
					t.Fatalf("%d records; newest: %s, %q", len(recs), recs[0].Outcome, recs[0].Detail)
				}
				fault(2)(t)
			}},
		{name: "50004 twice on create: not made, said", as: "mod", method: "POST", path: "/api/v1/users/alice/conversation-groups",
			body: map[string]any{"name": "Y"}, status: http.StatusServiceUnavailable, code: api.CodeUpstreamUnavailable, words: "Try again",
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				recs := e.records(t, "user.conversation-groups.create")
				if len(recs) != 2 || recs[0].Outcome != "failed" || recs[0].TencentCode != 50004 {
					t.Fatalf("%+v", recs)
				}
			}},
	})
}
