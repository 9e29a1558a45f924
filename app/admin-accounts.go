package main

import (
	"fmt"
	"net/url"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// accountsPage is the admin's list of panel accounts: who they are, what
// they may do, whether they are signed in; and the actions on each.
type accountsPage struct {
	app.Compo

	state  viewState
	err    *api.Error
	list   []api.Account
	notice string

	form    *accountForm         // the account being added or changed, if any
	confirm *pendingAction       // an action waiting for confirmation
	shown   *api.OneTimePassword // a one-time password being shown, once
	busy    bool
	actErr  *api.Error

	// ctx is the page's own context. Answers to an action are dispatched
	// through it: go-app drops a dispatch whose source element is gone, and
	// the form or dialog an action came from is gone by then.
	ctx app.Context
}

// pendingAction is a destructive action the admin must confirm.
type pendingAction struct {
	text, label string
	run         func()
}

func (p *accountsPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(msg.Admin.AccountsTitle + " · " + msg.AppName)
}

func (p *accountsPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(msg.Admin.AccountsTitle + " · " + msg.AppName)
	if !app.IsServer {
		p.ctx = ctx
		p.load()
	}
}

func (p *accountsPage) load() {
	p.state, p.err = stateLoading, nil
	ctx := p.ctx
	ctx.Async(func() {
		r := callAPI("GET", "/api/v1/accounts", nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			if needSignIn(ctx, r) {
				return
			}
			var list []api.Account
			if e := r.decode(&list); e != nil {
				p.state, p.err = stateFailed, e
				return
			}
			p.state, p.list = stateReady, list
		})
	})
}

func accountPath(name string) string { return "/api/v1/accounts/" + url.PathEscape(name) }

// act calls the API for an action on an account and shows the result.
func (p *accountsPage) act(method, path string, body any, done func(ctx app.Context, r response)) {
	p.busy, p.actErr, p.notice, p.confirm = true, nil, "", nil
	ctx := p.ctx
	ctx.Async(func() {
		r := callAPI(method, path, body, nil)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if needSignIn(ctx, r) {
				return
			}
			if !r.ok() {
				p.actErr = r.err
				return
			}
			done(ctx, r)
			p.load()
		})
	})
}

func (p *accountsPage) showPassword(ctx app.Context, r response) {
	var out api.OneTimePassword
	if e := r.decode(&out); e != nil {
		p.actErr = e
		return
	}
	p.shown, p.form = &out, nil
	ctx.Defer(func(app.Context) { focus("password-shown-title") })
}

// Handlers inside a list read which account they act on from the
// button's data-account attribute at the time of the click: go-app keeps
// an element's old handler when the new one comes from the same function
// literal, so a handler that captured its account could act on another
// once the list changes.

// dataOf is the value of the clicked element's data-NAME attribute.
func dataOf(ctx app.Context, name string) string {
	return ctx.JSSrc().Call("closest", "[data-"+name+"]").Call("getAttribute", "data-"+name).String()
}

// clicked is the account a list button acts on.
func (p *accountsPage) clicked(ctx app.Context) (api.Account, bool) {
	name := dataOf(ctx, "account")
	for _, a := range p.list {
		if a.Name == name {
			return a, true
		}
	}
	return api.Account{}, false
}

func (p *accountsPage) edit(ctx app.Context, e app.Event) {
	if a, ok := p.clicked(ctx); ok {
		p.form = newAccountForm(&a)
		ctx.Defer(func(app.Context) { focus("account-role") })
	}
}

func (p *accountsPage) resetPassword(ctx app.Context, e app.Event) {
	a, ok := p.clicked(ctx)
	if !ok {
		return
	}
	p.ask(ctx, fmt.Sprintf(msg.Admin.ConfirmReset, a.Name), msg.Admin.AccountReset, func() {
		p.act("POST", accountPath(a.Name)+"/password", nil, p.showPassword)
	})
}

func (p *accountsPage) endSessions(ctx app.Context, e app.Event) {
	a, ok := p.clicked(ctx)
	if !ok {
		return
	}
	p.act("DELETE", accountPath(a.Name)+"/sessions", nil, func(ctx app.Context, r response) {
		p.notice = fmt.Sprintf(msg.Admin.AccountEnded, a.Name)
	})
}

func (p *accountsPage) toggleDisabled(ctx app.Context, e app.Event) {
	a, ok := p.clicked(ctx)
	if !ok {
		return
	}
	disabled := !a.Disabled
	run := func() {
		p.act("PATCH", accountPath(a.Name), api.AccountUpdate{Disabled: &disabled}, func(ctx app.Context, r response) {
			p.notice = fmt.Sprintf(msg.Admin.AccountSaved, a.Name)
		})
	}
	if !disabled {
		run()
		return
	}
	p.ask(ctx, fmt.Sprintf(msg.Admin.ConfirmDisable, a.Name), msg.Admin.AccountDisable, run)
}

// ask shows a confirmation before a destructive action.
func (p *accountsPage) ask(ctx app.Context, text, label string, run func()) {
	p.confirm = &pendingAction{text: text, label: label, run: run}
	ctx.Defer(func(app.Context) { focus("confirm-title") })
}

