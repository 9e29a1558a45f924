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
// command comes to Tencent's per-second limit.
type Counter struct {
	now   func() time.Time
	mu    sync.Mutex
	ops   map[string]*opUsage
	taken int64 // the seconds up to this one were given to Take
}

// Second is the calls of one command in one second, of a limit of
// PerSecond.
type Second struct {
	Unix      int64
	Op        string
	PerSecond int
	Calls     int
}

// Take returns the counts of the seconds that ended at least a second ago
// and were not taken before: replicas add theirs up in the database, so
// that the health page shows the app's calls, not one replica's.
func (u *Counter) Take() []Second {
	upTo := u.now().Unix() - 2 // a call of the second before may still be counting
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []Second
	for op, o := range u.ops {
		for i, sec := range o.second {
			if sec > u.taken && sec <= upTo && o.count[i] > 0 {
				out = append(out, Second{Unix: sec, Op: op, PerSecond: o.perSecond, Calls: o.count[i]})
			}
		}
	}
	u.taken = max(u.taken, upTo)
	return out
}

type opUsage struct {
	perSecond int
	second    [Window]int64 // the Unix second each slot counts
	count     [Window]int
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

// Report lists every command called in the window, busiest first.
func (u *Counter) Report() []api.RateUse {
	now := u.now().Unix()
	u.mu.Lock()
	defer u.mu.Unlock()
	out := []api.RateUse{}
	for op, o := range u.ops {
		r := api.RateUse{Op: op, PerSecond: o.perSecond}
		for i, sec := range o.second {
			if age := now - sec; age >= 0 && age < Window {
				r.PeakPerSecond = max(r.PeakPerSecond, o.count[i])
				if age < 60 {
					r.LastMinute += o.count[i]
				}
			}
		}
		if r.PeakPerSecond > 0 {
			out = append(out, r)
		}
	}
	return Sort(out)
}

// Sort orders a report busiest first: by the peak's share of the limit,
// then by command.
func Sort(out []api.RateUse) []api.RateUse {
	share := func(r api.RateUse) float64 { return float64(r.PeakPerSecond) / float64(max(r.PerSecond, 1)) }
	slices.SortFunc(out, func(a, b api.RateUse) int {
		if c := cmp.Compare(share(b), share(a)); c != 0 {
			return c
		}
		return strings.Compare(a.Op, b.Op)
	})
	return out
}
