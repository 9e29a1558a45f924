package sqlite

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/pgtest"
	"github.com/imdesk/imdesk/server/usage"
)

// The package's tests run on both databases: first on SQLite, then the
// test binary runs itself again with onPostgresEnv set, where openTest
// gives each test a new PostgreSQL database (server/pgtest starts one
// server for the run). Tests of what only SQLite has (its file, its
// migrations from older releases, file modes, VACUUM INTO) say so with
// sqliteOnly.
const onPostgresEnv = "IMDESK_STORE_TEST_ON_POSTGRES"

var onPostgres = os.Getenv(onPostgresEnv) != ""

func TestMain(m *testing.M) {
	pgtest.Twice(m, onPostgresEnv, "", func() bool { return pgtest.FlagSet("test.fuzz") || pgtest.FlagSet("test.list") })
}

// sqliteOnly skips a test of what only SQLite has when the tests run on
// PostgreSQL.
func sqliteOnly(t testing.TB) {
	t.Helper()
	if onPostgres {
		t.Skip("SQLite only")
	}
}

// The same migrations exist for both databases: the same numbers, the
// same names, none missing, each once; and a step the same on both is
// written once, in migrations/both.
func TestMigrationsMatch(t *testing.T) {
	var names [2][]string
	for i, db := range []string{"sqlite", "postgres"} {
		steps, err := migrationSteps(db)
		if err != nil {
			t.Fatalf("%s: %v", db, err)
		}
		for _, m := range steps {
			names[i] = append(names[i], m.name)
		}
	}
	if !slices.Equal(names[0], names[1]) {
		t.Fatalf("the migrations differ:\nsqlite:   %v\npostgres: %v", names[0], names[1])
	}
	own, err := fs.ReadDir(migrations, "migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range own {
		a, _ := migrations.ReadFile("migrations/sqlite/" + e.Name())
		b, _ := migrations.ReadFile("migrations/postgres/" + e.Name())
		if string(a) == string(b) {
			t.Errorf("%s is the same for both databases: keep it once, in migrations/both", e.Name())
		}
	}
}

