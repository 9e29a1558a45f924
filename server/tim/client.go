package tim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

// Defaults for Config.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultSigLifetime = 24 * time.Hour
	DefaultAttempts    = 3
	maxAnswerBytes     = 8 << 20
)

// Config configures a Client. BaseURL, SDKAppID, SecretKey and Admin are
// required; the rest have defaults, and exist so tests can inject time,
// randomness and transport.
type Config struct {
	BaseURL   string // from RegionURL or CheckBaseURL
	SDKAppID  uint64
	SecretKey string
	Admin     string // the app admin identifier

	HTTPClient  *http.Client  // default: a client of its own with no overall timeout
	Timeout     time.Duration // per attempt, when the context allows longer; default 10s
	Attempts    int           // tries of a call that is safe to repeat; default 3
	SigLifetime time.Duration // validity of the admin UserSig; default 24h
	Logger      *slog.Logger  // default: discard

	Now   func() time.Time                                 // default time.Now
	Sleep func(ctx context.Context, d time.Duration) error // default: a timer bounded by ctx
	Rand  func() uint64                                    // default math/rand/v2
	// Unlimited turns off the client-side rate limits. Only for benchmarks
	// against a mock: Tencent would refuse the excess.
	Unlimited bool
	// GenUserSig makes a UserSig; default tls-sig-api-v2-golang's.
	GenUserSig func(appID int, key, identifier string, expire int) (string, error)
	// Observer, when set, is told of every attempt and every wait for the
	// rate limits (the panel's metrics).
	Observer Observer
	// Replicas, when set, says how many panels share the app's limits now
	// (replicas on one PostgreSQL store): each keeps to its part of every
	// limit, rounded down (at least one call a second), so that together
	// they never exceed Tencent's. Unset: one.
	Replicas func() int
}

// Observer watches the client's calls.
type Observer interface {
	// Attempt is one request to Tencent: the command, Tencent's limit for
	// it in calls per second, its error (nil when Tencent answered OK) and
	// how long it took.
	Attempt(op string, perSecond int, err error, took time.Duration)
	// Waited is time a call spent waiting for a rate limit ("api" or
	// "group").
	Waited(op, limit string, waited time.Duration)
}

// Client calls Tencent Cloud Chat's REST API as the app admin. It is safe
// for concurrent use.
type Client struct {
	cfg    Config
	base   string
	sig    signer
	apis   *limiterSet
	groups *limiterSet
	shares *limiterSet // WithShare's budgets
}

// New checks the configuration and returns a Client.
func New(cfg Config) (*Client, error) {
	base, err := CheckBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("tim: base URL: %w", err)
	}
	switch {
	case cfg.SDKAppID == 0:
		return nil, errors.New("tim: SDKAppID is required")
	case cfg.SecretKey == "":
		return nil, errors.New("tim: SecretKey is required")
	case cfg.Admin == "":
		return nil, errors.New("tim: Admin is required")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 5 * time.Second,
		}}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultAttempts
	}
	if cfg.SigLifetime <= 0 {
		cfg.SigLifetime = DefaultSigLifetime
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = Sleep
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Uint64
	}
	if cfg.GenUserSig == nil {
		cfg.GenUserSig = tencentyun.GenUserSig
	}
	c := &Client{cfg: cfg, base: base}
	c.sig = signer{cfg: &c.cfg}
	c.apis = newLimiterSet(time.Second, cfg.Now, cfg.Sleep)
	c.shares = newLimiterSet(time.Second, cfg.Now, cfg.Sleep)
	c.shares.own = true
	c.groups = newLimiterSet(time.Second, cfg.Now, cfg.Sleep)
	return c, nil
}

// Sleep waits d, or until ctx ends (then it returns ctx's error): the
// default Config.Sleep, and the wait of every loop of the panel that
// stops with its context.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// signer keeps the admin UserSig and makes a new one once three quarters of
// its lifetime are used, well before Tencent would refuse it (70001).
type signer struct {
	cfg     *Config
	mu      sync.Mutex
	sig     string
	renewAt time.Time
}

