package main

import (
	"encoding/json"
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// row is one key/value line of the editor.
type row struct {
	id         int // stable across edits, for element ids
	key, value string
}

// dialogs of the editor.
const (
	dialogNone = iota
	dialogPreview
	dialogReplace
	dialogClear
)

// attributesPage shows a group's attributes as rows of key and value, checks
// every edit against Tencent's limits as it is typed, and saves only after
// the moderator has seen exactly what will change.
type attributesPage struct {
	base
	groupID  string
	group    *api.Group
	loaded   []api.Attr // what the server had when loaded or last saved
	version  string
	rows     []row
	nextRow  int
	last     pageChange // the last save
	conflict *conflict  // someone else saved first
	dialog   int
	sure     bool // the confirmation box of replace or clear is ticked
	restored bool // the edits are a draft kept when the session ended
	// keyRegistry is the registry of attribute keys (attrkeys.go), read
	// once after the attributes; until then, or when it could not be read,
	// the editor works as for undescribed keys.
	keyRegistry
}

func (p *attributesPage) title() string {
	name := p.groupID
	if p.group != nil {
		name = p.group.Name
	}
	return tr("Attributes.Title", name)
}

func (p *attributesPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(title(message("FinderTitle")))
}

func (p *attributesPage) OnNav(ctx app.Context) {
	p.begin(ctx)
	p.groupID = ctx.Page().URL().Query().Get("id")
	p.group, p.conflict, p.dialog, p.last, p.restored = nil, nil, dialogNone, pageChange{}, false
	if app.IsServer {
		return // the prerendered page shows the loading state; the browser loads
	}
	p.reload()
}

func (p *attributesPage) OnMount(ctx app.Context) {
	p.onEscape(ctx, p.last.unlessBusy(func() { p.dialog = dialogNone }))
}

func (p *attributesPage) OnDismount() {
	setUnsaved(false)
	p.base.OnDismount()
}

// reload fetches the group, then its attributes.
func (p *attributesPage) reload() { p.load(p, "group", groupPath(p.groupID)) }

func (p *attributesPage) got(ctx app.Context, what string, r response) {
	switch what {
	case "group":
		var g api.Group
		if p.fill(r, &g) {
			p.group, p.state = &g, stateLoading
			p.send(p, "attributes", "GET", groupPath(p.groupID)+"/attributes", nil, nil)
		}
	case "attributes":
		var attrs api.Attributes
		if p.fill(r, &attrs) {
			p.setLoaded(attrs)
			p.restored = takeDraft(ctx, p)
			remember(ctx, recentGroupsKey, recentGroup{ID: p.group.ID, Name: p.group.Name})
			ctx.Page().SetTitle(title(p.title()))
			if !p.read() {
				p.send(p, "keys", "GET", keysPath, nil, nil)
			}
		}
	case "keys":
		p.keep(r)
	case "changed":
		p.dialog = dialogNone
		var attrs api.Attributes
		switch {
		case p.last.answer(ctx, r, &attrs, "editor-status"): // the error too
			p.setLoaded(attrs)
		case r.status == 412:
			p.loadConflict() // shows what the other person changed
		}
	case "conflict":
		c := p.conflict
		if e := r.decode(&c.current); e != nil {
			c.state, c.err = stateFailed, e
			return
		}
		c.theirs = diffAttrs(p.loaded, c.current.Attributes)
		c.collisions = collisions(p.diff(), c.theirs)
		c.state = stateReady
		p.showConflict()
	}
}

// attributesDraft is the editor's draft: the rows, and the attributes
// and version they were edited from.
type attributesDraft struct {
	Loaded  []api.Attr `json:"loaded"`
	Version string     `json:"version"`
	Rows    []api.Attr `json:"rows"`
}

func (p *attributesPage) draft() any {
	d := attributesDraft{Loaded: p.loaded, Version: p.version, Rows: make([]api.Attr, len(p.rows))}
	for i, r := range p.rows {
		d.Rows[i] = api.Attr{Key: r.key, Value: r.value}
	}
	return d
}

// restoreDraft shows the draft's rows against the attributes they were
// edited from: if someone changed the group since, Save is refused as any
// change made meanwhile and shows theirs (attributes-conflict.go).
func (p *attributesPage) restoreDraft(b []byte) bool {
	var d attributesDraft
	if json.Unmarshal(b, &d) != nil || d.Version == "" {
		return false
	}
	p.loaded, p.version = d.Loaded, d.Version
	p.rows = p.rows[:0]
	for _, a := range d.Rows {
		p.nextRow++
		p.rows = append(p.rows, row{id: p.nextRow, key: a.Key, value: a.Value})
	}
	setUnsaved(!p.diff().empty())
	return true
}

// setLoaded makes attrs the server's state and resets the rows to it.
func (p *attributesPage) setLoaded(attrs api.Attributes) {
	p.loaded, p.version, p.conflict, p.restored = attrs.Attributes, attrs.Version, nil, false
	p.rows = p.rows[:0]
	for _, a := range attrs.Attributes {
		p.nextRow++
		p.rows = append(p.rows, row{id: p.nextRow, key: a.Key, value: a.Value})
	}
	setUnsaved(false)
}

func (p *attributesPage) canEdit() bool { return p.group != nil && p.group.CanEdit }

// save makes a change; the server's answer is the new state. On a failure
// the dialog closes and the page shows the error.
func (p *attributesPage) save(method string, body any) {
	p.last.start(&p.base, p, method, groupPath(p.groupID)+"/attributes", body, p.version, "")
}

func (p *attributesPage) openDialog(ctx app.Context, kind int, firstField string) {
	p.dialog, p.sure, p.last.err = kind, false, nil
	focusLater(ctx, firstField)
}

func (p *attributesPage) act(ctx app.Context, ev event) {
	i := ev.arg.index(0)
	switch ev.name {
	case "retry":
		p.reload()
	case "key":
		p.rows[i].key = ev.value
		if p.rows[i].value == "" {
			p.rows[i].value = p.emptyValue(ev.value) // what its control shows
		}
		p.edited()
	case "value", "value-bool", "value-time":
		p.rows[i].value = p.newValue(ev)
		p.edited()
	case "add-required":
		k := ev.arg.part(0)
		p.nextRow++
		value := ""
		if s := p.specs[k]; s != nil && s.Default != nil {
			value = *s.Default
		}
		p.rows = append(p.rows, row{id: p.nextRow, key: k, value: value})
		p.edited()
		focusLater(ctx, fmt.Sprintf("value-%d", p.nextRow))
	case "add-row":
		p.nextRow++
		p.rows = append(p.rows, row{id: p.nextRow})
		p.edited()
		focusLater(ctx, fmt.Sprintf("key-%d", p.nextRow))
	case "remove-row":
		p.rows = append(p.rows[:i:i], p.rows[i+1:]...)
		p.edited()
	case "undo":
		p.setLoaded(api.Attributes{Attributes: p.loaded, Version: p.version})
	case "preview":
		p.openDialog(ctx, dialogPreview, "preview-confirm")
	case "replace":
		p.openDialog(ctx, dialogReplace, "confirm-sure")
	case "clear":
		p.openDialog(ctx, dialogClear, "confirm-sure")
	case "close":
		p.dialog = dialogNone
	case "sure":
		p.sure = ev.checked
	case "confirm-save":
		d := p.diff()
		p.save("PATCH", api.AttrPatch{Set: append(append([]api.Attr{}, d.added...), d.changed...), Delete: d.removed})
	case "confirm-replace":
		if p.sure {
			attrs := make([]api.Attr, len(p.rows))
			for i, r := range p.rows {
				attrs[i] = api.Attr{Key: r.key, Value: r.value}
			}
			p.save("PUT", api.AttrReplace{Attributes: attrs})
		}
	case "confirm-clear":
		if p.sure {
			p.save("DELETE", nil)
		}
	case "keep-mine", "keep-theirs":
		p.conflict.collisions[i].keepMine = ev.name == "keep-mine"
	case "keep-both":
		if p.keepBoth() {
			p.openDialog(ctx, dialogPreview, "preview-confirm")
		}
	case "discard":
		p.reload()
	}
}

var editorView = &view{src: `
<p class="breadcrumb"><a href="/groups">← {@Attributes.Back}</a></p>
<h1>{0}</h1>{1}`}

var editorBody = &view{src: `<div class="editor">
  <p class="group-meta"><span class="group-id">{id}</span><span>{type}</span><span>{members}</span><a href="{membersURL}">{@GroupMembers.Link}</a></p>
  <p class="lead">{@Attributes.Intro}</p>
  {readOnly}
  <div id="editor-status" tabindex="-1"><div role="status">{saved}</div>{error}</div>
  {conflict}{required}{empty}
  <ol class="attr-rows">{rows}</ol>
  {addRow}
  <div class="totals"><p class="{keysMeter}">{keys}</p><p class="{bytesMeter}">{bytes}</p></div>
  {actions}{danger}{dialog}
</div>`}

var infoNote = &view{src: `<p class="alert alert-info">{0}</p>`}
var emptyNote = &view{src: `<p class="empty">{0}</p>`}
var hintNote = &view{src: `<p id="{0}" class="hint">{1}</p>`}

var addRowView = &view{src: `<div class="add-row">
  <button class="button button-quiet" type="button" disabled={0} aria-describedby="add-why" on:click="add-row">+ {@Attributes.AddRow}</button>{1}</div>`}

var saveActions = &view{src: `<div class="actions">
  <button class="button" type="button" disabled={0} aria-describedby="save-why" on:click="preview">{@Attributes.Save}</button>{1}
  <p id="save-why" class="hint">{2}</p></div>`}
var undoButton = &view{src: `<button class="button button-quiet" type="button" on:click="undo">{@Attributes.Undo}</button>`}

var dangerView = &view{src: `<section class="danger" aria-labelledby="danger-title"><h2 id="danger-title">{@Attributes.Danger}</h2>
  <div class="actions">
    <button class="button button-danger" type="button" disabled={0} aria-describedby="replace-why" on:click="replace">{@Attributes.ReplaceAll}</button>
    <button class="button button-danger" type="button" disabled={1} aria-describedby="clear-why" on:click="clear">{@Attributes.ClearAll}</button>
  </div>{2}{3}</section>`}

var rowView = &view{src: `<li class="attr-row">
  {about}
  <div class="field"><label for="{keyID}">{@Attributes.Key n}</label>
    <input id="{keyID}" type="text" value="{key}" readonly={readOnly} spellcheck="false" autocomplete="off" aria-invalid={keyBad} aria-describedby="{keyID}-help" data-arg="{row}" on:input="key">
    <p id="{keyID}-help" class="{keyCounter}"><span>{@Attributes.Bytes keyBytes maxKeyBytes}</span>{keyError}</p></div>
  <div class="field field-grow">{control}
    <p id="{valueID}-help" class="{valueCounter}"><span>{@Attributes.Bytes valueBytes maxValueBytes}</span>{valueError}</p></div>
  {remove}
</li>`}
var removeRowButton = &view{src: `<button class="button button-danger-quiet" type="button" aria-label="{@Attributes.RemoveRow 0}" title="{@Attributes.RemoveRow 0}" data-arg="{1}" on:click="remove-row">✕</button>`}
var fieldError = &view{src: `<span class="field-error"> {0}</span>`}

func (p *attributesPage) Render() app.UI {
	return newShell().Path(pathGroup).Content(editorView.uis(p, p.title(), p.body())...)
}

func (p *attributesPage) body() app.UI {
	if v := p.stateView(p); v != nil {
		return v
	}
	d := p.diff()
	block := p.blocker(d)
	keyErr, valueErr := p.rowProblems()
	keys, bytes := p.totals()
	edit := p.canEdit()
	var readOnly, saved, empty, add, actions, danger app.UI
	if !edit {
		readOnly = infoNote.ui(p, message("Attributes.ReadOnly"))
	}
	switch {
	case p.last.done:
		saved = okText.ui(p, message("Attributes.Saved"))
	case p.restored:
		saved = infoNote.ui(p, message("DraftRestored"))
	}
	if len(p.rows) == 0 {
		empty = emptyNote.ui(p, message("Attributes.Empty"))
	}
	rows := make([]app.UI, len(p.rows))
	for i := range p.rows {
		rows[i] = p.rowView(i, keyErr[i], valueErr[i], edit)
	}
	if edit {
		full := len(p.rows) >= api.MaxAttrKeys
		add = addRowView.ui(p, full, when(full, hintNote.ui(p, "add-why", tr("Attributes.Full", api.MaxAttrKeys))))
		actions = saveActions.ui(p, block != "" || p.last.busy, when(!d.empty(), undoButton.ui(p)), block)
		clearable := p.group.Operations.Clear
		danger = dangerView.ui(p, len(p.rows) == 0 || p.last.busy, !clearable || p.last.busy,
			when(len(p.rows) == 0, hintNote.ui(p, "replace-why", message("Attributes.ReplaceEmpty"))),
			when(!clearable, hintNote.ui(p, "clear-why", message("Attributes.NoClear"))))
	}
	return editorBody.with(p,
		"id", p.group.ID, "type", typeName(p.group.Type), "members", trn("MembersCount", p.group.MemberCount, num(p.group.MemberCount)),
		"readOnly", readOnly, "saved", saved, "conflict", p.conflictView(), "error", errorView(p, p.last.err), "empty", empty, "required", p.requiredView(edit),
		"rows", rows, "addRow", add,
		"keysMeter", meterClass(keys, api.MaxAttrKeys), "keys", tr("Attributes.KeysCount", keys, api.MaxAttrKeys),
		"bytesMeter", meterClass(bytes, api.MaxAttrTotalBytes), "bytes", tr("Attributes.TotalBytes", bytes, api.MaxAttrTotalBytes),
		"actions", actions, "danger", danger, "dialog", p.dialogView(d), "membersURL", groupMembersURL(p.groupID),
	)
}

var okText = &view{src: `<p class="alert alert-ok">{0}</p>`}

// meterClass marks a count over its limit.
func meterClass(used, limit int) string { return pick(used > limit, "meter meter-over", "meter") }

// counterClass marks a field's byte counter when the field has a problem.
func counterClass(used, limit int, problem string) string {
	return pick(problem != "" || used > limit, "counter counter-over", "counter")
}

func (p *attributesPage) rowView(i int, keyErr, valueErr string, edit bool) app.UI {
	r := p.rows[i]
	var remove app.UI
	if edit {
		remove = removeRowButton.ui(p, i+1, i)
	}
	valueID := fmt.Sprintf("value-%d", r.id)
	return rowView.with(p,
		"about", p.aboutKey(r.key),
		"keyID", fmt.Sprintf("key-%d", r.id), "n", i+1, "key", r.key, "readOnly", !edit, "keyBad", keyErr != "", "row", argOf(i),
		"keyCounter", counterClass(len(r.key), api.MaxAttrKeyBytes, keyErr), "keyBytes", len(r.key), "maxKeyBytes", api.MaxAttrKeyBytes,
		"keyError", when(keyErr != "", fieldError.ui(p, keyErr)),
		"valueID", valueID, "control", p.valueControl(i, valueID, valueErr != "", edit),
		"valueCounter", counterClass(len(r.value), api.MaxAttrValueBytes, valueErr), "valueBytes", len(r.value), "maxValueBytes", api.MaxAttrValueBytes,
		"valueError", when(valueErr != "", fieldError.ui(p, valueErr)),
		"remove", remove,
	)
}

// diff compares the rows with what was loaded.
type diff struct {
	added, changed []api.Attr
	old            map[string]string
	removed        []string
	// keys, when set, says a key and a value as people read them (the
	// attribute-key registry); the raw ones stay beside them.
	keys *keyRegistry
}

func (d diff) empty() bool { return len(d.added)+len(d.changed)+len(d.removed) == 0 }

func (p *attributesPage) diff() diff {
	now := make([]api.Attr, len(p.rows))
	for i, r := range p.rows {
		now[i] = api.Attr{Key: r.key, Value: r.value}
	}
	d := diffAttrs(p.loaded, now)
	return d.saidBy(&p.keyRegistry)
}

// diffAttrs compares two attribute sets: what was added, changed and
// removed going from "from" to "to".
func diffAttrs(from, to []api.Attr) diff {
	d := diff{old: map[string]string{}}
	for _, a := range from {
		d.old[a.Key] = a.Value
	}
	now := map[string]bool{}
	for _, a := range to {
		now[a.Key] = true
		old, had := d.old[a.Key]
		switch {
		case !had:
			d.added = append(d.added, a)
		case old != a.Value:
			d.changed = append(d.changed, a)
		}
	}
	for _, a := range from {
		if !now[a.Key] {
			d.removed = append(d.removed, a.Key)
		}
	}
	return d
}

var diffView = &view{src: `<div class="diff">{0}{1}{2}</div>`}
var changeSection = &view{src: `<section class="change change-{0}"><h3>{1}</h3><ul>{2}</ul></section>`}
var addedItem = &view{src: `<li>{0}: <ins>{1}</ins>{2}</li>`}
var changedItem = &view{src: `<li>{0}: <del>{1}</del> → <ins>{2}</ins>{3}</li>`}
var removedItem = &view{src: `<li>{0}</li>`}

// saidBy is the diff saying its keys and values as keys reads them.
func (d diff) saidBy(keys *keyRegistry) diff {
	d.keys = keys
	return d
}

// key says a key: its label beside the raw key when the registry gives one.
func (d diff) key(a actor, k string) app.UI { return d.keys.keyView(a, k) }

// value says a value as people read it, and the raw value beside it when
// that reads otherwise.
func (d diff) value(a actor, k, v string) (string, app.UI) { return d.keys.valueView(a, k, v) }

// view shows a diff as the preview does: added, changed (old → new), removed.
func (d diff) view(a actor) app.UI {
	section := func(kind, title string, items []app.UI) app.UI {
		if len(items) == 0 {
			return nil
		}
		return changeSection.ui(a, kind, message(title), items)
	}
	var added, changed, removed []app.UI
	for _, x := range d.added {
		v, raw := d.value(a, x.Key, x.Value)
		added = append(added, addedItem.ui(a, d.key(a, x.Key), v, raw))
	}
	for _, x := range d.changed {
		was, _ := d.value(a, x.Key, d.old[x.Key])
		v, raw := d.value(a, x.Key, x.Value)
		changed = append(changed, changedItem.ui(a, d.key(a, x.Key), was, v, raw))
	}
	for _, k := range d.removed {
		removed = append(removed, removedItem.ui(a, d.key(a, k)))
	}
	return diffView.ui(a, section("added", "PreviewAdded", added), section("changed", "PreviewChanged", changed),
		section("removed", "PreviewRemoved", removed))
}

// rowProblems checks each row: its key and value on their own, and keys
// used twice. The result is indexed like p.rows.
func (p *attributesPage) rowProblems() (keyErr, valueErr []string) {
	keyErr, valueErr = make([]string, len(p.rows)), make([]string, len(p.rows))
	count := map[string]int{}
	for _, r := range p.rows {
		count[r.key]++
	}
	for i, r := range p.rows {
		switch {
		case r.key == "":
			keyErr[i] = message("Attributes.KeyEmpty")
		case len(r.key) > api.MaxAttrKeyBytes:
			keyErr[i] = tr("Attributes.KeyTooLong", len(r.key), api.MaxAttrKeyBytes)
		case count[r.key] > 1:
			keyErr[i] = message("Attributes.KeyDuplicate")
		default: // the characters, as the server checks them
			if fe := api.CheckAttrKey("key", r.key); fe != nil {
				keyErr[i] = sayPhrase(fe.Say)
			}
		}
		if len(r.value) > api.MaxAttrValueBytes {
			valueErr[i] = tr("Attributes.ValueTooLong", len(r.value), api.MaxAttrValueBytes)
		} else if fe := api.CheckAttrValueText("value", r.key, r.value); fe != nil {
			valueErr[i] = sayPhrase(fe.Say)
		} else if why := p.checkValue(r); why != "" {
			valueErr[i] = why
		}
	}
	return keyErr, valueErr
}

func (p *attributesPage) totals() (keys, bytes int) {
	for _, r := range p.rows {
		bytes += len(r.key) + len(r.value)
	}
	return len(p.rows), bytes
}

// blocker says why the rows cannot be saved as they are, or "".
func (p *attributesPage) blocker(d diff) string {
	keyErr, valueErr := p.rowProblems()
	for i := range p.rows {
		if keyErr[i] != "" {
			return tr("Attributes.FixRow", i+1, keyErr[i])
		}
		if valueErr[i] != "" {
			return tr("Attributes.FixRow", i+1, valueErr[i])
		}
	}
	if why := p.requiredRemoved(); why != "" {
		return tr("Attributes.FixFirst", why)
	}
	keys, bytes := p.totals()
	if keys > api.MaxAttrKeys {
		return tr("Attributes.FixFirst", tr("Attributes.TooManyKeys", keys, api.MaxAttrKeys))
	}
	if bytes > api.MaxAttrTotalBytes {
		return tr("Attributes.FixFirst", tr("Attributes.TooManyBytes", bytes, api.MaxAttrTotalBytes))
	}
	if d.empty() {
		return message("Attributes.NoChanges")
	}
	return ""
}

func (p *attributesPage) edited() {
	p.last.done, p.last.err = false, nil
	setUnsaved(!p.diff().empty())
}

var dialogFrame = &view{src: `<div class="dialog-backdrop"><div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title">
  <h2 id="dialog-title">{0}</h2>{1}</div></div>`}

var previewBody = &view{src: `{0}<div class="actions">
  <button id="preview-confirm" class="button" type="button" disabled={1} aria-busy={1} on:click="confirm-save">{@PreviewConfirm 2}</button>
  <button class="button button-quiet" type="button" on:click="close">{@Cancel}</button></div>`}

// Replace and clear ask for two deliberate acts, both naming the group and
// what is lost: tick the box, then press the button. Nothing to type, so a
// phone keyboard is no obstacle.
var confirmBody = &view{src: `<p class="alert alert-warn">{0}</p>
<form class="form" on:submit="{1}">
  <div class="check"><input id="confirm-sure" type="checkbox" checked={2} on:change="sure"><label for="confirm-sure">{3}</label></div>
  <div class="actions">
    <button class="button button-danger" type="submit" disabled={4} aria-busy={5}>{6}</button>
    <button class="button button-quiet" type="button" on:click="close">{@Cancel}</button></div>
</form>`}

func (p *attributesPage) dialogView(d diff) app.UI {
	name := p.group.Name
	switch p.dialog {
	case dialogPreview:
		return dialogFrame.ui(p, tr("PreviewTitle", name), previewBody.uis(p, d.view(p), p.last.busy, name))
	case dialogReplace:
		n := len(p.rows)
		return dialogFrame.ui(p, tr("ReplaceTitle", name), confirmBody.uis(p, tr("ReplaceWarning", n), "confirm-replace", p.sure,
			tr("ReplaceUnderstand", len(p.loaded), name, p.groupID, n), !p.sure || p.last.busy, p.last.busy, trn("ConfirmReplace", n, n)))
	case dialogClear:
		n := len(p.loaded)
		return dialogFrame.ui(p, tr("ClearTitle", name), confirmBody.uis(p, message("ClearWarning"), "confirm-clear", p.sure,
			tr("ClearUnderstand", n, name, p.groupID), !p.sure || p.last.busy, p.last.busy, trn("ConfirmClear", n, n)))
	}
	return nil
}
