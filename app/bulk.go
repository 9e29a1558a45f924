package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// bulkPage is the bulk changes page (docs/bulk.md): without ?id, the jobs
// and the form that makes one; with ?id=N, job N — its preview, its start,
// its progress while it runs (read again every few seconds), pause, resume
// and cancel, its results with their downloads, and its undo.
type bulkPage struct {
	base
	id    int64
	list  api.BulkJobList
	job   api.BulkJob
	items []api.BulkItem
	next  string // cursor of the next page of results

	// The form of a new job.
	how        string // "search", "ids" or "job"
	query, typ string
	ids        string // pasted or read from a file
	fromJob    string
	onlyFailed bool
	op         string // api.BulkSet, BulkDelete or BulkReplace
	rows       []api.Attr
	remove     string // the keys to remove, as typed
	formErr    *api.Error
	creating   bool

	// keys says and checks the described keys (key-registry.go), in the
	// form as in the attribute editor, and in the preview's sample; read
	// once per page.
	keys keyRegistry

	// The job's controls.
	sure      bool // the replacement's confirmation is ticked
	overwrite bool // the undo also restores groups changed since
	confirm   string
	busy      bool
	actErr    *api.Error
	polling   bool
}

const bulkPoll = 2 * time.Second

func (p *bulkPage) OnPreRender(ctx app.Context) { ctx.Page().SetTitle(title(message("Bulk.Title"))) }

func (p *bulkPage) OnNav(ctx app.Context) {
	p.begin(ctx)
	ctx.Page().SetTitle(title(message("Bulk.Title")))
	id, _ := strconv.ParseInt(ctx.Page().URL().Query().Get("id"), 10, 64)
	p.id, p.items, p.next, p.actErr, p.confirm, p.sure = id, nil, "", nil, "", false
	if p.how == "" {
		p.how, p.op, p.rows = "search", api.BulkSet, []api.Attr{{}}
	}
	if app.IsServer {
		return
	}
	p.reload()
	if !p.keys.read() {
		p.send(p, "keys", "GET", keysPath, nil, nil)
	}
}

// reload reads the list, or the job and the first page of its groups.
func (p *bulkPage) reload() {
	if p.id == 0 {
		p.load(p, "list", "/api/v1/bulk-changes")
		return
	}
	p.load(p, "job", p.jobPath(""))
}

func (p *bulkPage) jobPath(verb string) string {
	path := fmt.Sprintf("/api/v1/bulk-changes/%d", p.id)
	if verb != "" {
		path += "/" + verb
	}
	return path
}

func (p *bulkPage) act(ctx app.Context, ev event) {
	switch ev.name {
	case "retry":
		p.reload()
	case "field":
		if f := p.text(string(ev.arg)); f != nil {
			*f = ev.value
		}
		if p.typ == allTypes {
			p.typ = ""
		}
	case "tick":
		if f := p.tick(string(ev.arg)); f != nil {
			*f = ev.checked
		}
	case "file":
		p.readFile(ctx, ev)
	case "key", "value", "value-bool", "value-time":
		i := ev.arg.index(0)
		if i >= len(p.rows) {
			return
		}
		if ev.name == "key" {
			p.rows[i].Key = ev.value
			if p.rows[i].Value == "" {
				p.rows[i].Value = p.keys.emptyValue(ev.value) // what its control shows
			}
		} else {
			p.rows[i].Value = p.keys.newValue(ev)
		}
	case "add-row":
		p.rows = append(p.rows, api.Attr{})
		focusLater(ctx, fmt.Sprintf("bulk-key-%d", len(p.rows)-1))
	case "remove-row":
		if i := ev.arg.index(0); i < len(p.rows) && len(p.rows) > 1 {
			p.rows = append(p.rows[:i], p.rows[i+1:]...)
		}
	case "create":
		p.create()
	case "start":
		p.control("start", api.BulkStart{Groups: p.job.Preview.Changes})
	case "pause", "resume":
		p.control(ev.name, nil)
	case "cancel":
		p.confirm = "cancel"
		focusLater(ctx, "bulk-cancel-yes")
	case "cancel-yes":
		p.confirm = ""
		p.control("cancel", nil)
	case "cancel-no":
		p.confirm = ""
	case "undo":
		p.busy, p.actErr = true, nil
		p.send(p, "created", "POST", p.jobPath("undo"), api.BulkUndo{Overwrite: p.overwrite}, nil)
	case "more":
		p.send(p, "items", "GET", p.jobPath("groups")+"?cursor="+url.QueryEscape(p.next), nil, nil)
	}
}

