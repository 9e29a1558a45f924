package main

// The group members page (?id=GROUP-ID): a group's members with their
// role, name card, join time, mute and the app's custom data; a search by
// ID or name card; one member's profile form (role, name card, mute,
// custom data) saved after a preview, old → new, with If-Match; and, from
// a selection in the list, the same role or mute for several members, a
// row each in the answer. A viewer sees and never changes. An AVChatRoom
// keeps no member profiles and says so.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// groupMembersURL is the members page of a group.
func groupMembersURL(id string) string { return pathGroupMembers + "?id=" + url.QueryEscape(id) }

// Mute choices of the form besides a number of seconds.
const (
	muteKeep    = "keep"
	muteUnmute  = "0"
	muteForever = "forever"
	muteUntil   = "until"
)

// muteChoices are the durations offered, in seconds.
var muteChoices = []int{600, 3600, 86400, 7 * 86400, 30 * 86400}

type groupMembersPage struct {
	base
	groupID string
	group   *api.Group

	// the list
	query, searched string
	members         []api.Member
	list            *api.MemberPage
	cursors         []string // the cursors of the pages before this one
	cursor          string
	listState       viewState
	listErr         *api.Error

	// several members at once
	chosen      ticks
	batchMute   muteChoice
	confirmRole bool // the "Make admin" confirmation is open
	results     []api.ItemResult

	// one member's profile
	profile  *api.MemberProfile
	opening  string
	member   string // the member in the page's address (&member=), opened once the group is read
	restored bool   // the form holds a draft kept when the session ended
	role     string
	nameCard string
	mute     muteChoice
	data     map[string]string
	preview  bool
	current  *api.MemberProfile // after a 412: the profile as it is now
	conflict bool

	busy, saved bool
	actErr      *api.Error
}

func (p *groupMembersPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(title(message("GroupMembers.Section")))
}

func (p *groupMembersPage) OnNav(ctx app.Context) {
	p.begin(ctx)
	p.groupID = ctx.Page().URL().Query().Get("id")
	p.member = ctx.Page().URL().Query().Get("member")
	p.group, p.members, p.list, p.cursors, p.cursor, p.query, p.searched = nil, nil, nil, nil, "", "", ""
	p.chosen, p.results, p.batchMute, p.confirmRole = ticks{}, nil, muteChoice{choice: "86400"}, false
	p.closeProfile()
	if app.IsServer {
		return
	}
	p.load(p, "group", groupPath(p.groupID))
}

func (p *groupMembersPage) OnMount(ctx app.Context) {
	p.onEscape(ctx, func() {
		if !p.busy {
			p.preview, p.confirmRole = false, false
		}
	})
}

func (p *groupMembersPage) OnDismount() {
	setUnsaved(false)
	p.base.OnDismount()
}

func (p *groupMembersPage) canEdit() bool { return p.group != nil && p.group.CanEdit }

func (p *groupMembersPage) title() string {
	name := p.groupID
	if p.group != nil {
		name = p.group.Name
	}
	return tr("GroupMembers.Title", name)
}

// loadList reads a page of members from cursor, with the search typed.
func (p *groupMembersPage) loadList(cursor string) {
	p.cursor, p.listState, p.listErr = cursor, stateLoading, nil
	q := url.Values{}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if p.searched != "" {
		q.Set("query", p.searched)
	}
	path := groupPath(p.groupID) + "/members"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	p.send(p, "members", "GET", path, nil, nil)
}

func memberPath(group, user string) string {
	return groupPath(group) + "/members/" + url.PathEscape(user)
}

func (p *groupMembersPage) got(ctx app.Context, what string, r response) {
	switch what {
	case "group":
		var g api.Group
		if p.fill(r, &g) {
			p.group = &g
			ctx.Page().SetTitle(title(p.title()))
			if api.GroupKeepsProfiles(g.Type) {
				p.loadList("")
				if p.member != "" {
					p.opening = p.member
					p.send(p, "profile", "GET", memberPath(p.groupID, p.member), nil, nil)
				}
			}
		}
	case "members":
		var page api.MemberPage
		if e := r.decode(&page); e != nil {
			p.listState, p.listErr = stateFailed, e
			return
		}
		p.list, p.members, p.listState = &page, page.Members, stateReady
	case "profile":
		p.opening = ""
		var m api.MemberProfile
		if e := r.decode(&m); e != nil {
			p.actErr = e
			return
		}
		p.setProfile(&m)
		p.member = m.ID
		memberInAddress(m.ID)
		if p.canEdit() && takeDraft(ctx, p) {
			p.restored = true
		}
		focusLater(ctx, "gm-profile-title")
	case "saved":
		p.busy, p.preview = false, false
		if r.status == 412 {
			p.conflict = true
			p.send(p, "current", "GET", memberPath(p.groupID, p.profile.ID), nil, nil)
			return
		}
		var m api.MemberProfile
		if e := r.decode(&m); e != nil {
			p.actErr = e
			focusLater(ctx, "gm-status") // where the person looks, as every page's change (pageChange.answer)
			return
		}
		p.setProfile(&m)
		p.saved = true
		p.updateRow(m.Member)
		focusLater(ctx, "gm-status")
	case "current":
		var m api.MemberProfile
		if e := r.decode(&m); e != nil {
			p.actErr = e
			focusLater(ctx, "gm-status") // where the person looks, as every page's change (pageChange.answer)
			return
		}
		p.current = &m
		p.ctx.Defer(func(app.Context) {
			if el := app.Window().GetElementByID("conflict"); el.Truthy() {
				el.Call("scrollIntoView", map[string]any{"block": "start"})
				el.Call("focus", map[string]any{"preventScroll": true})
			}
		})
	case "batch":
		p.busy, p.confirmRole = false, false
		var res api.MembersChanged
		if e := r.decode(&res); e != nil {
			p.actErr = e
			focusLater(ctx, "gm-status") // where the person looks, as every page's change (pageChange.answer)
			return
		}
		p.results, p.chosen = res.Results, ticks{}
		p.loadList(p.cursor)
		focusLater(ctx, "gm-status")
	}
}

