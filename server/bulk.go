package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

// Bulk changes (docs/bulk.md): one attribute change made to many groups.
// A job is a durable record; the server's runner reads each group to
// preview what will happen, then, once started, changes each group through
// the one audited change path (applyChange: intent before sending, outcome
// after, a lost answer settled by reading), at a share of Tencent's limits
// (tim.WithShare). Outcomes are saved a batch at a time; after a crash,
// the groups of the last batch are settled from the audit log, which names
// the job in each entry, so no group is changed twice and none is skipped.

const (
	bulkBatch      = 128 // groups read or changed between two looks at the job's state
	bulkWorkers    = 32  // groups in flight at once: enough to fill the share at Tencent's latency
	bulkSampleSize = 5   // groups whose before and after the preview shows
	bulkTries      = 3   // tries of a group whose call failed for a passing reason
	bulkListSize   = 50  // jobs listed
	bulkPageSize   = 100 // groups of a job a page
)

// bulkRunner is the state of the runner between batches: what wakes it,
// and per job the back-off after a burst of failures and the tries of
// groups that failed for a passing reason.
type bulkRunner struct {
	wake chan struct{}
	mu   sync.Mutex
	jobs map[int64]*bulkRun
}

type bulkRun struct {
	backoff time.Duration // 0: none
	until   time.Time     // no batch before
	tries   map[int]int   // by item
}

func newBulkRunner() *bulkRunner {
	return &bulkRunner{wake: make(chan struct{}, 1), jobs: map[int64]*bulkRun{}}
}

// poke wakes the runner.
func (b *bulkRunner) poke() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *bulkRunner) run(id int64) *bulkRun {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.jobs[id]
	if r == nil {
		r = &bulkRun{tries: map[int]int{}}
		b.jobs[id] = r
	}
	return r
}

// bulkSpec is a job's change: what it does to a group with given
// attributes.
type bulkSpec struct {
	Op        string     `json:"op"`
	Set       []api.Attr `json:"set,omitempty"`
	Delete    []string   `json:"delete,omitempty"`
	Overwrite bool       `json:"overwrite,omitempty"` // restore
}

// groupPlan is what a job does to one group: the set it leaves and the
// call that makes it, or the outcome without a call (unchanged, refused).
type groupPlan struct {
	outcome string
	reason  []api.Phrase
	action  string
	request any
	after   []api.Attr
	call    func(ctx context.Context) error
}

