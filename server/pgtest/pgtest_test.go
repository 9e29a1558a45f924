package pgtest

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
)

func TestMain(m *testing.M) { Main(m) }

// Two databases on the one server are apart, and each answers.
func TestDatabasesAreApart(t *testing.T) {
	ctx := context.Background()
	var urls [2]string
	for i := range urls {
		urls[i] = Need(t)
		db, err := sql.Open("pgx", urls[i])
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "CREATE TABLE t (n int)"); err != nil {
			t.Fatalf("database %d: %v", i, err)
		}
	}
	if urls[0] == urls[1] {
		t.Fatalf("the same database twice: %s", urls[0])
	}
}

// A server whose test process died without stopping it is stopped and
// removed by the next Start.
func TestOrphanRemoved(t *testing.T) {
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "owner"), []byte(strconv.Itoa(dead.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	removeOrphans(s.bin)
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		s.Stop()
		t.Fatalf("the orphan's directory is still there: %v", err)
	}
	if db, err := sql.Open("pgx", s.URL("postgres")); err == nil {
		defer db.Close()
		if db.PingContext(context.Background()) == nil {
			t.Fatal("the orphan still answers")
		}
	}
}
