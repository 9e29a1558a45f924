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

// usageWindow is how far back the health page looks at Tencent calls.
const usageWindow = 5 * 60 // seconds

// Counter counts Tencent calls per command and second over the last five
// minutes, for the health page's "rate-limit usage": how close each
// command comes to Tencent's per-second limit.
type Counter struct {
	now func() time.Time
	mu  sync.Mutex
	ops map[string]*opUsage
}

type opUsage struct {
	perSecond int
	second    [usageWindow]int64 // the Unix second each slot counts
	count     [usageWindow]int
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
	i := sec % usageWindow
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
			if age := now - sec; age >= 0 && age < usageWindow {
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
	share := func(r api.RateUse) float64 { return float64(r.PeakPerSecond) / float64(max(r.PerSecond, 1)) }
	slices.SortFunc(out, func(a, b api.RateUse) int {
		if c := cmp.Compare(share(b), share(a)); c != 0 {
			return c
		}
		return strings.Compare(a.Op, b.Op)
	})
	return out
}
