package main

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// signInPage asks for the account name and password, and goes back to the
// page the person came from.
type signInPage struct {
	base
	username, password string
	busy               bool
}

func (p *signInPage) OnPreRender(ctx app.Context) { ctx.Page().SetTitle(title(message("SignInTitle"))) }

func (p *signInPage) OnNav(ctx app.Context) {
	p.begin(ctx)
	ctx.Page().SetTitle(title(message("SignInTitle")))
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

// next is where to go after signing in: a path on this site only.
func (p *signInPage) next(ctx app.Context) string {
	n := ctx.Page().URL().Query().Get("next")
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return pathHome
	}
	return n
}

func (p *signInPage) act(ctx app.Context, ev event) {
	switch ev.name {
	case "username":
		p.username = ev.value
	case "password":
		p.password = ev.value
	case "submit":
		if p.busy {
			return
		}
		p.busy, p.err = true, nil
		p.send(p, "signin", "POST", "/api/v1/session", api.SignIn{Username: strings.TrimSpace(p.username), Password: p.password}, nil)
	}
}

func (p *signInPage) got(ctx app.Context, what string, r response) {
	p.busy = false
	if !r.ok() {
		p.err = r.err
		if r.status == 429 {
			secs, _ := strconv.Atoi(r.retryAfter)
			p.err = &api.Error{Message: tr("SignInThrottled", max(secs, 1))}
		}
		return
	}
	var sess api.Session
	if r.decode(&sess) == nil {
		currentSession = &sess
		signedIn(ctx, sess.Username) // what another account kept here goes (kept.go)
	}
	signInNote, draftKept = "", false
	p.password = ""
	// Back from the next page skips the sign-in form.
	if sess.MustChangePassword {
		replaceTo(pathPassword + "?next=" + url.QueryEscape(p.next(ctx)))
		return
	}
	replaceTo(p.next(ctx))
}

var sessionEndedNote = &view{src: `<div class="alert alert-info" role="status"><p>{0}</p>{1}</div>`}
var draftKeptLine = &view{src: `<p>{@SignInDraftKept}</p>`}

var signInView = &view{src: `<div class="signin">
  <h1>{@SignInTitle}</h1>
  <p class="lead">{@SignInIntro}</p>
  {5}
  <form class="form" on:submit="submit">
    <label for="signin-username">{@Username}</label>
    <input id="signin-username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="{0}" on:input="username">
    <label for="signin-password">{@Password}</label>
    <input id="signin-password" name="password" type="password" autocomplete="current-password" required value="{1}" on:input="password">
    {2}
    <button class="button button-wide" type="submit" disabled={3} aria-busy={3}>{4}</button>
  </form>
</div>`}

func (p *signInPage) Render() app.UI {
	return newShell().Path(pathSignIn).Content(
		signInView.ui(p, p.username, p.password, errorView(p, p.err), p.busy, message(pick(p.busy, "SigningIn", "SignIn")), p.note()))
}

// note says why the session ended, when the panel knows, and that the
// unsaved edits were kept.
func (p *signInPage) note() app.UI {
	if signInNote == "" && !draftKept {
		return nil
	}
	return sessionEndedNote.ui(p, pick(signInNote != "", signInNote, message("SignInEnded")), when(draftKept, draftKeptLine.ui(p)))
}