func (s *signer) get() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	if s.sig != "" && now.Before(s.renewAt) {
		return s.sig, nil
	}
	life := s.cfg.SigLifetime
	sig, err := s.cfg.GenUserSig(int(s.cfg.SDKAppID), s.cfg.SecretKey, s.cfg.Admin, int(life/time.Second))
	if err != nil {
		// The library's errors carry no secret, but say only what failed.
		return "", fmt.Errorf("generate the admin UserSig: %T", err)
	}
	s.sig, s.renewAt = sig, now.Add(life*3/4)
	return sig, nil
}

// op describes one REST command.
type op struct {
	path string // service/command
	// perSec is Tencent's limit for the command (spec §0.1).
	perSec int
	// repeatable: repeating the call after an unknown outcome cannot change
	// the result (reads, upserts, replacing or clearing a set).
	repeatable bool
	// mutates: the call changes state, so a lost answer is an unknown outcome.
	mutates bool
	// groupWrite: counts towards the 5 attribute writes per second per group.
	groupWrite bool
}

func (o op) name() string { return o.path[strings.IndexByte(o.path, '/')+1:] }

// call sends req to the command and decodes the answer into resp (which may
// be nil). groupID is the group of an attribute write.
func (c *Client) call(ctx context.Context, o op, groupID string, req, resp any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return &Error{Op: o.name(), Kind: KindInvalid, Err: err}
	}
	var last *Error
	for attempt := 1; ; attempt++ {
		// Wait for our own budget first, so that Tencent never has to
		// refuse us; a retry is a call too and keeps to the same limits.
		done, err := c.takeTurn(ctx, o, groupID)
		if err != nil {
			if last != nil {
				return last
			}
			return c.waitError(o, err)
		}
		start := c.cfg.Now()
		last = c.attempt(ctx, o, body, resp)
		done(callEndOf(last))
		if obs := c.cfg.Observer; obs != nil {
			var err error
			if last != nil {
				err = last
			}
			obs.Attempt(o.name(), o.perSec, err, c.cfg.Now().Sub(start))
		}
		if last == nil {
			c.cfg.Logger.DebugContext(ctx, "tencent call", "op", o.name(), "attempt", attempt, "duration", c.cfg.Now().Sub(start))
			return nil
		}
		c.cfg.Logger.InfoContext(ctx, "tencent call failed", "op", o.name(), "attempt", attempt, "duration", c.cfg.Now().Sub(start), "err", last)
		if attempt >= c.cfg.Attempts || !c.mayRetry(o, last) || ctx.Err() != nil {
			// A write conflict of a call that is not safe to repeat:
			// nothing was made, and the caller may read and try again.
			last.RetryAfterRead = o.mutates && !o.repeatable && conflictCodes[last.Code]
			break
		}
		wait := c.backoff(attempt)
		if last.Code == codeTooFrequent {
			wait = time.Second // Tencent's window: the next one has room
		}
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			break
		}
	}
	return last
}

// takeTurn waits until Tencent's limits allow the call — the command's
// calls per second and, for attribute writes, the group's 5 per second —
// and returns what to call once the call is over, saying how it ended.
func (c *Client) takeTurn(ctx context.Context, o op, groupID string) (done func(callEnd), err error) {
	if c.cfg.Unlimited {
		return func(callEnd) {}, nil
	}
	start := c.cfg.Now()
	perSec, groupPerSec := c.part(o.perSec), c.part(groupWritesPerSec)
	share := func(callEnd) {}
	if n := shareOf(ctx, perSec); n > 0 {
		if share, err = c.shares.acquire(ctx, o.path, n); err != nil {
			return nil, err
		}
		c.waited(o, "share", start)
	}
	apiDone, err := c.apis.acquire(ctx, o.path, perSec)
	c.waited(o, "api", start)
	if err != nil {
		share(notSent)
		return nil, err
	}
	api := func(end callEnd) { apiDone(end); share(end) }
	if !o.groupWrite {
		return api, nil
	}
	start = c.cfg.Now()
	group, err := c.groups.acquire(ctx, groupID, groupPerSec)
	c.waited(o, "group", start)
	if err != nil {
		api(notSent)
		return nil, err
	}
	return func(end callEnd) { group(end); api(end) }, nil
}

