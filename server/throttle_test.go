package server

import (
	"fmt"
	"github.com/imdesk/imdesk/server/api"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// signInAs posts a sign-in from b.
func (b *browser) signInAs(name, pass string) int {
	b.e.t.Helper()
	return b.do("POST", "/api/v1/session", map[string]string{"username": name, "password": pass}).Code
}

// Nobody can lock an account or an address for the people who use it:
// a browser that signed in to the account before keeps its own allowance,
// whatever others guess from other addresses or from its own; unknown
// browsers are slowed down, with a generic message that says when to
// retry, and the wait is capped.
func TestSignInCannotBeLockedByOthers(t *testing.T) {
	const guess = "guess guess guess"
	attackers := func(e *env, n int, sameIP string, account string) {
		for i := range n {
			b := e.browser()
			b.ip = fmt.Sprintf("198.51.100.%d", i+1)
			if sameIP != "" {
				b.ip = sameIP
			}
			b.signInAs(account, guess)
		}
	}
	for _, c := range []struct {
		name    string
		attack  func(e *env)
		owner   func(e *env, owner *browser) *browser // who then signs in with the right password
		account string
		want    int
	}{
		{"30 guesses from 30 addresses; the owner's browser", func(e *env) { attackers(e, 30, "", "admin") },
			func(e *env, owner *browser) *browser { return owner }, "admin", 200},
		{"30 guesses from 30 addresses; an unknown browser is slowed down", func(e *env) { attackers(e, 30, "", "admin") },
			func(e *env, _ *browser) *browser { b := e.browser(); b.ip = "203.0.113.9"; return b }, "admin", 429},
		{"30 guesses at other accounts from the admin's address; the admin's browser", func(e *env) {
			for i := range 30 {
				b := e.browser()
				b.signInAs("user"+strconv.Itoa(i), guess)
			}
		}, func(e *env, owner *browser) *browser { return owner }, "admin", 200},
		{"30 guesses at the admin from the admin's address; the admin's browser", func(e *env) { attackers(e, 30, "192.0.2.10", "admin") },
			func(e *env, owner *browser) *browser { return owner }, "admin", 200},
		{"the owner's cookie in a guesser's hands: only that device is slowed", func(e *env) {}, func(e *env, owner *browser) *browser {
			thief := e.browser()
			thief.ip = "198.51.100.66"
			thief.device = owner.device
			for range 10 {
				thief.signInAs("admin", guess)
			}
			if thief.signInAs("admin", testPass) != 429 {
				e.t.Fatal("the stolen device cookie was not slowed down")
			}
			b := e.browser() // an unknown browser is not slowed by that device's failures
			b.ip = "203.0.113.9"
			return b
		}, "admin", 200},
		{"a device cookie for another account is not trusted", func(e *env) { attackers(e, 30, "", "mod") },
			func(e *env, owner *browser) *browser { return owner }, "mod", 429},
		{"a forged device cookie is not trusted", func(e *env) { attackers(e, 30, "", "admin") },
			func(e *env, owner *browser) *browser {
				b := e.browser()
				v := []byte(owner.device.Value)
				v[len(v)/2] ^= 1 // one bit of the signed value
				b.device = &http.Cookie{Name: deviceCookieName, Value: string(v)}
				return b
			}, "admin", 429},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			owner := e.signIn("admin")
			if owner.device == nil {
				t.Fatal("no device cookie after signing in")
			}
			owner.do("DELETE", "/api/v1/session", nil)
			c.attack(e)
			b := c.owner(e, owner)
			w := b.do("POST", "/api/v1/session", map[string]string{"username": c.account, "password": testPass})
			if w.Code != c.want {
				t.Fatalf("sign-in: %d, want %d", w.Code, c.want)
			}
			if w.Code == 429 {
				_, msg, _ := apiErr(t, w)
				retry, err := strconv.Atoi(w.Header().Get("Retry-After"))
				if err != nil || retry < 1 || retry > int(throttleMax/time.Second) || msg != api.Say("Too many sign-in attempts. Try again %s.", inSeconds(retry)).English() {
					t.Fatalf("429: Retry-After %q, %q", w.Header().Get("Retry-After"), msg)
				}
			}
		})
	}
}

// The wait for unknown browsers doubles up to a cap and never grows past
// it however long the guessing goes on; after a quiet period everything
// is forgotten.
func TestSignInBackOffCappedAndForgotten(t *testing.T) {
	e := newEnv(t)
	attacker := e.browser()
	attacker.ip = "198.51.100.1"
	longest := 0
	for range 200 {
		w := attacker.do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": "guess guess guess"})
		if w.Code == 429 {
			retry, err := strconv.Atoi(w.Header().Get("Retry-After"))
			if err != nil {
				t.Fatal(err)
			}
			longest = max(longest, retry)
			e.clock.Advance(time.Duration(retry) * time.Second)
		}
	}
	if longest != int(throttleMax/time.Second) {
		t.Fatalf("longest wait %ds, want the cap %v", longest, throttleMax)
	}
	e.clock.Advance(throttleForget + time.Second)
	b := e.browser()
	b.ip = "198.51.100.1"
	if code := b.signInAs("admin", testPass); code != 200 {
		t.Fatalf("after a quiet period: %d", code)
	}
}

