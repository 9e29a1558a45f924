package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
)

// The bulk runner: one goroutine that works the jobs previewing or running
// a batch at a time, oldest first, so that jobs take turns; within a batch
// bulkWorkers groups are in flight at once. All jobs together keep to one
// share of Tencent's limits (Config.BulkRate, tim.WithShare): two jobs
// running at once each get about half of it.

// bulkStartDelay is how long the runner waits after the process starts:
// Tencent's window (a second) and the client's margin for a call sent but
// never answered (tim's lostMargin, a second).
const bulkStartDelay = 2 * time.Second

// runBulk settles what a stop left, then runs jobs until ctx ends.
//
// Replicas on one PostgreSQL store run jobs one replica at a time: the one
// holding the runner's lease; another takes over (as a restart would)
// within bulkLeaseRetry when it stops.
func (s *Server) runBulk(ctx context.Context) {
	s.db.WhileLeased(ctx, "bulk runner", bulkLeaseRetry, tim.Sleep, func(err error) {
		s.log.Error("bulk changes: ask who runs them", "err", err)
	}, s.runBulkJobs)
}

// bulkLeaseRetry is how often a replica that does not run the jobs asks
// whether the one that did has stopped.
const bulkLeaseRetry = 15 * time.Second

// runBulkJobs runs jobs for as long as the lease holds.
func (s *Server) runBulkJobs(ctx context.Context, lease *sqlite.Lease) {
	// A process that stopped mid-job (a crash, kill -9) may have made
	// calls that Tencent still counts in its window for the second after:
	// a new process knows nothing of them, so it waits that window out
	// before its jobs go on at their full share.
	tim.Sleep(ctx, bulkStartDelay)
	// A replica that took the jobs over from one that died settles that
	// one's changes in flight first (once, whoever does it), so that the
	// jobs' last batch is settled from complete audit entries.
	if _, err := s.db.SettleDeadReplicas(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("bulk changes: settle stopped replicas", "err", err)
	}
	if err := s.settleBulk(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("bulk changes: settle after a restart", "err", err)
	}
	for ctx.Err() == nil && lease.Held(ctx) {
		worked, wait := s.bulkRound(ctx)
		if worked {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-s.bulk.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// bulkRound works one batch of each job previewing or running, oldest
// first. It reports whether it did anything, and otherwise how long the
// runner may wait before the next round (a job backing off, or a look for
// new work).
func (s *Server) bulkRound(ctx context.Context) (worked bool, wait time.Duration) {
	wait = 5 * time.Second
	jobs, err := s.db.BulkJobs(ctx, bulkListSize, api.BulkPreviewing, api.BulkRunning)
	if err != nil && ctx.Err() == nil {
		s.log.Error("bulk changes: list jobs", "err", err)
	}
	for _, j := range slices.Backward(jobs) {
		run := s.bulk.run(j.ID)
		if d := run.until.Sub(s.now()); d > 0 {
			wait = min(wait, d)
			continue
		}
		if s.bulkBatch(ctx, j, run) {
			worked = true
		}
	}
	return worked, wait
}

// jobRequest is the request a job's changes are made under: its owner as
// the caller (as the account is now, so that a narrowed scope or a
// disabled account counts at once), the address and browser it was made
// from, the job as the request ID, and the share of Tencent's limits.
func (s *Server) jobRequest(ctx context.Context, j *sqlite.BulkJob, c *caller) *http.Request {
	ctx = context.WithValue(ctx, callerKey{}, c)
	ctx = context.WithValue(ctx, requestIDKey, fmt.Sprintf("bulk-%d", j.ID))
	ctx = context.WithValue(ctx, originKey, origin{ip: j.IP})
	ctx = tim.WithShare(ctx, s.cfg.BulkRate)
	r := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: fmt.Sprintf("/api/v1/bulk-changes/%d", j.ID)},
		Header: http.Header{"User-Agent": {j.UserAgent}}}
	return r.WithContext(ctx)
}

// bulkCaller is the job's owner as the account is now, or why the job
// cannot go on.
func (s *Server) bulkCaller(ctx context.Context, j *sqlite.BulkJob) (*caller, []api.Phrase, error) {
	a, err := s.db.Account(ctx, j.Owner)
	switch {
	case errors.Is(err, sqlite.ErrNotFound):
		return nil, say("The account that made this bulk change no longer exists."), nil
	case err != nil:
		return nil, nil, err
	case a.Disabled:
		return nil, say("The account that made this bulk change was disabled."), nil
	case !a.Writes(access.Attributes):
		return nil, say("The account that made this bulk change may no longer change groups."), nil
	}
	return &caller{Account: a}, nil, nil
}

// bulkBatch previews or runs one batch of a job's groups, and reports
// whether it did anything.
func (s *Server) bulkBatch(ctx context.Context, j *sqlite.BulkJob, run *bulkRun) bool {
	c, stop, err := s.bulkCaller(ctx, j)
	if err != nil {
		s.log.Error("bulk changes: read the owner", "job", j.ID, "err", err)
		return false
	}
	if stop != nil {
		s.endBulk(ctx, j, api.BulkCancelled, stop)
		return true
	}
	preview := j.State == api.BulkPreviewing
	items, err := s.db.BulkItems(ctx, j.ID, sqlite.BulkItemQuery{Limit: bulkBatch, Open: !preview, Unplanned: preview})
	if err != nil {
		s.log.Error("bulk changes: read groups", "job", j.ID, "err", err)
		return false
	}
	if len(items) == 0 {
		if preview {
			_, err = s.db.SetBulkState(ctx, j.ID, []string{api.BulkPreviewing}, api.BulkReady, nil)
		} else {
			s.endBulk(ctx, j, api.BulkFinished, nil)
		}
		if err != nil {
			s.log.Error("bulk changes: end the preview", "job", j.ID, "err", err)
		}
		return true
	}
	var sp bulkSpec
	if err := json.Unmarshal(j.Change, &sp); err != nil {
		s.endBulk(ctx, j, api.BulkCancelled, say("This bulk change could not be read."))
		return true
	}
	r := s.jobRequest(ctx, j, c)
	passing := make([]bool, len(items))
	var wg sync.WaitGroup
	sem := make(chan struct{}, bulkWorkers)
	for i, it := range items {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if preview {
				passing[i] = s.previewGroup(r, &sp, it)
			} else {
				passing[i] = s.runGroup(r, j, &sp, it)
			}
		})
	}
	wg.Wait()

	// A group that failed for a passing reason (Tencent busy, the network)
	// is tried again in a later batch, bulkTries times in all; a batch in
	// which many did backs off instead of hammering.
	var done []*sqlite.BulkItem
	failures := 0
	for i, it := range items {
		if passing[i] {
			failures++
			if run.tries[it.N]++; run.tries[it.N] < bulkTries {
				continue
			}
		}
		delete(run.tries, it.N)
		done = append(done, it)
	}
	if failures >= max(4, len(items)/4) {
		run.backoff = min(max(2*run.backoff, 2*time.Second), time.Minute)
		run.until = s.now().Add(run.backoff)
		s.log.Warn("bulk changes: Tencent is failing; backing off", "job", j.ID, "failures", failures, "of", len(items), "wait", run.backoff)
	} else {
		run.backoff = 0
	}
	if preview {
		err = s.db.SavePlans(ctx, j.ID, done)
		if err == nil {
			err = s.addSample(ctx, j, done)
		}
	} else {
		err = s.db.SaveOutcomes(ctx, j.ID, done)
	}
	if err != nil {
		s.log.Error("bulk changes: save outcomes", "job", j.ID, "err", err)
	} else if !preview {
		// The batch that drains the job finishes it, even if it was
		// paused while the batch ran: a job with nothing left is not
		// "paused", and cancelling it would call it cancelled.
		if open, err := s.db.BulkItems(ctx, j.ID, sqlite.BulkItemQuery{Limit: 1, Open: true}); err == nil && len(open) == 0 {
			s.endBulk(ctx, j, api.BulkFinished, nil)
		}
	}
	return true
}

