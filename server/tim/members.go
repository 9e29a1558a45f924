package tim

import "context"

// get_role_in_group (Tencent's page "Querying the Roles of Users in a
// Group"): at most 500 users a call, not for AVChatRoom groups (10007).
var opGetRoleInGroup = op{path: "group_open_http_svc/get_role_in_group", perSec: 200, repeatable: true}

// Roles a user can have in a group; NotMember when the user is not in it.
const (
	RoleOwner     = "Owner"
	RoleAdmin     = "Admin"
	RoleMember    = "Member"
	RoleNotMember = "NotMember"
)

// GetRoleInGroup returns each user's role in the group, by user ID.
func (c *Client) GetRoleInGroup(ctx context.Context, groupID string, users []string) (map[string]string, error) {
	req := struct {
		GroupID     string   `json:"GroupId"`
		UserAccount []string `json:"User_Account"`
	}{groupID, users}
	var resp struct {
		UserIDList []struct {
			MemberAccount string `json:"Member_Account"`
			Role          string `json:"Role"`
		} `json:"UserIdList"`
	}
	if err := c.call(ctx, opGetRoleInGroup, "", req, &resp); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(resp.UserIDList))
	for _, u := range resp.UserIDList {
		out[u.MemberAccount] = u.Role
	}
	return out, nil
}
