package main

import (
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

// editorPage shows a group's attributes as rows of key and value, checks
// every edit against Tencent's limits as it is typed, and saves only after
// the moderator has seen exactly what will change.
type editorPage struct {
	app.Compo

	groupID  string
	group    *api.Group
	loaded   []api.Attr // what the server had when loaded or last saved
	version  string
	rows     []row
	nextRow  int
	state    viewState
	loadErr  *api.Error
	busy     bool
	saveErr  *api.Error
	saved    bool
	conflict bool
	dialog   int
	typedID  string
	onKey    app.Func // Escape closes a dialog, wherever the focus is
}

func (p *editorPage) title() string {
	name := p.groupID
	if p.group != nil {
		name = p.group.Name
	}
	return fmt.Sprintf(msg.EditorTitle, name)
}

func (p *editorPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(msg.FinderTitle + " · " + msg.AppName)
}

func (p *editorPage) OnNav(ctx app.Context) {
	p.groupID = ctx.Page().URL().Query().Get("id")
	p.group, p.saved, p.conflict, p.saveErr, p.dialog = nil, false, false, nil, dialogNone
	if app.IsServer {
		return // the prerendered page shows the loading state; the browser loads
	}
	p.load(ctx)
}

func (p *editorPage) OnMount(ctx app.Context) {
	p.onKey = app.FuncOf(func(_ app.Value, args []app.Value) any {
		if args[0].Get("key").String() == "Escape" {
			ctx.Dispatch(func(app.Context) {
				if !p.busy {
					p.dialog = dialogNone
				}
			})
		}
		return nil
	})
	app.Window().Call("addEventListener", "keydown", p.onKey)
}

func (p *editorPage) OnDismount() {
	setUnsaved(false)
	if p.onKey != nil {
		app.Window().Call("removeEventListener", "keydown", p.onKey)
		p.onKey.Release()
	}
}

// load fetches the group and its attributes.
func (p *editorPage) load(ctx app.Context) {
	p.state, p.loadErr = stateLoading, nil
	id := p.groupID
	ctx.Async(func() {
		gr := callAPI("GET", groupPath(id), nil, nil)
		var ar response
		if gr.ok() {
			ar = callAPI("GET", groupPath(id)+"/attributes", nil, nil)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if needSignIn(ctx, gr) || needSignIn(ctx, ar) {
				return
			}
			var g api.Group
			var attrs api.Attributes
			if e := gr.decode(&g); e != nil {
				p.state, p.loadErr = stateFailed, e
			} else if e := ar.decode(&attrs); e != nil {
				p.state, p.loadErr = stateFailed, e
			} else {
				p.group, p.state = &g, stateReady
				p.setLoaded(attrs)
				rememberGroup(ctx, recentGroup{ID: g.ID, Name: g.Name})
				ctx.Page().SetTitle(p.title() + " · " + msg.AppName)
			}
		})
	})
}

// setLoaded makes attrs the server's state and resets the rows to it.
func (p *editorPage) setLoaded(attrs api.Attributes) {
	p.loaded, p.version, p.conflict = attrs.Attributes, attrs.Version, false
	p.rows = p.rows[:0]
	for _, a := range attrs.Attributes {
		p.nextRow++
		p.rows = append(p.rows, row{id: p.nextRow, key: a.Key, value: a.Value})
	}
	setUnsaved(false)
}

func (p *editorPage) canEdit() bool { return p.group != nil && p.group.CanEdit }

// diff compares the rows with what was loaded.
type diff struct {
	added, changed []api.Attr
	old            map[string]string
	removed        []string
}

func (d diff) empty() bool { return len(d.added)+len(d.changed)+len(d.removed) == 0 }

func (p *editorPage) diff() diff {
	d := diff{old: map[string]string{}}
	for _, a := range p.loaded {
		d.old[a.Key] = a.Value
	}
	now := map[string]bool{}
	for _, r := range p.rows {
		now[r.key] = true
		old, had := d.old[r.key]
		switch {
		case !had:
			d.added = append(d.added, api.Attr{Key: r.key, Value: r.value})
		case old != r.value:
			d.changed = append(d.changed, api.Attr{Key: r.key, Value: r.value})
		}
	}
	for _, a := range p.loaded {
		if !now[a.Key] {
			d.removed = append(d.removed, a.Key)
		}
	}
	return d
}

