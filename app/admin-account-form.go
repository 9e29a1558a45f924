package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// accountForm adds an account or changes one: its role and its scope,
// picked with the group finder (groups, members of groups) and a checked
// user ID — never typed group IDs.
type accountForm struct {
	existing *api.Account // nil when adding
	name     string
	role     string
	scope    api.Scope

	query   string      // the group finder's search
	found   []api.Group // its results
	finding bool
	userID  string
	userErr string
	err     *api.Error
}

func newAccountForm(a *api.Account) *accountForm {
	f := &accountForm{role: api.RoleModerator, scope: api.Scope{}.Normalise()}
	if a != nil {
		f.existing, f.name, f.role, f.scope = a, a.Name, a.Role, a.Scope.Normalise()
	}
	return f
}

func (p *accountsPage) findGroups(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f := p.form
	ctx = p.ctx
	f.finding = true
	path := "/api/v1/groups?limit=8&query=" + url.QueryEscape(strings.TrimSpace(f.query))
	ctx.Async(func() {
		r := callAPI("GET", path, nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			f.finding = false
			var page api.GroupPage
			if e := r.decode(&page); e != nil {
				f.err = e
				return
			}
			f.found = page.Groups
		})
	})
}

// addUser checks the user with Tencent (through the panel) before adding.
func (p *accountsPage) addUser(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f := p.form
	ctx = p.ctx
	id := strings.TrimSpace(f.userID)
	if fe := api.CheckUserID(id); fe != nil {
		f.userErr = fe.Message
		return
	}
	ctx.Async(func() {
		r := callAPI("GET", "/api/v1/users/"+url.PathEscape(id), nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			switch {
			case r.status == 404:
				f.userErr = fmt.Sprintf(msg.Admin.ScopeNoUser, id)
			case !r.ok():
				f.userErr = r.err.Message
			default:
				f.userErr, f.userID = "", ""
				if !slices.Contains(f.scope.Users, id) {
					f.scope.Users = append(f.scope.Users, id)
				}
			}
		})
	})
}

func (p *accountsPage) submitForm(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f := p.form
	scope := f.scope.Normalise()
	if f.existing == nil {
		p.act("POST", "/api/v1/accounts", api.AccountNew{Name: strings.TrimSpace(f.name), Role: f.role, Scope: scope}, p.showPassword)
		return
	}
	role := f.role
	name := f.existing.Name
	p.act("PATCH", accountPath(name), api.AccountUpdate{Role: &role, Scope: &scope}, func(ctx app.Context, r response) {
		p.form, p.notice = nil, fmt.Sprintf(msg.Admin.AccountSaved, name)
	})
}

func (p *accountsPage) formView() app.UI {
	f := p.form
	title := msg.Admin.AccountsAdd
	if f.existing != nil {
		title = fmt.Sprintf(msg.Admin.AccountEdit, f.existing.Name)
	}
	return app.Section().Class("panel account-form").Aria("labelledby", "account-form-title").Body(
		app.H2().ID("account-form-title").Text(title),
		app.Form().Class("form").OnSubmit(p.submitForm).Body(
			app.If(f.existing == nil, func() app.UI {
				return app.Div().Class("field").Body(
					app.Label().For("account-name").Text(msg.Admin.AccountName),
					app.Input().ID("account-name").Type("text").Required(true).Value(f.name).
						Attr("autocapitalize", "none").Attr("autocomplete", "off").Attr("spellcheck", "false").
						OnInput(func(ctx app.Context, e app.Event) { p.form.name = ctx.JSSrc().Get("value").String() }),
				)
			}),
			app.Div().Class("field").Body(
				app.Label().For("account-role").Text(msg.Admin.AccountRole),
				app.Select().ID("account-role").OnChange(func(ctx app.Context, e app.Event) { p.form.role = ctx.JSSrc().Get("value").String() }).Body(
					app.Range(api.Roles).Slice(func(i int) app.UI {
						r := api.Roles[i]
						return app.Option().Value(r).Text(msg.Roles[r]).Selected(f.role == r)
					}),
				),
			),
			p.scopeView(),
			app.Div().Class("actions").Body(
				app.Button().Class("button").Type("submit").Disabled(p.busy).Aria("busy", p.busy).Body(
					app.If(f.existing == nil, func() app.UI { return app.Text(msg.Admin.AccountCreate) }).
						Else(func() app.UI { return app.Text(msg.Admin.AccountSave) })),
				app.Button().Class("button button-quiet").Type("button").Text(msg.Cancel).OnClick(func(ctx app.Context, e app.Event) { p.form = nil }),
			),
		),
	)
}

// listOf is the scope's list an element's data-list (or data-to) names.
func (f *accountForm) listOf(id string) *[]string {
	switch id {
	case "scope-groups":
		return &f.scope.Groups
	case "scope-members":
		return &f.scope.MembersOf
	}
	return &f.scope.Users
}