// text is the form's text or choice that an element's data-arg names.
func (p *bulkPage) text(name string) *string {
	return map[string]*string{"how": &p.how, "op": &p.op, "query": &p.query, "type": &p.typ, "ids": &p.ids,
		"from-job": &p.fromJob, "keys": &p.remove}[name]
}

// tick is the checkbox that an element's data-arg names.
func (p *bulkPage) tick(name string) *bool {
	return map[string]*bool{"only-failed": &p.onlyFailed, "sure": &p.sure, "overwrite": &p.overwrite}[name]
}

// readFile puts the group IDs of a chosen file (a CSV's first column, or
// one ID a line) into the list, where the person sees them before the
// preview.
func (p *bulkPage) readFile(ctx app.Context, ev event) {
	files := ev.js.Get("target").Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	files.Index(0).Call("text").Call("then", app.FuncOf(func(_ app.Value, args []app.Value) any {
		text := args[0].String()
		ctx.Dispatch(func(app.Context) { p.ids = strings.Join(idsOfFile(text), "\n") })
		return nil
	}))
}

// idsOfFile reads group IDs from a file: the first cell of each record,
// without a header record, quotes or the formula guard (plainCell) — so a
// bulk change's own results file makes a new bulk change.
func idsOfFile(text string) []string {
	var out []string
	for i, cell := range firstCells(strings.TrimPrefix(text, "\ufeff")) {
		id := plainCell(cell)
		if id == "" {
			continue
		}
		if i == 0 && strings.Contains(strings.ToLower(id), "id") && !strings.HasPrefix(id, "@") {
			continue // a header: "Group ID", "群组 ID", "group_id"
		}
		out = append(out, id)
	}
	return out
}

// firstCells is the first cell of each record of a CSV text, as RFC 4180
// writes it: a cell in double quotes may hold commas, line breaks and
// doubled quotes. A hand reader: measured on 2026-12-08 (GOOS=js
// GOARCH=wasm, -s -w, brotli -q 11), encoding/csv's reader added 40,925
// bytes to app.wasm, 3,975 brotli; this 4,358 and 904.
func firstCells(text string) []string {
	var cells []string
	var cell strings.Builder
	column, quoted, start := 0, false, true // start: at a cell's first byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quoted && c == '"' && i+1 < len(text) && text[i+1] == '"':
			i++ // a doubled quote is one quote
		case c == '"' && (quoted || start):
			quoted, start = !quoted, false
			continue
		case quoted:
		case c == ',':
			column, start = column+1, true
			continue
		case c == '\n':
			cells = append(cells, cell.String())
			cell.Reset()
			column, start = 0, true
			continue
		}
		start = false
		if column == 0 {
			cell.WriteByte(c)
		}
	}
	if cell.Len() > 0 {
		cells = append(cells, cell.String())
	}
	return cells
}

// plainCell is a cell of one of the panel's CSV files as it was meant:
// without white space at its ends, and without the apostrophe the panel
// writes before a cell that starts with = + - @ TAB or CR so that a
// spreadsheet does not take it for a formula (csvSafe in
// server/auditexport.go) — every group ID Tencent makes starts with @.
// A pasted list of IDs is read so too (request): it is most often copied
// from such a file, and a spreadsheet shows the apostrophe as a text
// editor does. An ID that itself starts with an apostrophe and one of
// those characters would lose it; the file cannot tell the two apart.
func plainCell(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte("=+-@\t\r", s[1]) >= 0 {
		s = s[1:]
	}
	return s
}

