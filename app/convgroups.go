package main

// The conversation groups page: with no user chosen, the user finder; with
// ?user=ID, that user's conversation groups, their conversations and marks,
// and — for accounts that may change them — the forms to create, rename,
// fill, empty and delete groups and to set and clear marks.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

type convGroupsPage struct {
	userPage
	cg     api.ConvGroups
	recent []api.Conversation // the user's conversation list, to pick from

	extra []api.Conversation // conversations typed by ID, to pick from

	newName string
	pick    ticks // conversations to put in the new group
	// typed conversation forms, by form ("create", "marks", or "group-N")
	typedType map[string]string
	typedID   map[string]string

	// one group at a time is renamed or deleted
	renaming, renameTo string
	deleting           string

	selected ticks // conversations to mark
	markName string
	custom   string
}

func (p *convGroupsPage) OnNav(ctx app.Context) {
	p.recent = nil
	p.extra, p.pick, p.selected = nil, ticks{}, ticks{}
	p.typedType, p.typedID = map[string]string{}, map[string]string{}
	p.renaming, p.deleting, p.newName, p.custom, p.markName = "", "", "", "", api.MarkNames[0]
	setUnsaved(false)
	p.navUser(p, ctx)
}

// hasEdits reports whether the forms hold something not yet sent: a
// name, a rename, conversations picked or typed, a custom mark. The
// conversations selected for marks are not: they stay selected after a
// mark is set, for the next one.
func (p *convGroupsPage) hasEdits() bool {
	if p.userID == "" {
		return false
	}
	if p.newName != "" || p.custom != "" || (p.renaming != "" && p.renameTo != p.renaming) {
		return true
	}
	for _, v := range p.pick {
		if v {
			return true
		}
	}
	for _, v := range p.typedID {
		if strings.TrimSpace(v) != "" {
			return true
		}
	}
	return false
}

// convGroupsDraft is the page's draft: every form as it stands, and the
// version of the conversation groups it was made against.
type convGroupsDraft struct {
	Version   string             `json:"version"`
	NewName   string             `json:"newName,omitempty"`
	Pick      []string           `json:"pick,omitempty"`
	Extra     []api.Conversation `json:"extra,omitempty"`
	TypedType map[string]string  `json:"typedType,omitempty"`
	TypedID   map[string]string  `json:"typedID,omitempty"`
	Renaming  string             `json:"renaming,omitempty"`
	RenameTo  string             `json:"renameTo,omitempty"`
	Selected  []string           `json:"selected,omitempty"`
	MarkName  string             `json:"markName,omitempty"`
	Custom    string             `json:"custom,omitempty"`
}

func (p *convGroupsPage) draft() any {
	return convGroupsDraft{Version: p.cg.Version, NewName: p.newName, Pick: trueKeys(p.pick), Extra: p.extra,
		TypedType: p.typedType, TypedID: p.typedID, Renaming: p.renaming, RenameTo: p.renameTo,
		Selected: trueKeys(p.selected), MarkName: p.markName, Custom: p.custom}
}

// restoreDraft puts the forms back as they were, against the version they
// were made against: a change someone made meanwhile is refused as any
// other and shown with Reload, which keeps the forms.
func (p *convGroupsPage) restoreDraft(b []byte) bool {
	var d convGroupsDraft
	if json.Unmarshal(b, &d) != nil || d.Version == "" {
		return false
	}
	p.cg.Version, p.newName, p.extra, p.renaming, p.renameTo, p.custom = d.Version, d.NewName, d.Extra, d.Renaming, d.RenameTo, d.Custom
	p.pick, p.selected = setOf(d.Pick), setOf(d.Selected)
	if d.TypedType != nil {
		p.typedType = d.TypedType
	}
	if d.TypedID != nil {
		p.typedID = d.TypedID
	}
	if d.MarkName != "" {
		p.markName = d.MarkName
	}
	setUnsaved(p.hasEdits())
	return true
}