// endBulk ends a job (finished, or cancelled with the reason) and records
// it in the audit log as its owner's.
func (s *Server) endBulk(ctx context.Context, j *sqlite.BulkJob, state string, reason []api.Phrase) {
	ok, err := s.db.SetBulkState(ctx, j.ID, []string{api.BulkPreviewing, api.BulkRunning, api.BulkReady, api.BulkPaused}, state, storePhrases(reason))
	if err != nil || !ok {
		return
	}
	detail := ""
	if counts, err := s.db.BulkCounts(ctx, j.ID); err == nil {
		var c api.BulkCounts
		for _, n := range counts {
			c.Add(n.Outcome, n.N)
		}
		detail = fmt.Sprintf("%d changed, %d unchanged, %d refused, %d failed, %d unknown, %d left out, %d not run",
			c.Changes, c.Unchanged, c.Refused, c.Failed, c.Unknown, c.Excluded, c.Remaining)
	}
	action := api.ActionBulkFinish
	if state == api.BulkCancelled {
		action = api.ActionBulkCancel
		detail = i18nEnglish(reason) + " " + detail
	}
	if _, err := s.db.Append(ctx, sqlite.Entry{Kind: sqlite.KindEvent, Actor: j.Owner, Action: action, Target: bulkTarget(j.ID),
		Job: j.ID, RequestID: fmt.Sprintf("bulk-%d", j.ID), Outcome: sqlite.OutcomeOK, Detail: detail}); err != nil {
		s.log.Error("bulk changes: audit the end", "job", j.ID, "err", err)
	}
}

