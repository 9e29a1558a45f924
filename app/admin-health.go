package main

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// healthPage shows an admin the panel's health at a glance: Tencent, the
// admin UserSig, the rate limits, the audit log, the version.
type healthPage struct {
	base
	health    api.Health
	verifying bool
	verifyErr *api.Error
}

func (p *healthPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(title(message("Admin.HealthTitle")))
}

func (p *healthPage) OnNav(ctx app.Context) {
	p.begin(ctx)
	ctx.Page().SetTitle(title(message("Admin.HealthTitle")))
	if !app.IsServer {
		p.load(p, "health", "/api/v1/health")
	}
}

func (p *healthPage) act(ctx app.Context, ev event) {
	switch ev.name {
	case "retry":
		p.load(p, "health", "/api/v1/health")
	case "verify":
		p.verifying, p.verifyErr = true, nil
		p.send(p, "verified", "POST", "/api/v1/audit/verify", nil, nil)
	}
}

func (p *healthPage) got(ctx app.Context, what string, r response) {
	switch what {
	case "health":
		p.fill(r, &p.health)
		p.knowRole(p)
	case "session":
		gotSession(r)
	case "verified":
		p.verifying = false
		var v api.Verification
		if e := r.decode(&v); e != nil {
			p.verifyErr = e
			return
		}
		p.health.Audit.Verified = &v
		p.load(p, "health", "/api/v1/health")
	}
}

// duration says a span in minutes or hours.
func duration(secs int64) string {
	d := time.Duration(secs) * time.Second
	if d < time.Hour {
		return tr("Admin.Minutes", int(d/time.Minute))
	}
	return tr("Admin.Hours", int(d/time.Hour))
}

var healthView = &view{src: `<h1>{@Admin.HealthTitle}</h1><p class="lead">{@Admin.HealthIntro}</p>{0}`}

var healthBody = &view{src: `<div class="health">
  <section class="panel" aria-labelledby="health-tencent"><h2 id="health-tencent">{@Admin.HealthTencent}</h2>
    {reach}{region}<p>{@Admin.HealthChecked checked}</p><p>{userSig}</p></section>
  <section class="panel" aria-labelledby="health-rates"><h2 id="health-rates">{@Admin.HealthRates}</h2>{replicas}{rates}</section>
  <section class="panel" aria-labelledby="health-index"><h2 id="health-index">{@Admin.HealthIndex}</h2><p>{index}</p></section>
  <section class="panel" aria-labelledby="health-audit"><h2 id="health-audit">{@Admin.HealthAudit}</h2>
    <p>{@Admin.HealthEntries entries head}</p>{verification}{error}
    <button class="button" type="button" disabled={verifying} aria-busy={verifying} on:click="verify">{@Admin.HealthVerify}</button></section>
  <section class="panel" aria-labelledby="health-version"><h2 id="health-version">{@Admin.HealthVersion}</h2>
    <p>{@Admin.HealthRunning version}</p>{update}</section>
</div>`}

// ratesView scrolls sideways in its own box on a phone; the box takes the
// focus, so that the keyboard can scroll it too.
var ratesView = &view{src: `<div class="table-scroll" tabindex="0" role="group" aria-labelledby="health-rates"><table class="table">
  <thead><tr><th scope="col">{@Admin.HealthColCommand}</th><th scope="col">{@Admin.HealthColLimit}</th><th scope="col">{@Admin.HealthColMinute}</th><th scope="col">{@Admin.HealthColPeak}</th></tr></thead>
  <tbody>{0}</tbody></table></div>`}
var rateRow = &view{src: `<tr><th scope="row"><code>{0}</code></th><td>{1}</td><td>{2}</td><td>{3} ({4}%)</td></tr>`}
var para = &view{src: `<p class="{0}" role="{1}">{2}</p>`}

func (p *healthPage) Render() app.UI {
	return newShell().Path(pathHealth).Content(healthView.uis(p, p.body())...)
}

func (p *healthPage) body() app.UI {
	if note := forAdminsOnly(p, p.err); note != nil {
		return note
	}
	if v := p.stateView(p); v != nil {
		return v
	}
	h := p.health
	tc := h.Tencent
	reach := para.ui(p, "alert alert-ok", "", tr("Admin.HealthReachable", tc.URL))
	if !tc.Reachable {
		reach = para.ui(p, "alert alert-error", "alert", tr("Admin.HealthDown", tc.URL, tc.Problem))
	}
	sig := message("Admin.HealthNoUserSig")
	if tc.UserSigAgeSec > 0 || tc.UserSigRenewsSec > 0 {
		sig = tr("Admin.HealthUserSig", duration(tc.UserSigAgeSec), duration(tc.UserSigRenewsSec))
	}
	var region, rates, replicas app.UI
	for _, r := range h.Replicas {
		if r.This && len(h.Replicas) > 1 {
			replicas = para.ui(p, "", "", tr("Admin.HealthReplicas", len(h.Replicas), r.ID))
		}
	}
	if tc.Region != "" {
		region = para.ui(p, "", "", tr("Admin.HealthRegion", tc.Region))
	}
	if len(h.RateLimits) == 0 {
		rates = para.ui(p, "empty", "", message("Admin.HealthRatesNone"))
	} else {
		rows := make([]app.UI, len(h.RateLimits))
		for i, r := range h.RateLimits {
			rows[i] = rateRow.ui(p, r.Op, r.PerSecond, r.LastMinute, r.PeakPerSecond, r.PeakPerSecond*100/max(r.PerSecond, 1))
		}
		rates = ratesView.ui(p, rows)
	}
	mine := app.Getenv("GOAPP_VERSION")
	update := para.ui(p, "alert", "", tr("Admin.HealthUpdate", mine))
	if mine == h.Version {
		update = para.ui(p, "", "", message("Admin.HealthUpToDate"))
	}
	return healthBody.with(p,
		"reach", reach, "region", region, "checked", localTime(tc.CheckedAt), "userSig", sig, "replicas", replicas, "rates", rates,
		"index", indexLine(h.GroupIndex, time.Now()),
		"entries", num(int(h.Audit.Entries)), "head", shortHash(h.Audit.HeadHash), "verification", p.verification(),
		"error", errorView(p, p.verifyErr), "verifying", p.verifying, "version", h.Version, "update", update)
}

func (p *healthPage) verification() app.UI {
	v := p.health.Audit.Verified
	switch {
	case v == nil:
		return para.ui(p, "", "", message("Admin.HealthNeverChk"))
	case v.Broken != nil:
		return para.ui(p, "alert alert-error", "alert", tr("Admin.HealthBroken", v.Broken.Seq, v.Broken.Reason))
	}
	return para.ui(p, "alert alert-ok", "status", tr("Admin.HealthChecked2", localTime(v.At), v.By, v.Entries))
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}
