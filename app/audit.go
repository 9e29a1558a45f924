package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// auditFilterNames are the filters the page keeps in its URL.
var auditFilterNames = []string{"actor", "action", "target", "outcome", "since", "until"}

// auditPage lists the audit log, newest first, with its filters in the URL
// so that a filtered view can be bookmarked and shared.
type auditPage struct {
	base
	filters     map[string]string // as in the URL; since/until as YYYY-MM-DD
	records     []*api.AuditRecord
	next        string
	more        bool // loading an older page
	moreErr     *api.Error
	open        map[int64]bool
	names       map[string]string // group names by ID, asked once per page
	showFilters bool              // on a narrow screen the filters fold away
	undo        *undoState
	undone      string // what the last undo did, announced above the list
	// keys says a described key by its label beside the raw key; read
	// once per page.
	keys keyRegistry
}

func (p *auditPage) OnMount(ctx app.Context) {
	p.onEscape(ctx, func() {
		if p.undo != nil && !p.undo.busy {
			p.undo = nil
		}
	})
}

func (p *auditPage) OnPreRender(ctx app.Context) { ctx.Page().SetTitle(title(message("AuditTitle"))) }

func (p *auditPage) OnNav(ctx app.Context) {
	p.begin(ctx)
	ctx.Page().SetTitle(title(message("AuditTitle")))
	q := ctx.Page().URL().Query()
	p.filters = map[string]string{}
	for _, k := range auditFilterNames {
		p.filters[k] = q.Get(k)
	}
	if app.IsServer {
		return // the prerendered page shows the loading state; the browser loads
	}
	p.records, p.next, p.open, p.undo, p.undone = nil, "", map[int64]bool{}, nil, ""
	p.list("")
	p.readKeys()
}

// readKeys reads the registry of attribute keys, once per page.
func (p *auditPage) readKeys() {
	if !p.keys.read() {
		p.send(p, "keys", "GET", keysPath, nil, nil)
	}
}

// query is the API query for the current filters.
func (p *auditPage) query() url.Values {
	q := url.Values{}
	for k, v := range p.filters {
		if v == "" {
			continue
		}
		if k == "since" || k == "until" {
			// The browser's midnight of the day, as the moderator means it;
			// "until" takes in the whole day chosen.
			next := 0
			if k == "until" {
				next = 1
			}
			if v = localMidnight(v, next); v == "" {
				continue
			}
		}
		q.Set(k, v)
	}
	return q
}

// list loads the first page of entries, or the older page after cursor.
func (p *auditPage) list(cursor string) {
	q := p.query()
	if cursor == "" {
		p.records, p.next = nil, "" // the first page again (a retry) replaces what is shown
		p.load(p, "entries", "/api/v1/audit?"+q.Encode())
		return
	}
	q.Set("cursor", cursor)
	p.more, p.moreErr = true, nil
	p.send(p, "entries", "GET", "/api/v1/audit?"+q.Encode(), nil, nil)
}

func (p *auditPage) got(ctx app.Context, what string, r response) {
	switch what {
	case "entries":
		var page api.AuditPage
		if p.more {
			p.more = false
			if e := r.decode(&page); e != nil {
				p.moreErr = e
				return
			}
		} else if !p.fill(r, &page) {
			return
		}
		p.records = append(p.records, page.Records...)
		p.next = page.NextCursor
		p.loadNames(page.Records)
	case "keys":
		p.keys.keep(r)
	case "name":
		var g api.Group
		if r.decode(&g) == nil {
			p.names[g.ID] = g.Name
		}
	case "undo-preview":
		u := p.undo
		if u == nil {
			return
		}
		var pv api.UndoPreview
		if e := r.decode(&pv); e != nil {
			u.state, u.err = stateFailed, e
			return
		}
		u.preview, u.state = &pv, stateReady
		focusLater(p.ctx, "undo-title")
	case "undone":
		u := p.undo
		if u == nil {
			return
		}
		u.busy = false
		if r.status == 412 {
			u.again = true
			p.openUndo(u.rec)
			return
		}
		if !r.ok() {
			u.err = r.err
			return
		}
		p.undo, p.undone = nil, tr(pick(isMemberAction(u.rec.Action), "GroupMembers.UndoDone", "UndoDone"), p.groupLabel(u.rec.Target), u.rec.Seq)
		p.records, p.next, p.open = nil, "", map[int64]bool{}
		p.list("")
		focusLater(p.ctx, "audit-status")
	}
}

