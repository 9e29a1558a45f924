package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/timmock"
)

// The rules every family shares, checked in every family: each case here
// is one where the families once disagreed.

// writes are the Tencent commands that change something.
var writes = []string{"modify_group_attr", "set_group_attr", "delete_group_attr", "clear_group_attr",
	"create_contact_group", "update_contact_group", "del_contact_group", "mark_contact",
	"group_add", "group_delete", "friend_update", "modify_group_member_info"}

// changes counts the audit log's entries of the families' changes.
func (e *env) changes(t *testing.T) int {
	t.Helper()
	recs, err := e.db.Records(context.Background(), sqlite.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	all := slices.Concat(api.AttributesActions, api.ConvGroupsActions, api.FriendListsActions)
	n := 0
	for _, r := range recs {
		if slices.Contains(all, r.Action) {
			n++
		}
	}
	return n
}

// A character that would reach Tencent and hide or break what a person
// reads is refused in every text of every family, with the same sentence,
// before anything is sent or audited.
func TestTextRulesInEveryFamily(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("admin")
	variants := []struct {
		name, text, words string
		inPath            bool // refused in a path name too (an existing name is held only to the rules of free text)
	}{
		{"NUL", "x\u0000y", "control character (U+0000 at byte 1)", true},
		{"LF", "x\ny", "control character (U+000A at byte 1)", true},
		{"CR", "x\ry", "control character (U+000D at byte 1)", true},
		{"TAB", "x\ty", "control character (U+0009 at byte 1)", true},
		{"ESC", "x\u001by", "control character (U+001B at byte 1)", true},
		{"DEL", "x\u007fy", "control character (U+007F at byte 1)", true},
		{"NEL", "x\u0085y", "control character (U+0085 at byte 1)", true},
		{"line separator", "x\u2028y", "reorders or hides text (U+2028 at byte 1)", false},
		{"right-to-left override", "x\u202ey", "reorders or hides text (U+202E at byte 1)", false},
		{"isolate", "x\u2066y", "reorders or hides text (U+2066 at byte 1)", false},
		{"zero width at the end", "xy\u200b", "invisible character (U+200B)", false},
	}
	attrs := "/api/v1/groups/" + escape(public) + "/attributes"
	cg := "/api/v1/users/alice/conversation-groups"
	fl := "/api/v1/users/alice/friend-lists"
	for _, v := range variants {
		type request struct {
			where, method, path string
			body                any
			field               string
		}
		requests := []request{
			{"attribute key", "PATCH", attrs, map[string]any{"set": []api.Attr{{Key: v.text, Value: "1"}}}, "set[0].key"},
			{"conversation group name", "POST", cg, map[string]any{"name": v.text}, "name"},
			{"conversation group rename", "PATCH", cg + "/People", map[string]any{"name": v.text}, "name"},
			{"custom mark", "POST", "/api/v1/users/alice/conversation-marks",
				map[string]any{"conversations": []api.Conversation{{Type: "user", ID: "bob"}}, "customMark": v.text}, "customMark"},
			{"conversation in a group", "POST", cg, map[string]any{"name": "New", "conversations": []api.Conversation{{Type: "user", ID: v.text}}}, "conversations[0]"},
			{"friend list name", "POST", fl, map[string]any{"names": []string{v.text}}, "names[0]"},
			{"friend list rename", "PATCH", fl + "/Work", map[string]any{"rename": v.text}, "rename"},
			{"friend", "PATCH", fl + "/Work", map[string]any{"add": []string{v.text}}, "add[0]"},
		}
		if v.inPath {
			requests = append(requests,
				request{"conversation group in the path", "DELETE", cg + "/" + url.PathEscape(v.text), nil, "name"},
				request{"friend list in the path", "DELETE", fl + "/" + url.PathEscape(v.text), nil, "name"})
		}
		for _, rq := range requests {
			t.Run(v.name+" in the "+rq.where, func(t *testing.T) {
				w := b.do(rq.method, rq.path, rq.body)
				if w.Code != http.StatusBadRequest {
					t.Fatalf("status %d: %s", w.Code, w.Body)
				}
				code, msg, field := apiErr(t, w)
				if code != api.CodeInvalidArgument || !strings.Contains(msg, v.words) || !strings.HasSuffix(msg, "remove it.") {
					t.Fatalf("%s %q (field %s)", code, msg, field)
				}
				// A user ID in a conversation is checked as an ID: the
				// field is the row.
				if field != rq.field && !(rq.field == "conversations[0]" && field == "conversations[0]") {
					t.Fatalf("field %q, want %q", field, rq.field)
				}
			})
		}
	}
	if n := e.calls(writes...); n != 0 {
		t.Fatalf("%d writes reached Tencent", n)
	}
	if n := e.changes(t); n != 0 {
		t.Fatalf("%d changes audited", n)
	}
}

// Bodies are read strictly, the same for every endpoint: a key twice, a
// null value and a missing required field are refused, naming the field,
// and nothing is changed.
func TestStrictBodies(t *testing.T) {
	e := newEnv(t)
	attrs := "/api/v1/groups/" + escape(public) + "/attributes"
	e.run(t, []scenario{
		{name: "a key twice: the last does not silently win", as: "admin", method: "POST", path: "/api/v1/accounts",
			body: `{"name":"mei","role":"viewer","role":"admin","scope":{"all":true}}`, status: 400, code: api.CodeInvalidArgument,
			field: "role", words: `The request gives the field "role" twice; give it once.`},
		{name: "a key twice before a stray closing brace", as: "admin", method: "POST", path: "/api/v1/accounts",
			body: `{"name":"mei","role":"viewer","role":"admin","scope":{"all":true}}}`, status: 400, code: api.CodeInvalidArgument,
			words: "The request has data after its JSON value."},
		{name: "a key twice in an update", as: "admin", method: "PATCH", path: "/api/v1/accounts/mod",
			body: `{"disabled":false,"disabled":true}`, status: 400, code: api.CodeInvalidArgument, field: "disabled", words: "twice"},
		{name: "a key twice deep inside", as: "mod", method: "PATCH", path: attrs,
			body: `{"set":[{"key":"a","value":"1","value":"2"}]}`, status: 400, code: api.CodeInvalidArgument, field: "set[0].value", words: "twice"},
		{name: "a value missing", as: "mod", method: "PATCH", path: attrs,
			body: `{"set":[{"key":"a"}]}`, status: 400, code: api.CodeInvalidArgument, field: "set[0].value", words: `The request has no field "set[0].value"; it is required.`},
		{name: "a value null", as: "mod", method: "PATCH", path: attrs,
			body: `{"set":[{"key":"a","value":null}]}`, status: 400, code: api.CodeInvalidArgument, field: "set[0].value", words: `"set[0].value" must be text, not null.`},
		{name: "an account without a scope", as: "admin", method: "POST", path: "/api/v1/accounts",
			body: `{"name":"mei","role":"moderator"}`, status: 400, code: api.CodeInvalidArgument, field: "scope", words: "required"},
		{name: "a scope's group ID with a line break is refused, not trimmed", as: "admin", method: "POST", path: "/api/v1/accounts",
			body:   map[string]any{"name": "mei", "role": "moderator", "scope": map[string]any{"groups": []string{public + "\n"}}},
			status: 400, code: api.CodeInvalidArgument, field: "scope.groups[0]", words: "control character"},
		{name: "a scope's group ID with a space at its end", as: "admin", method: "POST", path: "/api/v1/accounts",
			body:   map[string]any{"name": "mei", "role": "moderator", "scope": map[string]any{"groups": []string{public + " "}}},
			status: 400, code: api.CodeInvalidArgument, field: "scope.groups[0]", words: "starts or ends with a space"},
		{name: "a scope's user ID with a paragraph separator", as: "admin", method: "POST", path: "/api/v1/accounts",
			body:   map[string]any{"name": "mei", "role": "moderator", "scope": map[string]any{"users": []string{"bob\u2029"}}},
			status: 400, code: api.CodeInvalidArgument, field: "scope.users[0]", words: "reorders or hides text"},
		{name: "an account name that reorders text", as: "admin", method: "POST", path: "/api/v1/accounts",
			body:   map[string]any{"name": "mei\u202e", "role": "viewer", "scope": map[string]any{"all": true}},
			status: 400, code: api.CodeInvalidArgument, field: "name"},
		{name: "a conversation without its type", as: "mod", method: "POST", path: "/api/v1/users/alice/conversation-marks",
			body: `{"conversations":[{"id":"bob"}],"set":["star"]}`, status: 400, code: api.CodeInvalidArgument, field: "conversations[0].type", words: "required"},
		{name: "nothing was made: the accounts are as they were", as: "admin", method: "GET", path: "/api/v1/accounts", status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				if strings.Contains(w.Body.String(), `"mei`) {
					t.Fatalf("an account was made: %s", w.Body)
				}
				mod, err := e.db.Account(context.Background(), "mod")
				if err != nil || mod.Disabled {
					t.Fatalf("mod %+v %v", mod, err)
				}
			}},
	})
	if n := e.calls(writes...); n != 0 {
		t.Fatalf("%d writes reached Tencent", n)
	}
}

