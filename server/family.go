package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
)

// family is one family's descriptor: everything the one change path
// (runChange), the reads and the undo need to know of it, written once.
// A family's handlers only decode their request and plan its steps; the
// rest — role and scope, one change at a time per target, If-Match, the
// audit log, settling a lost answer, per-item results, the answer — is the
// same code for every family.
type family[S any] struct {
	name access.Family
	// target reads the target of a request from its path.
	target func(r *http.Request) access.Target
	// read reads a target's state from Tencent.
	read func(s *Server, ctx context.Context, t access.Target) (S, error)
	// version identifies a state by what the family holds: not by the
	// names shown beside it (a nickname changed elsewhere is no conflict)
	// nor by the order Tencent lists things in. It is the If-Match
	// version, and how a lost answer is settled: the state read again is
	// compared with the states before and after by version.
	version func(S) string
	// itemized: Tencent answers the family's calls item by item, so the
	// answer to a change is the state read again (what Tencent holds after
	// the items it refused), not the state planned.
	itemized bool
	// write answers with a state, its version as the ETag, and a change's
	// per-item results (nil for a read).
	write func(w http.ResponseWriter, t access.Target, st S, results []api.ItemResult)
	// changed, when set, is told the state before and after a change
	// made in full, for what the panel keeps of it (the finder's index).
	changed func(s *Server, ctx context.Context, t access.Target, before, after S)
}

// get serves a family's GET: scope, read, answer.
func (f *family[S]) get(s *Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := f.target(r)
		if !s.mayRead(w, r, t) {
			return
		}
		st, err := f.read(s, r.Context(), t)
		if err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		f.write(w, t, st, nil)
	}
}

// operation is one change a family offers through the API, B being its
// request body (noBody for a change named by its path alone). Its handler
// is the same for every operation of every family: decode the body
// strictly and validate it on its own (decodeValid: B's Validate, when it has
// one), let plan fill in the change, and hand it to runChange.
type operation[S, B any] struct {
	fam    *family[S]
	action string // one of api's Action constants
	// items names what Tencent answers one by one ("conversations",
	// "friends"); "" when it answers the change as a whole.
	items string
	// named: the route names what it changes in the path ({name}: a
	// conversation group, a friend list), checked by checkPathName before
	// the change is planned.
	named bool
	// plan completes the change — its plan, and where the request
	// recorded or the answer to a failure differ, request and explain — or
	// refuses the request before the state is read. ch comes with the
	// family, action, target, request and results set.
	plan func(s *Server, r *http.Request, ch *change[S], req B) error
}

// noBody is the request of an operation named by its path alone.
type noBody struct{}

func (op operation[S, B]) handler(s *Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req B
		if _, none := any(req).(noBody); !none {
			if err := decodeValid(w, r, &req); err != nil {
				s.writeAPIError(w, r, err)
				return
			}
		}
		if op.named {
			if err := checkPathName(r.PathValue("name")); err != nil {
				s.writeAPIError(w, r, err)
				return
			}
		}
		ch := change[S]{fam: op.fam, action: op.action, target: op.fam.target(r), request: req}
		if op.items != "" {
			ch.results = newResults(op.items)
		}
		if err := op.plan(s, r, &ch, req); err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		runChange(s, w, r, ch)
	}
}

// groupTarget and userTarget read a family's target from the path.
func groupTarget(r *http.Request) access.Target { return access.Group(r.PathValue("groupID")) }
func userTarget(r *http.Request) access.Target  { return access.User(r.PathValue("userID")) }

// oneStep is the plan of a change made by a single call.
func oneStep[S any](after S, call func(context.Context) error) []step[S] {
	return []step[S]{{after: after, call: call}}
}

// itemResults collects the per-item results of one change (or one step of
// it), safe for the steps' calls to add to.
type itemResults struct {
	noun string // what the items are, for the audit log: "conversations", "friends"
	mu   sync.Mutex
	rows []api.ItemResult
}

func newResults(noun string) *itemResults { return &itemResults{noun: noun} }

func sameItem(a, b api.ItemResult) bool { return a.Type == b.Type && a.ID == b.ID }