// rowProblems checks each row: its key and value on their own, and keys
// used twice. The result is indexed like p.rows.
func (p *editorPage) rowProblems() (keyErr, valueErr []string) {
	keyErr, valueErr = make([]string, len(p.rows)), make([]string, len(p.rows))
	count := map[string]int{}
	for _, r := range p.rows {
		count[r.key]++
	}
	for i, r := range p.rows {
		switch {
		case r.key == "":
			keyErr[i] = msg.EditorKeyEmpty
		case len(r.key) > api.MaxAttrKeyBytes:
			keyErr[i] = fmt.Sprintf(msg.EditorKeyTooLong, len(r.key), api.MaxAttrKeyBytes)
		case count[r.key] > 1:
			keyErr[i] = msg.EditorKeyDuplicate
		}
		if len(r.value) > api.MaxAttrValueBytes {
			valueErr[i] = fmt.Sprintf(msg.EditorValueTooLong, len(r.value), api.MaxAttrValueBytes)
		}
	}
	return keyErr, valueErr
}

func (p *editorPage) totals() (keys, bytes int) {
	for _, r := range p.rows {
		bytes += len(r.value)
	}
	return len(p.rows), bytes
}

// blocker says why the rows cannot be saved as they are, or "".
func (p *editorPage) blocker(d diff) string {
	keyErr, valueErr := p.rowProblems()
	for i := range p.rows {
		if keyErr[i] != "" {
			return fmt.Sprintf(msg.EditorFixFirst, keyErr[i])
		}
		if valueErr[i] != "" {
			return fmt.Sprintf(msg.EditorFixFirst, valueErr[i])
		}
	}
	keys, bytes := p.totals()
	if keys > api.MaxAttrKeys {
		return fmt.Sprintf(msg.EditorFixFirst, fmt.Sprintf(msg.EditorTooManyKeys, keys, api.MaxAttrKeys))
	}
	if bytes > api.MaxAttrTotalBytes {
		return fmt.Sprintf(msg.EditorFixFirst, fmt.Sprintf(msg.EditorTooManyBytes, bytes, api.MaxAttrTotalBytes))
	}
	if d.empty() {
		return msg.EditorNoChanges
	}
	return ""
}

func (p *editorPage) edited() {
	p.saved, p.saveErr = false, nil
	setUnsaved(!p.diff().empty())
}

func (p *editorPage) addRow(ctx app.Context, e app.Event) {
	p.nextRow++
	p.rows = append(p.rows, row{id: p.nextRow})
	p.edited()
	id := fmt.Sprintf("key-%d", p.nextRow)
	ctx.Defer(func(app.Context) { focus(id) })
}

func (p *editorPage) removeRow(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.rows = append(p.rows[:i:i], p.rows[i+1:]...)
		p.edited()
	}
}

func (p *editorPage) undo(ctx app.Context, e app.Event) {
	p.setLoaded(api.Attributes{Attributes: p.loaded, Version: p.version})
}

// focus moves the keyboard focus to an element.
func focus(id string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus")
	}
}

func (p *editorPage) openDialog(kind int, firstField string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.dialog, p.typedID, p.saveErr = kind, "", nil
		ctx.Defer(func(app.Context) { focus(firstField) })
	}
}

func (p *editorPage) closeDialog(ctx app.Context, e app.Event) { p.dialog = dialogNone }