// A lost answer is settled by reading the state again in every family,
// marks included, and per call when a change needs several.
func TestMarksLostAnswerSettled(t *testing.T) {
	t.Run("one call, made, answer lost", func(t *testing.T) {
		e := newEnv(t)
		if err := e.mock.AddFault(timmock.Fault{Command: "mark_contact", Kind: timmock.FaultLost, Times: 1}); err != nil {
			t.Fatal(err)
		}
		w := e.signIn("mod").do("POST", "/api/v1/users/alice/conversation-marks",
			map[string]any{"conversations": []api.Conversation{{Type: "user", ID: "carmen"}}, "set": []string{"star"}})
		if w.Code != 200 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		recs := e.records(t, api.ActionConvGroupsMarksSet)
		if len(recs) != 1 || recs[0].Outcome != "ok" || !strings.Contains(recs[0].Detail, "showed the change made") || e.calls("mark_contact") != 1 {
			t.Fatalf("audit %+v, %d calls", recs, e.calls("mark_contact"))
		}
		if !markedStar(e.convGroups(t, "alice"), "carmen") {
			t.Fatal("carmen is not starred")
		}
	})
	for _, code := range []int{10002, 50004} {
		t.Run(fmt.Sprintf("three calls, %d on the second", code), func(t *testing.T) {
			e := newEnv(t)
			var convs []api.Conversation
			var users []timmock.SeedUser
			for i := range 250 {
				id := fmt.Sprintf("m%03d", i)
				convs = append(convs, api.Conversation{Type: "user", ID: id})
				users = append(users, timmock.SeedUser{ID: id, Nick: "Member " + id})
			}
			if err := e.mock.Seed(&timmock.Seed{Users: users}); err != nil {
				t.Fatal(err)
			}
			e.beforeCall("mark_contact", 1, func() {
				if err := e.mock.AddFault(timmock.Fault{Command: "mark_contact", Kind: timmock.FaultError, ErrorCode: code, Times: 1}); err != nil {
					t.Error(err)
				}
			})
			w := e.signIn("admin").do("POST", "/api/v1/users/alice/conversation-marks",
				map[string]any{"conversations": convs, "set": []string{"fold"}})
			if w.Code != 200 {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			recs := e.records(t, api.ActionConvGroupsMarksSet)
			if len(recs) != 3 {
				t.Fatalf("%d records", len(recs))
			}
			for _, r := range recs {
				if r.Outcome != "ok" {
					t.Fatalf("a part is %s: %s", r.Outcome, r.Detail)
				}
			}
			cg := e.convGroups(t, "alice")
			n := 0
			for _, c := range cg.Conversations {
				if c.Marks.Fold && strings.HasPrefix(c.ID, "m") {
					n++
				}
			}
			if n != 250 {
				t.Fatalf("%d of 250 folded", n)
			}
		})
	}
}

func markedStar(cg api.ConvGroups, id string) bool {
	for _, c := range cg.Conversations {
		if c.ID == id {
			return c.Marks.Star
		}
	}
	return false
}

// A typed ID that Tencent does not know is refused on its row, with the
// reason, and the rest of the change goes ahead — in every family; when
// nothing is left, the change is refused naming the row.
func TestUnknownIDsRefusedOnTheirRow(t *testing.T) {
	e := newEnv(t)
	marks := "/api/v1/users/alice/conversation-marks"
	e.run(t, []scenario{
		{name: "marks for a user who does not exist alone: refused, nothing sent", as: "mod", method: "POST", path: marks,
			body:   map[string]any{"conversations": []api.Conversation{{Type: "user", ID: "ghost_two"}}, "set": []string{"fold"}},
			status: 400, code: api.CodeInvalidArgument, field: "conversations[0]", words: `There is no user "ghost_two" in this app.`,
			then: func(t *testing.T, e *env, _ *httptest.ResponseRecorder) {
				if e.calls("mark_contact") != 0 {
					t.Fatal("marks sent")
				}
			}},
		{name: "marks for a user who exists and one who does not: the row is refused, the rest marked", as: "mod", method: "POST", path: marks,
			body:   map[string]any{"conversations": []api.Conversation{{Type: "user", ID: "carmen"}, {Type: "user", ID: "ghost_two"}}, "set": []string{"fold"}},
			status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				var cg api.ConvGroups
				mustDecode(t, w.Body.Bytes(), &cg)
				if len(cg.Results) != 2 || cg.Results[0].ID != "ghost_two" || cg.Results[0].OK || cg.Results[0].Message != `There is no user "ghost_two" in this app.` || !cg.Results[1].OK {
					t.Fatalf("results %+v", cg.Results)
				}
				for _, c := range e.convGroups(t, "alice").Conversations {
					if c.ID == "ghost_two" {
						t.Fatal("a mark is stored for a user who does not exist")
					}
				}
				recs := e.records(t, api.ActionConvGroupsMarksSet)
				if len(recs) != 1 || strings.Contains(string(recs[0].Request), "ghost_two") || !strings.Contains(recs[0].Detail, "ghost_two") {
					t.Fatalf("audit %+v", recs)
				}
			}},
		{name: "a friend list with a friend and a user who does not exist: the row is refused, the list made", as: "mod", method: "POST",
			path: "/api/v1/users/alice/friend-lists", body: map[string]any{"names": []string{"X"}, "friends": []string{"bob", "ghost"}}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				fl := decodeLists(t, w)
				if l := fl.List("X"); l == nil || len(l.Friends) != 1 || l.Friends[0].ID != "bob" {
					t.Fatalf("lists %s", shape(fl))
				}
				if r := result(fl, "ghost"); r == nil || r.OK || r.Message != `There is no user "ghost" in this app.` {
					t.Fatalf("ghost %+v", r)
				}
			}},
	})
}