// removeFromScope takes an item out of its list (data-list, data-item: see dataOf).
func (p *accountsPage) removeFromScope(ctx app.Context, e app.Event) {
	list, item := p.form.listOf(dataOf(ctx, "list")), dataOf(ctx, "item")
	*list = slices.DeleteFunc(*list, func(s string) bool { return s == item })
}

// addToScope puts a found group into the list the button names (data-to).
func (p *accountsPage) addToScope(ctx app.Context, e app.Event) {
	list, id := p.form.listOf(dataOf(ctx, "to")), dataOf(ctx, "group")
	if !slices.Contains(*list, id) {
		*list = append(*list, id)
	}
}

// scopeView shows the scope being built: everything, or lists of groups,
// members of groups and users, each item removable.
func (p *accountsPage) scopeView() app.UI {
	f := p.form
	list := func(id, label string, items []string) app.UI {
		return app.Div().Class("scope-list").Body(
			app.H3().ID(id).Text(label),
			app.If(len(items) == 0, func() app.UI { return app.P().Class("empty").Text(msg.Admin.ScopeEmpty) }),
			app.Ul().Class("chips").Aria("labelledby", id).Body(app.Range(items).Slice(func(i int) app.UI {
				return app.Li().Class("chip").DataSet("list", id).DataSet("item", items[i]).Body(
					app.Span().Text(items[i]),
					app.Button().Class("chip-remove").Type("button").Aria("label", fmt.Sprintf(msg.Admin.ScopeRemove, items[i])).Text("×").
						OnClick(p.removeFromScope),
				)
			})),
		)
	}
	return app.FieldSet().Class("scope").Body(
		app.Legend().Text(msg.Admin.AccountScope),
		app.Label().Class("checkbox").Body(
			app.Input().Type("checkbox").ID("scope-all").Checked(f.scope.All).
				OnChange(func(ctx app.Context, e app.Event) { p.form.scope.All = ctx.JSSrc().Get("checked").Bool() }),
			app.Span().Text(msg.Admin.ScopeAll),
		),
		app.If(!f.scope.All, func() app.UI {
			return app.Div().Body(
				list("scope-groups", msg.Admin.ScopeGroups, f.scope.Groups),
				list("scope-members", msg.Admin.ScopeMembersOf, f.scope.MembersOf),
				list("scope-users", msg.Admin.ScopeUsers, f.scope.Users),
				app.Div().Class("field").Body(
					app.Label().For("scope-find").Text(msg.Admin.ScopeFindGroup),
					app.Div().Class("inline").Body(
						app.Input().ID("scope-find").Type("search").Placeholder(msg.Admin.ScopeFindHint).Value(f.query).
							Attr("autocomplete", "off").OnInput(func(ctx app.Context, e app.Event) { p.form.query = ctx.JSSrc().Get("value").String() }),
						app.Button().Class("button button-quiet").Type("button").Text(msg.Admin.ScopeFind).Disabled(f.finding).OnClick(p.findGroups),
					),
				),
				app.If(f.err != nil, func() app.UI { return errorView(f.err, nil) }),
				app.Ul().Class("scope-found").Body(app.Range(f.found).Slice(func(i int) app.UI {
					g := f.found[i]
					return app.Li().DataSet("group", g.ID).Body(
						app.Span().Text(g.Name+" · "+g.ID),
						app.Button().Class("button button-quiet").Type("button").Text(fmt.Sprintf(msg.Admin.ScopeAddGroup, g.Name)).
							Disabled(slices.Contains(f.scope.Groups, g.ID)).DataSet("to", "scope-groups").OnClick(p.addToScope),
						app.Button().Class("button button-quiet").Type("button").Text(fmt.Sprintf(msg.Admin.ScopeAddMembers, g.Name)).
							Disabled(slices.Contains(f.scope.MembersOf, g.ID)).DataSet("to", "scope-members").OnClick(p.addToScope),
					)
				})),
				app.Div().Class("field").Body(
					app.Label().For("scope-user").Text(msg.Admin.ScopeUserID),
					app.Div().Class("inline").Body(
						app.Input().ID("scope-user").Type("text").Value(f.userID).Attr("autocapitalize", "none").Attr("autocomplete", "off").
							Aria("describedby", "scope-user-error").
							OnInput(func(ctx app.Context, e app.Event) { p.form.userID = ctx.JSSrc().Get("value").String() }),
						app.Button().Class("button button-quiet").Type("button").Text(msg.Admin.ScopeAddUser).OnClick(p.addUser),
					),
					app.P().ID("scope-user-error").Class("field-error").Role("alert").Text(f.userErr),
				),
			)
		}),
	)
}