// send makes a change and takes the server's answer as the new state. On a
// failure the dialog closes and the page shows the error.
func (p *editorPage) send(ctx app.Context, method string, body any) {
	p.busy, p.saveErr = true, nil
	path := groupPath(p.groupID) + "/attributes"
	header := map[string]string{"If-Match": `"` + p.version + `"`}
	ctx.Async(func() {
		r := callAPI(method, path, body, header)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if needSignIn(ctx, r) {
				return
			}
			if !r.ok() {
				p.dialog = dialogNone
				if r.status == 412 {
					p.conflict = true
					return
				}
				p.saveErr = r.err
				return
			}
			var attrs api.Attributes
			if r.decode(&attrs) == nil {
				p.setLoaded(attrs)
			}
			p.dialog, p.saved = dialogNone, true
			ctx.Defer(func(app.Context) { focus("editor-status") })
		})
	})
}

func (p *editorPage) confirmSave(ctx app.Context, e app.Event) {
	d := p.diff()
	patch := api.AttrPatch{Set: append(append([]api.Attr{}, d.added...), d.changed...), Delete: d.removed}
	p.send(ctx, "PATCH", patch)
}

func (p *editorPage) confirmReplace(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.typedID != p.groupID {
		return
	}
	attrs := make([]api.Attr, len(p.rows))
	for i, r := range p.rows {
		attrs[i] = api.Attr{Key: r.key, Value: r.value}
	}
	p.send(ctx, "PUT", api.AttrReplace{Attributes: attrs})
}

func (p *editorPage) confirmClear(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.typedID != p.groupID {
		return
	}
	p.send(ctx, "DELETE", nil)
}

func (p *editorPage) Render() app.UI {
	return newShell().Path(pathGroup).Content(
		app.P().Class("breadcrumb").Body(app.A().Href(pathGroups).Text("← "+msg.EditorBack)),
		app.H1().Text(p.title()),
		p.body(),
	)
}

func (p *editorPage) body() app.UI {
	if v := stateView(p.state, p.loadErr, func(ctx app.Context, e app.Event) { p.load(ctx) }); v != nil {
		return v
	}
	d := p.diff()
	block := p.blocker(d)
	keyErr, valueErr := p.rowProblems()
	keys, bytes := p.totals()
	edit := p.canEdit()
	return app.Div().Class("editor").Body(
		app.P().Class("group-meta").Body(
			app.Span().Class("group-id").Text(p.group.ID),
			app.Span().Text(typeName(p.group.Type)),
			app.Span().Text(fmt.Sprintf("%d %s", p.group.MemberCount, msg.ColMembers)),
		),
		app.P().Class("lead").Text(msg.EditorIntro),
		app.If(!edit, func() app.UI { return app.P().Class("alert alert-info").Text(msg.EditorReadOnly) }),
		app.Div().ID("editor-status").TabIndex(-1).Role("status").Body(
			app.If(p.saved, func() app.UI { return app.P().Class("alert alert-ok").Text(msg.EditorSaved) }),
		),
		app.If(p.conflict, func() app.UI {
			return app.Div().Class("alert alert-warn").Role("alert").Body(
				app.P().Text(msg.EditorConflict),
				app.Button().Class("button").Type("button").Text(msg.EditorReload).OnClick(func(ctx app.Context, e app.Event) { p.load(ctx) }),
			)
		}),
		app.If(p.saveErr != nil, func() app.UI { return errorView(p.saveErr, nil) }),
		app.If(len(p.rows) == 0, func() app.UI { return app.P().Class("empty").Text(msg.EditorEmpty) }),
		app.Ol().Class("attr-rows").Body(app.Range(p.rows).Slice(func(i int) app.UI {
			return p.rowView(i, keyErr[i], valueErr[i], edit)
		})),
		app.If(edit, func() app.UI {
			return app.Button().Class("button button-quiet").Type("button").Text("+ " + msg.EditorAddRow).OnClick(p.addRow)
		}),
		app.Div().Class("totals").Body(
			meter(fmt.Sprintf(msg.EditorKeysCount, keys, api.MaxAttrKeys), keys, api.MaxAttrKeys),
			meter(fmt.Sprintf(msg.EditorTotalBytes, bytes, api.MaxAttrTotalBytes), bytes, api.MaxAttrTotalBytes),
		),
		app.If(edit, func() app.UI {
			return app.Div().Class("actions").Body(
				app.Button().Class("button").Type("button").Text(msg.EditorSave).
					Disabled(block != "" || p.busy).Aria("describedby", "save-why").OnClick(p.openDialog(dialogPreview, "preview-confirm")),
				app.If(!d.empty(), func() app.UI {
					return app.Button().Class("button button-quiet").Type("button").Text(msg.EditorUndo).OnClick(p.undo)
				}),
				app.P().ID("save-why").Class("hint").Text(block),
			)
		}),
		app.If(edit, func() app.UI { return p.dangerZone() }),
		p.dialogView(d),
	)
}

