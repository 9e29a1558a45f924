package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/timmock"
)

// TestAuthorization checks every endpoint for every role, inside and
// outside the account's scope: viewers read only, moderators change only
// groups and users in their scope, admins change everything. alice is in
// the moderator's scope (a member of community), wang_fang is not.
func TestAuthorization(t *testing.T) {
	in, out := public, work // the moderator's scope holds public, not work
	userIn, userOut := "alice", "wang_fang"
	type want struct{ anon, viewer, scopedViewer, moderator, admin int }
	cases := []struct {
		method, path, body string
		want               want
	}{
		{"GET", "/api/v1/session", "", want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/groups", "", want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/groups/%s", in, want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/groups/%s", out, want{401, 200, 403, 403, 200}},
		{"GET", "/api/v1/groups/%s/attributes", in, want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/groups/%s/attributes", out, want{401, 200, 403, 403, 200}},
		{"PATCH", "/api/v1/groups/%s/attributes", in, want{401, 403, 403, 200, 200}},
		{"PATCH", "/api/v1/groups/%s/attributes", out, want{401, 403, 403, 403, 200}},
		{"PUT", "/api/v1/groups/%s/attributes", in, want{401, 403, 403, 200, 200}},
		{"PUT", "/api/v1/groups/%s/attributes", out, want{401, 403, 403, 403, 200}},
		{"DELETE", "/api/v1/groups/%s/attributes", in, want{401, 403, 403, 200, 200}},
		{"DELETE", "/api/v1/groups/%s/attributes", out, want{401, 403, 403, 403, 200}},
		{"GET", "/api/v1/groups/%s/members", in, want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/groups/%s/members", out, want{401, 200, 403, 403, 200}},
		{"GET", "/api/v1/groups/%s/members/alice", in, want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/groups/%s/members/alice", out, want{401, 200, 403, 403, 200}},
		{"PATCH", "/api/v1/groups/%s/members/alice", in, want{401, 403, 403, 200, 200}},
		{"PATCH", "/api/v1/groups/%s/members/alice", out, want{401, 403, 403, 403, 200}},
		{"POST", "/api/v1/groups/%s/members", in, want{401, 403, 403, 200, 200}},
		{"POST", "/api/v1/groups/%s/members", out, want{401, 403, 403, 403, 200}},
		{"GET", "/api/v1/users/%s", userIn, want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/users/%s", userOut, want{401, 200, 403, 403, 200}},
		{"GET", "/api/v1/users/%s/conversations", userIn, want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/users/%s/conversations", userOut, want{401, 200, 403, 403, 200}},
		{"GET", "/api/v1/users/%s/conversation-groups", userIn, want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/users/%s/conversation-groups", userOut, want{401, 200, 403, 403, 200}},
		{"POST", "/api/v1/users/%s/conversation-groups", userIn, want{401, 403, 403, 200, 200}},
		{"POST", "/api/v1/users/%s/conversation-groups", userOut, want{401, 403, 403, 403, 200}},
		{"PATCH", "/api/v1/users/%s/conversation-groups/People", userIn, want{401, 403, 403, 200, 200}},
		{"PATCH", "/api/v1/users/%s/conversation-groups/People", userOut, want{401, 403, 403, 403, 200}},
		{"DELETE", "/api/v1/users/%s/conversation-groups/People", userIn, want{401, 403, 403, 200, 200}},
		{"DELETE", "/api/v1/users/%s/conversation-groups/People", userOut, want{401, 403, 403, 403, 200}},
		{"POST", "/api/v1/users/%s/conversation-marks", userIn, want{401, 403, 403, 200, 200}},
		{"POST", "/api/v1/users/%s/conversation-marks", userOut, want{401, 403, 403, 403, 200}},
		{"GET", "/api/v1/users/%s/friend-lists", userIn, want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/users/%s/friend-lists", userOut, want{401, 200, 403, 403, 200}},
		{"POST", "/api/v1/users/%s/friend-lists", userIn, want{401, 403, 403, 200, 200}},
		{"POST", "/api/v1/users/%s/friend-lists", userOut, want{401, 403, 403, 403, 200}},
		{"DELETE", "/api/v1/users/%s/friend-lists", userIn, want{401, 403, 403, 200, 200}},
		{"DELETE", "/api/v1/users/%s/friend-lists", userOut, want{401, 403, 403, 403, 200}},
		{"PATCH", "/api/v1/users/%s/friend-lists/People", userIn, want{401, 403, 403, 200, 200}},
		{"PATCH", "/api/v1/users/%s/friend-lists/People", userOut, want{401, 403, 403, 403, 200}},
		{"DELETE", "/api/v1/users/%s/friend-lists/People", userIn, want{401, 403, 403, 200, 200}},
		{"DELETE", "/api/v1/users/%s/friend-lists/People", userOut, want{401, 403, 403, 403, 200}},
		{"GET", "/api/v1/audit", "", want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/audit/export?format=csv", "", want{401, 200, 200, 200, 200}},
		// %d is the entry of a change the admin made to the group just before.
		// An entry the account may not undo is answered as one that does not
		// exist (404), so that nobody learns which entries exist.
		{"GET", "/api/v1/audit/%d/undo", in, want{401, 404, 404, 200, 200}},
		{"GET", "/api/v1/audit/%d/undo", out, want{401, 404, 404, 404, 200}},
		{"POST", "/api/v1/audit/%d/undo", in, want{401, 404, 404, 200, 200}},
		{"POST", "/api/v1/audit/%d/undo", out, want{401, 404, 404, 404, 200}},
		// Bulk changes: every role sees them; moderators and admins make
		// them of groups in scope; only the account that made a job (here
		// the admin, {job}: over the group, previewed) or an admin controls it.
		{"GET", "/api/v1/bulk-changes", "", want{401, 200, 200, 200, 200}},
		{"POST", "/api/v1/bulk-changes", in, want{401, 403, 403, 201, 201}},
		{"POST", "/api/v1/bulk-changes", out, want{401, 403, 403, 403, 201}},
		{"GET", "/api/v1/bulk-changes/{job}", in, want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/bulk-changes/{job}/groups", in, want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/bulk-changes/{job}/export", in, want{401, 200, 200, 200, 200}},
		{"POST", "/api/v1/bulk-changes/{job}/start", in, want{401, 403, 403, 403, 200}},
		{"POST", "/api/v1/bulk-changes/{job}/cancel", in, want{401, 403, 403, 403, 200}},
		{"POST", "/api/v1/bulk-changes/{job}/undo", in, want{401, 403, 403, 403, 409}},
		{"DELETE", "/api/v1/session", "", want{401, 204, 204, 204, 204}},
		// The admin's endpoints: 403 for everyone else, whatever the page shows.
		{"GET", "/api/v1/accounts", "", want{401, 403, 403, 403, 200}},
		{"POST", "/api/v1/accounts", "", want{401, 403, 403, 403, 201}},
		{"GET", "/api/v1/accounts/viewer", "", want{401, 403, 403, 403, 200}},
		{"PATCH", "/api/v1/accounts/viewer", "", want{401, 403, 403, 403, 200}},
		{"POST", "/api/v1/accounts/viewer/password", "", want{401, 403, 403, 403, 200}},
		{"DELETE", "/api/v1/accounts/viewer/sessions", "", want{401, 403, 403, 403, 200}},
		// The registry of attribute keys: every role reads it, admins change it.
		{"GET", "/api/v1/attribute-keys", "", want{401, 200, 200, 200, 200}},
		{"GET", "/api/v1/attribute-keys/export", "", want{401, 200, 200, 200, 200}},
		{"PUT", "/api/v1/attribute-keys/authz", "", want{401, 403, 403, 403, 201}},
		{"DELETE", "/api/v1/attribute-keys/described", "", want{401, 403, 403, 403, 204}},
		{"POST", "/api/v1/attribute-keys/import", "", want{401, 403, 403, 403, 200}},
		{"GET", "/api/v1/health", "", want{401, 403, 403, 403, 200}},
		{"POST", "/api/v1/audit/verify", "", want{401, 403, 403, 403, 200}},
	}
	bodies := map[string]any{
		"PATCH":                         map[string]any{"set": []map[string]string{{"key": "authz", "value": "1"}}},
		"PUT":                           map[string]any{"attributes": []map[string]string{{"key": "authz", "value": "1"}}},
		"PATCH /api/v1/accounts/viewer": map[string]any{"scope": map[string]any{"groups": []string{public}}},
		"POST /api/v1/accounts":         map[string]any{"name": "newcomer", "role": "moderator", "scope": map[string]any{"users": []string{"alice"}}},
		"POST /api/v1/users/%s/conversation-groups":         map[string]any{"name": "authz"},
		"PATCH /api/v1/users/%s/conversation-groups/People": map[string]any{"name": "Folks"},
		"POST /api/v1/users/%s/conversation-marks":          map[string]any{"conversations": []map[string]string{{"type": "user", "id": "bob"}}, "set": []string{"star"}},
		"POST /api/v1/users/%s/friend-lists":                map[string]any{"names": []string{"authz"}},
		"DELETE /api/v1/users/%s/friend-lists":              map[string]any{"names": []string{"People"}},
		"PATCH /api/v1/users/%s/friend-lists/People":        map[string]any{"rename": "Folks"},
		"PATCH /api/v1/groups/%s/members/alice":             map[string]any{"nameCard": "authz"},
		"POST /api/v1/groups/%s/members":                    map[string]any{"members": []string{"alice"}, "mute": map[string]any{"seconds": 60}},
		"POST /api/v1/bulk-changes/{job}/start":             map[string]any{"groups": 1},
		"POST /api/v1/bulk-changes/{job}/undo":              map[string]any{"overwrite": false},
		"PUT /api/v1/attribute-keys/authz":                  map[string]any{"key": "authz", "labels": map[string]string{"en": "Authz"}, "type": "text"},
		"POST /api/v1/attribute-keys/import":                map[string]any{"keys": []any{}},
	}
	for _, c := range cases {
		undo := strings.Contains(c.path, "%d")
		job := strings.Contains(c.path, "{job}")
		path := c.path
		if c.body != "" && !undo && !job && strings.Contains(c.path, "%s") {
			path = fmt.Sprintf(c.path, escape(c.body))
		}
		scope := "in scope"
		if c.body == out || c.body == userOut {
			scope = "out of scope"
		}
		for _, role := range []struct {
			name   string
			status int
		}{{"", c.want.anon}, {"viewer", c.want.viewer}, {"scoped-viewer", c.want.scopedViewer}, {"mod", c.want.moderator}, {"admin", c.want.admin}} {
			label := role.name
			if label == "" {
				label = "anonymous"
			}
			t.Run(fmt.Sprintf("%s %s %s as %s", c.method, c.path, scope, label), func(t *testing.T) {
				e := newEnv(t)
				e.db.AddAccount(context.Background(), "scoped-viewer", testPass, "viewer", api.Scope{Groups: []string{in}, MembersOf: []string{community}})
				if _, err := e.db.PutKey(context.Background(), api.KeySpec{Key: "described", Labels: api.Localized{"en": "Described"}, Type: api.KeyTypeText}, "test"); err != nil {
					t.Fatal(err)
				}
				if undo {
					admin := e.signIn("admin")
					if w := admin.do("PATCH", "/api/v1/groups/"+escape(c.body)+"/attributes", bodies["PATCH"]); w.Code != 200 {
						t.Fatalf("the change to undo: %d %s", w.Code, w.Body)
					}
					path = fmt.Sprintf(c.path, lastSeq(t, admin))
				}
				if job {
					e.indexGroups()
					made := e.signIn("admin").newBulk(api.BulkNew{Source: api.BulkSource{IDs: []string{c.body}}, Op: api.BulkSet, Set: attrs("authz", "1")})
					e.runJobs()
					path = strings.Replace(c.path, "{job}", fmt.Sprint(made.Job.ID), 1)
				}
				b := e.browser()
				if role.name != "" {
					b = e.signIn(role.name)
				}
				var body any
				if bb, ok := bodies[c.method+" "+c.path]; ok {
					body = bb
				} else if bb, ok := bodies[c.method]; ok && c.body != "" {
					body = bb
				}
				if c.path == "/api/v1/bulk-changes" && c.method == "POST" {
					e.indexGroups()
					body = api.BulkNew{Source: api.BulkSource{IDs: []string{c.body}}, Op: api.BulkSet, Set: attrs("authz", "1")}
				}
				// The user out of scope gets a group to change, like alice's,
				// and both get a friend list "People".
				if err := e.mock.Seed(&timmock.Seed{ConversationGroups: []timmock.SeedConvGroup{{User: userOut, Name: "People"}},
					FriendLists: []timmock.SeedFriendList{{User: userIn, Name: "People"}, {User: userOut, Name: "People"}}}); err != nil {
					t.Fatal(err)
				}
				if bb, ok := bodies[c.method+" "+c.path]; ok {
					body = bb
				}
				e.clock.Advance(time.Second)
				calls := e.calls(writes...)
				w := b.do(c.method, path, body)
				if w.Code != role.status {
					t.Fatalf("status %d, want %d: %s", w.Code, role.status, w.Body)
				}
				after := e.calls(writes...)
				if w.Code >= 400 && after != calls {
					t.Fatal("a refused request changed something at Tencent")
				}
			})
		}
	}
}
