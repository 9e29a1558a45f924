package main

// The editor's dialogs: preview before saving, replace all and clear all
// with their confirmations, and moving the keyboard focus into them.

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// focus moves the keyboard focus to an element.
func focus(id string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus")
	}
}

func (p *editorPage) openDialog(kind int, firstField string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.dialog, p.sure, p.saveErr = kind, false, nil
		ctx.Defer(func(app.Context) { focus(firstField) })
	}
}

func (p *editorPage) closeDialog(ctx app.Context, e app.Event) { p.dialog = dialogNone }

func (p *editorPage) confirmSave(ctx app.Context, e app.Event) {
	d := p.diff()
	patch := api.AttrPatch{Set: append(append([]api.Attr{}, d.added...), d.changed...), Delete: d.removed}
	p.send(ctx, "PATCH", patch)
}

func (p *editorPage) confirmReplace(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if !p.sure {
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
	if !p.sure {
		return
	}
	p.send(ctx, "DELETE", nil)
}

func (p *editorPage) dangerZone() app.UI {
	clearable := p.group.Operations.Clear
	return app.Section().Class("danger").Aria("labelledby", "danger-title").Body(
		app.H2().ID("danger-title").Text(msg.EditorDanger),
		app.Div().Class("actions").Body(
			app.Button().Class("button button-danger").Type("button").Text(msg.EditorReplaceAll).
				Disabled(len(p.rows) == 0 || p.busy).Aria("describedby", "replace-why").OnClick(p.openDialog(dialogReplace, "confirm-sure")),
			app.Button().Class("button button-danger").Type("button").Text(msg.EditorClearAll).
				Disabled(!clearable || p.busy).Aria("describedby", "clear-why").OnClick(p.openDialog(dialogClear, "confirm-sure")),
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
			d.view(),
			app.Div().Class("actions").Body(
				app.Button().ID("preview-confirm").Class("button").Type("button").Text(fmt.Sprintf(msg.PreviewConfirm, name)).
					Disabled(p.busy).Aria("busy", p.busy).OnClick(p.confirmSave),
				app.Button().Class("button button-quiet").Type("button").Text(msg.Cancel).OnClick(p.closeDialog),
			),
		}
	case dialogReplace, dialogClear:
		// Two deliberate acts, both naming the group and what is lost: tick
		// the box, then press the button. Nothing to type, so a phone
		// keyboard is no obstacle.
		now := len(p.loaded)
		warning := fmt.Sprintf(msg.ReplaceWarning, len(p.rows))
		understand := fmt.Sprintf(msg.ReplaceUnderstand, now, name, p.groupID, len(p.rows))
		confirm, submit := fmt.Sprintf(msg.ConfirmReplace, len(p.rows)), p.confirmReplace
		title = fmt.Sprintf(msg.ReplaceTitle, name)
		if p.dialog == dialogClear {
			title, warning, submit = fmt.Sprintf(msg.ClearTitle, name), msg.ClearWarning, p.confirmClear
			understand, confirm = fmt.Sprintf(msg.ClearUnderstand, now, name, p.groupID), fmt.Sprintf(msg.ConfirmClear, now)
		}
		body = []app.UI{
			app.P().Class("alert alert-warn").Text(warning),
			app.Form().Class("form").OnSubmit(submit).Body(
				app.Div().Class("check").Body(
					app.Input().ID("confirm-sure").Type("checkbox").Checked(p.sure).
						OnChange(func(ctx app.Context, e app.Event) { p.sure = ctx.JSSrc().Get("checked").Bool() }),
					app.Label().For("confirm-sure").Text(understand),
				),
				app.Div().Class("actions").Body(
					app.Button().Class("button button-danger").Type("submit").Text(confirm).Disabled(!p.sure || p.busy).Aria("busy", p.busy),
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
