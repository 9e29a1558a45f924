package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/timmock"
)

const aliceLists = "/api/v1/users/alice/friend-lists"

func (e *env) friendLists(t *testing.T, user string) api.FriendLists {
	t.Helper()
	return adminGet[api.FriendLists](t, e, "/api/v1/users/"+user+"/friend-lists")
}

func decodeLists(t *testing.T, w *httptest.ResponseRecorder) api.FriendLists {
	t.Helper()
	var fl api.FriendLists
	mustDecode(t, w.Body.Bytes(), &fl)
	if fl.Version == "" || w.Header().Get("ETag") != `"`+fl.Version+`"` {
		t.Fatalf("version %q, ETag %q", fl.Version, w.Header().Get("ETag"))
	}
	return fl
}

// shape is a user's lists in one line: "name: id id; name: …" in order,
// then "| unlisted ids".
func shape(fl api.FriendLists) string {
	var parts []string
	for _, l := range fl.Lists {
		parts = append(parts, l.Name+": "+strings.Join(friendIDs(l.Friends), " "))
	}
	return strings.Join(parts, "; ") + " | " + strings.Join(friendIDs(fl.Unlisted), " ")
}

// The demo's lists of alice, as Tencent holds them.
const aliceShape = "Hiking buddies: bob carmen; Family: carmen; 读书会: li_ming zhang_wei; Work: bob; Travel 2027:  | kim_minjun sato_hanako"

func result(fl api.FriendLists, id string) *api.ItemResult {
	for i := range fl.Results {
		if fl.Results[i].ID == id {
			return &fl.Results[i]
		}
	}
	return nil
}

