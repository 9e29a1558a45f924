package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/imdesk/imdesk/server/sqlite"
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
//
// The counts are kept in memory, or on a PostgreSQL store in the database
// (db), where every replica counts the same attempts: a guesser sent
// round the replicas by a load balancer gains nothing.
type throttle struct {
	now func() time.Time
	db  *sqlite.DB // PostgreSQL: counts shared by the replicas; nil: in memory
	log *slog.Logger
	mu  sync.Mutex
	m   map[string]*failures
}

type failures = sqlite.ThrottleCount

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

func newThrottle(now func() time.Time, db *sqlite.DB, log *slog.Logger) *throttle {
	t := &throttle{now: now, log: log, m: map[string]*failures{}}
	if db != nil && db.OnPostgres() {
		t.db = db
	}
	return t
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

// throttleWaitOnError is the answer when the shared counts cannot be
// read: a sign-in that cannot be counted waits, rather than going
// uncounted.
const throttleWaitOnError = 5 * time.Second

// update runs f on the keys' counts (zero for a key not counted yet) as
// one step, and keeps what it left unless write is false.
func (t *throttle) update(keys []throttleKey, write bool, f func(map[string]*failures)) error {
	if t.db != nil {
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = k.key
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return t.db.UpdateThrottle(ctx, names, write, throttleForget, f)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	counts := make(map[string]*failures, len(keys))
	for _, k := range keys {
		c := t.m[k.key]
		if c == nil {
			c = &failures{}
			if write {
				t.m[k.key] = c
			}
		}
		counts[k.key] = c
	}
	f(counts)
	if write && len(t.m) > 10000 {
		now := t.now()
		for k, c := range t.m {
			if now.Sub(c.Last) > throttleForget {
				delete(t.m, k)
			}
		}
	}
	return nil
}

// attempt returns how long the caller must wait before trying again, or 0
// to go ahead. Going ahead counts as a failure until succeed says
// otherwise, so that many attempts in parallel cannot all pass before the
// first failure is recorded.
func (t *throttle) attempt(keys []throttleKey) time.Duration {
	var wait time.Duration
	err := t.update(keys, true, func(counts map[string]*failures) {
		now := t.now()
		if wait = waitOf(keys, counts, now); wait > 0 {
			return
		}
		for _, k := range keys {
			f := counts[k.key]
			if now.Sub(f.Last) > throttleForget {
				*f = failures{}
			}
			f.Count++
			f.Last = now
			// This attempt is counted as a failure already: once it is
			// the key's last free one, the next must wait. (Waiting only
			// from the failure after the free ones let one more guess
			// through than docs/security.md says.)
			if over := f.Count - k.free + 1; over > 0 {
				f.Until = now.Add(min(time.Second<<min(over-1, 20), throttleMax))
			}
		}
	})
	if err != nil {
		t.log.Error("sign-in throttle", "err", err)
		return throttleWaitOnError
	}
	return wait
}

// wait says how long the caller must wait before trying again, like
// attempt, but counts nothing: a sign-in asks it before it waits for a
// place to check the password, so that a refused attempt costs no place.
func (t *throttle) wait(keys []throttleKey) time.Duration {
	var wait time.Duration
	if err := t.update(keys, false, func(counts map[string]*failures) { wait = waitOf(keys, counts, t.now()) }); err != nil {
		t.log.Error("sign-in throttle", "err", err)
		return throttleWaitOnError
	}
	return wait
}

func waitOf(keys []throttleKey, counts map[string]*failures, now time.Time) time.Duration {
	var longest time.Duration
	for _, k := range keys {
		if f := counts[k.key]; f.Until.After(now) && now.Sub(f.Last) <= throttleForget {
			longest = max(longest, f.Until.Sub(now))
		}
	}
	return longest
}

// succeed takes back the attempt of a good sign-in: the device's and the
// account's failures are forgotten, the address's count loses this attempt
// only (one good password must not reset a guesser's budget for other
// accounts).
func (t *throttle) succeed(keys []throttleKey) {
	err := t.update(keys, true, func(counts map[string]*failures) {
		for _, k := range keys {
			f := counts[k.key]
			if k.key[:3] != "ip:" {
				*f = failures{}
				continue
			}
			if f.Count > 0 {
				f.Count--
				if f.Count < k.free {
					f.Until = time.Time{}
				}
			}
		}
	})
	if err != nil {
		t.log.Error("sign-in throttle", "err", err)
	}
}
