package server

import (
	"context"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/imdesk/imdesk/server/api"
)

// checkPool bounds the CPU that password checks take. A bcrypt check is
// made slow on purpose (about a quarter of a second of one core at cost
// 12), so sign-in attempts nobody has to be signed in to send could
// otherwise take every core: 30 threads of them raised a signed-in
// moderator's median GET from 3 ms to 399 ms on 2 cores. A few checks run
// at once, a few more wait their turn, and any beyond that are refused at
// once with 429 and Retry-After, without touching a core; signed-in work
// keeps the rest of the machine.
type checkPool struct {
	// refused counts refusals since the last log line about them, and
	// logged is when that was (unix seconds): under a flood, one line a
	// minute says how many, instead of one line per refusal.
	refused, logged atomic.Int64

	running  chan struct{} // a place per check that may run now
	admitted chan struct{} // a place per check running or waiting
}

// newCheckPool allows slots checks at once and waiting more in line.
func newCheckPool(slots, waiting int) *checkPool {
	return &checkPool{running: make(chan struct{}, slots), admitted: make(chan struct{}, slots+waiting)}
}

// defaultCheckPool leaves at least half the cores to everything else, and
// lets as many wait as can run twice over: the wait stays under a second.
func defaultCheckPool() *checkPool {
	slots := max(1, runtime.NumCPU()/2)
	return newCheckPool(slots, 2*slots)
}

// acquire takes a place for one check, waiting in line if there is room
// in it; release gives it back. ok is false, at once, when the line is
// full, and when ctx ends while waiting (the client went away).
func (p *checkPool) acquire(ctx context.Context) (release func(), ok bool) {
	select {
	case p.admitted <- struct{}{}:
	default:
		return nil, false
	}
	select {
	case p.running <- struct{}{}:
		return func() { <-p.running; <-p.admitted }, true
	case <-ctx.Done():
		<-p.admitted
		return nil, false
	}
}

// noteRefusal counts a refusal and says, at most once a minute, that it
// is time to log them, with how many there were.
func (p *checkPool) noteRefusal(now time.Time) (count int64, logNow bool) {
	p.refused.Add(1)
	last := p.logged.Load()
	if now.Unix()-last < 60 || !p.logged.CompareAndSwap(last, now.Unix()) {
		return 0, false
	}
	return p.refused.Swap(0), true
}

// errChecksBusy refuses a password check the pool has no place for. The
// password was not checked, so the attempt counts for nothing.
var errChecksBusy = &httpError{Status: http.StatusTooManyRequests, Code: api.CodeRateLimited, RetryAfter: 1,
	Say: say("Many sign-ins are being checked at this moment. Try again %s.", inSeconds(1))}
