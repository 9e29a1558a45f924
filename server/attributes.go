package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
)

// attrVersion identifies an attribute set, whatever the order of its keys.
func attrVersion(attrs []api.Attr) string {
	sorted := append([]api.Attr(nil), attrs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	b, _ := json.Marshal(sorted)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func fromTim(attrs []tim.Attr) []api.Attr {
	out := make([]api.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = api.Attr(a)
	}
	return out
}

func toTim(attrs []api.Attr) []tim.Attr {
	out := make([]tim.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = tim.Attr(a)
	}
	return out
}

func attributesBody(groupID string, attrs []api.Attr) api.Attributes {
	return api.Attributes{GroupID: groupID, Attributes: attrs, Version: attrVersion(attrs)}
}

// currentAttrs reads a group's attributes after checking the caller may see
// the group.
func (s *Server) currentAttrs(ctx context.Context, c *caller, groupID string) ([]api.Attr, error) {
	if err := api.CheckGroupID(groupID); err != nil {
		return nil, err
	}
	if !c.InScope(groupID) {
		return nil, errNotVisible
	}
	attrs, err := s.tim.GetGroupAttr(ctx, groupID)
	if err != nil {
		return nil, err
	}
	return fromTim(attrs), nil
}

// handleGetAttributes serves GET /api/v1/groups/{groupID}/attributes.
func (s *Server) handleGetAttributes(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("groupID")
	attrs, err := s.currentAttrs(r.Context(), callerOf(r.Context()), id)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	body := attributesBody(id, attrs)
	w.Header().Set("ETag", `"`+body.Version+`"`)
	writeJSON(w, http.StatusOK, body)
}

// change is one audited change of a group's attributes.
type change struct {
	action  string // audit action
	request any    // what the moderator asked for, recorded as is
	// plan checks the request against the current attributes and returns
	// the Tencent call to make and the attributes it will leave.
	plan func(before []api.Attr) (call func(context.Context) error, after []api.Attr, err error)
}

// handlePatchAttributes serves PATCH /api/v1/groups/{groupID}/attributes:
// set some keys and delete others, with the fewest Tencent calls — one
// modify_group_attr for only sets, one delete_group_attr for only deletes,
// one set_group_attr with the resulting set for both.
func (s *Server) handlePatchAttributes(w http.ResponseWriter, r *http.Request) {
	var p api.AttrPatch
	if err := decodeJSON(w, r, &p); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	id := r.PathValue("groupID")
	s.changeAttributes(w, r, id, change{action: "group.attributes.patch", request: p,
		plan: func(before []api.Attr) (func(context.Context) error, []api.Attr, error) {
			after, ferr := p.Apply(before)
			if ferr != nil {
				return nil, nil, ferr
			}
			switch {
			case len(p.Delete) == 0:
				return func(ctx context.Context) error { return s.tim.ModifyGroupAttr(ctx, id, toTim(p.Set)) }, after, nil
			case len(p.Set) == 0:
				return func(ctx context.Context) error { return s.tim.DeleteGroupAttr(ctx, id, p.Delete) }, after, nil
			}
			return func(ctx context.Context) error { return s.tim.SetGroupAttr(ctx, id, toTim(after)) }, after, nil
		}})
}

// handlePutAttributes serves PUT /api/v1/groups/{groupID}/attributes:
// replace all attributes.
func (s *Server) handlePutAttributes(w http.ResponseWriter, r *http.Request) {
	var rep api.AttrReplace
	if err := decodeJSON(w, r, &rep); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	if err := rep.Validate(); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	id := r.PathValue("groupID")
	s.changeAttributes(w, r, id, change{action: "group.attributes.replace", request: rep,
		plan: func([]api.Attr) (func(context.Context) error, []api.Attr, error) {
			return func(ctx context.Context) error { return s.tim.SetGroupAttr(ctx, id, toTim(rep.Attributes)) }, rep.Attributes, nil
		}})
}

// handleClearAttributes serves DELETE /api/v1/groups/{groupID}/attributes.
func (s *Server) handleClearAttributes(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("groupID")
	c := callerOf(r.Context())
	// Community groups cannot be cleared; say so before anything is sent.
	if c.CanChange(id) {
		g, err := s.group(r.Context(), c, id)
		if err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		if !g.Operations.Clear {
			s.writeAPIError(w, r, newError(http.StatusConflict, "conflict",
				"Tencent Cloud Chat does not allow clearing the attributes of a Community group. Remove them one by one, or replace them all."))
			return
		}
	}
	s.changeAttributes(w, r, id, change{action: "group.attributes.clear", request: map[string]any{},
		plan: func([]api.Attr) (func(context.Context) error, []api.Attr, error) {
			return func(ctx context.Context) error { return s.tim.ClearGroupAttr(ctx, id) }, []api.Attr{}, nil
		}})
}

// changeAttributes runs an attribute change: check the caller may make it,
// read the attributes before, refuse if they changed since the caller's
// version (If-Match), plan, commit the intent to the audit log, send, and
// record the outcome. If the intent cannot be committed, nothing is sent.
func (s *Server) changeAttributes(w http.ResponseWriter, r *http.Request, groupID string, ch change) {
	c := callerOf(r.Context())
	ctx := r.Context()
	if err := api.CheckGroupID(groupID); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	switch {
	case c.Role == api.RoleViewer:
		s.writeAPIError(w, r, errViewerReadOnly)
		return
	case !c.CanChange(groupID):
		s.writeAPIError(w, r, errOutOfScope)
		return
	}
	before, err := s.currentAttrs(ctx, c, groupID)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	if want := r.Header.Get("If-Match"); want != "" && want != `"`+attrVersion(before)+`"` && want != attrVersion(before) {
		he := newError(http.StatusPreconditionFailed, "conflict",
			"Someone changed this group's attributes after you loaded them. Reload to see the current attributes, then make your change again.")
		s.writeAPIError(w, r, he)
		return
	}
	call, after, err := ch.plan(before)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	reqJSON, _ := json.Marshal(ch.request)
	beforeJSON, _ := json.Marshal(before)
	intent, err := s.db.Append(ctx, sqlite.Entry{Kind: sqlite.KindIntent, Actor: c.Name, Role: c.Role, IP: clientIP(r),
		UserAgent: truncate(r.UserAgent(), 256), RequestID: requestID(ctx), Action: ch.action, Target: groupID,
		Request: reqJSON, Before: beforeJSON, Outcome: sqlite.OutcomePending})
	if err != nil {
		errAudit := *errAuditDown
		errAudit.Err = err
		s.writeAPIError(w, r, &errAudit)
		return
	}
	start := s.now()
	// The change goes on even if the moderator closes the page: its outcome
	// must be recorded either way.
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	err = call(callCtx)
	cancel()
	outcome, code, info, detail := sqlite.OutcomeOK, 0, "", ""
	if err != nil {
		outcome = sqlite.OutcomeFailed
		if tim.KindOf(err) == tim.KindUnknownOutcome {
			outcome = sqlite.OutcomeUnknown
		}
		code, detail = tim.CodeOf(err), s.toHTTPError(err).Message
		var te *tim.Error
		if errors.As(err, &te) {
			info = te.Info
		}
	}
	if cerr := s.db.Complete(context.WithoutCancel(ctx), intent, outcome, code, info, detail, s.now().Sub(start)); cerr != nil {
		// The intent stays without an outcome; the next start marks it unknown.
		s.log.Error("audit outcome not recorded", "request_id", requestID(ctx), "seq", intent.Seq, "err", cerr)
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.log.Info("attributes changed", "request_id", requestID(ctx), "actor", c.Name, "action", ch.action, "group", groupID)
	body := attributesBody(groupID, after)
	w.Header().Set("ETag", `"`+body.Version+`"`)
	writeJSON(w, http.StatusOK, body)
}