// part is this panel's part of a limit of perSec calls a second, when
// replicas share it (Config.Replicas): a limit divided among them, rounded
// down, so that the parts of every replica add up to no more than the
// limit in any one of Tencent's windows. A replica keeps at least one call
// a second: beyond five replicas, a group written from all of them at once
// could see more than its five writes a second.
func (c *Client) part(perSec int) int {
	if c.cfg.Replicas == nil {
		return perSec
	}
	return max(1, perSec/max(1, c.cfg.Replicas()))
}

// waited tells the observer how long a wait for a limit took, if the call
// waited at all (taking a free turn costs microseconds, not a wait).
func (c *Client) waited(o op, limit string, since time.Time) {
	if d := c.cfg.Now().Sub(since); d >= time.Millisecond && c.cfg.Observer != nil {
		c.cfg.Observer.Waited(o.name(), limit, d)
	}
}

// callEndOf says how an attempt ended, for the limiter: a request that
// never left frees its slot at once; one without an answer (the
// connection broke or timed out) may still reach Tencent.
func callEndOf(e *Error) callEnd {
	switch {
	case e == nil || e.Code != 0 || e.HTTPStatus != 0:
		return answered
	case e.notSent:
		return notSent
	case e.Err != nil && !errors.Is(e.Err, errNotEnvelope):
		return lost
	}
	return answered
}

// A share holds the calls made under a context to part of Tencent's
// limits: bulk changes run at a share, so that moderators editing by hand
// still get through while jobs run.
type shareKey struct{}

// WithShare returns a context whose calls keep, together with every other
// call made under a share, to perSecondOf200 calls per second of a command
// that Tencent allows 200 per second, and the same fraction of any other
// command's limit (at least one call per second). All shared calls of a
// command count against one budget: jobs running at once divide it, each
// taking the next free turn.
func WithShare(ctx context.Context, perSecondOf200 int) context.Context {
	return context.WithValue(ctx, shareKey{}, perSecondOf200)
}

// shareOf is the calls per second a context's share allows of a command
// Tencent allows perSec; 0 when it has none.
func shareOf(ctx context.Context, perSec int) int {
	n, _ := ctx.Value(shareKey{}).(int)
	if n <= 0 {
		return 0
	}
	return max(1, min(perSec, perSec*n/200))
}

// groupWritesPerSec is Tencent's limit of attribute writes per group
// (10049 beyond it).
const groupWritesPerSec = 5

// waitError reports a context that ended while waiting for the rate limiter:
// nothing was sent, so the outcome is known.
func (c *Client) waitError(o op, err error) *Error {
	return &Error{Op: o.name(), Kind: KindRateLimited, Meaning: "waited too long for the rate limit", Err: err}
}

// mayRetry decides whether a failed attempt is tried again: a request that
// never left, and for calls that change nothing, Tencent's try-again codes,
// 502/503/504 and transport errors. A change that may have been made is
// never repeated here: between the lost answer and a repeat someone else
// may have changed the same state, and the repeat would undo their change.
// The caller reads the state and decides (server/change.go).
func (c *Client) mayRetry(o op, e *Error) bool {
	switch {
	case e.MaybeApplied:
		return false
	case e.Code == codeTooFrequent:
		// A read refused as too frequent changed nothing: it waits a
		// window and repeats. A write is not repeated behind the
		// moderator's back.
		return !o.mutates
	case e.Code != 0:
		return retryableCode(e.Code) && o.repeatable
	case e.notSent:
		return true
	case isGatewayStatus(e.HTTPStatus):
		return o.repeatable
	case e.HTTPStatus == 0 && e.Err != nil && !errors.Is(e.Err, errNotEnvelope):
		// The connection broke or timed out.
		return o.repeatable
	}
	return false
}

func isGatewayStatus(s int) bool {
	return s == http.StatusBadGateway || s == http.StatusServiceUnavailable || s == http.StatusGatewayTimeout
}

// backoff is exponential with full jitter: up to 200ms, 400ms, … capped at 2s.
func (c *Client) backoff(attempt int) time.Duration {
	ceiling := min(200*time.Millisecond<<(attempt-1), 2*time.Second)
	return time.Duration(c.cfg.Rand() % uint64(ceiling+1))
}