// loadNames asks for the names of the groups in records that the page does
// not know yet. A group out of the account's scope stays an ID.
func (p *auditPage) loadNames(records []*api.AuditRecord) {
	if p.names == nil {
		p.names = map[string]string{}
	}
	for _, r := range records {
		if g := groupOf(r.Target); g != "" && strings.HasPrefix(r.Action, "group.") {
			if _, known := p.names[g]; !known {
				p.names[g] = ""
				p.send(p, "name", "GET", groupPath(g), nil, nil)
			}
		}
	}
}

// groupOf is the group of an audit target: the target itself, or the
// group of a member ("GROUP USER").
func groupOf(target string) string {
	g, _, _ := strings.Cut(target, " ")
	return g
}

// localMidnight is the start of the date (YYYY-MM-DD) plus days, in the
// browser's time zone, as RFC 3339; "" if the date is not one.
func localMidnight(date string, days int) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	t, _ := fromLocal(d.AddDate(0, 0, days).Format(localMinute))
	return t.UTC().Format(time.RFC3339)
}

// anyValue is the value of a select's "Any" option: go-app leaves out an
// empty value attribute, and the browser would then send the label.
const anyValue = "*"

func (p *auditPage) act(ctx app.Context, ev event) {
	switch ev.name {
	case "filter":
		v := ev.value
		if v == anyValue {
			v = ""
		}
		p.filters[ev.arg.part(0)] = v
	case "toggle-filters":
		p.showFilters = !p.showFilters
	case "apply":
		q := url.Values{}
		for k, v := range p.filters {
			if v != "" {
				q.Set(k, v)
			}
		}
		u := pathAudit
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		ctx.Navigate(u)
	case "reset":
		ctx.Navigate(pathAudit)
	case "retry":
		p.list("")
	case "older":
		p.list(p.next)
	case "details":
		seq := int64(ev.arg.index(0))
		p.open[seq] = !p.open[seq]
	case "undo-open":
		for _, r := range p.records {
			if r.Seq == int64(ev.arg.index(0)) {
				p.openUndo(r)
			}
		}
	case "undo-close":
		p.undo = nil
	case "undo-confirm":
		u := p.undo
		if u == nil || u.preview == nil || u.busy {
			return
		}
		u.busy, u.err = true, nil
		p.send(p, "undone", "POST", undoPath(u.rec.Seq), nil, map[string]string{"If-Match": `"` + u.preview.Version + `"`})
	case "undo-retry":
		if p.undo != nil {
			p.openUndo(p.undo.rec)
		}
	}
}

var (
	actionOrder = slices.Concat(api.AttributesActions, api.ConvGroupsActions, api.FriendListsActions, api.GroupMembersActions,
		[]string{"session.signin", "session.signout", "account.add", "account.update", "account.disable", "account.enable",
			"account.password.reset", "account.password.change", "account.sessions.end", "audit.verify"},
		api.BulkActions, []string{api.ActionKeysPut, api.ActionKeysDelete, api.ActionKeysImport})
	outcomeOrder = []string{"ok", "failed", "unknown", "pending"}
)

