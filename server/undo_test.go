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
