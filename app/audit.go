package main

import (
	"encoding/json"
	"fmt"
	"net/url"
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
	app.Compo

	filters     map[string]string // as in the URL; since/until as YYYY-MM-DD
	records     []*api.AuditRecord
	next        string
	state       viewState
	err         *api.Error
	more        bool // loading an older page
	open        map[int64]bool
	names       map[string]string // group names by ID, asked once per page
	showFilters bool              // on a narrow screen the filters fold away
	undo        *undoState
	undone      string      // what the last undo did, announced above the list
	page        app.Context // the page's own context, for work that outlives a dialog
	onKey       app.Func    // Escape closes the undo dialog, wherever the focus is
}

func (p *auditPage) OnMount(ctx app.Context) {
	p.page = ctx
	p.onKey = app.FuncOf(func(_ app.Value, args []app.Value) any {
		if args[0].Get("key").String() == "Escape" {
			ctx.Dispatch(func(app.Context) {
				if p.undo != nil && !p.undo.busy {
					p.undo = nil
				}
			})
		}
		return nil
	})
	app.Window().Call("addEventListener", "keydown", p.onKey)
}

func (p *auditPage) OnDismount() {
	if p.onKey != nil {
		app.Window().Call("removeEventListener", "keydown", p.onKey)
		p.onKey.Release()
	}
}

func (p *auditPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(msg.AuditTitle + " · " + msg.AppName)
}

func (p *auditPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(msg.AuditTitle + " · " + msg.AppName)
	q := ctx.Page().URL().Query()
	p.filters = map[string]string{}
	for _, k := range auditFilterNames {
		p.filters[k] = q.Get(k)
	}
	if app.IsServer {
		return // the prerendered page shows the loading state; the browser loads
	}
	p.records, p.next, p.open, p.undo, p.undone = nil, "", map[int64]bool{}, nil, ""
	p.load(ctx, "")
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
			// "before" takes in the whole day chosen.
			next := 0
			if k == "until" {
				next = 1
			}
			v = localMidnight(v, next)
			if v == "" {
				continue
			}
		}
		q.Set(k, v)
	}
	return q
}

func (p *auditPage) load(ctx app.Context, cursor string) {
	q := p.query()
	if cursor != "" {
		q.Set("cursor", cursor)
		p.more = true
	} else {
		p.state = stateLoading
	}
	p.err = nil
	path := "/api/v1/audit?" + q.Encode()
	ctx.Async(func() {
		r := callAPI("GET", path, nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			p.more = false
			if needSignIn(ctx, r) {
				return
			}
			var page api.AuditPage
			if e := r.decode(&page); e != nil {
				p.state, p.err = stateFailed, e
				return
			}
			p.records = append(p.records, page.Records...)
			p.next, p.state = page.NextCursor, stateReady
			p.loadNames(ctx, page.Records)
		})
	})
}

// loadNames asks for the names of the groups in records that the page does
// not know yet. A group out of the account's scope stays an ID.
func (p *auditPage) loadNames(ctx app.Context, records []*api.AuditRecord) {
	if p.names == nil {
		p.names = map[string]string{}
	}
	var ids []string
	for _, r := range records {
		if _, known := p.names[r.Target]; !known && strings.HasPrefix(r.Action, "group.") && r.Target != "" {
			p.names[r.Target] = ""
			ids = append(ids, r.Target)
		}
	}
	for _, id := range ids {
		ctx.Async(func() {
			r := callAPI("GET", groupPath(id), nil, nil)
			var g api.Group
			if r.decode(&g) != nil {
				return
			}
			ctx.Dispatch(func(app.Context) { p.names[id] = g.Name })
		})
	}
}

// localMidnight is the start of the date (YYYY-MM-DD) plus days, in the
// browser's time zone, as RFC 3339; "" if the date is not one.
func localMidnight(date string, days int) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	js := app.Window().Get("Date").New(d.Year(), int(d.Month())-1, d.Day()+days)
	return js.Call("toISOString").String()
}

// zoneName names the browser's time zone, e.g. "Asia/Shanghai (UTC+8)".
func zoneName() string {
	name, offset := time.Now().Zone()
	if iana := app.Window().Get("Intl").Call("DateTimeFormat").Call("resolvedOptions").Get("timeZone"); iana.Truthy() {
		return iana.String() + " (" + utcOffset(offset) + ")"
	}
	return name
}

func utcOffset(seconds int) string {
	sign := "+"
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	if seconds%3600 == 0 {
		return fmt.Sprintf("UTC%s%d", sign, seconds/3600)
	}
	return fmt.Sprintf("UTC%s%d:%02d", sign, seconds/3600, seconds%3600/60)
}

// apply puts the filters in the URL; OnNav then loads.
func (p *auditPage) apply(ctx app.Context, e app.Event) {
	e.PreventDefault()
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
}

func (p *auditPage) reset(ctx app.Context, e app.Event) { ctx.Navigate(pathAudit) }

// anyValue is the value of a select's "Any" option: go-app leaves out an
// empty value attribute, and the browser would then send the label.
const anyValue = "*"

