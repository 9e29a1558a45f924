package main

// The conversation groups page's create form: a name with its live byte
// counter, conversations picked from the user's or typed by ID, and the
// limits of 20 groups and 1,000 conversations said before they bite.

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// createBlocker says why the group cannot be created as it stands, or "".
func (p *convGroupsPage) createBlocker(picked []api.Conversation) string {
	if len(p.cg.Groups) >= p.cg.MaxGroups {
		return fmt.Sprintf(msg.CG.GroupsFull, p.cg.MaxGroups)
	}
	if pr := nameProblem(p.newName); pr != "" {
		return pr
	}
	n := p.cg.Counted
	for _, c := range picked {
		if _, counted := p.marksOf(c.Key()); !counted {
			n++
		}
	}
	if n > p.cg.MaxCounted {
		return fmt.Sprintf(msg.CG.ConvsFull, p.cg.MaxCounted)
	}
	return ""
}

func (p *convGroupsPage) picked() []api.Conversation {
	var out []api.Conversation
	for _, c := range p.known() {
		if p.pick[c.Key()] {
			out = append(out, api.Conversation{Type: c.Type, ID: c.ID})
		}
	}
	return out
}

func (p *convGroupsPage) createView() app.UI {
	picked := p.picked()
	block := p.createBlocker(picked)
	problem := ""
	if p.newName != "" {
		problem = nameProblem(p.newName)
	}
	known := p.known()
	return app.Section().Class("cg-create").Aria("labelledby", "create-title").Body(
		app.H2().ID("create-title").Text(msg.CG.CreateTitle),
		app.If(len(p.cg.Groups) >= p.cg.MaxGroups, func() app.UI {
			return app.P().Class("alert alert-warn").Text(fmt.Sprintf(msg.CG.GroupsFull, p.cg.MaxGroups))
		}),
		app.Form().Class("form").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			if p.createBlocker(p.picked()) != "" {
				return
			}
			p.send(ctx, "POST", "/conversation-groups", api.ContactGroupCreate{Name: p.newName, Conversations: p.picked()},
				func() { p.newName, p.pick = "", map[string]bool{}; clearInput("cg-name") })
		}).Body(
			app.Label().For("cg-name").Text(msg.CG.Name),
			app.Input().ID("cg-name").Type("text").Value(p.newName).Attr("autocomplete", "off").
				Aria("invalid", problem != "").Aria("describedby", "cg-name-help").
				OnInput(func(ctx app.Context, e app.Event) { p.newName = ctx.JSSrc().Get("value").String() }),
			byteCounter("cg-name-help", len(p.newName), api.MaxContactGroupNameBytes, problem),
			app.If(len(known) > 0, func() app.UI {
				return app.FieldSet().Class("conv-pick").Body(
					app.Legend().Text(msg.CG.Choose),
					app.Range(known).Slice(func(i int) app.UI {
						c := known[i]
						id := slug("pick", i)
						return app.Div().Class("check").Body(
							app.Input().ID(id).Type("checkbox").Checked(p.pick[c.Key()]).OnChange(func(ctx app.Context, e app.Event) {
								if k := p.known(); i < len(k) {
									p.pick[k[i].Key()] = ctx.JSSrc().Get("checked").Bool()
								}
							}, app.EventScope(c.Key())),
							app.Label().For(id).Text(convLabel(c)),
						)
					}),
				)
			}),
			app.Div().Class("actions").Body(
				app.Button().Class("button").Type("submit").Text(msg.CG.Create).Disabled(block != "" || p.busy).Aria("describedby", "create-why"),
				app.P().ID("create-why").Class("hint").Text(block),
			),
		),
		app.H3().Text(msg.CG.OrType),
		p.typedForm("create", "create-typed", msg.CG.AddConv, func(ctx app.Context, c api.Conversation) {
			p.addExtra(c)
			p.pick[c.Key()] = true
			p.typedID["create"] = ""
			clearInput("create-typed-id")
		}),
	)
}

// addExtra makes a typed conversation one to pick from.
func (p *convGroupsPage) addExtra(c api.Conversation) {
	for _, x := range p.extra {
		if x.Key() == c.Key() {
			return
		}
	}
	p.extra = append(p.extra, c)
}
