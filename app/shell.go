package main

import (
	"fmt"
	"net/url"
	"sync"
	"time"

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
	newVersion      string // the version the server serves, when not ours
	reloading       bool
	session         *api.Session
	demoHidden      bool // the moderator hid the demo notice for this browser session
}

// demoHiddenKey keeps the demo notice hidden for the browser session.
const demoHiddenKey = "imdesk.demoHidden"

func newShell() *shell { return &shell{} }

// Path sets the route of the page the shell frames.
func (s *shell) Path(p string) *shell { s.Ipath = p; return s }

// Content sets the page's content.
func (s *shell) Content(ui ...app.UI) *shell { s.Icontent = ui; return s }

// watchUpdates makes the app look for a new version whenever it comes back
// into view (an installed app is often resumed rather than reloaded).
var watchUpdates = sync.OnceFunc(func() {
	app.Window().Get("document").Call("addEventListener", "visibilitychange", app.FuncOf(func(app.Value, []app.Value) any {
		if app.Window().Get("document").Get("visibilityState").String() == "visible" {
			app.TryUpdate()
		}
		return nil
	}))
})

// checkVersion asks the server which version it serves. go-app's own
// notice comes from the service worker's events, which are missed when the
// browser finds the new worker while the page is still loading; asking the
// server does not depend on that timing. The service worker is asked to
// fetch the new version meanwhile, so "Reload now" gets it.
func (s *shell) checkVersion(ctx app.Context) {
	app.TryUpdate()
	mine := app.Getenv("GOAPP_VERSION")
	ctx.Async(func() {
		r := callAPI("GET", "/api/v1/version", nil, nil)
		var v struct {
			Version string `json:"version"`
		}
		if r.decode(&v) != nil || v.Version == "" || v.Version == mine {
			return
		}
		ctx.Dispatch(func(app.Context) { s.updateAvailable, s.newVersion = true, v.Version })
	})
}

func (s *shell) OnMount(ctx app.Context) {
	s.updateAvailable = ctx.AppUpdateAvailable()
	// Look for a new version now and whenever the app comes back into view.
	s.checkVersion(ctx)
	watchUpdates()
	// Only the running WebAssembly sets this marker; the prerendered page
	// lacks it, so tests (and scripts) can tell a live page from its snapshot.
	app.Window().Get("document").Get("documentElement").Call("setAttribute", "data-imdesk", "ready")
	_ = ctx.SessionStorage().Get(demoHiddenKey, &s.demoHidden)
	if s.Ipath == pathSignIn {
		return
	}
	if currentSession != nil {
		s.session = currentSession
		s.requirePassword(ctx)
		return
	}
	ctx.Async(func() {
		r := callAPI("GET", "/api/v1/session", nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			if needSignIn(ctx, r) {
				return
			}
			var sess api.Session
			if r.decode(&sess) == nil {
				currentSession, s.session = &sess, &sess
				s.requirePassword(ctx)
			}
		})
	})
}

// requirePassword sends an account that signed in with a one-time password
// to set its own first; the server refuses it everything else anyway.
func (s *shell) requirePassword(ctx app.Context) {
	if s.session != nil && s.session.MustChangePassword && s.Ipath != pathPassword {
		ctx.Navigate(pathPassword + "?next=" + url.QueryEscape(app.Window().URL().RequestURI()))
	}
}

// navItems is what the navigation offers the signed-in account.
func (s *shell) navItems() []string {
	if s.session != nil && s.session.Role == api.RoleAdmin {
		return append(append([]string{}, navOrder...), adminNav...)
	}
	return navOrder
}

func (s *shell) OnAppUpdate(ctx app.Context) {
	s.updateAvailable = ctx.AppUpdateAvailable()
}

// reload waits (briefly) until the service worker holds the new version,
// so that the reload does not bring back the old one from its cache.
func (s *shell) reload(ctx app.Context, e app.Event) {
	s.reloading = true
	version := s.newVersion
	ctx.Async(func() {
		waitForWorker(version, 10*time.Second)
		app.Window().Get("location").Call("reload")
	})
}

