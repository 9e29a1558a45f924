package main

// The friend lists page: with no user chosen, the user finder; with
// ?user=ID, that user's friend lists with their members, the friends in no
// list, and — for accounts that may change them — creating lists (several
// at once, optionally with friends), moving chosen friends into or out of
// a list, renaming a list (which Tencent does not have: the panel makes the
// new list with the same friends, then deletes the old one) and deleting
// lists after a confirmation that names them.

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

type friendListsPage struct {
	userPage
	fl api.FriendLists

	newName    string
	names      []string // the lists to create
	createPick ticks    // friends to put in them
	typedUser  string   // a user ID typed to put in them
	typedUsers []string // user IDs typed, to pick like friends

	chosen ticks  // friends to move
	moveTo string // the list to move them into or out of

	renaming, renameTo string
	delPick            ticks // lists to delete
	confirmDelete      bool
}

func (p *friendListsPage) OnNav(ctx app.Context) {
	p.newName, p.names, p.createPick, p.chosen, p.delPick = "", nil, ticks{}, ticks{}, ticks{}
	p.typedUser, p.typedUsers = "", nil
	p.renaming, p.confirmDelete, p.moveTo = "", false, ""
	setUnsaved(false)
	p.navUser(p, ctx)
}

// hasEdits reports whether the forms hold something not yet sent: names,
// friends picked or typed for new lists, friends chosen to move, a
// rename, lists ticked for deletion (each emptied once its change is made).
func (p *friendListsPage) hasEdits() bool {
	if p.userID == "" {
		return false
	}
	if p.newName != "" || len(p.names) > 0 || strings.TrimSpace(p.typedUser) != "" || len(p.typedUsers) > 0 ||
		(p.renaming != "" && p.renameTo != p.renaming) {
		return true
	}
	return len(trueKeys(p.createPick)) > 0 || len(trueKeys(p.chosen)) > 0 || len(trueKeys(p.delPick)) > 0
}

// friendListsDraft is the page's draft: every form as it stands, and the
// version of the friend lists it was made against.
type friendListsDraft struct {
	Version    string   `json:"version"`
	NewName    string   `json:"newName,omitempty"`
	Names      []string `json:"names,omitempty"`
	CreatePick []string `json:"createPick,omitempty"`
	TypedUser  string   `json:"typedUser,omitempty"`
	TypedUsers []string `json:"typedUsers,omitempty"`
	Chosen     []string `json:"chosen,omitempty"`
	MoveTo     string   `json:"moveTo,omitempty"`
	Renaming   string   `json:"renaming,omitempty"`
	RenameTo   string   `json:"renameTo,omitempty"`
	DelPick    []string `json:"delPick,omitempty"`
}

func (p *friendListsPage) draft() any {
	return friendListsDraft{Version: p.fl.Version, NewName: p.newName, Names: p.names, CreatePick: trueKeys(p.createPick),
		TypedUser: p.typedUser, TypedUsers: p.typedUsers, Chosen: trueKeys(p.chosen), MoveTo: p.moveTo,
		Renaming: p.renaming, RenameTo: p.renameTo, DelPick: trueKeys(p.delPick)}
}

// restoreDraft puts the forms back as they were, against the version they
// were made against: a change someone made meanwhile is refused as any
// other and shown with Reload, which keeps the forms.
func (p *friendListsPage) restoreDraft(b []byte) bool {
	var d friendListsDraft
	if json.Unmarshal(b, &d) != nil || d.Version == "" {
		return false
	}
	p.fl.Version, p.newName, p.names, p.typedUser, p.typedUsers = d.Version, d.NewName, d.Names, d.TypedUser, d.TypedUsers
	p.createPick, p.chosen, p.delPick = setOf(d.CreatePick), setOf(d.Chosen), setOf(d.DelPick)
	p.renaming, p.renameTo = d.Renaming, d.RenameTo
	if p.fl.List(d.MoveTo) != nil {
		p.moveTo = d.MoveTo
	}
	setUnsaved(p.hasEdits())
	return true
}

func (p *friendListsPage) OnMount(ctx app.Context) {
	p.onEscape(ctx, p.last.unlessBusy(func() { p.confirmDelete = false }))
}