// plan says what the change does to group id whose attributes are before;
// it for a restore holds what to put back and what the undone job left.
func (sp *bulkSpec) plan(ctx context.Context, s *Server, id string, before []api.Attr, it *sqlite.BulkItem) groupPlan {
	refuse := func(fe *api.FieldError) groupPlan {
		return groupPlan{outcome: api.BulkRefused, reason: []api.Phrase{fe.Say}}
	}
	// The registry of keys, as it is when the group is previewed and
	// again when it is changed: values a described key refuses, and
	// removing a key the group's type requires. A restore puts back what
	// the group held, whatever the registry says now.
	registry := func(set []api.Attr, removed []removal) *groupPlan {
		specs, err := s.describedKeys(ctx, attrKeys(set), attrKeys(before))
		if err == nil {
			if fe := checkValues(specs, "set", set); fe != nil {
				return &groupPlan{outcome: api.BulkRefused, reason: []api.Phrase{fe.Say}}
			}
			err = checkRemovals(specs, removed, s.groupTypeOf(ctx, id))
		}
		if err != nil {
			return &groupPlan{outcome: api.BulkRefused, reason: s.toHTTPError(err).Say}
		}
		return nil
	}
	switch sp.Op {
	case api.BulkSet, api.BulkDelete:
		// Only what differs is sent: a group that has the value already,
		// or lacks the key to remove, is unchanged.
		var p api.AttrPatch
		for _, a := range sp.Set {
			if !slices.Contains(before, a) {
				p.Set = append(p.Set, a)
			}
		}
		for _, k := range sp.Delete {
			if slices.ContainsFunc(before, func(a api.Attr) bool { return a.Key == k }) {
				p.Delete = append(p.Delete, k)
			}
		}
		if len(p.Set) == 0 && len(p.Delete) == 0 {
			return groupPlan{outcome: api.BulkUnchanged}
		}
		after, fe := p.Apply(before)
		if fe != nil {
			return refuse(fe)
		}
		if gp := registry(p.Set, removedBy(before, after, func(string) string { return "delete" })); gp != nil {
			return *gp
		}
		gp := groupPlan{outcome: api.BulkChanges, action: api.ActionAttributesPatch, request: p, after: after}
		if len(p.Delete) == 0 {
			gp.call = func(ctx context.Context) error { return s.tim.ModifyGroupAttr(ctx, id, toTim(p.Set)) }
		} else {
			gp.call = func(ctx context.Context) error { return s.tim.DeleteGroupAttr(ctx, id, p.Delete) }
		}
		return gp
	case api.BulkReplace:
		if attributesVersion(before) == attributesVersion(sp.Set) {
			return groupPlan{outcome: api.BulkUnchanged}
		}
		if gp := registry(sp.Set, removedBy(before, sp.Set, func(string) string { return "set" })); gp != nil {
			return *gp
		}
		return groupPlan{outcome: api.BulkChanges, action: api.ActionAttributesReplace, request: api.AttrReplace{Attributes: sp.Set},
			after: sp.Set, call: func(ctx context.Context) error { return s.tim.SetGroupAttr(ctx, id, toTim(sp.Set)) }}
	case api.BulkRestore:
		var want, expect []api.Attr
		if json.Unmarshal(it.Want, &want) != nil || json.Unmarshal(it.Expect, &expect) != nil {
			return groupPlan{outcome: api.BulkRefused, reason: say("The state to restore could not be read.")}
		}
		switch v := attributesVersion(before); {
		case v == attributesVersion(want):
			return groupPlan{outcome: api.BulkUnchanged}
		case v != attributesVersion(expect) && !sp.Overwrite:
			return groupPlan{outcome: api.BulkRefused, reason: say("Someone changed this group's attributes after the bulk change did; it is left alone (choose to overwrite to restore it anyway).")}
		}
		gp := groupPlan{outcome: api.BulkChanges, action: api.ActionAttributesRestore, request: api.AttrReplace{Attributes: want}, after: want}
		if len(want) == 0 {
			// Every group type may remove keys; Community groups cannot be cleared.
			keys := make([]string, len(before))
			for i, a := range before {
				keys[i] = a.Key
			}
			gp.call = func(ctx context.Context) error { return s.tim.DeleteGroupAttr(ctx, id, keys) }
		} else {
			gp.call = func(ctx context.Context) error { return s.tim.SetGroupAttr(ctx, id, toTim(want)) }
		}
		return gp
	}
	return groupPlan{outcome: api.BulkRefused, reason: say("This bulk change has an operation imdesk does not know.")}
}

// ---- Phrases kept in the database ----

// storedPhrases keeps phrases as JSON so that they are said in the
// reader's language when read: arguments keep their kind (a whole number
// stays one for %d, a phrase stays a phrase).
func storePhrases(ps []api.Phrase) json.RawMessage {
	if len(ps) == 0 {
		return nil
	}
	b, _ := json.Marshal(phrasesJSON(ps))
	return b
}

type phraseJSON struct {
	Key  string `json:"key"`
	Args []any  `json:"args,omitempty"`
}

func phrasesJSON(ps []api.Phrase) []phraseJSON {
	out := make([]phraseJSON, len(ps))
	for i, p := range ps {
		out[i] = phraseJSON{Key: p.Key}
		for _, a := range p.Args {
			switch v := a.(type) {
			case api.Phrase:
				a = phrasesJSON([]api.Phrase{v})[0]
			case api.Localized: // a key's label, in every language
				a = map[string]any{"localized": v}
			}
			out[i].Args = append(out[i].Args, a)
		}
	}
	return out
}