// The family end to end against the mock: what the moderator reads, the
// changes, the limits said before anything is sent (fields and limits in
// UTF-8 bytes), per-friend failures, 412, and the audit log with the lists
// before and after.
func TestFriendLists(t *testing.T) {
	e := newEnv(t)
	var version string
	nothingSent := func(t *testing.T, e *env, _ *httptest.ResponseRecorder) {
		if n := e.calls("group_add", "group_delete", "friend_update"); n != 0 {
			t.Fatalf("%d writes reached Tencent", n)
		}
	}
	e.run(t, []scenario{
		{name: "lists with their friends, by nickname, and the unlisted friends", as: "mod", method: "GET", path: aliceLists, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				fl := decodeLists(t, w)
				if shape(fl) != aliceShape {
					t.Fatalf("lists %s", shape(fl))
				}
				if fl.UserID != "alice" || fl.FriendCount != 6 || fl.MaxLists != 32 || fl.MaxNameBytes != 30 || fl.Results != nil {
					t.Fatalf("%+v", fl)
				}
				if f := fl.Lists[2].Friends[0]; f != (api.Friend{ID: "li_ming", Name: "李明"}) {
					t.Fatalf("friend %+v", f)
				}
				if !strings.Contains(w.Body.String(), `"friends":[]`) || !strings.Contains(w.Body.String(), `"name":"Travel 2027"`) {
					t.Fatalf("an empty list is shown with no friends: %s", w.Body)
				}
				version = fl.Version
			}},
		{name: "a viewer reads", as: "viewer", method: "GET", path: aliceLists, status: 200},
		{name: "a user out of scope is not shown", as: "mod", method: "GET", path: "/api/v1/users/wang_fang/friend-lists", status: 403,
			code: api.CodePermissionDenied, words: `or not in your account's scope.`},
		{name: "no such user", as: "admin", method: "GET", path: "/api/v1/users/nobody/friend-lists", status: 404,
			code: api.CodeNotFound, words: "This user does not exist in this app."},
		{name: "a name over 30 bytes is refused before anything is sent", as: "mod", method: "POST", path: aliceLists,
			body: map[string]any{"names": []string{"ok", strings.Repeat("山", 11)}}, status: 400, code: api.CodeInvalidArgument,
			field: "names[1]", words: "The name is 33 bytes; the limit is 30.", then: nothingSent},
		{name: "a blank name", as: "mod", method: "POST", path: aliceLists, body: map[string]any{"names": []string{"  "}},
			status: 400, code: api.CodeInvalidArgument, field: "names[0]", words: "Enter a name"},
		{name: "no names", as: "mod", method: "POST", path: aliceLists, body: map[string]any{"names": []string{}},
			status: 400, code: api.CodeInvalidArgument, field: "names", words: "at least one name"},
		{name: "a control character", as: "mod", method: "POST", path: aliceLists, body: map[string]any{"names": []string{"a\tb"}},
			status: 400, code: api.CodeInvalidArgument, field: "names[0]", words: "control character"},
		{name: "a name twice", as: "mod", method: "POST", path: aliceLists, body: map[string]any{"names": []string{"同学", "同学"}},
			status: 400, code: api.CodeInvalidArgument, field: "names[1]", words: "given twice"},
		{name: "a name that exists", as: "mod", method: "POST", path: aliceLists, body: map[string]any{"names": []string{"New", "Family"}},
			status: 400, code: api.CodeInvalidArgument, field: "names[1]", words: `already has a friend list named "Family"`},
		{name: "more lists than a user may have", as: "mod", method: "POST", path: aliceLists, body: map[string]any{"names": names("L", 28)},
			status: 400, code: api.CodeInvalidArgument, field: "names", words: "at most 32 friend lists; this user has 5, and this would make 33", then: nothingSent},
		{name: "too many friends", as: "mod", method: "POST", path: aliceLists,
			body: map[string]any{"names": []string{"X"}, "friends": names("u", 1001)}, status: 400, code: api.CodeInvalidArgument,
			field: "friends", words: "At most 1000 friends at a time; there are 1001."},
		{name: "a friend twice", as: "mod", method: "POST", path: aliceLists,
			body: map[string]any{"names": []string{"X"}, "friends": []string{"bob", "bob"}}, status: 400, code: api.CodeInvalidArgument, field: "friends[1]"},
		{name: "create two lists with a friend and a non-friend: the non-friend's row fails, the rest is kept", as: "mod", method: "POST", path: aliceLists,
			body: map[string]any{"names": []string{"山友", "Climbing"}, "friends": []string{"bob", "wang_fang"}}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				fl := decodeLists(t, w)
				if !strings.HasSuffix(strings.Split(shape(fl), " | ")[0], "Travel 2027: ; 山友: bob; Climbing: bob") {
					t.Fatalf("lists %s", shape(fl))
				}
				if r := result(fl, "bob"); r == nil || !r.OK {
					t.Fatalf("bob %+v", r)
				}
				r := result(fl, "wang_fang")
				if r == nil || r.OK || r.Code != 32216 || r.Message != "Not a friend of this user: only a user's friends can be put in their friend lists." || len(fl.Results) != 2 {
					t.Fatalf("results %+v", fl.Results)
				}
				if e.calls("group_add") != 1 {
					t.Fatalf("%d group_add calls", e.calls("group_add"))
				}
				recs := e.records(t, "user.friend-lists.create")
				if len(recs) != 1 || recs[0].Outcome != "ok" || recs[0].Target != "alice" || recs[0].Actor != "mod" ||
					!strings.Contains(recs[0].Detail, "1 of 2 friends failed: wang_fang") ||
					strings.Contains(string(recs[0].Before), "山友") || !strings.Contains(string(recs[0].After), `"name":"山友"`) {
					t.Fatalf("audit %+v", recs)
				}
				var before api.FriendLists
				mustDecode(t, recs[0].Before, &before)
				if shape(before) != aliceShape {
					t.Fatalf("before %s", shape(before))
				}
			}},
		{name: "an old version is refused", as: "mod", method: "POST", path: aliceLists, header: []string{"If-Match", `"` + "0123456789abcdef" + `"`},
			body: map[string]any{"names": []string{"Late"}}, status: 412, code: api.CodeConflict, words: "Reload"},
		{name: "move friends in and out of a list, a non-friend's row failing", as: "mod", method: "PATCH", path: aliceLists + "/" + url.PathEscape("Hiking buddies"),
			body: map[string]any{"add": []string{"sato_hanako", "wang_fang"}, "remove": []string{"bob"}}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				fl := decodeLists(t, w)
				if l := fl.List("Hiking buddies"); l == nil || strings.Join(friendIDs(l.Friends), " ") != "carmen sato_hanako" {
					t.Fatalf("lists %s", shape(fl))
				}
				if got := strings.Join(friendIDs(fl.Unlisted), " "); got != "kim_minjun" {
					t.Fatalf("unlisted %s", got)
				}
				// bob keeps his other lists: his whole set was computed from the state before.
				if got := fl.ListsOf("bob"); !slices.Equal(got, []string{"Work", "山友", "Climbing"}) {
					t.Fatalf("bob's lists %v", got)
				}
				if r := result(fl, "wang_fang"); r == nil || r.OK || r.Code != 32216 || len(fl.Results) != 3 {
					t.Fatalf("results %+v", fl.Results)
				}
				recs := e.records(t, "user.friend-lists.update")
				if e.calls("friend_update") != 1 || len(recs) != 1 || recs[0].Outcome != "ok" || !strings.Contains(recs[0].Detail, "wang_fang") {
					t.Fatalf("%d friend_update calls; audit %+v", e.calls("friend_update"), recs)
				}
			}},
		{name: "adding a friend already in the list", as: "mod", method: "PATCH", path: aliceLists + "/Family",
			body: map[string]any{"add": []string{"carmen"}}, status: 400, code: api.CodeInvalidArgument, field: "add[0]", words: `in the list "Family" already`},
		{name: "removing a friend not in the list", as: "mod", method: "PATCH", path: aliceLists + "/Family",
			body: map[string]any{"remove": []string{"bob"}}, status: 400, code: api.CodeInvalidArgument, field: "remove[0]", words: `not in the list "Family"`},
		{name: "adding and removing the same friend", as: "mod", method: "PATCH", path: aliceLists + "/Family",
			body: map[string]any{"add": []string{"bob"}, "remove": []string{"bob"}}, status: 400, code: api.CodeInvalidArgument, field: "remove[0]"},
		{name: "adding a user Tencent does not know", as: "mod", method: "PATCH", path: aliceLists + "/Family",
			body: map[string]any{"add": []string{"ghost"}}, status: 400, code: api.CodeInvalidArgument, field: "add[0]", words: `There is no user "ghost"`},
		{name: "nothing to change", as: "mod", method: "PATCH", path: aliceLists + "/Family", body: map[string]any{},
			status: 400, code: api.CodeInvalidArgument, field: "add", words: "nothing to change"},
		{name: "a list that does not exist", as: "mod", method: "PATCH", path: aliceLists + "/Nope",
			body: map[string]any{"add": []string{"bob"}}, status: 400, code: api.CodeInvalidArgument, field: "name", words: `no friend list named "Nope"`},
		{name: "a rename with moves", as: "mod", method: "PATCH", path: aliceLists + "/Family",
			body: map[string]any{"rename": "Kin", "add": []string{"bob"}}, status: 400, code: api.CodeInvalidArgument, field: "rename", words: "on its own"},
		{name: "a rename to a name that exists", as: "mod", method: "PATCH", path: aliceLists + "/Family",
			body: map[string]any{"rename": "Work"}, status: 400, code: api.CodeInvalidArgument, field: "rename", words: `already has a friend list named "Work"`},
		{name: "a rename to a name too long", as: "mod", method: "PATCH", path: aliceLists + "/Family",
			body: map[string]any{"rename": strings.Repeat("가", 11)}, status: 400, code: api.CodeInvalidArgument, field: "rename", words: "33 bytes; the limit is 30"},
		{name: "rename: the new list is made with the old one's friends, then the old one deleted", as: "mod", method: "PATCH", path: aliceLists + "/" + url.PathEscape("读书会"),
			body: map[string]any{"rename": "読書クラブ"}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				fl := decodeLists(t, w)
				if fl.List("读书会") != nil || fl.Lists[len(fl.Lists)-1].Name != "読書クラブ" ||
					strings.Join(friendIDs(fl.Lists[len(fl.Lists)-1].Friends), " ") != "li_ming zhang_wei" || fl.FriendCount != 6 {
					t.Fatalf("lists %s", shape(fl))
				}
				recs := e.records(t, "user.friend-lists.rename") // newest first
				if len(recs) != 2 || recs[0].Outcome != "ok" || recs[1].Outcome != "ok" ||
					!strings.Contains(string(recs[1].Request), "create 読書クラブ") || !strings.Contains(string(recs[0].Request), "delete 读书会") {
					t.Fatalf("audit %+v", recs)
				}
				// The step between: both lists.
				var mid api.FriendLists
				mustDecode(t, recs[1].After, &mid)
				if mid.List("读书会") == nil || mid.List("読書クラブ") == nil {
					t.Fatalf("after the first step %s", shape(mid))
				}
			}},
		{name: "delete several lists in one call: their friends stay friends", as: "mod", method: "DELETE", path: aliceLists,
			body: map[string]any{"names": []string{"山友", "Climbing"}}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				fl := decodeLists(t, w)
				if fl.List("山友") != nil || fl.List("Climbing") != nil || fl.FriendCount != 6 || !fl.IsFriend("bob") {
					t.Fatalf("lists %s", shape(fl))
				}
				recs := e.records(t, "user.friend-lists.delete")
				if e.calls("group_delete") != 2 || len(recs) != 1 || recs[0].Outcome != "ok" || !strings.Contains(string(recs[0].Before), "Climbing") {
					t.Fatalf("%d group_delete; audit %+v", e.calls("group_delete"), recs)
				}
			}},
		{name: "delete one by its path", as: "mod", method: "DELETE", path: aliceLists + "/" + url.PathEscape("Travel 2027"), status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				if fl := decodeLists(t, w); fl.List("Travel 2027") != nil {
					t.Fatalf("lists %s", shape(fl))
				}
			}},
		{name: "delete of a list that is gone", as: "mod", method: "DELETE", path: aliceLists + "/" + url.PathEscape("Travel 2027"), status: 400,
			code: api.CodeInvalidArgument, field: "name", words: "no friend list named"},
		{name: "delete of a list that is gone, by body", as: "mod", method: "DELETE", path: aliceLists, body: map[string]any{"names": []string{"Work", "Gone"}},
			status: 400, code: api.CodeInvalidArgument, field: "names[1]", words: `no friend list named "Gone"`},
		{name: "a viewer cannot change", as: "viewer", method: "POST", path: aliceLists, body: map[string]any{"names": []string{"V"}},
			status: 403, code: api.CodePermissionDenied},
		{name: "a user out of scope cannot be changed", as: "mod", method: "DELETE", path: "/api/v1/users/wang_fang/friend-lists/" + url.PathEscape("同事"),
			status: 403, code: api.CodePermissionDenied},
		{name: "the version read first is stale now", as: "mod", method: "DELETE", path: aliceLists + "/Work", header: []string{"If-Match", `"` + version + `"`},
			status: 412, code: api.CodeConflict},
	})
}