func (p *friendListsPage) got(ctx app.Context, what string, r response) {
	if p.gotShared(ctx, p, what, r, "lists", "/friend-lists") {
		return
	}
	switch what {
	case "lists":
		if !p.fill(r, &p.fl) {
			return
		}
		if p.moveTo == "" && len(p.fl.Lists) > 0 {
			p.moveTo = p.fl.Lists[0].Name
		}
		if p.canEdit() {
			p.takeDraft(ctx, p)
		}
	case "changed":
		p.confirmDelete = false
		var fl api.FriendLists
		switch {
		case p.last.answer(ctx, r, &fl, "fl-status"):
			p.fl, p.last.results = fl, fl.Results
			p.afterChange()
		case p.last.err != nil:
			// A rename that stopped half-way says what exists now: show it.
			p.send(p, "lists", "GET", userPath(p.userID)+"/friend-lists", nil, nil)
		}
		setUnsaved(p.hasEdits())
	}
}

// afterChange empties what the change was made from.
func (p *friendListsPage) afterChange() {
	switch p.last.after {
	case "create":
		p.names, p.newName, p.createPick, p.typedUsers = nil, "", ticks{}, nil
		clearInput("fl-name")
	case "move":
		p.chosen = ticks{}
	case "rename":
		p.renaming = ""
	case "delete":
		p.delPick = ticks{}
	}
	if p.fl.List(p.moveTo) == nil {
		p.moveTo = ""
		if len(p.fl.Lists) > 0 {
			p.moveTo = p.fl.Lists[0].Name
		}
	}
}

// change makes a change; got takes the answer as the new state and shows
// the per-friend results. after names what to empty once it is made.
func (p *friendListsPage) change(method, path string, body any, after string) {
	p.last.start(&p.base, p, method, userPath(p.userID)+"/friend-lists"+path, body, p.fl.Version, after)
}

func listPath(name string) string { return "/" + url.PathEscape(name) }

func (p *friendListsPage) act(ctx app.Context, ev event) {
	defer func() { setUnsaved(p.hasEdits()) }()
	if p.finder.act(&p.base, p, ctx, ev) {
		return
	}
	switch ev.name {
	case "retry", "reload":
		p.navUser(p, p.ctx)
	case "new-name":
		p.newName = ev.value
	case "add-name":
		if p.nameProblem(p.newName) == "" {
			p.names = append(p.names, p.newName)
			p.newName = ""
			clearInput("fl-name")
			focusLater(ctx, "fl-name")
		}
	case "drop-name":
		if i := ev.arg.index(0); i >= 0 && i < len(p.names) {
			p.names = slices.Delete(p.names, i, i+1)
		}
	case "create-pick":
		p.createPick.tick(ev)
	case "create":
		names := p.pendingNames()
		if p.createBlocker(names) == "" {
			var friends []string
			for _, f := range p.pickable() {
				if p.createPick[f.ID] {
					friends = append(friends, f.ID)
				}
			}
			p.change("POST", "", api.FriendListCreate{Names: names, Friends: friends}, "create")
		}
	case "typed-user":
		p.typedUser = ev.value
	case "add-typed-user":
		if id := strings.TrimSpace(p.typedUser); id != "" {
			if !slices.Contains(p.typedUsers, id) && !p.fl.IsFriend(id) {
				p.typedUsers = append(p.typedUsers, id)
			}
			p.createPick[id], p.typedUser = true, ""
			clearInput("fl-typed")
		}
	case "choose":
		p.chosen.tick(ev)
	case "move-to":
		p.moveTo = ev.value
	case "move-in", "move-out":
		if ids := p.movable(ev.name == "move-in"); len(ids) > 0 {
			up := api.FriendListUpdate{Add: ids}
			if ev.name == "move-out" {
				up = api.FriendListUpdate{Remove: ids}
			}
			p.change("PATCH", listPath(p.moveTo), up, "move")
		}
	case "remove-member":
		p.change("PATCH", listPath(ev.arg.part(0)), api.FriendListUpdate{Remove: []string{ev.arg.part(1)}}, "")
	case "rename":
		p.renaming = ev.arg.part(0)
		p.renameTo = p.renaming
		focusLater(ctx, "fl-rename")
	case "rename-to":
		p.renameTo = ev.value
	case "rename-save":
		if p.renameProblem() == "" {
			to := p.renameTo
			p.change("PATCH", listPath(p.renaming), api.FriendListUpdate{Rename: &to}, "rename")
		}
	case "rename-cancel":
		p.renaming = ""
	case "delete-pick":
		p.delPick.tick(ev)
	case "delete":
		if len(p.deleteNames()) > 0 {
			p.confirmDelete = true
			focusLater(ctx, "delete-cancel")
		}
	case "delete-confirm":
		p.change("DELETE", "", api.FriendListDelete{Names: p.deleteNames()}, "delete")
	case "delete-cancel":
		p.confirmDelete = false
	}
}

