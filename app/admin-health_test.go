package main

import (
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

func TestHealthVerifyReadsTheHealthAgain(t *testing.T) {
	f := newFakeAPI(t)
	p := &healthPage{}
	p.beginReady(f.ctx)
	f.then(answer(200, api.Verification{By: "admin", Entries: 12, Intact: true}), answer(200, api.Health{Version: "1.2.3"}))
	act(f, p, "verify", "")
	if !p.verifying {
		t.Error("not verifying")
	}
	f.run()
	f.sentTo(0, "POST", "/api/v1/audit/verify")
	if r := f.request(1); r.path != "/api/v1/health" {
		t.Errorf("then sent %s", r.path)
	}
	if p.verifying || p.health.Version != "1.2.3" {
		t.Errorf("verifying %v health %+v", p.verifying, p.health)
	}

	f.then(answer(503, &api.Error{Code: api.CodeInternal, Message: "The audit log cannot be read.", RequestID: "req-3"}))
	act(f, p, "verify", "")
	f.run()
	if p.verifyErr == nil {
		t.Fatal("the failure is not kept")
	}
	shows(t, errorView(p, p.verifyErr), "The audit log cannot be read.", "req-3")
}
