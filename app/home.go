package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// homePage is the landing page: one card per area of the panel.
type homePage struct{ base }

func (p *homePage) OnPreRender(ctx app.Context) { ctx.Page().SetTitle(message("AppName")) }

func (p *homePage) OnNav(ctx app.Context) { ctx.Page().SetTitle(message("AppName")) }

func (p *homePage) act(app.Context, event)            {}
func (p *homePage) got(app.Context, string, response) {}

var homeView = &view{src: `<h1>{@HomeTitle}</h1><p class="lead">{@HomeIntro}</p><ul class="cards">{0}</ul>`}
var homeCard = &view{src: `<li class="card"><a href="{0}"><h2>{1}</h2><p>{2}</p></a></li>`}

func (p *homePage) Render() app.UI {
	cards := make([]app.UI, len(navOrder))
	for i, path := range navOrder {
		cards[i] = homeCard.ui(p, path, message("Sections."+path[1:]+".Title"), message("Sections."+path[1:]+".Summary"))
	}
	return newShell().Path(pathHome).Content(homeView.uis(p, cards)...)
}
