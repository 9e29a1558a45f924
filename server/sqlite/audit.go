package sqlite

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/imdesk/imdesk/server/api"
)

// Audit entry kinds. A sign-in or sign-out is one event. A change is an
// intent, committed before anything is sent to Tencent, and later an outcome
// that completes it; the table is append-only, so the intent is never
// edited. An intent with no outcome after a restart gets an "unknown" one.
const (
	KindEvent   = "event"
	KindIntent  = "intent"
	KindOutcome = "outcome"
)

// Outcomes.
const (
	OutcomeOK      = "ok"
	OutcomeFailed  = "failed"
	OutcomeUnknown = "unknown"
	OutcomePending = "pending" // an intent whose outcome is not recorded yet
)

// timeLayout sorts as text in time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// Entry is one row of the audit log.
type Entry = api.AuditEntry

// keyedPrefix starts the hash of an entry chained with the audit key
// (HMAC-SHA256). Entries written before the key existed keep their plain
// SHA-256 hashes, which have no prefix.
const keyedPrefix = "hmac-sha256:"

// isKeyed reports whether an entry's hash was made with the audit key.
func isKeyed(hash string) bool { return strings.HasPrefix(hash, keyedPrefix) }

// hashOf is the entry's plain hash: SHA-256 over the previous hash and
// every field but the hash itself, in a fixed order. After joins the fields
// only when it holds a state, so entries written before it existed keep
// their hashes. Anyone can recompute it: it shows accidents, not tampering.
func hashOf(e *Entry) string {
	h := sha256.New()
	writeChained(h, e)
	return hex.EncodeToString(h.Sum(nil))
}

// keyedHashOf is the entry's hash under the audit key: HMAC-SHA256 over
// the same bytes as hashOf. Without the key it cannot be recomputed, so an
// edited, inserted or re-chained entry shows.
func keyedHashOf(key []byte, e *Entry) string {
	h := hmac.New(sha256.New, key)
	writeChained(h, e)
	return keyedPrefix + hex.EncodeToString(h.Sum(nil))
}

func writeChained(h io.Writer, e *Entry) {
	fields := []any{e.Seq, e.Time.UTC().Format(timeLayout), e.Kind, e.Completes, e.Actor, e.Role, e.IP, e.UserAgent,
		e.RequestID, e.Action, e.Target, string(e.Request), string(e.Before), e.Outcome, e.TencentCode, e.TencentInfo,
		e.Detail, e.DurationMS}
	if a := string(e.After); a != "" && a != "null" {
		fields = append(fields, a)
	}
	if e.Job != 0 {
		// Entries made before bulk changes existed hash as they did.
		fields = append(fields, map[string]int64{"job": e.Job})
	}
	b, _ := json.Marshal(fields)
	h.Write([]byte(e.PrevHash))
	h.Write([]byte{'\n'})
	h.Write(b)
}

// validText is s with each byte that is not UTF-8 replaced by U+FFFD.
// Text reaches the log from outside (a browser's User-Agent may hold any
// byte), and the hash reads such bytes as U+FFFD (its fields are JSON): a
// log that stored them as they came would hold bytes its hash does not
// vouch for, which could be swapped for others unnoticed. Replaced before
// they are hashed and stored, the log holds exactly what was hashed.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r) // utf8.RuneError for a byte that is not UTF-8
		i += size
	}
	return b.String()
}

func rawOrNull(r json.RawMessage) json.RawMessage {
	if len(r) == 0 {
		return json.RawMessage("null")
	}
	return r
}

// pendingAppend is an entry waiting in Append's queue, and what became of
// it.
type pendingAppend struct {
	e     Entry
	since time.Time
	out   *Entry
	err   error
	done  chan struct{}
}

