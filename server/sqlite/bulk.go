package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// BulkJob is one bulk change (migration 0008): what it changes, how its
// groups were chosen, and where it stands.
type BulkJob struct {
	ID          int64
	Owner       string
	IP          string
	UserAgent   string
	Created     time.Time
	Op          string
	Change      json.RawMessage
	Source      json.RawMessage
	Undoes      int64
	State       string
	Reason      json.RawMessage // a phrase; empty when the job did not stop early
	Sample      json.RawMessage
	Updated     time.Time
	Started     time.Time // zero: never started
	DoneAtStart int       // items done when it last started or resumed
}

// BulkItem is one group of a bulk change. Reasons are phrases (JSON).
type BulkItem struct {
	N          int
	GroupID    string
	Name       string
	Plan       string
	PlanReason json.RawMessage
	Outcome    string
	Reason     json.RawMessage
	Audit      int64
	Before     json.RawMessage
	After      json.RawMessage
	Want       json.RawMessage
	Expect     json.RawMessage
}

// BulkCount is how many of a job's groups have a plan or an outcome.
type BulkCount struct {
	Plan, Outcome string
	Reason        json.RawMessage
	N             int
}

const bulkJobColumns = `id, owner, ip, user_agent, created, op, change, source, undoes, state, reason, sample, updated, started, done_at_start`

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTimeText(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(timeLayout, s)
}

func text(r json.RawMessage) string { return string(r) }

