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

// Replicas on one database: the page says how many run and which one
// answered, beside the calls that are theirs together; on one process (or
// one replica) it says nothing of replicas.
func TestHealthSaysTheReplicas(t *testing.T) {
	f := newFakeAPI(t)
	p := &healthPage{}
	p.beginReady(f.ctx)
	f.then(answer(200, api.Health{Version: "1.2.3", Replicas: []api.ReplicaHealth{{ID: "vm-a-1f2e", Host: "vm-a"}, {ID: "vm-b-9c0d", Host: "vm-b", This: true}}}))
	act(f, p, "retry", "")
	f.run()
	shows(t, p.body(), "2 replicas run on one database", "answered by vm-b-9c0d")
	for _, alone := range []api.Health{{Version: "1.2.3"}, {Version: "1.2.3", Replicas: []api.ReplicaHealth{{ID: "vm-b-9c0d", Host: "vm-b", This: true}}}} {
		f.then(answer(200, alone))
		act(f, p, "retry", "")
		f.run()
		hides(t, p.body(), "replicas run", "replica")
	}
}
