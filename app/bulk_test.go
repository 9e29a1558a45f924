package main

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// The form says what the person chose: pasted IDs split at lines and
// commas, the IDs of a file's first column without its header, the rows
// of keys, and the keys to remove.
func TestBulkFormRequest(t *testing.T) {
	if got := splitIDs(" @a ,@b\r\n\n@c;\t@d "); !slices.Equal(got, []string{"@a", "@b", "@c", "@d"}) {
		t.Errorf("pasted IDs: %q", got)
	}
	if got := idsOfFile("\ufeffGroup ID,name\r\n\"@TGS#_a\",A\r\n@TGS#_b,\"B, b\"\r\n\r\n"); !slices.Equal(got, []string{"@TGS#_a", "@TGS#_b"}) {
		t.Errorf("file IDs: %q", got)
	}
	if got := idsOfFile("g1\ng2\n"); !slices.Equal(got, []string{"g1", "g2"}) {
		t.Errorf("a file of IDs alone: %q", got)
	}

	f := newFakeAPI(t)
	p := &bulkPage{how: "search", op: api.BulkSet, rows: []api.Attr{{}}}
	p.begin(f.ctx)
	p.act(f.ctx, event{name: "field", arg: "type", value: allTypes})
	if req := p.request(); !req.Source.All || req.Source.Type != "" {
		t.Errorf("no search text and all types: %+v", req.Source)
	}
	p.act(f.ctx, event{name: "field", arg: "how", value: "ids"})
	p.act(f.ctx, event{name: "field", arg: "ids", value: "@a\n@b"})
	p.act(f.ctx, event{name: "key", arg: eventArg(argOf(0)), value: "slowmode"})
	p.act(f.ctx, event{name: "value", arg: eventArg(argOf(0)), value: "30"})
	act(f, p, "add-row", "")
	req := p.request()
	if !slices.Equal(req.Source.IDs, []string{"@a", "@b"}) || len(req.Set) != 1 || req.Set[0] != (api.Attr{Key: "slowmode", Value: "30"}) {
		t.Errorf("IDs and a key (the empty new row left out): %+v", req)
	}
	p.act(f.ctx, event{name: "field", arg: "op", value: api.BulkDelete})
	p.act(f.ctx, event{name: "field", arg: "keys", value: "a, b"})
	if req := p.request(); !slices.Equal(req.Delete, []string{"a", "b"}) || req.Set != nil {
		t.Errorf("keys to remove: %+v", req)
	}
}

// A bulk change's own results file makes a new bulk change: its IDs come
// back without the apostrophe the export puts before a leading @ (which
// keeps spreadsheets from taking it for a formula), past a translated
// header and cells in quotes that hold commas, quotes and line breaks.
// Pasted IDs copied from such a file are read so too.
func TestBulkIDsOfItsOwnExport(t *testing.T) {
	export := "\ufeff群组 ID,群组名称,预览,结果,原因,审计记录\n" +
		"'@TGS#_trailhead,\"Trailhead, \"\"north\"\"\",将更改,已完成,,12\n" +
		"\"club,42\",\"Line one\nline two\",将更改,失败,'=1+1,\n" +
		"'-minus,x,将更改,,,\n"
	want := []string{"@TGS#_trailhead", "club,42", "-minus"}
	if got := idsOfFile(export); !slices.Equal(got, want) {
		t.Errorf("IDs of the export: %q, want %q", got, want)
	}

	f := newFakeAPI(t)
	p := &bulkPage{how: "ids", op: api.BulkSet, rows: []api.Attr{{Key: "slowmode", Value: "30"}}}
	p.begin(f.ctx)
	p.act(f.ctx, event{name: "field", arg: "ids", value: "'@TGS#_trailhead\n'@TGS#_b"})
	if req := p.request(); !slices.Equal(req.Source.IDs, []string{"@TGS#_trailhead", "@TGS#_b"}) {
		t.Errorf("pasted IDs: %q", req.Source.IDs)
	}
}

// A job's page reads the job, then its groups; while it runs it reads the
// job again; Start sends the count the preview showed.
func TestBulkJobPage(t *testing.T) {
	f := newFakeAPI(t)
	p := &bulkPage{id: 7}
	p.begin(f.ctx)
	job := api.BulkJob{ID: 7, Owner: "mod", Op: api.BulkReplace, Set: []api.Attr{{Key: "a", Value: "1"}}, State: api.BulkReady, Total: 3,
		Preview: api.BulkCounts{Changes: 2, Unchanged: 1}, CanControl: true}
	f.then(answer(200, job), answer(200, api.BulkItemPage{Items: []api.BulkItem{{N: 1, GroupID: "@g1", Name: "One", Plan: api.BulkChanges}}}))
	p.reload()
	f.run()
	if r := f.request(1); r.path != "/api/v1/bulk-changes/7/groups" {
		t.Errorf("then read %s", r.path)
	}
	shows(t, p.jobView(), "Will change: 2", "Already so (nothing to send): 1", "One", "replaces every attribute of 2 groups")
	act(f, p, "start", "")
	f.then(answer(200, job))
	f.run()
	r := f.request(2)
	var body api.BulkStart
	if r.path != "/api/v1/bulk-changes/7/start" || json.Unmarshal([]byte(r.body), &body) != nil || body.Groups != 2 {
		t.Errorf("start sent %s %v", r.path, r.body)
	}
}

// A described key in the form has the editor's control, label,
// description and check, and Preview waits for a value it accepts; the
// preview's sample says keys by their labels.
func TestBulkDescribedKeys(t *testing.T) {
	f := newFakeAPI(t)
	p := &bulkPage{how: "ids", op: api.BulkSet, rows: []api.Attr{{}}, list: api.BulkJobList{CanCreate: true}}
	p.begin(f.ctx)
	p.keys.setSpecs(testKeys())
	shows(t, p.formView(), `<datalist id="bulk-described-keys">`, `<option value="slowmode">Slow mode</option>`, `list="bulk-described-keys"`)

	typed(f, p, "key", argOf(0), "slowmode")
	shows(t, p.formView(), "Slow mode", "<code>slowmode</code>", "Seconds between messages.", `type="number"`, `max="600"`)
	hides(t, p.formView(), "Required in") // no one group is meant
	typed(f, p, "value", argOf(0), "900")
	want := "Slow mode must be a whole number from 0 to 600."
	shows(t, p.formView(), want, "Cannot preview yet, row 1: "+want, `aria-describedby="bulk-preview-why"`)
	typed(f, p, "value", argOf(0), "60")
	hides(t, p.formView(), want, "Cannot preview yet")

	act(f, p, "add-row", "")
	typed(f, p, "key", argOf(1), "muted")
	shows(t, p.formView(), `role="switch"`)
	tick(f, p, "value-bool", argOf(1), true)
	act(f, p, "add-row", "")
	typed(f, p, "key", argOf(2), "color")
	shows(t, p.formView(), "Not described")
	typed(f, p, "value", argOf(2), "red")
	if req := p.request(); !slices.Equal(req.Set, []api.Attr{{Key: "slowmode", Value: "60"}, {Key: "muted", Value: "true"}, {Key: "color", Value: "red"}}) {
		t.Errorf("set %+v", req.Set)
	}

	p.job = api.BulkJob{ID: 3, State: api.BulkReady, Sample: []api.BulkSample{{GroupID: "@g1", Name: "Trailhead",
		Before: []api.Attr{{Key: "region", Value: "jp"}}, After: []api.Attr{{Key: "region", Value: "kr"}}}}}
	shows(t, p.previewView(), "Region", "<code>region</code>", "<del>Japan</del>", "<ins>Korea</ins>")
}