// nameProblem checks a new list's name as it is typed, with the server's
// rules; "" when it can be created.
func (p *friendListsPage) nameProblem(name string) string {
	if strings.TrimSpace(name) == "" {
		return message("ConvGroups.EnterName")
	}
	if pr := checkedName(name, api.MaxFriendListNameBytes, api.CheckFriendListName("name", name)); pr != "" {
		return pr
	}
	if p.fl.List(name) != nil || slices.Contains(p.names, name) {
		return tr("FriendLists.NameTaken", name)
	}
	return ""
}

// pendingNames are the lists a create makes: the names added, and the one
// still in the field.
func (p *friendListsPage) pendingNames() []string {
	names := append([]string{}, p.names...)
	if p.newName != "" {
		names = append(names, p.newName)
	}
	return names
}

// createBlocker says why the lists cannot be created as they stand, or "".
func (p *friendListsPage) createBlocker(names []string) string {
	if len(names) == 0 {
		return message("ConvGroups.EnterName")
	}
	if p.newName != "" {
		if pr := p.nameProblem(p.newName); pr != "" {
			return pr
		}
	}
	if n := len(p.fl.Lists) + len(names); n > p.fl.MaxLists {
		return tr("FriendLists.TooMany", p.fl.MaxLists, len(p.fl.Lists), len(names))
	}
	return ""
}

func (p *friendListsPage) renameProblem() string {
	if p.renameTo == p.renaming {
		return message("FriendLists.SameName")
	}
	if pr := p.nameProblem(p.renameTo); pr != "" {
		return pr
	}
	if len(p.fl.Lists) >= p.fl.MaxLists {
		return tr("FriendLists.RenameFull", p.fl.MaxLists)
	}
	return ""
}

// movable are the chosen friends a move can take: those not in the list
// (in) or those in it (out).
func (p *friendListsPage) movable(in bool) []string {
	l := p.fl.List(p.moveTo)
	if l == nil {
		return nil
	}
	var ids []string
	for _, f := range p.fl.Friends() {
		member := slices.ContainsFunc(l.Friends, func(m api.Friend) bool { return m.ID == f.ID })
		if p.chosen[f.ID] && member != in {
			ids = append(ids, f.ID)
		}
	}
	return ids
}

func (p *friendListsPage) deleteNames() []string {
	var names []string
	for _, l := range p.fl.Lists {
		if p.delPick[l.Name] {
			names = append(names, l.Name)
		}
	}
	return names
}

var flFinderView = &view{src: `<h1>{@Sections.friend-lists.Title}</h1><p class="lead">{@FriendLists.Intro}</p>{0}`}
var flView = &view{src: `<p class="breadcrumb"><a href="/friend-lists">← {@ConvGroups.Back}</a></p><h1>{0}</h1>{1}`}

func (p *friendListsPage) Render() app.UI { return p.render(p, flFinderView, flView, p.body) }

var flBody = &view{src: `<div class="friendlists">
  <p class="group-meta"><a href="{convGroups}">{@FriendLists.ConversationGroupsOf user}</a></p>{readOnly}
  <div class="totals"><p class="{listsMeter}">{@FriendLists.ListsCount lists maxLists}</p><p class="meter">{@FriendLists.FriendsCount friends}</p></div>
  {status}{listsView}{friendsView}{create}{delete}{deleteDialog}
</div>`}

