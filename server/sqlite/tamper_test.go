package sqlite

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// upgradedLog is a data directory whose log has three plain entries from
// before the key, the event that starts the keyed chain, and three keyed
// entries; with the checkpoint taken at its head.
func upgradedLog(t *testing.T) (*DB, Checkpoint) {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	old, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := old.Append(ctx, Entry{Kind: KindEvent, Actor: "alice", Action: "session.signin", Outcome: OutcomeOK}); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	d, err := Open(dir, Options{AuditKey: testAuditKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.StartKeyed(ctx); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := d.Append(ctx, Entry{Kind: KindEvent, Actor: "bob", Action: "session.signin", Outcome: OutcomeOK}); err != nil {
			t.Fatal(err)
		}
	}
	cp, err := d.Checkpoint(ctx)
	if err != nil || cp.Seq != 7 || !isKeyed(cp.Hash) || !d.CheckpointIssued(cp) {
		t.Fatalf("checkpoint %+v %v", cp, err)
	}
	if n, broken, err := d.Verify(ctx, cp); n != 7 || broken != nil || err != nil {
		t.Fatalf("untouched log: %d %v %v", n, broken, err)
	}
	return d, cp
}

// rewrite is what someone who can write the data directory does: drop the
// triggers, change the entries from seq on (edit the first), and chain
// them again with hash.
func rewrite(t *testing.T, d *DB, from int64, edit func(*Entry), hash func(*Entry) string) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.db.Exec(`DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete`); err != nil {
		t.Fatal(err)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+entryColumns("a")+` FROM audit a ORDER BY a.seq`)
	if err != nil {
		t.Fatal(err)
	}
	var all []*Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, e)
	}
	rows.Close()
	prev := ""
	for _, e := range all {
		if e.Seq >= from {
			if e.Seq == from {
				edit(e)
			}
			e.PrevHash = prev
			e.Hash = hash(e)
			if _, err := d.db.Exec(`UPDATE audit SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.Actor, e.PrevHash, e.Hash, e.Seq); err != nil {
				t.Fatal(err)
			}
		}
		prev = e.Hash
	}
}

func exec(t *testing.T, d *DB, q string) {
	t.Helper()
	if _, err := d.db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

// Whoever can write the database but lacks the audit key cannot edit,
// re-chain, insert or cut off entries without Verify (with the checkpoint
// for cuts at the end) naming the first entry that does not hold.
func TestAuditTamperDetected(t *testing.T) {
	sqliteOnly(t)
	mallory := func(e *Entry) { e.Actor = "mallory" }
	plain := hashOf
	otherKey := func(e *Entry) string { return keyedHashOf([]byte("not the key, but 32 bytes long!!"), e) }
	for _, c := range []struct {
		name          string
		tamper        func(t *testing.T, d *DB)
		useCheckpoint bool
		seq           int64
		reason        string
	}{
		{"edit a keyed entry, recompute the plain chain", func(t *testing.T, d *DB) { rewrite(t, d, 6, mallory, plain) }, false, 6, "plain hash after keyed"},
		{"edit from the first keyed entry on, all plain", func(t *testing.T, d *DB) { rewrite(t, d, 4, mallory, plain) }, false, 7, "newest entry is not keyed"},
		{"edit an old plain entry, recompute everything plain", func(t *testing.T, d *DB) { rewrite(t, d, 2, mallory, plain) }, false, 7, "newest entry is not keyed"},
		{"edit an old plain entry, recompute up to the keyed one", func(t *testing.T, d *DB) {
			rewrite(t, d, 2, mallory, func(e *Entry) string {
				if isKeyed(e.Hash) {
					return e.Hash // cannot be recomputed
				}
				return plain(e)
			})
		}, false, 4, "altered"},
		{"edit a keyed entry, recompute with a made-up key", func(t *testing.T, d *DB) { rewrite(t, d, 5, mallory, otherKey) }, false, 5, "altered"},
		{"edit with the triggers dropped, no recompute", func(t *testing.T, d *DB) {
			exec(t, d, `DROP TRIGGER audit_no_update`)
			exec(t, d, `UPDATE audit SET actor = 'mallory' WHERE seq = 6`)
		}, false, 6, "altered"},
		{"delete one in the middle", func(t *testing.T, d *DB) {
			exec(t, d, `DROP TRIGGER audit_no_delete`)
			exec(t, d, `DELETE FROM audit WHERE seq = 5`)
		}, false, 6, "missing"},
		{"truncate the newest", func(t *testing.T, d *DB) {
			exec(t, d, `DROP TRIGGER audit_no_delete`)
			exec(t, d, `DELETE FROM audit WHERE seq >= 6`)
		}, true, 7, "removed from the end"},
		{"truncate back past keying", func(t *testing.T, d *DB) {
			exec(t, d, `DROP TRIGGER audit_no_delete`)
			exec(t, d, `DELETE FROM audit WHERE seq >= 4`)
		}, false, 3, "newest entry is not keyed"},
		{"truncate and append plain entries", func(t *testing.T, d *DB) {
			exec(t, d, `DROP TRIGGER audit_no_delete`)
			exec(t, d, `DELETE FROM audit WHERE seq >= 6`)
			unkeyed := &DB{db: d.db, now: d.now}
			for range 2 {
				if _, err := unkeyed.Append(context.Background(), Entry{Kind: KindEvent, Actor: "mallory", Action: "session.signin"}); err != nil {
					t.Fatal(err)
				}
			}
		}, false, 6, "plain hash after keyed"},
		{"truncate and rewrite the tail with a made-up key", func(t *testing.T, d *DB) {
			rewrite(t, d, 7, mallory, otherKey)
		}, true, 7, "altered"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, cp := upgradedLog(t)
			c.tamper(t, d)
			var cps []Checkpoint
			if c.useCheckpoint {
				cps = append(cps, cp)
			}
			_, broken, err := d.Verify(context.Background(), cps...)
			if err != nil || broken == nil || broken.Seq != c.seq || !strings.Contains(broken.Reason, c.reason) {
				t.Fatalf("Verify = %v, %v; want entry %d: …%s…", broken, err, c.seq, c.reason)
			}
		})
	}
}

// A checkpoint is proof only of what it names: an older one still holds
// after new entries, a made-up one is not "issued", and a log with keyed
// entries cannot be verified without the key.
func TestAuditCheckpoints(t *testing.T) {
	sqliteOnly(t)
	d, cp := upgradedLog(t)
	ctx := context.Background()
	if _, err := d.Append(ctx, Entry{Kind: KindEvent, Actor: "carol", Action: "session.signin", Outcome: OutcomeOK}); err != nil {
		t.Fatal(err)
	}
	if n, broken, err := d.Verify(ctx, cp); n != 8 || broken != nil || err != nil {
		t.Fatalf("older checkpoint: %d %v %v", n, broken, err)
	}
	parsed, err := ParseCheckpoint(cp.String())
	if err != nil || parsed.Seq != cp.Seq || parsed.Hash != cp.Hash {
		t.Fatalf("parse %q: %+v %v", cp.String(), parsed, err)
	}
	for _, bad := range []string{"", "7", "x:abc", "0:abc", "7:"} {
		if _, err := ParseCheckpoint(bad); err == nil {
			t.Errorf("checkpoint %q accepted", bad)
		}
	}
	forged := cp
	forged.Seq = 8
	if d.CheckpointIssued(forged) {
		t.Fatal("a changed checkpoint passes as issued")
	}
	if _, broken, _ := d.Verify(ctx, Checkpoint{Seq: 3, Hash: "abc"}); broken == nil || broken.Seq != 3 {
		t.Fatalf("a checkpoint that does not match: %v", broken)
	}
	unkeyed := &DB{db: d.db, now: d.now}
	if _, _, err := unkeyed.Verify(ctx); !errors.Is(err, ErrNoAuditKey) {
		t.Fatalf("verify without the key: %v", err)
	}
}