// add records one item's result; a call made once more replaces the row
// of its first try.
func (rs *itemResults) add(row api.ItemResult) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if i := slices.IndexFunc(rs.rows, func(r api.ItemResult) bool { return sameItem(r, row) }); i >= 0 {
		rs.rows[i] = row
		return
	}
	rs.rows = append(rs.rows, row)
}

// answer records Tencent's answer for one item: code 0 made, else refused
// with Tencent's sentence for the code.
func (rs *itemResults) answer(typ, id string, code int, info string) {
	row := api.ItemResult{Type: typ, ID: id, OK: code == 0, Code: code}
	if code != 0 {
		row.Say = resultMessage(code, info)
	}
	rs.add(row)
}

// merge adds the rows of one part of a change: an item failed if any part
// failed for it (each part of a friend-list create asks about the same
// friends).
func (rs *itemResults) merge(part *itemResults) {
	part.mu.Lock()
	rows := slices.Clone(part.rows)
	part.mu.Unlock()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, row := range rows {
		i := slices.IndexFunc(rs.rows, func(r api.ItemResult) bool { return sameItem(r, row) })
		switch {
		case i < 0:
			rs.rows = append(rs.rows, row)
		case rs.rows[i].OK && !row.OK:
			rs.rows[i] = row
		}
	}
}

// detail says which items failed and why, for the audit log; "" when none
// did.
func (rs *itemResults) detail() string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var failed []string
	for _, r := range rs.rows {
		switch {
		case r.OK:
		case r.Code == 0: // refused before sending
			failed = append(failed, fmt.Sprintf("%s: %s", r.Label(), r.Say.English()))
		default:
			failed = append(failed, fmt.Sprintf("%s: %s (%d)", r.Label(), r.Say.English(), r.Code))
		}
	}
	if len(failed) == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d %s failed: %s", len(failed), len(rs.rows), rs.noun, strings.Join(failed, "; "))
}

// said returns the rows with each refusal said in the reader's language.
func (rs *itemResults) said(r *http.Request) []api.ItemResult {
	if rs == nil {
		return nil
	}
	rs.mu.Lock()
	rows := slices.Clone(rs.rows)
	rs.mu.Unlock()
	c := speaker(r)
	for i := range rows {
		if rows[i].Say.Key != "" {
			rows[i].Message = c.Say(rows[i].Say)
		}
	}
	return rows
}

// typedID is a user or a group named by ID in a request, at a field.
type typedID struct {
	kind  string // api.ConversationUser or api.ConversationGroup; "" for a user in a family of users only (friends)
	id    string
	field string // where the request names it: "conversations[2]"
}

