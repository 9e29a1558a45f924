package main

import (
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

func TestSignInThrottledSaysWhenToTryAgain(t *testing.T) {
	f, p := pageOn(t, &signInPage{})
	typed(f, p, "username", "", " alice ")
	typed(f, p, "password", "", "secret")
	f.then(response{status: 429, retryAfter: "30", err: &api.Error{Code: "rate_limited", Message: "slow down"}})
	act(f, p, "submit", "")
	if !p.busy {
		t.Error("not busy while signing in")
	}
	act(f, p, "submit", "") // a second press while busy sends nothing
	f.run()
	if r := f.request(0); r.method != "POST" || r.body != `{"username":"alice","password":"secret"}` {
		t.Errorf("sent %s %s", r.method, r.body)
	}
	if f.calls() != 1 || p.busy {
		t.Errorf("calls %d, busy %v", f.calls(), p.busy)
	}
	shows(t, errorView(p, p.err), "Too many sign-in attempts. Try again in 30 seconds.")
}