func loadPhrases(raw json.RawMessage) []api.Phrase {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v []map[string]any
	if dec.Decode(&v) != nil {
		return nil
	}
	var arg func(a any) any
	toPhrase := func(m map[string]any) api.Phrase {
		key, _ := m["key"].(string)
		args, _ := m["args"].([]any)
		for i := range args {
			args[i] = arg(args[i])
		}
		return api.Phrase{Key: key, Args: args}
	}
	arg = func(a any) any {
		switch a := a.(type) {
		case json.Number:
			if n, err := a.Int64(); err == nil {
				return int(n)
			}
			f, _ := a.Float64()
			return f
		case map[string]any:
			if l, ok := a["localized"].(map[string]any); ok {
				loc := api.Localized{}
				for k, v := range l {
					loc[k], _ = v.(string)
				}
				return loc
			}
			return toPhrase(a)
		}
		return a
	}
	out := make([]api.Phrase, len(v))
	for i, m := range v {
		out[i] = toPhrase(m)
	}
	return out
}

// ---- Choosing the groups ----

// bulkGroup is a group chosen for a job, or left out of it with the reason.
type bulkGroup struct {
	id, name   string
	leftOut    []api.Phrase
	outOfScope bool            // left out because the caller may not change it
	want       json.RawMessage // restore
	expect     json.RawMessage // restore
}

var errBulkTooMany = func(n, max int) *httpError {
	return &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "source",
		Say: say("This would change %d groups; one bulk change may change at most %d. Narrow the choice, or split it.", n, max)}
}

// chooseGroups lists the groups of a new job, in order: those the caller
// may change, and those left out with the reason.
func (s *Server) chooseGroups(ctx context.Context, c *caller, src api.BulkSource) ([]bulkGroup, error) {
	max := s.cfg.BulkMaxGroups
	switch {
	case src.Job != 0:
		from, err := s.db.BulkJob(ctx, src.Job)
		if err != nil {
			return nil, errNoBulkJob(src.Job)
		}
		q := scopeQuery(c, from) // a group the caller may not see is not named, even as left out
		q.Outcomes = src.Outcomes
		items, err := s.db.BulkItems(ctx, src.Job, q)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(items))
		for i, it := range items {
			ids[i] = it.GroupID
		}
		return s.checkGroups(ctx, c, ids)
	case src.IDs != nil:
		return s.checkGroups(ctx, c, src.IDs)
	}
	search := sqlite.GroupSearch{Text: src.Query, Limit: 1000}
	if src.Type != "" {
		search.Types = groupTypeNames(src.Type)
	}
	if !c.SeesEverything() {
		search.Only = append([]string{}, c.Scope.Groups...)
	}
	var out []bulkGroup
	for {
		page, _, err := s.db.SearchGroups(ctx, search)
		if err != nil {
			return nil, err
		}
		for _, g := range page {
			out = append(out, bulkGroup{id: g.ID, name: g.Name})
		}
		if len(out) > max {
			return nil, errBulkTooMany(len(out), max)
		}
		if len(page) < search.Limit {
			return out, nil
		}
		search.After = page[len(page)-1].ID
	}
}