// Replicas on one PostgreSQL database append to one chain: two stores
// opened on it (as two processes would), 30 writers between them, and
// the chain has every entry once, in order, and verifies. Starting
// together, both migrate, one after the other.
func TestAppendsFromReplicas(t *testing.T) {
	if !onPostgres {
		t.Skip("PostgreSQL only: SQLite is one process's file")
	}
	url := pgtest.Need(t)
	ctx := context.Background()
	var replicas [3]*DB
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() {
			d, err := Open("", Options{AuditKey: testAuditKey, DatabaseURL: url})
			if err != nil {
				t.Error(err)
				return
			}
			replicas[i] = d
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for _, d := range replicas {
		defer d.Close()
	}
	const writers, each = 30, 20
	for w := range writers {
		d := replicas[w%len(replicas)]
		wg.Go(func() {
			for i := range each {
				if err := appendDone(ctx, d, Entry{Kind: KindIntent, Actor: fmt.Sprint("w", w), Action: "group.attributes.set",
					Target: fmt.Sprintf("@TGS#%d", i), Outcome: OutcomePending}, "OK"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	n, broken, err := replicas[0].Verify(ctx)
	if err != nil || broken != nil {
		t.Fatalf("Verify = %d, %v, %v", n, broken, err)
	}
	if want := int64(writers * each * 2); n != want {
		t.Fatalf("the chain holds %d entries, want %d", n, want)
	}
}

// On PostgreSQL, imdesk backup says what to use instead.
func TestBackupSaysPgDump(t *testing.T) {
	if !onPostgres {
		t.Skip("PostgreSQL only")
	}
	err := openTest(t).Backup(context.Background(), t.TempDir()+"/copy.db")
	if err != ErrBackupPostgres {
		t.Fatalf("Backup = %v, want %v", err, ErrBackupPostgres)
	}
}

// dropTrigger drops one of the audit table's triggers, as someone with
// the database's file or owner's password could.
func dropTrigger(t *testing.T, d *DB, name string) {
	t.Helper()
	q := "DROP TRIGGER " + name
	if d.pg {
		q += " ON audit"
	}
	if _, err := d.db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

// A replica that dies with changes in flight: the others notice (its lock
// is free), and between them mark each of its intents without an outcome
// unknown exactly once, while a live replica's change in flight is left
// alone; the live ones count each other.
func TestDeadReplicaSettledOnce(t *testing.T) {
	if !onPostgres {
		t.Skip("PostgreSQL only")
	}
	url := pgtest.Need(t)
	ctx := context.Background()
	a, b, c := joinedReplica(t, url, "a"), joinedReplica(t, url, "b"), joinedReplica(t, url, "c")
	intent := func(d *DB, target string) *Entry {
		e, err := d.Append(ctx, Entry{Kind: KindIntent, Actor: "mod", Action: "group.attributes.set", Target: target, Outcome: OutcomePending})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for _, g := range []string{"@TGS#1", "@TGS#2", "@TGS#3"} {
		intent(a, g)
	}
	if err := a.Complete(ctx, intent(a, "@TGS#4"), OutcomeOK, 0, "OK", "", 0); err != nil {
		t.Fatal(err)
	}
	inFlight := intent(b, "@TGS#5") // b's, still running
	if n, _, err := b.BeatReplica(ctx); err != nil || n != 3 {
		t.Fatalf("live replicas = %d, %v; want 3", n, err)
	}
	a.Close() // as kill -9 would: the connection, and the lock, go; the row stays

	// The two sweep at once, as their tickers would, until the server has
	// freed the dead one's lock (it does as the session's process exits,
	// a moment after the connection closes).
	var settled [2]int
	for deadline := time.Now().Add(10 * time.Second); settled[0]+settled[1] < 3 && time.Now().Before(deadline); {
		var wg sync.WaitGroup
		for i, d := range []*DB{b, c} {
			wg.Go(func() {
				n, err := d.SettleDeadReplicas(ctx)
				if err != nil {
					t.Error(err)
				}
				settled[i] += n
			})
		}
		wg.Wait()
		time.Sleep(10 * time.Millisecond)
	}
	if settled[0]+settled[1] != 3 {
		t.Fatalf("settled %v, want 3 in all, once", settled)
	}
	recs, err := b.Records(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		want := OutcomeUnknown
		switch r.Target {
		case "@TGS#4":
			want = OutcomeOK
		case "@TGS#5":
			want = OutcomePending
		}
		if r.Outcome != want {
			t.Errorf("%s: %s, want %s", r.Target, r.Outcome, want)
		}
	}
	if err := b.Complete(ctx, inFlight, OutcomeOK, 0, "OK", "", 0); err != nil {
		t.Fatalf("the live replica's outcome: %v", err)
	}
	if n, broken, err := c.Verify(ctx); err != nil || broken != nil || n != 10 {
		t.Fatalf("Verify = %d, %v, %v", n, broken, err)
	}
	if n, _, err := c.BeatReplica(ctx); err != nil || n != 2 {
		t.Fatalf("live replicas after a's death = %d, %v; want 2", n, err)
	}
}

// joinedReplica is a store opened on the PostgreSQL database at url and
// joined to its replicas as host would, as a panel process does; closed
// when the test ends (a test may close it before, as a killed process).
func joinedReplica(t *testing.T, url, host string) *DB {
	t.Helper()
	d, err := Open("", Options{AuditKey: testAuditKey, DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.JoinReplicas(context.Background(), host); err != nil {
		t.Fatal(err)
	}
	return d
}

// A replica whose lock's connection breaks while it runs (the database
// restarted, or someone ended that session) takes the lock again at its
// next beat and stays one of the replicas. If another replica noticed
// first, that one settled its changes in flight as unknown, once, and
// their real outcome is refused; the beat writes the removed row again,
// with its start, and the chain verifies.
func TestReplicaRetakesItsLock(t *testing.T) {
	if !onPostgres {
		t.Skip("PostgreSQL only")
	}
	url := pgtest.Need(t)
	ctx := context.Background()
	a, b := joinedReplica(t, url, "a"), joinedReplica(t, url, "b")
	intent := func(target string) *Entry {
		e, err := a.Append(ctx, Entry{Kind: KindIntent, Actor: "mod", Action: "group.attributes.set", Target: target, Outcome: OutcomePending})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	breakLock := func() {
		t.Helper()
		var pid int
		if err := a.replicaConn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		// The second argument waits until the session has ended.
		if _, err := b.db.ExecContext(ctx, `SELECT pg_terminate_backend(?, 5000)`, pid); err != nil {
			t.Fatal(err)
		}
	}
	beat := func(d *DB, wantRetaken bool) {
		t.Helper()
		for _, other := range []*DB{a, b} {
			if other != d {
				other.BeatReplica(ctx) // live within the last 3 s, however slow the test ran
			}
		}
		if n, retaken, err := d.BeatReplica(ctx); err != nil || n != 2 || retaken != wantRetaken {
			t.Fatalf("beat: %d replicas, retaken %v, %v; want 2, %v", n, retaken, err, wantRetaken)
		}
	}
	reps, _, err := b.LiveReplicas(ctx)
	if err != nil || len(reps) != 2 {
		t.Fatalf("replicas %v, %v", reps, err)
	}
	started := reps[0].Started

	// The replica beats before anyone notices: nothing is settled.
	first := intent("@TGS#1")
	breakLock()
	beat(a, true)
	beat(a, false)
	if n, err := b.SettleDeadReplicas(ctx); err != nil || n != 0 {
		t.Fatalf("a live replica's changes settled: %d, %v", n, err)
	}
	if err := a.Complete(ctx, first, OutcomeOK, 0, "OK", "", 0); err != nil {
		t.Fatalf("its change's outcome: %v", err)
	}

	// Another replica notices first: the change in flight is unknown, once.
	second := intent("@TGS#2")
	breakLock()
	settled := 0
	for deadline := time.Now().Add(10 * time.Second); settled == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		n, err := b.SettleDeadReplicas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		settled += n
	}
	if settled != 1 {
		t.Fatalf("settled %d, want the one change in flight", settled)
	}
	if reps, _, err := b.LiveReplicas(ctx); err != nil || len(reps) != 1 {
		t.Fatalf("after settling: replicas %v, %v", reps, err)
	}
	beat(a, true)
	beat(b, false)
	if reps, _, err := b.LiveReplicas(ctx); err != nil || len(reps) != 2 || !reps[0].Started.Equal(started) {
		t.Fatalf("after the beat: replicas %v, %v; want both, the first started at %v", reps, err, started)
	}
	if n, err := b.SettleDeadReplicas(ctx); err != nil || n != 0 {
		t.Fatalf("settled again: %d, %v", n, err)
	}
	if err := a.Complete(ctx, second, OutcomeOK, 0, "OK", "", 0); err == nil {
		t.Fatal("a second outcome for a settled change was taken")
	}
	recs, err := b.Records(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		want := map[string]string{"@TGS#1": OutcomeOK, "@TGS#2": OutcomeUnknown}[r.Target]
		if r.Outcome != want {
			t.Errorf("%s: %s, want %s", r.Target, r.Outcome, want)
		}
	}
	if n, broken, err := b.Verify(ctx); err != nil || broken != nil || n != 4 {
		t.Fatalf("Verify = %d, %v, %v", n, broken, err)
	}
}

// A lease is one replica's at a time, and passes to another when its
// holder dies.
func TestLeaseOneAtATime(t *testing.T) {
	if !onPostgres {
		t.Skip("PostgreSQL only")
	}
	url := pgtest.Need(t)
	ctx := context.Background()
	a, err := Open("", Options{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open("", Options{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	held, err := a.TryLease(ctx, "group crawler")
	if err != nil || held == nil || !held.Held(ctx) {
		t.Fatalf("the first replica's lease: %v, %v", held, err)
	}
	if l, err := b.TryLease(ctx, "group crawler"); err != nil || l != nil {
		t.Fatalf("a second holder: %v, %v", l, err)
	}
	if l, err := b.TryLease(ctx, "bulk runner"); err != nil || l == nil {
		t.Fatalf("another lease is free: %v, %v", l, err)
	} else {
		l.Release()
	}
	held.Release()
	if l, err := b.TryLease(ctx, "group crawler"); err != nil || l == nil {
		t.Fatalf("released, not taken over: %v, %v", l, err)
	} else {
		l.Release()
	}
	again, _ := a.TryLease(ctx, "group crawler")
	if again == nil {
		t.Fatal("the first replica cannot take it back")
	}
	// It dies holding the lease: its connection ends, as a killed
	// process's does.
	var pid int
	if err := again.conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.ExecContext(ctx, `SELECT pg_terminate_backend(?)`, pid); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if again.Held(ctx) {
		t.Fatal("a lease whose connection ended says it is held")
	}
	// The server frees a dead session's locks as its process exits.
	for deadline := time.Now().Add(10 * time.Second); ; {
		l, err := b.TryLease(ctx, "group crawler")
		if err != nil {
			t.Fatal(err)
		}
		if l != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not taken over 10 s after its holder died")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// On PostgreSQL as on SQLite, opening again changes nothing, and a
// database made by a newer imdesk is refused rather than misread.
func TestMigrateAgainAndNoDowngradeOnPostgres(t *testing.T) {
	if !onPostgres {
		t.Skip("PostgreSQL only (SQLite: TestMigrateIdempotentAndNoDowngrade)")
	}
	url := pgtest.Need(t)
	ctx := context.Background()
	for range 2 {
		d, err := Open("", Options{DatabaseURL: url})
		if err != nil {
			t.Fatal(err)
		}
		if v, err := d.Version(ctx); err != nil || v != SchemaVersion() {
			t.Fatalf("version %d, %v; want %d", v, err, SchemaVersion())
		}
		d.Close()
	}
	d, _ := Open("", Options{DatabaseURL: url})
	d.db.ExecContext(ctx, `UPDATE schema_version SET version = 999`)
	d.Close()
	if _, err := Open("", Options{DatabaseURL: url}); err == nil || !strings.Contains(err.Error(), "newer imdesk") {
		t.Fatalf("a newer schema: %v", err)
	}
}

// Replicas' calls add up per second and command: the app's use of a
// limit is the sum of theirs, its busiest second the busiest of the sums,
// and seconds older than the health page's window are dropped.
func TestTencentUsageAddsUp(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	sec := now.Unix()
	const attr, modify = "get_group_attr", "modify_group_attr"
	one := []usage.Second{{Unix: sec - 10, Op: attr, PerSecond: 200, Calls: 40}, {Unix: sec - 9, Op: attr, PerSecond: 200, Calls: 10},
		{Unix: sec - 120, Op: modify, PerSecond: 200, Calls: 7}}
	two := []usage.Second{{Unix: sec - 10, Op: attr, PerSecond: 200, Calls: 30}, {Unix: sec - 400, Op: modify, PerSecond: 200, Calls: 99}}
	for _, secs := range [][]usage.Second{one, two} {
		if err := d.AddTencentUsage(ctx, secs, sec-usage.Window); err != nil {
			t.Fatal(err)
		}
	}
	stored, err := d.TencentSeconds(ctx, sec-usage.Window)
	if err != nil {
		t.Fatal(err)
	}
	got := usage.Summarize(sec, stored)
	want := []api.RateUse{{Op: attr, PerSecond: 200, LastMinute: 80, PeakPerSecond: 70}, {Op: modify, PerSecond: 200, PeakPerSecond: 7}}
	if !slices.Equal(got, want) {
		t.Fatalf("the app's usage: %+v, want %+v", got, want)
	}
	var old int
	if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM tencent_usage WHERE second < ?`, sec-usage.Window).Scan(&old); err != nil || old != 0 {
		t.Fatalf("%d seconds older than the window kept (%v)", old, err)
	}
}
