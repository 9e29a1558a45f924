package main

// The user finder: the start of every page about one user (conversation
// groups, friend lists). A user is opened by ID (the page then checks it
// with Tencent), from the users recently opened on this device, or from
// the members of a group in the moderator's scope. It is part of the page
// that shows it: the page passes it the events and answers it does not
// know (userPicker.act and got).

import (
	"net/url"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// recentUser is a user opened on this device (see recent.go).
type recentUser struct {
	ID   string `json:"id"`
	Nick string `json:"nick"`
}

const recentUsersKey = "imdesk.recentUsers"

func (u recentUser) key() string { return u.ID }

// userURL is a page about one user.
func userURL(base, id string) string { return base + "?user=" + url.QueryEscape(id) }

func userPath(id string) string { return "/api/v1/users/" + url.PathEscape(id) }

// userLabel names a user as people recognise them: nickname and ID.
func userLabel(id, nick string) string {
	if nick == "" || nick == id {
		return id
	}
	return nick + " · " + id
}

// userPicker lets the moderator choose a user; base is the page to open
// them on.
type userPicker struct {
	base    string
	typed   string
	recent  []recentUser
	groupID string
	members []api.Member
	page    *api.MemberPage
	state   viewState
	err     *api.Error
	asked   bool
}

func (f *userPicker) start(ctx app.Context, base string) {
	*f = userPicker{base: base, recent: recentList[recentUser](ctx, recentUsersKey)}
}

// act handles the finder's events; false when name is not one of them.
func (f *userPicker) act(p *base, pg page, ctx app.Context, ev event) bool {
	switch ev.name {
	case "user-typed":
		f.typed = ev.value
	case "user-open":
		if id := strings.TrimSpace(f.typed); id != "" {
			ctx.Navigate(userURL(f.base, id))
		}
	case "members-group":
		f.groupID = ev.value
	case "members-list", "members-retry":
		f.members, f.page = nil, nil
		f.loadMembers(p, pg, "")
	case "members-more":
		f.loadMembers(p, pg, f.page.NextCursor)
	default:
		return false
	}
	return true
}

func (f *userPicker) loadMembers(p *base, pg page, cursor string) {
	id := strings.TrimSpace(f.groupID)
	if id == "" {
		return
	}
	f.asked, f.state, f.err = true, stateLoading, nil
	path := groupPath(id) + "/members"
	if cursor != "" {
		path += "?cursor=" + url.QueryEscape(cursor)
	}
	p.send(pg, "members", "GET", path, nil, nil)
}

// got takes the answers of the finder; false when what is not one of them.
func (f *userPicker) got(what string, r response) bool {
	if what != "members" {
		return false
	}
	var page api.MemberPage
	if e := r.decode(&page); e != nil {
		f.state, f.err = stateFailed, e
		return true
	}
	f.state, f.page = stateReady, &page
	// A user is picked to open their own data: only the members the
	// scope reaches as users are listed (the members page lists all).
	for _, m := range page.Members {
		if slices.Contains(page.UsersInScope, m.ID) {
			f.members = append(f.members, m)
		}
	}
	return true
}

var userFinderView = &view{src: `<div class="user-finder">
  <h2>{@Users.FindTitle}</h2>
  <p class="lead">{@Users.FindIntro}</p>
  <form class="form finder-form" on:submit="user-open">
    <div class="field"><label for="user-id">{@Users.UserID}</label>
      <input id="user-id" type="text" value="{0}" placeholder="{@Users.UserIDHint}" autocomplete="off" spellcheck="false" autocapitalize="none" on:input="user-typed"></div>
    <button class="button" type="submit">{@Users.Open}</button>
  </form>
  {1}
  <form class="form finder-form" on:submit="members-list">
    <div class="field"><label for="members-group">{@Users.FromGroup} — {@Users.GroupID}</label>
      <input id="members-group" type="text" value="{2}" placeholder="{@Users.GroupIDHint}" autocomplete="off" spellcheck="false" autocapitalize="none" on:input="members-group"></div>
    <button class="button button-quiet" type="submit">{@Users.ListMembers}</button>
  </form>
  {3}
</div>`}
var recentUsersView = &view{src: `<section class="recent" aria-labelledby="recent-users"><h3 id="recent-users">{@Users.Recent}</h3><ul class="chips">{0}</ul></section>`}
var chipText = &view{src: `<li><a class="chip" href="{0}">{1}</a></li>`}
var membersView = &view{src: `<section aria-labelledby="members-title">
  <h3 id="members-title" class="results-count" role="status">{@Users.MembersOf 0 1 2}</h3>{3}
  <ul class="group-list">{4}</ul>{5}{6}</section>`}
var memberItem = &view{src: `<li class="group-item"><a href="{0}"><span class="group-name">{1}</span><span class="group-meta">{2}</span></a></li>`}
var moreMembersButton = &view{src: `<button class="button button-quiet" type="button" on:click="members-more">{@Users.MoreMembers}</button>`}
var membersRetry = &view{src: `<div class="alert alert-error" role="alert"><p>{0}</p><button class="button" type="button" on:click="members-retry">{@TryAgain}</button></div>`}

func (f *userPicker) view(a actor) app.UI {
	var recent app.UI
	if len(f.recent) > 0 {
		chips := make([]app.UI, len(f.recent))
		for i, r := range f.recent {
			chips[i] = chipText.ui(a, userURL(f.base, r.ID), userLabel(r.ID, r.Nick))
		}
		recent = recentUsersView.ui(a, chips)
	}
	return userFinderView.ui(a, f.typed, recent, f.groupID, f.membersView(a))
}

func (f *userPicker) membersView(a actor) app.UI {
	switch {
	case !f.asked:
		return nil
	case f.state == stateFailed:
		return membersRetry.ui(a, f.err.Message)
	case f.page == nil:
		return loadingView.ui(a)
	}
	items := make([]app.UI, len(f.members))
	for i, m := range f.members {
		items[i] = memberItem.ui(a, userURL(f.base, m.ID), userLabel(m.ID, m.Nick), message("Users.Role."+m.Role))
	}
	var loading, more app.UI
	if f.state == stateLoading {
		loading = loadingView.ui(a)
	}
	if f.page.NextCursor != "" && f.state == stateReady {
		more = moreMembersButton.ui(a)
	}
	return membersView.ui(a, f.page.GroupID, len(f.members), f.page.Total,
		when(len(f.members) == 0, emptyNote.ui(a, message("Users.NoMembers"))), items, loading, more)
}

// userPage is what the pages about one user share (conversation groups,
// friend lists): the user finder when no user is chosen, the user checked
// with Tencent, and the page's last change (change.go).
type userPage struct {
	base
	finder   userPicker
	route    string // the page's path
	titleKey string // its title once a user is chosen, e.g. "ConvGroups.Title"
	userID   string
	user     *api.UserInfo
	last     pageChange
	restored bool // the forms hold a draft kept when the session ended (draft.go)
}

func (u *userPage) OnDismount() {
	setUnsaved(false)
	u.base.OnDismount()
}

// draftNotice says that the forms hold the edits from before the session
// ended, until a change is made.
func (u *userPage) draftNotice(a actor) app.UI {
	return when(u.restored && !u.last.done, infoNote.ui(a, message("DraftRestored")))
}

// takeDraft puts back a draft kept for this page (draft.go), once the
// page's data is there.
func (u *userPage) takeDraft(ctx app.Context, d drafter) {
	if takeDraft(ctx, d) {
		u.restored = true
	}
}

func (u *userPage) title() string {
	if u.userID == "" {
		return message("Sections." + u.route[1:] + ".Title")
	}
	label := u.userID
	if u.user != nil {
		label = userLabel(u.user.ID, u.user.Nick)
	}
	return tr(u.titleKey, label)
}

func (u *userPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(title(message("Sections." + u.route[1:] + ".Title")))
}

// navUser reads the user from the URL and starts the page: the finder, or
// the check of the user (got then takes it with gotShared).
func (u *userPage) navUser(p page, ctx app.Context) {
	u.begin(ctx)
	u.userID = ctx.Page().URL().Query().Get("user")
	u.user, u.last, u.restored = nil, pageChange{}, false
	ctx.Page().SetTitle(title(u.title()))
	switch {
	case app.IsServer:
	case u.userID == "":
		u.finder.start(ctx, u.route)
	default:
		u.load(p, "user", userPath(u.userID))
	}
}

// gotShared takes the answers every page about one user has — the
// finder's, and the user's, after which the page's data is read (GET the
// user's path + dataPath, answered under data) — and reports whether r
// was one of them.
func (u *userPage) gotShared(ctx app.Context, p page, what string, r response, data, dataPath string) bool {
	if u.finder.got(what, r) {
		return true
	}
	if what != "user" {
		return false
	}
	var info api.UserInfo
	if u.fill(r, &info) {
		u.user, u.state = &info, stateLoading
		remember(ctx, recentUsersKey, recentUser{ID: info.ID, Nick: info.Nick})
		ctx.Page().SetTitle(title(u.title()))
		u.send(p, data, "GET", userPath(u.userID)+dataPath, nil, nil)
	}
	return true
}

// render is the page p of a family about one user: the user finder in
// finderView until a user is chosen, then, in userView, the page's title
// and its body.
func (u *userPage) render(p actor, finderView, userView *view, body func() app.UI) app.UI {
	if u.userID == "" {
		return newShell().Path(u.route).Content(finderView.uis(p, u.finder.view(p))...)
	}
	return newShell().Path(u.route).Content(userView.uis(p, u.title(), body())...)
}

func (u *userPage) canEdit() bool { return u.user != nil && u.user.CanEdit }
