package server

import (
	"sync"
	"time"
)

// throttle slows down password guessing without handing attackers a way
// to lock people out (OWASP, "Slow down online guessing attacks with
// device cookies"). Failures are counted per key: a browser that signed in
// to the account before (its device cookie, see device.go) has a key of
// its own that nobody else's failures touch; any other attempt counts
// against the account (for untrusted devices only) and against the
// address. After a key's free failures each further attempt must wait
// (with 5 free, the 6th attempt waits 1 s), twice as long each time, up to
// throttleMax; a key is forgotten after throttleForget without attempts,
// so no lock lasts or renews for long.
type throttle struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]*failures
}

type failures struct {
	count int
	last  time.Time
	until time.Time
}

// throttleKey is one count: its key and how many failures are free.
type throttleKey struct {
	key  string
	free int
}

const (
	deviceFreeFailures  = 5  // the owner mistyping on their own browser
	accountFreeFailures = 5  // a person mistyping on a new browser
	ipFreeFailures      = 20 // several people behind one address
	throttleMax         = 15 * time.Minute
	throttleForget      = 30 * time.Minute
)

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, m: map[string]*failures{}}
}

// signInKeys are the counts an attempt is judged by: the device's own when
// the browser holds a valid device cookie for the account, else the
// account's for untrusted devices and the address's — without the
// account's while an administrator's one-time password is pending
// (oneTimePasswordPending says why).
func signInKeys(name, ip, device string, oneTimePassword bool) []throttleKey {
	switch {
	case device != "":
		return []throttleKey{{"device:" + device, deviceFreeFailures}}
	case oneTimePassword:
		return []throttleKey{{"ip:" + ip, ipFreeFailures}}
	}
	return []throttleKey{{"account:" + name, accountFreeFailures}, {"ip:" + ip, ipFreeFailures}}
}

// attempt returns how long the caller must wait before trying again, or 0
// to go ahead. Going ahead counts as a failure until succeed says
// otherwise, so that many attempts in parallel cannot all pass before the
// first failure is recorded.
func (t *throttle) attempt(keys []throttleKey) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if longest := t.waitLocked(keys, now); longest > 0 {
		return longest
	}
	for _, k := range keys {
		f := t.m[k.key]
		if f == nil || now.Sub(f.last) > throttleForget {
			f = &failures{}
			t.m[k.key] = f
		}
		f.count++
		f.last = now
		// This attempt is counted as a failure already: once it is the
		// key's last free one, the next must wait. (Waiting only from the
		// failure after the free ones let one more guess through than
		// docs/security.md says.)
		if over := f.count - k.free + 1; over > 0 {
			f.until = now.Add(min(time.Second<<min(over-1, 20), throttleMax))
		}
	}
	if len(t.m) > 10000 {
		for k, f := range t.m {
			if now.Sub(f.last) > throttleForget {
				delete(t.m, k)
			}
		}
	}
	return 0
}

// wait says how long the caller must wait before trying again, like
// attempt, but counts nothing: a sign-in asks it before it waits for a
// place to check the password, so that a refused attempt costs no place.
func (t *throttle) wait(keys []throttleKey) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.waitLocked(keys, t.now())
}

func (t *throttle) waitLocked(keys []throttleKey, now time.Time) time.Duration {
	var longest time.Duration
	for _, k := range keys {
		if f := t.m[k.key]; f != nil && f.until.After(now) && now.Sub(f.last) <= throttleForget {
			longest = max(longest, f.until.Sub(now))
		}
	}
	return longest
}

// succeed takes back the attempt of a good sign-in: the device's and the
// account's failures are forgotten, the address's count loses this attempt
// only (one good password must not reset a guesser's budget for other
// accounts).
func (t *throttle) succeed(keys []throttleKey) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		if k.key[:3] != "ip:" {
			delete(t.m, k.key)
			continue
		}
		if f := t.m[k.key]; f != nil && f.count > 0 {
			f.count--
			if f.count < k.free {
				f.until = time.Time{}
			}
		}
	}
}
