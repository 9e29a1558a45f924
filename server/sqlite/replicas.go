package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/imdesk/imdesk/server/usage"
)

// Replicas on one PostgreSQL store (migration 0011, docs/replicas.md).
// On SQLite one process owns the file: JoinReplicas, BeatReplica and
// SettleDeadReplicas do nothing and there is one replica.

// replicaLock is the advisory lock a replica holds for as long as it
// runs, named by its ID.
func replicaLock(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte("imdesk replica " + id))
	return int64(h.Sum64())
}

// nowMS is the database's clock in Unix milliseconds: replicas on
// several machines compare their beats by one clock.
const nowMS = `CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)`

// liveFor is how long after its last beat a replica still counts as
// running, for the count that divides Tencent's limits (beats come every
// second).
const liveFor = 3000 // milliseconds

// JoinReplicas registers this process as a replica named after host and
// takes its lock, on a connection kept until LeaveReplicas. It returns the
// replica's ID.
func (d *DB) JoinReplicas(ctx context.Context, host string) (string, error) {
	if !d.pg {
		return "", nil
	}
	var b [4]byte
	rand.Read(b[:])
	id := fmt.Sprintf("%s-%s", host, hex.EncodeToString(b[:]))
	conn, err := d.takeReplicaLock(ctx, id)
	if err != nil {
		return "", err
	}
	var started int64
	if err := d.db.QueryRowContext(ctx, `INSERT INTO replicas (id, host, started, seen) VALUES (?, ?, `+nowMS+`, `+nowMS+`)
		RETURNING started`, id, host).Scan(&started); err != nil {
		conn.Close()
		return "", err
	}
	d.replicaMu.Lock()
	d.replica, d.replicaHost, d.replicaStarted, d.replicaConn = id, host, started, conn
	d.replicaMu.Unlock()
	return id, nil
}

// takeReplicaLock takes the lock of replica id on a connection of its own.
// A new replica's ID is new, and no one holds its lock; a replica taking
// its own again does not wait for it (the old session may live on at the
// server until its keepalives give up, or another replica may be settling
// this one, see settleReplica): it fails, and the next beat tries again.
func (d *DB) takeReplicaLock(ctx context.Context, id string) (*sql.Conn, error) {
	conn, err := d.db.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, replicaLock(id)).Scan(&got); err != nil || !got {
		conn.Close()
		if err == nil {
			err = errors.New("another session holds it")
		}
		return nil, fmt.Errorf("take the replica's lock: %w", err)
	}
	return conn, nil
}

// BeatReplica says this replica still runs and returns how many replicas
// do (at least 1). When the connection that holds the replica's lock has
// broken (the database restarted, or someone ended that session), it
// takes the lock again on a new one and says so (retaken): until then the
// others took this replica for dead, and the first of them to notice gave
// its changes in flight an "unknown" outcome (their real outcome is then
// refused, one outcome an intent, and logged) and removed its row, which
// the beat writes again.
func (d *DB) BeatReplica(ctx context.Context) (live int, retaken bool, err error) {
	if !d.pg || d.replica == "" {
		return 1, false, nil
	}
	d.replicaMu.Lock()
	defer d.replicaMu.Unlock()
	if d.replicaConn == nil {
		return 0, false, errors.New("the replica has left")
	}
	if d.replicaConn.PingContext(ctx) != nil {
		conn, err := d.takeReplicaLock(ctx, d.replica)
		if err != nil {
			return 0, false, fmt.Errorf("the replica's lock was lost and is not taken again yet (the next beat tries again): %w", err)
		}
		d.replicaConn.Close()
		d.replicaConn, retaken = conn, true
	}
	err = d.db.QueryRowContext(ctx, `WITH beat AS (INSERT INTO replicas (id, host, started, seen) VALUES (?, ?, ?, `+nowMS+`)
			ON CONFLICT (id) DO UPDATE SET seen = excluded.seen)
		SELECT count(*) FROM replicas WHERE seen >= `+nowMS+` - ? AND id != ?`,
		d.replica, d.replicaHost, d.replicaStarted, liveFor, d.replica).Scan(&live)
	return live + 1, retaken, err
}

// SettleDeadReplicas finds the replicas that have stopped (their lock is
// free), gives each of their changes in flight an "unknown" outcome, and
// removes them; it returns how many changes it settled. Replicas sweeping
// at once do not settle one twice: each takes the dead replica's lock
// first, and an intent has at most one outcome (audit_completes).
func (d *DB) SettleDeadReplicas(ctx context.Context) (int, error) {
	if !d.pg {
		return 0, nil
	}
	ids, err := queryAll(ctx, d.db, scanString, `SELECT id FROM replicas WHERE id != ?`, d.replica)
	if err != nil {
		return 0, err
	}
	settled := 0
	for _, id := range ids {
		n, err := d.settleReplica(ctx, id)
		if err != nil {
			return settled, fmt.Errorf("replica %s: %w", id, err)
		}
		settled += n
	}
	return settled, nil
}

