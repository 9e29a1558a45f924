package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// signInPage asks for the account name and password, and goes back to the
// page the user came from.
type signInPage struct {
	app.Compo

	username, password string
	busy               bool
	err                *api.Error
}

func (p *signInPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(msg.SignInTitle + " · " + msg.AppName)
}

// OnMount puts back what was typed into the server-rendered form before the
// app took over.
func (p *signInPage) OnMount(ctx app.Context) {
	if v, ok := typedBeforeStart("signin-username"); ok && p.username == "" {
		p.username = v
	}
	if v, ok := typedBeforeStart("signin-password"); ok && p.password == "" {
		p.password = v
	}
	refocusAfterStart(ctx)
}

func (p *signInPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(msg.SignInTitle + " · " + msg.AppName)
}

// next is where to go after signing in: a path on this site only.
func (p *signInPage) next(ctx app.Context) string {
	n := ctx.Page().URL().Query().Get("next")
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return pathHome
	}
	return n
}

func (p *signInPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy {
		return
	}
	p.busy, p.err = true, nil
	in := api.SignIn{Username: strings.TrimSpace(p.username), Password: p.password}
	ctx.Async(func() {
		r := callAPI("POST", "/api/v1/session", in, nil)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if !r.ok() {
				p.err = r.err
				if r.status == 429 {
					secs, _ := strconv.Atoi(r.retryAfter)
					p.err = &api.Error{Message: fmt.Sprintf(msg.SignInThrottled, max(secs, 1))}
				}
				return
			}
			var sess api.Session
			if r.decode(&sess) == nil {
				currentSession = &sess
			}
			p.password = ""
			// Back from the next page skips the sign-in form.
			if sess.MustChangePassword {
				replaceTo(pathPassword + "?next=" + url.QueryEscape(p.next(ctx)))
				return
			}
			replaceTo(p.next(ctx))
		})
	})
}

func (p *signInPage) Render() app.UI {
	return newShell().Path(pathSignIn).Content(
		app.Div().Class("signin").Body(
			app.H1().Text(msg.SignInTitle),
			app.P().Class("lead").Text(msg.SignInIntro),
			app.Form().Class("form").OnSubmit(p.submit).Body(
				app.Label().For("signin-username").Text(msg.Username),
				app.Input().ID("signin-username").Name("username").Type("text").Attr("autocomplete", "username").
					Attr("autocapitalize", "none").Attr("spellcheck", "false").Required(true).Value(p.username).
					OnInput(func(ctx app.Context, e app.Event) { p.username = ctx.JSSrc().Get("value").String() }),
				app.Label().For("signin-password").Text(msg.Password),
				app.Input().ID("signin-password").Name("password").Type("password").Attr("autocomplete", "current-password").
					Required(true).Value(p.password).
					OnInput(func(ctx app.Context, e app.Event) { p.password = ctx.JSSrc().Get("value").String() }),
				app.If(p.err != nil, func() app.UI { return errorView(p.err, nil) }),
				app.Button().Class("button button-wide").Type("submit").Disabled(p.busy).Aria("busy", p.busy).Body(
					app.If(p.busy, func() app.UI { return app.Text(msg.SigningIn) }).Else(func() app.UI { return app.Text(msg.SignIn) }),
				),
			),
		),
	)
}
