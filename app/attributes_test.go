package main

import (
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// attributesFor is the editor of group @g1, which may be changed, holding
// color=red and size=2.
func attributesFor(f *fakeAPI) *attributesPage {
	p := &attributesPage{}
	p.beginReady(f.ctx)
	p.groupID = "@g1"
	p.group = &api.Group{ID: "@g1", Name: "Trailhead", Type: "Public", CanEdit: true, Operations: api.Operations{Clear: true}}
	p.setLoaded(api.Attributes{GroupID: "@g1", Version: "v1", Attributes: []api.Attr{{Key: "color", Value: "red"}, {Key: "size", Value: "2"}}})
	return p
}

func TestAttributesEditPreviewSave(t *testing.T) {
	f := newFakeAPI(t)
	p := attributesFor(f)
	if b := p.blocker(p.diff()); b == "" {
		t.Error("nothing changed, yet it can be saved")
	}
	typed(f, p, "value", argOf(0), "blue")
	act(f, p, "remove-row", argOf(1))
	act(f, p, "add-row", "")
	typed(f, p, "key", argOf(1), "color")
	if keyErr, _ := p.rowProblems(); keyErr[1] == "" {
		t.Error("a key used twice is not refused")
	}
	shows(t, p.body(), "Another row has the same key.")
	typed(f, p, "key", argOf(1), "shape")
	typed(f, p, "value", argOf(1), "round")
	if b := p.blocker(p.diff()); b != "" {
		t.Fatalf("blocked: %s", b)
	}

	act(f, p, "preview", "")
	if p.dialog != dialogPreview {
		t.Fatal("no preview")
	}
	shows(t, p.dialogView(p.diff()), "<ins>round</ins>", "<del>red</del>", "<code>size</code>")

	f.then(answer(200, api.Attributes{GroupID: "@g1", Version: "v2", Attributes: []api.Attr{{Key: "color", Value: "blue"}, {Key: "shape", Value: "round"}}}))
	act(f, p, "confirm-save", "")
	if !p.last.busy {
		t.Error("not busy while saving")
	}
	f.run()
	r := f.request(0)
	if r.method != "PATCH" || r.path != "/api/v1/groups/@g1/attributes" || r.header["If-Match"] != `"v1"` ||
		r.body != `{"set":[{"key":"shape","value":"round"},{"key":"color","value":"blue"}],"delete":["size"]}` {
		t.Errorf("sent %s %s %s If-Match %s", r.method, r.path, r.body, r.header["If-Match"])
	}
	if p.last.busy || !p.last.done || p.dialog != dialogNone || p.version != "v2" || !p.diff().empty() {
		t.Errorf("after saving: busy %v saved %v dialog %d version %s", p.last.busy, p.last.done, p.dialog, p.version)
	}
	shows(t, p.body(), "Saved.")
}

func TestAttributesSomeoneSavedFirst(t *testing.T) {
	f := newFakeAPI(t)
	p := attributesFor(f)
	typed(f, p, "value", argOf(0), "blue")
	act(f, p, "preview", "")
	f.then(
		answer(412, &api.Error{Code: "precondition_failed", Message: "changed"}),
		answer(200, api.Attributes{GroupID: "@g1", Version: "v9", Attributes: []api.Attr{{Key: "color", Value: "green"}, {Key: "size", Value: "2"}}}),
	)
	act(f, p, "confirm-save", "")
	f.run()
	f.sentTo(1, "GET", "/api/v1/groups/@g1/attributes")
	c := p.conflict
	if c == nil || c.state != stateReady || len(c.collisions) != 1 || c.collisions[0].key != "color" {
		t.Fatalf("conflict %+v", c)
	}
	shows(t, p.conflictView(), `id="conflict"`, "&#34;blue&#34;", "&#34;green&#34;")

	// Keeping theirs for color leaves nothing of the moderator's to save.
	act(f, p, "keep-theirs", argOf(0))
	act(f, p, "keep-both", "")
	if p.version != "v9" || p.rows[0].value != "green" || p.dialog == dialogPreview {
		t.Errorf("after keep both: version %s color %s dialog %d", p.version, p.rows[0].value, p.dialog)
	}
}

func TestAttributesFailureIsShown(t *testing.T) {
	f := newFakeAPI(t)
	p := attributesFor(f)
	act(f, p, "clear", "")
	tick(f, p, "sure", "", true)
	f.then(answer(502, &api.Error{Code: api.CodeUpstreamUnavailable, Message: "Tencent Cloud Chat did not answer.", RequestID: "req-9"}))
	act(f, p, "confirm-clear", "")
	f.run()
	if r := f.request(0); r.method != "DELETE" {
		t.Errorf("sent %s", r.method)
	}
	if p.dialog != dialogNone || p.last.err == nil {
		t.Errorf("dialog %d err %v", p.dialog, p.last.err)
	}
	shows(t, p.body(), "Tencent Cloud Chat did not answer.", "req-9")
}

// A key or value the server would refuse for its characters is refused
// in the editor, under its row, with the server's sentence: before, only
// lengths and duplicates were, and the rest came back as a 400 beside Save.
func TestAttributesRowCharactersAsTheServerChecks(t *testing.T) {
	f := newFakeAPI(t)
	p := attributesFor(f)
	act(f, p, "add-row", "")
	typed(f, p, "key", argOf(2), "mo\u202ede")
	typed(f, p, "value", argOf(2), "line 1\nline 2")
	keyErr, valueErr := p.rowProblems()
	if keyErr[2] == "" || valueErr[2] == "" {
		t.Fatalf("key %q, value %q", keyErr[2], valueErr[2])
	}
	shows(t, p.body(), "U+202E at byte 2", "U+000A at byte 6")
	if b := p.blocker(p.diff()); b == "" {
		t.Error("the row can be saved")
	}
	typed(f, p, "key", argOf(2), " mode")
	if keyErr, _ := p.rowProblems(); keyErr[2] == "" {
		t.Error("a key starting with a space is not refused")
	}
}