// checkGroups checks group IDs typed or pasted by a person: each is a
// valid ID, listed once, in the caller's scope (asked first, so that the
// answer says nothing of groups outside it), and known to Tencent.
func (s *Server) checkGroups(ctx context.Context, c *caller, ids []string) ([]bulkGroup, error) {
	out := make([]bulkGroup, 0, len(ids))
	seen := map[string]bool{}
	var ask []string
	for _, id := range ids {
		g := bulkGroup{id: id}
		switch fe := api.CheckGroupID(id); {
		case seen[id]:
			continue
		case fe != nil:
			g.leftOut = []api.Phrase{fe.Say}
		case !c.Writes(access.Attributes) || !c.SeesGroup(id):
			g.leftOut, g.outOfScope = errOutOfScope(access.KindGroup).Say, true
		default:
			ask = append(ask, id)
		}
		seen[id] = true
		out = append(out, g)
	}
	if n := len(ask); n > s.cfg.BulkMaxGroups {
		return nil, errBulkTooMany(n, s.cfg.BulkMaxGroups)
	}
	names, err := s.db.IndexedNames(ctx, ask)
	if err != nil {
		return nil, err
	}
	var unknown []string
	for _, id := range ask {
		if _, ok := names[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		found, err := s.groupNames(ctx, unknown)
		if err != nil {
			return nil, err
		}
		for id, n := range found {
			names[id] = n
		}
	}
	for i := range out {
		g := &out[i]
		if g.leftOut != nil {
			continue
		}
		name, ok := names[g.id]
		if !ok {
			g.leftOut = []api.Phrase{unknownSay(typedID{kind: api.ConversationGroup, id: g.id})}
			continue
		}
		g.name = name
	}
	return out, nil
}

// ---- Handlers ----

func errNoBulkJob(id int64) *httpError {
	return newError(http.StatusNotFound, api.CodeNotFound, "There is no bulk change %d.", id)
}

var errBulkViewer = newError(http.StatusForbidden, api.CodePermissionDenied, "Your account can view bulk changes but not make or control them.")

// bulkJobOf reads the job the path names.
func (s *Server) bulkJobOf(r *http.Request) (*sqlite.BulkJob, error) {
	id, err := strconv.ParseInt(r.PathValue("jobID"), 10, 64)
	if err != nil || id < 1 {
		return nil, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "jobID", Say: say("A bulk change is named by its number.")}
	}
	j, err := s.db.BulkJob(r.Context(), id)
	if errors.Is(err, sqlite.ErrNotFound) {
		return nil, errNoBulkJob(id)
	}
	return j, err
}

// bulkJobFor reads the job the path names for a handler, and answers the
// request itself (ok false) when the path names none or, where refuse is
// not nil, when the caller does not control the job: refuse says so.
func (s *Server) bulkJobFor(w http.ResponseWriter, r *http.Request, refuse *httpError) (j *sqlite.BulkJob, ok bool) {
	j, err := s.bulkJobOf(r)
	if err == nil && refuse != nil && !controls(callerOf(r.Context()), j) {
		err = refuse
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return nil, false
	}
	return j, true
}

// controls reports whether the caller may start, pause, resume, cancel
// and undo the job: its owner, or an admin, while the role writes.
func controls(c *caller, j *sqlite.BulkJob) bool {
	return c.Writes(access.Attributes) && (c.Name == j.Owner || c.Administers())
}

// bulkView is a job as the API shows it to the caller.
func (s *Server) bulkView(ctx context.Context, r *http.Request, c *caller, j *sqlite.BulkJob) (api.BulkJob, error) {
	var sp bulkSpec
	_ = json.Unmarshal(j.Change, &sp)
	var src api.BulkSource
	_ = json.Unmarshal(j.Source, &src)
	v := api.BulkJob{ID: j.ID, Owner: j.Owner, Created: j.Created, Op: sp.Op, Set: sp.Set, Delete: sp.Delete, Source: src,
		Undoes: j.Undoes, Overwrite: sp.Overwrite, State: j.State, Refusals: []api.BulkReason{}, Sample: []api.BulkSample{},
		CanControl: controls(c, j)}
	if j.Reason != nil {
		v.Reason = speaker(r).Say(loadPhrases(j.Reason)...)
	}
	_ = json.Unmarshal(j.Sample, &v.Sample)
	sees := seesInJob(c, j)
	v.Sample = slices.DeleteFunc(v.Sample, func(g api.BulkSample) bool { return !sees(g.GroupID, false) })
	if v.Source.IDs != nil {
		v.Source.IDs = slices.DeleteFunc(v.Source.IDs, func(id string) bool { return !sees(id, true) })
	}
	counts, err := s.db.BulkCounts(ctx, j.ID)
	if err != nil {
		return v, err
	}
	// Refusals are counted by reason, whatever its numbers ("would make
	// 16070 bytes", "16130"): one of them stands as the example.
	byKey := map[string]int{}
	for _, n := range counts {
		v.Total += n.N
		v.Preview.Add(n.Plan, n.N)
		v.Progress.Add(n.Outcome, n.N)
		if n.Plan != api.BulkRefused || (n.Outcome != "" && n.Outcome != api.BulkRefused) {
			continue
		}
		ps := loadPhrases(n.Reason)
		key := ""
		for _, p := range ps {
			key += p.Key + "\n"
		}
		if i, ok := byKey[key]; ok {
			v.Refusals[i].Count += n.N
			continue
		}
		byKey[key] = len(v.Refusals)
		v.Refusals = append(v.Refusals, api.BulkReason{Reason: speaker(r).Say(ps...), Count: n.N})
	}
	slices.SortFunc(v.Refusals, func(a, b api.BulkReason) int { return b.Count - a.Count })
	if j.State == api.BulkRunning && !j.Started.IsZero() {
		if secs := s.now().Sub(j.Started).Seconds(); secs >= 1 {
			if done := v.Progress.Done() - j.DoneAtStart; done > 0 {
				v.PerSecond = float64(done) / secs
				v.SecondsLeft = int(float64(v.Progress.Remaining)/v.PerSecond + 0.5)
			}
		}
	}
	return v, nil
}