// meter shows a count against its limit.
func meter(label string, used, limit int) app.UI {
	class := "meter"
	if used > limit {
		class += " meter-over"
	}
	return app.P().Class(class).Text(label)
}

func (p *editorPage) rowView(i int, keyErr, valueErr string, edit bool) app.UI {
	r := p.rows[i]
	n := i + 1
	keyID, valueID := fmt.Sprintf("key-%d", r.id), fmt.Sprintf("value-%d", r.id)
	keyHelp, valueHelp := keyID+"-help", valueID+"-help"
	return app.Li().Class("attr-row").Body(
		app.Div().Class("field").Body(
			app.Label().For(keyID).Text(fmt.Sprintf(msg.EditorKey, n)),
			app.Input().ID(keyID).Type("text").Value(r.key).ReadOnly(!edit).Attr("spellcheck", "false").
				Attr("autocomplete", "off").Aria("invalid", keyErr != "").Aria("describedby", keyHelp).
				OnInput(func(ctx app.Context, e app.Event) {
					p.rows[i].key = ctx.JSSrc().Get("value").String()
					p.edited()
				}),
			byteCounter(keyHelp, len(r.key), api.MaxAttrKeyBytes, keyErr),
		),
		app.Div().Class("field field-grow").Body(
			app.Label().For(valueID).Text(fmt.Sprintf(msg.EditorValue, n)),
			app.Textarea().ID(valueID).Rows(2).Attr("value", r.value).ReadOnly(!edit).
				Aria("invalid", valueErr != "").Aria("describedby", valueHelp).
				OnInput(func(ctx app.Context, e app.Event) {
					p.rows[i].value = ctx.JSSrc().Get("value").String()
					p.edited()
				}),
			byteCounter(valueHelp, len(r.value), api.MaxAttrValueBytes, valueErr),
		),
		app.If(edit, func() app.UI {
			return app.Button().Class("button button-danger-quiet").Type("button").
				Aria("label", fmt.Sprintf(msg.EditorRemoveRow, n)).Title(fmt.Sprintf(msg.EditorRemoveRow, n)).
				Text("✕").OnClick(p.removeRow(i))
		}),
	)
}

// byteCounter shows a field's size against its limit, and its problem.
func byteCounter(id string, used, limit int, problem string) app.UI {
	class := "counter"
	if problem != "" || used > limit {
		class += " counter-over"
	}
	return app.P().ID(id).Class(class).Body(
		app.Span().Text(fmt.Sprintf(msg.EditorBytes, used, limit)),
		app.If(problem != "", func() app.UI { return app.Span().Class("field-error").Text(" " + problem) }),
	)
}

func (p *editorPage) dangerZone() app.UI {
	clearable := p.group.Operations.Clear
	return app.Section().Class("danger").Aria("labelledby", "danger-title").Body(
		app.H2().ID("danger-title").Text(msg.EditorDanger),
		app.Div().Class("actions").Body(
			app.Button().Class("button button-danger").Type("button").Text(msg.EditorReplaceAll).
				Disabled(len(p.rows) == 0 || p.busy).Aria("describedby", "replace-why").OnClick(p.openDialog(dialogReplace, "confirm-id")),
			app.Button().Class("button button-danger").Type("button").Text(msg.EditorClearAll).
				Disabled(!clearable || p.busy).Aria("describedby", "clear-why").OnClick(p.openDialog(dialogClear, "confirm-id")),
		),
		app.If(len(p.rows) == 0, func() app.UI { return app.P().ID("replace-why").Class("hint").Text(msg.EditorReplaceEmpty) }),
		app.If(!clearable, func() app.UI { return app.P().ID("clear-why").Class("hint").Text(msg.EditorNoClear) }),
	)
}

