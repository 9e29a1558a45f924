package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// lastSeq is the seq of the newest change entry the browser's account sees.
func lastSeq(t *testing.T, b *browser) int64 {
	t.Helper()
	var page api.AuditPage
	if err := json.Unmarshal(b.do("GET", "/api/v1/audit?action=group.attributes.patch&limit=1", nil).Body.Bytes(), &page); err != nil || len(page.Records) == 0 {
		t.Fatalf("no change in the audit log: %v", err)
	}
	return page.Records[0].Seq
}

// A change is undone from its audit entry: the preview shows now and
// before, the undo puts before back as a new audited change that names the
// entry, and what cannot be undone is refused.
func TestUndo(t *testing.T) {
	e := newEnv(t)
	mod := e.signIn("mod")
	before := e.attrs(public)
	if w := mod.do("PATCH", "/api/v1/groups/"+escape(public)+"/attributes", api.AttrPatch{Set: attrs("undo_me", "1")}); w.Code != 200 {
		t.Fatalf("change: %d %s", w.Code, w.Body)
	}
	seq := lastSeq(t, mod)
	// Someone else changes another key after.
	admin := e.signIn("admin")
	admin.do("PATCH", "/api/v1/groups/"+escape(public)+"/attributes", api.AttrPatch{Set: attrs("later", "2")})

	var p api.UndoPreview
	w := mod.do("GET", fmt.Sprintf("/api/v1/audit/%d/undo", seq), nil)
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &p) != nil {
		t.Fatalf("preview: %d %s", w.Code, w.Body)
	}
	if !p.ChangedSince || p.NothingToDo || p.UndoAction != "group.attributes.restore" || p.Target != public || p.Version == "" {
		t.Fatalf("preview: %+v", p)
	}
	var restore []api.Attr
	json.Unmarshal(p.Restore, &restore)
	if len(restore) != len(before) {
		t.Fatalf("restore %v, before %v", restore, before)
	}
	// The preview's version no longer holds once the group changes again.
	admin.do("PATCH", "/api/v1/groups/"+escape(public)+"/attributes", api.AttrPatch{Set: attrs("later", "3")})
	if w := mod.do("POST", fmt.Sprintf("/api/v1/audit/%d/undo", seq), nil, "If-Match", `"`+p.Version+`"`); w.Code != 412 {
		t.Fatalf("stale undo: %d %s", w.Code, w.Body)
	}
	if w := mod.do("POST", fmt.Sprintf("/api/v1/audit/%d/undo", seq), nil); w.Code != 200 {
		t.Fatalf("undo: %d %s", w.Code, w.Body)
	}
	if got := e.attrs(public); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("after undo %v, want %v", got, before)
	}
	var page api.AuditPage
	json.Unmarshal(mod.do("GET", "/api/v1/audit?action=group.attributes.restore", nil).Body.Bytes(), &page)
	if len(page.Records) != 1 || page.Records[0].Outcome != "ok" || string(page.Records[0].Request) != fmt.Sprintf(`{"undoes":%d}`, seq) {
		t.Fatalf("restore entry: %+v", page.Records)
	}
	// Again: nothing to undo.
	if w := mod.do("POST", fmt.Sprintf("/api/v1/audit/%d/undo", seq), nil); w.Code != 409 {
		t.Fatalf("second undo: %d %s", w.Code, w.Body)
	}
	// Undoing the undo brings the change back; a clear to nothing is undone too.
	restoreSeq := page.Records[0].Seq
	if w := mod.do("POST", fmt.Sprintf("/api/v1/audit/%d/undo", restoreSeq), nil); w.Code != 200 || e.attrs(public)["later"] != "3" {
		t.Fatalf("undo of the undo: %d %s", w.Code, w.Body)
	}

	// A sign-in and a failed change cannot be undone; an unknown seq is 404.
	json.Unmarshal(admin.do("GET", "/api/v1/audit?action=session.signin&limit=1", nil).Body.Bytes(), &page)
	if w := admin.do("GET", fmt.Sprintf("/api/v1/audit/%d/undo", page.Records[0].Seq), nil); w.Code != 409 {
		t.Fatalf("sign-in: %d", w.Code)
	}
	admin.do("PATCH", "/api/v1/groups/"+escape(public)+"/attributes", api.AttrPatch{Set: attrs("k", "v")}, "If-Match", `"stale"`)
	admin.do("DELETE", "/api/v1/groups/"+escape(community)+"/attributes", nil) // refused: a Community
	json.Unmarshal(admin.do("GET", "/api/v1/audit?outcome=failed&limit=1", nil).Body.Bytes(), &page)
	if len(page.Records) > 0 {
		if w := admin.do("POST", fmt.Sprintf("/api/v1/audit/%d/undo", page.Records[0].Seq), nil); w.Code != 409 {
			t.Fatalf("failed change: %d", w.Code)
		}
	}
	if w := admin.do("GET", "/api/v1/audit/999999/undo", nil); w.Code != 404 {
		t.Fatalf("no entry: %d", w.Code)
	}
}