func (p *convGroupsPage) OnMount(ctx app.Context) {
	p.onEscape(ctx, p.last.unlessBusy(func() { p.deleting = "" }))
}

func (p *convGroupsPage) got(ctx app.Context, what string, r response) {
	if p.gotShared(ctx, p, what, r, "groups", "/conversation-groups") {
		return
	}
	switch what {
	case "groups":
		if p.fill(r, &p.cg) && p.canEdit() {
			p.takeDraft(ctx, p)
			p.send(p, "recent", "GET", userPath(p.userID)+"/conversations", nil, nil)
		}
	case "recent":
		var list api.UserConversations
		if r.decode(&list) == nil {
			p.recent = list.Conversations
		}
	case "changed":
		p.deleting = ""
		var cg api.ConvGroups
		if p.last.answer(ctx, r, &cg, "cg-status") {
			p.cg, p.last.results = cg, cg.Results
			p.afterChange()
		}
		setUnsaved(p.hasEdits())
	}
}

// afterChange empties what the change was made from.
func (p *convGroupsPage) afterChange() {
	switch p.last.after {
	case "create":
		p.newName, p.pick = "", ticks{}
		clearInput("cg-name")
	case "rename":
		p.renaming = ""
	case "":
	default:
		p.typedID[p.last.after] = ""
		clearInput(p.last.after + "-id")
	}
}

// change makes a change; got takes the answer as the new state and shows
// the answer's per-conversation results. after names what to empty then.
func (p *convGroupsPage) change(method, path string, body any, after string) {
	p.last.start(&p.base, p, method, userPath(p.userID)+path, body, p.cg.Version, after)
}

func groupChangePath(name string) string { return "/conversation-groups/" + url.PathEscape(name) }

func (p *convGroupsPage) act(ctx app.Context, ev event) {
	defer func() { setUnsaved(p.hasEdits()) }()
	if p.finder.act(&p.base, p, ctx, ev) {
		return
	}
	gi := ev.arg.index(0) // a group, for the events of one group
	switch ev.name {
	case "retry", "reload":
		p.navUser(p, p.ctx)
	case "remove-conv":
		g := p.cg.Groups[gi]
		c := g.Conversations[ev.arg.index(1)]
		p.change("PATCH", groupChangePath(g.Name), api.ConvGroupUpdate{Remove: []api.Conversation{{Type: c.Type, ID: c.ID}}}, "")
	case "rename":
		p.renaming, p.renameTo = p.cg.Groups[gi].Name, p.cg.Groups[gi].Name
		focusLater(ctx, fmt.Sprintf("rename-%d", gi))
	case "rename-to":
		p.renameTo = ev.value
	case "rename-save":
		if nameProblem(p.renameTo) == "" {
			to := p.renameTo
			p.change("PATCH", groupChangePath(p.renaming), api.ConvGroupUpdate{Name: &to}, "rename")
		}
	case "rename-cancel":
		p.renaming = ""
	case "delete":
		p.deleting = p.cg.Groups[gi].Name
		focusLater(ctx, "delete-cancel")
	case "delete-confirm":
		p.change("DELETE", groupChangePath(p.deleting), nil, "")
	case "delete-cancel":
		p.deleting = ""
	case "typed-type":
		p.typedType[ev.arg.part(0)] = ev.value
	case "typed-id":
		p.typedID[ev.arg.part(0)] = ev.value
	case "typed-add":
		p.typedAdd(ev.arg.part(0), ev.arg.index(1))
	case "new-name":
		p.newName = ev.value
	case "pick":
		p.pick.tick(ev)
	case "create":
		if p.createBlocker(p.picked()) == "" {
			p.change("POST", "/conversation-groups", api.ConvGroupCreate{Name: p.newName, Conversations: p.picked()}, "create")
		}
	case "select":
		p.selected.tick(ev)
	case "mark-name":
		p.markName = ev.value
	case "custom":
		p.custom = ev.value
	case "set-mark", "clear-mark", "set-custom", "clear-custom":
		ch := api.MarksChange{Conversations: p.chosen()}
		switch ev.name {
		case "set-mark":
			ch.Set = []string{p.markName}
		case "clear-mark":
			ch.Clear = []string{p.markName}
		case "set-custom":
			c := p.custom
			ch.CustomMark = &c
		default:
			c := ""
			ch.CustomMark = &c
		}
		if len(ch.Conversations) > 0 {
			p.change("POST", "/conversation-marks", ch, "")
		}
	}
}