// CreateBulkJob stores a new job and its groups, in order, and returns its
// ID.
func (d *DB) CreateBulkJob(ctx context.Context, j BulkJob, items []BulkItem) (int64, error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	now := timeText(d.now())
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO bulk_jobs (owner, ip, user_agent, created, op, change, source, undoes, state, reason, sample, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '[]', ?) RETURNING id`,
		j.Owner, validText(j.IP), validText(j.UserAgent), now, j.Op, text(j.Change), text(j.Source), j.Undoes, j.State, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO bulk_items (job, n, group_id, name, plan, plan_reason, outcome, reason, want, expect)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	for i, it := range items {
		if _, err := stmt.ExecContext(ctx, id, i+1, it.GroupID, it.Name, it.Plan, text(it.PlanReason), it.Outcome, text(it.Reason), text(it.Want), text(it.Expect)); err != nil {
			return 0, err
		}
	}
	return id, tx.Commit()
}

func scanBulkJob(row scanner) (*BulkJob, error) {
	var j BulkJob
	var created, updated, started, change, source, reason, sample string
	if err := row.Scan(&j.ID, &j.Owner, &j.IP, &j.UserAgent, &created, &j.Op, &change, &source, &j.Undoes, &j.State,
		&reason, &sample, &updated, &started, &j.DoneAtStart); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	var err error
	if j.Created, err = parseTimeText(created); err == nil {
		if j.Updated, err = parseTimeText(updated); err == nil {
			j.Started, err = parseTimeText(started)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("bulk job %d: %w", j.ID, err)
	}
	j.Change, j.Source, j.Sample = json.RawMessage(change), json.RawMessage(source), json.RawMessage(sample)
	if reason != "" {
		j.Reason = json.RawMessage(reason)
	}
	return &j, nil
}

// BulkJob returns one job.
func (d *DB) BulkJob(ctx context.Context, id int64) (*BulkJob, error) {
	return scanBulkJob(d.db.QueryRowContext(ctx, `SELECT `+bulkJobColumns+` FROM bulk_jobs WHERE id = ?`, id))
}

// BulkJobs returns the newest jobs first, at most limit of them; with
// states, only those in one of them.
func (d *DB) BulkJobs(ctx context.Context, limit int, states ...string) ([]*BulkJob, error) {
	q, args := `SELECT `+bulkJobColumns+` FROM bulk_jobs`, []any{}
	if len(states) > 0 {
		q += ` WHERE state IN (?` + strings.Repeat(", ?", len(states)-1) + `)`
		for _, s := range states {
			args = append(args, s)
		}
	}
	q += ` ORDER BY id DESC LIMIT ?`
	return queryAll(ctx, d.db, scanBulkJob, q, append(args, limit)...)
}

// SetBulkState moves a job from one of the states from to state, with the
// reason (a phrase, or nil). It reports false, changing nothing, when the
// job is in none of them. Moving to running records when, and how many
// groups were done by then, for the job's rate.
func (d *DB) SetBulkState(ctx context.Context, id int64, from []string, state string, reason json.RawMessage) (bool, error) {
	now := timeText(d.now())
	q := `UPDATE bulk_jobs SET state = ?, reason = ?, updated = ?`
	args := []any{state, text(reason), now}
	if state == "running" {
		q += `, started = ?, done_at_start = (SELECT count(*) FROM bulk_items WHERE job = bulk_jobs.id AND outcome != '')`
		args = append(args, now)
	}
	q += ` WHERE id = ? AND state IN (?` + strings.Repeat(", ?", len(from)-1) + `)`
	args = append(args, id)
	for _, f := range from {
		args = append(args, f)
	}
	res, err := d.db.ExecContext(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetBulkSample stores the before and after of a few groups, from the
// preview.
func (d *DB) SetBulkSample(ctx context.Context, id int64, sample json.RawMessage) error {
	_, err := d.db.ExecContext(ctx, `UPDATE bulk_jobs SET sample = ? WHERE id = ?`, text(sample), id)
	return err
}

// BulkCounts counts a job's groups by plan, outcome and reason.
func (d *DB) BulkCounts(ctx context.Context, id int64) ([]BulkCount, error) {
	return queryAll(ctx, d.db, func(row scanner) (BulkCount, error) {
		var c BulkCount
		var reason string
		err := row.Scan(&c.Plan, &c.Outcome, &reason, &c.N)
		if reason != "" {
			c.Reason = json.RawMessage(reason)
		}
		return c, err
	}, `SELECT plan, outcome, CASE WHEN outcome = '' THEN plan_reason ELSE reason END, count(*)
		FROM bulk_items WHERE job = ? GROUP BY 1, 2, 3`, id)
}

const bulkItemColumns = `n, group_id, name, plan, plan_reason, outcome, reason, audit, before, after, want, expect`

func scanBulkItem(row scanner) (*BulkItem, error) {
	var it BulkItem
	var planReason, reason, before, after, want, expect string
	if err := row.Scan(&it.N, &it.GroupID, &it.Name, &it.Plan, &planReason, &it.Outcome, &reason, &it.Audit,
		&before, &after, &want, &expect); err != nil {
		return nil, err
	}
	raw := func(s string) json.RawMessage {
		if s == "" {
			return nil
		}
		return json.RawMessage(s)
	}
	it.PlanReason, it.Reason, it.Before, it.After, it.Want, it.Expect = raw(planReason), raw(reason), raw(before), raw(after), raw(want), raw(expect)
	return &it, nil
}

// BulkItemQuery selects a job's groups, in order.
type BulkItemQuery struct {
	After     int      // only groups after this one in the job's order
	Limit     int      // 0: all
	Open      bool     // only groups not yet run (no outcome)
	Unplanned bool     // only groups the preview has not read yet
	Outcomes  []string // only groups with one of these outcomes
	Only      []string // only these groups (a reader's scope); nil: all
	// OrExcluded, with Only: also the groups left out when the job was
	// made (for its owner, who typed them).
	OrExcluded bool
}

// BulkItems returns a job's groups as q selects them.
func (d *DB) BulkItems(ctx context.Context, job int64, q BulkItemQuery) ([]*BulkItem, error) {
	where, args := []string{"job = ?", "n > ?"}, []any{job, q.After}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			where = append(where, "1 = 0") // none; a bare 0 is no boolean on PostgreSQL
			return
		}
		where = append(where, col+" IN (?"+strings.Repeat(", ?", len(vals)-1)+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if q.Open {
		where = append(where, "outcome = ''")
	}
	if q.Unplanned {
		where = append(where, "plan = ''")
	}
	if q.Outcomes != nil {
		in("outcome", q.Outcomes)
	}
	if q.Only != nil {
		in("group_id", q.Only)
		if q.OrExcluded {
			where[len(where)-1] = "(" + where[len(where)-1] + " OR outcome = 'excluded')"
		}
	}
	sqlText := `SELECT ` + bulkItemColumns + ` FROM bulk_items WHERE ` + strings.Join(where, " AND ") + ` ORDER BY n`
	if q.Limit > 0 {
		sqlText += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	return queryAll(ctx, d.db, scanBulkItem, sqlText, args...)
}

// SavePlans records what the preview found for some of a job's groups, in
// one transaction.
func (d *DB) SavePlans(ctx context.Context, job int64, items []*BulkItem) error {
	return d.saveItems(ctx, job, `UPDATE bulk_items SET plan = ?, plan_reason = ?, name = CASE WHEN ? != '' THEN ? ELSE name END WHERE job = ? AND n = ?`,
		items, func(it *BulkItem) []any {
			return []any{it.Plan, text(it.PlanReason), it.Name, it.Name, job, it.N}
		})
}

// SaveOutcomes records what running did to some of a job's groups, in one
// transaction.
func (d *DB) SaveOutcomes(ctx context.Context, job int64, items []*BulkItem) error {
	return d.saveItems(ctx, job, `UPDATE bulk_items SET outcome = ?, reason = ?, audit = ?, before = ?, after = ? WHERE job = ? AND n = ?`,
		items, func(it *BulkItem) []any {
			return []any{it.Outcome, text(it.Reason), it.Audit, text(it.Before), text(it.After), job, it.N}
		})
}

func (d *DB) saveItems(ctx context.Context, job int64, q string, items []*BulkItem, args func(*BulkItem) []any) error {
	if len(items) == 0 {
		return nil
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, it := range items {
		if _, err := stmt.ExecContext(ctx, args(it)...); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE bulk_jobs SET updated = ? WHERE id = ?`, timeText(d.now()), job); err != nil {
		return err
	}
	return tx.Commit()
}

// BulkIntents returns the last change intent a job recorded for each of
// its groups, with its outcome: after a restart, what a group the job was
// changing when the process stopped has had done to it.
func (d *DB) BulkIntents(ctx context.Context, job int64) (map[string]*Record, error) {
	recs, err := d.Records(ctx, Filter{Job: job})
	if err != nil {
		return nil, err
	}
	out := map[string]*Record{}
	for _, r := range recs { // newest first
		if _, seen := out[r.Target]; !seen && r.Kind == KindIntent {
			out[r.Target] = r
		}
	}
	return out, nil
}
