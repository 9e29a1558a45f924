package main

// The conversation groups page's list of groups: each group with its
// conversations and, for accounts that may change them, renaming, adding
// and removing conversations, and deleting the group.

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// slug makes an element id from a group's name.
func slug(prefix string, i int) string { return fmt.Sprintf("%s-%d", prefix, i) }

func (p *convGroupsPage) groupsView(edit bool) app.UI {
	if len(p.cg.Groups) == 0 {
		return app.P().Class("empty").Text(msg.CG.NoGroups)
	}
	return app.Ul().Class("cg-list").Body(app.Range(p.cg.Groups).Slice(func(i int) app.UI {
		return p.groupView(i, edit)
	}))
}

func (p *convGroupsPage) groupView(i int, edit bool) app.UI {
	g := p.cg.Groups[i]
	titleID := slug("cg-title", i)
	return app.Li().Class("cg-group").Body(
		app.Section().Aria("labelledby", titleID).Body(
			app.H2().ID(titleID).Text(g.Name),
			app.If(len(g.Conversations) == 0, func() app.UI { return app.P().Class("hint").Text(msg.CG.NoConvs) }),
			app.Ul().Class("conv-list").Body(app.Range(g.Conversations).Slice(func(j int) app.UI {
				c := g.Conversations[j]
				return app.Li().Class("conv").Body(
					app.Span().Class("conv-label").Text(convLabel(c)),
					p.marksBadges(c.Key()),
					app.If(edit, func() app.UI {
						return app.Button().Class("button button-danger-quiet").Type("button").
							Aria("label", fmt.Sprintf(msg.CG.Remove, convLabel(c))).Title(fmt.Sprintf(msg.CG.Remove, convLabel(c))).
							Text("✕").Disabled(p.busy).OnClick(func(ctx app.Context, e app.Event) {
							g := p.cg.Groups[i]
							c := g.Conversations[j]
							p.send(ctx, "PATCH", "/conversation-groups/"+escapeName(g.Name),
								api.ContactGroupUpdate{Remove: []api.Conversation{{Type: c.Type, ID: c.ID}}}, nil)
						}, app.EventScope(g.Name, c.Key()))
					}),
				)
			})),
			app.If(edit, func() app.UI { return p.groupForms(i, g) }),
		),
	)
}

// escapeName puts a group name in a URL path.
func escapeName(name string) string { return url.PathEscape(name) }

// groupForms are a group's rename and add forms and its delete button.
func (p *convGroupsPage) groupForms(i int, g api.ContactGroup) app.UI {
	renaming := p.renaming == g.Name
	nameID, addForm := slug("rename", i), slug("group", i)
	problem := ""
	if renaming {
		problem = nameProblem(p.renameTo)
	}
	return app.Div().Class("cg-forms").Body(
		app.If(!renaming, func() app.UI {
			return app.Div().Class("actions").Body(
				app.Button().Class("button button-quiet").Type("button").Text(msg.CG.Rename).
					Aria("label", fmt.Sprintf(msg.CG.RenameGroup, g.Name)).OnClick(func(ctx app.Context, e app.Event) {
					p.renaming, p.renameTo = p.cg.Groups[i].Name, p.cg.Groups[i].Name
					ctx.Defer(func(app.Context) { focus(nameID) })
				}, app.EventScope(g.Name)),
				app.Button().Class("button button-danger-quiet").Type("button").Text(fmt.Sprintf(msg.CG.Delete, g.Name)).
					Disabled(p.busy).OnClick(func(ctx app.Context, e app.Event) {
					p.deleting = p.cg.Groups[i].Name
					ctx.Defer(func(app.Context) { focus("delete-cancel") })
				}, app.EventScope(g.Name)),
			)
		}),
		app.If(renaming, func() app.UI {
			return app.Form().Class("form").OnSubmit(func(ctx app.Context, e app.Event) {
				e.PreventDefault()
				if nameProblem(p.renameTo) != "" {
					return
				}
				name := p.renameTo
				p.send(ctx, "PATCH", "/conversation-groups/"+escapeName(p.renaming), api.ContactGroupUpdate{Name: &name},
					func() { p.renaming = "" })
			}, app.EventScope(g.Name)).Body(
				app.Label().For(nameID).Text(fmt.Sprintf(msg.CG.NewName, g.Name)),
				app.Input().ID(nameID).Type("text").Value(p.renameTo).Attr("autocomplete", "off").
					Aria("invalid", problem != "").Aria("describedby", nameID+"-help").
					OnInput(func(ctx app.Context, e app.Event) { p.renameTo = ctx.JSSrc().Get("value").String() }),
				byteCounter(nameID+"-help", len(p.renameTo), api.MaxContactGroupNameBytes, problem),
				app.Div().Class("actions").Body(
					app.Button().Class("button").Type("submit").Text(msg.CG.SaveName).Disabled(problem != "" || p.busy),
					app.Button().Class("button button-quiet").Type("button").Text(msg.Cancel).
						OnClick(func(ctx app.Context, e app.Event) { p.renaming = "" }),
				),
			)
		}),
		p.typedForm(addForm, slug("add", i), fmt.Sprintf(msg.CG.AddTo, g.Name), func(ctx app.Context, c api.Conversation) {
			p.send(ctx, "PATCH", "/conversation-groups/"+escapeName(p.cg.Groups[i].Name), api.ContactGroupUpdate{Add: []api.Conversation{c}},
				func() { p.typedID[addForm] = ""; clearInput(slug("add", i) + "-id") })
		}),
	)
}