// typedAdd takes a conversation typed by ID into its form's purpose: the
// group with index gi (form "group-N"), or the conversations to pick from
// (gi -1).
func (p *convGroupsPage) typedAdd(form string, gi int) {
	t := p.typedType[form]
	if t == "" {
		t = api.ConversationUser
	}
	c := api.Conversation{Type: t, ID: strings.TrimSpace(p.typedID[form])}
	if c.ID == "" {
		return
	}
	if gi < 0 {
		p.addExtra(c)
		if form == "create" {
			p.pick[c.Key()] = true
		} else {
			p.selected[c.Key()] = true
		}
		p.typedID[form] = ""
		clearInput(form + "-id")
	} else {
		p.change("PATCH", groupChangePath(p.cg.Groups[gi].Name), api.ConvGroupUpdate{Add: []api.Conversation{c}}, form)
	}
}

var cgFinderView = &view{src: `<h1>{@Sections.conversation-groups.Title}</h1><p class="lead">{@ConvGroups.Intro}</p>{0}`}
var cgView = &view{src: `<p class="breadcrumb"><a href="/conversation-groups">← {@ConvGroups.Back}</a></p><h1>{0}</h1>{1}`}

func (p *convGroupsPage) Render() app.UI { return p.render(p, cgFinderView, cgView, p.body) }

var notInEditionView = &view{src: `<div class="alert alert-info" role="status"><p>{@ConvGroups.NotInEdition}</p><p>{@ConvGroups.EditionHelp}</p></div>`}
var cgBody = &view{src: `<div class="convgroups">
  <p class="group-meta"><a href="{friendLists}">{@Users.FriendListsOf user}</a></p>{readOnly}
  <div class="totals"><p class="{groupsMeter}">{@ConvGroups.GroupsCount groups maxGroups}</p><p class="{convsMeter}">{@ConvGroups.ConvCount convs maxConvs}</p></div>
  {status}{groupList}{create}{marks}{deleteDialog}
</div>`}

func (p *convGroupsPage) body() app.UI {
	if p.state == stateFailed && p.err != nil && p.err.Code == api.CodeNotInEdition {
		return notInEditionView.ui(p)
	}
	if v := p.stateView(p); v != nil {
		return v
	}
	edit := p.canEdit()
	var readOnly, create app.UI
	if edit {
		create = p.createView()
	} else {
		readOnly = infoNote.ui(p, message("ConvGroups.ReadOnly"))
	}
	cg := p.cg
	return cgBody.with(p,
		"friendLists", userURL(pathFriendLists, p.userID), "user", userLabel(p.user.ID, p.user.Nick), "readOnly", readOnly,
		"groupsMeter", meterClass(len(cg.Groups), cg.MaxGroups), "groups", len(cg.Groups), "maxGroups", cg.MaxGroups,
		"convsMeter", meterClass(cg.Counted, cg.MaxCounted), "convs", cg.Counted, "maxConvs", cg.MaxCounted,
		"status", []app.UI{p.draftNotice(p), p.statusView()}, "groupList", p.groupsView(edit), "create", create, "marks", p.marksView(edit), "deleteDialog", p.deleteDialog(),
	)
}

// statusView says how the last change went, row by row when Tencent
// refused some conversations.
func (p *convGroupsPage) statusView() app.UI {
	return p.last.view(p, "cg-status", changeWords{someFailed: "ConvGroups.SomeFailed", changed: "ConvGroups.Changed"},
		func(r api.ItemResult) string {
			return convLabel(api.Conversation{Type: r.Type, ID: r.ID, Name: r.Name})
		})
}

