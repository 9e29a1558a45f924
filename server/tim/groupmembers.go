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
	MemberNum int `json:"MemberNum"`
	Members   []struct {
		Account string `json:"Member_Account"`
		Role    string `json:"Role"`
	} `json:"MemberList"`
	Next string `json:"Next"` // Community groups: the next page's cursor, "" at the end
}

// GetGroupMembers returns one page of a group's members: from offset for
// most groups, from next for Community groups (pass both; Tencent reads the
// one that applies).
func (c *Client) GetGroupMembers(ctx context.Context, groupID string, offset int, next string) (*GroupMembersPage, error) {
	req := map[string]any{"GroupId": groupID, "Limit": MemberPageSize, "MemberInfoFilter": []string{"Role"}}
	if next != "" {
		req["Next"] = next
	} else if offset > 0 {
		req["Offset"] = offset
	}
	return call[GroupMembersPage](ctx, c, opGetGroupMemberInfo, req)
}
