package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
)

// change is one audited change of one target (a group, a user, or a
// member of a group) in one family, with S the family's state of the
// target (a group's attributes, a user's conversation groups, …). A
// family's handler names its family (its descriptor, family.go), checks
// the request against the state before and says which calls it makes;
// runChange does the rest, the same way for every family:
//
//  1. the caller's role may change the family, and the target is in scope;
//  2. one change at a time per target (our own moderators do not race);
//  3. read the state before; refuse if it differs from the caller's
//     version (If-Match: every family has one, family.version);
//  4. plan: validate against the state before, giving one or more steps;
//  5. for each step: commit the intent (request, before, after) to the
//     audit log — if it cannot be committed, nothing is sent (503) — then
//     make the call (when its answer is lost, or Tencent refused it as a
//     write conflict the client would not repeat, read the state again
//     rather than repeat it blindly: callSettled), then append the outcome (ok,
//     failed, or unknown when the change may or may not have been made);
//  6. answer with the state after (applyChange is 1–5 alone, for a request
//     that makes several changes).
type change[S any] struct {
	fam     *family[S]
	action  string // audit action, one of api's Action constants
	target  access.Target
	request any // what the moderator asked for, recorded as is

	plan func(before S) ([]step[S], error)
	// results, for a family Tencent answers item by item, collects the
	// rows of the answer: refused before sending, made, or refused by
	// Tencent.
	results *itemResults
	// explain, when set, is asked when a step fails: given how many steps
	// were made and the failure, it returns the answer, saying what the
	// change left (e.g. a rename made of a create and a delete). Without
	// it, a failure after the first step says how many parts were made.
	explain func(ctx context.Context, done int, failure *httpError) *httpError
	// job is the bulk change the change is part of (0: none), recorded in
	// its audit entries; intent, when set, is told each intent's sequence
	// number once it is committed.
	job    int64
	intent func(seq int64)
}

// step is one Tencent call of a change and the state it leaves. A change
// whose request Tencent takes in parts (e.g. at most 100 conversations a
// call) has a step per part, each audited on its own.
type step[S any] struct {
	request any // this part of the request, for the audit log; nil: the change's
	after   S
	call    func(ctx context.Context) error
	// detail, when set, is asked after a call that succeeded: what Tencent
	// refused of it per item (e.g. the conversations it did not mark), for
	// the outcome's detail in the audit log; "" when it refused nothing.
	detail func() string
}

// callTimeout bounds one Tencent call of a change, rate-limit waits
// included. The call goes on when the moderator closes the page: its
// outcome must be recorded either way.
const callTimeout = 30 * time.Second

func runChange[S any](s *Server, w http.ResponseWriter, r *http.Request, ch change[S]) {
	state, err := applyChange(s, r, ch)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	ch.fam.write(w, ch.target, state, ch.results.said(r))
}

// applyChange makes a change and returns the state it left: runChange's
// work without the answer, for a request that makes several changes (a
// batch of members, each its own change).
func applyChange[S any](s *Server, r *http.Request, ch change[S]) (S, error) {
	ctx := r.Context()
	var none S
	if err := s.authorizeChange(ctx, callerOf(ctx), ch.fam.name, ch.target); err != nil {
		return none, err
	}
	unlock := s.targets.lock(ch.target.Key())
	defer unlock()

	before, err := ch.fam.read(s, ctx, ch.target)
	if err != nil {
		return none, err
	}
	if want := r.Header.Get("If-Match"); want != "" && !matchesVersion(want, ch.fam.version(before)) {
		return none, errChangedMeanwhile(ch.target.Kind)
	}
	steps, err := ch.plan(before)
	if err != nil {
		return none, err
	}
	state := before
	for i, st := range steps {
		if err := runStep(s, r, ch, state, st); err != nil {
			switch {
			case ch.explain != nil:
				err = ch.explain(ctx, i, s.toHTTPError(err))
			case i > 0:
				err = partial(i, len(steps), s.toHTTPError(err))
			}
			return none, err
		}
		state = st.after
	}
	s.log.InfoContext(ctx, "changed", "actor", callerOf(ctx).Name, "action", ch.action,
		string(ch.target.Kind), ch.target.Name(), "steps", len(steps))
	if ch.fam.itemized {
		if now, err := ch.fam.read(s, ctx, ch.target); err == nil {
			state = now
		}
	}
	if ch.fam.changed != nil {
		ch.fam.changed(s, ctx, ch.target, before, state)
	}
	return state, nil
}