// convLabel names a conversation as people recognise it: the user's
// nickname or the group's name, and the ID.
func convLabel(c api.Conversation) string {
	kind := message(pick(c.Type == api.ConversationGroup, "ConvGroups.Group", "ConvGroups.User"))
	if c.Name == "" || c.Name == c.ID {
		return kind + " " + c.ID
	}
	return kind + " " + c.Name + " · " + c.ID
}

// known lists every conversation to pick from: those grouped or marked,
// those in the user's conversation list, and those typed by ID.
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
	for _, c := range p.recent {
		add(c)
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

var cgGroup = &view{src: `<li class="cg-group"><section aria-labelledby="cg-title-{0}"><h2 id="cg-title-{0}">{1}</h2>{2}<ul class="conv-list">{3}</ul>{4}</section></li>`}
var convItem = &view{src: `<li class="conv"><span class="conv-label">{0}</span>{1}{2}</li>`}
var removeConvButton = &view{src: `<button class="button button-danger-quiet" type="button" aria-label="{@ConvGroups.Remove 0}" title="{@ConvGroups.Remove 0}" disabled={1} data-arg="{2}" on:click="remove-conv">✕</button>`}

func (p *convGroupsPage) groupsView(edit bool) app.UI {
	gs := p.cg.Groups
	return namedLists(p, edit, message("ConvGroups.NoGroups"), len(gs), func(i int) int { return len(gs[i].Conversations) },
		func(i, j int) app.UI {
			return removeConvButton.ui(p, convLabel(gs[i].Conversations[j]), p.last.busy, argOf(i, j))
		},
		func(i, j int, remove app.UI) app.UI {
			c := gs[i].Conversations[j]
			return convItem.ui(p, convLabel(c), p.marksBadges(c.Key()), remove)
		},
		func(i int, convs []app.UI) app.UI {
			g := gs[i]
			var forms app.UI
			if edit {
				forms = p.groupForms(i, g)
			}
			return cgGroup.ui(p, i, g.Name, when(len(g.Conversations) == 0, noneHint.ui(p, message("ConvGroups.NoConvs"))), convs, forms)
		})
}

var groupButtons = &view{src: `<div class="actions">
  <button class="button button-quiet" type="button" aria-label="{@ConvGroups.RenameGroup 0}" data-arg="{1}" on:click="rename">{@ConvGroups.Rename}</button>
  <button class="button button-danger-quiet" type="button" disabled={2} data-arg="{1}" on:click="delete">{@ConvGroups.Delete 0}</button></div>`}
var renameForm = &view{src: `<form class="form" on:submit="rename-save">
  <label for="rename-{0}">{@ConvGroups.NewName 1}</label>
  <input id="rename-{0}" type="text" value="{2}" autocomplete="off" aria-invalid={3} aria-describedby="rename-{0}-help" on:input="rename-to">
  {4}
  <div class="actions"><button class="button" type="submit" disabled={5}>{@ConvGroups.SaveName}</button>
  <button class="button button-quiet" type="button" on:click="rename-cancel">{@Cancel}</button></div></form>`}
var counterView = &view{src: `<p id="{0}" class="{1}"><span>{@ConvGroups.Bytes 2 3}</span>{4}</p>`}
var cgForms = &view{src: `<div class="cg-forms">{0}{1}</div>`}

// byteCounter shows a field's size in bytes against its limit, and its
// problem.
func byteCounter(a actor, id string, used, limit int, problem string) app.UI {
	return counterView.ui(a, id, counterClass(used, limit, problem), used, limit, when(problem != "", fieldError.ui(a, problem)))
}

// groupForms are a group's rename and add forms and its delete button.
func (p *convGroupsPage) groupForms(i int, g api.ConvGroup) app.UI {
	var top app.UI
	if p.renaming == g.Name {
		problem := nameProblem(p.renameTo)
		top = renameForm.ui(p, i, g.Name, p.renameTo, problem != "",
			byteCounter(p, fmt.Sprintf("rename-%d-help", i), len(p.renameTo), api.MaxConvGroupNameBytes, problem), problem != "" || p.last.busy)
	} else {
		top = groupButtons.ui(p, g.Name, i, p.last.busy)
	}
	return cgForms.ui(p, top, p.typedForm(fmt.Sprintf("group-%d", i), i, tr("ConvGroups.AddTo", g.Name)))
}

// clearInput empties an input the moderator typed in: go-app sets the
// value attribute, which a browser no longer shows once the field was
// edited.
func clearInput(id string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Set("value", "")
	}
}

