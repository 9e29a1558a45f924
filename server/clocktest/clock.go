// Package clocktest is the one fake clock of imdesk's tests. The code under
// test takes a Now function (and, where it waits, a Sleep function); a test
// passes a Clock's methods and moves time on itself, so no test sleeps and
// expiry, throttling and rate limits are exact.
package clocktest

import (
	"context"
	"sync"
	"time"
)

// Clock is a fake clock, safe for concurrent use. Sleeping advances it at
// once and is recorded.
type Clock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

// New returns a clock that starts at t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Sleep advances the clock by d and records the wait; it returns the
// context's error, as a real sleep cut short would.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.slept = append(c.slept, d)
	c.mu.Unlock()
	return ctx.Err()
}

// Slept returns every wait so far, in order.
func (c *Clock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}