func (p *accountsPage) Render() app.UI {
	return newShell().Path(pathAccounts).Content(
		app.H1().Text(msg.Admin.AccountsTitle),
		app.P().Class("lead").Text(msg.Admin.AccountsIntro),
		app.If(p.notice != "", func() app.UI { return app.P().Class("alert alert-ok").Role("status").Text(p.notice) }),
		app.If(p.actErr != nil, func() app.UI { return errorView(p.actErr, nil) }),
		app.If(p.form == nil, func() app.UI {
			return app.Button().Class("button").Type("button").Text(msg.Admin.AccountsAdd).OnClick(func(ctx app.Context, e app.Event) {
				p.form = newAccountForm(nil)
				ctx.Defer(func(app.Context) { focus("account-name") })
			})
		}).Else(func() app.UI { return p.formView() }),
		p.listView(),
		p.dialogs(),
	)
}

func (p *accountsPage) listView() app.UI {
	if v := stateView(p.state, p.err, func(app.Context, app.Event) { p.load() }); v != nil {
		return v
	}
	if len(p.list) == 0 {
		return app.P().Class("empty").Text(msg.Admin.AccountsNone)
	}
	return app.Ul().Class("account-list").Body(app.Range(p.list).Slice(func(i int) app.UI {
		a := p.list[i]
		last := msg.Admin.AccountNeverIn
		if a.LastSignIn != nil {
			last = fmt.Sprintf(msg.Admin.AccountLastIn, localTime(*a.LastSignIn))
		}
		return app.Li().Class("account-card").DataSet("account", a.Name).Body(
			app.H2().Text(a.Name),
			app.P().Class("account-meta").Body(
				app.Span().Class("tag").Text(msg.Roles[a.Role]),
				app.If(a.Disabled, func() app.UI { return app.Span().Class("tag tag-warn").Text(msg.Admin.AccountDisabled) }),
				app.If(a.MustChangePassword, func() app.UI { return app.Span().Class("tag").Text(msg.Admin.AccountOneTime) }),
			),
			app.P().Text(msg.Admin.AccountScope+": "+a.ScopeWords),
			app.P().Class("account-meta").Text(last+" · "+fmt.Sprintf(msg.Admin.AccountSessions, a.Sessions)),
			app.Div().Class("actions").Body(
				app.Button().Class("button button-quiet").Type("button").Text(fmt.Sprintf(msg.Admin.AccountEdit, a.Name)).
					Disabled(p.busy).OnClick(p.edit),
				app.Button().Class("button button-quiet").Type("button").Text(msg.Admin.AccountReset).
					Aria("label", msg.Admin.AccountReset+": "+a.Name).Disabled(p.busy).OnClick(p.resetPassword),
				app.Button().Class("button button-quiet").Type("button").Text(msg.Admin.AccountEndSess).
					Aria("label", msg.Admin.AccountEndSess+": "+a.Name).Disabled(p.busy || a.Sessions == 0).OnClick(p.endSessions),
				app.If(a.Disabled, func() app.UI {
					return app.Button().Class("button button-quiet").Type("button").Text(msg.Admin.AccountEnable).
						Aria("label", msg.Admin.AccountEnable+": "+a.Name).Disabled(p.busy).OnClick(p.toggleDisabled)
				}).Else(func() app.UI {
					return app.Button().Class("button button-danger").Type("button").Text(msg.Admin.AccountDisable).
						Aria("label", msg.Admin.AccountDisable+": "+a.Name).Disabled(p.busy).OnClick(p.toggleDisabled)
				}),
			),
		)
	}))
}

// dialogs shows a confirmation, or a one-time password, over the page.
func (p *accountsPage) dialogs() app.UI {
	var title string
	var body []app.UI
	switch {
	case p.shown != nil:
		name := p.shown.Account.Name
		title = fmt.Sprintf(msg.Admin.PasswordShown, name)
		body = []app.UI{
			app.P().Class("one-time-password").Body(app.Code().ID("one-time-password").Text(p.shown.Password)),
			app.P().Text(fmt.Sprintf(msg.Admin.PasswordOnce, name)),
			app.Div().Class("actions").Body(
				app.Button().Class("button button-quiet").Type("button").Text(msg.Admin.PasswordCopy).OnClick(func(ctx app.Context, e app.Event) {
					if cb := app.Window().Get("navigator").Get("clipboard"); cb.Truthy() {
						cb.Call("writeText", p.shown.Password)
					}
				}),
				app.Button().Class("button").Type("button").Text(msg.Admin.PasswordDone).OnClick(func(ctx app.Context, e app.Event) { p.shown = nil }),
			),
		}
	case p.confirm != nil:
		title = msg.Admin.AccountsTitle
		body = []app.UI{
			app.P().Text(p.confirm.text),
			app.Div().Class("actions").Body(
				app.Button().Class("button button-danger").Type("button").Text(p.confirm.label).OnClick(func(ctx app.Context, e app.Event) { p.confirm.run() }),
				app.Button().Class("button button-quiet").Type("button").Text(msg.Cancel).OnClick(func(ctx app.Context, e app.Event) { p.confirm = nil }),
			),
		}
	default:
		return nil
	}
	id := "confirm-title"
	if p.shown != nil {
		id = "password-shown-title"
	}
	return app.Div().Class("dialog-backdrop").Body(
		app.Div().Class("dialog").Role("dialog").Aria("modal", "true").Aria("labelledby", id).
			Body(append([]app.UI{app.H2().ID(id).TabIndex(-1).Text(title)}, body...)...),
	)
}

// localTime shows a time in the browser's time zone, naming the zone.
func localTime(t time.Time) string {
	if app.IsServer {
		return t.UTC().Format("2006-01-02 15:04 UTC")
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}
