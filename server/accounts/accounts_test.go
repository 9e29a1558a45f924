package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

func init() { sqlite.BcryptCost = bcrypt.MinCost }

func newAdmin(t *testing.T) *Admin {
	t.Helper()
	db, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &Admin{DB: db, Now: time.Now, Idle: time.Hour, Max: time.Hour}
}

var by = Actor{Name: "root", Role: api.RoleAdmin, IP: "192.0.2.1", RequestID: "r1"}

// A new account gets a one-time password that signs in once and must be
// replaced; the audit entry has the account after, never the password.
func TestAddWithOneTimePassword(t *testing.T) {
	ad := newAdmin(t)
	ctx := context.Background()
	out, err := ad.Add(ctx, by, api.AccountNew{Name: "mei", Role: api.RoleModerator,
		Scope: api.Scope{Groups: []string{"@TGS#a"}, MembersOf: []string{"@TGS#b"}, Users: []string{"alice"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Password) != 16 || !out.Account.MustChangePassword || out.Account.ScopeWords != "1 group, members of 1 group, 1 user" {
		t.Fatalf("added: %+v", out)
	}
	a, err := ad.DB.Authenticate(ctx, "mei", out.Password)
	if err != nil || !a.MustChangePassword {
		t.Fatalf("sign-in with the one-time password: %+v %v", a, err)
	}
	recs, err := ad.DB.Records(ctx, sqlite.Filter{Action: "account.add"})
	if err != nil || len(recs) != 1 || recs[0].Actor != "root" || !strings.Contains(string(recs[0].After), `"mustChangePassword":true`) {
		t.Fatalf("audit: %+v %v", recs, err)
	}
	if strings.Contains(string(recs[0].Request)+string(recs[0].After), out.Password) {
		t.Fatal("the audit log holds the password")
	}
	for _, c := range []struct {
		req   api.AccountNew
		field string
	}{
		{api.AccountNew{Name: "mei", Role: "viewer"}, "name"},
		{api.AccountNew{Name: "with space", Role: "viewer"}, "name"},
		{api.AccountNew{Name: "x", Role: "owner"}, "role"},
		{api.AccountNew{Name: "x", Role: "viewer", Scope: api.Scope{Users: []string{strings.Repeat("u", 33)}}}, "scope.users[0]"},
	} {
		var e *Error
		if _, err := ad.Add(ctx, by, c.req, ""); !errors.As(err, &e) || e.Field != c.field {
			t.Errorf("Add(%+v) = %v, want a refusal of %s", c.req, err, c.field)
		}
	}
}

// The last enabled admin can be neither disabled nor demoted; with a second
// admin both work, and disabling ends the sessions.
func TestLastAdminStays(t *testing.T) {
	ad := newAdmin(t)
	ctx := context.Background()
	if _, err := ad.Add(ctx, by, api.AccountNew{Name: "boss", Role: api.RoleAdmin}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	viewer, disabled := api.RoleViewer, true
	for _, req := range []api.AccountUpdate{{Role: &viewer}, {Disabled: &disabled}} {
		var e *Error
		if _, err := ad.Update(ctx, by, "boss", req); !errors.As(err, &e) || e.Status != 409 || !strings.Contains(e.Say.English(), "last enabled admin") {
			t.Fatalf("Update(%+v) of the last admin = %v", req, err)
		}
	}
	if _, err := ad.Add(ctx, by, api.AccountNew{Name: "deputy", Role: api.RoleAdmin}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ad.DB.CreateSession(ctx, sqlite.SessionRow{ID: "s", Account: "boss", Created: now, LastSeen: now})
	if a, err := ad.Update(ctx, by, "boss", api.AccountUpdate{Disabled: &disabled}); err != nil || !a.Disabled || a.Sessions != 0 {
		t.Fatalf("disable with another admin: %+v %v", a, err)
	}
	recs, _ := ad.DB.Records(ctx, sqlite.Filter{Action: "account.update"})
	if len(recs) != 1 || !strings.Contains(string(recs[0].Before), `"disabled":false`) || !strings.Contains(string(recs[0].After), `"disabled":true`) {
		t.Fatalf("audit of the update: %+v", recs)
	}
	if _, err := ad.Update(ctx, by, "ghost", api.AccountUpdate{Disabled: &disabled}); err == nil || err.(*Error).Status != 404 {
		t.Fatalf("unknown account: %v", err)
	}
}