var auditView = &view{src: `
<h1>{@AuditTitle}</h1>
<p class="lead">{@AuditIntro}</p>
<button class="button button-quiet filters-toggle" type="button" aria-expanded={filtersOpen} aria-controls="audit-filters" on:click="toggle-filters">{toggle}</button>
<form id="audit-filters" class="{formClass}" aria-label="{@AuditFilters}" on:submit="apply">
  <div class="field"><label for="filter-actor">{@AuditActor}</label>
    <input id="filter-actor" type="text" value="{actor}" autocomplete="off" data-arg="actor" on:input="filter"></div>
  <div class="field"><label for="filter-action">{@AuditAction}</label>
    <select id="filter-action" data-arg="action" on:change="filter"><option value="*" selected={anyAction}>{@AuditAny}</option>{actions}</select></div>
  <div class="field"><label for="filter-target">{@AuditTarget}</label>
    <input id="filter-target" type="text" value="{target}" autocomplete="off" data-arg="target" on:input="filter"></div>
  <div class="field"><label for="filter-outcome">{@AuditOutcome}</label>
    <select id="filter-outcome" data-arg="outcome" on:change="filter"><option value="*" selected={anyOutcome}>{@AuditAny}</option>{outcomes}</select></div>
  <div class="field"><label for="filter-since">{@AuditSince}</label>
    <input id="filter-since" type="date" value="{since}" data-arg="since" on:input="filter"></div>
  <div class="field"><label for="filter-until">{@AuditUntil}</label>
    <input id="filter-until" type="date" value="{until}" data-arg="until" on:input="filter"></div>
  <div class="actions">
    <button class="button" type="submit">{@AuditApply}</button>
    <button class="button button-quiet" type="button" on:click="reset">{@AuditReset}</button>
  </div>
</form>
<div class="actions exports">
  <a class="button button-quiet" href="/api/v1/audit/export?format=csv{exportQuery}" download="imdesk-audit.csv">{@AuditExportCSV}</a>
  <a class="button button-quiet" href="/api/v1/audit/export?format=jsonl{exportQuery}" download="imdesk-audit.jsonl">{@AuditExportJL}</a>
</div>
{zone}
<div id="audit-status" tabindex="-1" role="status">{undone}</div>
{entries}{undoDialog}`}

// Links with a download name: the browser saves the file, and go-app leaves
// such links alone instead of routing them.

var zoneNote = &view{src: `<p class="hint">{@AuditZone 0}</p>`}

func (p *auditPage) options(names []string, prefix, current string) []app.UI {
	out := make([]app.UI, len(names))
	for i, n := range names {
		out[i] = optionView.ui(p, n, current == n, message(prefix+n))
	}
	return out
}

func (p *auditPage) Render() app.UI {
	q := p.query()
	if z := ianaZone(); z != "" {
		q.Set("tz", z) // the CSV's times in the reader's zone, as the page shows them
	}
	exportQuery := ""
	if e := q.Encode(); e != "" {
		exportQuery = "&" + e
	}
	active := 0
	for _, v := range p.filters {
		if v != "" {
			active++
		}
	}
	toggle := message("AuditFilters")
	if active > 0 {
		toggle = tr("AuditFiltersOn", active)
	}
	var zone, undone app.UI
	if !app.IsServer {
		zone = zoneNote.ui(p, zoneName(time.Now()))
	}
	if p.undone != "" {
		undone = okText.ui(p, p.undone)
	}
	f := p.filters
	return newShell().Path(pathAudit).Content(auditView.withs(p,
		"filtersOpen", p.showFilters, "toggle", toggle, "formClass", pick(p.showFilters, "form filters filters-open", "form filters"),
		"actor", f["actor"], "anyAction", f["action"] == "", "actions", p.options(actionOrder, "Actions.", f["action"]),
		"target", f["target"], "anyOutcome", f["outcome"] == "", "outcomes", p.options(outcomeOrder, "Outcomes.", f["outcome"]),
		"since", f["since"], "until", f["until"], "exportQuery", exportQuery, "zone", zone, "undone", undone,
		"entries", p.entries(), "undoDialog", p.undoDialog())...)
}

