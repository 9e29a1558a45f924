// Package accounts administers panel accounts — add, change role and
// scope, disable and enable, reset passwords, end sessions — for the admin
// pages and the command line alike, so both keep the same rules and leave
// the same audit entries: who did it, and the account before and after
// (never a password or its hash).
package accounts

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

// Actor is who makes a change, as the audit log records it.
type Actor struct {
	Name, Role, IP, UserAgent, RequestID string
}

// Event is the audit entry of a change by made outside the families'
// change path (an account, the attribute key registry): the request, and
// the state before and after (nil: none), in JSON; done, with detail.
func (by Actor) Event(action, target string, request, before, after any, detail string) sqlite.Entry {
	req, _ := json.Marshal(request)
	var b, a []byte
	if before != nil {
		b, _ = json.Marshal(before)
	}
	if after != nil {
		a, _ = json.Marshal(after)
	}
	return sqlite.Entry{Kind: sqlite.KindEvent, Actor: by.Name, Role: by.Role, IP: by.IP, UserAgent: by.UserAgent,
		RequestID: by.RequestID, Action: action, Target: target, Request: req, Before: b, After: a, Outcome: sqlite.OutcomeOK, Detail: detail}
}

// Admin does account administration on a database.
type Admin struct {
	DB        *sqlite.DB
	Now       func() time.Time
	Idle, Max time.Duration // session timeouts, to count sessions that have not ended
	// Log is told when a change was made but its audit entry could not be
	// written: the change stands, and that must not pass silently.
	Log *slog.Logger
}

// Error is a refusal with the HTTP status it answers with and the field at
// fault; the message is for the person.
type Error struct {
	Status int
	Field  string
	Say    api.Phrase
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Say.English()
	}
	return e.Say.English()
}

func refuse(status int, field, format string, args ...any) *Error {
	return &Error{status, field, api.Say(format, args...)}
}

// View is the account as admins see it.
func (ad *Admin) View(a *sqlite.Account, sessions int) api.Account {
	v := api.Account{Name: a.Name, Role: a.Role, Scope: a.Scope, ScopeWords: a.Scope.String(), Disabled: a.Disabled,
		MustChangePassword: a.MustChangePassword, Sessions: sessions}
	if a.Role == api.RoleAdmin {
		v.ScopeWords = "everything (admin)"
	}
	if !a.LastSignIn.IsZero() {
		t := a.LastSignIn.UTC()
		v.LastSignIn = &t
	}
	return v
}

func (ad *Admin) sessions(ctx context.Context) (map[string]int, error) {
	now := ad.Now()
	return ad.DB.SessionCounts(ctx, now.Add(-ad.Idle), now.Add(-ad.Max))
}

// List returns every account by name.
func (ad *Admin) List(ctx context.Context) ([]api.Account, error) {
	accts, err := ad.DB.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := ad.sessions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]api.Account, 0, len(accts))
	for _, a := range accts {
		out = append(out, ad.View(a, counts[a.Name]))
	}
	return out, nil
}

// Get returns one account.
func (ad *Admin) Get(ctx context.Context, name string) (api.Account, error) {
	a, err := ad.DB.Account(ctx, name)
	if errors.Is(err, sqlite.ErrNotFound) {
		return api.Account{}, refuse(http.StatusNotFound, "", "There is no account “%s”.", name)
	}
	if err != nil {
		return api.Account{}, err
	}
	counts, err := ad.sessions(ctx)
	if err != nil {
		return api.Account{}, err
	}
	return ad.View(a, counts[a.Name]), nil
}

// check validates a new account's fields, naming the one at fault.
func check(name, role string, scope api.Scope) error {
	if err := sqlite.CheckName(name); err != nil {
		return refuse(http.StatusBadRequest, "name", "An account name is 1 to 64 bytes, without spaces or control characters.")
	}
	if err := sqlite.CheckRole(role); err != nil {
		return refuse(http.StatusBadRequest, "role", "The role must be viewer, moderator or admin.")
	}
	if fe := scope.Validate(); fe != nil {
		return &Error{http.StatusBadRequest, fe.Field, fe.Say}
	}
	return nil
}

// NewPassword makes a one-time password: 16 letters and digits, easy to
// read out, far above what guessing reaches under the sign-in throttle.
func NewPassword() string { return strings.ToLower(rand.Text()[:16]) }

// Add creates an account. With password "" a one-time password is made,
// returned, and must be replaced at the first sign-in; the command line
// passes one read from standard input instead.
func (ad *Admin) Add(ctx context.Context, by Actor, req api.AccountNew, password string) (api.OneTimePassword, error) {
	if err := check(req.Name, req.Role, req.Scope); err != nil {
		return api.OneTimePassword{}, err
	}
	oneTime := password == ""
	if oneTime {
		password = NewPassword()
	} else if err := sqlite.CheckPassword(password); err != nil {
		return api.OneTimePassword{}, refuse(http.StatusBadRequest, "password", "A password is 12 to 72 bytes.")
	}
	if _, err := ad.DB.Account(ctx, req.Name); err == nil {
		return api.OneTimePassword{}, refuse(http.StatusConflict, "name", "An account “%s” already exists.", req.Name)
	}
	if err := ad.DB.AddAccount(ctx, req.Name, password, req.Role, req.Scope); err != nil {
		return api.OneTimePassword{}, err
	}
	if oneTime {
		if err := ad.DB.SetPassword(ctx, req.Name, password, true); err != nil {
			return api.OneTimePassword{}, err
		}
	}
	after, err := ad.Get(ctx, req.Name)
	if err != nil {
		return api.OneTimePassword{}, err
	}
	ad.audit(ctx, by, "account.add", req.Name, req, nil, after)
	out := api.OneTimePassword{Account: after}
	if oneTime {
		out.Password = password
	}
	return out, nil
}