func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

// A create is sent in calls of at most MaxListNamesPerCall names (Tencent's
// 32 a request; lowered here, since a user may hold only 32 lists in all),
// each its own audited step with its own part of the request; the results
// of the parts are merged. A part that fails stops the change and says how
// many parts were made.
func TestFriendListsCreateSplit(t *testing.T) {
	e := newEnv(t)
	e.srv.listNamesPerCall = 2
	e.run(t, []scenario{
		{name: "five names: three calls", as: "mod", method: "POST", path: aliceLists,
			body: map[string]any{"names": []string{"a", "b", "c", "d", "e"}, "friends": []string{"bob", "wang_fang"}}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				fl := decodeLists(t, w)
				for _, n := range []string{"a", "b", "c", "d", "e"} {
					if l := fl.List(n); l == nil || len(l.Friends) != 1 || l.Friends[0].ID != "bob" {
						t.Fatalf("list %s: %s", n, shape(fl))
					}
				}
				if len(fl.Results) != 2 || result(fl, "wang_fang").Code != 32216 {
					t.Fatalf("results %+v", fl.Results)
				}
				recs := e.records(t, "user.friend-lists.create")
				if e.calls("group_add") != 3 || len(recs) != 3 {
					t.Fatalf("%d calls, %d records", e.calls("group_add"), len(recs))
				}
				var part api.FriendListCreate
				mustDecode(t, recs[2].Request, &part)
				if !slices.Equal(part.Names, []string{"a", "b"}) || !slices.Equal(part.Friends, []string{"bob", "wang_fang"}) {
					t.Fatalf("first part %+v", part)
				}
				mustDecode(t, recs[0].Request, &part)
				if !slices.Equal(part.Names, []string{"e"}) {
					t.Fatalf("last part %+v", part)
				}
				// The second part's state before is the first part's after.
				if string(recs[1].Before) != string(recs[2].After) {
					t.Fatalf("parts do not chain:\n%s\n%s", recs[1].Before, recs[2].After)
				}
				e.beforeCall("group_add", 1, func() {
					if err := e.mock.AddFault(timmock.Fault{Command: "group_add", Kind: timmock.FaultError, ErrorCode: 30001, Times: 1}); err != nil {
						t.Error(err)
					}
				})
			}},
		{name: "the second of three parts fails: said, the rest not sent", as: "mod", method: "POST", path: aliceLists,
			body: map[string]any{"names": []string{"f", "g", "h", "i", "j"}}, status: 400, code: api.CodeInvalidArgument,
			words: "1 of 3 parts of this change were made; the next one failed, and the rest were not sent. Tencent Cloud Chat refused the request as not valid.",
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				fl := e.friendLists(t, "alice")
				if fl.List("f") == nil || fl.List("g") == nil || fl.List("h") != nil || fl.List("j") != nil {
					t.Fatalf("lists %s", shape(fl))
				}
				recs := e.records(t, "user.friend-lists.create")
				if len(recs) != 5 || recs[0].Outcome != "failed" || recs[0].TencentCode != 30001 || recs[1].Outcome != "ok" {
					t.Fatalf("audit %d: %+v", len(recs), recs[0])
				}
			}},
	})
	if got := (api.FriendListCreate{Names: names("n", 70)}).Parts(api.MaxListNamesPerCall); len(got) != 3 || len(got[0]) != 32 || len(got[2]) != 6 {
		t.Fatalf("70 names at 32 a call: %d parts", len(got))
	}
}

