package main

// Undo from the audit log: a change that succeeded can be undone by whoever
// may change its target now. The dialog shows the state now beside the
// state the undo puts back, and what changed since the entry, before the
// moderator confirms.

import (
	"encoding/json"
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// undoState is the undo dialog of one entry.
type undoState struct {
	rec     *api.AuditRecord
	preview *api.UndoPreview
	state   viewState
	err     *api.Error // loading the preview, or the undo itself
	busy    bool
	again   bool // the target changed while the dialog was open: look again
}

// undoableActions are the audit actions the server can undo.
var undoableActions = map[string]bool{
	"group.attributes.patch": true, "group.attributes.replace": true,
	"group.attributes.clear": true, "group.attributes.restore": true,
}

func (p *auditPage) canUndo(r *api.AuditRecord) bool {
	return r.Kind == "intent" && r.Outcome == "ok" && undoableActions[r.Action] &&
		currentSession != nil && currentSession.Role != "viewer"
}

func undoPath(seq int64) string { return fmt.Sprintf("/api/v1/audit/%d/undo", seq) }

// openUndo opens the dialog and asks the server what the undo would do.
func (p *auditPage) openUndo(ctx app.Context, r *api.AuditRecord) {
	again := p.undo != nil && p.undo.rec == r && p.undo.again
	p.undo, p.undone = &undoState{rec: r, state: stateLoading, again: again}, ""
	u := p.undo
	ctx.Async(func() {
		res := callAPI("GET", undoPath(r.Seq), nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			if needSignIn(ctx, res) {
				return
			}
			var pv api.UndoPreview
			if e := res.decode(&pv); e != nil {
				u.state, u.err = stateFailed, e
				return
			}
			u.preview, u.state = &pv, stateReady
			ctx.Defer(func(app.Context) { focus("undo-title") })
		})
	})
	ctx.Defer(func(app.Context) { focus("undo-title") })
}

func (p *auditPage) closeUndo(ctx app.Context, e app.Event) { p.undo = nil }

// confirmUndo makes the undo against the state the moderator saw.
func (p *auditPage) confirmUndo(ctx app.Context, e app.Event) {
	u := p.undo
	if u == nil || u.preview == nil || u.busy {
		return
	}
	u.busy, u.err = true, nil
	name := p.groupLabel(u.rec.Target)
	seq := u.rec.Seq
	ctx.Async(func() {
		res := callAPI("POST", undoPath(seq), nil, map[string]string{"If-Match": `"` + u.preview.Version + `"`})
		ctx.Dispatch(func(ctx app.Context) {
			u.busy = false
			if needSignIn(ctx, res) {
				return
			}
			if res.status == 412 {
				u.again = true
				p.openUndo(p.page, u.rec)
				return
			}
			if !res.ok() {
				u.err = res.err
				return
			}
			p.undo, p.undone = nil, fmt.Sprintf(msg.UndoDone, name, seq)
			p.records, p.next, p.open = nil, "", map[int64]bool{}
			p.load(p.page, "")
			p.page.Defer(func(app.Context) { focus("audit-status") })
		})
	})
}

// groupLabel is a group's name and ID, or its ID while the name is unknown.
func (p *auditPage) groupLabel(id string) string {
	if n := p.names[id]; n != "" {
		return n + " (" + id + ")"
	}
	return id
}

func (p *auditPage) undoDialog() app.UI {
	u := p.undo
	if u == nil {
		return nil
	}
	var body app.UI
	if v := stateView(u.state, u.err, func(ctx app.Context, e app.Event) { p.openUndo(ctx, u.rec) }); v != nil {
		body = app.Div().Body(v, app.Div().Class("actions").Body(
			app.Button().Class("button button-quiet").Type("button").Text(msg.Cancel).OnClick(p.closeUndo)))
	} else {
		var current, restore, left []api.Attr
		_ = json.Unmarshal(u.preview.Current, &current)
		_ = json.Unmarshal(u.preview.Restore, &restore)
		_ = json.Unmarshal(u.preview.Left, &left)
		pv := u.preview
		body = app.Div().Body(
			app.If(u.again, func() app.UI { return app.P().Class("alert alert-warn").Text(msg.UndoChangedAgain) }),
			app.If(pv.ChangedSince && !pv.NothingToDo, func() app.UI {
				return app.Section().Class("alert alert-warn").Aria("labelledby", "undo-since").Body(
					app.H3().ID("undo-since").Text(msg.UndoChangedSince),
					diffAttrs(left, current).view(),
				)
			}),
			app.Div().Class("before-after").Body(
				attrTable(msg.UndoNow, current),
				attrTable(msg.UndoAfter, restore),
			),
			app.If(pv.NothingToDo, func() app.UI { return app.P().Class("alert alert-info").Text(msg.UndoNothing) }),
			app.If(u.err != nil, func() app.UI { return errorView(u.err, nil) }),
			app.Div().Class("actions").Body(
				app.If(!pv.NothingToDo, func() app.UI {
					return app.Button().Class("button button-danger").Type("button").Text(msg.UndoConfirm).
						Disabled(u.busy).Aria("busy", u.busy).OnClick(p.confirmUndo)
				}),
				app.Button().Class("button button-quiet").Type("button").Text(msg.Cancel).OnClick(p.closeUndo),
			),
		)
	}
	return app.Div().Class("dialog-backdrop").Body(
		app.Div().Class("dialog").Role("dialog").Aria("modal", "true").Aria("labelledby", "undo-title").Body(
			app.H2().ID("undo-title").TabIndex(-1).Text(fmt.Sprintf(msg.UndoTitle, u.rec.Seq, p.groupLabel(u.rec.Target))),
			body,
		),
	)
}
