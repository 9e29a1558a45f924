package tim

import (
	"context"
	"sync"
	"time"
)

// limiterSet keeps one sliding-window limit per key (an API path, a group):
// at most n calls in any period. A caller over the limit waits for its turn,
// bounded by its context, instead of failing.
type limiterSet struct {
	period time.Duration
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error

	mu   sync.Mutex
	keys map[string][]time.Time // reserved send times, oldest first
}

func newLimiterSet(period time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *limiterSet {
	return &limiterSet{period: period, now: now, sleep: sleep, keys: map[string][]time.Time{}}
}

// wait reserves the earliest time at which a call under key keeps within n
// per period, and sleeps until then. A reservation given up because the
// context ended is not returned: the limiter errs on the side of fewer calls.
func (l *limiterSet) wait(ctx context.Context, key string, n int) error {
	l.mu.Lock()
	now := l.now()
	times := l.keys[key]
	cut := 0
	for cut < len(times) && now.Sub(times[cut]) >= l.period {
		cut++
	}
	times = times[cut:]
	at := now
	if len(times) >= n {
		at = times[len(times)-n].Add(l.period)
	}
	l.keys[key] = append(times, at)
	if len(l.keys) > 4096 {
		l.prune(now)
	}
	l.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		if dl, ok := ctx.Deadline(); ok && dl.Before(at) {
			return context.DeadlineExceeded
		}
		return l.sleep(ctx, d)
	}
	return ctx.Err()
}

// prune forgets keys with no reservation in the current window, so that
// per-group limits do not grow without bound.
func (l *limiterSet) prune(now time.Time) {
	for k, times := range l.keys {
		if len(times) == 0 || now.Sub(times[len(times)-1]) >= l.period {
			delete(l.keys, k)
		}
	}
}

// reset forgets every reservation; benchmarks use it to measure the client
// without Tencent's limits.
func (l *limiterSet) reset() {
	l.mu.Lock()
	l.keys = map[string][]time.Time{}
	l.mu.Unlock()
}