// setProfile shows a member's profile in the form, as Tencent has it.
func (p *groupMembersPage) setProfile(m *api.MemberProfile) {
	p.profile, p.current, p.conflict, p.preview, p.restored = m, nil, false, false, false
	p.role, p.nameCard, p.mute = m.Role, m.NameCard, muteChoice{choice: muteKeep}
	p.data = map[string]string{}
	for _, d := range m.Data {
		p.data[d.Key] = d.Value
	}
	p.showForm()
	setUnsaved(false)
}

// showForm puts the form's values into its fields: go-app sets the value
// attribute, which a browser no longer shows once the field was edited.
func (p *groupMembersPage) showForm() {
	setInput("gm-role", p.role)
	setInput("gm-name-card", p.nameCard)
	setInput("gm-mute", p.mute.choice)
	for k, v := range p.data {
		setInput("gm-data-"+k, v)
	}
}

// setInput sets the value a field shows.
func setInput(id, v string) {
	if app.IsServer {
		return
	}
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Set("value", v)
	}
}

func (p *groupMembersPage) closeProfile() {
	p.profile, p.current, p.conflict, p.preview, p.saved, p.actErr, p.opening, p.restored = nil, nil, false, false, false, nil, "", false
	setUnsaved(false)
}

// memberInAddress puts the member whose profile is open into the page's
// address (&member=ID; "" takes it out), without a new entry in the
// history: a reload, a link, or signing in again after the session ended
// opens the same profile, and a draft of it is kept under that address.
func memberInAddress(id string) {
	if app.IsServer {
		return
	}
	u := app.Window().URL()
	q := u.Query()
	if q.Get("member") == id {
		return
	}
	if id == "" {
		q.Del("member")
	} else {
		q.Set("member", id)
	}
	u.RawQuery = q.Encode()
	app.Window().Get("history").Call("replaceState", nil, "", u.Path+"?"+u.RawQuery)
}

// memberDraft is the profile form's draft: the member, the form as it
// stands, and the version of the profile it was edited from.
type memberDraft struct {
	Member   string            `json:"member"`
	Version  string            `json:"version"`
	Role     string            `json:"role"`
	NameCard string            `json:"nameCard"`
	Mute     string            `json:"mute"`
	Until    string            `json:"until,omitempty"`
	Data     map[string]string `json:"data,omitempty"`
}

func (p *groupMembersPage) draft() any {
	if p.profile == nil {
		return nil
	}
	return memberDraft{Member: p.profile.ID, Version: p.profile.Version, Role: p.role, NameCard: p.nameCard,
		Mute: p.mute.choice, Until: p.mute.until, Data: p.data}
}

// restoreDraft puts the form back as it was, against the version it was
// edited from: someone else's change meanwhile is refused and shown as any
// other, with their changes kept under the moderator's.
func (p *groupMembersPage) restoreDraft(b []byte) bool {
	var d memberDraft
	if json.Unmarshal(b, &d) != nil || d.Version == "" || p.profile == nil || d.Member != p.profile.ID {
		return false
	}
	m := *p.profile
	m.Version = d.Version
	p.profile = &m
	p.role, p.nameCard, p.mute = d.Role, d.NameCard, muteChoice{choice: d.Mute, until: d.Until}
	for k, v := range d.Data {
		p.data[k] = v
	}
	p.showForm()
	p.edited()
	return true
}

// updateRow shows a member's saved profile in the list.
func (p *groupMembersPage) updateRow(m api.Member) {
	for i := range p.members {
		if p.members[i].ID == m.ID {
			p.members[i] = m
		}
	}
}

func (p *groupMembersPage) edited() {
	p.saved, p.actErr = false, nil
	setUnsaved(!p.change().empty())
}