var entriesView = &view{src: `<div><ol class="audit-list">{0}</ol>{1}{2}</div>`}
var noEntries = &view{src: `<p class="empty" role="status">{@AuditNone}</p>`}
var olderButton = &view{src: `<button class="button button-quiet" type="button" disabled={0} aria-busy={0} on:click="older">{@AuditOlder}</button>`}

func (p *auditPage) entries() app.UI {
	if v := p.stateView(p); v != nil {
		return v
	}
	if len(p.records) == 0 {
		return noEntries.ui(p)
	}
	items := make([]app.UI, len(p.records))
	for i, r := range p.records {
		items[i] = p.entry(r)
	}
	var older app.UI
	if p.next != "" {
		older = olderButton.ui(p, p.more)
	}
	return entriesView.ui(p, items, errorView(p, p.moreErr), older)
}

var entryView = &view{src: `<li class="audit-entry outcome-{0}">
  <div class="audit-line"><time datetime="{1}">{2}</time><span class="audit-actor">{3}</span><span class="audit-action">{4}</span>{5}{6}
    <span class="outcome">{7}</span>
    <button class="button button-quiet" type="button" aria-expanded={8} aria-controls="audit-detail-{9}" data-arg="{9}" on:click="details">{@AuditDetails 9}</button>
  </div>{10}</li>`}
var auditJobLink = &view{src: `<span>{0} <a class="audit-job" href="/bulk-changes?id={1}">{@Bulk.JobN 1}</a></span>`}
var groupNameSpan = &view{src: `<span class="audit-group">{0}</span>`}
var codeView = &view{src: `<code>{0}</code>`}

func (p *auditPage) entry(r *api.AuditRecord) app.UI {
	action := message("Actions." + r.Action)
	if action == "Actions."+r.Action {
		action = r.Action
	}
	who := r.Actor
	if r.Role != "" {
		who += " (" + message("Roles."+r.Role) + ")"
	}
	open := p.open[r.Seq]
	var name, target, detail app.UI
	if n := p.names[groupOf(r.Target)]; n != "" {
		name = groupNameSpan.ui(p, n)
	}
	if r.Target != "" {
		target = codeView.ui(p, r.Target)
	}
	if r.Job != 0 {
		if slices.Contains(api.BulkActions, r.Action) {
			target = nil // the job itself, as the link names it in the reader's language
		}
		target = auditJobLink.ui(p, target, int(r.Job))
	}
	if open {
		detail = p.detail(r)
	}
	return entryView.ui(p, r.Outcome, r.Time.UTC().Format(time.RFC3339), localSeconds(r.Time), who, action, name, target,
		message("Outcomes."+r.Outcome), open, int(r.Seq), detail)
}

var detailView = &view{src: `<div id="audit-detail-{0}" class="audit-detail">{1}{2}{3}</div>`}
var beforeAfter = &view{src: `<div class="before-after">{0}{1}</div>`}
var undoOpenButton = &view{src: `<button class="button" type="button" data-arg="{0}" on:click="undo-open">{@UndoOpen}</button>`}

