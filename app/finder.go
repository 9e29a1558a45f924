package main

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// recentGroup is a group opened on this device, kept in local storage.
type recentGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

const (
	recentKey = "imdesk.recentGroups"
	recentMax = 6
)

func recentGroups(ctx app.Context) []recentGroup {
	var list []recentGroup
	_ = ctx.LocalStorage().Get(recentKey, &list)
	return list
}

// rememberGroup puts a group first in the recent list.
func rememberGroup(ctx app.Context, g recentGroup) {
	list := []recentGroup{g}
	for _, r := range recentGroups(ctx) {
		if r.ID != g.ID && len(list) < recentMax {
			list = append(list, r)
		}
	}
	_ = ctx.LocalStorage().Set(recentKey, list)
}

// finderPage finds groups by ID or name and type, a page at a time.
type finderPage struct {
	app.Compo

	query, typ string
	cursors    []string // cursors of the pages before the current one
	cursor     string
	state      viewState
	page       api.GroupPage
	err        *api.Error
	recent     []recentGroup
	ctx        app.Context // the page's own: a retry button's stops dispatching once it is gone

	index       api.GroupIndexStatus // how complete and fresh the server's index is
	indexKnown  bool
	refreshing  bool   // a refresh request is on its way
	refreshNote string // what the last refresh request said
}

var finderTypes = []string{"Community", "Public", "Private", "ChatRoom", "AVChatRoom"}

func (p *finderPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(msg.FinderTitle + " · " + msg.AppName)
}

func (p *finderPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(msg.FinderTitle + " · " + msg.AppName)
	// The search is kept in the URL, so Back, a reload or a shared link
	// brings it back.
	q := ctx.Page().URL().Query()
	p.query, p.typ, p.cursor, p.cursors = q.Get("query"), q.Get("type"), "", nil
	if app.IsServer {
		return // the prerendered page shows the loading state; the browser loads
	}
	p.ctx = ctx
	p.recent = recentGroups(ctx)
	if v, ok := typedBeforeStart("finder-query"); ok && p.query == "" {
		p.query = v // typed into the server-rendered page before the app took over
		refocusAfterStart(ctx)
	}
	p.load(ctx)
}

func (p *finderPage) load(ctx app.Context) {
	p.state, p.err = stateLoading, nil
	q := url.Values{}
	if p.query != "" {
		q.Set("query", p.query)
	}
	if p.typ != "" {
		q.Set("type", p.typ)
	}
	if p.cursor != "" {
		q.Set("cursor", p.cursor)
	}
	path := "/api/v1/groups?" + q.Encode()
	ctx.Async(func() {
		r := callAPI("GET", path, nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			if needSignIn(ctx, r) {
				return
			}
			var page api.GroupPage
			if e := r.decode(&page); e != nil {
				p.state, p.err = stateFailed, e
			} else {
				p.state, p.page = stateReady, page
				p.index, p.indexKnown = page.Index, true
			}
		})
	})
}

func (p *finderPage) search(ctx app.Context, e app.Event) {
	e.PreventDefault()
	p.navigate(ctx)
}

// navigate puts the search in the URL; OnNav then loads it.
func (p *finderPage) navigate(ctx app.Context) {
	q := url.Values{}
	if p.query != "" {
		q.Set("query", p.query)
	}
	if p.typ != "" {
		q.Set("type", p.typ)
	}
	u := pathGroups
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	ctx.Navigate(u)
}

// allTypes is the value of the "All types" option: go-app leaves out an
// empty value attribute, and the browser would then send the label.
const allTypes = "*"

func (p *finderPage) next(ctx app.Context, e app.Event) {
	p.cursors = append(p.cursors, p.cursor)
	p.cursor = p.page.NextCursor
	p.load(ctx)
}

func (p *finderPage) previous(ctx app.Context, e app.Event) {
	p.cursor = p.cursors[len(p.cursors)-1]
	p.cursors = p.cursors[:len(p.cursors)-1]
	p.load(ctx)
}

// refresh asks the server to read the group list now.
func (p *finderPage) refresh(ctx app.Context, e app.Event) {
	p.refreshing, p.refreshNote = true, ""
	ctx.Async(func() {
		r := callAPI("POST", "/api/v1/groups/refresh", struct{}{}, nil)
		ctx.Dispatch(func(ctx app.Context) {
			p.refreshing = false
			if needSignIn(ctx, r) {
				return
			}
			var st api.GroupIndexStatus
			if e := r.decode(&st); e != nil {
				p.refreshNote = e.Message
				return
			}
			p.index, p.refreshNote = st, msg.IndexRefreshStart
			p.index.Reading = true
		})
	})
}