func (p *auditPage) setFilter(name string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		v := ctx.JSSrc().Get("value").String()
		if v == anyValue {
			v = ""
		}
		p.filters[name] = v
	}
}

func (p *auditPage) textFilter(name, label string) app.UI {
	id := "filter-" + name
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		app.Input().ID(id).Type("text").Value(p.filters[name]).Attr("autocomplete", "off").OnInput(p.setFilter(name)),
	)
}

func (p *auditPage) dateFilter(name, label string) app.UI {
	id := "filter-" + name
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		app.Input().ID(id).Type("date").Value(p.filters[name]).OnInput(p.setFilter(name)),
	)
}

func (p *auditPage) selectFilter(name, label string, options map[string]string, order []string) app.UI {
	id := "filter-" + name
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		app.Select().ID(id).OnChange(p.setFilter(name)).Body(
			app.Option().Value(anyValue).Text(msg.AuditAny).Selected(p.filters[name] == ""),
			app.Range(order).Slice(func(i int) app.UI {
				return app.Option().Value(order[i]).Text(options[order[i]]).Selected(p.filters[name] == order[i])
			}),
		),
	)
}

var (
	actionOrder  = []string{"group.attributes.patch", "group.attributes.replace", "group.attributes.clear", "group.attributes.restore", "session.signin", "session.signout"}
	outcomeOrder = []string{"ok", "failed", "unknown", "pending"}
)

func (p *auditPage) Render() app.UI {
	exportQuery := ""
	if q := p.query().Encode(); q != "" {
		exportQuery = "&" + q
	}
	filterClass := "form filters"
	if p.showFilters {
		filterClass += " filters-open"
	}
	active := 0
	for _, v := range p.filters {
		if v != "" {
			active++
		}
	}
	toggle := msg.AuditFilters
	if active > 0 {
		toggle = fmt.Sprintf(msg.AuditFiltersOn, active)
	}
	return newShell().Path(pathAudit).Content(
		app.H1().Text(msg.AuditTitle),
		app.P().Class("lead").Text(msg.AuditIntro),
		app.Button().Class("button button-quiet filters-toggle").Type("button").Text(toggle).
			Aria("expanded", p.showFilters).Aria("controls", "audit-filters").
			OnClick(func(ctx app.Context, e app.Event) { p.showFilters = !p.showFilters }),
		app.Form().ID("audit-filters").Class(filterClass).Aria("label", msg.AuditFilters).OnSubmit(p.apply).Body(
			p.textFilter("actor", msg.AuditActor),
			p.selectFilter("action", msg.AuditAction, msg.Actions, actionOrder),
			p.textFilter("target", msg.AuditTarget),
			p.selectFilter("outcome", msg.AuditOutcome, msg.Outcomes, outcomeOrder),
			p.dateFilter("since", msg.AuditSince),
			p.dateFilter("until", msg.AuditUntil),
			app.Div().Class("actions").Body(
				app.Button().Class("button").Type("submit").Text(msg.AuditApply),
				app.Button().Class("button button-quiet").Type("button").Text(msg.AuditReset).OnClick(p.reset),
			),
			// Links with a download name: the browser saves the file, and
			// go-app leaves such links alone instead of routing them.
			app.Div().Class("actions exports").Body(
				app.A().Class("button button-quiet").Href("/api/v1/audit/export?format=csv"+exportQuery).Download("imdesk-audit.csv").Text(msg.AuditExportCSV),
				app.A().Class("button button-quiet").Href("/api/v1/audit/export?format=jsonl"+exportQuery).Download("imdesk-audit.jsonl").Text(msg.AuditExportJL),
			),
		),
		app.If(!app.IsServer, func() app.UI { return app.P().Class("hint").Text(fmt.Sprintf(msg.AuditZone, zoneName())) }),
		app.Div().ID("audit-status").TabIndex(-1).Role("status").Body(
			app.If(p.undone != "", func() app.UI { return app.P().Class("alert alert-ok").Text(p.undone) }),
		),
		p.list(),
		p.undoDialog(),
	)
}

func (p *auditPage) list() app.UI {
	if v := stateView(p.state, p.err, func(app.Context, app.Event) { p.load(p.page, "") }); v != nil {
		return v
	}
	if len(p.records) == 0 {
		return app.P().Class("empty").Role("status").Text(msg.AuditNone)
	}
	return app.Div().Body(
		app.Ol().Class("audit-list").Body(app.Range(p.records).Slice(func(i int) app.UI { return p.entry(p.records[i]) })),
		app.If(p.err != nil, func() app.UI { return errorView(p.err, nil) }),
		app.If(p.next != "", func() app.UI {
			return app.Button().Class("button button-quiet").Type("button").Text(msg.AuditOlder).
				Disabled(p.more).Aria("busy", p.more).OnClick(func(ctx app.Context, e app.Event) { p.load(ctx, p.next) })
		}),
	)
}

