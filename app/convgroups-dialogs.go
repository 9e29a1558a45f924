package main

// The conversation groups page's confirmation before deleting a group: it
// names the group and how many conversations it holds.

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func (p *convGroupsPage) deleteDialog() app.UI {
	if p.deleting == "" {
		return nil
	}
	g := p.cg.Group(p.deleting)
	if g == nil {
		return nil
	}
	name, n := g.Name, len(g.Conversations)
	return app.Div().Class("dialog-backdrop").Body(
		app.Div().Class("dialog").Role("alertdialog").Aria("modal", "true").Aria("labelledby", "dialog-title").Aria("describedby", "dialog-warning").Body(
			app.H2().ID("dialog-title").Text(fmt.Sprintf(msg.CG.DeleteTitle, name)),
			app.P().ID("dialog-warning").Class("alert alert-warn").Text(fmt.Sprintf(msg.CG.DeleteWarning, n)),
			app.Div().Class("actions").Body(
				app.Button().Class("button button-danger").Type("button").Text(fmt.Sprintf(msg.CG.DeleteConfirm, name)).
					Disabled(p.busy).Aria("busy", p.busy).OnClick(func(ctx app.Context, e app.Event) {
					p.send(ctx, "DELETE", "/conversation-groups/"+escapeName(p.deleting), nil, nil)
				}, app.EventScope(name)),
				app.Button().ID("delete-cancel").Class("button button-quiet").Type("button").Text(msg.Cancel).
					OnClick(func(ctx app.Context, e app.Event) { p.deleting = "" }),
			),
		),
	)
}