func i18nEnglish(ps []api.Phrase) string { return (&httpError{Say: ps}).English() }

// previewGroup reads a group and says what the job will do to it. It
// reports true when the read failed for a passing reason.
func (s *Server) previewGroup(r *http.Request, sp *bulkSpec, it *sqlite.BulkItem) (passing bool) {
	ctx := r.Context()
	if ok, _ := callerOf(ctx).CanChange(ctx, s.members, access.Attributes, access.Group(it.GroupID)); !ok {
		it.Plan, it.PlanReason = api.BulkRefused, storePhrases(errOutOfScope(access.KindGroup).Say)
		return false
	}
	before, err := s.readAttrs(ctx, it.GroupID)
	if err != nil {
		outcome, reason, passing := s.bulkFailure(err)
		if outcome == api.BulkUnknown {
			outcome = api.BulkFailed
		}
		it.Plan, it.PlanReason = outcome, storePhrases(reason)
		return passing
	}
	gp := sp.plan(ctx, s, it.GroupID, before, it)
	it.Plan, it.PlanReason = gp.outcome, storePhrases(gp.reason)
	if gp.outcome == api.BulkChanges {
		it.Before, _ = json.Marshal(before)
		it.After, _ = json.Marshal(gp.after)
	}
	return false
}

// addSample keeps the first few groups that will change, with their
// attributes before and after, for the preview.
func (s *Server) addSample(ctx context.Context, j *sqlite.BulkJob, items []*sqlite.BulkItem) error {
	var sample []api.BulkSample
	_ = json.Unmarshal(j.Sample, &sample)
	n := len(sample)
	for _, it := range items {
		if len(sample) == bulkSampleSize {
			break
		}
		if it.Plan != api.BulkChanges {
			continue
		}
		sm := api.BulkSample{GroupID: it.GroupID, Name: it.Name}
		_ = json.Unmarshal(it.Before, &sm.Before)
		_ = json.Unmarshal(it.After, &sm.After)
		sample = append(sample, sm)
	}
	if len(sample) == n {
		return nil
	}
	b, _ := json.Marshal(sample)
	j.Sample = b
	return s.db.SetBulkSample(ctx, j.ID, b)
}

// runGroup makes the job's change to one group through applyChange and
// records the outcome in it. It reports true when the change failed for a
// passing reason and nothing was made.
func (s *Server) runGroup(r *http.Request, j *sqlite.BulkJob, sp *bulkSpec, it *sqlite.BulkItem) (passing bool) {
	var gp groupPlan
	var before []api.Attr
	action := map[string]string{api.BulkReplace: api.ActionAttributesReplace, api.BulkRestore: api.ActionAttributesRestore}[sp.Op]
	if action == "" {
		action = api.ActionAttributesPatch
	}
	ch := change[[]api.Attr]{fam: attributes, action: action, target: access.Group(it.GroupID), job: j.ID,
		intent: func(seq int64) { it.Audit = seq }}
	ch.plan = func(b []api.Attr) ([]step[[]api.Attr], error) {
		before, gp = b, sp.plan(r.Context(), s, it.GroupID, b, it)
		switch gp.outcome {
		case api.BulkChanges:
			return []step[[]api.Attr]{{request: gp.request, after: gp.after, call: gp.call}}, nil
		case api.BulkRefused:
			return nil, errBulkRefused
		}
		return nil, nil
	}
	_, err := applyChange(s, r, ch)
	switch {
	case errors.Is(err, errBulkRefused):
		it.Outcome, it.Reason = api.BulkRefused, storePhrases(gp.reason)
	case err != nil:
		var reason []api.Phrase
		it.Outcome, reason, passing = s.bulkFailure(err)
		it.Reason = storePhrases(reason)
		if it.Outcome == api.BulkUnknown {
			it.Before, _ = json.Marshal(before)
			it.After, _ = json.Marshal(gp.after)
		}
	default:
		it.Outcome = gp.outcome
		if gp.outcome == api.BulkChanges {
			it.Before, _ = json.Marshal(before)
			it.After, _ = json.Marshal(gp.after)
		}
	}
	return passing
}

