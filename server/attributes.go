package server

import (
	"context"
	"fmt"
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
	return versionOf(sorted)
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
	name:   access.Attributes,
	target: groupTarget,
	read: func(s *Server, ctx context.Context, t access.Target) ([]api.Attr, error) {
		return s.readAttrs(ctx, t.ID)
	},
	version: attributesVersion,
	write: func(w http.ResponseWriter, t access.Target, attrs []api.Attr, _ []api.ItemResult) {
		body := api.Attributes{GroupID: t.ID, Attributes: attrs, Version: attributesVersion(attrs)}
		w.Header().Set("ETag", `"`+body.Version+`"`)
		writeJSON(w, http.StatusOK, body)
	},
	changed: func(s *Server, ctx context.Context, t access.Target, before, after []api.Attr) {
		s.indexValues(ctx, t.ID, before, after)
	},
}

// indexValues keeps the finder's index of a group's values of described
// keys as a change left them, so that a search by value finds the group
// at once rather than after the next reading. A failure is logged: the
// next reading puts it right.
func (s *Server) indexValues(ctx context.Context, groupID string, before, after []api.Attr) {
	specs, err := s.describedKeys(ctx, attrKeys(before), attrKeys(after))
	if err == nil && len(specs) > 0 {
		var keys []string
		for k, spec := range specs {
			if spec.Indexed() {
				keys = append(keys, k)
			}
		}
		err = s.db.PutGroupAttrs(ctx, groupID, keys, after)
	}
	if err != nil {
		s.log.WarnContext(ctx, "finder: index the values of a change", "group", groupID, "err", err)
	}
}

// The operations, by route:
//
//	PATCH  /api/v1/groups/{groupID}/attributes  set some keys, delete others
//	PUT    /api/v1/groups/{groupID}/attributes  replace all
//	DELETE /api/v1/groups/{groupID}/attributes  clear all
//
// A patch makes the fewest Tencent calls: one modify_group_attr for only
// sets, one delete_group_attr for only deletes, one set_group_attr with
// the resulting set for both. Community groups cannot be cleared: that is
// said before anything is sent.
var (
	attributesPatch = operation[[]api.Attr, api.AttrPatch]{fam: attributes, action: api.ActionAttributesPatch,
		plan: func(s *Server, r *http.Request, ch *change[[]api.Attr], p api.AttrPatch) error {
			id := ch.target.ID
			ch.plan = func(before []api.Attr) ([]step[[]api.Attr], error) {
				after, ferr := p.Apply(before)
				if ferr != nil {
					return nil, ferr
				}
				// The registry of keys: values a described key refuses,
				// and removing a key the group's type requires.
				specs, err := s.describedKeys(r.Context(), attrKeys(p.Set), p.Delete)
				if err != nil {
					return nil, err
				}
				if fe := checkValues(specs, "set", p.Set); fe != nil {
					return nil, fe
				}
				removed := make([]removal, len(p.Delete))
				for i, k := range p.Delete {
					removed[i] = removal{k, fmt.Sprintf("delete[%d]", i)}
				}
				if err := checkRemovals(specs, removed, s.groupTypeOf(r.Context(), id)); err != nil {
					return nil, err
				}
				switch {
				case len(p.Delete) == 0:
					return oneStep(after, func(ctx context.Context) error { return s.tim.ModifyGroupAttr(ctx, id, toTim(p.Set)) }), nil
				case len(p.Set) == 0:
					return oneStep(after, func(ctx context.Context) error { return s.tim.DeleteGroupAttr(ctx, id, p.Delete) }), nil
				}
				return oneStep(after, func(ctx context.Context) error { return s.tim.SetGroupAttr(ctx, id, toTim(after)) }), nil
			}
			return nil
		}}
	attributesReplace = operation[[]api.Attr, api.AttrReplace]{fam: attributes, action: api.ActionAttributesReplace,
		plan: func(s *Server, r *http.Request, ch *change[[]api.Attr], rep api.AttrReplace) error {
			ch.plan = func(before []api.Attr) ([]step[[]api.Attr], error) {
				removed := removedBy(before, rep.Attributes, func(string) string { return "attributes" })
				specs, err := s.describedKeys(r.Context(), attrKeys(rep.Attributes), attrKeys(before))
				if err != nil {
					return nil, err
				}
				if fe := checkValues(specs, "attributes", rep.Attributes); fe != nil {
					return nil, fe
				}
				if err := checkRemovals(specs, removed, s.groupTypeOf(r.Context(), ch.target.ID)); err != nil {
					return nil, err
				}
				return oneStep(rep.Attributes, func(ctx context.Context) error { return s.tim.SetGroupAttr(ctx, ch.target.ID, toTim(rep.Attributes)) }), nil
			}
			return nil
		}}
	attributesClear = operation[[]api.Attr, noBody]{fam: attributes, action: api.ActionAttributesClear,
		plan: func(s *Server, r *http.Request, ch *change[[]api.Attr], _ noBody) error {
			id := ch.target.ID
			ch.plan = func(before []api.Attr) ([]step[[]api.Attr], error) {
				g, err := s.groupInfo(r.Context(), id)
				if err != nil {
					return nil, err
				}
				if !g.Operations.Clear {
					return nil, newError(http.StatusConflict, api.CodeConflict,
						"Tencent Cloud Chat does not allow clearing the attributes of a Community group. Remove them one by one, or replace them all.")
				}
				specs, err := s.describedKeys(r.Context(), attrKeys(before))
				if err != nil {
					return nil, err
				}
				if err := checkRemovals(specs, removedBy(before, nil, func(string) string { return "" }),
					func() (string, error) { return g.Type, nil }); err != nil {
					return nil, err
				}
				return oneStep([]api.Attr{}, func(ctx context.Context) error { return s.tim.ClearGroupAttr(ctx, id) }), nil
			}
			return nil
		}}
)