// handleBulkList serves GET /api/v1/bulk-changes: the newest jobs (with
// ?active=1, those previewing, running or paused).
func (s *Server) handleBulkList(w http.ResponseWriter, r *http.Request) {
	ctx, c := r.Context(), callerOf(r.Context())
	var states []string
	if r.URL.Query().Get("active") != "" {
		states = []string{api.BulkPreviewing, api.BulkRunning, api.BulkPaused}
	}
	jobs, err := s.db.BulkJobs(ctx, bulkListSize, states...)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out := api.BulkJobList{Jobs: []api.BulkJob{}, CanCreate: c.Writes(access.Attributes), MaxGroups: s.cfg.BulkMaxGroups}
	for _, j := range jobs {
		v, err := s.bulkView(ctx, r, c, j)
		if err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		out.Jobs = append(out.Jobs, v)
	}
	writeJSON(w, http.StatusOK, out)
}

// handleBulkJob serves GET /api/v1/bulk-changes/{jobID}.
func (s *Server) handleBulkJob(w http.ResponseWriter, r *http.Request) {
	j, ok := s.bulkJobFor(w, r, nil)
	if !ok {
		return
	}
	v, err := s.bulkView(r.Context(), r, callerOf(r.Context()), j)
	s.answer(w, r, v, err)
}

// handleBulkCreate serves POST /api/v1/bulk-changes: choose the groups,
// record the job (with the groups left out, each with its reason) and let
// the runner preview it.
func (s *Server) handleBulkCreate(w http.ResponseWriter, r *http.Request) {
	ctx, c := r.Context(), callerOf(r.Context())
	if !c.Writes(access.Attributes) {
		s.writeAPIError(w, r, errBulkViewer)
		return
	}
	var req api.BulkNew
	if err := decodeValid(w, r, &req); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	// Values a described key refuses are refused now, at their field;
	// each group is checked against the registry again in the preview
	// and when it is changed.
	specs, err := s.describedKeys(ctx, attrKeys(req.Set))
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	if fe := checkValues(specs, "set", req.Set); fe != nil {
		s.writeAPIError(w, r, fe)
		return
	}
	groups, err := s.chooseGroups(ctx, c, req.Source)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.createBulk(w, r, c, bulkSpec{Op: req.Op, Set: req.Set, Delete: req.Delete}, req.Source, 0, groups)
}

