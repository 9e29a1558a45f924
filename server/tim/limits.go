package tim

import (
	"context"
	"slices"
	"sync"
	"time"
)

// limitMargin is added to every window. The client's slots free up only
// after the call's answer (see limiterSet), so network jitter cannot push
// two calls into one Tencent window; the margin covers what remains: the
// rate of Tencent's clock against ours, and a window counted in coarse
// ticks or aligned to wall-clock seconds on Tencent's side.
const limitMargin = 50 * time.Millisecond

// lostMargin replaces limitMargin for a call sent but never answered (a
// timeout, a broken connection): its request may still be on its way, and
// reach Tencent after we stopped waiting. BenchmarkSendToArrival measures
// how long a request takes from our transport to the server: 23 to 195 ms
// at worst on loopback with 30 writers on 2 shared, busy cores
// (docs/benchmarks.md); a second is five times the worst seen.
const lostMargin = time.Second

// How a call that held a slot ended.
type callEnd int

const (
	notSent  callEnd = iota // nothing left: the slot is free at once
	answered                // free a period (and limitMargin) after the answer
	lost                    // sent, no answer: free a period and lostMargin after giving up
)

// limiterSet keeps Tencent's limits per key (an API path, a group): at
// most n calls in any period, counted where Tencent counts them. A call
// holds its slot from before it is sent until its answer is back, and the
// slot is free again only a period (plus limitMargin) after that answer:
// whenever Tencent saw the call — on arrival, while working, or on
// answering — it was before the answer, so the next call in that slot
// reaches Tencent at least a period later, whatever the network did in
// between and whether Tencent's windows slide or are fixed seconds. A
// caller over the limit waits for its turn, bounded by its context,
// instead of failing.
type limiterSet struct {
	period time.Duration
	// own: the limit is the panel's own budget (a share, WithShare), not
	// Tencent's, so no margin is added: Tencent's limit is kept by the
	// command's own limiter, which every shared call takes too.
	own   bool
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	mu   sync.Mutex
	keys map[string]*slots
}

// slots are one key's calls: those in flight, and the times at which the
// slots of answered calls free up (sorted).
type slots struct {
	inFlight int
	freeAt   []time.Time
	answered chan struct{} // closed (and replaced) when a call in flight ends
}

func newLimiterSet(period time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *limiterSet {
	return &limiterSet{period: period, now: now, sleep: sleep, keys: map[string]*slots{}}
}

// acquire waits until a call under key keeps within n per period and takes
// a slot for it. The caller must call release once the call is over,
// saying how it ended. A wait that would outlast the context's deadline
// fails at once.
func (l *limiterSet) acquire(ctx context.Context, key string, n int) (release func(callEnd), err error) {
	for {
		l.mu.Lock()
		now := l.now()
		s := l.keys[key]
		if s == nil {
			s = &slots{answered: make(chan struct{})}
			l.keys[key] = s
		}
		cut := 0
		for cut < len(s.freeAt) && !s.freeAt[cut].After(now) {
			cut++
		}
		s.freeAt = s.freeAt[cut:]
		if s.inFlight+len(s.freeAt) < n {
			s.inFlight++
			if len(l.keys) > 4096 {
				l.prune(now)
			}
			l.mu.Unlock()
			var once sync.Once
			return func(end callEnd) { once.Do(func() { l.release(s, end) }) }, nil
		}
		// Slots that free up with time come first; beyond them, wait for a
		// call in flight to be answered.
		need := s.inFlight + len(s.freeAt) - n + 1
		if need <= len(s.freeAt) {
			at := s.freeAt[need-1]
			l.mu.Unlock()
			if dl, ok := ctx.Deadline(); ok && dl.Before(at) {
				return nil, context.DeadlineExceeded
			}
			if err := l.sleep(ctx, at.Sub(now)); err != nil {
				return nil, err
			}
			continue
		}
		answered := s.answered
		l.mu.Unlock()
		select {
		case <-answered:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (l *limiterSet) release(s *slots, end callEnd) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s.inFlight--
	if end != notSent {
		margin := limitMargin
		switch {
		case l.own:
			margin = 0
		case end == lost:
			margin = lostMargin
		}
		at := l.now().Add(l.period + margin)
		i, _ := slices.BinarySearchFunc(s.freeAt, at, time.Time.Compare)
		s.freeAt = slices.Insert(s.freeAt, i, at)
	}
	close(s.answered)
	s.answered = make(chan struct{})
}

// prune forgets keys with nothing in flight and no slot still taken, so
// that per-group limits do not grow without bound.
func (l *limiterSet) prune(now time.Time) {
	for k, s := range l.keys {
		if s.inFlight == 0 && (len(s.freeAt) == 0 || !s.freeAt[len(s.freeAt)-1].After(now)) {
			delete(l.keys, k)
		}
	}
}

// reset forgets every reservation; benchmarks use it to measure the client
// without Tencent's limits.
func (l *limiterSet) reset() {
	l.mu.Lock()
	l.keys = map[string]*slots{}
	l.mu.Unlock()
}