// detail shows the state before and after the change, and the rest.
func (p *auditPage) detail(r *api.AuditRecord) app.UI {
	var undo, states app.UI
	if p.canUndo(r) {
		undo = undoOpenButton.ui(p, int(r.Seq))
	}
	switch {
	case slices.Contains(api.ConvGroupsActions, r.Action):
		var before, after api.ConvGroups
		if json.Unmarshal(r.Before, &before) == nil {
			var afterTable app.UI
			if json.Unmarshal(r.After, &after) == nil {
				afterTable = p.cgTable("AuditAfter", after, before)
			}
			states = beforeAfter.ui(p, p.cgTable("AuditBefore", before, after), afterTable)
		}
	case slices.Contains(api.FriendListsActions, r.Action):
		var before, after api.FriendLists
		if json.Unmarshal(r.Before, &before) == nil {
			var afterTable app.UI
			if json.Unmarshal(r.After, &after) == nil {
				afterTable = p.flTable("AuditAfter", after)
			}
			states = beforeAfter.ui(p, p.flTable("AuditBefore", before), afterTable)
		}
	case isMemberAction(r.Action):
		if before := undoRows(r.Action, r.Before); before != nil {
			var afterTable app.UI
			compare := before // nothing to mark while the state after is not known
			if after := undoRows(r.Action, r.After); after != nil {
				afterTable, compare = p.attrTable("AuditAfter", after, before, p.keysOf(r.Action)), after
			}
			states = beforeAfter.ui(p, p.attrTable("AuditBefore", before, compare, p.keysOf(r.Action)), afterTable)
		}
	case strings.HasPrefix(r.Action, "group."):
		var before []api.Attr
		_ = json.Unmarshal(r.Before, &before)
		if len(r.Before) > 0 && string(r.Before) != "null" {
			var afterTable app.UI
			compare := before // nothing to mark while the state after is not known
			if after, ok := afterOf(r, before); ok {
				afterTable, compare = p.attrTable("AuditAfter", after, before, p.keysOf(r.Action)), after
			}
			states = beforeAfter.ui(p, p.attrTable("AuditBefore", before, compare, p.keysOf(r.Action)), afterTable)
		}
	case r.Action == api.ActionBulkCreate:
		states = p.bulkChange(r.Request)
	}
	return detailView.ui(p, int(r.Seq), undo, states, p.facts(r))
}

var factsView = &view{src: `<dl>{0}{1}<div><dt>{@AuditRequest}</dt><dd>{2}</dd></div>{3}
  <div><dt>{@AuditIP}</dt><dd>{4}</dd></div><div><dt>{@AuditAgent}</dt><dd>{5}</dd></div></dl>`}
var factOutcome = &view{src: `<div><dt>{@AuditOutcome}</dt><dd>{0}</dd></div>`}
var factTencent = &view{src: `<div><dt>{@AuditTencent}</dt><dd>{@AuditCode 0 1}</dd></div>`}
var factDuration = &view{src: `<div><dt>{@AuditTook}</dt><dd>{@AuditDuration 0}</dd></div>`}

// facts are an entry's outcome, Tencent's answer, request id, duration,
// address and browser.
func (p *auditPage) facts(r *api.AuditRecord) app.UI {
	var outcome, tencent, took app.UI
	if r.Detail != "" {
		outcome = factOutcome.ui(p, r.Detail)
	}
	if r.TencentCode != 0 {
		tencent = factTencent.ui(p, r.TencentCode, r.TencentInfo)
	}
	if r.DurationMS > 0 {
		took = factDuration.ui(p, int(r.DurationMS))
	}
	return factsView.ui(p, outcome, tencent, r.RequestID, took, r.IP, r.UserAgent)
}

// afterOf works out the attributes a change asked for, from the request and
// the attributes before it.
func afterOf(r *api.AuditRecord, before []api.Attr) ([]api.Attr, bool) {
	if len(r.After) > 0 && string(r.After) != "null" {
		var after []api.Attr
		return after, json.Unmarshal(r.After, &after) == nil
	}
	switch r.Action {
	case api.ActionAttributesPatch:
		var p api.AttrPatch
		if json.Unmarshal(r.Request, &p) != nil {
			return nil, false
		}
		after, err := p.Apply(before)
		return after, err == nil
	case api.ActionAttributesReplace:
		var rep api.AttrReplace
		return rep.Attributes, json.Unmarshal(r.Request, &rep) == nil
	case api.ActionAttributesClear:
		return nil, true
	}
	return nil, false
}

var tableView = &view{src: `<div class="attr-table"><h3>{0}</h3>{1}{2}</div>`}
var noneHint = &view{src: `<p class="hint">{0}</p>`}
var dlView = &view{src: `<dl>{0}</dl>`}
var attrPair = &view{src: `<div><dt>{0}</dt><dd>{1}{2}</dd></div>`}
var ulView = &view{src: `<ul>{0}</ul>`}
var liText = &view{src: `<li>{0}</li>`}