func (p *friendListsPage) body() app.UI {
	if v := p.stateView(p); v != nil {
		return v
	}
	edit := p.canEdit()
	var readOnly, create, deleting app.UI
	if edit {
		create, deleting = p.createView(), p.deleteView()
	} else {
		readOnly = infoNote.ui(p, message("FriendLists.ReadOnly"))
	}
	fl := p.fl
	return flBody.with(p,
		"convGroups", userURL(pathConvGroups, p.userID), "user", userLabel(p.user.ID, p.user.Nick), "readOnly", readOnly,
		"listsMeter", meterClass(len(fl.Lists), fl.MaxLists), "lists", len(fl.Lists), "maxLists", fl.MaxLists, "friends", fl.FriendCount,
		"status", []app.UI{p.draftNotice(p), p.statusView()}, "listsView", p.listsView(edit), "friendsView", p.friendsView(edit), "create", create, "delete", deleting,
		"deleteDialog", p.deleteDialog(),
	)
}

// statusView says how the last change went, friend by friend when Tencent
// refused some.
func (p *friendListsPage) statusView() app.UI {
	return p.last.view(p, "fl-status", changeWords{someFailed: "FriendLists.SomeFailed", changed: "FriendLists.Changed"},
		func(r api.ItemResult) string { return p.friendLabel(r.ID) })
}

// friendLabel names a friend with their nickname when the page knows it.
func (p *friendListsPage) friendLabel(id string) string {
	for _, f := range p.fl.Friends() {
		if f.ID == id {
			return userLabel(f.ID, f.Name)
		}
	}
	return id
}

var flListItem = &view{src: `<li class="cg-group"><section aria-labelledby="fl-title-{0}"><h2 id="fl-title-{0}">{1}</h2>
  <p class="hint">{2}</p>{3}<ul class="conv-list">{4}</ul>{5}</section></li>`}
var memberRow = &view{src: `<li class="conv"><span class="conv-label">{0}</span>{1}</li>`}
var removeMember = &view{src: `<button class="button button-danger-quiet" type="button" aria-label="{@FriendLists.RemoveFrom 0 1}" title="{@FriendLists.RemoveFrom 0 1}" disabled={2} data-arg="{3}" on:click="remove-member">✕</button>`}
var renameListButton = &view{src: `<div class="actions"><button class="button button-quiet" type="button" aria-label="{@ConvGroups.RenameGroup 0}" data-arg="{0}" on:click="rename">{@ConvGroups.Rename}</button></div>`}
var renameListForm = &view{src: `<form class="form" on:submit="rename-save">
  <label for="fl-rename">{@ConvGroups.NewName 0}</label>
  <input id="fl-rename" type="text" value="{1}" autocomplete="off" aria-invalid={2} aria-describedby="fl-rename-help fl-rename-how" on:input="rename-to">
  {3}<p id="fl-rename-how" class="hint">{@FriendLists.RenameHow}</p>
  <div class="actions"><button class="button" type="submit" disabled={4}>{@ConvGroups.SaveName}</button>
  <button class="button button-quiet" type="button" on:click="rename-cancel">{@Cancel}</button></div></form>`}

func (p *friendListsPage) listsView(edit bool) app.UI {
	ls := p.fl.Lists
	return namedLists(p, edit, message("FriendLists.NoLists"), len(ls), func(i int) int { return len(ls[i].Friends) },
		func(i, j int) app.UI {
			l, f := ls[i], ls[i].Friends[j]
			return removeMember.ui(p, userLabel(f.ID, f.Name), l.Name, p.last.busy, argOf(l.Name, f.ID))
		},
		func(i, j int, remove app.UI) app.UI {
			f := ls[i].Friends[j]
			return memberRow.ui(p, userLabel(f.ID, f.Name), remove)
		},
		func(i int, rows []app.UI) app.UI {
			l := ls[i]
			var forms app.UI
			switch {
			case edit && p.renaming == l.Name:
				problem := p.renameProblem()
				forms = renameListForm.ui(p, l.Name, p.renameTo, problem != "",
					byteCounter(p, "fl-rename-help", len(p.renameTo), api.MaxFriendListNameBytes, problem), problem != "" || p.last.busy)
			case edit:
				forms = renameListButton.ui(p, l.Name)
			}
			return flListItem.ui(p, i, l.Name, trn("FriendLists.Members", len(l.Friends), len(l.Friends)), when(len(l.Friends) == 0, noneHint.ui(p, message("FriendLists.EmptyList"))), rows, forms)
		})
}

var friendsSection = &view{src: `<section class="cg-marks" aria-labelledby="friends-title"><h2 id="friends-title">{@FriendLists.FriendsTitle}</h2>{0}
  <ul class="conv-list">{1}</ul>{2}</section>`}
