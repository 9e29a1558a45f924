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
