package server

import (
	"sync"
	"time"
)

// throttle slows down password guessing, per account name and per address:
// after a few failures each further attempt must wait, twice as long each
// time, up to a cap. Failures are forgotten after a quiet period.
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

const (
	accountFreeFailures = 5  // a person mistyping
	ipFreeFailures      = 20 // several people behind one address
	throttleMax         = 15 * time.Minute
	throttleForget      = 30 * time.Minute
)

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, m: map[string]*failures{}}
}

func throttleKeys(name, ip string) [2]string { return [2]string{"account:" + name, "ip:" + ip} }

// attempt returns how long the caller must wait before trying again, or 0
// to go ahead. Going ahead counts as a failure until succeed says
// otherwise, so that many attempts in parallel cannot all pass before the
// first failure is recorded.
func (t *throttle) attempt(name, ip string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var longest time.Duration
	keys := throttleKeys(name, ip)
	for _, k := range keys {
		if f := t.m[k]; f != nil && f.until.After(now) {
			longest = max(longest, f.until.Sub(now))
		}
	}
	if longest > 0 {
		return longest
	}
	for i, k := range keys {
		f := t.m[k]
		if f == nil || now.Sub(f.last) > throttleForget {
			f = &failures{}
			t.m[k] = f
		}
		f.count++
		f.last = now
		free := accountFreeFailures
		if i == 1 {
			free = ipFreeFailures
		}
		if over := f.count - free; over > 0 {
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

// succeed takes back the attempt of a good sign-in: the account's failures
// are forgotten, the address's count loses this attempt only (one good
// password must not reset a guesser's budget for other accounts).
func (t *throttle) succeed(name, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, "account:"+name)
	if f := t.m["ip:"+ip]; f != nil && f.count > 0 {
		f.count--
		if f.count <= ipFreeFailures {
			f.until = time.Time{}
		}
	}
}