func (p *groupMembersPage) act(ctx app.Context, ev event) {
	switch ev.name {
	case "retry":
		p.OnNav(p.ctx)
	case "list-retry":
		p.loadList(p.cursor)
	case "query":
		p.query = ev.value
	case "search":
		p.searched, p.cursors = strings.TrimSpace(p.query), nil
		p.loadList("")
	case "search-clear":
		p.query, p.searched, p.cursors = "", "", nil
		clearInput("gm-query")
		p.loadList("")
	case "next":
		p.cursors = append(p.cursors, p.cursor)
		p.loadList(p.list.NextCursor)
	case "previous":
		if n := len(p.cursors); n > 0 {
			prev := p.cursors[n-1]
			p.cursors = p.cursors[:n-1]
			p.loadList(prev)
		}
	case "choose":
		p.chosen.tick(ev)
	case "batch-mute":
		p.batchMute.choice = ev.value
	case "batch-until":
		p.batchMute.until = ev.value
	case "make-admin":
		if len(p.chosenIDs()) > 0 {
			p.confirmRole = true
			focusLater(ctx, "gm-role-cancel")
		}
	case "make-admin-confirm":
		p.batch(api.MembersChange{Role: ptr(api.MemberAdmin)})
	case "make-member":
		p.batch(api.MembersChange{Role: ptr(api.MemberMember)})
	case "mute-chosen":
		if m, ok := p.batchMute.mute(); ok && m != nil {
			p.batch(api.MembersChange{Mute: m})
		}
	case "unmute-chosen":
		p.batch(api.MembersChange{Mute: &api.Mute{Seconds: ptr(int64(0))}})
	case "cancel":
		p.preview, p.confirmRole = false, false
	case "open":
		if confirmLeave() {
			p.closeProfile()
			p.opening = ev.arg.part(0)
			p.send(p, "profile", "GET", memberPath(p.groupID, ev.arg.part(0)), nil, nil)
		}
	case "close":
		if confirmLeave() {
			id := p.profile.ID
			p.closeProfile()
			p.member = ""
			memberInAddress("")
			focusLater(ctx, "open-"+id)
		}
	case "role":
		p.role = ev.value
		p.edited()
	case "name-card":
		p.nameCard = ev.value
		p.edited()
	case "mute":
		p.mute.choice = ev.value
		p.edited()
	case "until":
		p.mute.until = ev.value
		p.edited()
	case "data":
		p.data[ev.arg.part(0)] = ev.value
		p.edited()
	case "undo":
		p.setProfile(p.profile)
	case "preview":
		if p.blocker() == "" {
			p.preview = true
			focusLater(ctx, "preview-confirm")
		}
	case "save":
		c := p.change()
		p.busy, p.actErr, p.saved = true, nil, false
		p.send(p, "saved", "PATCH", memberPath(p.groupID, p.profile.ID), c, map[string]string{"If-Match": `"` + p.profile.Version + `"`})
	case "reload":
		p.setProfile(p.current)
	case "keep-mine":
		p.keepMine()
		if p.blocker() == "" {
			p.preview = true
			focusLater(ctx, "preview-confirm")
		}
	}
}

func ptr[T any](v T) *T { return &v }

// batch changes the chosen members; got shows a row per member.
func (p *groupMembersPage) batch(c api.MembersChange) {
	c.Members = p.chosenIDs()
	if len(c.Members) == 0 {
		return
	}
	p.busy, p.actErr, p.results = true, nil, nil
	p.send(p, "batch", "POST", groupPath(p.groupID)+"/members", c, nil)
}