// attempt makes one HTTP request.
func (c *Client) attempt(ctx context.Context, o op, body []byte, resp any) *Error {
	sig, err := c.sig.get()
	if err != nil {
		return &Error{Op: o.name(), Kind: KindPermission, Meaning: "cannot sign requests", Err: err}
	}
	q := url.Values{
		"sdkappid":    {strconv.FormatUint(c.cfg.SDKAppID, 10)},
		"identifier":  {c.cfg.Admin},
		"usersig":     {sig},
		"random":      {strconv.FormatUint(uint64(uint32(c.cfg.Rand())), 10)}, // fresh per request
		"contenttype": {"json"},
	}
	target := c.base + "/v4/" + o.path + "?" + q.Encode()

	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return &Error{Op: o.name(), Kind: KindUpstream, Err: redact(err, sig)}
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return c.transportError(o, err, sig)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAnswerBytes+1))
	if err != nil {
		return c.transportError(o, err, sig)
	}
	if res.StatusCode != http.StatusOK {
		kind := KindUpstream
		if res.StatusCode == http.StatusGatewayTimeout {
			kind = KindTimeout
		}
		// A gateway may have passed the request on before failing.
		return &Error{Op: o.name(), Kind: kind, HTTPStatus: res.StatusCode, MaybeApplied: o.mutates && isGatewayStatus(res.StatusCode)}
	}
	if len(raw) > maxAnswerBytes {
		return &Error{Op: o.name(), Kind: KindUpstream, Meaning: "the answer is too large"}
	}
	var env struct {
		ActionStatus string `json:"ActionStatus"`
		ErrorCode    *int   `json:"ErrorCode"`
		ErrorInfo    string `json:"ErrorInfo"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || env.ErrorCode == nil || env.ActionStatus == "" {
		// e.g. a body cut off after the change was made
		return &Error{Op: o.name(), Kind: KindUpstream, Meaning: "the answer is not Tencent's envelope", Err: errNotEnvelope, MaybeApplied: o.mutates}
	}
	if *env.ErrorCode != 0 || env.ActionStatus != "OK" {
		code := *env.ErrorCode
		if code == 0 {
			code = -1 // FAIL without a code: still a failure
		}
		e := tencentError(o.name(), code, env.ErrorInfo)
		// Tencent timed out or failed inside: the change may have been
		// made, and this call must not be repeated blindly.
		e.MaybeApplied = o.mutates && maybeApplied(code)
		return e
	}
	if resp != nil {
		if err := json.Unmarshal(raw, resp); err != nil {
			// Tencent said OK, but what it made cannot be read.
			return &Error{Op: o.name(), Kind: KindUpstream, Meaning: "the answer has an unexpected shape", Err: err, MaybeApplied: o.mutates}
		}
	}
	return nil
}

var errNotEnvelope = errors.New("not a REST envelope")

// codeTooFrequent is Tencent's "REST API call frequency over limit".
const codeTooFrequent = 60007

// transportError classifies a failed exchange. A request that never left
// (the connection was refused) may always be retried; otherwise a call that
// changes state has an unknown outcome.
func (c *Client) transportError(o op, err error, sig string) *Error {
	err = redact(err, sig)
	if isNotSent(err) {
		return &Error{Op: o.name(), Kind: KindRetryable, Meaning: "Tencent could not be reached", Err: err, notSent: true}
	}
	kind := KindUpstream
	if errors.Is(err, context.DeadlineExceeded) {
		kind = KindTimeout
	}
	return &Error{Op: o.name(), Kind: kind, Meaning: "no complete answer from Tencent", Err: err, MaybeApplied: o.mutates}
}

// isNotSent reports errors that happen before a request is written: the
// server refused or could not be dialled.
func isNotSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED)
}

// redact removes the UserSig from an error (net/http puts the URL in its
// errors), so that neither logs nor the audit log ever hold it.
func redact(err error, sig string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = RedactURL(ue.URL)
	}
	if sig != "" && strings.Contains(err.Error(), sig) {
		return errors.New(strings.ReplaceAll(err.Error(), sig, "REDACTED"))
	}
	return err
}

// RedactURL replaces the usersig query parameter of a URL, for logging.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	q := u.Query()
	if q.Has("usersig") {
		q.Set("usersig", "REDACTED")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
