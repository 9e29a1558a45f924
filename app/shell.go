package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// shell is the frame around every page: header, demo banner, update prompt,
// navigation and the page's content.
type shell struct {
	app.Compo

	Ipath    string // the page's route, to mark the current navigation link
	Icontent []app.UI

	updateAvailable bool
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
}

func (s *shell) OnAppUpdate(ctx app.Context) {
	s.updateAvailable = ctx.AppUpdateAvailable()
}

func (s *shell) reload(ctx app.Context, e app.Event) { ctx.Reload() }

func (s *shell) Render() app.UI {
	return app.Div().Class("shell").Body(
		app.A().Class("skip-link").Href("#main").Text(msg.SkipToContent),
		app.Div().Class("top").Body(
			app.Header().Class("topbar").Body(
				app.A().Class("brand").Href(pathHome).Body(
					app.Img().Src("/web/icon.svg").Alt("").Width(32).Height(32),
					app.Span().Text(msg.AppName),
				),
				app.Span().Class("tagline").Text(msg.AppTagline),
			),
			app.If(demoMode(), func() app.UI {
				return app.P().Class("banner banner-demo").Aria("live", "polite").Text(msg.DemoBanner)
			}),
			app.If(s.updateAvailable, func() app.UI {
				return app.Div().Class("banner banner-update").Role("status").Body(
					app.Span().Text(msg.UpdateReady),
					app.Button().Class("button").Type("button").Text(msg.UpdateReload).OnClick(s.reload),
				)
			}),
		),
		app.Nav().Class("nav").Aria("label", msg.NavLabel).Body(
			app.Ul().Body(
				app.Range(navOrder).Slice(func(i int) app.UI {
					p := navOrder[i]
					link := app.A().Href(p).Text(msg.Sections[p].Title)
					if p == s.Ipath {
						link = link.Aria("current", "page")
					}
					return app.Li().Body(link)
				}),
			),
		),
		app.Main().ID("main").Class("content").Body(s.Icontent...),
	)
}

// demoMode reports whether the server runs against its built-in simulator.
// The server passes the mode through the go-app environment, which is public.
func demoMode() bool { return app.Getenv("IMDESK_MODE") == "demo" }