// friend_update takes 100 friends a call: a move of 150 friends is two
// calls, each an audited step.
func TestFriendListsMoveSplit(t *testing.T) {
	e := newEnv(t)
	seedFriends(t, e, "dana", 150, nil)
	ids := friendIDs(e.friendLists(t, "dana").Unlisted)
	w := e.signIn("admin").do("PATCH", "/api/v1/users/dana/friend-lists/Pals", map[string]any{"add": ids})
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	fl := decodeLists(t, w)
	if l := fl.List("Pals"); l == nil || len(l.Friends) != 150 || len(fl.Unlisted) != 0 || len(fl.Results) != 150 {
		t.Fatalf("after: %d unlisted, %d results", len(fl.Unlisted), len(fl.Results))
	}
	if recs := e.records(t, "user.friend-lists.update"); e.calls("friend_update") != 2 || len(recs) != 2 {
		t.Fatalf("%d calls, %d records", e.calls("friend_update"), len(recs))
	}
}

// seedFriends makes a user with n friends (f000…), all in no list, and a
// list Pals holding those of members.
func seedFriends(t *testing.T, e *env, user string, n int, members []string) {
	t.Helper()
	s := &timmock.Seed{Users: []timmock.SeedUser{{ID: user, Nick: "Dana"}}}
	for i := range n {
		id := fmt.Sprintf("f%04d", i)
		s.Users = append(s.Users, timmock.SeedUser{ID: id, Nick: "Friend " + id})
		s.Friends = append(s.Friends, timmock.SeedFriendship{User: user, Friend: id})
	}
	s.FriendLists = []timmock.SeedFriendList{{User: user, Name: "Pals", Friends: members}}
	if err := e.mock.Seed(s); err != nil {
		t.Fatal(err)
	}
}