// Append adds an entry, linking it to the last one, and returns it with its
// sequence number and hash. It returns only once the entry is on disk.
//
// Appends made at once are written together (group commit): the first
// appender that finds no one writing takes every entry queued so far and
// writes them in one transaction, then the next batch, until the queue is
// empty. Every entry still costs its share of one synchronous commit
// rather than a commit of its own, so that many moderators and bulk changes
// can record their changes as fast as Tencent takes them. An entry is
// written even when its caller's context ends: the change it records may
// already be on its way.
func (d *DB) Append(ctx context.Context, e Entry) (*Entry, error) {
	p := &pendingAppend{e: e, since: time.Now(), done: make(chan struct{})}
	d.appendMu.Lock()
	d.queue = append(d.queue, p)
	lead := !d.leading
	d.leading = true
	d.appendMu.Unlock()
	for lead {
		d.appendMu.Lock()
		batch := d.queue
		d.queue = nil
		if len(batch) == 0 {
			d.leading = false
		}
		d.appendMu.Unlock()
		if len(batch) == 0 {
			break
		}
		d.writeBatch(context.WithoutCancel(ctx), batch)
	}
	<-p.done
	return p.out, p.err
}

// writeBatch writes queued entries in one transaction and tells each
// appender what became of its entry.
func (d *DB) writeBatch(ctx context.Context, batch []*pendingAppend) {
	err := d.insertBatch(ctx, batch)
	for _, p := range batch {
		if err != nil {
			p.out, p.err = nil, err
		}
		if d.appended != nil {
			d.appended(p.e.Kind, time.Since(p.since), p.err)
		}
		close(p.done)
	}
}

// auditLock is the PostgreSQL advisory lock under which audit entries are
// appended.
const auditLock = 0x696d6465736b02 // "imdesk" 2

func (d *DB) insertBatch(ctx context.Context, batch []*pendingAppend) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if d.pg {
		// Every replica appends to the one chain: the lock, held until
		// the transaction ends, makes the appends one after another, so
		// each reads the head the one before it wrote.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, auditLock); err != nil {
			return err
		}
	}
	var last sql.NullInt64
	var prev sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&last, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit (seq, time, kind, completes, actor, role, ip, user_agent, request_id,
		action, target, request, before, after, outcome, tencent_code, tencent_info, detail, duration_ms, prev_hash, hash, job, replica)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	seq, prevHash := last.Int64, prev.String
	for _, p := range batch {
		e := p.e
		seq++
		e.Seq, e.PrevHash = seq, prevHash
		if e.Time.IsZero() {
			e.Time = d.now()
		}
		e.Time = e.Time.UTC().Truncate(time.Nanosecond)
		e.Request, e.Before, e.After = rawOrNull(e.Request), rawOrNull(e.Before), rawOrNull(e.After)
		for _, f := range []*string{&e.Kind, &e.Actor, &e.Role, &e.IP, &e.UserAgent, &e.RequestID, &e.Action, &e.Target,
			&e.Outcome, &e.TencentInfo, &e.Detail} {
			*f = validText(*f)
		}
		if d.auditKey != nil {
			e.Hash = keyedHashOf(d.auditKey, &e)
		} else {
			e.Hash = hashOf(&e)
		}
		var completes any
		if e.Completes != 0 {
			completes = e.Completes
		}
		if _, err := stmt.ExecContext(ctx, e.Seq, e.Time.Format(timeLayout), e.Kind, completes, e.Actor, e.Role, e.IP, e.UserAgent,
			e.RequestID, e.Action, e.Target, string(e.Request), string(e.Before), string(e.After), e.Outcome, e.TencentCode,
			e.TencentInfo, e.Detail, e.DurationMS, e.PrevHash, e.Hash, e.Job, d.replica); err != nil {
			return err
		}
		prevHash = e.Hash
		p.out = &e
	}
	return tx.Commit()
}

// Complete appends the outcome of an intent.
func (d *DB) Complete(ctx context.Context, intent *Entry, outcome string, code int, info, detail string, took time.Duration) error {
	_, err := d.Append(ctx, Entry{Kind: KindOutcome, Completes: intent.Seq, Actor: intent.Actor, Role: intent.Role,
		IP: intent.IP, UserAgent: intent.UserAgent, RequestID: intent.RequestID, Action: intent.Action, Target: intent.Target, Job: intent.Job,
		Outcome: outcome, TencentCode: code, TencentInfo: info, Detail: detail, DurationMS: took.Milliseconds()})
	return err
}

