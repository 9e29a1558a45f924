package timmock

import (
	"fmt"
	"strconv"
)

// get_group_member_info limits (Tencent's page "Getting Group Member
// Profiles"): Limit is at most 200 members a call (100 recommended, and the
// default when Limit is absent). Community groups page with Next, the other
// types with Offset; audio-video groups (AVChatRoom) are not supported
// (10007).
const (
	MaxMemberInfoLimit     = 200
	DefaultMemberInfoLimit = 100
)

// getGroupMemberInfo answers one page of a group's members, the owner
// first, then the members in the order they joined.
func (m *Mock) getGroupMemberInfo(body []byte) (any, *tErr) {
	var req struct {
		GroupID string `json:"GroupId"`
		Limit   *int   `json:"Limit"`
		Offset  int    `json:"Offset"`
		Next    string `json:"Next"`
	}
	if e := decode(body, &req, famGroup); e != nil {
		return nil, e
	}
	g, e := m.lookupGroup(req.GroupID)
	if e != nil {
		return nil, e
	}
	if g.Type == "AVChatRoom" {
		return nil, fail(10007, "no permission: AVChatRoom groups do not support get_group_member_info")
	}
	limit := DefaultMemberInfoLimit
	if req.Limit != nil {
		limit = *req.Limit
	}
	if limit < 1 || limit > MaxMemberInfoLimit || req.Offset < 0 {
		return nil, fail(10004, fmt.Sprintf("invalid parameter: Limit must be 1..%d and Offset not negative", MaxMemberInfoLimit))
	}
	all := make([]string, 0, len(g.Members)+1)
	if g.Owner != "" {
		all = append(all, g.Owner)
	}
	for _, u := range g.Members {
		if u != g.Owner {
			all = append(all, u)
		}
	}
	start := req.Offset
	if g.Type == "Community" {
		start = 0
		if req.Next != "" {
			n, err := strconv.Atoi(req.Next)
			if err != nil || n < 0 {
				return nil, fail(10004, "invalid parameter: Next is not a value this API returned")
			}
			start = n
		}
	}
	start = min(start, len(all))
	end := min(start+limit, len(all))
	type member struct {
		Account string `json:"Member_Account"`
		Role    string `json:"Role"`
	}
	list := make([]member, 0, end-start)
	for _, u := range all[start:end] {
		list = append(list, member{u, g.roleOf(u)})
	}
	resp := map[string]any{"MemberNum": len(all), "MemberList": list}
	if g.Type == "Community" {
		next := ""
		if end < len(all) {
			next = strconv.Itoa(end)
		}
		resp["Next"] = next
	}
	return resp, nil
}