// nameProblem checks a group name as it is typed, with the server's rules.
func nameProblem(name string) string {
	if strings.TrimSpace(name) == "" {
		return message("ConvGroups.EnterName")
	}
	return checkedName(name, api.MaxConvGroupNameBytes, api.CheckConvGroupName("name", name))
}

// checkedName is what a name field says of the server's check of a name
// (err): its length against max as the page words it, else the check's own
// sentence (a control character, one that reorders text, a space at an
// end), "" when there is nothing to say.
func checkedName(name string, max int, err *api.FieldError) string {
	switch {
	case err == nil:
		return ""
	case len(name) > max:
		return tr("ConvGroups.TooLong", len(name), max)
	}
	return sayPhrase(err.Say)
}

var typedFormView = &view{src: `<form class="form typed-conv" data-arg="{6}" on:submit="typed-add">
  <div class="field"><label for="{0}-type">{@ConvGroups.ConvType}</label>
    <select id="{0}-type" data-arg="{6}" on:change="typed-type"><option value="user" selected={1}>{@ConvGroups.User}</option><option value="group" selected={2}>{@ConvGroups.Group}</option></select></div>
  <div class="field"><label for="{0}-id">{@ConvGroups.ConvID}</label>
    <input id="{0}-id" type="text" value="{3}" placeholder="{@ConvGroups.ConvIDHint}" autocomplete="off" spellcheck="false" autocapitalize="none" data-arg="{6}" on:input="typed-id"></div>
  <button class="button button-quiet" type="submit" disabled={4}>{5}</button></form>`}

// typedForm is a conversation typed by ID: user or group, and the ID, for
// the group with index gi (-1: the conversations to pick from). The server
// checks that it exists.
func (p *convGroupsPage) typedForm(form string, gi int, submit string) app.UI {
	typ := p.typedType[form]
	return typedFormView.ui(p, form, typ != api.ConversationGroup, typ == api.ConversationGroup, p.typedID[form], p.last.busy, submit, argOf(form, gi))
}

var marksBadgesView = &view{src: `<span class="marks">{0}</span>`}
var tagText = &view{src: `<span class="tag">{0}</span>`}

// markNames are a conversation's marks in words.
func markNames(m api.Marks) []string {
	var names []string
	for _, n := range api.MarkNames {
		if m.Has(n) {
			names = append(names, message("ConvGroups.MarkNames."+n))
		}
	}
	if m.Custom != "" {
		names = append(names, tr("ConvGroups.CustomIs", m.Custom))
	}
	return names
}

// marksText is a conversation's marks in words, in one line.
func marksText(m api.Marks) string { return list(markNames(m)) }

// marksBadges shows a conversation's marks.
func (p *convGroupsPage) marksBadges(key string) app.UI {
	mc, ok := p.marksOf(key)
	if !ok || mc.Marks.Empty() {
		return nil
	}
	names := markNames(mc.Marks)
	tags := make([]app.UI, len(names))
	for i, n := range names {
		tags[i] = tagText.ui(p, n)
	}
	return marksBadgesView.ui(p, tags)
}