func (d *DB) settleReplica(ctx context.Context, id string) (int, error) {
	conn, err := d.db.DB.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var dead bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, replicaLock(id)).Scan(&dead); err != nil || !dead {
		return 0, err
	}
	// The lock is a session's: give it back before the connection goes
	// back to the pool.
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, replicaLock(id))
	n, err := d.recoverPending(ctx, id)
	if err != nil {
		return n, err
	}
	_, err = d.db.ExecContext(ctx, `DELETE FROM replicas WHERE id = ?`, id)
	return n, err
}

// LeaveReplicas removes this replica's row and gives back its lock, at a
// clean stop (after its last change has its outcome).
func (d *DB) LeaveReplicas(ctx context.Context) error {
	d.replicaMu.Lock()
	defer d.replicaMu.Unlock()
	if d.replicaConn == nil {
		return nil
	}
	_, err := d.db.ExecContext(ctx, `DELETE FROM replicas WHERE id = ?`, d.replica)
	// The lock is the session's, and Close gives the connection back to
	// the pool, session and all: unlock first.
	d.replicaConn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, replicaLock(d.replica))
	d.replicaConn.Close()
	d.replicaConn = nil
	return err
}

// Lease is work that one replica at a time does (the group crawler, the
// bulk runner): held on a connection of its own, so that it goes with the
// replica — at a clean stop, a crash, or a machine that vanished (its
// connection's keepalives fail within a minute, see openPostgres).
type Lease struct {
	conn *sql.Conn
	key  int64
}

// TryLease takes the lease of that name if no other replica holds it, and
// returns nil if one does. On SQLite it is always this process's.
func (d *DB) TryLease(ctx context.Context, name string) (*Lease, error) {
	if !d.pg {
		return &Lease{}, nil
	}
	conn, err := d.db.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	l := &Lease{conn: conn, key: replicaLock("lease " + name)}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, l.key).Scan(&got); err != nil || !got {
		conn.Close()
		return nil, err
	}
	return l, nil
}

// WhileLeased does work while this replica holds the lease of that name,
// until ctx ends: work returns once the lease is no longer held (or ctx
// ends), the lease is given back, and the replica asks for it again. A
// replica that another holds it from asks again after retry (waiting with
// sleep), so that one of them takes the work over within retry of the
// holder's stop; failed is told when asking fails (not when ctx ended).
func (d *DB) WhileLeased(ctx context.Context, name string, retry time.Duration,
	sleep func(context.Context, time.Duration) error, failed func(error), work func(context.Context, *Lease)) {
	for ctx.Err() == nil {
		lease, err := d.TryLease(ctx, name)
		if err != nil && ctx.Err() == nil {
			failed(err)
		}
		if lease == nil {
			sleep(ctx, retry)
			continue
		}
		work(ctx, lease)
		lease.Release()
	}
}

// Held reports whether the lease is still held (its connection answers).
func (l *Lease) Held(ctx context.Context) bool {
	return l.conn == nil || l.conn.PingContext(ctx) == nil
}

// Release gives the lease back.
func (l *Lease) Release() {
	if l.conn == nil {
		return
	}
	l.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, l.key)
	l.conn.Close()
}

// AddTencentUsage adds a replica's calls per second and command to the
// app's (migration 0016) and drops the seconds before oldest.
func (d *DB) AddTencentUsage(ctx context.Context, secs []usage.Second, oldest int64) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, s := range secs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tencent_usage (second, op, per_second, calls) VALUES (?, ?, ?, ?)
			ON CONFLICT (second, op) DO UPDATE SET calls = tencent_usage.calls + excluded.calls, per_second = excluded.per_second`,
			s.Unix, s.Op, s.PerSecond, s.Calls); err != nil {
			return fmt.Errorf("add Tencent usage: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM tencent_usage WHERE second < ?`, oldest); err != nil {
		return fmt.Errorf("drop old Tencent usage: %w", err)
	}
	return tx.Commit()
}

// TencentSeconds returns the calls per second and command that replicas
// stored after since.
func (d *DB) TencentSeconds(ctx context.Context, since int64) ([]usage.Second, error) {
	out, err := queryAll(ctx, d.db, func(sc scanner) (usage.Second, error) {
		var s usage.Second
		return s, sc.Scan(&s.Unix, &s.Op, &s.PerSecond, &s.Calls)
	}, `SELECT second, op, per_second, calls FROM tencent_usage WHERE second > ?`, since)
	if err != nil {
		return nil, fmt.Errorf("read Tencent usage: %w", err)
	}
	return out, nil
}

// Replica is one live replica, as the health page lists them.
type Replica struct {
	ID, Host string
	Started  time.Time
}

// LiveReplicas lists the replicas that beat lately, and this one, oldest
// first, and which of them this one is ("" on SQLite, with no list).
func (d *DB) LiveReplicas(ctx context.Context) (reps []Replica, this string, err error) {
	if !d.pg {
		return nil, "", nil
	}
	reps, err = queryAll(ctx, d.db, func(sc scanner) (Replica, error) {
		var r Replica
		var started int64
		err := sc.Scan(&r.ID, &r.Host, &started)
		r.Started = time.UnixMilli(started)
		return r, err
	}, `SELECT id, host, started FROM replicas WHERE seen >= `+nowMS+` - ? OR id = ? ORDER BY started, id`, liveFor, d.replica)
	return reps, d.replica, err
}