// createBulk records a job and answers with it.
func (s *Server) createBulk(w http.ResponseWriter, r *http.Request, c *caller, sp bulkSpec, src api.BulkSource, undoes int64, groups []bulkGroup) {
	ctx := r.Context()
	items := make([]sqlite.BulkItem, len(groups))
	var leftOut []api.ItemResult
	chosen, outOfScope := 0, 0
	for i, g := range groups {
		if g.outOfScope {
			outOfScope++
		}
		items[i] = sqlite.BulkItem{GroupID: g.id, Name: g.name, Want: g.want, Expect: g.expect}
		if g.leftOut != nil {
			items[i].Plan, items[i].Outcome = api.BulkExcluded, api.BulkExcluded
			items[i].PlanReason, items[i].Reason = storePhrases(g.leftOut), storePhrases(g.leftOut)
			leftOut = append(leftOut, api.ItemResult{Type: api.ConversationGroup, ID: g.id, Message: speaker(r).Say(g.leftOut...)})
			continue
		}
		chosen++
	}
	if chosen == 0 {
		he := &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "source", Say: say("No group to change: the choice holds none that your account may change.")}
		switch {
		case len(groups) > 0 && outOfScope == len(groups):
			he = errOutOfScope(access.KindGroup)
		case len(groups) > 0:
			he.Say = say("None of the %d groups can be changed: %s", len(groups), leftOut[0].ID+" — "+leftOut[0].Message)
		}
		s.writeAPIError(w, r, he)
		return
	}
	change, _ := json.Marshal(sp)
	source, _ := json.Marshal(src)
	j := sqlite.BulkJob{Owner: c.Name, IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 256), Op: sp.Op, Change: change,
		Source: source, Undoes: undoes, State: api.BulkPreviewing}
	id, err := s.db.CreateBulkJob(ctx, j, items)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.audit(r, sqlite.Entry{Kind: sqlite.KindEvent, Actor: c.Name, Role: c.Role, IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 256),
		RequestID: requestID(ctx), Action: api.ActionBulkCreate, Target: bulkTarget(id), Job: id, Request: change, Outcome: sqlite.OutcomeOK,
		Detail: fmt.Sprintf("%s chosen, %d left out", groupCount(chosen), len(leftOut))})
	s.bulk.poke()
	stored, err := s.db.BulkJob(ctx, id)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	v, err := s.bulkView(ctx, r, c, stored)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	if leftOut == nil {
		leftOut = []api.ItemResult{}
	}
	writeJSON(w, http.StatusCreated, api.BulkCreated{Job: v, LeftOut: leftOut})
}

// groupCount is n groups in the English of the audit log's details
// (docs/architecture.md: they are a record, kept in English).
func groupCount(n int) string {
	if n == 1 {
		return "1 group"
	}
	return strconv.Itoa(n) + " groups"
}

// bulkTarget is a job as the audit log names it.
func bulkTarget(id int64) string { return "bulk change " + strconv.FormatInt(id, 10) }

// bulkControl serves the POSTs that move a job between states: from one
// of from to to, by its owner or an admin, audited as action.
func (s *Server) bulkControl(action string, from []string, to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, c := r.Context(), callerOf(r.Context())
		j, ok := s.bulkJobFor(w, r, newError(http.StatusForbidden, api.CodePermissionDenied, "Only the account that made this bulk change, or an administrator, may control it."))
		if !ok {
			return
		}
		if !slices.Contains(from, j.State) {
			s.writeAPIError(w, r, newError(http.StatusConflict, api.CodeConflict, "This bulk change is %s; that cannot be done now.", bulkStateSay(j.State)))
			return
		}
		var detail string
		if action == api.ActionBulkStart {
			var req api.BulkStart
			if err := decodeJSON(w, r, &req); err != nil {
				s.writeAPIError(w, r, err)
				return
			}
			v, err := s.bulkView(ctx, r, c, j)
			if err != nil {
				s.writeAPIError(w, r, err)
				return
			}
			var sp bulkSpec
			_ = json.Unmarshal(j.Change, &sp)
			if (sp.Op == api.BulkReplace || sp.Overwrite) && req.Groups != v.Preview.Changes {
				s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "groups",
					Say: say("Confirm the number of groups: this change replaces every attribute of %d groups.", v.Preview.Changes)})
				return
			}
			detail = groupCount(v.Preview.Changes) + " to change"
		}
		if _, err := s.db.Append(ctx, sqlite.Entry{Kind: sqlite.KindEvent, Actor: c.Name, Role: c.Role, IP: clientIP(r),
			UserAgent: truncate(r.UserAgent(), 256), RequestID: requestID(ctx), Action: action, Target: bulkTarget(j.ID), Job: j.ID,
			Outcome: sqlite.OutcomeOK, Detail: detail}); err != nil {
			s.writeAPIError(w, r, errAuditDown)
			return
		}
		ok, err := s.db.SetBulkState(ctx, j.ID, from, to, nil)
		if err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		if !ok {
			s.writeAPIError(w, r, newError(http.StatusConflict, api.CodeConflict, "This bulk change is %s; that cannot be done now.", bulkStateSay(j.State)))
			return
		}
		s.bulk.poke()
		s.handleBulkJob(w, r)
	}
}