// runStep records the intent of one step, makes its call, and records the
// outcome. The error is the call's, or errAuditDown when nothing was sent.
func runStep[S any](s *Server, r *http.Request, ch change[S], before S, st step[S]) error {
	ctx := r.Context()
	c := callerOf(ctx)
	request := st.request
	if request == nil {
		request = ch.request
	}
	reqJSON, err := json.Marshal(request)
	if err != nil {
		return err
	}
	beforeJSON, err := json.Marshal(before)
	if err != nil {
		return err
	}
	afterJSON, err := json.Marshal(st.after)
	if err != nil {
		return err
	}
	intent, err := s.db.Append(ctx, sqlite.Entry{Kind: sqlite.KindIntent, Actor: c.Name, Role: c.Role, IP: clientIP(r),
		UserAgent: truncate(r.UserAgent(), 256), RequestID: requestID(ctx), Action: ch.action, Target: ch.target.Name(),
		Request: reqJSON, Before: beforeJSON, After: afterJSON, Outcome: sqlite.OutcomePending, Job: ch.job})
	if err != nil {
		down := *errAuditDown
		down.Err = err
		return &down
	}
	if ch.intent != nil {
		ch.intent(intent.Seq)
	}
	start := s.now()
	settled, err := callSettled(ctx, s, ch, before, st)
	outcome, code, info, detail := sqlite.OutcomeOK, 0, "", settled
	if err != nil {
		outcome = sqlite.OutcomeFailed
		if tim.MaybeApplied(err) {
			outcome = sqlite.OutcomeUnknown
		}
		code, detail = tim.CodeOf(err), strings.TrimSpace(settled+" "+s.toHTTPError(err).English())
		var te *tim.Error
		if errors.As(err, &te) {
			info = te.Info
		}
	} else if st.detail != nil {
		detail = strings.TrimSpace(settled + " " + st.detail())
	}
	if cerr := s.db.Complete(context.WithoutCancel(ctx), intent, outcome, code, info, detail, s.now().Sub(start)); cerr != nil {
		// The intent stays without an outcome; the next start marks it unknown.
		s.log.ErrorContext(ctx, "audit outcome not recorded", "seq", intent.Seq, "err", cerr)
	}
	return err
}

// callSettled makes a step's call. When Tencent's answer is lost (the
// change may or may not have been made), or Tencent refused it as a write
// conflict that the client would not repeat (tim.RetryAfterRead: nothing
// was made, but repeating blindly could land on someone else's change),
// the call is not repeated blindly: the state is read again, and
//
//   - if it is the state the step leaves, the change was made: success;
//   - if it is still the state before, the change was not made: the call is
//     made once more (with the state read just now as its justification);
//   - otherwise someone else changed the target meanwhile: repeating would
//     put our change on top of theirs, so the error stands ("unknown").
//
// A state that went from before to after and back (ABA) would be taken for
// "not made"; with one moderator at a time per target and the seconds this
// takes, we accept that. settled says in words what the re-read found, for
// the audit log.
func callSettled[S any](ctx context.Context, s *Server, ch change[S], before S, st step[S]) (settled string, err error) {
	call := func() error {
		callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
		defer cancel()
		return st.call(callCtx)
	}
	err = call()
	for repeated := false; tim.MaybeApplied(err) || tim.RetryAfterRead(err); repeated = true {
		// what happened, as the sentences below begin
		what, twice := "Tencent's answer was lost", "Tencent's answer was lost twice"
		if !tim.MaybeApplied(err) {
			what, twice = "Tencent refused the call as a write conflict (another write to the same data got in first)",
				"Tencent refused the call as a write conflict twice"
		}
		readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
		now, rerr := ch.fam.read(s, readCtx, ch.target)
		cancel()
		switch {
		case rerr != nil:
			return what + ", and reading the state again failed.", err
		case sameState(ch, now, st.after):
			return what + "; reading the state again showed the change made.", nil
		case !sameState(ch, now, before):
			return what + ", and the state has changed since, not as this change would leave it: someone else changed it meanwhile, so the change was not repeated.", err
		case repeated:
			// Read after the second try: the change was not made.
			var te *tim.Error
			if errors.As(err, &te) {
				notMade := *te
				notMade.MaybeApplied, notMade.RetryAfterRead = false, false
				err = &notMade
			}
			return twice + "; reading the state again showed the change not made.", err
		}
		err = call()
		if err == nil {
			return what + "; reading the state again showed the change not made, and it was made once more.", nil
		}
	}
	return "", err
}