func (p *groupMembersPage) chosenIDs() []string {
	var ids []string
	for _, m := range p.members {
		if p.chosen[m.ID] {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// muteChoice is a mute as a form chooses it: a number of seconds, or
// muteKeep, muteUnmute, muteForever, or muteUntil the time until
// (datetime-local, in the moderator's zone).
type muteChoice struct {
	choice string
	until  string
}

// mute reads the choice: nil for no change; ok false when the time chosen
// cannot be read.
func (c muteChoice) mute() (*api.Mute, bool) {
	switch c.choice {
	case muteKeep:
		return nil, true
	case muteForever:
		return &api.Mute{Seconds: ptr(int64(api.MuteForever))}, true
	case muteUntil:
		t, ok := fromLocal(c.until)
		if !ok {
			return nil, false
		}
		return &api.Mute{Until: &t}, true
	}
	n, err := strconv.ParseInt(c.choice, 10, 64)
	if err != nil {
		return nil, false
	}
	return &api.Mute{Seconds: &n}, true
}

// zone names the zone the time is chosen in, with its offset at the time
// chosen (summer time or not), or now while none is.
func (c muteChoice) zone() string {
	if t, ok := fromLocal(c.until); ok {
		return zoneName(t)
	}
	return zoneName(time.Now())
}

// memberChange is the form's change, and whether it changes anything.
type memberChange api.MemberChange

func (c memberChange) empty() bool {
	return c.Role == nil && c.NameCard == nil && c.Mute == nil && len(c.Data) == 0
}

// change is what the form changes against the profile loaded.
func (p *groupMembersPage) change() memberChange {
	var c memberChange
	m := p.profile
	if m == nil {
		return c
	}
	if p.role != m.Role {
		c.Role = ptr(p.role)
	}
	if p.nameCard != m.NameCard {
		c.NameCard = ptr(p.nameCard)
	}
	c.Mute, _ = p.mute.mute()
	for _, k := range m.DataKeys {
		if p.data[k] != dataValue(m.Data, k) {
			c.Data = append(c.Data, api.Attr{Key: k, Value: p.data[k]})
		}
	}
	return c
}

func dataValue(data []api.Attr, key string) string {
	for _, d := range data {
		if d.Key == key {
			return d.Value
		}
	}
	return ""
}

// problems are the sentences under the form's inputs (fieldProblem):
// "role", "nameCard", "mute" and "data.KEY". Each field changed is checked
// alone with the server's rules, so that every field at fault is marked at
// once, not only the first; and the field the server's answer to the last
// save names is marked.
func (p *groupMembersPage) problems() map[string]string {
	c := p.change()
	out := map[string]string{}
	check := func(name, field string, alone api.MemberChange) {
		_, fe := alone.Apply(*p.profile, time.Now())
		if fe != nil {
			fe = fe.At(field) // the path in the whole change
		}
		if why := fieldProblem(field, fe, p.actErr); why != "" {
			out[name] = why
		}
	}
	if c.Role != nil {
		check("role", "role", api.MemberChange{Role: c.Role})
	}
	if c.NameCard != nil {
		check("nameCard", "nameCard", api.MemberChange{NameCard: c.NameCard})
	}
	if c.Mute != nil {
		check("mute", "mute", api.MemberChange{Mute: c.Mute})
	}
	for i, d := range c.Data {
		check("data."+d.Key, fmt.Sprintf("data[%d]", i), api.MemberChange{Data: []api.Attr{d}})
	}
	return out
}

// blocker says why the form cannot be saved as it stands, or "".
func (p *groupMembersPage) blocker() string {
	if _, ok := p.mute.mute(); !ok {
		return message("GroupMembers.ChooseTime")
	}
	c := p.change()
	if c.empty() {
		return message("Attributes.NoChanges")
	}
	if _, ferr := api.MemberChange(c).Apply(*p.profile, time.Now()); ferr != nil {
		return sayPhrase(ferr.Say)
	}
	return ""
}

// keepMine puts the form's edits on top of the profile as it is now.
func (p *groupMembersPage) keepMine() {
	old, now := p.profile, p.current
	if p.role == old.Role {
		p.role = now.Role
	}
	if p.nameCard == old.NameCard {
		p.nameCard = now.NameCard
	}
	for _, k := range old.DataKeys {
		if p.data[k] == dataValue(old.Data, k) {
			p.data[k] = dataValue(now.Data, k)
		}
	}
	p.profile, p.current, p.conflict = now, nil, false
	p.showForm()
	p.edited()
}

// muteText says a member's mute.
func muteText(m api.Member) string {
	switch {
	case m.MutedForever:
		return message("GroupMembers.MutedForever")
	case m.MutedUntil != nil && m.MutedUntil.After(time.Now()):
		return tr("GroupMembers.MutedUntil", localTime(*m.MutedUntil))
	}
	return message("GroupMembers.NotMuted")
}

// fields are a profile as the preview and the conflict compare it: a row
// per field shown, none for an empty one.
func fields(m api.Member, mute string) []api.Attr {
	out := []api.Attr{{Key: message("GroupMembers.Role"), Value: message("Users.Role." + m.Role)}}
	if m.NameCard != "" {
		out = append(out, api.Attr{Key: message("GroupMembers.NameCard"), Value: m.NameCard})
	}
	out = append(out, api.Attr{Key: message("GroupMembers.Mute"), Value: mute})
	return append(out, m.Data...)
}

// previewDiff is old → new of the form's change.
func (p *groupMembersPage) previewDiff() diff {
	before := p.profile.Member
	after, _ := api.MemberChange(p.change()).Apply(*p.profile, time.Now())
	return diffAttrs(fields(before, muteText(before)), fields(after.Member, muteText(after.Member)))
}

var gmView = &view{src: `<p class="breadcrumb"><a href="{0}">← {@GroupMembers.Back}</a></p><h1>{1}</h1>{2}`}

func (p *groupMembersPage) Render() app.UI {
	return newShell().Path(pathGroupMembers).Content(gmView.uis(p, editorURL(p.groupID), p.title(), p.body())...)
}

var gmBody = &view{src: `<div class="group-members">
  <p class="group-meta"><span class="group-id">{0}</span><span>{1}</span><span>{2}</span></p>{3}
  <div id="gm-status" tabindex="-1"><div role="status">{4}</div>{5}{6}</div>
  {7}{8}
</div>`}

var noProfilesView = &view{src: `<div class="alert alert-info" role="status"><p>{@GroupMembers.NoProfiles}</p></div>`}

func (p *groupMembersPage) body() app.UI {
	if v := p.stateView(p); v != nil {
		return v
	}
	g := p.group
	meta := func(main app.UI) app.UI {
		var readOnly app.UI
		if !p.canEdit() {
			readOnly = infoNote.ui(p, message("GroupMembers.ReadOnly"))
		}
		var saved app.UI
		switch {
		case p.saved:
			saved = okText.ui(p, message("GroupMembers.Saved"))
		case p.restored && p.profile != nil:
			saved = infoNote.ui(p, message("DraftRestored"))
		}
		return gmBody.ui(p, g.ID, typeName(g.Type), trn("MembersCount", g.MemberCount, num(g.MemberCount)), readOnly,
			saved, p.resultsView(), errorView(p, p.actErr), main, p.dialogView())
	}
	if !api.GroupKeepsProfiles(g.Type) {
		return meta(noProfilesView.ui(p))
	}
	if p.profile != nil {
		return meta(p.profileView())
	}
	return meta(p.listView())
}

var gmResults = &view{src: `<section class="alert {0}" role="alert" aria-labelledby="gm-results-title"><h2 id="gm-results-title">{1}</h2><ul>{2}</ul></section>`}

// resultsView reports the last change of several members, a row each.
func (p *groupMembersPage) resultsView() app.UI {
	if len(p.results) == 0 {
		return nil
	}
	refused := 0
	rows := make([]app.UI, len(p.results))
	for i, r := range p.results {
		what := message("GroupMembers.Made")
		if !r.OK {
			refused++
			what = tr("GroupMembers.Refused", r.Message)
		}
		rows[i] = liText.ui(p, tr("ConvGroups.Failed", p.memberLabel(r.ID), what))
	}
	return gmResults.ui(p, pick(refused > 0, "alert-warn", "alert-ok"),
		tr("GroupMembers.ResultsTitle", len(p.results)-refused, refused), rows)
}

// memberLabel names a member with their nickname when the page knows it.
func (p *groupMembersPage) memberLabel(id string) string {
	for _, m := range p.members {
		if m.ID == id {
			return userLabel(m.ID, m.Nick)
		}
	}
	return id
}

var gmSearch = &view{src: `<form class="form finder-form" role="search" on:submit="search">
  <div class="field"><label for="gm-query">{@GroupMembers.Search}</label>
    <input id="gm-query" type="search" value="{0}" autocomplete="off" spellcheck="false" autocapitalize="none" on:input="query"></div>
  <div class="actions"><button class="button" type="submit">{@GroupMembers.Find}</button>{1}</div></form>`}
var gmClearSearch = &view{src: `<button class="button button-quiet" type="button" on:click="search-clear">{@GroupMembers.AllMembers}</button>`}
var gmList = &view{src: `<section aria-labelledby="gm-list-title"><h2 id="gm-list-title" role="status">{0}</h2>{1}<ul class="conv-list">{2}</ul>{3}{4}</section>`}
var gmRow = &view{src: `<li class="conv gm-member">{0}<div class="conv-label"><strong>{1}</strong> <span class="tag">{2}</span>
  <p class="hint">{3}</p><p class="hint">{4}</p>{5}</div>
  <button id="open-{6}" class="button button-quiet" type="button" aria-label="{8}" disabled={7} data-arg="{6}" on:click="open">{9}</button></li>`}
var gmData = &view{src: `<p class="hint">{0}</p>`}
var gmChoose = &view{src: `<input id="choose-{0}" type="checkbox" checked={1} aria-label="{@ConvGroups.Select 2}" data-arg="{0}" on:change="choose">`}
var gmPager = &view{src: `<div class="pager">{0}{1}</div>`}
var gmPagerButton = &view{src: `<button class="button button-quiet" type="button" on:click="{0}">{1}</button>`}

func (p *groupMembersPage) listView() app.UI {
	var clear app.UI
	if p.searched != "" {
		clear = gmClearSearch.ui(p)
	}
	search := gmSearch.ui(p, p.query, clear)
	switch {
	case p.listState == stateFailed:
		return app.Div().Body(search, errorView(p, p.listErr), gmPagerButton.ui(p, "list-retry", message("TryAgain")))
	case p.list == nil || p.listState == stateLoading:
		return app.Div().Body(search, loadingView.ui(p))
	}
	edit := p.canEdit()
	rows := make([]app.UI, len(p.members))
	for i, m := range p.members {
		var box, data app.UI
		if edit {
			box = gmChoose.ui(p, m.ID, p.chosen[m.ID], userLabel(m.ID, m.Nick))
		}
		if len(m.Data) > 0 {
			kv := make([]string, len(m.Data))
			for j, d := range m.Data {
				kv[j] = d.Key + ": " + d.Value
			}
			data = gmData.ui(p, list(kv))
		}
		card := message("GroupMembers.NoNameCard")
		if m.NameCard != "" {
			card = tr("GroupMembers.NameCardIs", m.NameCard)
		}
		joined := ""
		if m.Joined != nil {
			joined = tr("GroupMembers.Joined", localTime(*m.Joined)) + " · "
		}
		rows[i] = gmRow.ui(p, box, userLabel(m.ID, m.Nick), message("Users.Role."+m.Role), card, joined+muteText(m), data,
			m.ID, p.opening != "", tr(pick(edit, "GroupMembers.EditOf", "GroupMembers.ViewOf"), userLabel(m.ID, m.Nick)),
			message(pick(edit, "GroupMembers.Edit", "GroupMembers.View")))
	}
	heading := tr("GroupMembers.Shown", len(p.members), num(p.list.Total))
	if p.searched != "" {
		heading = tr("GroupMembers.Found", len(p.members), p.searched, num(p.list.Scanned))
	}
	var empty, pager, forms app.UI
	if len(p.members) == 0 {
		empty = emptyNote.ui(p, message(pick(p.searched != "", "GroupMembers.NoneFound", "GroupMembers.None")))
	}
	var prev, next app.UI
	if len(p.cursors) > 0 {
		prev = gmPagerButton.ui(p, "previous", message("FinderPrevious"))
	}
	if p.list.NextCursor != "" {
		next = gmPagerButton.ui(p, "next", message(pick(p.searched != "", "GroupMembers.SearchOn", "GroupMembers.Next")))
	}
	if prev != nil || next != nil {
		pager = gmPager.ui(p, prev, next)
	}
	if edit && len(p.members) > 0 {
		forms = p.batchView()
	}
	return app.Div().Body(search, gmList.ui(p, heading, empty, rows, pager, forms))
}

var gmBatch = &view{src: `<section class="cg-marks" aria-labelledby="gm-batch-title"><h2 id="gm-batch-title">{@GroupMembers.ChosenTitle}</h2>
  <p class="meter" role="status">{@GroupMembers.Chosen 0}</p>{1}
  <div class="actions">{2}</div>
  {3}</section>`}
var gmRoleButtons = &view{src: `<button class="button" type="button" disabled={0} on:click="make-admin">{@GroupMembers.MakeAdmin}</button>
  <button class="button button-quiet" type="button" disabled={0} on:click="make-member">{@GroupMembers.MakeMember}</button>`}
var gmBatchMute = &view{src: `<div class="mark-forms">
  <div class="field"><label for="gm-batch-mute">{@GroupMembers.MuteFor}</label><select id="gm-batch-mute" on:change="batch-mute">{0}</select></div>
  {1}
  <div class="actions"><button class="button" type="button" disabled={2} on:click="mute-chosen">{@GroupMembers.MuteChosen}</button>
  <button class="button button-quiet" type="button" disabled={3} on:click="unmute-chosen">{@GroupMembers.UnmuteChosen}</button></div>
  <p class="hint">{4}</p></div>`}
var gmUntilField = &view{src: `<div class="field"><label for="{0}">{@GroupMembers.Until 1}</label><input id="{0}" type="datetime-local" value="{2}" aria-invalid={4} aria-describedby={5} on:input="{3}"></div>`}

func (p *groupMembersPage) batchView() app.UI {
	n := len(p.chosenIDs())
	none := n == 0 || p.busy
	hint := ""
	if n == 0 {
		hint = message("GroupMembers.ChooseFirst")
	}
	var roles, mute app.UI
	if api.GroupHasAdmins(p.group.Type) {
		roles = gmRoleButtons.ui(p, none)
	}
	if api.GroupMutes(p.group.Type) {
		var until app.UI
		if p.batchMute.choice == muteUntil {
			until = gmUntilField.ui(p, "gm-batch-until", p.batchMute.zone(), p.batchMute.until, "batch-until", nil, nil)
		}
		m, ok := p.batchMute.mute()
		mute = gmBatchMute.ui(p, p.muteOptions(p.batchMute.choice, false), until, none || !ok || m == nil, none, hint)
	}
	return gmBatch.ui(p, n, when(roles == nil && mute == nil, noneHint.ui(p, tr("GroupMembers.NothingFor", typeName(p.group.Type)))), roles, mute)
}

// muteOptions are the mute choices; keep adds "no change" and unmute.
func (p *groupMembersPage) muteOptions(chosen string, keep bool) []app.UI {
	var opts []app.UI
	if keep {
		opts = append(opts, optionView.ui(p, muteKeep, chosen == muteKeep, message("GroupMembers.MuteKeep")),
			optionView.ui(p, muteUnmute, chosen == muteUnmute, message("GroupMembers.Unmute")))
	}
	for _, s := range muteChoices {
		v := strconv.Itoa(s)
		opts = append(opts, optionView.ui(p, v, chosen == v, durationText(s)))
	}
	return append(opts, optionView.ui(p, muteUntil, chosen == muteUntil, message("GroupMembers.UntilChoice")),
		optionView.ui(p, muteForever, chosen == muteForever, message("GroupMembers.Forever")))
}

// durationText says a mute's length.
func durationText(s int) string {
	switch {
	case s%86400 == 0:
		return trn("GroupMembers.Days", s/86400, s/86400)
	case s%3600 == 0:
		return trn("GroupMembers.Hours", s/3600, s/3600)
	}
	return trn("GroupMembers.Minutes", s/60, s/60)
}

var gmProfile = &view{src: `<section class="gm-profile" aria-labelledby="gm-profile-title">
  <h2 id="gm-profile-title" tabindex="-1">{0}</h2>
  <p class="group-meta"><span>{1}</span><span>{2}</span></p>
  {3}
  <form class="form" on:submit="preview">
    {4}{5}{6}
    <fieldset class="conv-pick"><legend>{@GroupMembers.Data}</legend>{7}</fieldset>
    {8}
  </form>
  <div class="actions"><button class="button button-quiet" type="button" on:click="close">← {@GroupMembers.BackToList}</button></div>
</section>`}
var gmRoleOwner = &view{src: `<div class="field"><p><strong>{@GroupMembers.Role}</strong>: {0}</p><p class="hint">{@GroupMembers.OwnerFixed}</p></div>`}
var gmRoleSelect = &view{src: `<div class="field"><label for="gm-role">{@GroupMembers.Role}</label>
  <select id="gm-role" aria-describedby="gm-role-help" aria-invalid={2} disabled={0} on:change="role">{1}</select>
  <p id="gm-role-help" class="hint">{@GroupMembers.AdminCan}{3}</p></div>`}
var gmRoleFixed = &view{src: `<div class="field"><p><strong>{@GroupMembers.Role}</strong>: {0}</p><p class="hint">{1}</p></div>`}
var gmNameCard = &view{src: `<div class="field"><label for="gm-name-card">{@GroupMembers.NameCard}</label>
  <input id="gm-name-card" type="text" value="{0}" readonly={1} autocomplete="off" aria-invalid={2} aria-describedby="gm-name-card-help" on:input="name-card">{3}</div>`}
var gmMute = &view{src: `<div class="field"><label for="gm-mute">{@GroupMembers.Mute}</label>
  <p class="hint" id="gm-mute-now">{0}</p>
  <select id="gm-mute" aria-describedby="gm-mute-now gm-mute-zone" aria-invalid={4} on:change="mute">{1}</select>{2}
  <p class="hint" id="gm-mute-zone">{@GroupMembers.Zone 3}{5}</p></div>`}
var gmMuteFixed = &view{src: `<div class="field"><p><strong>{@GroupMembers.Mute}</strong>: {0}</p><p class="hint">{1}</p></div>`}
var gmDataRow = &view{src: `<div class="field"><label for="gm-data-{0}">{0}</label>
  <input id="gm-data-{0}" type="text" value="{1}" readonly={2} autocomplete="off" aria-invalid={3} aria-describedby="gm-data-{0}-help" data-arg="{0}" on:input="data">{4}</div>`}
var gmSave = &view{src: `<div class="actions"><button class="button" type="submit" disabled={0} aria-describedby="gm-save-why">{@Attributes.Save}</button>{1}
  <p id="gm-save-why" class="hint">{2}</p></div>`}

func (p *groupMembersPage) profileView() app.UI {
	m := p.profile
	edit := p.canEdit()
	problems := p.problems()
	var role, mute app.UI
	switch {
	case m.Role == api.MemberOwner:
		role = gmRoleOwner.ui(p, message("Users.Role.Owner"))
	case !api.GroupHasAdmins(m.GroupType):
		role = gmRoleFixed.ui(p, message("Users.Role."+m.Role), tr("GroupMembers.NoAdmins", typeName(m.GroupType)))
	case !edit:
		role = gmRoleFixed.ui(p, message("Users.Role."+m.Role), "")
	default:
		opts := []app.UI{
			optionView.ui(p, api.MemberMember, p.role == api.MemberMember, message("Users.Role.Member")),
			optionView.ui(p, api.MemberAdmin, p.role == api.MemberAdmin, message("Users.Role.Admin")),
		}
		problem := problems["role"]
		role = gmRoleSelect.ui(p, p.busy, opts, problem != "", when(problem != "", fieldError.ui(p, problem)))
	}
	cardProblem := problems["nameCard"]
	card := gmNameCard.ui(p, p.nameCard, !edit, cardProblem != "",
		byteCounter(p, "gm-name-card-help", len(p.nameCard), api.MaxNameCardBytes, cardProblem))
	switch {
	case !api.GroupMutes(m.GroupType):
		mute = gmMuteFixed.ui(p, muteText(m.Member), tr("GroupMembers.NoMutes", typeName(m.GroupType)))
	case !edit:
		mute = gmMuteFixed.ui(p, muteText(m.Member), "")
	default:
		var until app.UI
		problem := problems["mute"]
		if p.mute.choice == muteUntil {
			until = gmUntilField.ui(p, "gm-until", p.mute.zone(), p.mute.until, "until", problem != "", "gm-mute-zone")
		}
		mute = gmMute.ui(p, muteText(m.Member), p.muteOptions(p.mute.choice, true), until, zoneName(time.Now()),
			problem != "" && until == nil, when(problem != "", fieldError.ui(p, problem)))
	}
	rows := make([]app.UI, len(m.DataKeys))
	for i, k := range m.DataKeys {
		v := p.data[k]
		problem := problems["data."+k]
		rows[i] = gmDataRow.ui(p, k, v, !edit, problem != "", byteCounter(p, "gm-data-"+k+"-help", len(v), api.MaxMemberDataValueBytes, problem))
	}
	if len(rows) == 0 {
		rows = []app.UI{noneHint.ui(p, message("GroupMembers.NoDataKeys"))}
	}
	var save app.UI
	if edit {
		block := p.blocker()
		var undo app.UI
		if !p.change().empty() {
			undo = undoButton.ui(p)
		}
		save = gmSave.ui(p, block != "" || p.busy, undo, block)
	}
	joined := ""
	if m.Joined != nil {
		joined = tr("GroupMembers.Joined", localTime(*m.Joined))
	}
	return gmProfile.ui(p, tr("GroupMembers.ProfileOf", userLabel(m.ID, m.Nick)), message("Users.Role."+m.Role), joined,
		p.conflictView(), role, card, mute, rows, save)
}

var gmConflict = &view{src: `<section id="conflict" class="alert alert-warn conflict" tabindex="-1" role="alert" aria-labelledby="conflict-title">
  <h2 id="conflict-title">{@GroupMembers.Changed}</h2>{0}
  <div class="actions">{1}<button class="button button-quiet" type="button" on:click="reload">{@GroupMembers.Reload}</button></div></section>`}
var gmKeepMine = &view{src: `<button class="button" type="button" on:click="keep-mine">{@GroupMembers.KeepMine}</button>`}

// conflictView says that someone changed the member after the form was
// loaded, and what they changed.
func (p *groupMembersPage) conflictView() app.UI {
	if !p.conflict {
		return nil
	}
	if p.current == nil {
		return gmConflict.ui(p, loadingView.ui(p), nil)
	}
	old, now := p.profile.Member, p.current.Member
	theirs := diffAttrs(fields(old, muteText(old)), fields(now, muteText(now)))
	return gmConflict.ui(p, conflictBody.ui(p, theirs.view(p), nil), gmKeepMine.ui(p))
}

var gmAdminNote = &view{src: `<p class="alert alert-warn">{@GroupMembers.AdminCan}</p>`}
var gmRoleDialog = &view{src: `<div class="dialog-backdrop">
  <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="dialog-title" aria-describedby="dialog-warning">
  <h2 id="dialog-title">{0}</h2><div id="dialog-warning"><ul>{1}</ul><p class="alert alert-warn">{@GroupMembers.AdminCan}</p></div>
  <div class="actions"><button class="button" type="button" disabled={2} aria-busy={2} on:click="make-admin-confirm">{3}</button>
  <button id="gm-role-cancel" class="button button-quiet" type="button" on:click="cancel">{@Cancel}</button></div></div></div>`}
var gmPreview = &view{src: `{0}{1}<div class="actions">
  <button id="preview-confirm" class="button" type="button" disabled={2} aria-busy={2} on:click="save">{@GroupMembers.SaveConfirm}</button>
  <button class="button button-quiet" type="button" on:click="cancel">{@Cancel}</button></div>`}

func (p *groupMembersPage) dialogView() app.UI {
	switch {
	case p.preview && p.profile != nil:
		var admin app.UI
		if c := p.change(); c.Role != nil && *c.Role == api.MemberAdmin {
			admin = gmAdminNote.ui(p)
		}
		return dialogFrame.ui(p, tr("GroupMembers.PreviewTitle", userLabel(p.profile.ID, p.profile.Nick)),
			gmPreview.uis(p, p.previewDiff().view(p), admin, p.busy))
	case p.confirmRole:
		ids := p.chosenIDs()
		items := make([]app.UI, len(ids))
		for i, id := range ids {
			items[i] = liText.ui(p, p.memberLabel(id))
		}
		return gmRoleDialog.ui(p, trn("GroupMembers.MakeAdminTitle", len(ids), len(ids)), items, p.busy, trn("GroupMembers.MakeAdminConfirm", len(ids), len(ids)))
	}
	return nil
}
