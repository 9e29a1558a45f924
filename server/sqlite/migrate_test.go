package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// copyFixture puts the database made by the release of 2026-11 (accounts
// admin, mod with two groups, viewer with "*"; a session; a sign-in, a
// completed change and a change without an outcome) into a new data
// directory.
func copyFixture(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/release-2026-11.db")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A data directory of the previous release opens, is migrated to the
// newest schema, and keeps every byte of what it held: accounts sign in
// with their scopes, sessions stay, and the audit chain verifies.
func TestMigrateRelease202611(t *testing.T) {
	dir := copyFixture(t)
	d, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	var version int
	if err := d.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != SchemaVersion() {
		t.Fatalf("schema version %d (%v), want %d", version, err, SchemaVersion())
	}
	mod, err := d.Authenticate(ctx, "mod", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"@TGS#_trailhead", "@TGS#2J4SZEAEL"}; mod.Scope.All || !slices.Equal(mod.Scope.Groups, want) ||
		len(mod.Scope.Users) != 0 || len(mod.Scope.MembersOf) != 0 {
		t.Fatalf("moderator's scope after migration: %+v", mod.Scope)
	}
	viewer, err := d.Account(ctx, "viewer")
	if err != nil || !viewer.Scope.All || len(viewer.Scope.Groups) != 0 {
		t.Fatalf("\"*\" after migration: %+v %v", viewer, err)
	}
	if s, err := d.Session(ctx, "s1"); err != nil || s.Account != "mod" {
		t.Fatalf("session after migration: %+v %v", s, err)
	}
	if n, broken, err := d.Verify(ctx); err != nil || broken != nil || n != 4 {
		t.Fatalf("old chain: %d entries, %v, %v", n, broken, err)
	}
	// New entries, with a state after, chain on to the old ones.
	if n, err := d.RecoverPending(ctx); err != nil || n != 1 {
		t.Fatalf("pending intent of the old release: %d %v", n, err)
	}
	if _, err := d.Append(ctx, Entry{Kind: KindIntent, Actor: "mod", Action: "group.attributes.replace", Target: "@TGS#_trailhead",
		Before: []byte(`[]`), After: []byte(`[{"key":"a","value":"b"}]`), Outcome: OutcomePending}); err != nil {
		t.Fatal(err)
	}
	if n, broken, err := d.Verify(ctx); err != nil || broken != nil || n != 6 {
		t.Fatalf("chain after new entries: %d entries, %v, %v", n, broken, err)
	}
	recs, err := d.Records(ctx, Filter{Action: "group.attributes.replace"})
	if err != nil || len(recs) != 1 || string(recs[0].After) != `[{"key":"a","value":"b"}]` {
		t.Fatalf("after state: %+v %v", recs, err)
	}
	if err := d.SetScope(ctx, "mod", api.Scope{Groups: []string{"@TGS#_trailhead"}, Users: []string{"alice"}}); err != nil {
		t.Fatal(err)
	}
	if a, _ := d.Account(ctx, "mod"); len(a.Scope.Users) != 1 || len(a.Scope.Groups) != 1 {
		t.Fatalf("scope after SetScope: %+v", a.Scope)
	}
}

// Opening twice applies nothing twice; a database from a newer imdesk is
// refused rather than misread.
func TestMigrateIdempotentAndNoDowngrade(t *testing.T) {
	dir := copyFixture(t)
	for range 2 {
		d, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		d.Close()
	}
	d, _ := Open(dir, Options{})
	d.db.Exec("PRAGMA user_version = 999")
	d.Close()
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "newer imdesk") {
		t.Fatalf("newer schema: %v", err)
	}
}

// The first start with an audit key seals the old plain chain with a keyed
// entry; the old entries keep their hashes and verify, the new ones are
// keyed.
func TestMigrateKeysTheChain(t *testing.T) {
	d, err := Open(copyFixture(t), Options{AuditKey: testAuditKey})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	if _, broken, err := d.Verify(ctx); err != nil || broken == nil || !strings.Contains(broken.Reason, "not keyed") {
		t.Fatalf("before the first keyed start: %v %v", broken, err)
	}
	for range 2 { // the second start appends nothing
		if err := d.StartKeyed(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n, broken, err := d.Verify(ctx); err != nil || broken != nil || n != 5 {
		t.Fatalf("after the first keyed start: %d entries, %v, %v", n, broken, err)
	}
	recs, err := d.Records(ctx, Filter{})
	if err != nil || recs[0].Action != "audit.keyed" || !isKeyed(recs[0].Hash) || isKeyed(recs[1].Hash) {
		t.Fatalf("newest records: %+v %v", recs[0], err)
	}
}
