package main

import (
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
// it asks first; unsavedURL is the address of that page.
var (
	unsavedChanges bool
	unsavedURL     string
)

// navOrder is the order of the sections in the navigation; adminNav are
// the admin's own.
var (
	navOrder = []string{pathGroups, pathBulk, pathConvGroups, pathFriendLists, pathAudit}
	adminNav = []string{pathAccounts, pathKeys, pathHealth}
)

// shell is the frame around every page: header with the account, the
// language and sign-out, demo banner, update prompt, navigation and the
// page's content. Pages other than sign-in need a session: without one the
// shell sends the browser to sign in and back.
type shell struct {
	app.Compo

	Ipath string // the page's route, to mark the current navigation link
	// Icontent gives the page's elements. It is a function, not the
	// elements: go-app compares a component's exported fields with
	// reflect.DeepEqual whenever its parent renders, so every render of a
	// page compared its new elements with the mounted ones by reflection
	// (right after start-up, often enough for V8 to spend 100 ms
	// recompiling reflect.deepValueEqual; docs/startup.md). Functions are
	// never deeply equal: the shell just renders again, and go-app's own
	// diff of the elements does the rest.
	Icontent func() []app.UI

	updateAvailable bool
	newVersion      string // the version the server serves, when not ours
	reloading       bool
	session         *api.Session
	demoHidden      bool          // the moderator hid the demo notice for this browser session
	jobs            []api.BulkJob // the account's bulk changes under way, shown in the header
	ctx             app.Context
	connection      app.Func // the online and offline events (offline.go)
}

// demoHiddenKey keeps the demo notice hidden for the browser session.
const demoHiddenKey = "imdesk.demoHidden"

func newShell() *shell { return &shell{} }

// Path sets the route of the page the shell frames.
func (s *shell) Path(p string) *shell { s.Ipath = p; return s }

// Content sets the page's content.
func (s *shell) Content(ui ...app.UI) *shell {
	s.Icontent = func() []app.UI { return ui }
	return s
}

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

func (s *shell) OnMount(ctx app.Context) {
	s.ctx = ctx
	// The page is the app's now. Only the running WebAssembly sets this
	// marker; the prerendered page lacks it, so tests (and scripts) can tell
	// a live page from its snapshot, and web/boot.js registers the service
	// worker once it is set. What follows is not needed to use the page.
	app.Window().Get("document").Get("documentElement").Call("setAttribute", "data-imdesk", "ready")
	started()
	s.updateAvailable = ctx.AppUpdateAvailable()
	// go-app's own notice comes from the service worker's events, which are
	// missed when the browser finds the new worker while the page is still
	// loading; asking the server does not depend on that timing.
	app.TryUpdate()
	s.send("version", "GET", "/api/v1/version")
	watchUpdates()
	guardNavigation()
	s.watchConnection(ctx)
	_ = ctx.SessionStorage().Get(demoHiddenKey, &s.demoHidden)
	if s.Ipath == pathSignIn {
		return
	}
	// A page that starts, pauses or ends a bulk change says so; the
	// header reads the account's jobs again.
	ctx.Handle(bulkChanged, func(app.Context, app.Action) { s.readJobs() })
	if currentSession != nil {
		s.session = currentSession
		s.requirePassword(ctx)
		s.readJobs()
		return
	}
	s.send("session", "GET", "/api/v1/session")
}

// send is base.send for the shell, which is a component of its own.
func (s *shell) send(what, method, path string) {
	ctx := s.ctx
	ctx.Async(func() {
		r := apiCall(method, path, nil, nil)
		ctx.Dispatch(func(ctx app.Context) { s.got(ctx, what, r) })
	})
}

func (s *shell) got(ctx app.Context, what string, r response) {
	switch what {
	case "version":
		var v struct {
			Version string `json:"version"`
		}
		if r.decode(&v) == nil && v.Version != "" && v.Version != app.Getenv("GOAPP_VERSION") {
			s.updateAvailable, s.newVersion = true, v.Version
		}
	case "session":
		if needSignIn(ctx, r) {
			return
		}
		var sess api.Session
		if r.decode(&sess) == nil {
			currentSession, s.session = &sess, &sess
			signedIn(ctx, sess.Username) // what another account kept here goes (kept.go)
			s.requirePassword(ctx)
			s.readJobs()
		}
	case "bulk":
		var l api.BulkJobList
		if r.decode(&l) != nil || s.session == nil {
			return
		}
		s.jobs = s.jobs[:0]
		for _, j := range l.Jobs {
			if j.Owner == s.session.Username {
				s.jobs = append(s.jobs, j)
			}
		}
		// Read again while one of them is under way: its progress is live.
		for _, j := range s.jobs {
			if j.State == api.BulkRunning || j.State == api.BulkPreviewing {
				ctx.After(5*time.Second, func(app.Context) { s.readJobs() })
				break
			}
		}
	case "signout":
		currentSession, unsavedChanges = nil, false
		signedOut(ctx) // nothing the account loaded stays on the device (kept.go)
		replaceTo(pathSignIn)
	}
}

// requirePassword sends an account that signed in with a one-time password
// to set its own first; the server refuses it everything else anyway.
func (s *shell) requirePassword(ctx app.Context) {
	if s.session != nil && s.session.MustChangePassword && s.Ipath != pathPassword {
		ctx.Navigate(pathPassword + "?next=" + url.QueryEscape(app.Window().URL().RequestURI()))
	}
}

func (s *shell) OnAppUpdate(ctx app.Context) {
	s.updateAvailable = ctx.AppUpdateAvailable()
}

func (s *shell) act(ctx app.Context, ev event) {
	switch ev.name {
	case "signout":
		if confirmLeave() {
			s.send("signout", "DELETE", "/api/v1/session")
		}
	case "hide-demo":
		s.demoHidden = true
		_ = ctx.SessionStorage().Set(demoHiddenKey, true)
	case "reload":
		// Wait (briefly) until the service worker holds the new version, so
		// that the reload does not bring back the old one from its cache.
		s.reloading = true
		version := s.newVersion
		ctx.Async(func() {
			waitForWorker(version, 10*time.Second)
			app.Window().Get("location").Call("reload")
		})
	case "lang":
		lang := ev.value
		if lang == pageLang() || !confirmLeave() {
			ctx.JSSrc().Set("value", pageLang())
			return
		}
		chooseLanguage(lang)
	}
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

// confirmLeave asks before unsaved changes are lost.
func confirmLeave() bool {
	if !unsavedChanges {
		return true
	}
	if app.Window().Call("confirm", message("LeaveUnsaved")).Bool() {
		setUnsaved(false)
		return true
	}
	return false
}

// setUnsaved records whether the page has unsaved changes, and makes the
// browser ask before closing or reloading it while it does.
func setUnsaved(v bool) {
	if v {
		unsavedURL = app.Window().Get("location").Get("href").String()
	}
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

// guardNavigation makes every way out of a page with unsaved edits ask
// first (confirmLeave), as one rule rather than a handler per link: any link
// of the app — the navigation, the header, a link in the page — and the
// browser's Back and Forward. It listens on the window in the capture
// phase for links, which runs before go-app's window.onclick, and stops
// the click when the person stays; and in place of go-app's
// window.onpopstate for the history. Leaving the site, reloading or closing the tab is the
// browser's own question (beforeunload, setUnsaved); the language switch
// and sign-out ask in the shell; a page that navigates by code asks itself.
var guardNavigation = sync.OnceFunc(func() {
	w := app.Window()
	w.Call("addEventListener", "click", app.FuncOf(func(_ app.Value, args []app.Value) any {
		ev := args[0]
		if !unsavedChanges || ev.Get("defaultPrevented").Bool() || ev.Get("button").Int() != 0 ||
			ev.Get("metaKey").Bool() || ev.Get("ctrlKey").Bool() || ev.Get("shiftKey").Bool() {
			return nil // a new tab or window keeps this page as it is
		}
		a := ev.Get("target")
		if a.Truthy() && a.Get("closest").Truthy() {
			a = a.Call("closest", "a[href]")
		}
		if !a.Truthy() || a.Get("target").String() == "_blank" || a.Call("hasAttribute", "download").Bool() {
			return nil
		}
		to, err := url.Parse(a.Get("href").String())
		here := app.Window().URL()
		if err != nil || to.Host != here.Host || (to.Path == here.Path && to.RawQuery == here.RawQuery) {
			return nil // another site (beforeunload asks), or a place on this page
		}
		if !confirmLeave() {
			ev.Call("preventDefault")
			ev.Call("stopPropagation") // go-app's link handler never sees it
		}
		return nil
	}), true)
	// go-app's own handler of the history runs before any listener of
	// ours could stop it, so the guard takes its place and calls it.
	goappPopState := w.Get("onpopstate")
	w.Set("onpopstate", app.FuncOf(func(_ app.Value, args []app.Value) any {
		if unsavedChanges && unsavedURL != "" && app.Window().Get("location").Get("href").String() != unsavedURL && !confirmLeave() {
			// The browser has already moved in its history: put the page's
			// address back, and do not show the other page.
			app.Window().Get("history").Call("pushState", nil, "", unsavedURL)
			return nil
		}
		if goappPopState.Truthy() {
			goappPopState.Invoke(args[0])
		}
		return nil
	}))
})

var beforeUnload = app.FuncOf(func(this app.Value, args []app.Value) any {
	args[0].Call("preventDefault")
	args[0].Set("returnValue", "")
	return nil
})

// shellView's logo is the PNG the loader shows too (one download, decoded
// off the main thread): as an SVG image, Chromium builds a document of its
// own for it on the main thread, again when the app takes over the page,
// while app.wasm is being fed to the compiler there (docs/startup.md).
var shellView = &view{src: `
<div class="{0}">
  <a class="skip-link" href="#main">{@SkipToContent}</a>
  <div class="top">
    <header class="topbar">
      <a class="brand" href="/"><img src="/web/icon-192.png" role="presentation" width="32" height="32"><span>{@AppName}</span></a>
      <span class="tagline">{@AppTagline}</span>
      <div class="account">
        <select class="language" aria-label="{@Language}" title="{@Language}" on:change="lang">
          <option value="en" lang="en" selected={2}>English</option>
          <option value="zh-Hans" lang="zh-Hans" selected={3}>简体中文</option>
          <option value="ja" lang="ja" selected={4}>日本語</option>
          <option value="ko" lang="ko" selected={5}>한국어</option>
        </select>
        {1}
      </div>
    </header>
    {6}{7}
  </div>
  {8}
  <main id="main" class="content">{9}</main>
</div>`}

var whoamiView = &view{src: `<span class="whoami">{0}</span><button class="button button-quiet" type="button" on:click="signout">{@SignOut}</button>`}

var demoBanner = &view{src: `<div class="banner banner-demo" role="note">
  <span class="demo-long">{@DemoBanner}</span><span class="demo-short">{@DemoShort}</span>
  <button class="button-close" type="button" aria-label="{@DemoDismiss}" title="{@DemoDismiss}" on:click="hide-demo">✕</button></div>`}

var updateBanner = &view{src: `<div class="banner banner-update" role="status"><span>{@UpdateReady}</span>
  <button class="button" type="button" disabled={0} aria-busy={0} on:click="reload">{@UpdateReload}</button></div>`}

// readJobs reads the bulk changes under way, for the header.
func (s *shell) readJobs() { s.send("bulk", "GET", "/api/v1/bulk-changes?active=1") }

// bulkChanged is the action a page makes when a bulk change of the
// account's starts, pauses, resumes or ends.
const bulkChanged = "bulk-changed"

// jobBanner is a bulk change of the account's under way, in the header of
// every page.
var jobBanner = &view{src: `<div class="banner banner-job" role="status"><a href="/bulk-changes?id={0}">{1}</a></div>`}

func (s *shell) jobBanners() []app.UI {
	out := make([]app.UI, len(s.jobs))
	for i, j := range s.jobs {
		line := tr("Bulk.Header", j.ID, message("Bulk.State."+j.State), progressLine(j))
		if j.SecondsLeft > 0 {
			line += " · " + tr("Bulk.HeaderLeft", timeLeft(j.SecondsLeft))
		}
		out[i] = jobBanner.ui(s, j.ID, line)
	}
	return out
}

var navView = &view{src: `<nav class="nav" aria-label="{@NavLabel}"><ul>{0}</ul></nav>`}
var navItem = &view{src: `<li><a href="{0}" aria-current={1}>{2}</a></li>`}

func (s *shell) Render() app.UI {
	var who []app.UI
	var demo, update, nav app.UI
	if s.session != nil {
		who = whoamiView.uis(s, tr("SignedInAs", s.session.Username, message("Roles."+s.session.Role)))
	}
	if demoMode() && !s.demoHidden {
		demo = demoBanner.ui(s)
	}
	if s.updateAvailable {
		update = updateBanner.ui(s, s.reloading)
	}
	if s.Ipath != pathSignIn {
		items := navOrder
		if s.session != nil && s.session.Role == api.RoleAdmin {
			items = append(append([]string{}, navOrder...), adminNav...)
		}
		links := make([]app.UI, len(items))
		for i, p := range items {
			var current any
			if p == s.Ipath || (p == pathGroups && (s.Ipath == pathGroup || s.Ipath == pathGroupMembers)) {
				current = "page"
			}
			links[i] = navItem.ui(s, p, current, message("Sections."+p[1:]+".Title"))
		}
		nav = navView.ui(s, links)
	}
	lang := pageLang()
	return shellView.ui(s, pick(s.Ipath == pathSignIn, "shell shell-bare", "shell"), who,
		lang == "en", lang == "zh-Hans", lang == "ja", lang == "ko", demo, append([]app.UI{update, when(offline, offlineBanner.ui(s)), when(!offline && slowChange(), slowChangeBanner.ui(s))}, s.jobBanners()...), nav, s.content())
}

// content is the page's, disabled while offline (offline.go).
func (s *shell) content() app.UI {
	var ui []app.UI
	if s.Icontent != nil {
		ui = s.Icontent()
	}
	return offlineLock.ui(s, offline, keptNote(s), ui)
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
