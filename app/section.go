package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// sectionPage is the page of an area whose forms are not built yet: it names
// the area and says so plainly rather than showing an empty screen.
type sectionPage struct {
	base
	Ipath string
}

func newSectionPage(path string) *sectionPage { return &sectionPage{Ipath: path} }

func (p *sectionPage) key(part string) string { return "Sections." + p.Ipath[1:] + "." + part }

func (p *sectionPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(title(message(p.key("Title"))))
}

func (p *sectionPage) OnNav(ctx app.Context) { ctx.Page().SetTitle(title(message(p.key("Title")))) }

func (p *sectionPage) act(app.Context, app.Event, string, string) {}
func (p *sectionPage) got(app.Context, string, response)          {}

var sectionView = &view{src: `<h1>{0}</h1><p class="lead">{1}</p><p class="notice">{@NotBuilt}</p>`}

func (p *sectionPage) Render() app.UI {
	return newShell().Path(p.Ipath).Content(sectionView.uis(p, message(p.key("Title")), message(p.key("Summary")))...)
}
