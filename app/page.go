package main

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// A page is a go-app component that embeds base, renders views, and gets
// two kinds of news, each named: act for what the person did (on:event in
// its views) and got for an answer of the API (send). One switch per kind
// instead of a closure per button and per request keeps app.wasm small (see
// view) and the page's logic in one place.
type page interface {
	actor
	got(ctx app.Context, what string, r response)
}

// base is what every page holds besides its own data: its own context (a
// context from an element that has gone, such as a dialog's button, stops
// dispatching, so work that outlives its element starts from this one) and
// the state of its main load.
type base struct {
	app.Compo
	ctx   app.Context
	state viewState
	err   *api.Error
	onKey app.Func // Escape, wherever the focus is (onEscape)
	loads int      // main loads started, so that a late timer knows its own (offline.go)
	slow  bool     // the main load has waited longer than slowAfter
	// keptAt is when the oldest kept answer the page shows instead of
	// one it could not load offline was loaded (kept.go); zero when none.
	keptAt time.Time
}

// viewState is what a page that loads something shows.
type viewState int

const (
	stateLoading viewState = iota
	stateReady
	stateFailed
)

// begin keeps the page's context; pages call it from OnNav and OnMount.
func (b *base) begin(ctx app.Context) { b.ctx = ctx }

// onEscape makes the Escape key call close, wherever the focus is (a
// dialog's Cancel); pages call it from OnMount. OnDismount lets go of it.
func (b *base) onEscape(ctx app.Context, close func()) {
	b.begin(ctx)
	b.onKey = app.FuncOf(func(_ app.Value, args []app.Value) any {
		if args[0].Get("key").String() == "Escape" {
			ctx.Dispatch(func(app.Context) { close() })
		}
		return nil
	})
	app.Window().Call("addEventListener", "keydown", b.onKey)
}

func (b *base) OnDismount() {
	if mainLoad.b == b {
		mainLoad.p, mainLoad.b = nil, nil
	}
	if b.onKey != nil {
		app.Window().Call("removeEventListener", "keydown", b.onKey)
		b.onKey.Release()
		b.onKey = nil
	}
}

// apiCall is how pages reach the API; a page's tests answer in its place
// (pages_test.go).
var apiCall = callAPI

// send calls the API off the UI goroutine and hands the answer to the page's
// got under what, unless the session has ended (then the browser goes to
// sign in). header may be nil.
func (b *base) send(p page, what, method, path string, body any, header map[string]string) {
	ctx := b.ctx
	answered := func() {}
	if method != "GET" {
		answered = changeSent(ctx) // said in the shell if it hangs (offline.go)
	}
	ctx.Async(func() {
		r := apiCall(method, path, body, header)
		answered()
		ctx.Dispatch(func(ctx app.Context) {
			if method == "GET" {
				r = b.kept(ctx, path, r) // kept, or given back offline (kept.go)
			}
			if r.status == 401 && app.Window().URL().Path != pathSignIn {
				keepDraft(ctx, p) // the session ended: the page's unsaved edits stay on the device
			}
			if !needSignIn(ctx, r) {
				p.got(ctx, what, r)
			}
		})
	})
}

// load starts the page's main load: the page shows loading until got takes
// the answer with fill.
func (b *base) load(p page, what, path string) {
	b.state, b.err, b.keptAt = stateLoading, nil, time.Time{}
	mainLoad.p, mainLoad.b = p, b
	b.watchSlow()
	b.send(p, what, "GET", path, nil, nil)
}

// fill decodes the page's main answer into v and reports whether it could.
func (b *base) fill(r response, v any) bool {
	if e := r.decode(v); e != nil {
		b.state, b.err = stateFailed, e
		return false
	}
	b.state = stateReady
	return true
}

// stateView shows loading, or the failure with "Try again" (act "retry"),
// or nil once the data is there.
func (b *base) stateView(p page) app.UI {
	switch b.state {
	case stateLoading:
		if b.slow {
			return slowView.ui(p)
		}
		return loadingView.ui(p)
	case stateFailed:
		return errorWith(p, b.err, retryButton.ui(p))
	}
	return nil
}

var loadingView = &view{src: `<p class="loading" role="status" aria-busy="true"><span class="spinner" aria-hidden="true"></span><span>{@Loading}</span></p>`}

var errorBox = &view{src: `<div class="alert alert-error" role="alert"><p>{0}</p>{1}{2}</div>`}
var requestIDLine = &view{src: `<p class="request-id">{@RequestID 0}</p>`}
var retryButton = &view{src: `<button class="button" type="button" on:click="retry">{@TryAgain}</button>`}

// errorView shows an API error where every page shows one: the plain
// message, and the request id when the failure is one to report (not a
// refusal the moderator can act on).
func errorView(a actor, e *api.Error) app.UI { return errorWith(a, e, nil) }

