package tim

import (
	"context"
	"time"
)

// SigAge says how long ago the admin UserSig in use was made, and how long
// until it is renewed; ok is false before the first call made one.
func (c *Client) SigAge() (age, renewsIn time.Duration, ok bool) {
	c.sig.mu.Lock()
	defer c.sig.mu.Unlock()
	if c.sig.sig == "" {
		return 0, 0, false
	}
	now := c.cfg.Now()
	issued := c.sig.renewAt.Add(-c.cfg.SigLifetime * 3 / 4)
	return now.Sub(issued), c.sig.renewAt.Sub(now), true
}

// BaseURL is the REST API's base URL the client calls.
func (c *Client) BaseURL() string { return c.base }

// Ping checks that Tencent answers signed calls: account_check of the admin
// identifier (100 calls a second allowed; nothing is changed).
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.AccountCheck(ctx, []string{c.cfg.Admin})
	return err
}