// errBulkRefused stops applyChange for a group the job's plan refuses;
// the reason is the plan's.
var errBulkRefused = errors.New("bulk change: the plan refuses this group")

// bulkFailure sorts an error of one group's change: refused (Tencent or
// the panel said no; the job goes on), unknown (the change may or may not
// have been made: a lost answer that reading could not settle) or failed
// for a passing reason (Tencent busy, the network, the audit log).
func (s *Server) bulkFailure(err error) (outcome string, reason []api.Phrase, passing bool) {
	he := s.toHTTPError(err)
	var te *tim.Error
	switch {
	case tim.MaybeApplied(err):
		return api.BulkUnknown, he.Say, false
	case errors.As(err, &te):
		switch te.Kind {
		case tim.KindRateLimited, tim.KindRetryable, tim.KindTimeout, tim.KindUpstream:
			return api.BulkFailed, he.Say, true
		}
		return api.BulkRefused, he.Say, false
	case he.Status >= 500:
		return api.BulkFailed, he.Say, true
	}
	return api.BulkRefused, he.Say, false
}

// settleBulk settles, after a restart, the groups a job was changing when
// the process stopped: their outcomes were not saved, but the audit log,
// which names the job in each entry, says what was sent.
//
//   - an intent completed "ok": the group was changed;
//   - "failed": nothing was made; the group runs again;
//   - "unknown" (RecoverPending marks an intent the stop left without an
//     outcome): the group is read; if it holds what the change leaves, it
//     was changed; if what it held before, it runs again; otherwise
//     someone else changed it meanwhile, and it stays unknown.
func (s *Server) settleBulk(ctx context.Context) error {
	jobs, err := s.db.BulkJobs(ctx, 1000, api.BulkRunning, api.BulkPaused)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		intents, err := s.db.BulkIntents(ctx, j.ID)
		if err != nil {
			return err
		}
		open, err := s.db.BulkItems(ctx, j.ID, sqlite.BulkItemQuery{Open: true})
		if err != nil {
			return err
		}
		var settled []*sqlite.BulkItem
		for _, it := range open {
			rec := intents[it.GroupID]
			if rec == nil {
				continue
			}
			switch rec.Outcome {
			case sqlite.OutcomeOK:
				it.Outcome = api.BulkChanges
			case sqlite.OutcomeFailed:
				continue
			default:
				var before, after []api.Attr
				_ = json.Unmarshal(rec.Before, &before)
				_ = json.Unmarshal(rec.After, &after)
				now, err := s.readAttrs(tim.WithShare(ctx, s.cfg.BulkRate), it.GroupID)
				switch {
				case err != nil:
					return fmt.Errorf("job %d, group %s: %w", j.ID, it.GroupID, err)
				case attributesVersion(now) == attributesVersion(after):
					it.Outcome = api.BulkChanges
				case attributesVersion(now) == attributesVersion(before):
					continue
				default:
					it.Outcome, it.Reason = api.BulkUnknown, storePhrases(say("imdesk stopped while changing this group, and its attributes have changed since, not as this change would leave them; check the group before repeating the change."))
				}
			}
			it.Audit, it.Before, it.After = rec.Seq, rec.Before, rec.After
			settled = append(settled, it)
		}
		if err := s.db.SaveOutcomes(ctx, j.ID, settled); err != nil {
			return err
		}
		if len(settled) > 0 {
			s.log.Info("bulk changes: settled after a restart", "job", j.ID, "groups", len(settled))
		}
	}
	return nil
}
