package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

// Undo from the audit log. A change that succeeded recorded its target's
// state before it; undoing the change puts that state back, as a new change
// through runChange — audited like any other, with {"undoes": seq} as its
// request, and allowed only to whoever may change the target now. Each
// family says how it restores a state (restorer); everything else is here.

// undoable is a family's undo, whatever its state type.
type undoable interface {
	preview(s *Server, ctx context.Context, e *sqlite.Record) (*api.UndoPreview, error)
	undo(s *Server, w http.ResponseWriter, r *http.Request, e *sqlite.Record)
	family() access.Family
	kind() access.Kind
}

// restorer is how a family puts one target back to a state S.
type restorer[S any] struct {
	fam    *family[S]
	action string // the undo's audit action, e.g. api.ActionAttributesRestore
	// plan gives the steps from the state now to the state wanted.
	plan func(s *Server, t access.Target, now, want S) ([]step[S], error)
}

func (rs restorer[S]) family() access.Family { return rs.fam.name }
func (rs restorer[S]) kind() access.Kind     { return rs.fam.name.Of() }
func (rs restorer[S]) same(a, b S) bool      { return rs.fam.version(a) == rs.fam.version(b) }

// target is the entry's target as the audit log names it (Target.Name).
func (rs restorer[S]) target(e *sqlite.Record) access.Target {
	return targetOf(rs.kind(), e.Target)
}

// targetOf reads a target of kind k from its name in the audit log.
func targetOf(k access.Kind, name string) access.Target {
	if k == access.KindMember {
		group, member, _ := strings.Cut(name, " ")
		return access.GroupMember(group, member)
	}
	return access.Target{Kind: k, ID: name}
}

// states decodes the entry's before and after.
func (rs restorer[S]) states(e *sqlite.Record) (before, after S, err error) {
	if err = json.Unmarshal(e.Before, &before); err != nil {
		return before, after, errNotUndoable
	}
	if len(e.After) > 0 && string(e.After) != "null" {
		if err = json.Unmarshal(e.After, &after); err != nil {
			return before, after, errNotUndoable
		}
	}
	return before, after, nil
}

func (rs restorer[S]) preview(s *Server, ctx context.Context, e *sqlite.Record) (*api.UndoPreview, error) {
	before, after, err := rs.states(e)
	if err != nil {
		return nil, err
	}
	now, err := rs.fam.read(s, ctx, rs.target(e))
	if err != nil {
		return nil, err
	}
	current, _ := json.Marshal(now)
	restore, _ := json.Marshal(before)
	return &api.UndoPreview{Seq: e.Seq, Action: e.Action, UndoAction: rs.action, Target: e.Target,
		Current: current, Version: rs.fam.version(now), Restore: restore, Left: e.After,
		ChangedSince: !rs.same(now, after), NothingToDo: rs.same(now, before)}, nil
}

func (rs restorer[S]) undo(s *Server, w http.ResponseWriter, r *http.Request, e *sqlite.Record) {
	want, _, err := rs.states(e)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	t := rs.target(e)
	runChange(s, w, r, change[S]{
		fam: rs.fam, action: rs.action, target: t, request: api.UndoRequest{Undoes: e.Seq},
		plan: func(now S) ([]step[S], error) {
			if rs.same(now, want) {
				return nil, errNothingToUndo
			}
			return rs.plan(s, t, now, want)
		},
	})
}

// undoables maps the audit actions that can be undone to their family's
// undo. A family adds its actions here as it lands.
var undoables = map[string]undoable{
	api.ActionAttributesPatch:     attributesRestorer,
	api.ActionAttributesReplace:   attributesRestorer,
	api.ActionAttributesClear:     attributesRestorer,
	api.ActionAttributesRestore:   attributesRestorer,
	api.ActionGroupMembersChange:  groupMembersRestorer,
	api.ActionGroupMembersRestore: groupMembersRestorer,
}