// splitIDs reads a pasted list of IDs or keys: one a line, or separated by
// commas.
func splitIDs(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' || r == '\t' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// request is the new job the form describes.
func (p *bulkPage) request() api.BulkNew {
	req := api.BulkNew{Op: p.op}
	switch p.how {
	case "ids":
		req.Source.IDs = splitIDs(p.ids)
		for i, id := range req.Source.IDs {
			req.Source.IDs[i] = plainCell(id)
		}
		if req.Source.IDs == nil {
			req.Source.IDs = []string{}
		}
	case "job":
		req.Source.Job, _ = strconv.ParseInt(p.fromJob, 10, 64)
		if p.onlyFailed {
			req.Source.Outcomes = []string{api.BulkFailed, api.BulkUnknown}
		}
	default:
		req.Source.Query, req.Source.Type = strings.TrimSpace(p.query), p.typ
		req.Source.All = req.Source.Query == "" && req.Source.Type == ""
	}
	if p.op == api.BulkDelete {
		req.Delete = splitIDs(p.remove)
	} else {
		for _, r := range p.rows {
			if r.Key != "" || r.Value != "" {
				req.Set = append(req.Set, r)
			}
		}
	}
	return req
}

func (p *bulkPage) create() {
	p.creating, p.formErr = true, nil
	p.send(p, "created", "POST", "/api/v1/bulk-changes", p.request(), nil)
}

func (p *bulkPage) control(verb string, body any) {
	p.busy, p.actErr = true, nil
	p.send(p, "controlled", "POST", p.jobPath(verb), body, nil)
}

func (p *bulkPage) got(ctx app.Context, what string, r response) {
	switch what {
	case "keys":
		p.keys.keep(r)
	case "list":
		p.fill(r, &p.list)
	case "job", "controlled":
		p.busy = false
		var j api.BulkJob
		if e := r.decode(&j); e != nil {
			if what == "job" {
				p.state, p.err = stateFailed, e
			} else {
				p.actErr = e
				focusLater(ctx, "bulk-status")
			}
			return
		}
		if what == "controlled" || j.State != p.job.State {
			ctx.NewAction(bulkChanged)
		}
		p.job, p.state = j, stateReady
		p.send(p, "items-first", "GET", p.jobPath("groups"), nil, nil)
		p.poll(ctx)
	case "items-first", "items":
		var page api.BulkItemPage
		if r.decode(&page) != nil {
			return
		}
		if what == "items-first" {
			p.items = nil
		}
		p.items, p.next = append(p.items, page.Items...), page.NextCursor
	case "poll":
		p.polling = false
		var j api.BulkJob
		if r.decode(&j) == nil && j.ID == p.id {
			if j.State != p.job.State {
				ctx.NewAction(bulkChanged)
			}
			p.job = j
			p.send(p, "items-first", "GET", p.jobPath("groups"), nil, nil)
			p.poll(ctx)
		}
	case "created":
		p.creating, p.busy = false, false
		var c api.BulkCreated
		if e := r.decode(&c); e != nil {
			if p.id == 0 {
				p.formErr = e
				focusLater(ctx, "bulk-form-error")
			} else {
				p.actErr = e
				focusLater(ctx, "bulk-status")
			}
			return
		}
		ctx.Navigate(fmt.Sprintf("%s?id=%d", pathBulk, c.Job.ID))
	}
}

// poll reads the job again in a while when it is still being previewed
// or running.
func (p *bulkPage) poll(ctx app.Context) {
	if p.polling || (p.job.State != api.BulkPreviewing && p.job.State != api.BulkRunning) {
		return
	}
	p.polling = true
	id := p.id
	p.ctx.After(bulkPoll, func(app.Context) {
		if p.id != id {
			p.polling = false
			return
		}
		p.send(p, "poll", "GET", p.jobPath(""), nil, nil)
	})
}

func (p *bulkPage) Render() app.UI {
	var body app.UI
	switch {
	case p.stateView(p) != nil:
		body = p.stateView(p)
	case p.id == 0:
		body = p.listView()
	default:
		body = p.jobView()
	}
	return newShell().Path(pathBulk).Content(bulkFrame.uis(p, when(p.id != 0, bulkBack.ui(p)), body)...)
}

var bulkFrame = &view{src: `{0}<h1>{@Bulk.Title}</h1><p class="lead">{@Bulk.Intro}</p>{1}`}
var bulkBack = &view{src: `<p class="breadcrumb"><a href="/bulk-changes">← {@Bulk.All}</a></p>`}

// ---- The list and the form ----

var bulkListView = &view{src: `<div class="bulk">{form}
<section aria-labelledby="bulk-jobs-title"><h2 id="bulk-jobs-title">{@Bulk.Jobs}</h2>{jobs}</section></div>`}
var bulkJobsTable = &view{src: `<div class="table-scroll" tabindex="0" role="group" aria-labelledby="bulk-jobs-title"><table class="table">
<thead><tr><th scope="col">{@Bulk.ColJob}</th><th scope="col">{@Bulk.ColChange}</th><th scope="col">{@Bulk.ColState}</th><th scope="col">{@Bulk.ColProgress}</th><th scope="col">{@Bulk.ColBy}</th></tr></thead>
<tbody>{0}</tbody></table></div>`}
var bulkJobRow = &view{src: `<tr><th scope="row"><a href="{0}">{@Bulk.JobN 1}</a></th><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td></tr>`}

func (p *bulkPage) listView() app.UI {
	var jobs app.UI = emptyNote.ui(p, message("Bulk.NoJobs"))
	if len(p.list.Jobs) > 0 {
		rows := make([]app.UI, len(p.list.Jobs))
		for i, j := range p.list.Jobs {
			rows[i] = bulkJobRow.ui(p, fmt.Sprintf("%s?id=%d", pathBulk, j.ID), j.ID, changeSummary(j), message("Bulk.State."+j.State),
				progressLine(j), tr("Bulk.ByAt", j.Owner, localTime(j.Created)))
		}
		jobs = bulkJobsTable.ui(p, rows)
	}
	var form app.UI
	if p.list.CanCreate {
		form = p.formView()
	} else {
		form = infoNote.ui(p, message("Bulk.ViewOnly"))
	}
	return bulkListView.with(p, "form", form, "jobs", jobs)
}

// changeSummary says what a job changes: "Set slowmode, region".
func changeSummary(j api.BulkJob) string {
	var keys []string
	for _, a := range j.Set {
		keys = append(keys, a.Key)
	}
	keys = append(keys, j.Delete...)
	if j.Op == api.BulkRestore {
		return tr("Bulk.Op.restore", j.Undoes)
	}
	return tr("Bulk.Op."+j.Op, strings.Join(keys, ", "))
}

// progressLine says how far a job got.
func progressLine(j api.BulkJob) string {
	if j.State == api.BulkPreviewing || j.State == api.BulkReady {
		return tr("Bulk.Previewed", num(j.Total-j.Preview.Remaining), num(j.Total))
	}
	return tr("Bulk.Done", num(j.Progress.Done()), num(j.Total))
}

var bulkFormView = &view{src: `<section class="panel" aria-labelledby="bulk-new-title"><h2 id="bulk-new-title">{@Bulk.New}</h2>
<form class="form bulk-form" aria-labelledby="bulk-new-title" on:submit="create">
  <fieldset><legend>{@Bulk.Which}</legend>
    <div class="check"><input id="bulk-how-search" type="radio" name="bulk-how" value="search" checked={bySearch} data-arg="how" on:change="field"><label for="bulk-how-search">{@Bulk.BySearch}</label></div>
    <div class="check"><input id="bulk-how-ids" type="radio" name="bulk-how" value="ids" checked={byIDs} data-arg="how" on:change="field"><label for="bulk-how-ids">{@Bulk.ByIDs}</label></div>
    <div class="check"><input id="bulk-how-job" type="radio" name="bulk-how" value="job" checked={byJob} data-arg="how" on:change="field"><label for="bulk-how-job">{@Bulk.ByJob}</label></div>
  </fieldset>
  {source}
  <fieldset><legend>{@Bulk.What}</legend>
    <div class="check"><input id="bulk-op-set" type="radio" name="bulk-op" value="set" checked={opSet} data-arg="op" on:change="field"><label for="bulk-op-set">{@Bulk.OpSet}</label></div>
    <div class="check"><input id="bulk-op-delete" type="radio" name="bulk-op" value="delete" checked={opDelete} data-arg="op" on:change="field"><label for="bulk-op-delete">{@Bulk.OpDelete}</label></div>
    <div class="check"><input id="bulk-op-replace" type="radio" name="bulk-op" value="replace" checked={opReplace} data-arg="op" on:change="field"><label for="bulk-op-replace">{@Bulk.OpReplace}</label></div>
  </fieldset>
  {change}
  <div id="bulk-form-error" tabindex="-1">{error}</div>
  <div class="actions"><button class="button" type="submit" disabled={blocked} aria-busy={creating} aria-describedby={why}>{@Bulk.Preview}</button></div>{whyNote}
</form></section>`}

var bulkSearchFields = &view{src: `<div class="field"><label for="bulk-query">{@Bulk.NameContains}</label>
  <input id="bulk-query" type="search" value="{0}" autocomplete="off" data-arg="query" on:input="field"></div>
<div class="field"><label for="bulk-type">{@FinderType}</label>
  <select id="bulk-type" data-arg="type" on:change="field"><option value="*" selected={1}>{@FinderAllTypes}</option>{2}</select></div>
<p class="hint">{@Bulk.SearchHint}</p>`}
var bulkIDsFields = &view{src: `<div class="field"><label for="bulk-ids">{@Bulk.IDs}</label>
  <textarea id="bulk-ids" rows="6" value="{0}" spellcheck="false" autocomplete="off" aria-describedby="bulk-ids-hint" data-arg="ids" on:input="field"></textarea>
  <p id="bulk-ids-hint" class="hint">{@Bulk.IDsHint 1}</p></div>
<div class="field"><label for="bulk-file">{@Bulk.File}</label>
  <input id="bulk-file" type="file" accept=".csv,.txt,text/csv,text/plain" on:change="file"></div>`}
var bulkJobFields = &view{src: `<div class="field"><label for="bulk-from-job">{@Bulk.FromJob}</label>
  <select id="bulk-from-job" data-arg="from-job" on:change="field"><option value="" selected={0}>{@Bulk.ChooseJob}</option>{1}</select></div>
<div class="check"><input id="bulk-only-failed" type="checkbox" checked={2} data-arg="only-failed" on:change="tick"><label for="bulk-only-failed">{@Bulk.OnlyFailed}</label></div>`}
var bulkKeysField = &view{src: `<div class="field"><label for="bulk-keys">{@Bulk.Keys}</label>
  <input id="bulk-keys" type="text" value="{0}" spellcheck="false" autocomplete="off" aria-describedby="bulk-keys-hint" data-arg="keys" on:input="field">
  <p id="bulk-keys-hint" class="hint">{@Bulk.KeysHint}</p></div>`}
var bulkRowsView = &view{src: `<ol class="attr-rows">{0}</ol>{1}<div class="add-row"><button class="button button-quiet" type="button" on:click="add-row">+ {@Attributes.AddRow}</button></div>`}
var bulkRow = &view{src: `<li class="attr-row">
  {about}
  <div class="field"><label for="{keyID}">{@Attributes.Key n}</label>
    <input id="{keyID}" type="text" value="{key}" list={described} spellcheck="false" autocomplete="off" data-arg="{row}" on:input="key"></div>
  <div class="field field-grow">{control}<p id="{valueID}-help">{valueError}</p></div>
  <button class="button button-danger-quiet" type="button" aria-label="{@Attributes.RemoveRow n}" title="{@Attributes.RemoveRow n}" data-arg="{row}" on:click="remove-row">✕</button>
</li>`}

func (p *bulkPage) formView() app.UI {
	var source app.UI
	switch p.how {
	case "ids":
		source = bulkIDsFields.ui(p, p.ids, num(p.list.MaxGroups))
	case "job":
		opts := make([]app.UI, len(p.list.Jobs))
		for i, j := range p.list.Jobs {
			v := strconv.FormatInt(j.ID, 10)
			opts[i] = optionView.ui(p, v, p.fromJob == v, tr("Bulk.JobN", j.ID)+" — "+changeSummary(j))
		}
		source = bulkJobFields.ui(p, p.fromJob == "", opts, p.onlyFailed)
	default:
		types := make([]app.UI, len(finderTypes))
		for i, t := range finderTypes {
			types[i] = optionView.ui(p, t, p.typ == t, message("GroupTypes."+t))
		}
		source = bulkSearchFields.ui(p, p.query, p.typ == "", types)
	}
	var change, whyNote app.UI
	var why any // the id of whyNote, for Preview's aria-describedby
	problems := p.valueProblems()
	if p.op == api.BulkDelete {
		change = bulkKeysField.ui(p, p.remove)
	} else {
		var described any // the datalist's id, when the registry describes keys
		var list app.UI
		if len(p.keys.specs) > 0 {
			described = "bulk-described-keys"
			var opts []app.UI
			for _, s := range p.keys.sorted() {
				opts = append(opts, describedOption.ui(p, s.Key, s.Labels.In(pageLang())))
			}
			list = describedKeys.ui(p, opts)
		}
		rows := make([]app.UI, len(p.rows))
		for i, r := range p.rows {
			valueID := fmt.Sprintf("bulk-value-%d", i)
			rows[i] = bulkRow.with(p, "about", p.keys.about(p, r.Key, ""), "keyID", fmt.Sprintf("bulk-key-%d", i), "n", i+1, "key", r.Key,
				"described", described, "row", argOf(i), "valueID", valueID,
				"control", p.keys.control(p, valueField{id: valueID, n: i + 1, key: r.Key, value: r.Value, arg: argOf(i), bad: problems[i] != ""}),
				"valueError", when(problems[i] != "", fieldError.ui(p, problems[i])))
		}
		change = bulkRowsView.ui(p, rows, list)
	}
	blocked := p.creating
	for i, problem := range problems {
		if problem != "" {
			blocked = true
			why, whyNote = "bulk-preview-why", hintNote.ui(p, "bulk-preview-why", tr("Bulk.FixRow", i+1, problem))
			break
		}
	}
	return bulkFormView.with(p, "bySearch", p.how == "search", "byIDs", p.how == "ids", "byJob", p.how == "job", "source", source,
		"opSet", p.op == api.BulkSet, "opDelete", p.op == api.BulkDelete, "opReplace", p.op == api.BulkReplace, "change", change,
		"error", errorView(p, p.formErr), "creating", p.creating, "blocked", blocked, "why", why, "whyNote", whyNote)
}

var describedKeys = &view{src: `<datalist id="bulk-described-keys">{0}</datalist>`}
var describedOption = &view{src: `<option value="{0}">{1}</option>`}

// valueProblems are api.CheckValue's sentences for the rows' values of
// described keys, indexed like p.rows ("" where a value passes; an empty
// row is not sent, so not checked).
func (p *bulkPage) valueProblems() []string {
	out := make([]string, len(p.rows))
	if p.op == api.BulkDelete {
		return out
	}
	for i, r := range p.rows {
		if r.Key != "" || r.Value != "" {
			out[i] = p.keys.check(r.Key, r.Value)
		}
	}
	return out
}

// ---- One job ----

var bulkJobBody = &view{src: `<div class="bulk-job">
<h2>{@Bulk.JobN id}: {summary}</h2>
<p class="group-meta"><span>{state}</span><span>{by}</span><span>{source}</span></p>
<div id="bulk-status" tabindex="-1" role="status">{reason}{actError}</div>
{preview}{progress}{controls}{results}{undo}
</div>`}

var bulkPreviewView = &view{src: `<section class="panel" aria-labelledby="bulk-preview-title"><h3 id="bulk-preview-title">{@Bulk.PreviewTitle}</h3>
<p>{0}</p><ul class="bulk-counts">
<li>{@Bulk.WillChange 1}</li><li>{@Bulk.AlreadySo 2}</li><li>{@Bulk.WouldRefuse 3}</li><li>{@Bulk.LeftOut 4}</li></ul>{5}{6}</section>`}
var bulkReasons = &view{src: `<h4>{@Bulk.Why}</h4><ul class="bulk-reasons">{0}</ul>`}
var bulkReasonItem = &view{src: `<li>{@Bulk.ReasonCount 0 1}</li>`}
var bulkSampleView = &view{src: `<h4>{@Bulk.Sample}</h4><div class="bulk-sample">{0}</div>`}
var bulkSampleItem = &view{src: `<div class="attr-table"><h5>{0} <span class="group-id">{1}</span></h5>{2}</div>`}

var bulkProgressView = &view{src: `<section class="panel" aria-labelledby="bulk-progress-title"><h3 id="bulk-progress-title">{@Bulk.ProgressTitle}</h3>
<progress max="{total}" value="{done}" aria-labelledby="bulk-progress-title">{done}</progress>
<p>{line}</p><ul class="bulk-counts">
<li>{@Bulk.Changed changed}</li><li>{@Bulk.Unchanged unchanged}</li><li>{@Bulk.Refused refused}</li><li>{@Bulk.Failed failed}</li><li>{@Bulk.Unknown unknown}</li><li>{@Bulk.Remaining remaining}</li></ul>{eta}</section>`}

var bulkStartView = &view{src: `<div class="actions">{0}<button class="button" type="button" disabled={1} aria-busy={2} on:click="start">{@Bulk.Start}</button>
<button class="button button-danger-quiet" type="button" disabled={2} on:click="cancel">{@Bulk.Cancel}</button></div>{3}`}
var bulkSureView = &view{src: `<p class="alert alert-warn">{0}</p><div class="check"><input id="bulk-sure" type="checkbox" checked={1} data-arg="sure" on:change="tick"><label for="bulk-sure">{2}</label></div>`}
var bulkRunControls = &view{src: `<div class="actions">{0}<button class="button button-danger-quiet" type="button" disabled={1} on:click="cancel">{@Bulk.Cancel}</button></div>{2}`}
var bulkPauseButton = &view{src: `<button class="button" type="button" disabled={0} aria-busy={0} on:click="pause">{@Bulk.Pause}</button>`}
var bulkResumeButton = &view{src: `<button class="button" type="button" disabled={0} aria-busy={0} on:click="resume">{@Bulk.Resume}</button>`}
var bulkCancelConfirm = &view{src: `<div class="alert alert-warn" role="alertdialog" aria-labelledby="bulk-cancel-q"><p id="bulk-cancel-q">{@Bulk.CancelSure 0}</p>
<div class="actions"><button id="bulk-cancel-yes" class="button button-danger" type="button" on:click="cancel-yes">{@Bulk.CancelYes}</button>
<button class="button button-quiet" type="button" on:click="cancel-no">{@Bulk.CancelNo}</button></div></div>`}

var bulkResultsView = &view{src: `<section aria-labelledby="bulk-results-title"><h3 id="bulk-results-title">{@Bulk.Results}</h3>
<div class="actions exports">
  <a class="button button-quiet" href="{csv}" download="imdesk-bulk-change-{id}.csv">{@Bulk.DownloadCSV}</a>
  <a class="button button-quiet" href="{jsonl}" download="imdesk-bulk-change-{id}.jsonl">{@Bulk.DownloadJSONL}</a>
</div>
<div class="table-scroll" tabindex="0" role="group" aria-labelledby="bulk-results-title"><table class="table">
<thead><tr><th scope="col">{@Bulk.ColGroup}</th><th scope="col">{@Bulk.ColOutcome}</th><th scope="col">{@Bulk.ColReason}</th><th scope="col">{@Bulk.ColAudit}</th></tr></thead>
<tbody>{rows}</tbody></table></div>{more}</section>`}
var bulkItemRow = &view{src: `<tr class="outcome-{0}"><th scope="row">{1} <span class="group-id">{2}</span></th><td>{3}</td><td>{4}</td><td>{5}</td></tr>`}
var bulkAuditLink = &view{src: `<a href="/audit?seq={0}">#{0}</a>`}
var bulkMoreButton = &view{src: `<button class="button button-quiet" type="button" on:click="more">{@Bulk.More}</button>`}

var bulkUndoView = &view{src: `<section class="danger" aria-labelledby="bulk-undo-title"><h3 id="bulk-undo-title">{@Bulk.UndoTitle}</h3>
<p>{@Bulk.UndoIntro 0}</p>
<div class="check"><input id="bulk-overwrite" type="checkbox" checked={1} data-arg="overwrite" on:change="tick"><label for="bulk-overwrite">{@Bulk.Overwrite}</label></div>
<div class="actions"><button class="button button-danger" type="button" disabled={2} aria-busy={2} on:click="undo">{@Bulk.Undo}</button></div></section>`}

func (p *bulkPage) jobView() app.UI {
	j := p.job
	var reason, preview, progress, controls, results, undo app.UI
	if j.Reason != "" {
		reason = para.ui(p, "alert alert-warn", "", j.Reason)
	}
	if j.State == api.BulkPreviewing || j.State == api.BulkReady {
		preview = p.previewView()
	} else {
		progress = p.progressView()
	}
	if j.CanControl {
		controls = p.controls()
		if j.Progress.Changes > 0 && (j.State == api.BulkFinished || j.State == api.BulkCancelled || j.State == api.BulkPaused) && j.Op != api.BulkRestore {
			undo = bulkUndoView.ui(p, num(j.Progress.Changes), p.overwrite, p.busy)
		}
	}
	if len(p.items) > 0 {
		rows := make([]app.UI, len(p.items))
		for i, it := range p.items {
			outcome, reason := it.Outcome, it.Reason
			word := message("Bulk.Outcome." + pick(outcome == "", "open", outcome))
			if outcome == "" && it.Plan != "" {
				word, reason = message("Bulk.Plan."+it.Plan), it.PlanReason
			}
			var audit app.UI
			if it.Audit != 0 {
				audit = bulkAuditLink.ui(p, it.Audit)
			}
			rows[i] = bulkItemRow.ui(p, pick(outcome == "", it.Plan, outcome), pick(it.Name == "", "—", it.Name), it.GroupID, word, reason, audit)
		}
		base := p.jobPath("export")
		results = bulkResultsView.with(p, "csv", base+"?format=csv", "jsonl", base+"?format=jsonl", "id", j.ID, "rows", rows,
			"more", when(p.next != "", bulkMoreButton.ui(p)))
	}
	return bulkJobBody.with(p, "id", j.ID, "summary", changeSummary(j), "state", message("Bulk.State."+j.State),
		"by", tr("Bulk.ByAt", j.Owner, localTime(j.Created)), "source", sourceLine(j), "reason", reason,
		"actError", errorView(p, p.actErr), "preview", preview, "progress", progress, "controls", controls, "results", results, "undo", undo)
}

// sourceLine says how a job's groups were chosen.
func sourceLine(j api.BulkJob) string {
	s := j.Source
	switch {
	case s.Job != 0:
		return tr("Bulk.FromJobN", s.Job)
	case s.IDs != nil:
		return tr("Bulk.FromIDs", num(len(s.IDs)))
	case s.Query != "" && s.Type != "":
		return tr("Bulk.FromSearchType", s.Query, message("GroupTypes."+s.Type))
	case s.Query != "":
		return tr("Bulk.FromSearch", s.Query)
	case s.Type != "":
		return tr("Bulk.FromType", message("GroupTypes."+s.Type))
	}
	return message("Bulk.FromAll")
}

func (p *bulkPage) previewView() app.UI {
	j := p.job
	line := tr("Bulk.Previewed", num(j.Total-j.Preview.Remaining), num(j.Total))
	var reasons, sample app.UI
	if len(j.Refusals) > 0 {
		items := make([]app.UI, len(j.Refusals))
		for i, r := range j.Refusals {
			items[i] = bulkReasonItem.ui(p, num(r.Count), r.Reason)
		}
		reasons = bulkReasons.ui(p, items)
	}
	if len(j.Sample) > 0 {
		items := make([]app.UI, len(j.Sample))
		for i, s := range j.Sample {
			items[i] = bulkSampleItem.ui(p, pick(s.Name == "", "—", s.Name), s.GroupID, diffAttrs(s.Before, s.After).saidBy(&p.keys).view(p))
		}
		sample = bulkSampleView.ui(p, items)
	}
	return bulkPreviewView.ui(p, line, num(j.Preview.Changes), num(j.Preview.Unchanged), num(j.Preview.Refused+j.Preview.Failed),
		num(j.Preview.Excluded), reasons, sample)
}

func (p *bulkPage) progressView() app.UI {
	j := p.job
	c := j.Progress
	var eta app.UI
	if j.State == api.BulkRunning && j.SecondsLeft > 0 {
		eta = para.ui(p, "hint", "", tr("Bulk.ETA", timeLeft(j.SecondsLeft), fmt.Sprintf("%.0f", j.PerSecond)))
	}
	return bulkProgressView.with(p, "total", j.Total, "done", c.Done(), "line", progressLine(j), "changed", num(c.Changes),
		"unchanged", num(c.Unchanged), "refused", num(c.Refused+c.Excluded), "failed", num(c.Failed), "unknown", num(c.Unknown),
		"remaining", num(c.Remaining), "eta", eta)
}

// cancelConfirm asks before a job is cancelled, once Cancel was pressed.
func (p *bulkPage) cancelConfirm() app.UI {
	if p.confirm != "cancel" {
		return nil
	}
	return bulkCancelConfirm.ui(p, num(p.job.Progress.Changes))
}

// timeLeft says a number of seconds as people do.
func timeLeft(secs int) string {
	if secs < 90 {
		return tr("Bulk.Seconds", secs)
	}
	return duration(int64(secs))
}

func (p *bulkPage) controls() app.UI {
	j := p.job
	switch j.State {
	case api.BulkReady:
		var sure app.UI
		needSure := j.Op == api.BulkReplace || j.Overwrite
		if needSure {
			sure = bulkSureView.ui(p, tr("Bulk.ReplaceWarning", num(j.Preview.Changes)), p.sure, tr("Bulk.ReplaceSure", num(j.Preview.Changes)))
		}
		return bulkStartView.ui(p, sure, p.busy || j.Preview.Changes == 0 || (needSure && !p.sure), p.busy, p.cancelConfirm())
	case api.BulkRunning, api.BulkPaused, api.BulkPreviewing:
		var toggle app.UI
		switch j.State {
		case api.BulkRunning:
			toggle = bulkPauseButton.ui(p, p.busy)
		case api.BulkPaused:
			toggle = bulkResumeButton.ui(p, p.busy)
		}
		return bulkRunControls.ui(p, toggle, p.busy, p.cancelConfirm())
	}
	return nil
}
