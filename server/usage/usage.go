// Package usage counts Tencent calls per command and second, for the
// health page's "rate-limit usage".
package usage

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/imdesk/imdesk/server/api"
)

// Window is how far back, in seconds, the health page looks at Tencent
// calls.
const Window = 5 * 60

// Counter counts Tencent calls per command and second over the last five
// minutes, for the health page's "rate-limit usage": how close each
// command comes to Tencent's per-second limit. Replicas on one database
// share what they count (Unshared, Shared), so that the page shows the
// app's calls, not one replica's.
type Counter struct {
	now    func() time.Time
	mu     sync.Mutex
	ops    map[string]*opUsage
	shared int64 // the seconds up to this one are in the database
}

type opUsage struct {
	perSecond int
	second    [Window]int64 // the Unix second each slot counts
	count     [Window]int
}

// Second is the calls of one command in one second, of a limit of
// PerSecond.
type Second struct {
	Unix      int64
	Op        string
	PerSecond int
	Calls     int
}

// New makes a counter reading the time from now.
func New(now func() time.Time) *Counter { return &Counter{now: now, ops: map[string]*opUsage{}} }

// Add counts one call of op, whose limit is perSecond.
func (u *Counter) Add(op string, perSecond int) {
	sec := u.now().Unix()
	u.mu.Lock()
	defer u.mu.Unlock()
	o := u.ops[op]
	if o == nil {
		o = &opUsage{}
		u.ops[op] = o
	}
	o.perSecond = perSecond
	i := sec % Window
	if o.second[i] != sec {
		o.second[i], o.count[i] = sec, 0
	}
	o.count[i]++
}

// seconds lists the counted seconds after since and up to upTo, in the
// window, by second and command.
func (u *Counter) seconds(since, upTo int64) []Second {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []Second
	for op, o := range u.ops {
		for i, sec := range o.second {
			if sec > since && sec <= upTo && sec > upTo-Window && o.count[i] > 0 {
				out = append(out, Second{Unix: sec, Op: op, PerSecond: o.perSecond, Calls: o.count[i]})
			}
		}
	}
	slices.SortFunc(out, func(a, b Second) int {
		return cmp.Or(cmp.Compare(a.Unix, b.Unix), strings.Compare(a.Op, b.Op))
	})
	return out
}

// Unshared returns the seconds that ended at least a second ago and are
// not in the database yet, by second and command (the order in which
// replicas write them, so that two never wait for each other), and the
// last of them, to give Shared once they are stored.
func (u *Counter) Unshared() ([]Second, int64) {
	upTo := u.now().Unix() - 2 // a call of the second before may still be counting
	u.mu.Lock()
	since := u.shared
	u.mu.Unlock()
	return u.seconds(since, upTo), upTo
}

// Shared records that the seconds up to upTo are in the database.
func (u *Counter) Shared(upTo int64) {
	u.mu.Lock()
	u.shared = max(u.shared, upTo)
	u.mu.Unlock()
}

// Report lists every command this process called in the window, busiest
// first.
func (u *Counter) Report() []api.RateUse {
	now := u.now().Unix()
	return Summarize(now, u.seconds(0, now))
}

// Together reports the app's calls: the seconds stored by every replica,
// which hold this process's up to what it shared, and this process's
// since.
func (u *Counter) Together(stored []Second) []api.RateUse {
	now := u.now().Unix()
	u.mu.Lock()
	since := u.shared
	u.mu.Unlock()
	return Summarize(now, append(stored, u.seconds(since, now)...))
}

// Summarize reports calls per second and command at now: each command's
// calls in the last minute and its busiest second in the window, busiest
// first (by the peak's share of the limit, then by command). A second
// may come in several parts (replicas), which are added up.
func Summarize(now int64, secs []Second) []api.RateUse {
	type key struct {
		sec int64
		op  string
	}
	calls := map[key]int{}
	limit := map[string]int{}
	for _, s := range secs {
		if age := now - s.Unix; age >= 0 && age < Window {
			calls[key{s.Unix, s.Op}] += s.Calls
			limit[s.Op] = max(limit[s.Op], s.PerSecond)
		}
	}
	byOp := map[string]*api.RateUse{}
	for k, n := range calls {
		r := byOp[k.op]
		if r == nil {
			r = &api.RateUse{Op: k.op, PerSecond: limit[k.op]}
			byOp[k.op] = r
		}
		r.PeakPerSecond = max(r.PeakPerSecond, n)
		if now-k.sec < 60 {
			r.LastMinute += n
		}
	}
	out := []api.RateUse{}
	for _, r := range byOp {
		out = append(out, *r)
	}
	share := func(r api.RateUse) float64 { return float64(r.PeakPerSecond) / float64(max(r.PerSecond, 1)) }
	slices.SortFunc(out, func(a, b api.RateUse) int {
		return cmp.Or(cmp.Compare(share(b), share(a)), strings.Compare(a.Op, b.Op))
	})
	return out
}
