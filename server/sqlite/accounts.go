package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
)

// Account is a panel account (not a Tencent user): who it is, its role and
// scope (what access decides with), and whether it is disabled.
type Account struct {
	access.Principal
	Disabled           bool
	MustChangePassword bool      // a first or reset password: set a new one before anything else
	LastSignIn         time.Time // zero: never
	hash               string
}

// Password rules: long enough to resist guessing, short enough for bcrypt
// (which reads 72 bytes).
const (
	MinPasswordBytes = 12
	MaxPasswordBytes = 72
	MaxNameBytes     = 64
)

// CheckName validates an account name: 1 to MaxNameBytes bytes, no white
// space, and a name by api.CheckName's rules (nothing that reorders or
// hides text).
func CheckName(name string) error {
	if name == "" || len(name) > MaxNameBytes || !utf8.ValidString(name) {
		return fmt.Errorf("an account name is 1 to %d bytes", MaxNameBytes)
	}
	if strings.IndexFunc(name, unicode.IsSpace) >= 0 {
		return errors.New("an account name has no spaces or control characters")
	}
	if fe := api.CheckName("name", api.Say("The name"), name); fe != nil {
		return errors.New(fe.Say.English())
	}
	return nil
}

// CheckPassword validates a new password.
func CheckPassword(pw string) error {
	if len(pw) < MinPasswordBytes || len(pw) > MaxPasswordBytes {
		return fmt.Errorf("a password is %d to %d bytes", MinPasswordBytes, MaxPasswordBytes)
	}
	return nil
}

// CheckRole validates a role name.
func CheckRole(role string) error {
	switch role {
	case api.RoleViewer, api.RoleModerator, api.RoleAdmin:
		return nil
	}
	return fmt.Errorf("role %q is not viewer, moderator or admin", role)
}

// BcryptCost is the cost of new password hashes; tests lower it.
var BcryptCost = 12

// dummyHash is compared against when an account does not exist, so that a
// sign-in takes as long whether or not the name is known. It is made at the
// cost of real hashes, on first use (tests lower BcryptCost first).
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("imdesk-no-such-account"), BcryptCost)
	return h
})

// AddAccount creates an account.
func (d *DB) AddAccount(ctx context.Context, name, password, role string, scope api.Scope) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	if err := CheckRole(role); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return err
	}
	scopeJSON, err := scopeJSON(scope)
	if err != nil {
		return err
	}
	now := d.now().Unix()
	_, err = d.db.ExecContext(ctx, `INSERT INTO accounts (name, password_hash, role, scope, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		name, string(hash), role, string(scopeJSON), now, now)
	if isUnique(err) {
		return fmt.Errorf("account %q already exists", name)
	}
	return err
}

func scopeJSON(scope api.Scope) (string, error) {
	scope = scope.Normalise()
	if err := scope.Validate(); err != nil {
		return "", err
	}
	b, err := json.Marshal(scope)
	return string(b), err
}

// SetScope changes what an account may see and change; its sessions go on
// (the next request is judged by the new scope).
func (d *DB) SetScope(ctx context.Context, name string, scope api.Scope) error {
	js, err := scopeJSON(scope)
	if err != nil {
		return err
	}
	res, err := d.db.ExecContext(ctx, `UPDATE accounts SET scope = ?, updated_at = ? WHERE name = ?`, js, d.now().Unix(), name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("account %q: %w", name, ErrNotFound)
	}
	return nil
}

// SetPassword changes an account's password and ends its sessions. With
// mustChange, the password is a first or reset one that its owner must
// replace at the next sign-in.
func (d *DB) SetPassword(ctx context.Context, name, password string, mustChange bool) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return err
	}
	return d.updateAccount(ctx, name, `UPDATE accounts SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE name = ?`,
		string(hash), mustChange, d.now().Unix(), name)
}

// ChangeOwnPassword replaces the password of a signed-in account and ends
// its other sessions (keep names the session to keep).
func (d *DB) ChangeOwnPassword(ctx context.Context, name, password, keep string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return err
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = ?, must_change_password = 0, updated_at = ? WHERE name = ?`,
		string(hash), d.now().Unix(), name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("account %q: %w", name, ErrNotFound)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account = ? AND id != ?`, name, keep); err != nil {
		return err
	}
	return tx.Commit()
}

// ErrLastAdmin refuses a change that would leave no enabled admin.
var ErrLastAdmin = errors.New("the last enabled admin cannot be disabled or given another role")

// UpdateAccount changes an account's role, scope and disabled state as
// change says, in one transaction that refuses to leave no enabled admin.
// Disabling ends the account's sessions. It returns the account before and
// after.
func (d *DB) UpdateAccount(ctx context.Context, name string, change func(*Account) error) (before, after *Account, err error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	before, err = scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE name = ?`, name))
	if err != nil {
		return nil, nil, fmt.Errorf("account %q: %w", name, err)
	}
	a := *before
	if err := change(&a); err != nil {
		return nil, nil, err
	}
	if err := CheckRole(a.Role); err != nil {
		return nil, nil, err
	}
	scope, err := scopeJSON(a.Scope)
	if err != nil {
		return nil, nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET role = ?, scope = ?, disabled = ?, updated_at = ? WHERE name = ?`,
		a.Role, scope, a.Disabled, d.now().Unix(), name); err != nil {
		return nil, nil, err
	}
	wasAdmin := before.Role == api.RoleAdmin && !before.Disabled
	if isAdmin := a.Role == api.RoleAdmin && !a.Disabled; wasAdmin && !isAdmin {
		var admins int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE role = 'admin' AND disabled = 0`).Scan(&admins); err != nil {
			return nil, nil, err
		}
		if admins == 0 {
			return nil, nil, ErrLastAdmin
		}
	}
	if a.Disabled && !before.Disabled {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account = ?`, name); err != nil {
			return nil, nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, err
	}
	after, err = d.Account(ctx, name)
	return before, after, err
}

// RecordSignIn notes a successful sign-in.
func (d *DB) RecordSignIn(ctx context.Context, name string, at time.Time) error {
	_, err := d.db.ExecContext(ctx, `UPDATE accounts SET last_signin = ? WHERE name = ?`, at.UnixMilli(), name)
	return err
}

// EndSessions ends every session of an account now and says how many;
// each is kept as ended by an administrator (EndedSession).
func (d *DB) EndSessions(ctx context.Context, name string) (int, error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO ended_sessions (id, reason, ended_at)
		SELECT id, 'admin', ? FROM sessions WHERE account = ?`+endedUpsert, time.Now().UnixMilli(), name); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account = ?`, name)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), tx.Commit()
}

// SetDisabled disables (or enables) an account; disabling ends its sessions
// at once.
func (d *DB) SetDisabled(ctx context.Context, name string, disabled bool) error {
	_, _, err := d.UpdateAccount(ctx, name, func(a *Account) error { a.Disabled = disabled; return nil })
	return err
}

func (d *DB) updateAccount(ctx context.Context, name, query string, args ...any) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("account %q: %w", name, ErrNotFound)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account = ?`, name); err != nil {
		return err
	}
	return tx.Commit()
}

