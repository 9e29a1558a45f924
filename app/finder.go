package main

import (
	"net/url"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// recentGroup is a group opened on this device (see recent.go).
type recentGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

const recentGroupsKey = "imdesk.recentGroups"

func (g recentGroup) key() string { return g.ID }

// finderPage finds groups by ID or name and type, a page at a time.
type finderPage struct {
	base
	query, typ string
	// key and value: only groups whose value of a described key is value
	// (as the index last read it); both in the URL, sent when both are set.
	key, value string
	keys       keyRegistry // read once per page
	cursors    []string    // cursors of the pages before the current one
	cursor     string
	page       api.GroupPage
	recent     []recentGroup

	index       api.GroupIndexStatus // how complete and fresh the server's index is
	indexKnown  bool
	refreshing  bool   // a refresh request is on its way
	refreshNote string // what the last refresh request said
}

var finderTypes = []string{"Community", "Public", "Private", "ChatRoom", "AVChatRoom"}

// allTypes is the value of the "All types" option: go-app leaves out an
// empty value attribute, and the browser would then send the label.
const allTypes = "*"

func (p *finderPage) OnPreRender(ctx app.Context) { ctx.Page().SetTitle(title(message("FinderTitle"))) }

func (p *finderPage) OnNav(ctx app.Context) {
	p.begin(ctx)
	ctx.Page().SetTitle(title(message("FinderTitle")))
	// The search is kept in the URL, so Back, a reload or a shared link
	// brings it back.
	q := ctx.Page().URL().Query()
	p.query, p.typ, p.cursor, p.cursors = q.Get("query"), q.Get("type"), "", nil
	p.key, p.value = q.Get("key"), q.Get("value")
	if app.IsServer {
		return // the prerendered page shows the loading state; the browser loads
	}
	if !p.keys.read() {
		p.send(p, "keys", "GET", keysPath, nil, nil)
	}
	p.recent = recentList[recentGroup](ctx, recentGroupsKey)
	if v, ok := typedBeforeStart("finder-query"); ok && p.query == "" {
		p.query = v // typed into the server-rendered page before the app took over
		refocusAfterStart(ctx)
	}
	p.search()
}

// filters are the search's filters as the URL and the API take them.
func (p *finderPage) filters() url.Values {
	q := url.Values{}
	if p.query != "" {
		q.Set("query", p.query)
	}
	if p.typ != "" {
		q.Set("type", p.typ)
	}
	if p.key != "" && p.value != "" {
		q.Set("key", p.key)
		q.Set("value", p.value)
	}
	return q
}

func (p *finderPage) search() {
	q := p.filters()
	if p.cursor != "" {
		q.Set("cursor", p.cursor)
	}
	p.load(p, "groups", "/api/v1/groups?"+q.Encode())
}

// navigate puts the search in the URL; OnNav then loads it.
func (p *finderPage) navigate(ctx app.Context) {
	q := p.filters()
	u := pathGroups
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	ctx.Navigate(u)
}

func (p *finderPage) act(ctx app.Context, ev event) {
	switch ev.name {
	case "query":
		p.query = ev.value
	case "type":
		if p.typ = ev.value; p.typ == allTypes {
			p.typ = ""
		}
		p.navigate(ctx)
	case "key":
		if p.key, p.value = ev.value, ""; p.key == anyValue {
			p.key = ""
		}
		if p.key == "" {
			p.navigate(ctx)
		}
	case "value":
		p.value = ev.value
		p.navigate(ctx)
	case "find":
		p.navigate(ctx)
	case "next":
		p.cursors = append(p.cursors, p.cursor)
		p.cursor = p.page.NextCursor
		p.search()
	case "previous":
		p.cursor = p.cursors[len(p.cursors)-1]
		p.cursors = p.cursors[:len(p.cursors)-1]
		p.search()
	case "retry":
		p.search()
	case "refresh":
		p.refreshing, p.refreshNote = true, ""
		p.send(p, "refresh", "POST", "/api/v1/groups/refresh", struct{}{}, nil)
	}
}

func (p *finderPage) got(ctx app.Context, what string, r response) {
	switch what {
	case "keys":
		p.keys.keep(r)
	case "groups":
		if p.fill(r, &p.page) {
			p.index, p.indexKnown = p.page.Index, true
		}
	case "refresh":
		p.refreshing = false
		var st api.GroupIndexStatus
		if e := r.decode(&st); e != nil {
			p.refreshNote = e.Message
			return
		}
		p.index, p.refreshNote = st, message("IndexRefreshStart")
		p.index.Reading = true
	}
}

// indexLine says how complete and fresh the index is, e.g. "48,213 groups
// indexed, refreshed 3 minutes ago; still reading the list…".
func indexLine(st api.GroupIndexStatus, now time.Time) string {
	when := message("IndexNever")
	if !st.Refreshed.IsZero() {
		switch ago := now.Sub(st.Refreshed); {
		case ago < time.Minute:
			when = message("IndexJustNow")
		case ago < time.Hour:
			when = trn("IndexMinutesAgo", int(ago/time.Minute), int(ago/time.Minute))
		case ago < 48*time.Hour:
			when = trn("IndexHoursAgo", int(ago/time.Hour), int(ago/time.Hour))
		default:
			when = trn("IndexDaysAgo", int(ago/(24*time.Hour)), int(ago/(24*time.Hour)))
		}
	}
	line := tr("IndexStatus", num(st.Indexed), when)
	if st.Refreshed.IsZero() && st.Total > st.Indexed {
		line = tr("IndexOf", num(st.Indexed), num(st.Total), when)
	}
	if st.Reading {
		line += message("IndexReading")
	}
	return line
}

var indexStatusView = &view{src: `<div class="index-status"><p id="index-status" role="status">{0}</p>{1}{2}</div>`}
var refreshButton = &view{src: `<button class="button button-quiet" type="button" disabled={0} aria-describedby={1} on:click="refresh">{@IndexRefresh}</button>`}
var indexNote = &view{src: `<p id="index-note" class="hint">{0}</p>`}

func (p *finderPage) indexStatus() app.UI {
	if !p.indexKnown {
		return app.Div().Class("index-status")
	}
	st := p.index
	wait := !st.RefreshAfter.IsZero() && st.RefreshAfter.After(time.Now())
	note := p.refreshNote
	if note == "" && wait {
		note = tr("IndexRefreshAt", clock(st.RefreshAfter))
	}
	var button, noteView app.UI
	if st.CanRefresh {
		var described any
		if note != "" {
			described = "index-note"
			noteView = indexNote.ui(p, note)
		}
		button = refreshButton.ui(p, st.Reading || wait || p.refreshing, described)
	}
	return indexStatusView.ui(p, indexLine(st, time.Now()), button, noteView)
}

func editorURL(id string) string { return pathGroup + "?id=" + url.QueryEscape(id) }

// typeName is a group type as the panel names it; Tencent's old and new
// names of a type show alike.
func typeName(t string) string {
	if n := message("GroupTypes." + t); n != "GroupTypes."+t {
		return n
	}
	return t
}

var finderView = &view{src: `
<h1>{@FinderTitle}</h1>
<p class="lead">{@FinderIntro}</p>
{0}
<form class="form finder-form" role="search" on:submit="find">
  <div class="field"><label for="finder-query">{@FinderSearch}</label>
    <input id="finder-query" type="search" value="{1}" placeholder="{@FinderSearchHint}" autocomplete="off" spellcheck="false" on:input="query"></div>
  <div class="field"><label for="finder-type">{@FinderType}</label>
    <select id="finder-type" on:change="type"><option value="*" selected={2}>{@FinderAllTypes}</option>{3}</select></div>
  {6}
  <button class="button" type="submit">{@FinderFind}</button>
</form>
{4}{5}`}

var finderKeyFields = &view{src: `<div class="field"><label for="finder-key">{@FinderKey}</label>
    <select id="finder-key" aria-describedby="finder-key-hint" on:change="key"><option value="*" selected={0}>{@FinderAnyKey}</option>{1}</select>
    <p id="finder-key-hint" class="hint">{@FinderKeyHint}</p></div>{2}`}
var finderValueField = &view{src: `<div class="field"><label for="finder-value">{0}</label>
    <select id="finder-value" on:change="value"><option value="" selected={1} disabled>{@Attributes.Choose}</option>{2}</select></div>`}

// keyFilter is the filter by a described key's value: the keys the index
// keeps the values of, by label, then the key's values by label; nothing
// while the registry describes no such key.
func (p *finderPage) keyFilter() app.UI {
	indexed := p.keys.indexed()
	if len(indexed) == 0 {
		return nil
	}
	keys := make([]app.UI, len(indexed))
	for i, s := range indexed {
		keys[i] = optionView.ui(p, s.Key, p.key == s.Key, s.Labels.In(pageLang()))
	}
	var value app.UI
	if vs := p.keys.values(p.key); vs != nil {
		opts := make([]app.UI, len(vs))
		for i, v := range vs {
			opts[i] = optionView.ui(p, v[0], p.value == v[0], v[1])
		}
		value = finderValueField.ui(p, tr("Attributes.ValueOf", p.keys.keyLabel(p.key)), p.value == "", opts)
	}
	return finderKeyFields.ui(p, p.key == "", keys, value)
}

var recentView = &view{src: `<section class="recent" aria-labelledby="recent-title"><h2 id="recent-title">{@FinderRecent}</h2><ul class="chips">{0}</ul></section>`}
var chipLink = &view{src: `<li><a class="chip" href="{0}">{1} · {2}</a></li>`}
var optionView = &view{src: `<option value="{0}" selected={1}>{2}</option>`}

func (p *finderPage) Render() app.UI {
	var recent app.UI
	if len(p.recent) > 0 {
		chips := make([]app.UI, len(p.recent))
		for i, r := range p.recent {
			chips[i] = chipLink.ui(p, editorURL(r.ID), r.Name, r.ID)
		}
		recent = recentView.ui(p, chips)
	}
	types := make([]app.UI, len(finderTypes))
	for i, t := range finderTypes {
		types[i] = optionView.ui(p, t, p.typ == t, typeName(t))
	}
	return newShell().Path(pathGroups).Content(
		finderView.uis(p, recent, p.query, p.typ == "", types, p.indexStatus(), p.results(), p.keyFilter())...)
}

func (p *finderPage) resultsCount() string {
	switch {
	case p.page.TotalAtLeast:
		return tr("FinderResultsMore", num(p.page.Total))
	case p.page.Total == 1:
		return message("FinderResult1")
	}
	return tr("FinderResults", num(p.page.Total))
}

var noGroupsView = &view{src: `<div><p class="empty" role="status">{@FinderNone}</p>{0}</div>`}

// scopeNote is shown to every account with a limited scope, whatever the
// query found: a note shown only when something was hidden would tell the
// moderator that groups outside the scope match.
var scopeNote = &view{src: `<p class="hint scope-note">{@FinderScopeNote}</p>`}
var resultsView = &view{src: `<section aria-labelledby="results-title">
  <h2 id="results-title" class="results-count" role="status">{0}</h2>{1}
  <ul class="group-list">{2}</ul>
  <div class="pager">{3}{4}</div></section>`}
var groupItem = &view{src: `<li class="group-item"><a href="{0}"><span class="group-name">{1}</span>
  <span class="group-meta"><span class="group-id">{2}</span> <span>{3}</span> <span>{4}</span>{5}</span></a></li>`}
var readOnlyTag = &view{src: `<span class="tag">{@ReadOnlyGroup}</span>`}
var pagerButton = &view{src: `<button class="button button-quiet" type="button" on:click="{0}">{1}</button>`}

func (p *finderPage) results() app.UI {
	if v := p.stateView(p); v != nil {
		return v
	}
	var hidden, prev, next app.UI
	if p.page.ScopeLimited {
		hidden = scopeNote.ui(p)
	}
	if len(p.page.Groups) == 0 {
		return noGroupsView.ui(p, hidden)
	}
	items := make([]app.UI, len(p.page.Groups))
	for i, g := range p.page.Groups {
		items[i] = groupItem.ui(p, editorURL(g.ID), g.Name, g.ID, typeName(g.Type), trn("MembersCount", g.MemberCount, num(g.MemberCount)), when(!g.CanEdit, readOnlyTag.ui(p)))
	}
	if len(p.cursors) > 0 {
		prev = pagerButton.ui(p, "previous", message("FinderPrevious"))
	}
	if p.page.NextCursor != "" {
		next = pagerButton.ui(p, "next", message("FinderNext"))
	}
	return resultsView.ui(p, p.resultsCount(), hidden, items, prev, next)
}
