package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// homePage is the landing page: one card per area of the panel.
type homePage struct{ app.Compo }

func (p *homePage) OnPreRender(ctx app.Context) { ctx.Page().SetTitle(msg.AppName) }

func (p *homePage) OnNav(ctx app.Context) { ctx.Page().SetTitle(msg.AppName) }

func (p *homePage) Render() app.UI {
	return newShell().Path(pathHome).Content(
		app.H1().Text(msg.HomeTitle),
		app.P().Class("lead").Text(msg.HomeIntro),
		app.Ul().Class("cards").Body(
			app.Range(navOrder).Slice(func(i int) app.UI {
				p := navOrder[i]
				s := msg.Sections[p]
				return app.Li().Class("card").Body(
					app.A().Href(p).Body(
						app.H2().Text(s.Title),
						app.P().Text(s.Summary),
					),
				)
			}),
		),
	)
}