var (
	errNotUndoable = newError(http.StatusConflict, api.CodeConflict,
		"This entry cannot be undone: only changes to group attributes can.")
	errUndoFailedChange = newError(http.StatusConflict, api.CodeConflict,
		"Only a change that was made can be undone. This one failed, or its outcome is not known: check the group instead.")
	errNothingToUndo = newError(http.StatusConflict, api.CodeConflict,
		"There is nothing to undo: the target is already as it was before this change.")
	// errNoEntry answers both an entry that does not exist and one the
	// caller may not undo, with the same status and sentence: telling them
	// apart would let any account learn which sequence numbers exist, and
	// what kind of entry each is, in parts of the log it may not read.
	errNoEntry = newError(http.StatusNotFound, api.CodeNotFound, "There is no change with this number in the audit log that your account may undo.")
)

// undoEntry finds the entry of GET and POST /api/v1/audit/{seq}/undo and
// its family's undo, and checks that the caller may change its target.
// Permission comes first: what the entry is (its kind, its outcome) is
// said only to an account that may read it in the audit log.
func (s *Server) undoEntry(r *http.Request) (*sqlite.Record, undoable, error) {
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq <= 0 {
		return nil, nil, errNoEntry
	}
	c := callerOf(r.Context())
	f := sqlite.Filter{Seq: seq}
	if !c.SeesEverything() {
		// The same entries as the audit log shows this account.
		f.Limited, f.Self, f.Groups, f.Users = true, c.Name, c.Scope.Groups, c.Scope.Users
	}
	recs, err := s.db.Records(r.Context(), f)
	if err != nil {
		return nil, nil, err
	}
	if len(recs) == 0 {
		return nil, nil, errNoEntry
	}
	e := recs[0]
	u, ok := undoables[e.Action]
	if !ok || e.Kind != sqlite.KindIntent {
		return nil, nil, errNotUndoable
	}
	if err := s.authorizeChange(r.Context(), c, u.family(), targetOf(u.kind(), e.Target)); err != nil {
		if isRefusal(err) {
			return nil, nil, errNoEntry
		}
		return nil, nil, err
	}
	if e.Outcome != sqlite.OutcomeOK {
		return nil, nil, errUndoFailedChange
	}
	return e, u, nil
}

// isRefusal: err says the caller may not (rather than that something
// failed, such as Tencent not answering a membership question).
func isRefusal(err error) bool {
	var he *httpError
	return errors.As(err, &he) && he.Status == http.StatusForbidden
}

// handleUndoPreview serves GET /api/v1/audit/{seq}/undo: the state now,
// the state the undo would put back, and whether the target changed since.
func (s *Server) handleUndoPreview(w http.ResponseWriter, r *http.Request) {
	e, u, err := s.undoEntry(r)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	p, err := u.preview(s, r.Context(), e)
	s.answer(w, r, p, err)
}

// handleUndo serves POST /api/v1/audit/{seq}/undo: put the target back as
// it was before the entry's change. If-Match (the preview's version) keeps
// it from undoing a change the moderator has not seen.
func (s *Server) handleUndo(w http.ResponseWriter, r *http.Request) {
	e, u, err := s.undoEntry(r)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	u.undo(s, w, r, e)
}

// attributesRestorer restores a group's attributes: one set_group_attr with the
// whole set, or, to leave none, one delete_group_attr of every key (which
// Community groups allow, unlike clear).
var attributesRestorer = restorer[[]api.Attr]{
	fam:    attributes,
	action: api.ActionAttributesRestore,
	plan: func(s *Server, t access.Target, now, want []api.Attr) ([]step[[]api.Attr], error) {
		if want == nil {
			want = []api.Attr{}
		}
		call := func(ctx context.Context) error { return s.tim.SetGroupAttr(ctx, t.ID, toTim(want)) }
		if len(want) == 0 {
			keys := make([]string, len(now))
			for i, a := range now {
				keys[i] = a.Key
			}
			slices.Sort(keys)
			call = func(ctx context.Context) error { return s.tim.DeleteGroupAttr(ctx, t.ID, keys) }
		}
		return []step[[]api.Attr]{{after: want, call: call}}, nil
	},
}
