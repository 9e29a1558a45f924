package main

// Undo from the audit log: a change that succeeded can be undone by whoever
// may change its target now. The dialog shows the state now beside the
// state the undo puts back, and what changed since the entry, before the
// moderator confirms.

import (
	"encoding/json"
	"slices"

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

func (p *auditPage) canUndo(r *api.AuditRecord) bool {
	return r.Kind == "intent" && r.Outcome == "ok" && slices.Contains(api.UndoableActions, r.Action) &&
		currentSession != nil && currentSession.Role != "viewer"
}

// openUndo opens the dialog and asks the server what the undo would do.
func (p *auditPage) openUndo(r *api.AuditRecord) {
	again := p.undo != nil && p.undo.rec == r && p.undo.again
	p.undo, p.undone = &undoState{rec: r, state: stateLoading, again: again}, ""
	p.send(p, "undo-preview", "GET", undoPath(r.Seq), nil, nil)
	focusLater(p.ctx, "undo-title")
}

// groupLabel is a group's name and ID, or its ID while the name is unknown.
func (p *auditPage) groupLabel(id string) string {
	if n := p.names[groupOf(id)]; n != "" {
		return n + " (" + id + ")"
	}
	return id
}

var undoDialogView = &view{src: `<div class="dialog-backdrop"><div class="dialog" role="dialog" aria-modal="true" aria-labelledby="undo-title">
  <h2 id="undo-title" tabindex="-1">{@UndoTitle 0 1}</h2><div>{2}
  <div class="actions">{3}<button class="button button-quiet" type="button" on:click="undo-close">{@Cancel}</button></div></div>
</div></div>`}
var undoBody = &view{src: `{0}{1}<div class="before-after">{2}{3}</div>{4}{5}`}
var warnNote = &view{src: `<p class="alert alert-warn">{0}</p>`}
var undoSince = &view{src: `<section class="alert alert-warn" aria-labelledby="undo-since"><h3 id="undo-since">{@UndoChangedSince}</h3>{0}</section>`}
var undoConfirmButton = &view{src: `<button class="button button-danger" type="button" disabled={0} aria-busy={0} on:click="undo-confirm">{1}</button>`}
var undoRetryButton = &view{src: `<button class="button" type="button" on:click="undo-retry">{@TryAgain}</button>`}

func (p *auditPage) undoDialog() app.UI {
	u := p.undo
	if u == nil {
		return nil
	}
	var body, confirm app.UI
	switch u.state {
	case stateLoading:
		body = loadingView.ui(p)
	case stateFailed:
		body, confirm = errorView(p, u.err), undoRetryButton.ui(p)
	default:
		pv := u.preview
		current, restore, left := undoRows(pv.Action, pv.Current), undoRows(pv.Action, pv.Restore), undoRows(pv.Action, pv.Left)
		var again, since, nothing app.UI
		if u.again {
			again = warnNote.ui(p, message("UndoChangedAgain"))
		}
		if pv.ChangedSince && !pv.NothingToDo {
			since = undoSince.ui(p, diffAttrs(left, current).saidBy(p.keysOf(pv.Action)).view(p))
		}
		if pv.NothingToDo {
			nothing = infoNote.ui(p, message("UndoNothing"))
		} else {
			confirm = undoConfirmButton.ui(p, u.busy, message(pick(isMemberAction(pv.Action), "GroupMembers.UndoConfirm", "UndoConfirm")))
		}
		body = app.Div().Body(undoBody.uis(p, again, since, p.attrTable("UndoNow", current, restore, p.keysOf(pv.Action)), p.attrTable("UndoAfter", restore, current, p.keysOf(pv.Action)),
			nothing, errorView(p, u.err))...)
	}
	return undoDialogView.ui(p, int(u.rec.Seq), p.groupLabel(u.rec.Target), body, confirm)
}

// isMemberAction tells an action on a member's profile in a group from one
// on a group's attributes.
func isMemberAction(action string) bool { return slices.Contains(api.GroupMembersActions, action) }

// undoRows are a state of an undo's target as rows of key and value: the
// attributes, or a member's profile as its page shows it.
func undoRows(action string, raw json.RawMessage) []api.Attr {
	if isMemberAction(action) {
		var m api.MemberProfile
		if json.Unmarshal(raw, &m) != nil || m.ID == "" {
			return nil
		}
		return fields(m.Member, muteText(m.Member))
	}
	var attrs []api.Attr
	_ = json.Unmarshal(raw, &attrs)
	return attrs
}