var friendRow = &view{src: `<li class="conv">{0}<span class="conv-label">{1}</span><span class="hint">{2}</span></li>`}
var chooseFriend = &view{src: `<input id="choose-{0}" type="checkbox" checked={1} aria-label="{@ConvGroups.Select 2}" data-arg="{3}" on:change="choose">`}
var moveForms = &view{src: `<div class="mark-forms">
  <p class="meter" role="status">{@FriendLists.Chosen 0}</p>
  <div class="field"><label for="move-to">{@FriendLists.List}</label><select id="move-to" on:change="move-to">{1}</select></div>
  <div class="actions"><button class="button" type="button" disabled={2} on:click="move-in">{@FriendLists.AddTo 3}</button>
  <button class="button button-quiet" type="button" disabled={4} on:click="move-out">{@FriendLists.RemoveChosen 3}</button></div>
  <p class="hint">{5}</p></div>`}

// friendsView lists every friend with the lists they are in (the friends in
// no list say so), and for editors the move of chosen friends.
func (p *friendListsPage) friendsView(edit bool) app.UI {
	friends := p.fl.Friends()
	if len(friends) == 0 {
		return friendsSection.ui(p, emptyNote.ui(p, message("FriendLists.NoFriends")), nil, nil)
	}
	rows := make([]app.UI, len(friends))
	chosen := 0
	for i, f := range friends {
		var box app.UI
		if edit {
			box = chooseFriend.ui(p, i, p.chosen[f.ID], userLabel(f.ID, f.Name), f.ID)
		}
		if p.chosen[f.ID] {
			chosen++
		}
		where := message("FriendLists.InNoList")
		if lists := p.fl.ListsOf(f.ID); len(lists) > 0 {
			where = tr("ConvGroups.InGroups", list(lists))
		}
		rows[i] = friendRow.ui(p, box, userLabel(f.ID, f.Name), where)
	}
	var intro, forms app.UI
	if edit && len(p.fl.Lists) > 0 {
		intro = noneHint.ui(p, message("FriendLists.MoveIntro"))
		opts := make([]app.UI, len(p.fl.Lists))
		for i, l := range p.fl.Lists {
			opts[i] = optionView.ui(p, l.Name, p.moveTo == l.Name, l.Name)
		}
		in, out := len(p.movable(true)), len(p.movable(false))
		hint := ""
		if chosen == 0 {
			hint = message("FriendLists.ChooseFirst")
		}
		forms = moveForms.ui(p, chosen, opts, in == 0 || p.last.busy, p.moveTo, out == 0 || p.last.busy, hint)
	}
	return friendsSection.ui(p, intro, rows, forms)
}

var flCreate = &view{src: `<section class="cg-create" aria-labelledby="fl-create-title">
  <h2 id="fl-create-title">{@FriendLists.CreateTitle}</h2>
  <form class="form" on:submit="create">
    <label for="fl-name">{@ConvGroups.Name}</label>
    <div class="inline"><input id="fl-name" type="text" value="{0}" autocomplete="off" aria-invalid={1} aria-describedby="fl-name-help" on:input="new-name">
    <button class="button button-quiet" type="button" disabled={2} on:click="add-name">{@FriendLists.AddName}</button></div>
    {3}{4}{5}
    <div class="actions"><button class="button" type="submit" disabled={6} aria-describedby="fl-create-why">{7}</button>
    <p id="fl-create-why" class="hint">{8}</p></div>
  </form>
  <form class="form finder-form" on:submit="add-typed-user">
    <div class="field"><label for="fl-typed">{@FriendLists.TypedUser}</label>
      <input id="fl-typed" type="text" value="{9}" placeholder="{@Users.UserIDHint}" autocomplete="off" spellcheck="false" autocapitalize="none" on:input="typed-user"></div>
    <button class="button button-quiet" type="submit">{@FriendLists.AddTyped}</button>
  </form></section>`}
var pendingNamesView = &view{src: `<div class="scope-list"><h3 id="fl-pending">{@FriendLists.ToCreate}</h3><ul class="chips" aria-labelledby="fl-pending">{0}</ul></div>`}
var pendingName = &view{src: `<li class="chip"><span>{0}</span><button class="chip-remove" type="button" aria-label="{@Admin.ScopeRemove 0}" data-arg="{1}" on:click="drop-name">×</button></li>`}
var createPickSet = &view{src: `<fieldset class="conv-pick"><legend>{@FriendLists.PutIn}</legend>{0}</fieldset>`}