// Undoing a change made to a group with no attributes leaves none, even in
// a Community group, which cannot be cleared.
func TestUndoToNoAttributes(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn("admin")
	var keys []string
	for k := range e.attrs(community) {
		keys = append(keys, k)
	}
	if w := admin.do("PATCH", "/api/v1/groups/"+escape(community)+"/attributes", api.AttrPatch{Delete: keys}); w.Code != 200 {
		t.Fatalf("delete all: %d %s", w.Code, w.Body)
	}
	if w := admin.do("PATCH", "/api/v1/groups/"+escape(community)+"/attributes", api.AttrPatch{Set: attrs("only", "1")}); w.Code != 200 {
		t.Fatalf("add: %d %s", w.Code, w.Body)
	}
	if w := admin.do("POST", fmt.Sprintf("/api/v1/audit/%d/undo", lastSeq(t, admin)), nil); w.Code != 200 {
		t.Fatalf("undo: %d %s", w.Code, w.Body)
	}
	if got := e.attrs(community); len(got) != 0 {
		t.Fatalf("after undo: %v", got)
	}
}

// The app offers undo for exactly the actions the server can undo.
func TestUndoableActionsAgree(t *testing.T) {
	var server []string
	for a := range undoables {
		server = append(server, a)
	}
	slices.Sort(server)
	app := slices.Sorted(slices.Values(api.UndoableActions))
	if !slices.Equal(server, app) {
		t.Fatalf("server undoes %v, api.UndoableActions is %v", server, app)
	}
}

// The undo of an entry the account may not undo — outside its part of the
// audit log, or a change it may not make — is answered exactly as the undo
// of an entry that does not exist: the answers tell no account which
// sequence numbers exist or what kind of entry each is.
func TestUndoOfAnotherAccountsEntryLooksLikeNoEntry(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn("admin")
	if w := admin.do("PATCH", "/api/v1/groups/"+escape(community2)+"/attributes", api.AttrPatch{Set: attrs("theirs", "1")}); w.Code != 200 {
		t.Fatalf("admin's change: %d %s", w.Code, w.Body)
	}
	outOfScope := lastSeq(t, admin) // a change to a group outside the moderator's scope
	var page api.AuditPage
	mustDecode(t, admin.do("GET", "/api/v1/audit?action=session.signin&limit=1", nil).Body.Bytes(), &page)
	signIn := page.Records[0].Seq // the admin's sign-in: not a change, and not the moderator's
	const missing = 999999

	// answer is the status and the body without its request id.
	answer := func(b *browser, method string, seq int64) (int, string) {
		t.Helper()
		w := b.do(method, fmt.Sprintf("/api/v1/audit/%d/undo", seq), nil)
		var body map[string]api.Error
		mustDecode(t, w.Body.Bytes(), &body)
		ae := body["error"]
		ae.RequestID = ""
		j, _ := json.Marshal(ae)
		return w.Code, string(j)
	}
	for _, who := range []string{"mod", "viewer"} {
		b := e.signIn(who)
		for _, method := range []string{"GET", "POST"} {
			wantCode, wantBody := answer(b, method, missing)
			if wantCode != 404 {
				t.Fatalf("%s %s of no entry: %d %s", who, method, wantCode, wantBody)
			}
			for _, c := range []struct {
				name string
				seq  int64
			}{
				{name: "another group's change", seq: outOfScope},
				{name: "another account's sign-in", seq: signIn},
			} {
				if who == "viewer" && c.seq == signIn {
					continue // a viewer reads the whole log: it may be told a sign-in cannot be undone
				}
				if code, body := answer(b, method, c.seq); code != wantCode || body != wantBody {
					t.Errorf("%s %s of %s: %d %s; want the answer for no entry, %d %s", who, method, c.name, code, body, wantCode, wantBody)
				}
			}
		}
	}
	if got := e.attrs(community2)["theirs"]; got != "1" {
		t.Fatalf("the refused undo changed the group: theirs=%q", got)
	}
}
