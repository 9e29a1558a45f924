package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/pgtest"
)

func init() { BcryptCost = bcrypt.MinCost }

// testAuditKey keys the audit chain in tests.
var testAuditKey = []byte("0123456789abcdef0123456789abcdef")

// openTest opens a new, empty store for one test: SQLite, or PostgreSQL
// when the package's tests run again on it (TestMain).
func openTest(t *testing.T) *DB {
	t.Helper()
	o := Options{AuditKey: testAuditKey}
	if onPostgres {
		o.DatabaseURL = pgtest.Need(t)
	}
	d, err := Open(t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// appendDone appends the intent e and completes it ok, with Tencent's
// ErrorInfo info: a change made, as the change path records it.
func appendDone(ctx context.Context, d *DB, e Entry, info string) error {
	in, err := d.Append(ctx, e)
	if err != nil {
		return err
	}
	return d.Complete(ctx, in, OutcomeOK, 0, info, "", 0)
}

func TestAccounts(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	// A blank or padded ID is refused, never trimmed into another one.
	for _, id := range []string{" ", " @TGS#a", "@TGS#a\n", "@TGS#a\u2028"} {
		if err := d.AddAccount(ctx, "mod", "correct horse battery", "moderator", api.Scope{Groups: []string{"@TGS#a", id}}); err == nil {
			t.Fatalf("scope with %q accepted", id)
		}
	}
	if err := d.AddAccount(ctx, "mod", "correct horse battery", "moderator", api.Scope{Groups: []string{"@TGS#a", "@TGS#a"}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, pw, role string }{
		{"mod", "correct horse battery", "viewer"}, // exists
		{"has space", "correct horse battery", "viewer"},
		{"short", "short", "viewer"},
		{"x", "correct horse battery", "owner"},
	} {
		if err := d.AddAccount(ctx, c.name, c.pw, c.role, api.Scope{}); err == nil {
			t.Errorf("AddAccount(%q, %q) accepted", c.name, c.role)
		}
	}
	a, err := d.Authenticate(ctx, "mod", "correct horse battery")
	if err != nil || a.Role != "moderator" || len(a.Scope.Groups) != 1 || !a.SeesGroup("@TGS#a") || a.SeesGroup("@TGS#b") {
		t.Fatalf("Authenticate = %+v, %v", a, err)
	}
	for _, c := range []struct{ name, pw string }{{"mod", "wrong password!!"}, {"nobody", "correct horse battery"}} {
		if _, err := d.Authenticate(ctx, c.name, c.pw); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("Authenticate(%q) = %v", c.name, err)
		}
	}
	// Disabling ends sessions and refuses sign-in with the same answer.
	now := time.Now()
	d.CreateSession(ctx, SessionRow{ID: "s1", Account: "mod", Created: now, LastSeen: now})
	if err := d.SetDisabled(ctx, "mod", true); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Session(ctx, "s1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("session after disable: %v", err)
	}
	if _, err := d.Authenticate(ctx, "mod", "correct horse battery"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("disabled sign-in: %v", err)
	}
	d.SetDisabled(ctx, "mod", false)
	d.CreateSession(ctx, SessionRow{ID: "s2", Account: "mod", Created: now, LastSeen: now})
	if err := d.SetPassword(ctx, "mod", "another long password", false); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Session(ctx, "s2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("session after password change: %v", err)
	}
	if err := d.SetPassword(ctx, "ghost", "another long password", false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SetPassword(ghost) = %v", err)
	}
}

func TestAuditChain(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	ev, err := d.Append(ctx, Entry{Kind: KindEvent, Actor: "alice", Role: "admin", Action: "session.signin", Outcome: OutcomeOK})
	if err != nil || ev.Seq != 1 || ev.PrevHash != "" {
		t.Fatalf("first entry %+v %v", ev, err)
	}
	in, _ := d.Append(ctx, Entry{Kind: KindIntent, Actor: "alice", Action: "group.attributes.patch", Target: "@TGS#a",
		Request: json.RawMessage(`{"set":[{"key":"k","value":"v"}]}`), Before: json.RawMessage(`[]`), Outcome: OutcomePending})
	if in.PrevHash != ev.Hash {
		t.Fatal("not chained")
	}
	if err := d.Complete(ctx, in, OutcomeOK, 0, "", "", 12*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	dangling, _ := d.Append(ctx, Entry{Kind: KindIntent, Actor: "bob", Action: "group.attributes.clear", Target: "@TGS#b", Outcome: OutcomePending})
	n, err := d.RecoverPending(ctx)
	if err != nil || n != 1 {
		t.Fatalf("RecoverPending = %d, %v", n, err)
	}
	recs, err := d.Records(ctx, Filter{})
	if err != nil || len(recs) != 3 {
		t.Fatalf("Records = %d, %v", len(recs), err)
	}
	if recs[0].Seq != dangling.Seq || recs[0].Outcome != OutcomeUnknown || recs[1].Outcome != OutcomeOK || recs[1].DurationMS != 12 {
		t.Fatalf("merged outcomes: %+v / %+v", recs[0].AuditEntry, recs[1].AuditEntry)
	}
	if recs, _ := d.Records(ctx, Filter{Outcome: OutcomeUnknown}); len(recs) != 1 {
		t.Fatalf("outcome filter: %d", len(recs))
	}
	if recs, _ := d.Records(ctx, Filter{Limited: true, Groups: []string{"@TGS#a"}, Self: "nobody"}); len(recs) != 1 || recs[0].Target != "@TGS#a" {
		t.Fatalf("visibility filter: %+v", recs)
	}
	if recs, _ := d.Records(ctx, Filter{Before: 3, Limit: 1}); len(recs) != 1 || recs[0].Seq != 2 {
		t.Fatalf("cursor: %+v", recs)
	}
	if n, broken, err := d.Verify(ctx); err != nil || broken != nil || n != 5 {
		t.Fatalf("Verify = %d, %v, %v", n, broken, err)
	}
	// The table refuses edits.
	if _, err := d.db.Exec(`UPDATE audit SET actor = 'mallory' WHERE seq = 2`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update allowed: %v", err)
	}
	if _, err := d.db.Exec(`DELETE FROM audit WHERE seq = 2`); err == nil {
		t.Fatal("delete allowed")
	}
	// Someone with the file drops the trigger and edits an entry: Verify
	// names it.
	dropTrigger(t, d, "audit_no_update")
	if _, err := d.db.Exec(`UPDATE audit SET actor = 'mallory' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	if _, broken, _ := d.Verify(ctx); broken == nil || broken.Seq != 2 || !strings.Contains(broken.Reason, "altered") {
		t.Fatalf("tampering not found: %v", broken)
	}
}

func TestAuditDeletionDetected(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	for range 3 {
		d.Append(ctx, Entry{Kind: KindEvent, Actor: "a", Action: "session.signin", Outcome: OutcomeOK})
	}
	dropTrigger(t, d, "audit_no_delete")
	d.db.Exec(`DELETE FROM audit WHERE seq = 2`)
	if _, broken, _ := d.Verify(ctx); broken == nil || broken.Seq != 3 {
		t.Fatalf("deletion not found: %v", broken)
	}
}

// Account and target filters match part of the name, whatever the case;
// LIKE's own characters are taken literally.
func TestAuditSubstringFilters(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	for _, e := range []Entry{
		{Kind: KindEvent, Actor: "Moderator", Action: "session.signin", Outcome: OutcomeOK},
		{Kind: KindIntent, Actor: "admin", Action: "group.attributes.patch", Target: "@TGS#_trailhead", Outcome: OutcomePending},
		{Kind: KindIntent, Actor: "admin", Action: "group.attributes.patch", Target: "@TGS#xtrailhead", Outcome: OutcomePending},
		{Kind: KindEvent, Actor: "50%off", Action: "session.signin", Outcome: OutcomeOK},
	} {
		if _, err := d.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		f    Filter
		want []int64
	}{
		{Filter{Actor: "mod"}, []int64{1}},
		{Filter{Actor: "ADM"}, []int64{3, 2}},
		{Filter{Actor: "%"}, []int64{4}},
		{Filter{Target: "_trailhead"}, []int64{2}},
		{Filter{Target: "trailhead"}, []int64{3, 2}},
		{Filter{Seq: 3}, []int64{3}},
	} {
		recs, err := d.Records(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range recs {
			got = append(got, r.Seq)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%+v: got %v, want %v", c.f, got, c.want)
		}
	}
}