// Account returns the named account.
func (d *DB) Account(ctx context.Context, name string) (*Account, error) {
	row := d.db.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE name = ?`, name)
	return scanAccount(row)
}

type scanner interface{ Scan(...any) error }

const accountColumns = `name, password_hash, role, scope, disabled, must_change_password, last_signin`

func scanAccount(row scanner) (*Account, error) {
	var a Account
	var scope string
	var last sql.NullInt64
	if err := row.Scan(&a.Name, &a.hash, &a.Role, &scope, &a.Disabled, &a.MustChangePassword, &last); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if err := json.Unmarshal([]byte(scope), &a.Scope); err != nil {
		return nil, fmt.Errorf("account %s: scope: %w", a.Name, err)
	}
	a.Scope = a.Scope.Normalise()
	if last.Valid {
		a.LastSignIn = time.UnixMilli(last.Int64)
	}
	return &a, nil
}

// Accounts lists every account by name.
func (d *DB) Accounts(ctx context.Context) ([]*Account, error) {
	return queryAll(ctx, d.db, scanAccount, `SELECT `+accountColumns+` FROM accounts ORDER BY name`)
}

// queryAll runs a query and scans each row it returns with scan.
func queryAll[T any](ctx context.Context, db querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ErrBadCredentials is the one answer to a failed sign-in, whatever failed.
var ErrBadCredentials = errors.New("bad credentials")

// Authenticate checks a name and password. Unknown names, wrong passwords
// and disabled accounts all return ErrBadCredentials, after the same work.
func (d *DB) Authenticate(ctx context.Context, name, password string) (*Account, error) {
	a, err := d.Account(ctx, name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	hash := dummyHash()
	if a != nil {
		hash = []byte(a.hash)
	}
	switch {
	case bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || a == nil:
		return nil, ErrBadCredentials
	case a.Disabled:
		// The right password of a disabled account: the same answer to
		// the person (ErrBadCredentials), but the audit log says what
		// happened.
		return nil, fmt.Errorf("%w: %w", ErrBadCredentials, ErrDisabled)
	}
	return a, nil
}

// ErrDisabled is wrapped in ErrBadCredentials when the password was right
// but the account is disabled.
var ErrDisabled = errors.New("account disabled")