func (p *editorPage) dialogView(d diff) app.UI {
	if p.dialog == dialogNone {
		return nil
	}
	name := p.group.Name
	var title string
	var body []app.UI
	switch p.dialog {
	case dialogPreview:
		title = fmt.Sprintf(msg.PreviewTitle, name)
		body = []app.UI{
			changeList(msg.PreviewAdded, "added", d.added, nil),
			changeList(msg.PreviewChanged, "changed", d.changed, d.old),
			app.If(len(d.removed) > 0, func() app.UI {
				return app.Section().Class("change change-removed").Body(
					app.H3().Text(msg.PreviewRemoved),
					app.Ul().Body(app.Range(d.removed).Slice(func(i int) app.UI { return app.Li().Body(app.Code().Text(d.removed[i])) })),
				)
			}),
			app.Div().Class("actions").Body(
				app.Button().ID("preview-confirm").Class("button").Type("button").Text(fmt.Sprintf(msg.PreviewConfirm, name)).
					Disabled(p.busy).Aria("busy", p.busy).OnClick(p.confirmSave),
				app.Button().Class("button button-quiet").Type("button").Text(msg.Cancel).OnClick(p.closeDialog),
			),
		}
	case dialogReplace, dialogClear:
		warning, confirm, submit := fmt.Sprintf(msg.ReplaceWarning, len(p.rows)), msg.ConfirmReplace, p.confirmReplace
		title = fmt.Sprintf(msg.ReplaceTitle, name)
		if p.dialog == dialogClear {
			title, warning, confirm, submit = fmt.Sprintf(msg.ClearTitle, name), msg.ClearWarning, msg.ConfirmClear, p.confirmClear
		}
		matches := p.typedID == p.groupID
		body = []app.UI{
			app.P().Class("alert alert-warn").Text(warning),
			app.Form().Class("form").OnSubmit(submit).Body(
				app.Label().For("confirm-id").Text(fmt.Sprintf(msg.TypeGroupID, p.groupID)),
				app.Input().ID("confirm-id").Type("text").Attr("autocomplete", "off").Attr("spellcheck", "false").
					Value(p.typedID).Aria("describedby", "confirm-hint").
					OnInput(func(ctx app.Context, e app.Event) { p.typedID = ctx.JSSrc().Get("value").String() }),
				app.P().ID("confirm-hint").Class("hint").Text(msg.MustTypeID),
				app.Div().Class("actions").Body(
					app.Button().Class("button button-danger").Type("submit").Text(confirm).Disabled(!matches || p.busy).Aria("busy", p.busy),
					app.Button().Class("button button-quiet").Type("button").Text(msg.Cancel).OnClick(p.closeDialog),
				),
			),
		}
	}
	return app.Div().Class("dialog-backdrop").Body(
		app.Div().Class("dialog").Role("dialog").Aria("modal", "true").Aria("labelledby", "dialog-title").
			Body(append([]app.UI{app.H2().ID("dialog-title").Text(title)}, body...)...),
	)
}

// changeList shows added or changed attributes; old holds previous values.
func changeList(title, kind string, attrs []api.Attr, old map[string]string) app.UI {
	if len(attrs) == 0 {
		return nil
	}
	return app.Section().Class("change change-"+kind).Body(
		app.H3().Text(title),
		app.Ul().Body(app.Range(attrs).Slice(func(i int) app.UI {
			a := attrs[i]
			return app.Li().Body(
				app.Code().Text(a.Key),
				app.Text(": "),
				app.If(old != nil, func() app.UI { return app.Del().Text(old[a.Key]) }),
				app.If(old != nil, func() app.UI { return app.Text(" → ") }),
				app.Ins().Text(a.Value),
			)
		})),
	)
}