// indexLine says how complete and fresh the index is, e.g. "48,213 groups
// indexed, refreshed 3 minutes ago; still reading the list…".
func indexLine(st api.GroupIndexStatus, now time.Time) string {
	when := msg.IndexNever
	if !st.Refreshed.IsZero() {
		switch ago := now.Sub(st.Refreshed); {
		case ago < time.Minute:
			when = msg.IndexJustNow
		case ago < time.Hour:
			when = fmt.Sprintf(msg.IndexMinutesAgo, int(ago/time.Minute))
		case ago < 48*time.Hour:
			when = fmt.Sprintf(msg.IndexHoursAgo, int(ago/time.Hour))
		default:
			when = fmt.Sprintf(msg.IndexDaysAgo, int(ago/(24*time.Hour)))
		}
	}
	line := fmt.Sprintf(msg.IndexStatus, thousands(st.Indexed), when)
	if st.Refreshed.IsZero() && st.Total > st.Indexed {
		line = fmt.Sprintf(msg.IndexOf, thousands(st.Indexed), thousands(st.Total), when)
	}
	if st.Reading {
		line += msg.IndexReading
	}
	return line
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func (p *finderPage) indexStatus() app.UI {
	if !p.indexKnown {
		return app.Div().Class("index-status")
	}
	st := p.index
	wait := !st.RefreshAfter.IsZero() && st.RefreshAfter.After(time.Now())
	note := p.refreshNote
	if note == "" && wait {
		note = fmt.Sprintf(msg.IndexRefreshAt, st.RefreshAfter.Local().Format("15:04"))
	}
	return app.Div().Class("index-status").Body(
		app.P().ID("index-status").Role("status").Text(indexLine(st, time.Now())),
		app.If(st.CanRefresh, func() app.UI {
			b := app.Button().Class("button button-quiet").Type("button").Text(msg.IndexRefresh).
				Disabled(st.Reading || wait || p.refreshing).OnClick(p.refresh)
			if note != "" {
				b = b.Aria("describedby", "index-note")
			}
			return b
		}),
		app.If(st.CanRefresh && note != "", func() app.UI {
			return app.P().ID("index-note").Class("hint").Text(note)
		}),
	)
}

func editorURL(id string) string { return pathGroup + "?id=" + url.QueryEscape(id) }

func typeName(t string) string {
	if n, ok := msg.GroupTypes[t]; ok {
		return n
	}
	return t
}

func (p *finderPage) Render() app.UI {
	return newShell().Path(pathGroups).Content(
		app.H1().Text(msg.FinderTitle),
		app.P().Class("lead").Text(msg.FinderIntro),
		app.If(len(p.recent) > 0, func() app.UI {
			return app.Section().Class("recent").Aria("labelledby", "recent-title").Body(
				app.H2().ID("recent-title").Text(msg.FinderRecent),
				app.Ul().Class("chips").Body(app.Range(p.recent).Slice(func(i int) app.UI {
					r := p.recent[i]
					return app.Li().Body(app.A().Class("chip").Href(editorURL(r.ID)).Text(r.Name + " · " + r.ID))
				})),
			)
		}),
		app.Form().Class("form finder-form").Role("search").OnSubmit(p.search).Body(
			app.Div().Class("field").Body(
				app.Label().For("finder-query").Text(msg.FinderSearch),
				app.Input().ID("finder-query").Type("search").Value(p.query).Placeholder(msg.FinderSearchHint).
					Attr("autocomplete", "off").Attr("spellcheck", "false").
					OnInput(func(ctx app.Context, e app.Event) { p.query = ctx.JSSrc().Get("value").String() }),
			),
			app.Div().Class("field").Body(
				app.Label().For("finder-type").Text(msg.FinderType),
				app.Select().ID("finder-type").OnChange(func(ctx app.Context, e app.Event) {
					if p.typ = ctx.JSSrc().Get("value").String(); p.typ == allTypes {
						p.typ = ""
					}
					p.navigate(ctx)
				}).Body(
					app.Option().Value(allTypes).Text(msg.FinderAllTypes).Selected(p.typ == ""),
					app.Range(finderTypes).Slice(func(i int) app.UI {
						return app.Option().Value(finderTypes[i]).Text(typeName(finderTypes[i])).Selected(p.typ == finderTypes[i])
					}),
				),
			),
			app.Button().Class("button").Type("submit").Text(msg.FinderFind),
		),
		p.indexStatus(),
		p.results(),
	)
}

func (p *finderPage) resultsCount() string {
	switch {
	case p.page.TotalAtLeast:
		return fmt.Sprintf(msg.FinderResultsMore, p.page.Total)
	case p.page.Total == 1:
		return msg.FinderResult1
	}
	return fmt.Sprintf(msg.FinderResults, p.page.Total)
}

func (p *finderPage) results() app.UI {
	if v := stateView(p.state, p.err, func(app.Context, app.Event) { p.load(p.ctx) }); v != nil {
		return v
	}
	hidden := app.If(p.page.Hidden > 0, func() app.UI { return app.P().Class("hint scope-hidden").Text(msg.FinderHidden) })
	if len(p.page.Groups) == 0 {
		return app.Div().Body(app.P().Class("empty").Role("status").Text(msg.FinderNone), hidden)
	}
	return app.Section().Aria("labelledby", "results-title").Body(
		app.H2().ID("results-title").Class("results-count").Role("status").Text(p.resultsCount()),
		hidden,
		app.Ul().Class("group-list").Body(app.Range(p.page.Groups).Slice(func(i int) app.UI {
			g := p.page.Groups[i]
			return app.Li().Class("group-item").Body(
				app.A().Href(editorURL(g.ID)).Body(
					app.Span().Class("group-name").Text(g.Name),
					app.Span().Class("group-meta").Body(
						app.Span().Class("group-id").Text(g.ID),
						app.Span().Text(typeName(g.Type)),
						app.Span().Text(fmt.Sprintf("%d %s", g.MemberCount, msg.ColMembers)),
						app.If(!g.CanEdit, func() app.UI { return app.Span().Class("tag").Text(msg.ReadOnlyGroup) }),
					),
				),
			)
		})),
		app.Div().Class("pager").Body(
			app.If(len(p.cursors) > 0, func() app.UI {
				return app.Button().Class("button button-quiet").Type("button").Text(msg.FinderPrevious).OnClick(p.previous)
			}),
			app.If(p.page.NextCursor != "", func() app.UI {
				return app.Button().Class("button button-quiet").Type("button").Text(msg.FinderNext).OnClick(p.next)
			}),
		),
	)
}
