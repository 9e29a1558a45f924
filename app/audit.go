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

	filters map[string]string // as in the URL; since/until as YYYY-MM-DD
	records []*api.AuditRecord
	next    string
	state   viewState
	err     *api.Error
	more    bool // loading an older page
	open    map[int64]bool
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
	p.records, p.next, p.open = nil, "", map[int64]bool{}
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
			v += "T00:00:00Z"
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
		})
	})
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

func (p *auditPage) setFilter(name string) app.EventHandler {
	return func(ctx app.Context, e app.Event) { p.filters[name] = ctx.JSSrc().Get("value").String() }
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
			app.Option().Value("").Text(msg.AuditAny).Selected(p.filters[name] == ""),
			app.Range(order).Slice(func(i int) app.UI {
				return app.Option().Value(order[i]).Text(options[order[i]]).Selected(p.filters[name] == order[i])
			}),
		),
	)
}

var (
	actionOrder  = []string{"group.attributes.patch", "group.attributes.replace", "group.attributes.clear", "session.signin", "session.signout"}
	outcomeOrder = []string{"ok", "failed", "unknown", "pending"}
)

func (p *auditPage) Render() app.UI {
	exportQuery := ""
	if q := p.query().Encode(); q != "" {
		exportQuery = "&" + q
	}
	return newShell().Path(pathAudit).Content(
		app.H1().Text(msg.AuditTitle),
		app.P().Class("lead").Text(msg.AuditIntro),
		app.Form().Class("form filters").Aria("label", msg.AuditFilters).OnSubmit(p.apply).Body(
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
		),
		app.Div().Class("actions exports").Body(
			app.A().Class("button button-quiet").Href("/api/v1/audit/export?format=csv"+exportQuery).Download("").Text(msg.AuditExportCSV),
			app.A().Class("button button-quiet").Href("/api/v1/audit/export?format=jsonl"+exportQuery).Download("").Text(msg.AuditExportJL),
		),
		p.list(),
	)
}

func (p *auditPage) list() app.UI {
	if v := stateView(p.state, p.err, func(ctx app.Context, e app.Event) { p.load(ctx, "") }); v != nil {
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
	detailID := fmt.Sprintf("audit-detail-%d", r.Seq)
	open := p.open[r.Seq]
	return app.Li().Class("audit-entry outcome-"+r.Outcome).Body(
		app.Div().Class("audit-line").Body(
			app.Time().DateTime(r.Time.UTC().Format(time.RFC3339)).Text(r.Time.UTC().Format("2006-01-02 15:04:05")),
			app.Span().Class("audit-actor").Text(r.Actor+" ("+msg.Roles[r.Role]+")"),
			app.Span().Class("audit-action").Text(action),
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