// A list of more than 1,000 friends is renamed with group_add for the
// first 1,000 and friend_update for the rest, then group_delete.
func TestFriendListsRenameLargeList(t *testing.T) {
	e := newEnv(t)
	seedFriends(t, e, "dana", 1050, nil)
	all := friendIDs(e.friendLists(t, "dana").Unlisted)
	if w := e.signIn("admin").do("PATCH", "/api/v1/users/dana/friend-lists/Pals", map[string]any{"add": all[:1000]}); w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if w := e.signIn("admin").do("PATCH", "/api/v1/users/dana/friend-lists/Pals", map[string]any{"add": all[1000:]}); w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	updates := e.calls("friend_update")
	w := e.signIn("admin").do("PATCH", "/api/v1/users/dana/friend-lists/Pals", map[string]any{"rename": "Buddies"})
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	fl := decodeLists(t, w)
	if l := fl.List("Buddies"); l == nil || len(l.Friends) != 1050 || fl.List("Pals") != nil || len(fl.Unlisted) != 0 {
		t.Fatalf("after: %d lists, %d unlisted", len(fl.Lists), len(fl.Unlisted))
	}
	recs := e.records(t, "user.friend-lists.rename")
	if len(recs) != 3 || e.calls("friend_update")-updates != 1 || !strings.Contains(string(recs[1].Request), "add friends to Buddies") {
		t.Fatalf("%d records, %d friend_update calls", len(recs), e.calls("friend_update")-updates)
	}
}

