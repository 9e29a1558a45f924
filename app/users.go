package main

// The user finder: the start of every page about one user (conversation
// groups, friend lists). A user is opened by ID (the page then checks it
// with Tencent), from the users recently opened on this device, or from
// the members of a group in the moderator's scope.

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// recentUser is a user opened on this device, kept in local storage.
type recentUser struct {
	ID   string `json:"id"`
	Nick string `json:"nick"`
}

const recentUsersKey = "imdesk.recentUsers"

func recentUsers(ctx app.Context) []recentUser {
	var list []recentUser
	_ = ctx.LocalStorage().Get(recentUsersKey, &list)
	return list
}

// rememberUser puts a user first in the recent list.
func rememberUser(ctx app.Context, u recentUser) {
	list := []recentUser{u}
	for _, r := range recentUsers(ctx) {
		if r.ID != u.ID && len(list) < recentMax {
			list = append(list, r)
		}
	}
	_ = ctx.LocalStorage().Set(recentUsersKey, list)
}

// userURL is a page about one user.
func userURL(base, id string) string { return base + "?user=" + url.QueryEscape(id) }

// userLabel names a user as people recognise them: nickname and ID.
func userLabel(id, nick string) string {
	if nick == "" || nick == id {
		return id
	}
	return nick + " · " + id
}

// userFinder lets the moderator choose a user; Ibase is the page to open
// them on.
type userFinder struct {
	app.Compo
	Ibase string

	typed   string
	recent  []recentUser
	groupID string
	members []api.Member
	page    *api.MemberPage
	state   viewState
	err     *api.Error
	asked   bool
}

func (f *userFinder) OnMount(ctx app.Context) { f.recent = recentUsers(ctx) }

func (f *userFinder) open(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if id := strings.TrimSpace(f.typed); id != "" {
		ctx.Navigate(userURL(f.Ibase, id))
	}
}

func (f *userFinder) list(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f.members, f.page = nil, nil
	f.loadMembers(ctx, "")
}

func (f *userFinder) loadMembers(ctx app.Context, cursor string) {
	id := strings.TrimSpace(f.groupID)
	if id == "" {
		return
	}
	f.asked, f.state, f.err = true, stateLoading, nil
	path := groupPath(id) + "/members"
	if cursor != "" {
		path += "?cursor=" + url.QueryEscape(cursor)
	}
	ctx.Async(func() {
		r := callAPI("GET", path, nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			if needSignIn(ctx, r) {
				return
			}
			var page api.MemberPage
			if e := r.decode(&page); e != nil {
				f.state, f.err = stateFailed, e
				return
			}
			f.state, f.page = stateReady, &page
			f.members = append(f.members, page.Members...)
		})
	})
}

func (f *userFinder) Render() app.UI {
	t := msg.Users
	return app.Div().Class("user-finder").Body(
		app.H2().Text(t.FindTitle),
		app.P().Class("lead").Text(t.FindIntro),
		app.Form().Class("form finder-form").OnSubmit(f.open).Body(
			app.Div().Class("field").Body(
				app.Label().For("user-id").Text(t.UserID),
				app.Input().ID("user-id").Type("text").Value(f.typed).Placeholder(t.UserIDHint).
					Attr("autocomplete", "off").Attr("spellcheck", "false").Attr("autocapitalize", "none").
					OnInput(func(ctx app.Context, e app.Event) { f.typed = ctx.JSSrc().Get("value").String() }),
			),
			app.Button().Class("button").Type("submit").Text(t.Open),
		),
		app.If(len(f.recent) > 0, func() app.UI {
			return app.Section().Class("recent").Aria("labelledby", "recent-users").Body(
				app.H3().ID("recent-users").Text(t.Recent),
				app.Ul().Class("chips").Body(app.Range(f.recent).Slice(func(i int) app.UI {
					r := f.recent[i]
					return app.Li().Body(app.A().Class("chip").Href(userURL(f.Ibase, r.ID)).Text(userLabel(r.ID, r.Nick)))
				})),
			)
		}),
		app.Form().Class("form finder-form").OnSubmit(f.list).Body(
			app.Div().Class("field").Body(
				app.Label().For("members-group").Text(t.FromGroup+" — "+t.GroupID),
				app.Input().ID("members-group").Type("text").Value(f.groupID).Placeholder(t.GroupIDHint).
					Attr("autocomplete", "off").Attr("spellcheck", "false").Attr("autocapitalize", "none").
					OnInput(func(ctx app.Context, e app.Event) { f.groupID = ctx.JSSrc().Get("value").String() }),
			),
			app.Button().Class("button button-quiet").Type("submit").Text(t.ListMembers),
		),
		app.If(f.asked, f.membersView),
	)
}

func (f *userFinder) membersView() app.UI {
	t := msg.Users
	if f.page == nil || f.state == stateFailed {
		return stateView(f.state, f.err, f.list)
	}
	return app.Section().Aria("labelledby", "members-title").Body(
		app.H3().ID("members-title").Class("results-count").Role("status").
			Text(fmt.Sprintf(t.MembersOf, f.page.GroupID, len(f.members), f.page.Total)),
		app.If(len(f.members) == 0, func() app.UI { return app.P().Class("empty").Text(t.NoMembers) }),
		app.Ul().Class("group-list").Body(app.Range(f.members).Slice(func(i int) app.UI {
			m := f.members[i]
			return app.Li().Class("group-item").Body(app.A().Href(userURL(f.Ibase, m.ID)).Body(
				app.Span().Class("group-name").Text(userLabel(m.ID, m.Nick)),
				app.Span().Class("group-meta").Text(t.Role[m.Role]),
			))
		})),
		app.If(f.state == stateLoading, loadingView),
		app.If(f.page.NextCursor != "" && f.state == stateReady, func() app.UI {
			return app.Button().Class("button button-quiet").Type("button").Text(t.MoreMembers).
				OnClick(func(ctx app.Context, e app.Event) { f.loadMembers(ctx, f.page.NextCursor) })
		}),
	)
}
