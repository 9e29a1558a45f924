package main

// The conversation groups page: with no user chosen, the user finder;
// with ?user=ID, that user's conversation groups, their conversations and
// marks, and — for accounts that may change them — the forms to create,
// rename, fill, empty and delete groups and to set and clear marks. The
// parts are in convgroups-*.go.

import (
	"fmt"
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

type convGroupsPage struct {
	app.Compo

	userID  string
	user    *api.UserInfo
	cg      api.ContactGroups
	state   viewState
	loadErr *api.Error

	busy     bool
	actErr   *api.Error
	done     bool
	results  []api.ConversationResult
	conflict bool

	extra []api.Conversation // conversations typed by ID, to pick from

	// create
	newName string
	pick    map[string]bool
	// typed conversation forms, by form ("create", "marks", or a group name)
	typedType map[string]string
	typedID   map[string]string

	// one group at a time is renamed or deleted
	renaming, renameTo string
	deleting           string

	// marks
	selected map[string]bool
	markName string
	custom   string

	onKey app.Func
}

func userPath(id string) string { return "/api/v1/users/" + url.PathEscape(id) }

func (p *convGroupsPage) title() string {
	if p.userID == "" {
		return msg.Sections[pathConversations].Title
	}
	label := p.userID
	if p.user != nil {
		label = userLabel(p.user.ID, p.user.Nick)
	}
	return fmt.Sprintf(msg.CG.Title, label)
}

func (p *convGroupsPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(msg.Sections[pathConversations].Title + " · " + msg.AppName)
}

func (p *convGroupsPage) OnNav(ctx app.Context) {
	p.userID = ctx.Page().URL().Query().Get("user")
	p.user, p.done, p.actErr, p.results, p.conflict = nil, false, nil, nil, false
	p.extra, p.pick, p.selected = nil, map[string]bool{}, map[string]bool{}
	p.typedType, p.typedID = map[string]string{}, map[string]string{}
	p.renaming, p.deleting, p.newName, p.custom, p.markName = "", "", "", "", api.MarkNames[0]
	ctx.Page().SetTitle(p.title() + " · " + msg.AppName)
	if app.IsServer || p.userID == "" {
		return
	}
	p.load(ctx)
}

func (p *convGroupsPage) OnMount(ctx app.Context) {
	p.onKey = app.FuncOf(func(_ app.Value, args []app.Value) any {
		if args[0].Get("key").String() == "Escape" {
			ctx.Dispatch(func(app.Context) {
				if !p.busy {
					p.deleting = ""
				}
			})
		}
		return nil
	})
	app.Window().Call("addEventListener", "keydown", p.onKey)
}

func (p *convGroupsPage) OnDismount() {
	if p.onKey != nil {
		app.Window().Call("removeEventListener", "keydown", p.onKey)
		p.onKey.Release()
	}
}

// load checks the user with Tencent, then reads their conversation groups.
func (p *convGroupsPage) load(ctx app.Context) {
	p.state, p.loadErr, p.conflict = stateLoading, nil, false
	id := p.userID
	ctx.Async(func() {
		ur := callAPI("GET", userPath(id), nil, nil)
		var cr response
		if ur.ok() {
			cr = callAPI("GET", userPath(id)+"/conversation-groups", nil, nil)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if needSignIn(ctx, ur) || needSignIn(ctx, cr) {
				return
			}
			var u api.UserInfo
			if e := ur.decode(&u); e != nil {
				p.state, p.loadErr = stateFailed, e
				return
			}
			p.user = &u
			rememberUser(ctx, recentUser{ID: u.ID, Nick: u.Nick})
			ctx.Page().SetTitle(p.title() + " · " + msg.AppName)
			var cg api.ContactGroups
			if e := cr.decode(&cg); e != nil {
				p.state, p.loadErr = stateFailed, e
				return
			}
			p.cg, p.state = cg, stateReady
		})
	})
}

func (p *convGroupsPage) canEdit() bool { return p.user != nil && p.user.CanEdit }

// send makes a change and takes the answer as the new state; the answer's
// per-conversation results are shown.
func (p *convGroupsPage) send(ctx app.Context, method, path string, body any, after func()) {
	p.busy, p.actErr, p.done, p.results = true, nil, false, nil
	header := map[string]string{"If-Match": `"` + p.cg.Version + `"`}
	ctx.Async(func() {
		r := callAPI(method, userPath(p.userID)+path, body, header)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy, p.deleting = false, ""
			if needSignIn(ctx, r) {
				return
			}
			if r.status == 412 {
				p.conflict = true
				return
			}
			var cg api.ContactGroups
			if e := r.decode(&cg); e != nil {
				p.actErr = e
				ctx.Defer(func(app.Context) { focus("cg-status") })
				return
			}
			p.cg, p.results, p.done = cg, cg.Results, true
			if after != nil {
				after()
			}
			ctx.Defer(func(app.Context) { focus("cg-status") })
		})
	})
}