// A rename whose second step (the delete) fails leaves both lists: the
// answer says so and how to finish or undo it, each step is audited, and no
// friend is lost.
func TestFriendListsRenameHalfway(t *testing.T) {
	e := newEnv(t)
	fault := func(t *testing.T, kind timmock.FaultKind, cmd string, code, times int) {
		if err := e.mock.AddFault(timmock.Fault{Command: cmd, Kind: kind, ErrorCode: code, Times: times}); err != nil {
			t.Fatal(err)
		}
	}
	fault(t, timmock.FaultError, "group_delete", 30006, 2)
	e.run(t, []scenario{
		{name: "the delete meets Tencent's internal error twice: both lists exist, said", as: "mod", method: "PATCH", path: aliceLists + "/Family",
			body: map[string]any{"rename": "家族"}, status: http.StatusServiceUnavailable, code: api.CodeUpstreamUnavailable,
			words: `The rename of "Family" to "家族" stopped part-way: both lists exist now. No friend was removed. To finish the rename, delete "Family"; to undo it, delete "家族". Tencent Cloud Chat had a temporary problem. Try again.`,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				fl := e.friendLists(t, "alice")
				if f, k := fl.List("Family"), fl.List("家族"); f == nil || k == nil || len(k.Friends) != 1 || k.Friends[0].ID != "carmen" || fl.FriendCount != 6 {
					t.Fatalf("lists %s", shape(fl))
				}
				recs := e.records(t, "user.friend-lists.rename")
				if len(recs) != 2 || recs[1].Outcome != "ok" || recs[0].Outcome != "failed" || recs[0].TencentCode != 30006 ||
					!strings.Contains(recs[0].Detail, "lost twice; reading the state again showed the change not made") {
					t.Fatalf("audit %+v / %+v", recs[0], recs[1])
				}
				if _, msg, _ := apiErr(t, w); strings.Contains(msg, "30006") {
					t.Fatalf("a raw code in the sentence: %s", msg)
				}
				fault(t, timmock.FaultError, "group_add", 30001, 1)
			}},
		{name: "finishing by hand: delete the old list", as: "mod", method: "DELETE", path: aliceLists + "/Family", status: 200},
		{name: "the create is refused: nothing was changed, said", as: "mod", method: "PATCH", path: aliceLists + "/Work",
			body: map[string]any{"rename": "仕事"}, status: 400, code: api.CodeInvalidArgument,
			words: `Nothing was changed: "Work" still exists and "仕事" was not made. Tencent Cloud Chat refused the request as not valid.`,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				if fl := e.friendLists(t, "alice"); fl.List("Work") == nil || fl.List("仕事") != nil {
					t.Fatalf("lists %s", shape(fl))
				}
				fault(t, timmock.FaultLost, "group_delete", 0, 1)
			}},
		{name: "the delete's answer is lost: read again, the rename was made", as: "mod", method: "PATCH", path: aliceLists + "/Work",
			body: map[string]any{"rename": "仕事"}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				if fl := decodeLists(t, w); fl.List("Work") != nil || fl.List("仕事") == nil {
					t.Fatalf("lists %s", shape(fl))
				}
				recs := e.records(t, "user.friend-lists.rename")
				if recs[0].Outcome != "ok" || !strings.Contains(recs[0].Detail, "showed the change made") {
					t.Fatalf("audit %+v", recs[0])
				}
			}},
	})
}

