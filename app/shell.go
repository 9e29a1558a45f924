package main

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// currentSession is the signed-in account, once known. It lives as long as
// the page: a reload asks the server again.
var currentSession *api.Session

// unsavedChanges is set by a page with edits not yet saved, so that leaving
// it asks first.
var unsavedChanges bool

// shell is the frame around every page: header with the account and
// sign-out, demo banner, update prompt, navigation and the page's content.
// Pages other than sign-in need a session: without one the shell sends the
// browser to sign in and back.
type shell struct {
	app.Compo

	Ipath    string // the page's route, to mark the current navigation link
	Icontent []app.UI

	updateAvailable bool
	session         *api.Session
}

func newShell() *shell { return &shell{} }

// Path sets the route of the page the shell frames.
func (s *shell) Path(p string) *shell { s.Ipath = p; return s }

// Content sets the page's content.
func (s *shell) Content(ui ...app.UI) *shell { s.Icontent = ui; return s }

func (s *shell) OnMount(ctx app.Context) {
	s.updateAvailable = ctx.AppUpdateAvailable()
	// Only the running WebAssembly sets this marker; the prerendered page
	// lacks it, so tests (and scripts) can tell a live page from its snapshot.
	app.Window().Get("document").Get("documentElement").Call("setAttribute", "data-imdesk", "ready")
	if s.Ipath == pathSignIn {
		return
	}
	if currentSession != nil {
		s.session = currentSession
		return
	}
	ctx.Async(func() {
		r := callAPI("GET", "/api/v1/session", nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			if needSignIn(ctx, r) {
				return
			}
			var sess api.Session
			if r.ok() && r.decode(&sess) == nil {
				currentSession, s.session = &sess, &sess
			}
		})
	})
}

func (s *shell) OnAppUpdate(ctx app.Context) {
	s.updateAvailable = ctx.AppUpdateAvailable()
}

func (s *shell) reload(ctx app.Context, e app.Event) { ctx.Reload() }

func (s *shell) signOut(ctx app.Context, e app.Event) {
	if !confirmLeave() {
		return
	}
	ctx.Async(func() {
		callAPI("DELETE", "/api/v1/session", nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			currentSession, unsavedChanges = nil, false
			ctx.Navigate(pathSignIn)
		})
	})
}

// guardLeave stops a navigation link when the page has unsaved changes and
// the user does not confirm leaving.
func (s *shell) guardLeave(ctx app.Context, e app.Event) {
	if !confirmLeave() {
		e.PreventDefault()
		e.Call("stopPropagation") // keeps go-app's own link handler from navigating
	}
}

// confirmLeave asks before unsaved changes are lost.
func confirmLeave() bool {
	if !unsavedChanges {
		return true
	}
	if app.Window().Call("confirm", msg.LeaveUnsaved).Bool() {
		setUnsaved(false)
		return true
	}
	return false
}

// setUnsaved records whether the page has unsaved changes, and makes the
// browser ask before closing or reloading it while it does.
func setUnsaved(v bool) {
	if v == unsavedChanges {
		return
	}
	unsavedChanges = v
	if v {
		app.Window().Call("addEventListener", "beforeunload", beforeUnload)
	} else {
		app.Window().Call("removeEventListener", "beforeunload", beforeUnload)
	}
}

var beforeUnload = app.FuncOf(func(this app.Value, args []app.Value) any {
	args[0].Call("preventDefault")
	args[0].Set("returnValue", "")
	return nil
})

func (s *shell) Render() app.UI {
	class := "shell"
	if s.Ipath == pathSignIn {
		class += " shell-bare"
	}
	return app.Div().Class(class).Body(
		app.A().Class("skip-link").Href("#main").Text(msg.SkipToContent),
		app.Div().Class("top").Body(
			app.Header().Class("topbar").Body(
				app.A().Class("brand").Href(pathHome).OnClick(s.guardLeave).Body(
					app.Img().Src("/web/icon.svg").Role("presentation").Width(32).Height(32),
					app.Span().Text(msg.AppName),
				),
				app.Span().Class("tagline").Text(msg.AppTagline),
				app.If(s.session != nil, func() app.UI {
					return app.Div().Class("account").Body(
						app.Span().Class("whoami").Text(fmt.Sprintf(msg.SignedInAs, s.session.Username, msg.Roles[s.session.Role])),
						app.Button().Class("button button-quiet").Type("button").Text(msg.SignOut).OnClick(s.signOut),
					)
				}),
			),
			app.If(demoMode(), func() app.UI {
				return app.P().Class("banner banner-demo").Text(msg.DemoBanner)
			}),
			app.If(s.updateAvailable, func() app.UI {
				return app.Div().Class("banner banner-update").Role("status").Body(
					app.Span().Text(msg.UpdateReady),
					app.Button().Class("button").Type("button").Text(msg.UpdateReload).OnClick(s.reload),
				)
			}),
		),
		app.If(s.Ipath != pathSignIn, func() app.UI {
			return app.Nav().Class("nav").Aria("label", msg.NavLabel).Body(
				app.Ul().Body(
					app.Range(navOrder).Slice(func(i int) app.UI {
						p := navOrder[i]
						link := app.A().Href(p).Text(msg.Sections[p].Title).OnClick(s.guardLeave)
						if p == s.Ipath || (p == pathGroups && s.Ipath == pathGroup) {
							link = link.Aria("current", "page")
						}
						return app.Li().Body(link)
					}),
				),
			)
		}),
		app.Main().ID("main").Class("content").Body(s.Icontent...),
	)
}

// demoMode reports whether the server runs against its built-in simulator.
// The server passes the mode through the go-app environment, which is public.
func demoMode() bool { return app.Getenv("IMDESK_MODE") == "demo" }

// viewState is what a page that loads something shows.
type viewState int

const (
	stateLoading viewState = iota
	stateReady
	stateFailed
)

// loadingView says that something is on its way.
func loadingView() app.UI {
	return app.P().Class("loading").Role("status").Aria("busy", "true").Body(
		app.Span().Class("spinner").Aria("hidden", "true"),
		app.Span().Text(msg.Loading),
	)
}

// errorView shows an API error: the plain message and the request id.
func errorView(e *api.Error, retry app.EventHandler) app.UI {
	return app.Div().Class("alert alert-error").Role("alert").Body(
		app.P().Text(e.Message),
		app.If(e.RequestID != "", func() app.UI {
			return app.P().Class("request-id").Text(fmt.Sprintf(msg.RequestID, e.RequestID))
		}),
		app.If(retry != nil, func() app.UI {
			return app.Button().Class("button").Type("button").Text(msg.TryAgain).OnClick(retry)
		}),
	)
}
