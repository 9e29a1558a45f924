package main

import (
	"net/url"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// accountsPage is the admin's list of panel accounts: who they are, what
// they may do, whether they are signed in; and the actions on each.
//
// Buttons in the list name their account in data-arg (see view): the
// handler is scoped by it, so a button moved to another account by a new
// list acts on that account.
type accountsPage struct {
	base
	list   []api.Account
	notice string

	form    *accountForm         // the account being added or changed, if any
	confirm *pendingAction       // an action waiting for confirmation
	shown   *api.OneTimePassword // a one-time password being shown, once
	busy    bool
	actErr  *api.Error
	// pendingName is the account the change on its way is about.
	pendingName string
}

// pendingAction is a destructive action the admin must confirm.
type pendingAction struct {
	action, account string // "reset" or "disable"
}

// accountForm adds an account or changes one: its role and its scope,
// picked with the group finder (groups, members of groups) and a checked
// user ID — never typed group IDs.
type accountForm struct {
	existing *api.Account // nil when adding
	name     string
	role     string
	scope    api.Scope

	query    string      // the group finder's search
	found    []api.Group // its results
	finding  bool
	userID   string
	userErr  string
	checking string // the user ID being checked
	err      *api.Error
	names    map[string]string // groups' names by ID: kept when picked, looked up for an existing account
}

func newAccountForm(a *api.Account) *accountForm {
	f := &accountForm{role: api.RoleModerator, scope: api.Scope{}.Normalise(), names: map[string]string{}}
	if a != nil {
		f.existing, f.name, f.role, f.scope = a, a.Name, a.Role, a.Scope.Normalise()
	}
	return f
}

// lookUpNames asks for the name of each group in the scope of an existing
// account, so that its chips name the groups (got "group-name").
func (p *accountsPage) lookUpNames(f *accountForm) {
	seen := map[string]bool{}
	for _, id := range append(slices.Clone(f.scope.Groups), f.scope.MembersOf...) {
		if !seen[id] {
			seen[id] = true
			p.send(p, "group-name", "GET", groupPath(id), nil, nil)
		}
	}
}

// groupChip names a group in a scope: its name and ID when the name is
// known, else the ID.
func (f *accountForm) groupChip(id string) string {
	if n := f.names[id]; n != "" && n != id {
		return n + " · " + id
	}
	return id
}

func (p *accountsPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(title(message("Admin.AccountsTitle")))
}

func (p *accountsPage) OnNav(ctx app.Context) {
	p.navAdmin(p, ctx, "Admin.AccountsTitle", "accounts", "/api/v1/accounts")
}

func accountPath(name string) string { return "/api/v1/accounts/" + url.PathEscape(name) }

// change calls the API for an action on an account; got shows the result
// and loads the list again.
func (p *accountsPage) change(what, method, path string, body any) {
	p.busy, p.actErr, p.notice, p.confirm = true, nil, "", nil
	p.send(p, what, method, path, body, nil)
}

func (p *accountsPage) account(name string) (api.Account, bool) {
	for _, a := range p.list {
		if a.Name == name {
			return a, true
		}
	}
	return api.Account{}, false
}

func (p *accountsPage) got(ctx app.Context, what string, r response) {
	switch what {
	case "accounts":
		p.fill(r, &p.list)
		p.knowRole(p)
		return
	case "session":
		gotSession(r)
		return
	}
	if what == "groups" || what == "user" || what == "group-name" {
		p.gotScope(what, r)
		return
	}
	p.busy = false
	if !r.ok() {
		p.actErr = r.err
		return
	}
	switch what {
	case "password":
		var out api.OneTimePassword
		if e := r.decode(&out); e != nil {
			p.actErr = e
			return
		}
		p.shown, p.form = &out, nil
		focusLater(ctx, "password-shown-title")
	case "ended":
		p.notice = tr("Admin.AccountEnded", p.pendingName)
	case "saved":
		p.form, p.notice = nil, tr("Admin.AccountSaved", p.pendingName)
	}
	p.load(p, "accounts", "/api/v1/accounts")
}

func (p *accountsPage) act(ctx app.Context, ev event) {
	if p.form != nil && p.formAct(ctx, ev) {
		return
	}
	switch ev.name {
	case "retry":
		p.load(p, "accounts", "/api/v1/accounts")
	case "add":
		p.form = newAccountForm(nil)
		focusLater(ctx, "account-name")
	case "edit":
		if a, ok := p.account(ev.arg.part(0)); ok {
			p.form = newAccountForm(&a)
			p.lookUpNames(p.form)
			focusLater(ctx, "account-role")
		}
	case "reset", "disable":
		p.confirm = &pendingAction{action: ev.name, account: ev.arg.part(0)}
		focusLater(ctx, "confirm-title")
	case "end-sessions":
		p.pendingName = ev.arg.part(0)
		p.change("ended", "DELETE", accountPath(ev.arg.part(0))+"/sessions", nil)
	case "enable":
		enabled := false
		p.pendingName = ev.arg.part(0)
		p.change("saved", "PATCH", accountPath(ev.arg.part(0)), api.AccountUpdate{Disabled: &enabled})
	case "confirm":
		c := p.confirm
		p.pendingName = c.account
		if c.action == "reset" {
			p.change("password", "POST", accountPath(c.account)+"/password", nil)
		} else {
			disabled := true
			p.change("saved", "PATCH", accountPath(c.account), api.AccountUpdate{Disabled: &disabled})
		}
	case "cancel-confirm":
		p.confirm = nil
	case "copy":
		if cb := app.Window().Get("navigator").Get("clipboard"); cb.Truthy() && p.shown != nil {
			cb.Call("writeText", p.shown.Password)
		}
	case "shown-done":
		p.shown = nil
	}
}

var accountsView = &view{src: `<h1>{@Admin.AccountsTitle}</h1><p class="lead">{@Admin.AccountsIntro}</p>{0}{1}{2}{3}{4}`}
var statusNote = &view{src: `<p class="alert alert-ok" role="status">{0}</p>`}
var addAccountButton = &view{src: `<button class="button" type="button" on:click="add">{@Admin.AccountsAdd}</button>`}

func (p *accountsPage) Render() app.UI {
	if note := forAdminsOnly(p, p.err); note != nil {
		return newShell().Path(pathAccounts).Content(accountsView.uis(p, note, nil, nil, nil, nil)...)
	}
	var notice, form app.UI
	if p.notice != "" {
		notice = statusNote.ui(p, p.notice)
	}
	if p.form == nil {
		form = addAccountButton.ui(p)
	} else {
		form = p.formView()
	}
	return newShell().Path(pathAccounts).Content(
		accountsView.uis(p, notice, errorView(p, p.actErr), form, p.listView(), p.dialogs())...)
}

var accountCard = &view{src: `<li class="account-card">
  <h2>{name}</h2>
  <p class="account-meta"><span class="tag">{role}</span>{disabledTag}{oneTimeTag}</p>
  <p>{@Admin.ScopeIs scope}</p>
  <p class="account-meta">{lastIn} · {sessions}</p>
  <div class="actions">
    <button class="button button-quiet" type="button" disabled={busy} data-arg="{name}" on:click="edit">{@Admin.AccountEdit name}</button>
    <button class="button button-quiet" type="button" aria-label="{@LabelFor reset name}" disabled={busy} data-arg="{name}" on:click="reset">{@Admin.AccountReset}</button>
    <button class="button button-quiet" type="button" aria-label="{@LabelFor endSessions name}" disabled={noSessions} data-arg="{name}" on:click="end-sessions">{@Admin.AccountEndSess}</button>
    <button class="{toggleClass}" type="button" aria-label="{toggleLabel}" disabled={busy} data-arg="{name}" on:click="{toggleEvent}">{toggle}</button>
  </div></li>`}
var tagView = &view{src: `<span class="{0}">{1}</span>`}
var accountListView = &view{src: `<ul class="account-list">{0}</ul>`}

func (p *accountsPage) listView() app.UI {
	if v := p.stateView(p); v != nil {
		return v
	}
	if len(p.list) == 0 {
		return emptyNote.ui(p, message("Admin.AccountsNone"))
	}
	cards := make([]app.UI, len(p.list))
	for i, a := range p.list {
		last := message("Admin.AccountNeverIn")
		if a.LastSignIn != nil {
			last = tr("Admin.AccountLastIn", localTime(*a.LastSignIn))
		}
		toggle, toggleClass := message("Admin.AccountDisable"), "button button-danger"
		if a.Disabled {
			toggle, toggleClass = message("Admin.AccountEnable"), "button button-quiet"
		}
		cards[i] = accountCard.with(p, "name", a.Name, "role", message("Roles."+a.Role),
			"disabledTag", when(a.Disabled, tagView.ui(p, "tag tag-warn", message("Admin.AccountDisabled"))),
			"oneTimeTag", when(a.MustChangePassword, tagView.ui(p, "tag", message("Admin.AccountOneTime"))),
			"scope", a.ScopeWords, "lastIn", last, "sessions", trn("Admin.AccountSessions", a.Sessions, a.Sessions),
			"busy", p.busy, "noSessions", p.busy || a.Sessions == 0,
			"toggleClass", toggleClass, "toggle", toggle, "toggleEvent", pick(a.Disabled, "enable", "disable"), "toggleLabel", tr("LabelFor", toggle, a.Name),
			"reset", message("Admin.AccountReset"), "endSessions", message("Admin.AccountEndSess"))
	}
	return accountListView.ui(p, cards)
}

var adminDialog = &view{src: `<div class="dialog-backdrop"><div class="dialog" role="dialog" aria-modal="true" aria-labelledby="{0}">
  <h2 id="{0}" tabindex="-1">{1}</h2>{2}</div></div>`}
var shownBody = &view{src: `<p class="one-time-password"><code id="one-time-password">{0}</code></p><p>{@Admin.PasswordOnce 1}</p>
  <div class="actions"><button class="button button-quiet" type="button" on:click="copy">{@Admin.PasswordCopy}</button>
  <button class="button" type="button" on:click="shown-done">{@Admin.PasswordDone}</button></div>`}
var confirmActionBody = &view{src: `<p>{0}</p><div class="actions">
  <button class="button button-danger" type="button" on:click="confirm">{1}</button>
  <button class="button button-quiet" type="button" on:click="cancel-confirm">{@Cancel}</button></div>`}

// dialogs shows a confirmation, or a one-time password, over the page.
func (p *accountsPage) dialogs() app.UI {
	switch {
	case p.shown != nil:
		name := p.shown.Account.Name
		return adminDialog.ui(p, "password-shown-title", tr("Admin.PasswordShown", name), shownBody.uis(p, p.shown.Password, name))
	case p.confirm != nil:
		text, label := tr("Admin.ConfirmReset", p.confirm.account), message("Admin.AccountReset")
		if p.confirm.action == "disable" {
			text, label = tr("Admin.ConfirmDisable", p.confirm.account), message("Admin.AccountDisable")
		}
		return adminDialog.ui(p, "confirm-title", message("Admin.AccountsTitle"), confirmActionBody.uis(p, text, label))
	}
	return nil
}

// formAct handles the account form's events; false when name is not one.
func (p *accountsPage) formAct(ctx app.Context, ev event) bool {
	f := p.form
	switch ev.name {
	case "form-name":
		f.name = ev.value
	case "form-role":
		f.role = ev.value
	case "form-cancel":
		p.form = nil
	case "form-submit":
		scope := f.scope.Normalise()
		if f.existing == nil {
			p.pendingName = strings.TrimSpace(f.name)
			p.change("password", "POST", "/api/v1/accounts", api.AccountNew{Name: p.pendingName, Role: f.role, Scope: scope})
			return true
		}
		role := f.role
		p.pendingName = f.existing.Name
		p.change("saved", "PATCH", accountPath(f.existing.Name), api.AccountUpdate{Role: &role, Scope: &scope})
	case "scope-all":
		f.scope.All = ev.checked
	case "scope-query":
		f.query = ev.value
	case "scope-find":
		f.finding, f.err = true, nil
		p.send(p, "groups", "GET", "/api/v1/groups?limit=8&query="+url.QueryEscape(strings.TrimSpace(f.query)), nil, nil)
	case "scope-user":
		f.userID = ev.value
	case "scope-add-user":
		id := strings.TrimSpace(f.userID)
		if fe := api.CheckUserID(id); fe != nil {
			f.userErr = sayPhrase(fe.Say)
			return true
		}
		f.checking = id
		p.send(p, "user", "GET", "/api/v1/users/"+url.PathEscape(id), nil, nil)
	case "scope-remove":
		l, item := f.listOf(ev.arg.part(0)), ev.arg.part(1)
		*l = slices.DeleteFunc(*l, func(s string) bool { return s == item })
	case "scope-add":
		if l, id := f.listOf(ev.arg.part(0)), ev.arg.part(1); !slices.Contains(*l, id) {
			*l = append(*l, id)
			for _, g := range f.found {
				if g.ID == id {
					f.names[id] = g.Name // the name it was picked by
				}
			}
		}
	default:
		return false
	}
	return true
}

func (p *accountsPage) gotScope(what string, r response) {
	f := p.form
	if f == nil {
		return
	}
	switch what {
	case "group-name":
		var g api.Group
		if r.decode(&g) == nil && g.ID != "" {
			f.names[g.ID] = g.Name
		}
	case "groups":
		f.finding = false
		var page api.GroupPage
		if e := r.decode(&page); e != nil {
			f.err = e
			return
		}
		f.found = page.Groups
	case "user":
		id := f.checking
		switch {
		case r.status == 404:
			f.userErr = tr("Admin.ScopeNoUser", id)
		case !r.ok():
			f.userErr = r.err.Message
		default:
			f.userErr, f.userID = "", ""
			if !slices.Contains(f.scope.Users, id) {
				f.scope.Users = append(f.scope.Users, id)
			}
		}
	}
}

// listOf is the scope's list a data-arg names.
func (f *accountForm) listOf(id string) *[]string {
	switch id {
	case "scope-groups":
		return &f.scope.Groups
	case "scope-members":
		return &f.scope.MembersOf
	}
	return &f.scope.Users
}

var accountFormView = &view{src: `<section class="panel account-form" aria-labelledby="account-form-title">
  <h2 id="account-form-title">{0}</h2>
  <form class="form" on:submit="form-submit">
    {1}
    <div class="field"><label for="account-role">{@Admin.AccountRole}</label><select id="account-role" on:change="form-role">{2}</select></div>
    {3}
    <div class="actions">
      <button class="button" type="submit" disabled={4} aria-busy={4}>{5}</button>
      <button class="button button-quiet" type="button" on:click="form-cancel">{@Cancel}</button>
    </div>
  </form></section>`}
var accountNameField = &view{src: `<div class="field"><label for="account-name">{@Admin.AccountName}</label>
  <input id="account-name" type="text" required value="{0}" autocapitalize="none" autocomplete="off" spellcheck="false" on:input="form-name"></div>`}

func (p *accountsPage) formView() app.UI {
	f := p.form
	heading, submit := message("Admin.AccountsAdd"), message("Admin.AccountCreate")
	var nameField app.UI
	if f.existing != nil {
		heading, submit = tr("Admin.AccountEdit", f.existing.Name), message("Admin.AccountSave")
	} else {
		nameField = accountNameField.ui(p, f.name)
	}
	roles := make([]app.UI, len(api.Roles))
	for i, r := range api.Roles {
		roles[i] = optionView.ui(p, r, f.role == r, message("Roles."+r))
	}
	return accountFormView.ui(p, heading, nameField, roles, p.scopeView(), p.busy, submit)
}

var scopeView = &view{src: `<fieldset class="scope"><legend>{@Admin.AccountScope}</legend>
  <label class="checkbox"><input type="checkbox" id="scope-all" checked={0} on:change="scope-all"><span>{@Admin.ScopeAll}</span></label>{1}</fieldset>`}
var scopeParts = &view{src: `<div>{0}{1}{2}
  <div class="field"><label for="scope-find">{@Admin.ScopeFindGroup}</label>
    <div class="inline"><input id="scope-find" type="search" placeholder="{@Admin.ScopeFindHint}" value="{3}" autocomplete="off" on:input="scope-query">
    <button class="button button-quiet" type="button" disabled={4} on:click="scope-find">{@Admin.ScopeFind}</button></div></div>
  {5}<ul class="scope-found">{6}</ul>
  <div class="field"><label for="scope-user">{@Admin.ScopeUserID}</label>
    <div class="inline"><input id="scope-user" type="text" value="{7}" autocapitalize="none" autocomplete="off" aria-describedby="scope-user-error" on:input="scope-user">
    <button class="button button-quiet" type="button" on:click="scope-add-user">{@Admin.ScopeAddUser}</button></div>
    <p id="scope-user-error" class="field-error" role="alert">{8}</p></div>
</div>`}
var scopeList = &view{src: `<div class="scope-list"><h3 id="{0}">{1}</h3>{2}<ul class="chips" aria-labelledby="{0}">{3}</ul></div>`}
var scopeChip = &view{src: `<li class="chip"><span>{1}</span><button class="chip-remove" type="button" aria-label="{@Admin.ScopeRemove 1}" data-arg="{0}" on:click="scope-remove">×</button></li>`}
var foundGroup = &view{src: `<li><span>{0} · {1}</span>
  <button class="button button-quiet" type="button" disabled={2} data-arg="{4}" on:click="scope-add">{@Admin.ScopeAddGroup 0}</button>
  <button class="button button-quiet" type="button" disabled={3} data-arg="{5}" on:click="scope-add">{@Admin.ScopeAddMembers 0}</button></li>`}

// scopeView shows the scope being built: everything, or lists of groups,
// members of groups and users, each item removable.
func (p *accountsPage) scopeView() app.UI {
	f := p.form
	if f.scope.All {
		return scopeView.ui(p, true, nil)
	}
	list := func(id, label string, items []string) app.UI {
		chips := make([]app.UI, len(items))
		for i, it := range items {
			text := it
			if id != "scope-users" {
				text = f.groupChip(it)
			}
			chips[i] = scopeChip.ui(p, argOf(id, it), text)
		}
		return scopeList.ui(p, id, message(label), when(len(items) == 0, emptyNote.ui(p, message("Admin.ScopeEmpty"))), chips)
	}
	found := make([]app.UI, len(f.found))
	for i, g := range f.found {
		found[i] = foundGroup.ui(p, g.Name, g.ID, slices.Contains(f.scope.Groups, g.ID), slices.Contains(f.scope.MembersOf, g.ID),
			argOf("scope-groups", g.ID), argOf("scope-members", g.ID))
	}
	return scopeView.ui(p, false, scopeParts.ui(p,
		list("scope-groups", "Admin.ScopeGroups", f.scope.Groups),
		list("scope-members", "Admin.ScopeMembersOf", f.scope.MembersOf),
		list("scope-users", "Admin.ScopeUsers", f.scope.Users),
		f.query, f.finding, errorView(p, f.err), found, f.userID, f.userErr))
}
