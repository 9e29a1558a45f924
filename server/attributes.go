package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/tim"
)

// The group attributes family: a group's custom attributes (Tencent's
// get/modify/set/delete/clear_group_attr), a change at a time through
// runChange.

// attributesVersion identifies an attribute set, whatever the order of its keys.
func attributesVersion(attrs []api.Attr) string {
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

// readAttrs reads a group's attributes from Tencent (never nil).
func (s *Server) readAttrs(ctx context.Context, groupID string) ([]api.Attr, error) {
	attrs, err := s.tim.GetGroupAttr(ctx, groupID)
	if err != nil {
		return nil, err
	}
	return fromTim(attrs), nil
}

// attributes is the group attributes family.
var attributes = &family[[]api.Attr]{
	name: access.Attributes,
	read: func(s *Server, ctx context.Context, t access.Target) ([]api.Attr, error) {
		return s.readAttrs(ctx, t.ID)
	},
	version: attributesVersion,
	write: func(w http.ResponseWriter, t access.Target, attrs []api.Attr, _ []api.ItemResult) {
		body := api.Attributes{GroupID: t.ID, Attributes: attrs, Version: attributesVersion(attrs)}
		w.Header().Set("ETag", `"`+body.Version+`"`)
		writeJSON(w, http.StatusOK, body)
	},
}

// handleGetAttributes serves GET /api/v1/groups/{groupID}/attributes.
func (s *Server) handleGetAttributes(w http.ResponseWriter, r *http.Request) {
	attributes.get(s, w, r, access.Group(r.PathValue("groupID")))
}

// attributesChange is a change of one group's attributes made by a single call,
// planned by plan from the attributes before.
func (s *Server) attributesChange(r *http.Request, action string, request any,
	plan func(before []api.Attr) (call func(context.Context) error, after []api.Attr, err error)) change[[]api.Attr] {
	return change[[]api.Attr]{
		fam: attributes, action: action, target: access.Group(r.PathValue("groupID")), request: request,
		plan: func(before []api.Attr) ([]step[[]api.Attr], error) {
			call, after, err := plan(before)
			if err != nil {
				return nil, err
			}
			return []step[[]api.Attr]{{after: after, call: call}}, nil
		},
	}
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
	runChange(s, w, r, s.attributesChange(r, api.ActionAttributesPatch, p,
		func(before []api.Attr) (func(context.Context) error, []api.Attr, error) {
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
		}))
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
	runChange(s, w, r, s.attributesChange(r, api.ActionAttributesReplace, rep,
		func([]api.Attr) (func(context.Context) error, []api.Attr, error) {
			return func(ctx context.Context) error { return s.tim.SetGroupAttr(ctx, id, toTim(rep.Attributes)) }, rep.Attributes, nil
		}))
}

// handleClearAttributes serves DELETE /api/v1/groups/{groupID}/attributes.
// Community groups cannot be cleared: that is said before anything is sent.
func (s *Server) handleClearAttributes(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("groupID")
	runChange(s, w, r, s.attributesChange(r, api.ActionAttributesClear, map[string]any{},
		func([]api.Attr) (func(context.Context) error, []api.Attr, error) {
			g, err := s.groupInfo(r.Context(), id)
			if err != nil {
				return nil, nil, err
			}
			if !g.Operations.Clear {
				return nil, nil, newError(http.StatusConflict, api.CodeConflict,
					"Tencent Cloud Chat does not allow clearing the attributes of a Community group. Remove them one by one, or replace them all.")
			}
			return func(ctx context.Context) error { return s.tim.ClearGroupAttr(ctx, id) }, []api.Attr{}, nil
		}))
}