// refuseUnknown checks IDs typed by a person with Tencent before anything
// is sent — users with account_check (100 a call), groups with
// get_group_info (50 a call) — and returns those Tencent does not know.
// known skips asking about an ID the family already knows (a friend of the
// user). The rule of every family: an unknown ID is refused on its row of
// rs, with the reason, and the rest of the change goes ahead.
func (s *Server) refuseUnknown(ctx context.Context, rs *itemResults, ids []typedID, known func(typedID) bool) ([]typedID, error) {
	var users, groups []string
	for _, t := range ids {
		switch {
		case known != nil && known(t):
		case t.kind == api.ConversationGroup:
			groups = append(groups, t.id)
		default:
			users = append(users, t.id)
		}
	}
	exists := map[string]bool{}
	for chunk := range slices.Chunk(users, 100) {
		st, err := s.tim.AccountCheck(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for _, a := range st {
			if a.ResultCode == 0 && a.AccountStatus == "Imported" {
				exists[api.ConversationUser+":"+a.UserID] = true
			}
		}
	}
	if len(groups) > 0 {
		names, err := s.groupNames(ctx, groups)
		if err != nil {
			return nil, err
		}
		for id := range names {
			exists[api.ConversationGroup+":"+id] = true
		}
	}
	var unknown []typedID
	for _, t := range ids {
		kind := t.kind
		if kind == "" {
			kind = api.ConversationUser
		}
		if !(known != nil && known(t)) && !exists[kind+":"+t.id] {
			unknown = append(unknown, t)
		}
	}
	rs.refused(unknown)
	return unknown, nil
}

// unknownSay is the reason an unknown ID is refused.
func unknownSay(t typedID) api.Phrase {
	if t.kind == api.ConversationGroup {
		return api.Say("There is no group %q in this app, or it has been dismissed.", t.id)
	}
	return api.Say("There is no user %q in this app.", t.id)
}

// refused records the unknown IDs as refused rows.
func (rs *itemResults) refused(unknown []typedID) {
	for _, t := range unknown {
		rs.add(api.ItemResult{Type: t.kind, ID: t.id, Say: unknownSay(t)})
	}
}

// part makes the results of one call of a change; the first call's carry
// the rows refused before sending, so that its audit entry says them.
func (rs *itemResults) part(first bool, unknown []typedID) *itemResults {
	p := newResults(rs.noun)
	if first {
		p.refused(unknown)
	}
	return p
}

// nothingLeft is the answer to a change all of whose items were refused
// before sending: the first refused row's reason, at its field.
func nothingLeft(unknown []typedID) error {
	return &api.FieldError{Field: unknown[0].field, Say: unknownSay(unknown[0])}
}

// isUnknown reports whether id of kind is among the unknown.
func isUnknown(unknown []typedID, kind, id string) bool {
	return slices.ContainsFunc(unknown, func(t typedID) bool { return t.id == id && (t.kind == kind || kind == "") })
}

// writeUserState is the write of a family whose target is a user: the
// state with its version (also its ETag) and the change's per-item results.
func writeUserState[S any, P interface {
	*S
	State() *api.UserState
}](version func(S) string) func(http.ResponseWriter, access.Target, S, []api.ItemResult) {
	return func(w http.ResponseWriter, _ access.Target, s S, results []api.ItemResult) {
		st := P(&s).State()
		st.Version = version(s)
		st.Results = results
		w.Header().Set("ETag", `"`+st.Version+`"`)
		writeJSON(w, http.StatusOK, s)
	}
}

// versionOf is the version of a family's state: a hash of v, what of the
// state counts, in JSON.
func versionOf(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// planAdding is the plan of a change that names items (conversations,
// friends) to put in a user's lists: check checks the change against the
// state before (its names and limits; what it returns besides a failure is
// not used), then the items typed are checked with Tencent (refuseUnknown;
// known, when not nil, skips those the state before knows already), and
// steps plans what is left, given the unknown.
func planAdding[S any](ctx context.Context, s *Server, rs *itemResults, check func(before S) (S, *api.FieldError), typed []typedID,
	known func(before S, t typedID) bool, steps func(before S, unknown []typedID) ([]step[S], error)) func(S) ([]step[S], error) {
	return func(before S) ([]step[S], error) {
		if _, ferr := check(before); ferr != nil {
			return nil, ferr
		}
		var knows func(typedID) bool
		if known != nil {
			knows = func(t typedID) bool { return known(before, t) }
		}
		unknown, err := s.refuseUnknown(ctx, rs, typed, knows)
		if err != nil {
			return nil, err
		}
		return steps(before, unknown)
	}
}

// createOperation is the create of a family of a user's named lists
// (conversation groups, friend lists): the request B is checked against
// the lists before by its Apply (names and limits), the items it types
// (typed) are checked with Tencent (planAdding; known as there), and steps
// plans the calls for the user, given the unknown.
func createOperation[S any, B interface {
	Apply(before S) (S, *api.FieldError)
}](fam *family[S], action, items string, typed func(B) []typedID, known func(before S, t typedID) bool,
	steps func(s *Server, user string, rs *itemResults, req B, before S, unknown []typedID) ([]step[S], error)) operation[S, B] {
	return operation[S, B]{fam: fam, action: action, items: items,
		plan: func(s *Server, r *http.Request, ch *change[S], req B) error {
			user, rs := ch.target.ID, ch.results
			ch.plan = planAdding(r.Context(), s, rs, req.Apply, typed(req), known,
				func(before S, unknown []typedID) ([]step[S], error) {
					return steps(s, user, rs, req, before, unknown)
				})
			return nil
		}}
}