// createBlocker says why the group cannot be created as it stands, or "".
func (p *convGroupsPage) createBlocker(picked []api.Conversation) string {
	if len(p.cg.Groups) >= p.cg.MaxGroups {
		return tr("ConvGroups.GroupsFull", p.cg.MaxGroups)
	}
	if pr := nameProblem(p.newName); pr != "" {
		return pr
	}
	n := p.cg.Counted
	for _, c := range picked {
		if _, counted := p.marksOf(c.Key()); !counted {
			n++
		}
	}
	if n > p.cg.MaxCounted {
		return tr("ConvGroups.ConvsFull", p.cg.MaxCounted)
	}
	return ""
}

func (p *convGroupsPage) picked() []api.Conversation { return p.ticked(p.pick) }

// ticked are the conversations ticked in t, without their names.
func (p *convGroupsPage) ticked(t ticks) []api.Conversation {
	var out []api.Conversation
	for _, c := range p.known() {
		if t[c.Key()] {
			out = append(out, api.Conversation{Type: c.Type, ID: c.ID})
		}
	}
	return out
}

var createView = &view{src: `<section class="cg-create" aria-labelledby="create-title">
  <h2 id="create-title">{@ConvGroups.CreateTitle}</h2>{0}
  <form class="form" on:submit="create">
    <label for="cg-name">{@ConvGroups.Name}</label>
    <input id="cg-name" type="text" value="{1}" autocomplete="off" aria-invalid={2} aria-describedby="cg-name-help" on:input="new-name">
    {3}{4}
    <div class="actions"><button class="button" type="submit" disabled={5} aria-describedby="create-why">{@ConvGroups.Create}</button>
    <p id="create-why" class="hint">{6}</p></div>
  </form>
  <h3>{@ConvGroups.OrType}</h3>{7}</section>`}
var pickSet = &view{src: `<fieldset class="conv-pick"><legend>{@ConvGroups.Choose}</legend>{0}</fieldset>`}
var checkItem = &view{src: `<div class="check"><input id="{0}" type="checkbox" checked={1} data-arg="{2}" on:change="{3}"><label for="{0}">{4}</label></div>`}

func (p *convGroupsPage) createView() app.UI {
	block := p.createBlocker(p.picked())
	problem := ""
	if p.newName != "" {
		problem = nameProblem(p.newName)
	}
	var full, picks app.UI
	if len(p.cg.Groups) >= p.cg.MaxGroups {
		full = warnNote.ui(p, tr("ConvGroups.GroupsFull", p.cg.MaxGroups))
	}
	if known := p.known(); len(known) > 0 {
		items := make([]app.UI, len(known))
		for i, c := range known {
			items[i] = checkItem.ui(p, fmt.Sprintf("pick-%d", i), p.pick[c.Key()], c.Key(), "pick", convLabel(c))
		}
		picks = pickSet.ui(p, items)
	}
	return createView.ui(p, full, p.newName, problem != "",
		byteCounter(p, "cg-name-help", len(p.newName), api.MaxConvGroupNameBytes, problem), picks,
		block != "" || p.last.busy, block, p.typedForm("create", -1, message("ConvGroups.AddConv")))
}

// addExtra makes a typed conversation one to pick from.
func (p *convGroupsPage) addExtra(c api.Conversation) {
	for _, x := range p.extra {
		if x.Key() == c.Key() {
			return
		}
	}
	p.extra = append(p.extra, c)
}

func (p *convGroupsPage) chosen() []api.Conversation { return p.ticked(p.selected) }

