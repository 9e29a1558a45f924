package sqlite

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	osexec "os/exec"
	"slices"
	"sync"
	"testing"

	"github.com/imdesk/imdesk/server/pgtest"
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
	if onPostgres {
		pgtest.Main(m)
		return
	}
	code := m.Run()
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" || flagSet("test.list") {
		os.Exit(code)
	}
	fmt.Println("--- the same tests on PostgreSQL ---")
	cmd := osexec.Command(os.Args[0], os.Args[1:]...)
	cmd.Env = append(os.Environ(), onPostgresEnv+"=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil && code == 0 {
		fmt.Println("on PostgreSQL:", err)
		code = 1
	}
	os.Exit(code)
}

func flagSet(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() != ""
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
// same names, none missing.
func TestMigrationsMatch(t *testing.T) {
	var names [2][]string
	for i, db := range []string{"sqlite", "postgres"} {
		entries, err := fs.ReadDir(migrations, "migrations/"+db)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			names[i] = append(names[i], e.Name())
		}
		if _, err := migrationSteps(db); err != nil {
			t.Fatalf("%s: %v", db, err)
		}
	}
	if !slices.Equal(names[0], names[1]) {
		t.Fatalf("the migrations differ:\nsqlite:   %v\npostgres: %v", names[0], names[1])
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
				e, err := d.Append(ctx, Entry{Kind: KindIntent, Actor: fmt.Sprint("w", w), Action: "group.attributes.set",
					Target: fmt.Sprintf("@TGS#%d", i), Outcome: OutcomePending})
				if err != nil {
					t.Error(err)
					return
				}
				if err := d.Complete(ctx, e, OutcomeOK, 0, "OK", "", 0); err != nil {
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