// sameState compares two states of a target by the family's version.
func sameState[S any](ch change[S], a, b S) bool { return ch.fam.version(a) == ch.fam.version(b) }

// authorizeChange checks that the caller's role may change the family and
// that the target is in the caller's scope.
func (s *Server) authorizeChange(ctx context.Context, c *caller, f access.Family, t access.Target) error {
	if err := checkTarget(t); err != nil {
		return err
	}
	if !c.Writes(f) {
		return errViewerReadOnly
	}
	ok, err := c.CanChange(ctx, s.members, f, t)
	switch {
	case err != nil:
		return err
	case !ok:
		return errOutOfScope(t.Kind)
	}
	return nil
}

// authorizeRead checks that the target is in the caller's scope.
func (s *Server) authorizeRead(ctx context.Context, c *caller, t access.Target) error {
	if err := checkTarget(t); err != nil {
		return err
	}
	ok, err := c.Sees(ctx, s.members, t)
	switch {
	case err != nil:
		return err
	case !ok:
		return errNotVisible(t)
	}
	return nil
}

// mayRead is authorizeRead for a handler that reads t: false, with the
// error answered, when the caller may not.
func (s *Server) mayRead(w http.ResponseWriter, r *http.Request, t access.Target) bool {
	if err := s.authorizeRead(r.Context(), callerOf(r.Context()), t); err != nil {
		s.writeAPIError(w, r, err)
		return false
	}
	return true
}

// checkTarget validates the IDs of a target, as they came in the path.
func checkTarget(t access.Target) error {
	if t.Kind == access.KindUser {
		if err := api.CheckUserID(t.ID); err != nil {
			return err
		}
		return nil
	}
	if err := api.CheckGroupID(t.ID); err != nil {
		return err
	}
	if t.Kind == access.KindMember {
		if err := api.CheckUserID(t.Member); err != nil {
			return err
		}
	}
	return nil
}

// partial says that the first done of n steps of a change were made before
// one failed: the moderator must know the change is half made.
func partial(done, n int, he *httpError) *httpError {
	out := *he
	out.Say = append(say("%d of %d parts of this change were made; the next one failed, and the rest were not sent.", done, n), he.Say...)
	return &out
}

// keyedMutex serialises work per key (a change's target).
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	waiters int
}

// lock takes the key's lock and returns its release.
func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyedLock{}
		k.m[key] = l
	}
	l.waiters++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.waiters--; l.waiters == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// matchesVersion reports whether an If-Match header names version: "*"
// (any version, RFC 9110), or a list of versions, each quoted as the ETag
// gives it or bare. A weak one (W/"…") never matches: If-Match compares
// strongly.
func matchesVersion(ifMatch, version string) bool {
	if strings.TrimSpace(ifMatch) == "*" {
		return true
	}
	for _, v := range strings.Split(ifMatch, ",") {
		if v = strings.TrimSpace(v); v == `"`+version+`"` || v == version {
			return true
		}
	}
	return false
}
