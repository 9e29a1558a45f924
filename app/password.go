package main

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// Password length, as the server counts it (bytes).
const minPasswordBytes, maxPasswordBytes = 12, 72

// passwordPage sets the signed-in account's own password: required after
// signing in with a one-time password, open to anyone otherwise.
type passwordPage struct {
	base
	current, next, repeat string
	busy, done            bool
}

func (p *passwordPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(title(message("Admin.PasswordTitle")))
}

func (p *passwordPage) OnNav(ctx app.Context) {
	p.begin(ctx)
	ctx.Page().SetTitle(title(message("Admin.PasswordTitle")))
}

func (p *passwordPage) act(ctx app.Context, ev event) {
	switch ev.name {
	case "current":
		p.current = ev.value
	case "next":
		p.next = ev.value
	case "repeat":
		p.repeat = ev.value
	case "submit":
		switch {
		case len(p.next) < minPasswordBytes:
			p.err = &api.Error{Field: "new", Message: tr("Admin.PasswordShort", len(p.next), minPasswordBytes)}
			return
		case p.next != p.repeat:
			p.err = &api.Error{Field: "repeat", Message: message("Admin.PasswordMismatch")}
			return
		}
		p.busy, p.err = true, nil
		p.send(p, "change", "POST", "/api/v1/session/password", api.PasswordChange{Current: p.current, New: p.next}, nil)
	}
}

func (p *passwordPage) got(ctx app.Context, what string, r response) {
	p.busy = false
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
}

var passwordView = &view{src: `<div class="signin">
  <h1>{@Admin.PasswordTitle}</h1>
  <p class="{0}" role="{1}">{2}</p>
  {3}
  <form class="form" on:submit="submit">
    <div class="field"><label for="password-current">{11}</label>
      <input id="password-current" type="password" autocomplete="current-password" required value="{4}" on:input="current"></div>
    <div class="field"><label for="password-new">{@Admin.PasswordNew}</label>
      <input id="password-new" type="password" autocomplete="new-password" required value="{5}" on:input="next"></div>
    <p class="hint" id="password-rule">{@Admin.PasswordRule 6 7}</p>
    <div class="field"><label for="password-repeat">{@Admin.PasswordRepeat}</label>
      <input id="password-repeat" type="password" autocomplete="new-password" required value="{8}" on:input="repeat"></div>
    {9}
    <button class="button button-wide" type="submit" disabled={10} aria-busy={10}>{@Admin.PasswordSave}</button>
  </form>
</div>`}

var okNote = &view{src: `<p class="alert alert-ok" role="status">{0}</p>`}

func (p *passwordPage) Render() app.UI {
	first := currentSession != nil && currentSession.MustChangePassword
	var done app.UI
	if p.done {
		done = okNote.ui(p, message("Admin.PasswordChanged"))
	}
	return newShell().Path(pathPassword).Content(passwordView.ui(p,
		pick(first, "alert", "lead"), pick(first, "status", ""), message(pick(first, "Admin.PasswordFirst", "Admin.PasswordIntro")),
		done, p.current, p.next, minPasswordBytes, maxPasswordBytes, p.repeat, errorView(p, p.err), p.busy,
		message(pick(first, "Admin.PasswordOneTime", "Admin.PasswordCurrent"))))
}
