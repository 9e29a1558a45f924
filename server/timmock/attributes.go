package timmock

// Group custom attributes: get_group_attr, modify_group_attr,
// set_group_attr, delete_group_attr and clear_group_attr.

import (
	"fmt"
	"maps"
	"time"
)

type attrRequest struct {
	GroupID   string `json:"GroupId"`
	GroupAttr []attr `json:"GroupAttr"`
}

func (m *Mock) getGroupAttr(body []byte) (any, *tErr) {
	var req attrRequest
	if e := decode(body, &req, famGroup); e != nil {
		return nil, e
	}
	g, e := m.lookupGroup(req.GroupID)
	if e != nil {
		return nil, e
	}
	return map[string]any{"GroupAttrAry": g.attrList()}, nil
}

// writableGroup reads a write's request, finds the group it names and
// spends one of its writes this second (10049).
func (m *Mock) writableGroup(body []byte, clear bool) (attrRequest, *group, *tErr) {
	var req attrRequest
	if e := decode(body, &req, famGroup); e != nil {
		return req, nil, e
	}
	g, e := m.lookupGroup(req.GroupID)
	if e != nil {
		return req, nil, e
	}
	if clear && g.Type == "Community" {
		return req, nil, fail(10007, "no permission: Community groups do not support clearing attributes")
	}
	if g.writes == nil {
		g.writes = newWindow(MaxAttrWritesPerS, time.Second)
	}
	if !m.unlimit && !g.writes.allow(m.now()) {
		return req, nil, fail(10049, "group attributes written too often: at most 5 writes per second per group")
	}
	return req, g, nil
}

// checkAttrItems validates the keys (and values, when withValues) of one
// request: 10004 for empty or repeated keys, 10045 and 10046 for sizes.
func checkAttrItems(items []attr, withValues bool) *tErr {
	if len(items) == 0 {
		return fail(10004, "invalid parameter: GroupAttr is required")
	}
	seen := map[string]bool{}
	for i, a := range items {
		switch {
		case a.Key == "":
			return fail(10004, fmt.Sprintf("invalid parameter: GroupAttr[%d].key is empty", i))
		case seen[a.Key]:
			return fail(10004, fmt.Sprintf("invalid parameter: key %q appears twice", a.Key))
		case len(a.Key) > MaxAttrKeyBytes:
			return fail(10045, fmt.Sprintf("key %q is %d bytes; at most %d", a.Key, len(a.Key), MaxAttrKeyBytes))
		case withValues && len(a.Value) > MaxAttrValueBytes:
			return fail(10046, fmt.Sprintf("value of key %q is %d bytes; at most %d", a.Key, len(a.Value), MaxAttrValueBytes))
		}
		seen[a.Key] = true
	}
	return nil
}

// checkAttrSet validates a resulting attribute set: 10047 and 10048.
func checkAttrSet(set map[string]string) *tErr {
	if len(set) > MaxAttrKeys {
		return fail(10047, fmt.Sprintf("a group may have at most %d attributes; this would make %d", MaxAttrKeys, len(set)))
	}
	total := 0
	for _, v := range set {
		total += len(v)
	}
	if total > MaxAttrTotalBytes {
		return fail(10048, fmt.Sprintf("attribute values would total %d bytes; at most %d", total, MaxAttrTotalBytes))
	}
	return nil
}

func (m *Mock) modifyGroupAttr(body []byte) (any, *tErr) {
	return m.writeAttrs(body, func(g *group, items []attr) (map[string]string, *tErr) {
		return withItems(g.attrs, items), nil
	}, true)
}

func (m *Mock) setGroupAttr(body []byte) (any, *tErr) {
	return m.writeAttrs(body, func(g *group, items []attr) (map[string]string, *tErr) {
		return withItems(nil, items), nil
	}, true)
}

func (m *Mock) deleteGroupAttr(body []byte) (any, *tErr) {
	return m.writeAttrs(body, func(g *group, items []attr) (map[string]string, *tErr) {
		next := withItems(g.attrs, nil)
		for _, a := range items {
			if _, ok := next[a.Key]; !ok {
				return nil, fail(10050, fmt.Sprintf("attribute key %q does not exist", a.Key))
			}
			delete(next, a.Key)
		}
		return next, nil
	}, false)
}

// withItems is a copy of attrs (nil: none) with items set over them.
func withItems(attrs map[string]string, items []attr) map[string]string {
	next := make(map[string]string, len(attrs)+len(items))
	maps.Copy(next, attrs)
	for _, a := range items {
		next[a.Key] = a.Value
	}
	return next
}

// writeAttrs runs modify, set or delete: find the group, spend a write,
// validate the items, compute and validate the resulting set, store it.
func (m *Mock) writeAttrs(body []byte, apply func(*group, []attr) (map[string]string, *tErr), withValues bool) (any, *tErr) {
	req, g, e := m.writableGroup(body, false)
	if e != nil {
		return nil, e
	}
	if e := checkAttrItems(req.GroupAttr, withValues); e != nil {
		return nil, e
	}
	next, e := apply(g, req.GroupAttr)
	if e != nil {
		return nil, e
	}
	if e := checkAttrSet(next); e != nil {
		return nil, e
	}
	order := make([]string, len(req.GroupAttr))
	for i, a := range req.GroupAttr {
		order[i] = a.Key
	}
	g.replaceAttrs(next, order)
	return nil, nil
}

func (m *Mock) clearGroupAttr(body []byte) (any, *tErr) {
	_, g, e := m.writableGroup(body, true)
	if e != nil {
		return nil, e
	}
	g.keys, g.attrs = nil, map[string]string{}
	return nil, nil
}
