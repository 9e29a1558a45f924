package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

// Session cookie names: with TLS the __Host- prefix pins the cookie to this
// host, path / and Secure.
const (
	cookieName       = "imdesk_session"
	secureCookieName = "__Host-imdesk_session"
)

// sessionStore is a gorilla/sessions Store whose sessions live in the
// database: the cookie holds only a signed, encrypted random id. Deleting
// the row (sign-out, password change, disabled account, timeout) ends the
// session at once, whatever the browser keeps.
type sessionStore struct {
	behindTLS bool // a proxy serves the panel over https
	db        *sqlite.DB
	codecs    []securecookie.Codec
	now       func() time.Time
	idle, max time.Duration
}

// Session values.
const (
	valAccount = "account"
	valCreated = "created"
	valSeen    = "seen"
	valEnded   = "ended" // the cookie named a session that has ended
)

func (st *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

func (st *sessionStore) options(r *http.Request) *sessions.Options {
	return &sessions.Options{Path: "/", HttpOnly: true, Secure: st.secure(r), SameSite: http.SameSiteStrictMode,
		MaxAge: int(st.max / time.Second)}
}

// New loads the session the request's cookie names, if it is still valid.
func (st *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(st, name)
	sess.Options = st.options(r)
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	var id string
	if err := securecookie.DecodeMulti(name, c.Value, &id, st.codecs...); err != nil {
		sess.Values[valEnded] = true
		return sess, nil
	}
	row, err := st.db.Session(r.Context(), id)
	if errors.Is(err, sqlite.ErrNotFound) {
		sess.Values[valEnded] = true
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	now := st.now()
	if now.Sub(row.LastSeen) >= st.idle || now.Sub(row.Created) >= st.max {
		_ = st.db.DeleteSession(r.Context(), id)
		sess.Values[valEnded] = true
		return sess, nil
	}
	sess.ID, sess.IsNew = id, false
	sess.Values[valAccount], sess.Values[valCreated], sess.Values[valSeen] = row.Account, row.Created, row.LastSeen
	return sess, nil
}

// Save stores the session and sets its cookie; MaxAge < 0 ends it.
func (st *sessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := st.db.DeleteSession(r.Context(), sess.ID); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	now := st.now()
	if sess.ID == "" {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		sess.ID = base64.RawURLEncoding.EncodeToString(b[:])
		account, _ := sess.Values[valAccount].(string)
		if err := st.db.CreateSession(r.Context(), sqlite.SessionRow{ID: sess.ID, Account: account, Created: now, LastSeen: now}); err != nil {
			return err
		}
		sess.Values[valCreated], sess.Values[valSeen] = now, now
	} else if err := st.db.TouchSession(r.Context(), sess.ID, now); err != nil {
		return err
	}
	encoded, err := securecookie.EncodeMulti(sess.Name(), sess.ID, st.codecs...)
	if err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), encoded, sess.Options))
	return nil
}

// loadSessionKeys reads the cookie keys from the data directory, making
// them on first start. The file holds a hash key and an encryption key.
func loadSessionKeys(dataDir string) ([]securecookie.Codec, error) {
	path := filepath.Join(dataDir, "session.keys")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 64)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		b = []byte(hex.EncodeToString(key) + "\n")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, fmt.Errorf("write session keys: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("read session keys: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 64 {
		return nil, fmt.Errorf("session keys in %s are damaged; delete the file to make new ones (everyone will have to sign in again)", path)
	}
	codecs := securecookie.CodecsFromPairs(key[:32], key[32:])
	for _, c := range codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.MaxAge(0) // expiry is enforced on the server
		}
	}
	return codecs, nil
}

// secure reports whether the browser reaches the panel over https.
func (st *sessionStore) secure(r *http.Request) bool { return r.TLS != nil || st.behindTLS }

func (s *Server) cookieName(r *http.Request) string {
	if s.sessions.secure(r) {
		return secureCookieName
	}
	return cookieName
}

// caller is the signed-in account of a request.
type caller struct {
	*sqlite.Account
	session *sessions.Session
}

type callerKey struct{}

func callerOf(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

// touchEvery limits how often a session's last-seen time is written.
const touchEvery = time.Minute

// requireSession wraps API handlers that need a signed-in account.
func (s *Server) requireSession(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.authenticate(w, r)
		if err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
	}
}

func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*caller, error) {
	sess, err := s.sessions.Get(r, s.cookieName(r))
	if err != nil {
		return nil, err
	}
	if sess.IsNew {
		if sess.Values[valEnded] == true {
			return nil, errSessionExpired
		}
		return nil, errUnauthenticated
	}
	name, _ := sess.Values[valAccount].(string)
	acct, err := s.db.Account(r.Context(), name)
	if errors.Is(err, sqlite.ErrNotFound) || (err == nil && acct.Disabled) {
		return nil, errSessionExpired
	}
	if err != nil {
		return nil, err
	}
	if seen, _ := sess.Values[valSeen].(time.Time); s.now().Sub(seen) >= touchEvery {
		if err := sess.Save(r, w); err != nil {
			return nil, err
		}
	}
	return &caller{Account: acct, session: sess}, nil
}

func (s *Server) sessionInfo(c *caller) api.Session {
	created, _ := c.session.Values[valCreated].(time.Time)
	seen, _ := c.session.Values[valSeen].(time.Time)
	expires := seen.Add(s.sessions.idle)
	if hard := created.Add(s.sessions.max); hard.Before(expires) {
		expires = hard
	}
	scope := c.Scope
	if c.Role == api.RoleAdmin {
		scope = []string{sqlite.AllScope}
	}
	return api.Session{Username: c.Name, Role: c.Role, Scope: scope, Expires: expires.UTC().Format(time.RFC3339)}
}

