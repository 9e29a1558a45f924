package main

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// Password length, as the server counts it (bytes).
const minPasswordBytes, maxPasswordBytes = 12, 72

// passwordPage sets the signed-in account's own password: required after
// signing in with a one-time password, open to anyone otherwise.
type passwordPage struct {
	app.Compo

	current, next, repeat string
	busy, done            bool
	err                   *api.Error
}

func (p *passwordPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(msg.Admin.PasswordTitle + " · " + msg.AppName)
}
func (p *passwordPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(msg.Admin.PasswordTitle + " · " + msg.AppName)
}

func (p *passwordPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	switch {
	case len(p.next) < minPasswordBytes:
		p.err = &api.Error{Field: "new", Message: fmt.Sprintf(msg.Admin.PasswordShort, len(p.next), minPasswordBytes)}
		return
	case p.next != p.repeat:
		p.err = &api.Error{Field: "repeat", Message: msg.Admin.PasswordMismatch}
		return
	}
	p.busy, p.err = true, nil
	in := api.PasswordChange{Current: p.current, New: p.next}
	ctx.Async(func() {
		r := callAPI("POST", "/api/v1/session/password", in, nil)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if needSignIn(ctx, r) {
				return
			}
			var sess api.Session
			if e := r.decode(&sess); e != nil {
				p.err = e
				return
			}
			currentSession = &sess
			p.current, p.next, p.repeat, p.done = "", "", "", true
			next := ctx.Page().URL().Query().Get("next")
			if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && next != pathPassword {
				ctx.Navigate(next)
			}
		})
	})
}

func (p *passwordPage) Render() app.UI {
	first := currentSession != nil && currentSession.MustChangePassword
	field := func(id, label, autocomplete string, value *string) app.UI {
		return app.Div().Class("field").Body(
			app.Label().For(id).Text(label),
			app.Input().ID(id).Type("password").Attr("autocomplete", autocomplete).Required(true).Value(*value).
				OnInput(func(ctx app.Context, e app.Event) { *value = ctx.JSSrc().Get("value").String() }),
		)
	}
	return newShell().Path(pathPassword).Content(
		app.Div().Class("signin").Body(
			app.H1().Text(msg.Admin.PasswordTitle),
			app.If(first, func() app.UI { return app.P().Class("alert").Role("status").Text(msg.Admin.PasswordFirst) }).
				Else(func() app.UI { return app.P().Class("lead").Text(msg.Admin.PasswordIntro) }),
			app.If(p.done, func() app.UI { return app.P().Class("alert alert-ok").Role("status").Text(msg.Admin.PasswordChanged) }),
			app.Form().Class("form").OnSubmit(p.submit).Body(
				field("password-current", msg.Admin.PasswordCurrent, "current-password", &p.current),
				field("password-new", msg.Admin.PasswordNew, "new-password", &p.next),
				app.P().Class("hint").Text(fmt.Sprintf(msg.Admin.PasswordRule, minPasswordBytes, maxPasswordBytes)),
				field("password-repeat", msg.Admin.PasswordRepeat, "new-password", &p.repeat),
				app.If(p.err != nil, func() app.UI { return errorView(p.err, nil) }),
				app.Button().Class("button button-wide").Type("submit").Disabled(p.busy).Aria("busy", p.busy).Text(msg.Admin.PasswordSave),
			),
		),
	)
}