// Tencent's write conflict (30008): friend_update, which sets values, is
// repeated by the client; group_add and group_delete are not, and the
// panel reads the lists again before making them once more. Internal
// errors (30006) of a write are settled the same way. The moderator never
// sees a raw code.
func TestFriendListsTencentFaults(t *testing.T) {
	e := newEnv(t)
	fault := func(cmd string, code, times int) func(*testing.T, *env, *httptest.ResponseRecorder) {
		return func(t *testing.T, e *env, _ *httptest.ResponseRecorder) {
			if err := e.mock.AddFault(timmock.Fault{Command: cmd, Target: "alice", Kind: timmock.FaultError, ErrorCode: code, Times: times}); err != nil {
				t.Fatal(err)
			}
		}
	}
	lastRecord := func(t *testing.T, action string) *api.AuditRecord {
		t.Helper()
		recs := e.records(t, action)
		if len(recs) == 0 {
			t.Fatal("no record")
		}
		return recs[0]
	}
	fault("group_add", 30008, 1)(t, e, nil)
	e.run(t, []scenario{
		{name: "30008 on group_add: read again, not made, made once more", as: "mod", method: "POST", path: aliceLists,
			body: map[string]any{"names": []string{"C1"}}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				if fl := decodeLists(t, w); fl.List("C1") == nil {
					t.Fatalf("lists %s", shape(fl))
				}
				r := lastRecord(t, "user.friend-lists.create")
				if r.Outcome != "ok" || !strings.Contains(r.Detail, "write conflict") || !strings.Contains(r.Detail, "made once more") {
					t.Fatalf("audit %+v", r)
				}
				fault("friend_update", 30008, 2)(t, e, w)
			}},
		{name: "30008 twice on friend_update: the client repeats it, one step", as: "mod", method: "PATCH", path: aliceLists + "/C1",
			body: map[string]any{"add": []string{"bob"}}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				if l := decodeLists(t, w).List("C1"); l == nil || len(l.Friends) != 1 {
					t.Fatal("bob not moved")
				}
				if r := lastRecord(t, "user.friend-lists.update"); r.Outcome != "ok" || r.Detail != "" {
					t.Fatalf("audit %+v", r)
				}
				fault("group_delete", 30008, 2)(t, e, w)
			}},
		{name: "30008 twice on group_delete: not made, said in words", as: "mod", method: "DELETE", path: aliceLists + "/C1",
			status: http.StatusServiceUnavailable, code: api.CodeUpstreamUnavailable,
			words: "Another change to this user's friends reached Tencent Cloud Chat at the same moment, so this one was not made. Try again.",
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				r := lastRecord(t, "user.friend-lists.delete")
				if r.Outcome != "failed" || r.TencentCode != 30008 || !strings.Contains(r.Detail, "write conflict twice; reading the state again showed the change not made") {
					t.Fatalf("audit %+v", r)
				}
				if e.friendLists(t, "alice").List("C1") == nil {
					t.Fatal("deleted")
				}
				var body struct{ Error api.Error }
				mustDecode(t, w.Body.Bytes(), &body)
				if body.Error.Upstream == nil || body.Error.Upstream.Code != 30008 || strings.Contains(body.Error.Message, "30008") {
					t.Fatalf("%+v", body.Error)
				}
				fault("group_delete", 30006, 1)(t, e, w)
			}},
		{name: "30006 on group_delete: read again, not made, made once more", as: "mod", method: "DELETE", path: aliceLists + "/C1", status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				if decodeLists(t, w).List("C1") != nil {
					t.Fatal("not deleted")
				}
				if r := lastRecord(t, "user.friend-lists.delete"); r.Outcome != "ok" || !strings.Contains(r.Detail, "made once more") {
					t.Fatalf("audit %+v", r)
				}
				if err := e.mock.AddFault(timmock.Fault{Command: "group_add", Target: "alice", Kind: timmock.FaultLost, Times: 1}); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "group_add made but its answer lost: read again, made, not repeated", as: "mod", method: "POST", path: aliceLists,
			body: map[string]any{"names": []string{"Lost"}, "friends": []string{"bob"}}, status: 200,
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				if l := decodeLists(t, w).List("Lost"); l == nil || len(l.Friends) != 1 {
					t.Fatal("not made")
				}
				if r := lastRecord(t, "user.friend-lists.create"); r.Outcome != "ok" || !strings.Contains(r.Detail, "showed the change made") {
					t.Fatalf("audit %+v", r)
				}
				// Next: a conflict, and by the time the lists are read again
				// someone else has changed them (the second friend_get from
				// now is that read).
				fault("group_add", 30008, 1)(t, e, w)
				e.beforeCall("friend_get", 2, func() {
					if err := e.mock.Seed(&timmock.Seed{FriendLists: []timmock.SeedFriendList{{User: "alice", Name: "Theirs"}}}); err != nil {
						t.Error(err)
					}
				})
			}},
		{name: "30008, and the lists changed meanwhile: not repeated on top of the other change", as: "mod", method: "POST", path: aliceLists,
			body: map[string]any{"names": []string{"Mine"}}, status: http.StatusServiceUnavailable, code: api.CodeUpstreamUnavailable, words: "Try again.",
			then: func(t *testing.T, e *env, w *httptest.ResponseRecorder) {
				fl := e.friendLists(t, "alice")
				if fl.List("Mine") != nil || fl.List("Theirs") == nil {
					t.Fatalf("lists %s", shape(fl))
				}
				if r := lastRecord(t, "user.friend-lists.create"); r.Outcome != "failed" || !strings.Contains(r.Detail, "someone else changed it meanwhile") {
					t.Fatalf("audit %+v", r)
				}
			}},
	})
}

// The audit log holds the lists before and after each change as the API
// shows them, so the entry can be read on its own.
func TestFriendListsAuditStates(t *testing.T) {
	e := newEnv(t)
	if w := e.signIn("mod").do("PATCH", aliceLists+"/Family", map[string]any{"add": []string{"kim_minjun"}}); w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	recs := e.records(t, "user.friend-lists.update")
	var before, after api.FriendLists
	if err := json.Unmarshal(recs[0].Before, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(recs[0].After, &after); err != nil {
		t.Fatal(err)
	}
	if shape(before) != aliceShape || !slices.Equal(after.ListsOf("kim_minjun"), []string{"Family"}) || len(after.Unlisted) != 1 {
		t.Fatalf("before %s\nafter %s", shape(before), shape(after))
	}
	if now := e.friendLists(t, "alice"); now.Version != friendListsVersion(after) {
		t.Fatalf("the planned state is not what Tencent holds: %s vs %s", shape(now), shape(after))
	}
}