// handleSignIn serves POST /api/v1/session.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	var in api.SignIn
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	ip := clientIP(r)
	name := truncate(in.Username, sqlite.MaxNameBytes)
	event := sqlite.Entry{Kind: sqlite.KindEvent, Actor: name, IP: ip, UserAgent: truncate(r.UserAgent(), 256),
		RequestID: requestID(r.Context()), Action: "session.signin"}
	if wait := s.throttle.attempt(name, ip); wait > 0 {
		// Not audited: the password was not even checked, and a flood of
		// refused attempts must not fill the append-only log.
		s.log.Warn("sign-in refused by the throttle", "request_id", requestID(r.Context()), "account", name, "ip", ip)
		secs := int((wait + time.Second - 1) / time.Second)
		he := newError(http.StatusTooManyRequests, "rate_limited", fmt.Sprintf("Too many sign-in attempts. Try again in %s.", plural(secs, "second")))
		he.RetryAfter = secs
		s.writeAPIError(w, r, he)
		return
	}
	acct, err := s.db.Authenticate(r.Context(), name, in.Password)
	if errors.Is(err, sqlite.ErrBadCredentials) {
		event.Outcome, event.Detail = sqlite.OutcomeFailed, "wrong name or password, or account disabled"
		s.audit(r, event)
		s.writeAPIError(w, r, newError(http.StatusUnauthorized, "unauthenticated", "The name or password is not right."))
		return
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.throttle.succeed(name, ip)
	now := s.now()
	_ = s.db.DeleteExpiredSessions(r.Context(), now.Add(-s.sessions.idle), now.Add(-s.sessions.max))
	// A new session, with a new id, at every sign-in: end the one the
	// browser had, if any.
	cookie := s.cookieName(r)
	if old, err := s.sessions.Get(r, cookie); err == nil && !old.IsNew {
		_ = s.db.DeleteSession(r.Context(), old.ID)
	}
	sess := sessions.NewSession(s.sessions, cookie)
	sess.Options = s.sessions.options(r)
	sess.Values[valAccount] = acct.Name
	if err := s.sessions.Save(r, w, sess); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	event.Role, event.Outcome = acct.Role, sqlite.OutcomeOK
	s.audit(r, event)
	writeJSON(w, http.StatusOK, s.sessionInfo(&caller{Account: acct, session: sess}))
}

// handleWhoAmI serves GET /api/v1/session.
func (s *Server) handleWhoAmI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.sessionInfo(callerOf(r.Context())))
}

// handleSignOut serves DELETE /api/v1/session.
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	c.session.Options.MaxAge = -1
	if err := s.sessions.Save(r, w, c.session); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.audit(r, sqlite.Entry{Kind: sqlite.KindEvent, Actor: c.Name, Role: c.Role, IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 256),
		RequestID: requestID(r.Context()), Action: "session.signout", Outcome: sqlite.OutcomeOK})
	w.WriteHeader(http.StatusNoContent)
}

// audit records an event; a failure is logged (a sign-in is not refused
// because the log is down, but it is not silent either).
func (s *Server) audit(r *http.Request, e sqlite.Entry) {
	if _, err := s.db.Append(r.Context(), e); err != nil {
		s.log.Error("audit append failed", "request_id", requestID(r.Context()), "action", e.Action, "err", err)
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// throttle slows down password guessing, per account name and per address:
// after a few failures each further attempt must wait, twice as long each
// time, up to a cap. Failures are forgotten after a quiet period.
type throttle struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]*failures
}

type failures struct {
	count int
	last  time.Time
	until time.Time
}

const (
	accountFreeFailures = 5  // a person mistyping
	ipFreeFailures      = 20 // several people behind one address
	throttleMax         = 15 * time.Minute
	throttleForget      = 30 * time.Minute
)

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, m: map[string]*failures{}}
}

func throttleKeys(name, ip string) [2]string { return [2]string{"account:" + name, "ip:" + ip} }

// attempt returns how long the caller must wait before trying again, or 0
// to go ahead. Going ahead counts as a failure until succeed says
// otherwise, so that many attempts in parallel cannot all pass before the
// first failure is recorded.
func (t *throttle) attempt(name, ip string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var longest time.Duration
	keys := throttleKeys(name, ip)
	for _, k := range keys {
		if f := t.m[k]; f != nil && f.until.After(now) {
			longest = max(longest, f.until.Sub(now))
		}
	}
	if longest > 0 {
		return longest
	}
	for i, k := range keys {
		f := t.m[k]
		if f == nil || now.Sub(f.last) > throttleForget {
			f = &failures{}
			t.m[k] = f
		}
		f.count++
		f.last = now
		free := accountFreeFailures
		if i == 1 {
			free = ipFreeFailures
		}
		if over := f.count - free; over > 0 {
			f.until = now.Add(min(time.Second<<min(over-1, 20), throttleMax))
		}
	}
	if len(t.m) > 10000 {
		for k, f := range t.m {
			if now.Sub(f.last) > throttleForget {
				delete(t.m, k)
			}
		}
	}
	return 0
}

// succeed takes back the attempt of a good sign-in: the account's failures
// are forgotten, the address's count loses this attempt only (one good
// password must not reset a guesser's budget for other accounts).
func (t *throttle) succeed(name, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, "account:"+name)
	if f := t.m["ip:"+ip]; f != nil && f.count > 0 {
		f.count--
		if f.count <= ipFreeFailures {
			f.until = time.Time{}
		}
	}
}
