package main

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// healthPage shows an admin the panel's health at a glance: Tencent, the
// admin UserSig, the rate limits, the audit log, the version.
type healthPage struct {
	app.Compo

	state     viewState
	err       *api.Error
	health    api.Health
	verifying bool
	verifyErr *api.Error
	ctx       app.Context // the page's own: see accountsPage.ctx
}

func (p *healthPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(msg.Admin.HealthTitle + " · " + msg.AppName)
}

func (p *healthPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(msg.Admin.HealthTitle + " · " + msg.AppName)
	if !app.IsServer {
		p.ctx = ctx
		p.load()
	}
}

func (p *healthPage) load() {
	p.state, p.err = stateLoading, nil
	ctx := p.ctx
	ctx.Async(func() {
		r := callAPI("GET", "/api/v1/health", nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			if needSignIn(ctx, r) {
				return
			}
			var h api.Health
			if e := r.decode(&h); e != nil {
				p.state, p.err = stateFailed, e
				return
			}
			p.state, p.health = stateReady, h
		})
	})
}

func (p *healthPage) verify(app.Context, app.Event) {
	p.verifying, p.verifyErr = true, nil
	ctx := p.ctx
	ctx.Async(func() {
		r := callAPI("POST", "/api/v1/audit/verify", nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			p.verifying = false
			var v api.Verification
			if e := r.decode(&v); e != nil {
				p.verifyErr = e
				return
			}
			p.health.Audit.Verified = &v
			p.load()
		})
	})
}

// duration says a span in minutes or hours.
func duration(secs int64) string {
	d := time.Duration(secs) * time.Second
	if d < time.Hour {
		return fmt.Sprintf(msg.Admin.Minutes, int(d/time.Minute))
	}
	return fmt.Sprintf(msg.Admin.Hours, int(d/time.Hour))
}

func (p *healthPage) Render() app.UI {
	return newShell().Path(pathHealth).Content(
		app.H1().Text(msg.Admin.HealthTitle),
		app.P().Class("lead").Text(msg.Admin.HealthIntro),
		p.body(),
	)
}

func (p *healthPage) body() app.UI {
	if v := stateView(p.state, p.err, func(app.Context, app.Event) { p.load() }); v != nil {
		return v
	}
	h := p.health
	t := h.Tencent
	reach := app.P().Class("alert alert-ok").Text(fmt.Sprintf(msg.Admin.HealthReachable, t.URL))
	if !t.Reachable {
		reach = app.P().Class("alert alert-error").Role("alert").Text(fmt.Sprintf(msg.Admin.HealthDown, t.URL, t.Problem))
	}
	sig := msg.Admin.HealthNoUserSig
	if t.UserSigAgeSec > 0 || t.UserSigRenewsSec > 0 {
		sig = fmt.Sprintf(msg.Admin.HealthUserSig, duration(t.UserSigAgeSec), duration(t.UserSigRenewsSec))
	}
	mine := app.Getenv("GOAPP_VERSION")
	return app.Div().Class("health").Body(
		app.Section().Class("panel").Aria("labelledby", "health-tencent").Body(
			app.H2().ID("health-tencent").Text(msg.Admin.HealthTencent),
			reach,
			app.If(t.Region != "", func() app.UI { return app.P().Text(fmt.Sprintf(msg.Admin.HealthRegion, t.Region)) }),
			app.P().Text(fmt.Sprintf(msg.Admin.HealthChecked, localTime(t.CheckedAt))),
			app.P().Text(sig),
		),
		app.Section().Class("panel").Aria("labelledby", "health-rates").Body(
			app.H2().ID("health-rates").Text(msg.Admin.HealthRates),
			app.If(len(h.RateLimits) == 0, func() app.UI { return app.P().Class("empty").Text(msg.Admin.HealthRatesNone) }).
				Else(func() app.UI {
					return app.Div().Class("table-scroll").Body(app.Table().Class("table").Body(
						app.THead().Body(app.Tr().Body(
							app.Th().Scope("col").Text(msg.Admin.HealthColCommand), app.Th().Scope("col").Text(msg.Admin.HealthColLimit),
							app.Th().Scope("col").Text(msg.Admin.HealthColMinute), app.Th().Scope("col").Text(msg.Admin.HealthColPeak),
						)),
						app.TBody().Body(app.Range(h.RateLimits).Slice(func(i int) app.UI {
							r := h.RateLimits[i]
							return app.Tr().Body(app.Th().Scope("row").Body(app.Code().Text(r.Op)), app.Td().Text(r.PerSecond),
								app.Td().Text(r.LastMinute), app.Td().Text(fmt.Sprintf("%d (%d%%)", r.PeakPerSecond, r.PeakPerSecond*100/max(r.PerSecond, 1))))
						})),
					))
				}),
		),
		app.Section().Class("panel").Aria("labelledby", "health-audit").Body(
			app.H2().ID("health-audit").Text(msg.Admin.HealthAudit),
			app.P().Text(fmt.Sprintf(msg.Admin.HealthEntries, h.Audit.Entries, shortHash(h.Audit.HeadHash))),
			p.verification(),
			app.If(p.verifyErr != nil, func() app.UI { return errorView(p.verifyErr, nil) }),
			app.Button().Class("button").Type("button").Text(msg.Admin.HealthVerify).Disabled(p.verifying).Aria("busy", p.verifying).OnClick(p.verify),
		),
		app.Section().Class("panel").Aria("labelledby", "health-version").Body(
			app.H2().ID("health-version").Text(msg.Admin.HealthVersion),
			app.P().Text(fmt.Sprintf(msg.Admin.HealthRunning, h.Version)),
			app.If(mine == h.Version, func() app.UI { return app.P().Text(msg.Admin.HealthUpToDate) }).
				Else(func() app.UI { return app.P().Class("alert").Text(fmt.Sprintf(msg.Admin.HealthUpdate, mine)) }),
		),
	)
}

func (p *healthPage) verification() app.UI {
	v := p.health.Audit.Verified
	switch {
	case v == nil:
		return app.P().Text(msg.Admin.HealthNeverChk)
	case v.Broken != nil:
		return app.P().Class("alert alert-error").Role("alert").Text(fmt.Sprintf(msg.Admin.HealthBroken, v.Broken.Seq, v.Broken.Reason))
	}
	return app.P().Class("alert alert-ok").Role("status").Text(fmt.Sprintf(msg.Admin.HealthChecked2, localTime(v.At), v.By, v.Entries))
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}
