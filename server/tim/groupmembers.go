package tim

import "context"

// get_group_member_info (Tencent's page "Getting Group Member Profiles"):
// Limit at most 200 a call (100 recommended); Offset pages every type but
// Community, which pages with Next; not for AVChatRoom (10007).
var opGetGroupMemberInfo = op{path: "group_open_http_svc/get_group_member_info", perSec: 200, repeatable: true}

// MemberPageSize is the Limit imdesk asks for: Tencent's recommended 100.
const MemberPageSize = 100

// GroupMembersPage is one page of a group's members.
type GroupMembersPage struct {
	MemberNum int               `json:"MemberNum"`
	Members   []GroupMemberInfo `json:"MemberList"`
	Next      string            `json:"Next"` // Community groups: the next page's cursor, "" at the end
}

// memberInfoFilter names every field of a member imdesk shows.
var memberInfoFilter = []string{"Role", "JoinTime", "MuteUntil", "NameCard"}

// memberFilters asks for the member fields imdesk shows and the custom
// data of the keys named: the pages do not say what an absent
// AppDefinedDataFilter_GroupMember returns, so the keys are always named.
func memberFilters(req map[string]any, dataKeys []string) map[string]any {
	req["MemberInfoFilter"] = memberInfoFilter
	if len(dataKeys) > 0 {
		req["AppDefinedDataFilter_GroupMember"] = dataKeys
	}
	return req
}

// GetGroupMembers returns one page of a group's members with their
// profiles: from offset for most groups, from next for Community groups
// (pass both; Tencent reads the one that applies).
func (c *Client) GetGroupMembers(ctx context.Context, groupID string, offset int, next string, dataKeys []string) (*GroupMembersPage, error) {
	req := map[string]any{"GroupId": groupID, "Limit": MemberPageSize}
	if next != "" {
		req["Next"] = next
	} else if offset > 0 {
		req["Offset"] = offset
	}
	return call[GroupMembersPage](ctx, c, opGetGroupMemberInfo, memberFilters(req, dataKeys))
}

// get_specified_group_member_info: the profiles of up to 50 named members.
var opGetSpecifiedGroupMemberInfo = op{path: "group_open_http_svc/get_specified_group_member_info", perSec: 200, repeatable: true}

// GetGroupMember returns one member's profile, or nil when the user is not
// a member of the group.
func (c *Client) GetGroupMember(ctx context.Context, groupID, user string, dataKeys []string) (*GroupMemberInfo, error) {
	req := map[string]any{"GroupId": groupID, "Member_List_Account": []string{user}}
	resp, err := call[struct {
		MemberList []GroupMemberInfo `json:"MemberList"`
	}](ctx, c, opGetSpecifiedGroupMemberInfo, memberFilters(req, dataKeys))
	if err != nil {
		return nil, err
	}
	for _, m := range resp.MemberList {
		if m.MemberAccount == user {
			return &m, nil
		}
	}
	return nil, nil
}

// modify_group_member_info sets the fields given: the same call leaves the
// same profile however often it runs, so it is repeated after Tencent's
// try-again codes.
var opModifyGroupMemberInfo = op{path: "group_open_http_svc/modify_group_member_info", perSec: 200, repeatable: true, mutates: true}

// MemberUpdate is a change of one member's profile: the fields set are
// sent.
type MemberUpdate struct {
	GroupID  string            `json:"GroupId"`
	Member   string            `json:"Member_Account"`
	Role     *string           `json:"Role,omitempty"`
	NameCard *string           `json:"NameCard,omitempty"`
	MuteTime *int64            `json:"MuteTime,omitempty"`
	Data     []AppDefinedDatum `json:"AppMemberDefinedData,omitempty"`
}

// ModifyGroupMember changes one member's profile.
func (c *Client) ModifyGroupMember(ctx context.Context, u MemberUpdate) error {
	return c.call(ctx, opModifyGroupMemberInfo, u.GroupID, u, nil)
}