var marksView = &view{src: `<section class="cg-marks" aria-labelledby="marks-title"><h2 id="marks-title">{@ConvGroups.MarksTitle}</h2>{0}<ul class="conv-list">{1}</ul>{2}</section>`}
var markItem = &view{src: `<li class="conv">{0}<span class="conv-label">{1}</span>{2}{3}</li>`}
var selectBox = &view{src: `<input id="sel-{0}" type="checkbox" checked={1} aria-label="{@ConvGroups.Select 2}" data-arg="{3}" on:change="select">`}
var inGroups = &view{src: `<span class="hint">{@ConvGroups.InGroups 0}</span>`}
var markForms = &view{src: `<div class="mark-forms">
  <p class="meter" role="status">{@ConvGroups.Selected 0}</p>
  <div class="field"><label for="mark-name">{@ConvGroups.Mark}</label><select id="mark-name" on:change="mark-name">{1}</select></div>
  <div class="actions"><button class="button" type="button" disabled={2} on:click="set-mark">{@ConvGroups.SetMark}</button>
  <button class="button button-quiet" type="button" disabled={2} on:click="clear-mark">{@ConvGroups.ClearMark}</button></div>
  <label for="custom-mark">{@ConvGroups.Custom}</label>
  <input id="custom-mark" type="text" value="{3}" autocomplete="off" aria-invalid={4} aria-describedby="custom-mark-help" on:input="custom">
  {5}
  <div class="actions"><button class="button" type="button" disabled={6} on:click="set-custom">{@ConvGroups.SetCustom}</button>
  <button class="button button-quiet" type="button" disabled={2} on:click="clear-custom">{@ConvGroups.ClearCustom}</button></div>
  <p class="hint">{7}</p>{8}</div>`}

func (p *convGroupsPage) marksView(edit bool) app.UI {
	known := p.known()
	chosen := len(p.chosen())
	customProblem := ""
	if len(p.custom) > api.MaxCustomMarkBytes {
		customProblem = tr("ConvGroups.TooLong", len(p.custom), api.MaxCustomMarkBytes)
	}
	none := chosen == 0 || p.last.busy
	items := make([]app.UI, len(known))
	for i, c := range known {
		var box, groups app.UI
		if edit {
			box = selectBox.ui(p, i, p.selected[c.Key()], convLabel(c), c.Key())
		}
		if mc, _ := p.marksOf(c.Key()); len(mc.Groups) > 0 {
			groups = inGroups.ui(p, list(mc.Groups))
		}
		items[i] = markItem.ui(p, box, convLabel(c), p.marksBadges(c.Key()), groups)
	}
	var intro, forms app.UI
	if edit {
		intro = noneHint.ui(p, message("ConvGroups.MarksIntro"))
		names := make([]app.UI, len(api.MarkNames))
		for i, n := range api.MarkNames {
			names[i] = optionView.ui(p, n, p.markName == n, message("ConvGroups.MarkNames."+n))
		}
		hint := ""
		if chosen == 0 {
			hint = message("ConvGroups.SelectFirst")
		}
		forms = markForms.ui(p, chosen, names, none, p.custom, customProblem != "",
			byteCounter(p, "custom-mark-help", len(p.custom), api.MaxCustomMarkBytes, customProblem),
			none || customProblem != "" || p.custom == "", hint, p.typedForm("marks", -1, message("ConvGroups.AddConv")))
	}
	return marksView.ui(p, intro, items, forms)
}

var deleteDialogView = &view{src: `<div class="dialog-backdrop">
  <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="dialog-title" aria-describedby="dialog-warning">
  <h2 id="dialog-title">{0}</h2><p id="dialog-warning" class="alert alert-warn">{1}</p>
  <div class="actions"><button class="button button-danger" type="button" disabled={2} aria-busy={2} on:click="delete-confirm">{3}</button>
  <button id="delete-cancel" class="button button-quiet" type="button" on:click="delete-cancel">{@Cancel}</button></div></div></div>`}

// deleteDialog confirms deleting a group, naming it and how many
// conversations it holds.
func (p *convGroupsPage) deleteDialog() app.UI {
	if p.deleting == "" {
		return nil
	}
	g := p.cg.Group(p.deleting)
	if g == nil {
		return nil
	}
	return deleteDialogView.ui(p, tr("ConvGroups.DeleteTitle", g.Name), trn("ConvGroups.DeleteWarning", len(g.Conversations), len(g.Conversations)), p.last.busy, tr("ConvGroups.DeleteConfirm", g.Name))
}