// errorWith is errorView with a button after the message.
func errorWith(a actor, e *api.Error, button app.UI) app.UI {
	if e == nil {
		return nil
	}
	var id app.UI
	if e.RequestID != "" && worthReporting(e) {
		id = requestIDLine.ui(a, e.RequestID)
	}
	return errorBox.ui(a, e.Message, id, button)
}

// fieldProblem is where a validation failure shows: under the input of
// the field it names, the input marked. It is the sentence for field — a
// path of the request as server/api names it ("nameCard", "data[1]") —
// from the page's own check with the server's rules (fe) or from the
// server's answer (e, a 400 naming a field), "" when neither is about that
// field or a part of it ("data[1]" takes "data[1].value"). The answer's
// error shows in the page's status area as well, where the focus goes.
func fieldProblem(field string, fe *api.FieldError, e *api.Error) string {
	about := func(path string) bool {
		return path == field || strings.HasPrefix(path, field+".") || strings.HasPrefix(path, field+"[")
	}
	switch {
	case fe != nil && about(fe.Field):
		return sayPhrase(fe.Say)
	case e != nil && e.Field != "" && about(e.Field):
		return e.Message
	}
	return ""
}

// worthReporting tells a failure someone may need to look into (Tencent's
// refusal, the server or the network) from an answer such as a wrong
// password or a missing permission, whose request id is only noise.
func worthReporting(e *api.Error) bool {
	if e.Upstream != nil {
		return true
	}
	switch e.Code {
	case api.CodeInternal, api.CodeUpstreamUnavailable, api.CodeUpstreamTimeout, "unexpected":
		return true
	}
	return false
}

// focus moves the keyboard focus to an element.
func focus(id string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus")
	}
}

// focusLater moves the focus once the page has rendered.
func focusLater(ctx app.Context, id string) { ctx.Defer(func(app.Context) { focus(id) }) }

// when is v when cond holds, else nil: for a view's optional parts.
func when(cond bool, v app.UI) app.UI {
	if cond {
		return v
	}
	return nil
}

// ticks are the boxes ticked in a list of checkboxes, by the key each
// box's data-arg carries first.
type ticks map[string]bool

// tick records a box's change.
func (t ticks) tick(ev event) { t[ev.arg.part(0)] = ev.checked }

var namedListsView = &view{src: `<ul class="cg-list">{0}</ul>`}

// namedLists builds a page's named lists of members (conversation groups,
// friend lists): n lists, none said when there are none; list i has
// size(i) members. row builds member j of list i with its remove button,
// which remove builds only when the moderator may edit (nil otherwise);
// list builds list i around its rows.
func namedLists(a actor, edit bool, none string, n int, size func(i int) int,
	remove func(i, j int) app.UI, row func(i, j int, remove app.UI) app.UI, list func(i int, rows []app.UI) app.UI) app.UI {
	if n == 0 {
		return emptyNote.ui(a, none)
	}
	items := make([]app.UI, n)
	for i := range items {
		rows := make([]app.UI, size(i))
		for j := range rows {
			var rm app.UI
			if edit {
				rm = remove(i, j)
			}
			rows[j] = row(i, j, rm)
		}
		items[i] = list(i, rows)
	}
	return namedListsView.ui(a, items)
}

// pick is a when cond holds, else b.
func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// forAdminsOnly is the body of an administrators' page shown to another
// role: no form and no controls it cannot use, but what the page is for
// and what the account can do instead. nil for an administrator, or
// while the session is not known yet (the server refuses the page's calls
// anyway, and err is that refusal).
func forAdminsOnly(a actor, err *api.Error) app.UI {
	refused := err != nil && err.Code == api.CodePermissionDenied
	switch {
	case currentSession != nil && currentSession.Role != api.RoleAdmin:
		return adminsOnlyNote.ui(a, plainNote.ui(a, message("AdminsOnly."+currentSession.Role)))
	case refused:
		return adminsOnlyNote.ui(a, nil)
	}
	return nil
}

// navAdmin is the OnNav of an administrators' page titled titleKey: it
// loads the page's main answer (what, from path) unless the account is
// known not to be an administrator.
func (b *base) navAdmin(p page, ctx app.Context, titleKey, what, path string) {
	b.begin(ctx)
	ctx.Page().SetTitle(title(message(titleKey)))
	if !app.IsServer && forAdminsOnly(p, nil) == nil {
		b.load(p, what, path)
	}
}

// knowRole, when an administrators' page was refused before the shell
// said who is signed in, asks, so that the page can say what the role can
// do (got "session", with gotSession).
func (b *base) knowRole(p page) {
	if currentSession == nil && b.err != nil && b.err.Code == api.CodePermissionDenied {
		b.send(p, "session", "GET", "/api/v1/session", nil, nil)
	}
}

// gotSession keeps the answer knowRole asked for.
func gotSession(r response) {
	var s api.Session
	if r.decode(&s) == nil && currentSession == nil {
		currentSession = &s
	}
}

var adminsOnlyNote = &view{src: `<div class="alert alert-info" role="status"><p>{@AdminsOnly.Intro}</p>{0}</div>`}