func (p *convGroupsPage) Render() app.UI {
	if p.userID == "" {
		return newShell().Path(pathConversations).Content(
			app.H1().Text(msg.Sections[pathConversations].Title),
			app.P().Class("lead").Text(msg.CG.Intro),
			&userFinder{Ibase: pathConversations},
		)
	}
	return newShell().Path(pathConversations).Content(
		app.P().Class("breadcrumb").Body(app.A().Href(pathConversations).Text("← "+msg.CG.Back)),
		app.H1().Text(p.title()),
		p.body(),
	)
}

func (p *convGroupsPage) body() app.UI {
	if p.state == stateFailed && p.loadErr != nil && p.loadErr.Code == api.CodeNotInEdition {
		return app.Div().Class("alert alert-info").Role("status").Body(
			app.P().Text(msg.CG.NotInEdition),
			app.P().Text(msg.CG.EditionHelp),
		)
	}
	if v := stateView(p.state, p.loadErr, func(ctx app.Context, e app.Event) { p.load(ctx) }); v != nil {
		return v
	}
	edit := p.canEdit()
	return app.Div().Class("convgroups").Body(
		app.P().Class("group-meta").Body(
			app.A().Href(userURL(pathFriendLists, p.userID)).Text(fmt.Sprintf(msg.Users.FriendListsOf, userLabel(p.user.ID, p.user.Nick))),
		),
		app.If(!edit, func() app.UI { return app.P().Class("alert alert-info").Text(msg.CG.ReadOnly) }),
		app.Div().Class("totals").Body(
			meter(fmt.Sprintf(msg.CG.GroupsCount, len(p.cg.Groups), p.cg.MaxGroups), len(p.cg.Groups), p.cg.MaxGroups),
			meter(fmt.Sprintf(msg.CG.ConvCount, p.cg.Counted, p.cg.MaxCounted), p.cg.Counted, p.cg.MaxCounted),
		),
		p.statusView(),
		p.groupsView(edit),
		app.If(edit, p.createView),
		p.marksView(edit),
		p.deleteDialog(),
	)
}

// statusView says how the last change went, row by row when Tencent
// refused some conversations.
func (p *convGroupsPage) statusView() app.UI {
	var failed []api.ConversationResult
	for _, r := range p.results {
		if !r.OK {
			failed = append(failed, r)
		}
	}
	return app.Div().ID("cg-status").TabIndex(-1).Body(
		app.Div().Role("status").Body(
			app.If(p.done && len(failed) == 0, func() app.UI { return app.P().Class("alert alert-ok").Text(msg.CG.Done) }),
		),
		app.If(len(failed) > 0, func() app.UI {
			return app.Div().Class("alert alert-warn").Role("alert").Body(
				app.P().Text(fmt.Sprintf(msg.CG.SomeFailed, len(failed), len(p.results))),
				app.Ul().Body(app.Range(failed).Slice(func(i int) app.UI {
					return app.Li().Text(fmt.Sprintf(msg.CG.Failed, convLabel(failed[i].Conversation), failed[i].Message))
				})),
			)
		}),
		app.If(p.conflict, func() app.UI {
			return app.Div().Class("alert alert-warn").Role("alert").Body(
				app.P().Text(msg.CG.Changed),
				app.Button().Class("button").Type("button").Text(msg.CG.Reload).OnClick(func(ctx app.Context, e app.Event) { p.load(ctx) }),
			)
		}),
		app.If(p.actErr != nil, func() app.UI { return errorView(p.actErr, nil) }),
	)
}

// convLabel names a conversation as people recognise it: the user's
// nickname or the group's name, and the ID.
func convLabel(c api.Conversation) string {
	kind := msg.CG.User
	if c.Type == api.ConversationGroup {
		kind = msg.CG.Group
	}
	if c.Name == "" || c.Name == c.ID {
		return kind + " " + c.ID
	}
	return kind + " " + c.Name + " · " + c.ID
}

// known lists every conversation to pick from: those grouped or marked,
// and those typed by ID.
func (p *convGroupsPage) known() []api.Conversation {
	seen := map[string]bool{}
	var out []api.Conversation
	add := func(c api.Conversation) {
		if !seen[c.Key()] {
			seen[c.Key()] = true
			out = append(out, c)
		}
	}
	for _, c := range p.cg.Conversations {
		add(c.Conversation)
	}
	for _, c := range p.extra {
		add(c)
	}
	return out
}

// marksOf returns a conversation's marks, if it has any.
func (p *convGroupsPage) marksOf(key string) (api.MarkedConversation, bool) {
	for _, c := range p.cg.Conversations {
		if c.Key() == key {
			return c, true
		}
	}
	return api.MarkedConversation{}, false
}