// RecoverPending gives every intent without an outcome an "unknown" one:
// the process stopped between sending the change and recording Tencent's
// answer. Run it at start, before serving.
//
// On PostgreSQL, where other replicas may have changes in flight, it
// settles only intents made by no replica (by a process that did not
// JoinReplicas); a replica's are settled once it has stopped, by
// SettleDeadReplicas.
func (d *DB) RecoverPending(ctx context.Context) (int, error) {
	return d.recoverPending(ctx, "")
}

// recoverPending gives the intents of replica (on SQLite: "") without an
// outcome an "unknown" one.
func (d *DB) recoverPending(ctx context.Context, replica string) (int, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+entryColumns("p")+` FROM audit p
		WHERE p.kind = 'intent' AND p.replica = ? AND NOT EXISTS (SELECT 1 FROM audit o WHERE o.completes = p.seq) ORDER BY p.seq`, replica)
	if err != nil {
		return 0, err
	}
	var pending []*Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		pending = append(pending, e)
	}
	rows.Close()
	for _, e := range pending {
		if err := d.Complete(ctx, e, OutcomeUnknown, 0, "", "imdesk stopped before Tencent's answer was recorded; check the target before repeating the change", 0); err != nil {
			return 0, err
		}
	}
	return len(pending), rows.Err()
}

func entryColumns(t string) string {
	cols := []string{"seq", "time", "kind", "completes", "actor", "role", "ip", "user_agent", "request_id", "action",
		"target", "request", "before", "after", "outcome", "tencent_code", "tencent_info", "detail", "duration_ms", "prev_hash", "hash", "job"}
	for i, c := range cols {
		cols[i] = t + "." + c
	}
	return strings.Join(cols, ", ")
}