// Update changes an account's role, scope or disabled state. The last
// enabled admin can be neither disabled nor given another role.
func (ad *Admin) Update(ctx context.Context, by Actor, name string, req api.AccountUpdate) (api.Account, error) {
	if req.Role == nil && req.Scope == nil && req.Disabled == nil {
		return api.Account{}, refuse(http.StatusBadRequest, "role", "There is nothing to change.")
	}
	if req.Role != nil {
		if err := sqlite.CheckRole(*req.Role); err != nil {
			return api.Account{}, refuse(http.StatusBadRequest, "role", "The role must be viewer, moderator or admin.")
		}
	}
	if req.Scope != nil {
		if fe := req.Scope.Validate(); fe != nil {
			return api.Account{}, &Error{http.StatusBadRequest, fe.Field, fe.Say}
		}
	}
	before, _, err := ad.DB.UpdateAccount(ctx, name, func(a *sqlite.Account) error {
		if req.Role != nil {
			a.Role = *req.Role
		}
		if req.Scope != nil {
			a.Scope = req.Scope.Normalise()
		}
		if req.Disabled != nil {
			a.Disabled = *req.Disabled
		}
		return nil
	})
	switch {
	case errors.Is(err, sqlite.ErrNotFound):
		return api.Account{}, refuse(http.StatusNotFound, "", "There is no account “%s”.", name)
	case errors.Is(err, sqlite.ErrLastAdmin):
		return api.Account{}, refuse(http.StatusConflict, "role",
			"“%s” is the last enabled admin: the panel would have no admin left. Make another account an admin first.", name)
	case err != nil:
		return api.Account{}, err
	}
	after, err := ad.Get(ctx, name)
	if err != nil {
		return api.Account{}, err
	}
	counts, _ := ad.sessions(ctx)
	ad.audit(ctx, by, "account.update", name, req, ad.View(before, counts[name]), after)
	return after, nil
}

// ResetPassword gives an account a new one-time password, ends its
// sessions, and returns the password (shown once).
func (ad *Admin) ResetPassword(ctx context.Context, by Actor, name string) (api.OneTimePassword, error) {
	before, err := ad.Get(ctx, name)
	if err != nil {
		return api.OneTimePassword{}, err
	}
	password := NewPassword()
	if err := ad.DB.SetPassword(ctx, name, password, true); err != nil {
		return api.OneTimePassword{}, err
	}
	after, err := ad.Get(ctx, name)
	if err != nil {
		return api.OneTimePassword{}, err
	}
	ad.audit(ctx, by, "account.password.reset", name, map[string]any{}, before, after)
	return api.OneTimePassword{Account: after, Password: password}, nil
}

// SetPassword sets a password chosen by whoever runs the command line; the
// account's sessions end.
func (ad *Admin) SetPassword(ctx context.Context, by Actor, name, password string) error {
	if err := sqlite.CheckPassword(password); err != nil {
		return refuse(http.StatusBadRequest, "password", "A password is 12 to 72 bytes.")
	}
	before, err := ad.Get(ctx, name)
	if err != nil {
		return err
	}
	if err := ad.DB.SetPassword(ctx, name, password, false); err != nil {
		return err
	}
	after, _ := ad.Get(ctx, name)
	ad.audit(ctx, by, "account.passwd", name, map[string]any{}, before, after)
	return nil
}

// EndSessions ends every session of an account now.
func (ad *Admin) EndSessions(ctx context.Context, by Actor, name string) (api.Account, error) {
	before, err := ad.Get(ctx, name)
	if err != nil {
		return api.Account{}, err
	}
	if _, err := ad.DB.EndSessions(ctx, name); err != nil {
		return api.Account{}, err
	}
	after, err := ad.Get(ctx, name)
	if err != nil {
		return api.Account{}, err
	}
	ad.audit(ctx, by, "account.sessions.end", name, map[string]any{}, before, after)
	return after, nil
}

// audit records an account change; a failure is logged (see Log).
func (ad *Admin) audit(ctx context.Context, by Actor, action, target string, request, before, after any) {
	_, err := ad.DB.Append(ctx, by.Event(action, target, request, before, after, ""))
	if err != nil && ad.Log != nil {
		ad.Log.ErrorContext(ctx, "account changed, but the change is not in the audit log", "action", action, "account", target, "err", err)
	}
}

func quote(s string) string { return "\u201c" + s + "\u201d" }