// bulkStateSay is a state in words.
func bulkStateSay(state string) api.Phrase { return bulkStateWords[state] }

var bulkStateWords = map[string]api.Phrase{
	api.BulkPreviewing: api.Say("being previewed"),
	api.BulkReady:      api.Say("ready to start"),
	api.BulkRunning:    api.Say("running"),
	api.BulkPaused:     api.Say("paused"),
	api.BulkCancelled:  api.Say("cancelled"),
	api.BulkFinished:   api.Say("finished"),
}

// handleBulkItems serves GET /api/v1/bulk-changes/{jobID}/groups: a page of
// the job's groups (?outcome= one outcome; ?cursor=), only those in the
// caller's scope.
func (s *Server) handleBulkItems(w http.ResponseWriter, r *http.Request) {
	j, ok := s.bulkJobFor(w, r, nil)
	if !ok {
		return
	}
	q := scopeQuery(callerOf(r.Context()), j)
	q.Limit = bulkPageSize + 1
	if o := r.URL.Query().Get("outcome"); o != "" {
		q.Outcomes = []string{o}
		if o == "open" {
			q.Outcomes, q.Open = nil, true
		}
	}
	if cur := r.URL.Query().Get("cursor"); cur != "" {
		var err error
		if q.After, err = strconv.Atoi(cur); err != nil || q.After < 0 {
			s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "cursor", Say: say("The page cursor is not valid; start again from the first page.")})
			return
		}
	}
	items, err := s.db.BulkItems(r.Context(), j.ID, q)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	page := api.BulkItemPage{Items: []api.BulkItem{}}
	for i, it := range items {
		if i == bulkPageSize {
			page.NextCursor = strconv.Itoa(items[i-1].N)
			break
		}
		page.Items = append(page.Items, bulkItemView(r, it))
	}
	writeJSON(w, http.StatusOK, page)
}

// Which groups of a job a caller may see, anywhere the API names them
// (its groups and export, its sample, its source's IDs, a new job made
// from it): all, or those in the caller's scope and, for the job's owner,
// who typed their IDs, the groups left out of it. scopeQuery says it to
// the store, seesInJob of one group (typed: an ID of the job's source,
// which may have been left out).
func scopeQuery(c *caller, j *sqlite.BulkJob) sqlite.BulkItemQuery {
	if c.SeesEverything() {
		return sqlite.BulkItemQuery{}
	}
	return sqlite.BulkItemQuery{Only: append([]string{}, c.Scope.Groups...), OrExcluded: c.Name == j.Owner}
}

func seesInJob(c *caller, j *sqlite.BulkJob) func(groupID string, typed bool) bool {
	return func(groupID string, typed bool) bool {
		return c.SeesEverything() || c.SeesGroup(groupID) || (typed && c.Name == j.Owner)
	}
}

func bulkItemView(r *http.Request, it *sqlite.BulkItem) api.BulkItem {
	v := api.BulkItem{N: it.N, GroupID: it.GroupID, Name: it.Name, Plan: it.Plan, Outcome: it.Outcome, Audit: it.Audit}
	if it.PlanReason != nil {
		v.PlanReason = speaker(r).Say(loadPhrases(it.PlanReason)...)
	}
	if it.Reason != nil {
		v.Reason = speaker(r).Say(loadPhrases(it.Reason)...)
	}
	return v
}