func (p *auditPage) entry(r *api.AuditRecord) app.UI {
	action := msg.Actions[r.Action]
	if action == "" {
		action = r.Action
	}
	who := r.Actor
	if role := msg.Roles[r.Role]; role != "" {
		who += " (" + role + ")"
	}
	detailID := fmt.Sprintf("audit-detail-%d", r.Seq)
	open := p.open[r.Seq]
	name := p.names[r.Target]
	local := r.Time.Local()
	return app.Li().Class("audit-entry outcome-"+r.Outcome).Body(
		app.Div().Class("audit-line").Body(
			app.Time().DateTime(r.Time.UTC().Format(time.RFC3339)).Text(local.Format("2006-01-02 15:04:05")),
			app.Span().Class("audit-actor").Text(who),
			app.Span().Class("audit-action").Text(action),
			app.If(name != "", func() app.UI { return app.Span().Class("audit-group").Text(name) }),
			app.If(r.Target != "", func() app.UI { return app.Code().Text(r.Target) }),
			app.Span().Class("outcome").Text(msg.Outcomes[r.Outcome]),
			app.Button().Class("button button-quiet").Type("button").Aria("expanded", open).Aria("controls", detailID).
				Text(fmt.Sprintf(msg.AuditDetails, r.Seq)).
				OnClick(func(ctx app.Context, e app.Event) { p.open[r.Seq] = !open }),
		),
		app.If(open, func() app.UI { return p.detail(detailID, r) }),
	)
}

// detail shows the attributes before and after the change, and the rest.
func (p *auditPage) detail(id string, r *api.AuditRecord) app.UI {
	if strings.HasPrefix(r.Action, "user.conversation-") {
		return p.userDetail(id, r)
	}
	var before []api.Attr
	_ = json.Unmarshal(r.Before, &before)
	after, hasAfter := afterOf(r, before)
	return app.Div().ID(id).Class("audit-detail").Body(
		app.If(p.canUndo(r), func() app.UI {
			return app.Button().Class("button").Type("button").Text(msg.UndoOpen).
				OnClick(func(ctx app.Context, e app.Event) { p.openUndo(ctx, r) })
		}),
		app.If(len(r.Before) > 0 && string(r.Before) != "null", func() app.UI {
			return app.Div().Class("before-after").Body(
				attrTable(msg.AuditBefore, before),
				app.If(hasAfter, func() app.UI { return attrTable(msg.AuditAfter, after) }),
			)
		}),
		p.facts(r),
	)
}

// facts are an entry's outcome, Tencent's answer, request id, duration,
// address and browser.
func (p *auditPage) facts(r *api.AuditRecord) app.UI {
	return app.Dl().Body(
		app.If(r.Detail != "", func() app.UI { return app.Div().Body(app.Dt().Text(msg.AuditOutcome), app.Dd().Text(r.Detail)) }),
		app.If(r.TencentCode != 0, func() app.UI {
			return app.Div().Body(app.Dt().Text("Tencent"), app.Dd().Text(fmt.Sprintf(msg.AuditCode, r.TencentCode, r.TencentInfo)))
		}),
		app.Div().Body(app.Dt().Text("ID"), app.Dd().Text(fmt.Sprintf(msg.RequestID, r.RequestID))),
		app.If(r.DurationMS > 0, func() app.UI {
			return app.Div().Body(app.Dt().Text("⏱"), app.Dd().Text(fmt.Sprintf(msg.AuditDuration, r.DurationMS)))
		}),
		app.Div().Body(app.Dt().Text(msg.AuditIP), app.Dd().Text(r.IP)),
		app.Div().Body(app.Dt().Text(msg.AuditAgent), app.Dd().Text(r.UserAgent)),
	)
}

// afterOf works out the attributes a change asked for, from the request and
// the attributes before it.
func afterOf(r *api.AuditRecord, before []api.Attr) ([]api.Attr, bool) {
	if len(r.After) > 0 && string(r.After) != "null" {
		var after []api.Attr
		return after, json.Unmarshal(r.After, &after) == nil
	}
	switch r.Action {
	case "group.attributes.patch":
		var p api.AttrPatch
		if json.Unmarshal(r.Request, &p) != nil {
			return nil, false
		}
		after, err := p.Apply(before)
		return after, err == nil
	case "group.attributes.replace":
		var rep api.AttrReplace
		return rep.Attributes, json.Unmarshal(r.Request, &rep) == nil
	case "group.attributes.clear":
		return nil, true
	}
	return nil, false
}

func attrTable(title string, attrs []api.Attr) app.UI {
	return app.Div().Class("attr-table").Body(
		app.H3().Text(title),
		app.If(len(attrs) == 0, func() app.UI { return app.P().Class("hint").Text(msg.AuditNoAttrs) }),
		app.If(len(attrs) > 0, func() app.UI {
			return app.Dl().Body(app.Range(attrs).Slice(func(i int) app.UI {
				return app.Div().Body(app.Dt().Body(app.Code().Text(attrs[i].Key)), app.Dd().Text(attrs[i].Value))
			}))
		}),
	)
}
