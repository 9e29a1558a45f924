package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
)

// The store runs on SQLite (the embedded default) or on PostgreSQL
// (Options.DatabaseURL, for several replicas). Its queries are written
// once, in the SQL both understand, with ? for parameters; handle and txn
// carry them to the database, rewriting ? as $1, $2… for PostgreSQL. What
// differs between the two is said where it differs, behind d.pg: the
// migrations that differ (migrations/sqlite and migrations/postgres, the
// same steps by number, beside those in migrations/both), how the schema
// version is kept, how audit appends are serialised (one connection on
// SQLite; an advisory lock on PostgreSQL, across every replica), the group
// index's text search, and backup.

// handle is a database pool whose queries are written with ? parameters.
type handle struct {
	*sql.DB
	pg bool
}

func (h handle) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return h.DB.ExecContext(ctx, bind(h.pg, q), pgArgs(h.pg, args)...)
}

func (h handle) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return h.DB.QueryContext(ctx, bind(h.pg, q), pgArgs(h.pg, args)...)
}

func (h handle) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return h.DB.QueryRowContext(ctx, bind(h.pg, q), pgArgs(h.pg, args)...)
}

func (h handle) BeginTx(ctx context.Context, o *sql.TxOptions) (*txn, error) {
	tx, err := h.DB.BeginTx(ctx, o)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: tx, pg: h.pg}, nil
}

// txn is a transaction whose queries are written with ? parameters.
type txn struct {
	*sql.Tx
	pg bool
}

func (t *txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, bind(t.pg, q), pgArgs(t.pg, args)...)
}

func (t *txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, bind(t.pg, q), pgArgs(t.pg, args)...)
}

func (t *txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, bind(t.pg, q), pgArgs(t.pg, args)...)
}

func (t *txn) PrepareContext(ctx context.Context, q string) (*stmt, error) {
	s, err := t.Tx.PrepareContext(ctx, bind(t.pg, q))
	if err != nil {
		return nil, err
	}
	return &stmt{Stmt: s, pg: t.pg}, nil
}

// stmt is a prepared statement; its arguments are given as to handle.
type stmt struct {
	*sql.Stmt
	pg bool
}

func (s *stmt) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return s.Stmt.ExecContext(ctx, pgArgs(s.pg, args)...)
}

// querier is what a handle and a txn both do.
type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// bound keeps each query as PostgreSQL reads it: the store's queries are
// a few hundred constant strings, and the builders' few shapes.
var bound sync.Map

// bind rewrites a query's ? parameters as PostgreSQL's $1, $2…, leaving
// any ? inside a quoted string or identifier as it is.
func bind(pg bool, q string) string {
	if !pg {
		return q
	}
	if b, ok := bound.Load(q); ok {
		return b.(string)
	}
	var b strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	bound.Store(q, b.String())
	return b.String()
}

// pgArgs gives PostgreSQL what SQLite takes as it is: the store keeps
// yes/no in INTEGER columns on both (0 and 1), so a Go bool becomes 0 or
// 1.
func pgArgs(pg bool, args []any) []any {
	if !pg {
		return args
	}
	for i, a := range args {
		if b, ok := a.(bool); ok {
			if b {
				args[i] = 1
			} else {
				args[i] = 0
			}
		}
	}
	return args
}

// isUnique reports whether err is a broken UNIQUE or PRIMARY KEY
// constraint, in either database.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// like is the operator that matches a LIKE pattern whatever the letter
// case: SQLite's LIKE folds ASCII letters, PostgreSQL's ILIKE every letter.
func (d *DB) like() string {
	if d.pg {
		return "ILIKE"
	}
	return "LIKE"
}

// OnPostgres reports whether the store is PostgreSQL.
func (d *DB) OnPostgres() bool { return d.pg }

// SharedKey returns the key of that name, of n random bytes, made by the
// first replica to ask for it: all replicas get the same.
func (d *DB) SharedKey(ctx context.Context, name string, n int) ([]byte, error) {
	key := make([]byte, n)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if _, err := d.db.ExecContext(ctx, `INSERT INTO shared_keys (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
		name, hex.EncodeToString(key)); err != nil {
		return nil, fmt.Errorf("make the %s key: %w", name, err)
	}
	var v string
	if err := d.db.QueryRowContext(ctx, `SELECT value FROM shared_keys WHERE name = ?`, name).Scan(&v); err != nil {
		return nil, fmt.Errorf("read the %s key: %w", name, err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) != n {
		return nil, fmt.Errorf("the %s key in the database is damaged", name)
	}
	return key, nil
}