func scanEntry(row scanner, extra ...any) (*Entry, error) {
	var e Entry
	var ts string
	var completes sql.NullInt64
	var req, before, after string
	dest := append([]any{&e.Seq, &ts, &e.Kind, &completes, &e.Actor, &e.Role, &e.IP, &e.UserAgent, &e.RequestID,
		&e.Action, &e.Target, &req, &before, &after, &e.Outcome, &e.TencentCode, &e.TencentInfo, &e.Detail, &e.DurationMS,
		&e.PrevHash, &e.Hash, &e.Job}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	t, err := time.Parse(timeLayout, ts)
	if err != nil {
		return nil, fmt.Errorf("audit entry %d: time %q: %w", e.Seq, ts, err)
	}
	e.Time, e.Completes = t, completes.Int64
	e.Request, e.Before, e.After = json.RawMessage(req), json.RawMessage(before), json.RawMessage(after)
	return &e, nil
}

// Record is an event or an intent with its outcome.
type Record = api.AuditRecord

// Filter selects records. Zero fields do not filter. Actor and Target match
// any part of the name or ID, whatever the case (moderators remember part
// of a group ID, not all of it).
type Filter struct {
	Seq                            int64 // only the record with this seq
	Actor, Action, Target, Outcome string
	Since, Until                   time.Time
	Before                         int64 // only records with a smaller seq (the paging cursor)
	Job                            int64 // only the records of this bulk change
	Limit                          int
	// Limited, for accounts with a limited scope, keeps only the records of
	// the actor named by Self and of changes to the groups in Groups and
	// the users in Users.
	Limited       bool
	Self          string
	Groups, Users []string
}

// Records returns matching records, newest first.
func (d *DB) Records(ctx context.Context, f Filter) ([]*Record, error) {
	var where []string
	var args []any
	where = append(where, "p.kind != 'outcome'")
	outcome := "COALESCE(o.outcome, p.outcome)"
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Seq > 0 {
		add("p.seq = ?", f.Seq)
	}
	if f.Actor != "" {
		add(`p.actor `+d.like()+` ? ESCAPE '\'`, likeAny(f.Actor))
	}
	if f.Action != "" {
		add("p.action = ?", f.Action)
	}
	if f.Target != "" {
		add(`p.target `+d.like()+` ? ESCAPE '\'`, likeAny(f.Target))
	}
	if f.Outcome != "" {
		add(outcome+" = ?", f.Outcome)
	}
	if !f.Since.IsZero() {
		add("p.time >= ?", f.Since.UTC().Format(timeLayout))
	}
	if !f.Until.IsZero() {
		add("p.time < ?", f.Until.UTC().Format(timeLayout))
	}
	if f.Job > 0 {
		add("p.job = ?", f.Job)
	}
	if f.Before > 0 {
		add("p.seq < ?", f.Before)
	}
	if f.Limited {
		cond := "(p.actor = ?"
		args = append(args, f.Self)
		for _, t := range []struct {
			prefix string
			ids    []string
		}{{"group.", f.Groups}, {"user.", f.Users}} {
			if len(t.ids) > 0 {
				cond += " OR (p.action LIKE '" + t.prefix + "%' AND p.target IN (?" + strings.Repeat(", ?", len(t.ids)-1) + "))"
				for _, id := range t.ids {
					args = append(args, id)
				}
			}
		}
		where = append(where, cond+")")
	}
	q := `SELECT ` + entryColumns("p") + `, o.outcome, o.tencent_code, o.tencent_info, o.detail, o.duration_ms, o.time
		FROM audit p LEFT JOIN audit o ON o.completes = p.seq
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY p.seq DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Record
	for rows.Next() {
		var oOutcome, oInfo, oDetail, oTime sql.NullString
		var oCode, oDur sql.NullInt64
		e, err := scanEntry(rows, &oOutcome, &oCode, &oInfo, &oDetail, &oDur, &oTime)
		if err != nil {
			return nil, err
		}
		r := &Record{AuditEntry: *e}
		if oOutcome.Valid {
			r.Outcome, r.TencentCode, r.TencentInfo, r.Detail, r.DurationMS = oOutcome.String, int(oCode.Int64), oInfo.String, oDetail.String, oDur.Int64
			if t, err := time.Parse(timeLayout, oTime.String); err == nil {
				r.CompletedAt = &t
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// likeAny is a LIKE pattern matching v anywhere, with LIKE's own
// characters in v taken literally. SQLite's LIKE ignores the case of ASCII
// letters, as PostgreSQL's ILIKE (d.like) does of every letter.
func likeAny(v string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(v) + "%"
}

// Broken names the first entry where the chain does not hold.
type Broken struct {
	Seq    int64
	Reason string
}

func (b *Broken) Error() string { return fmt.Sprintf("audit entry %d: %s", b.Seq, b.Reason) }

// ErrNoAuditKey is returned by Verify when the log has keyed entries and
// the database was opened without the key.
var ErrNoAuditKey = errors.New("the audit log is keyed; give the audit key (IMDESK_AUDIT_KEY_FILE) to verify it")

// Verify checks the whole chain: each entry's hash (its HMAC under the
// audit key, for keyed entries), its link to the entry before, that
// sequence numbers have no gaps, that no plain entry follows a keyed one,
// and — when the database was opened with the key — that the newest entry
// is keyed, so that the keyed entries cannot be removed or replaced with
// plain ones. Each checkpoint's entry must still be there, unchanged: that
// shows entries removed from the end, which the chain alone cannot. It
// returns the number of entries checked and, if the chain is broken, the
// first broken entry.
func (d *DB) Verify(ctx context.Context, checkpoints ...Checkpoint) (int64, *Broken, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+entryColumns("a")+` FROM audit a ORDER BY a.seq`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	want := map[int64]string{}
	for _, c := range checkpoints {
		want[c.Seq] = c.Hash
	}
	var n int64
	prev, keyed := "", false
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return n, &Broken{Seq: n + 1, Reason: err.Error()}, nil
		}
		n++
		switch {
		case e.Seq != n:
			return n, &Broken{Seq: e.Seq, Reason: fmt.Sprintf("expected entry %d here; entries are missing", n)}, nil
		case e.PrevHash != prev:
			return n, &Broken{Seq: e.Seq, Reason: "it does not link to the entry before it"}, nil
		case isKeyed(e.Hash) && d.auditKey == nil:
			return n, nil, ErrNoAuditKey
		case isKeyed(e.Hash) && !hmac.Equal([]byte(keyedHashOf(d.auditKey, e)), []byte(e.Hash)):
			return n, &Broken{Seq: e.Seq, Reason: "its content does not match its keyed hash (it was altered, or the audit key is not the one it was written with)"}, nil
		case !isKeyed(e.Hash) && keyed:
			return n, &Broken{Seq: e.Seq, Reason: "it has a plain hash after keyed entries (it was rewritten without the audit key)"}, nil
		case !isKeyed(e.Hash) && hashOf(e) != e.Hash:
			return n, &Broken{Seq: e.Seq, Reason: "its content does not match its hash (it was altered)"}, nil
		}
		if h, ok := want[e.Seq]; ok && h != e.Hash {
			return n, &Broken{Seq: e.Seq, Reason: "it is not the entry the checkpoint names (the log was rewritten from here on)"}, nil
		}
		delete(want, e.Seq)
		prev, keyed = e.Hash, isKeyed(e.Hash)
	}
	if err := rows.Err(); err != nil {
		return n, nil, err
	}
	for seq := range want {
		return n, &Broken{Seq: seq, Reason: fmt.Sprintf("the checkpoint names this entry, but the log ends at entry %d (entries were removed from the end)", n)}, nil
	}
	if d.auditKey != nil && n > 0 && !keyed {
		return n, &Broken{Seq: n, Reason: "the newest entry is not keyed: keyed entries were removed or rewritten without the audit key, or imdesk has not started since the upgrade that keys the log"}, nil
	}
	return n, nil, nil
}

// StartKeyed makes sure the newest entry is keyed, appending an event that
// says so when it is not (the first start after the upgrade that keys the
// log): from then on, entries without the key cannot be appended, and the
// plain entries before are sealed by the keyed one that links to them. The
// server calls it at start, never `audit verify`, which must not vouch for
// entries it did not write.
func (d *DB) StartKeyed(ctx context.Context) error {
	if d.auditKey == nil {
		return errors.New("no audit key")
	}
	var last sql.NullString
	err := d.db.QueryRowContext(ctx, `SELECT hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) || err == nil && isKeyed(last.String) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = d.Append(ctx, Entry{Kind: KindEvent, Actor: "imdesk", Action: "audit.keyed", Outcome: OutcomeOK,
		Detail: "entries from here on are chained with HMAC-SHA256 under the audit key"})
	return err
}