// waitForWorker returns once go-app's service worker has cached version and
// nothing is left installing or waiting, or after limit.
func waitForWorker(version string, limit time.Duration) {
	sw := app.Window().Get("navigator").Get("serviceWorker")
	if version == "" || !sw.Truthy() {
		return
	}
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		app.TryUpdate()
		cached, ok := await(app.Window().Get("caches").Call("has", "app-"+version))
		if !ok || !cached.Bool() {
			continue
		}
		reg, ok := await(sw.Call("getRegistration"))
		if ok && reg.Truthy() && !reg.Get("installing").Truthy() && !reg.Get("waiting").Truthy() {
			return
		}
	}
}

func (s *shell) signOut(ctx app.Context, e app.Event) {
	if !confirmLeave() {
		return
	}
	ctx.Async(func() {
		callAPI("DELETE", "/api/v1/session", nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			currentSession, unsavedChanges = nil, false
			replaceTo(pathSignIn)
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
			app.If(demoMode() && !s.demoHidden, func() app.UI {
				return app.Div().Class("banner banner-demo").Role("note").Body(
					app.Span().Class("demo-long").Text(msg.DemoBanner),
					app.Span().Class("demo-short").Text(msg.DemoShort),
					app.Button().Class("button-close").Type("button").Aria("label", msg.DemoDismiss).Title(msg.DemoDismiss).Text("✕").
						OnClick(func(ctx app.Context, e app.Event) {
							s.demoHidden = true
							_ = ctx.SessionStorage().Set(demoHiddenKey, true)
						}),
				)
			}),
			app.If(s.updateAvailable, func() app.UI {
				return app.Div().Class("banner banner-update").Role("status").Body(
					app.Span().Text(msg.UpdateReady),
					app.Button().Class("button").Type("button").Text(msg.UpdateReload).Disabled(s.reloading).
						Aria("busy", s.reloading).OnClick(s.reload),
				)
			}),
		),
		app.If(s.Ipath != pathSignIn, func() app.UI {
			return app.Nav().Class("nav").Aria("label", msg.NavLabel).Body(
				app.Ul().Body(
					app.Range(s.navItems()).Slice(func(i int) app.UI {
						p := s.navItems()[i]
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

// replaceTo shows another page in place of this one in the history, so
// that Back does not return to a page that only sends the browser on (the
// way to sign-in, a page that needs a session after sign-out). go-app
// follows the history's popstate event without adding an entry.
func replaceTo(u string) {
	app.Window().Get("history").Call("replaceState", nil, "", u)
	app.Window().Call("dispatchEvent", app.Window().Get("PopStateEvent").New("popstate"))
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

// stateView shows loading or a failure with a retry button, or returns nil
// once the data is there.
func stateView(s viewState, err *api.Error, retry app.EventHandler) app.UI {
	switch s {
	case stateLoading:
		return loadingView()
	case stateFailed:
		return errorView(err, retry)
	}
	return nil
}

// loadingView says that something is on its way.
func loadingView() app.UI {
	return app.P().Class("loading").Role("status").Aria("busy", "true").Body(
		app.Span().Class("spinner").Aria("hidden", "true"),
		app.Span().Text(msg.Loading),
	)
}

// errorView shows an API error: the plain message, and the request id when
// the failure is one to report (not a refusal the moderator can act on).
func errorView(e *api.Error, retry app.EventHandler) app.UI {
	return app.Div().Class("alert alert-error").Role("alert").Body(
		app.P().Text(e.Message),
		app.If(e.RequestID != "" && worthReporting(e), func() app.UI {
			return app.P().Class("request-id").Text(fmt.Sprintf(msg.RequestID, e.RequestID))
		}),
		app.If(retry != nil, func() app.UI {
			return app.Button().Class("button").Type("button").Text(msg.TryAgain).OnClick(retry)
		}),
	)
}
