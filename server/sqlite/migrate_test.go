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
	return copyDB(t, "testdata/release-2026-11.db")
}

// copyDB puts the database file at path into a new data directory.
func copyDB(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
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
	sqliteOnly(t)
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
	sqliteOnly(t)
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
	sqliteOnly(t)
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

// A database of schema 0004, mid-round (described, renamed, pending and
// dropped groups), gets the index of character pairs for the names it
// already holds: searches of one and two characters find them, the crawl's
// state is kept, and later writes keep both name indexes in step.
func TestMigrateGroupIndex0004(t *testing.T) {
	sqliteOnly(t)
	d, err := Open(copyDB(t, "testdata/groupindex-0004.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	var version int
	if err := d.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != SchemaVersion() || version < 5 {
		t.Fatalf("schema version %d (%v), want %d", version, err, SchemaVersion())
	}
	checkNameIndexes(t, d)
	st, err := d.GroupIndexState(ctx)
	if err != nil || st.Round != 2 || !st.ListDone || st.Total != 6 || st.Started.IsZero() || st.Refreshed.IsZero() {
		t.Fatalf("state after migration: %+v %v", st, err)
	}
	if all, described, err := d.CountGroups(ctx); err != nil || all != 6 || described != 2 { // two described in round 2 so far
		t.Fatalf("count after migration: %d %d %v", all, described, err)
	}
	search := func(text string) []string {
		t.Helper()
		got, _, err := d.SearchGroups(ctx, GroupSearch{Text: text, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, g := range got {
			out = append(out, g.ID)
		}
		return out
	}
	for text, want := range map[string][]string{
		"读书":   {"@TGS#1aaa"},
		"大阪":   {"@TGS#1bbb"}, // renamed from 東京の写真部 under 0004
		"東京":   {},
		"写真":   {"@TGS#1bbb"},
		"写真部":  {"@TGS#1bbb"},
		"등산":   {"@TGS#2ccc"},
		"0%":   {"@TGS#2ddd"},
		"%":    {"@TGS#2ddd"},
		"x":    {"team_x"},
		"ReAd": {"@TGS#1aaa"},
		"台灣":   {},
	} {
		if got := search(text); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", text, got, want)
		}
	}
	// The pending group is described, the renamed one renamed back, and
	// the round ends.
	if err := d.DescribeGroups(ctx, 2, []IndexedGroup{
		{ID: "@TGS#4fff", Name: "台灣同学会", Type: "Public"},
		{ID: "@TGS#1bbb", Name: "東京の写真部", Type: "Private"},
		{ID: "@TGS#2ccc", Name: "서울 등산 모임", Type: "Community"},
		{ID: "@TGS#2ddd", Name: "Book club 100%", Type: "Public"},
		{ID: "team_x", Name: "Team X", Type: "Work"},
	}, nil); err != nil {
		t.Fatal(err)
	}
	if err := d.FinishGroupRound(ctx, d.now()); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string][]string{
		"台灣":   {"@TGS#4fff"},
		"台灣同学": {"@TGS#4fff"},
		"東京":   {"@TGS#1bbb"},
		"大阪":   {},
		"阪":    {},
	} {
		if got := search(text); !slices.Equal(got, want) {
			t.Errorf("after new writes, %s: %v, want %v", text, got, want)
		}
	}
	checkNameIndexes(t, d)
}
