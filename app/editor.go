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
	conflict *conflict // someone else saved first
	dialog   int
	sure     bool     // the confirmation box of replace or clear is ticked
	onKey    app.Func // Escape closes a dialog, wherever the focus is
	// page is the page's own context. A context from a dialog's button
	// stops working once the dialog closes, so work that outlives the
	// dialog is started from this one.
	page app.Context
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
	p.group, p.saved, p.conflict, p.saveErr, p.dialog = nil, false, nil, nil, dialogNone
	if app.IsServer {
		return // the prerendered page shows the loading state; the browser loads
	}
	p.load(ctx)
}

func (p *editorPage) OnMount(ctx app.Context) {
	p.page = ctx
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
	p.loaded, p.version, p.conflict = attrs.Attributes, attrs.Version, nil
	p.rows = p.rows[:0]
	for _, a := range attrs.Attributes {
		p.nextRow++
		p.rows = append(p.rows, row{id: p.nextRow, key: a.Key, value: a.Value})
	}
	setUnsaved(false)
}

func (p *editorPage) canEdit() bool { return p.group != nil && p.group.CanEdit }

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
					p.loadConflict(p.page)
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
			p.page.Defer(func(app.Context) { focus("editor-status") })
		})
	})
}

func (p *editorPage) Render() app.UI {
	return newShell().Path(pathGroup).Content(
		app.P().Class("breadcrumb").Body(app.A().Href(pathGroups).Text("← "+msg.EditorBack)),
		app.H1().Text(p.title()),
		p.body(),
	)
}

func (p *editorPage) body() app.UI {
	if v := stateView(p.state, p.loadErr, func(app.Context, app.Event) { p.load(p.page) }); v != nil {
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
		p.conflictView(),
		app.If(p.saveErr != nil, func() app.UI { return errorView(p.saveErr, nil) }),
		app.If(len(p.rows) == 0, func() app.UI { return app.P().Class("empty").Text(msg.EditorEmpty) }),
		app.Ol().Class("attr-rows").Body(app.Range(p.rows).Slice(func(i int) app.UI {
			return p.rowView(i, keyErr[i], valueErr[i], edit)
		})),
		app.If(edit, func() app.UI {
			full := len(p.rows) >= api.MaxAttrKeys
			return app.Div().Class("add-row").Body(
				app.Button().Class("button button-quiet").Type("button").Text("+ "+msg.EditorAddRow).
					Disabled(full).Aria("describedby", "add-why").OnClick(p.addRow),
				app.If(full, func() app.UI {
					return app.P().ID("add-why").Class("hint").Text(fmt.Sprintf(msg.EditorFull, api.MaxAttrKeys))
				}),
			)
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
