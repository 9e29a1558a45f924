package pgtest

import (
	"context"
	"database/sql"
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