// Exactly the free failures docs/security.md promises go through, for each
// count: the device's, the account's and the address's. The attempt after
// them is refused before the password is checked — even the right one —
// and says to wait 1 s; the one after that wait is checked again, and the
// next wait is 2 s.
func TestSignInFreeFailuresAreTheDocumentedNumber(t *testing.T) {
	const guess = "guess guess guess"
	for _, c := range []struct {
		name string
		free int
		// try makes attempt i (from 0) with the password pass.
		try func(e *env, owner *browser, i int, pass string) *httptest.ResponseRecorder
	}{
		{name: "the owner's browser", free: 5, try: func(e *env, owner *browser, i int, pass string) *httptest.ResponseRecorder {
			return owner.do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": pass})
		}},
		{name: "one account from many addresses", free: 5, try: func(e *env, _ *browser, i int, pass string) *httptest.ResponseRecorder {
			b := e.browser()
			b.ip = fmt.Sprintf("198.51.100.%d", i+1)
			return b.do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": pass})
		}},
		{name: "many accounts from one address", free: 20, try: func(e *env, _ *browser, i int, pass string) *httptest.ResponseRecorder {
			b := e.browser()
			b.ip = "203.0.113.7"
			name := "admin"
			if pass == guess {
				name = fmt.Sprintf("user%d", i) // no account's own count reaches its limit
			}
			return b.do("POST", "/api/v1/session", map[string]string{"username": name, "password": pass})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			owner := e.signIn("admin")
			owner.do("DELETE", "/api/v1/session", nil)
			for i := range c.free {
				if w := c.try(e, owner, i, guess); w.Code != http.StatusUnauthorized {
					t.Fatalf("failure %d of %d free: %d, want 401 (the password checked)", i+1, c.free, w.Code)
				}
			}
			if w := c.try(e, owner, c.free, testPass); w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
				t.Fatalf("attempt %d, with the right password: %d, Retry-After %q; want 429 and 1", c.free+1, w.Code, w.Header().Get("Retry-After"))
			}
			e.clock.Advance(time.Second)
			if w := c.try(e, owner, c.free+1, guess); w.Code != http.StatusUnauthorized {
				t.Fatalf("after waiting 1 s: %d, want 401 (the password checked)", w.Code)
			}
			if w := c.try(e, owner, c.free+2, testPass); w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "2" {
				t.Fatalf("then: %d, Retry-After %q; want 429 and 2", w.Code, w.Header().Get("Retry-After"))
			}
		})
	}
}

// A paced attacker who keeps an account's failure count high from many
// addresses cannot keep its owner out on a new device: an administrator
// gives the owner a one-time password, and the owner signs in with it at
// once; the attacker's own addresses stay held.
func TestOneTimePasswordLetsTheOwnerInPastAnAttacker(t *testing.T) {
	e := newEnv(t)
	attempt := func(ip, pass string) *httptest.ResponseRecorder {
		b := e.browser()
		b.ip = ip
		return b.do("POST", "/api/v1/session", map[string]string{"username": "mod", "password": pass})
	}
	for i := range 11 {
		attempt(fmt.Sprintf("198.51.100.%d", i+1), "a wrong guess!!")
	}
	if w := attempt("203.0.113.7", testPass); w.Code != http.StatusTooManyRequests {
		t.Fatalf("the owner on a new phone, before: %d %s", w.Code, w.Body)
	}
	w := e.signIn("admin").do("POST", "/api/v1/accounts/mod/password", nil)
	if w.Code != 200 {
		t.Fatalf("reset: %d %s", w.Code, w.Body)
	}
	var otp api.OneTimePassword
	mustDecode(t, w.Body.Bytes(), &otp)
	// The attacker goes on guessing; it does not matter.
	attempt("198.51.100.99", "another guess!!")
	if w := attempt("203.0.113.7", otp.Password); w.Code != 200 {
		t.Fatalf("the owner with the one-time password: %d %s", w.Code, w.Body)
	}
	// An address that failed too often is still held.
	for range 20 {
		attempt("198.51.100.200", "guess from one address")
	}
	if w := attempt("198.51.100.200", otp.Password); w.Code != http.StatusTooManyRequests {
		t.Fatalf("the attacker's address: %d", w.Code)
	}
}