func (p *friendListsPage) createView() app.UI {
	names := p.pendingNames()
	block := p.createBlocker(names)
	problem := ""
	if p.newName != "" {
		problem = p.nameProblem(p.newName)
	}
	var pending, picks app.UI
	if len(p.names) > 0 {
		chips := make([]app.UI, len(p.names))
		for i, n := range p.names {
			chips[i] = pendingName.ui(p, n, i)
		}
		pending = pendingNamesView.ui(p, chips)
	}
	if friends := p.pickable(); len(friends) > 0 {
		items := make([]app.UI, len(friends))
		for i, f := range friends {
			items[i] = checkItem.ui(p, "put-"+itoa(i), p.createPick[f.ID], f.ID, "create-pick", userLabel(f.ID, f.Name))
		}
		picks = createPickSet.ui(p, items)
	}
	submit := message("FriendLists.Create")
	if len(names) > 1 {
		submit = tr("FriendLists.CreateN", len(names))
	}
	return flCreate.ui(p, p.newName, problem != "", problem != "" || p.newName == "",
		byteCounter(p, "fl-name-help", len(p.newName), api.MaxFriendListNameBytes, problem), pending, picks,
		block != "" || p.last.busy, submit, block, p.typedUser)
}

// pickable are the people a create can put in the new lists: the user's
// friends, and user IDs typed (the server checks them; Tencent refuses
// one who is not a friend on that row alone).
func (p *friendListsPage) pickable() []api.Friend {
	out := p.fl.Friends()
	for _, id := range p.typedUsers {
		out = append(out, api.Friend{ID: id})
	}
	return out
}

var flDelete = &view{src: `<section class="danger" aria-labelledby="fl-delete-title"><h2 id="fl-delete-title">{@FriendLists.DeleteTitle}</h2>
  <fieldset class="conv-pick"><legend>{@FriendLists.DeletePick}</legend>{0}</fieldset>
  <div class="actions"><button class="button button-danger" type="button" disabled={1} on:click="delete">{2}</button></div></section>`}

func (p *friendListsPage) deleteView() app.UI {
	if len(p.fl.Lists) == 0 {
		return nil
	}
	items := make([]app.UI, len(p.fl.Lists))
	for i, l := range p.fl.Lists {
		items[i] = checkItem.ui(p, "del-"+itoa(i), p.delPick[l.Name], l.Name, "delete-pick", trn("FriendLists.ListWithCount", len(l.Friends), l.Name, len(l.Friends)))
	}
	n := len(p.deleteNames())
	return flDelete.ui(p, items, n == 0 || p.last.busy, trn("FriendLists.DeleteChosen", n, n))
}

var flDeleteDialog = &view{src: `<div class="dialog-backdrop">
  <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="dialog-title" aria-describedby="dialog-warning">
  <h2 id="dialog-title">{0}</h2>
  <div id="dialog-warning" class="alert alert-warn"><ul>{1}</ul><p>{@FriendLists.DeleteWarning}</p></div>
  <div class="actions"><button class="button button-danger" type="button" disabled={2} aria-busy={2} on:click="delete-confirm">{3}</button>
  <button id="delete-cancel" class="button button-quiet" type="button" on:click="delete-cancel">{@Cancel}</button></div></div></div>`}

// deleteDialog confirms deleting lists, naming each and how many friends
// it holds.
func (p *friendListsPage) deleteDialog() app.UI {
	names := p.deleteNames()
	if !p.confirmDelete || len(names) == 0 {
		return nil
	}
	items := make([]app.UI, len(names))
	for i, n := range names {
		items[i] = liText.ui(p, trn("FriendLists.ListWithCount", len(p.fl.List(n).Friends), n, len(p.fl.List(n).Friends)))
	}
	return flDeleteDialog.ui(p, trn("FriendLists.DeleteConfirmTitle", len(names), len(names)), items, p.last.busy, trn("FriendLists.DeleteConfirm", len(names), len(names)))
}

func itoa(n int) string { return strconv.Itoa(n) }