// clearInput empties an input the moderator typed in: go-app sets the
// value attribute, which a browser no longer shows once the field was
// edited.
func clearInput(id string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Set("value", "")
	}
}

// nameProblem checks a group name as it is typed, with the server's rules.
func nameProblem(name string) string {
	if strings.TrimSpace(name) == "" {
		return msg.CG.EnterName
	}
	if err := api.CheckContactGroupName("name", name); err != nil {
		return fmt.Sprintf(msg.CG.TooLong, len(name), api.MaxContactGroupNameBytes)
	}
	return ""
}

// typedForm is a conversation typed by ID: user or group, and the ID. The
// server checks that it exists. go-app keeps a handler while its scope is
// the same, so handlers read the page's state when they run, never values
// captured at render.
func (p *convGroupsPage) typedForm(form, id, submit string, add func(ctx app.Context, c api.Conversation)) app.UI {
	typ := p.typedType[form]
	if typ == "" {
		typ = api.ConversationUser
	}
	return app.Form().Class("form typed-conv").OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		t := p.typedType[form]
		if t == "" {
			t = api.ConversationUser
		}
		c := api.Conversation{Type: t, ID: strings.TrimSpace(p.typedID[form])}
		if c.ID == "" {
			return
		}
		add(ctx, c)
	}, app.EventScope(submit)).Body(
		app.Div().Class("field").Body(
			app.Label().For(id+"-type").Text(msg.CG.ConvType),
			app.Select().ID(id+"-type").OnChange(func(ctx app.Context, e app.Event) {
				p.typedType[form] = ctx.JSSrc().Get("value").String()
			}).Body(
				app.Option().Value(api.ConversationUser).Text(msg.CG.User).Selected(typ == api.ConversationUser),
				app.Option().Value(api.ConversationGroup).Text(msg.CG.Group).Selected(typ == api.ConversationGroup),
			),
		),
		app.Div().Class("field").Body(
			app.Label().For(id+"-id").Text(msg.CG.ConvID),
			app.Input().ID(id+"-id").Type("text").Value(p.typedID[form]).Placeholder(msg.CG.ConvIDHint).
				Attr("autocomplete", "off").Attr("spellcheck", "false").Attr("autocapitalize", "none").
				OnInput(func(ctx app.Context, e app.Event) { p.typedID[form] = ctx.JSSrc().Get("value").String() }),
		),
		app.Button().Class("button button-quiet").Type("submit").Text(submit).Disabled(p.busy),
	)
}

// marksBadges shows a conversation's marks.
func (p *convGroupsPage) marksBadges(key string) app.UI {
	mc, ok := p.marksOf(key)
	if !ok || mc.Marks.Empty() {
		return nil
	}
	var names []string
	for _, n := range api.MarkNames {
		if mc.Marks.Has(n) {
			names = append(names, msg.CG.MarkNames[n])
		}
	}
	return app.Span().Class("marks").Body(
		app.Range(names).Slice(func(i int) app.UI { return app.Span().Class("tag").Text(names[i]) }),
		app.If(mc.Marks.Custom != "", func() app.UI {
			return app.Span().Class("tag").Text(msg.CG.Custom + ": " + mc.Marks.Custom)
		}),
	)
}
