package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// sectionPage is the page of an area whose forms are not built yet: it names
// the area and says so plainly rather than showing an empty screen.
type sectionPage struct {
	app.Compo
	Ipath string
}

func newSectionPage(path string) *sectionPage { return &sectionPage{Ipath: path} }

func (p *sectionPage) title() string { return msg.Sections[p.Ipath].Title + " · " + msg.AppName }

func (p *sectionPage) OnPreRender(ctx app.Context) { ctx.Page().SetTitle(p.title()) }

func (p *sectionPage) OnNav(ctx app.Context) { ctx.Page().SetTitle(p.title()) }

func (p *sectionPage) Render() app.UI {
	s := msg.Sections[p.Ipath]
	return newShell().Path(p.Ipath).Content(
		app.H1().Text(s.Title),
		app.P().Class("lead").Text(s.Summary),
		app.P().Class("notice").Text(msg.NotBuilt),
	)
}
