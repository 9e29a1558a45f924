package main

// The conversation groups page's marks: every conversation with its marks,
// chosen with a checkbox; a standard mark set or cleared on all chosen,
// and the custom mark (counted in bytes) set or cleared on all chosen.

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

func (p *convGroupsPage) chosen() []api.Conversation {
	var out []api.Conversation
	for _, c := range p.known() {
		if p.selected[c.Key()] {
			out = append(out, api.Conversation{Type: c.Type, ID: c.ID})
		}
	}
	return out
}

// mark makes the change that make returns when the button is pressed.
func (p *convGroupsPage) mark(make func() api.MarksChange) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		ch := make()
		ch.Conversations = p.chosen()
		if len(ch.Conversations) == 0 {
			return
		}
		p.send(ctx, "POST", "/conversation-marks", ch, nil)
	}
}

func (p *convGroupsPage) marksView(edit bool) app.UI {
	known := p.known()
	chosen := len(p.chosen())
	customProblem := ""
	if len(p.custom) > api.MaxCustomMarkBytes {
		customProblem = fmt.Sprintf(msg.CG.TooLong, len(p.custom), api.MaxCustomMarkBytes)
	}
	none := chosen == 0 || p.busy
	return app.Section().Class("cg-marks").Aria("labelledby", "marks-title").Body(
		app.H2().ID("marks-title").Text(msg.CG.MarksTitle),
		app.If(edit, func() app.UI { return app.P().Class("hint").Text(msg.CG.MarksIntro) }),
		app.Ul().Class("conv-list").Body(app.Range(known).Slice(func(i int) app.UI {
			c := known[i]
			id := slug("sel", i)
			mc, _ := p.marksOf(c.Key())
			return app.Li().Class("conv").Body(
				app.If(edit, func() app.UI {
					return app.Input().ID(id).Type("checkbox").Checked(p.selected[c.Key()]).
						Aria("label", fmt.Sprintf(msg.CG.Select, convLabel(c))).
						OnChange(func(ctx app.Context, e app.Event) {
							if k := p.known(); i < len(k) {
								p.selected[k[i].Key()] = ctx.JSSrc().Get("checked").Bool()
							}
						}, app.EventScope(c.Key()))
				}),
				app.Span().Class("conv-label").Text(convLabel(c)),
				p.marksBadges(c.Key()),
				app.If(len(mc.Groups) > 0, func() app.UI {
					return app.Span().Class("hint").Text(fmt.Sprintf(msg.CG.InGroups, joinNames(mc.Groups)))
				}),
			)
		})),
		app.If(edit, func() app.UI {
			return app.Div().Class("mark-forms").Body(
				app.P().Class("meter").Role("status").Text(fmt.Sprintf(msg.CG.Selected, chosen)),
				app.Div().Class("field").Body(
					app.Label().For("mark-name").Text(msg.CG.Mark),
					app.Select().ID("mark-name").OnChange(func(ctx app.Context, e app.Event) {
						p.markName = ctx.JSSrc().Get("value").String()
					}).Body(app.Range(api.MarkNames).Slice(func(i int) app.UI {
						n := api.MarkNames[i]
						return app.Option().Value(n).Text(msg.CG.MarkNames[n]).Selected(p.markName == n)
					})),
				),
				app.Div().Class("actions").Body(
					app.Button().Class("button").Type("button").Text(msg.CG.SetMark).Disabled(none).
						OnClick(p.mark(func() api.MarksChange { return api.MarksChange{Set: []string{p.markName}} })),
					app.Button().Class("button button-quiet").Type("button").Text(msg.CG.ClearMark).Disabled(none).
						OnClick(p.mark(func() api.MarksChange { return api.MarksChange{Clear: []string{p.markName}} })),
				),
				app.Label().For("custom-mark").Text(msg.CG.Custom),
				app.Input().ID("custom-mark").Type("text").Value(p.custom).Attr("autocomplete", "off").
					Aria("invalid", customProblem != "").Aria("describedby", "custom-mark-help").
					OnInput(func(ctx app.Context, e app.Event) { p.custom = ctx.JSSrc().Get("value").String() }),
				byteCounter("custom-mark-help", len(p.custom), api.MaxCustomMarkBytes, customProblem),
				app.Div().Class("actions").Body(
					app.Button().Class("button").Type("button").Text(msg.CG.SetCustom).Disabled(none || customProblem != "" || p.custom == "").
						OnClick(p.mark(func() api.MarksChange { c := p.custom; return api.MarksChange{CustomMark: &c} })),
					app.Button().Class("button button-quiet").Type("button").Text(msg.CG.ClearCustom).Disabled(none).
						OnClick(p.mark(func() api.MarksChange { c := ""; return api.MarksChange{CustomMark: &c} })),
				),
				app.P().Class("hint").Text(noneHint(chosen)),
				p.typedForm("marks", "marks-typed", msg.CG.AddConv, func(ctx app.Context, c api.Conversation) {
					p.addExtra(c)
					p.selected[c.Key()] = true
					p.typedID["marks"] = ""
					clearInput("marks-typed-id")
				}),
			)
		}),
	)
}

func noneHint(chosen int) string {
	if chosen == 0 {
		return msg.CG.SelectFirst
	}
	return ""
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
