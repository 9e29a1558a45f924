package server

import (
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
)

// fill takes every place of the pool, running and waiting, as sign-ins in
// flight would; the places come back when the test ends.
func fill(t *testing.T, p *checkPool) {
	for range cap(p.running) {
		p.running <- struct{}{}
	}
	for range cap(p.admitted) {
		p.admitted <- struct{}{}
	}
	t.Cleanup(func() { drain(p) })
}

func drain(p *checkPool) {
	for len(p.running) > 0 {
		<-p.running
	}
	for len(p.admitted) > 0 {
		<-p.admitted
	}
}

// With every password check busy and the line full, a further sign-in is
// refused at once — 429, Retry-After, a sentence — without its password
// checked or its attempt counted, while a signed-in moderator is served.
func TestSignInBeyondThePasswordChecksIsRefusedAndSignedInWorkGoesOn(t *testing.T) {
	e := newEnv(t)
	mod := e.signIn("mod")
	fill(t, e.srv.checks)

	for range 2 * accountFreeFailures { // more than the throttle lets fail
		w := e.browser().do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": "guess guess guess"})
		code, msg, _ := apiErr(t, w)
		if w.Code != http.StatusTooManyRequests || code != api.CodeRateLimited || w.Header().Get("Retry-After") != "1" ||
			msg != api.Say("Many sign-ins are being checked at this moment. Try again %s.", inSeconds(1)).English() {
			t.Fatalf("sign-in with the checks full: %d %s %q, Retry-After %q", w.Code, code, msg, w.Header().Get("Retry-After"))
		}
	}
	for _, path := range []string{"/api/v1/session", "/api/v1/groups", "/api/v1/audit"} {
		if w := mod.do("GET", path, nil); w.Code != http.StatusOK {
			t.Fatalf("signed-in GET %s with the checks full: %d %s", path, w.Code, w.Body)
		}
	}
	// The operator reads one line about them, not one per attempt; a
	// minute later, the next line says how many came since.
	if n := strings.Count(e.logs.String(), "sign-ins refused"); n != 1 {
		t.Fatalf("%d log lines about refused sign-ins, want 1:\n%s", n, e.logs.String())
	}
	e.clock.Advance(time.Minute)
	e.browser().signInAs("admin", "guess guess guess")
	if n := strings.Count(e.logs.String(), "sign-ins refused"); n != 2 || !strings.Contains(e.logs.String(), "refused_since_last_said=10") {
		t.Fatalf("a minute later: %d lines:\n%s", n, e.logs.String())
	}
	// The refused attempts cost the account nothing: none was a guess.
	drain(e.srv.checks)
	if code := e.browser().signInAs("admin", testPass); code != http.StatusOK {
		t.Fatalf("sign-in once a place is free: %d", code)
	}
}

// A sign-in that finds the checks busy but room in the line waits its turn
// and is then checked.
func TestSignInWaitsInLineForAPasswordCheck(t *testing.T) {
	e := newEnv(t)
	e.srv.checks = newCheckPool(1, 1)
	p := e.srv.checks
	p.running <- struct{}{} // the one check running
	p.admitted <- struct{}{}
	done := make(chan int)
	go func() {
		w := e.browser().do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": testPass})
		done <- w.Code
	}()
	for len(p.admitted) < 2 { // it is in line
		runtime.Gosched()
	}
	select {
	case code := <-done:
		t.Fatalf("answered %d while every check was busy", code)
	default:
	}
	<-p.running // the running check ends
	<-p.admitted
	if code := <-done; code != http.StatusOK {
		t.Fatalf("sign-in after waiting: %d", code)
	}
}
