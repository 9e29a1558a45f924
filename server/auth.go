package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

// Authentication: signing in makes a session (handleSignIn), every request
// after is its session's caller (requireSession, authenticate), and signing
// out ends it; changing the password ends the account's other sessions.

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

// touchEvery is how long after the last recorded use a session's last-use
// time is written again: often enough that a session used at least once per
// idle period never ends early (a quarter of the idle timeout, so a short
// setting such as 1m is tracked to 15 s), and at most once a minute.
func touchEvery(idle time.Duration) time.Duration { return min(idle/4, time.Minute) }

// requireSession wraps API handlers that need a signed-in account.
func (s *Server) requireSession(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.authenticate(w, r)
		if err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		// A first or reset password opens only the way to replace it.
		if c.MustChangePassword && !passwordChangeRoutes[r.Pattern] {
			s.writeAPIError(w, r, errMustChangePassword)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
	}
}

// passwordChangeRoutes are what an account that must set a new password
// may reach: its session, and the password change.
var passwordChangeRoutes = map[string]bool{
	"GET /api/v1/session": true, "DELETE /api/v1/session": true, "POST /api/v1/session/password": true,
}

var errMustChangePassword = newError(http.StatusForbidden, api.CodePermissionDenied,
	"Set a new password of your own before you go on: you signed in with a one-time password.")

func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*caller, error) {
	sess, err := s.sessions.Get(r, s.cookieName(r))
	if err != nil {
		return nil, err
	}
	if sess.IsNew {
		switch sess.Values[valEnded] {
		case true:
			return nil, errSessionExpired
		case sqlite.EndedByAdmin:
			return nil, errSessionEndedByAdmin
		case sqlite.EndedIdle:
			return nil, errSessionIdle(s.sessions.idle)
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
	if seen, _ := sess.Values[valSeen].(time.Time); s.now().Sub(seen) >= touchEvery(s.sessions.idle) {
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
	if c.SeesEverything() {
		scope = api.Scope{All: true}.Normalise()
	}
	return api.Session{Username: c.Name, Role: c.Role, Scope: scope, Expires: expires.UTC().Format(time.RFC3339),
		MustChangePassword: c.MustChangePassword}
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
	device := s.trustedDevice(r, name)
	keys := signInKeys(name, ip, device, s.oneTimePasswordPending(r.Context(), name))
	throttled := func(wait time.Duration) {
		// Not audited: the password was not even checked, and a flood of
		// refused attempts must not fill the append-only log.
		s.log.WarnContext(r.Context(), "sign-in refused by the throttle", "account", name, "ip", ip, "trusted_device", device != "")
		secs := int((wait + time.Second - 1) / time.Second)
		he := newError(http.StatusTooManyRequests, api.CodeRateLimited, "Too many sign-in attempts. Try again %s.", inSeconds(secs))
		he.RetryAfter = secs
		s.writeAPIError(w, r, he)
	}
	// The throttle is asked first, so that a throttled attempt takes no
	// place among the password checks; it counts the attempt only once
	// the attempt has a place, so that one refused for want of a place
	// (the password unchecked) costs its sender nothing.
	if wait := s.throttle.wait(keys); wait > 0 {
		throttled(wait)
		return
	}
	release, ok := s.checks.acquire(r.Context())
	if !ok {
		if n, logNow := s.checks.noteRefusal(s.now()); logNow {
			s.log.WarnContext(r.Context(), "sign-ins refused: every password check was busy", "refused_since_last_said", n, "last_ip", ip)
		}
		s.writeAPIError(w, r, errChecksBusy)
		return
	}
	if wait := s.throttle.attempt(keys); wait > 0 {
		release()
		throttled(wait)
		return
	}
	acct, err := s.db.Authenticate(r.Context(), name, in.Password)
	release()
	if errors.Is(err, sqlite.ErrBadCredentials) {
		event.Outcome, event.Detail = sqlite.OutcomeFailed, "wrong name or password"
		if errors.Is(err, sqlite.ErrDisabled) {
			event.Detail = "the right password of a disabled account"
		}
		s.audit(r, event)
		s.writeAPIError(w, r, newError(http.StatusUnauthorized, api.CodeUnauthenticated, "The name or password is not right."))
		return
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.throttle.succeed(keys)
	if err := s.setDeviceCookie(w, r, acct.Name, device); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	now := s.now()
	if err := s.db.RecordSignIn(r.Context(), acct.Name, now); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
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

// inSeconds is "in N seconds" as a phrase, singular for one.
func inSeconds(n int) api.Phrase {
	if n == 1 {
		return api.Say("in 1 second")
	}
	return api.Say("in %d seconds", n)
}

// handleChangePassword serves POST /api/v1/session/password: the signed-in
// account replaces its password (the current one is asked again). Its other
// sessions end; this one goes on.
func (s *Server) handleChangePassword(w http.ResponseWriter, r *http.Request) {
	var in api.PasswordChange
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	c := callerOf(r.Context())
	ip := clientIP(r)
	keys := signInKeys(c.Name, ip, s.trustedDevice(r, c.Name), false)
	// A place among the password checks for the check of the current
	// password and the hash of the new one (see checkPool).
	release, ok := s.checks.acquire(r.Context())
	if !ok {
		s.writeAPIError(w, r, errChecksBusy)
		return
	}
	defer release()
	if wait := s.throttle.attempt(keys); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		he := newError(http.StatusTooManyRequests, api.CodeRateLimited, "Too many attempts. Try again %s.", inSeconds(secs))
		he.RetryAfter = secs
		s.writeAPIError(w, r, he)
		return
	}
	if _, err := s.db.Authenticate(r.Context(), c.Name, in.Current); err != nil {
		if errors.Is(err, sqlite.ErrBadCredentials) {
			err = &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "current", Say: say("Your current password is not right.")}
		}
		s.writeAPIError(w, r, err)
		return
	}
	s.throttle.succeed(keys)
	switch {
	case sqlite.CheckPassword(in.New) != nil:
		s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "new",
			Say: say("A password is %d to %d bytes; this one is %d.", sqlite.MinPasswordBytes, sqlite.MaxPasswordBytes, len(in.New))})
		return
	case in.New == in.Current:
		s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "new",
			Say: say("Choose a password other than the one you have now.")})
		return
	}
	if err := s.db.ChangeOwnPassword(r.Context(), c.Name, in.New, c.session.ID); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.audit(r, sqlite.Entry{Kind: sqlite.KindEvent, Actor: c.Name, Role: c.Role, IP: ip, UserAgent: truncate(r.UserAgent(), 256),
		RequestID: requestID(r.Context()), Action: "account.password.change", Target: c.Name, Outcome: sqlite.OutcomeOK})
	c.MustChangePassword = false
	writeJSON(w, http.StatusOK, s.sessionInfo(c))
}

// oneTimePasswordPending tells whether the account's only password is one
// an administrator made (a first or reset password, 16 random letters and
// digits) and its owner has not replaced yet. Such an account is not held
// by its own failure count: an attacker who keeps that count high (paced
// guesses from many addresses) cannot keep its owner out on a new device,
// because the administrator's new one-time password lets the owner in at
// once — and guessing it (80 random bits) is out of reach whatever the
// pace. Each address is still held by its own count.
func (s *Server) oneTimePasswordPending(ctx context.Context, name string) bool {
	a, err := s.db.Account(ctx, name)
	return err == nil && a.MustChangePassword && !a.Disabled
}