// keysOf is the registry that says the keys of an entry's action: none for
// a member's profile, whose fields are not group attributes.
func (p *auditPage) keysOf(action string) *keyRegistry {
	if isMemberAction(action) {
		return nil
	}
	return &p.keys
}

// attrTable lists attrs, marking those other does not hold as they are;
// keys, when not nil, says the keys it describes by their labels.
func (p *auditPage) attrTable(title string, attrs, other []api.Attr, keys *keyRegistry) app.UI {
	if len(attrs) == 0 {
		return tableView.ui(p, message(title), noneHint.ui(p, message("AuditNoAttrs")), nil)
	}
	pairs := make([]app.UI, len(attrs))
	for i, a := range attrs {
		// A row the other side does not hold as it is (changed, added or
		// removed) is marked in words, not by colour alone.
		v, raw := keys.valueView(p, a.Key, a.Value)
		if slices.Contains(other, a) {
			pairs[i] = attrPair.ui(p, keys.keyView(p, a.Key), v, raw)
		} else {
			pairs[i] = attrPairChanged.ui(p, keys.keyView(p, a.Key), v, raw)
		}
	}
	return tableView.ui(p, message(title), nil, dlView.ui(p, pairs))
}

var attrPairChanged = &view{src: `<div class="changed"><dt>{0} <span class="tag tag-warn">{@AuditChanged}</span></dt><dd>{1}{2}</dd></div>`}

// bulkChange shows what a bulk change was made to do: the keys it sets,
// with their values, or the keys it removes.
func (p *auditPage) bulkChange(request []byte) app.UI {
	var c api.BulkNew
	if json.Unmarshal(request, &c) != nil {
		return nil
	}
	switch c.Op {
	case api.BulkSet, api.BulkReplace:
		return p.attrTable(pick(c.Op == api.BulkSet, "Bulk.OpSet", "Bulk.OpReplace"), c.Set, c.Set, &p.keys)
	case api.BulkDelete:
		keys := make([]app.UI, len(c.Delete))
		for i, k := range c.Delete {
			keys[i] = liText.ui(p, p.keys.keyView(p, k))
		}
		return tableView.ui(p, message("Bulk.OpDelete"), nil, ulView.ui(p, keys))
	}
	return nil // an undo restores what each group had
}

// cgTable lists the conversation groups of cg with how many conversations
// each holds, and the conversations whose marks differ from other's.
func (p *auditPage) cgTable(title string, cg, other api.ConvGroups) app.UI {
	otherMarks := map[string]api.Marks{}
	for _, c := range other.Conversations {
		otherMarks[c.Key()] = c.Marks
	}
	var none app.UI
	if len(cg.Groups) == 0 {
		none = noneHint.ui(p, message("AuditNoGroups"))
	}
	var lines []app.UI
	for _, g := range cg.Groups {
		lines = append(lines, liText.ui(p, trn("AuditGroupLine", len(g.Conversations), g.Name, len(g.Conversations))))
	}
	for _, c := range cg.Conversations {
		if otherMarks[c.Key()] != c.Marks {
			lines = append(lines, liText.ui(p, convLabel(c.Conversation)+" — "+marksText(c.Marks)))
		}
	}
	return tableView.ui(p, message(title), none, ulView.ui(p, lines))
}

func undoPath(seq int64) string { return fmt.Sprintf("/api/v1/audit/%d/undo", seq) }

// flTable lists a user's friend lists with how many friends each holds.
func (p *auditPage) flTable(title string, fl api.FriendLists) app.UI {
	var none app.UI
	if len(fl.Lists) == 0 {
		none = noneHint.ui(p, message("FriendLists.NoLists"))
	}
	lines := make([]app.UI, len(fl.Lists))
	for i, l := range fl.Lists {
		lines[i] = liText.ui(p, trn("FriendLists.ListWithCount", len(l.Friends), l.Name, len(l.Friends)))
	}
	return tableView.ui(p, message(title), none, ulView.ui(p, lines))
}