// Checkpoint is the head of the chain at a moment: the newest entry's seq
// and hash. Recorded outside the database (the server log, a monitor
// polling the API), it lets Verify prove later that nothing up to it was
// removed or rewritten. MAC, under the audit key, lets the holder of the
// key tell a checkpoint imdesk issued from one someone made up.
type Checkpoint struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	Time time.Time `json:"time"`
	MAC  string    `json:"mac,omitempty"`
}

// String is the form `imdesk audit verify --checkpoint` takes.
func (c Checkpoint) String() string { return fmt.Sprintf("%d:%s", c.Seq, c.Hash) }

// ParseCheckpoint reads "<seq>:<hash>".
func ParseCheckpoint(s string) (Checkpoint, error) {
	seq, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 1 || hash == "" {
		return Checkpoint{}, fmt.Errorf("%q is not a checkpoint; write it as <seq>:<hash>, as imdesk audit checkpoint prints it", s)
	}
	return Checkpoint{Seq: n, Hash: hash}, nil
}

// checkpointMAC is the MAC of a checkpoint under the audit key.
func checkpointMAC(key []byte, c Checkpoint) string {
	h := hmac.New(sha256.New, key)
	fmt.Fprintf(h, "imdesk audit checkpoint\n%d\n%s\n%s", c.Seq, c.Hash, c.Time.UTC().Format(timeLayout))
	return hex.EncodeToString(h.Sum(nil))
}

// Checkpoint returns the chain's head now; Seq 0 for an empty log.
func (d *DB) Checkpoint(ctx context.Context) (Checkpoint, error) {
	var c Checkpoint
	err := d.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&c.Seq, &c.Hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, err
	}
	c.Time = d.now().UTC().Truncate(time.Millisecond)
	if d.auditKey != nil {
		c.MAC = checkpointMAC(d.auditKey, c)
	}
	return c, nil
}

// CheckpointIssued reports whether c's MAC is the one imdesk gives it
// under the audit key.
func (d *DB) CheckpointIssued(c Checkpoint) bool {
	return d.auditKey != nil && hmac.Equal([]byte(checkpointMAC(d.auditKey, c)), []byte(c.MAC))
}

// Head returns the number of entries and the newest entry's hash.
func (d *DB) Head(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	err := d.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return seq, hash, err
}
