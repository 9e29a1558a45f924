package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
)

// auditFor is the audit page showing one entry: a change of group @g1's
// attributes, made and undoable by a moderator.
func auditFor(f *fakeAPI) *auditPage {
	p := &auditPage{filters: map[string]string{}, open: map[int64]bool{}, names: map[string]string{"@g1": "Trailhead"}}
	p.beginReady(f.ctx)
	currentSession = &api.Session{Username: "mod", Role: api.RoleModerator}
	p.records = []*api.AuditRecord{{AuditEntry: api.AuditEntry{Seq: 7, Time: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), Kind: "intent", Actor: "mod",
		Action: api.ActionAttributesPatch, Target: "@g1", Outcome: "ok",
		Before: json.RawMessage(`[{"key":"color","value":"red"}]`), After: json.RawMessage(`[{"key":"color","value":"blue"}]`)}}}
	return p
}

func TestAuditDetailsAndFilters(t *testing.T) {
	f := newFakeAPI(t)
	p := auditFor(f)
	hides(t, p.entries(), `id="audit-detail-7"`)
	act(f, p, "details", argOf(7))
	shows(t, p.entries(), `id="audit-detail-7"`, "<code>color</code>", "red", "blue")
	act(f, p, "details", argOf(7))
	if p.open[7] {
		t.Error("details do not fold again")
	}
	typed(f, p, "filter", argOf("actor"), "mod")
	typed(f, p, "filter", argOf("outcome"), anyValue)
	if p.filters["actor"] != "mod" || p.filters["outcome"] != "" {
		t.Errorf("filters %v", p.filters)
	}
	if q := p.query().Encode(); q != "actor=mod" {
		t.Errorf("query %s", q)
	}
}

func TestAuditUndoChangedMeanwhile(t *testing.T) {
	f := newFakeAPI(t)
	p := auditFor(f)
	preview := api.UndoPreview{Seq: 7, Target: "@g1", Version: "v3",
		Current: json.RawMessage(`[{"key":"color","value":"blue"}]`), Restore: json.RawMessage(`[{"key":"color","value":"red"}]`)}
	f.then(answer(200, preview))
	act(f, p, "details", argOf(7))
	shows(t, p.entries(), "Undo")
	act(f, p, "undo-open", argOf(7))
	f.run()
	f.sentTo(0, "GET", "/api/v1/audit/7/undo")
	if p.undo == nil || p.undo.state != stateReady {
		t.Fatalf("undo %+v", p.undo)
	}
	shows(t, p.undoDialog(), `role="dialog"`, "Trailhead (@g1)")

	// Someone changed the group meanwhile: the dialog reads it again, says so.
	f.then(answer(412, &api.Error{Code: "precondition_failed", Message: "changed"}), answer(200, preview))
	act(f, p, "undo-confirm", "")
	f.run()
	if r := f.request(1); r.method != "POST" || r.header["If-Match"] != `"v3"` {
		t.Errorf("sent %s If-Match %s", r.method, r.header["If-Match"])
	}
	f.sentTo(2, "GET", "/api/v1/audit/7/undo")
	if p.undo == nil || !p.undo.again || p.undo.busy {
		t.Errorf("undo %+v", p.undo)
	}
	shows(t, p.undoDialog(), "The group changed while this was open.")
}

// A described key is said by its label with the raw key beside it, in an
// attribute change and in a bulk change; the registry is read once.
func TestAuditSaysKeysByTheirLabels(t *testing.T) {
	f := newFakeAPI(t)
	p := auditFor(f)
	p.records[0].Before = json.RawMessage(`[{"key":"region","value":"jp"},{"key":"color","value":"red"}]`)
	p.records[0].After = json.RawMessage(`[{"key":"region","value":"kr"},{"key":"color","value":"red"}]`)
	p.records = append(p.records, &api.AuditRecord{AuditEntry: api.AuditEntry{Seq: 8, Time: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
		Kind: "event", Actor: "mod", Action: api.ActionBulkCreate, Target: "bulk:3", Job: 3, Outcome: "ok",
		Request: json.RawMessage(`{"op":"set","set":[{"key":"muted","value":"true"},{"key":"color","value":"blue"}]}`)}})
	f.then(answer(200, api.KeyList{Keys: testKeys()}))
	p.readKeys()
	f.run()
	p.readKeys()
	f.run()
	if n := f.calls(); n != 1 || f.request(0).path != "/api/v1/attribute-keys" {
		t.Errorf("%d calls; the registry is read again", n)
	}
	act(f, p, "details", argOf(7))
	act(f, p, "details", argOf(8))
	shows(t, p.entries(), "Region", "<code>region</code>", "Japan", "Korea", "<code>kr</code>", "<code>color</code>",
		"Set keys to values", "Muted", "<code>muted</code>", "Yes", "<code>true</code>", "blue")
	hides(t, p.entries(), "<code>blue</code>") // an undescribed key's value reads as it is
}

// A bulk change's own entry names the job by the link, in the reader's
// language, not by the log's English target "bulk change 3"; a group the
// job changed keeps its ID beside the link.
func TestAuditNamesABulkChangeInTheReadersLanguage(t *testing.T) {
	f := newFakeAPI(t)
	p := auditFor(f)
	p.records = append(p.records,
		&api.AuditRecord{AuditEntry: api.AuditEntry{Seq: 8, Time: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
			Kind: "event", Actor: "mod", Action: api.ActionBulkCreate, Target: "bulk change 3", Job: 3, Outcome: "ok"}},
		&api.AuditRecord{AuditEntry: api.AuditEntry{Seq: 9, Time: time.Date(2026, 12, 1, 10, 1, 0, 0, time.UTC),
			Kind: "intent", Actor: "mod", Action: api.ActionAttributesPatch, Target: "@g1", Job: 3, Outcome: "ok"}})
	shows(t, p.entry(p.records[1]), `href="/bulk-changes?id=3"`)
	hides(t, p.entry(p.records[1]), "bulk change 3")
	shows(t, p.entry(p.records[2]), "<code>@g1</code>", `href="/bulk-changes?id=3"`)
}