// handleBulkUndo serves POST /api/v1/bulk-changes/{jobID}/undo: a new job
// that puts back, in every group the job changed, the attributes it found
// there. Groups changed by someone else since are left alone unless the
// request asks to overwrite them. The new job is previewed like any other.
func (s *Server) handleBulkUndo(w http.ResponseWriter, r *http.Request) {
	ctx, c := r.Context(), callerOf(r.Context())
	j, ok := s.bulkJobFor(w, r, newError(http.StatusForbidden, api.CodePermissionDenied, "Only the account that made this bulk change, or an administrator, may undo it."))
	if !ok {
		return
	}
	var req api.BulkUndo
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	if slices.Contains([]string{api.BulkPreviewing, api.BulkReady, api.BulkRunning}, j.State) {
		s.writeAPIError(w, r, newError(http.StatusConflict, api.CodeConflict, "Pause or cancel this bulk change before undoing it (it is %s).", bulkStateSay(j.State)))
		return
	}
	// Only the groups in the caller's scope now are put back, and the
	// others are not named (a scope narrowed since the job ran).
	q := scopeQuery(c, j)
	q.Outcomes = []string{api.BulkChanges}
	items, err := s.db.BulkItems(ctx, j.ID, q)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	if len(items) == 0 {
		changed, err := s.db.BulkItems(ctx, j.ID, sqlite.BulkItemQuery{Outcomes: []string{api.BulkChanges}, Limit: 1})
		switch {
		case err != nil:
			s.writeAPIError(w, r, err)
		case len(changed) > 0:
			s.writeAPIError(w, r, errOutOfScope(access.KindGroup))
		default:
			s.writeAPIError(w, r, newError(http.StatusConflict, api.CodeConflict, "This bulk change changed no group; there is nothing to undo."))
		}
		return
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.GroupID
	}
	groups, err := s.checkGroups(ctx, c, ids)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	for i := range groups { // checkGroups keeps the order; IDs in a job are distinct
		groups[i].want, groups[i].expect = items[i].Before, items[i].After
	}
	s.createBulk(w, r, c, bulkSpec{Op: api.BulkRestore, Overwrite: req.Overwrite}, api.BulkSource{Job: j.ID}, j.ID, groups)
}

// bulkOutcomeSay is a plan or an outcome in words.
func bulkOutcomeSay(outcome string, plan bool) api.Phrase {
	if plan && outcome == api.BulkChanges {
		return api.Say("will change")
	}
	if w, ok := bulkOutcomeWords[outcome]; ok {
		return w
	}
	return api.Say("not yet")
}

var bulkOutcomeWords = map[string]api.Phrase{
	api.BulkChanges:   api.Say("changed"),
	api.BulkUnchanged: api.Say("already so"),
	api.BulkRefused:   api.Say("refused"),
	api.BulkFailed:    api.Say("failed"),
	api.BulkUnknown:   api.Say("unknown"),
	api.BulkExcluded:  api.Say("left out"),
}

// handleBulkExport serves GET /api/v1/bulk-changes/{jobID}/export: every
// group of the job in the caller's scope, as CSV (?format=csv, the
// default: words in the reader's language, with a byte-order mark so that
// spreadsheet programs read CJK names) or JSON lines (?format=jsonl: the
// API's codes, exactly).
func (s *Server) handleBulkExport(w http.ResponseWriter, r *http.Request) {
	j, ok := s.bulkJobFor(w, r, nil)
	if !ok {
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "csv" && format != "jsonl" {
		s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "format", Say: say("The format must be csv or jsonl.")})
		return
	}
	items, err := s.db.BulkItems(r.Context(), j.ID, scopeQuery(callerOf(r.Context()), j))
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	if format == "" {
		format = "csv"
	}
	startDownload(w, fmt.Sprintf("imdesk-bulk-change-%d", j.ID), format)
	if format == "jsonl" {
		enc := jsonLines(w)
		for _, it := range items {
			_ = enc.Encode(bulkItemView(r, it))
		}
		return
	}
	c := speaker(r)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{c.Say(api.Say("Group ID")), c.Say(api.Say("Group name")), c.Say(api.Say("Preview")),
		c.Say(api.Say("Outcome")), c.Say(api.Say("Reason")), c.Say(api.Say("Audit entry"))})
	for _, it := range items {
		v := bulkItemView(r, it)
		reason := v.Reason
		if reason == "" && v.Outcome == "" {
			reason = v.PlanReason
		}
		audit := ""
		if v.Audit != 0 {
			audit = strconv.FormatInt(v.Audit, 10)
		}
		_ = cw.Write([]string{csvSafe(v.GroupID), csvSafe(v.Name), c.Say(bulkOutcomeSay(v.Plan, true)), c.Say(bulkOutcomeSay(v.Outcome, false)), csvSafe(reason), audit})
	}
	cw.Flush()
}
