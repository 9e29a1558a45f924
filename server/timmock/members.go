package timmock

// MaxRoleInGroupAccounts is how many users one get_role_in_group may ask
// about (Tencent's page "Querying the Roles of Users in a Group":
// User_Account holds at most 500 accounts).
const MaxRoleInGroupAccounts = 500

// getRoleInGroup answers each user's role in a group: Owner, Admin, Member
// or NotMember. Audio-video groups
// (AVChatRoom) do not support the call (10007), as the page says.
func (m *Mock) getRoleInGroup(body []byte) (any, *tErr) {
	var req struct {
		GroupID     string   `json:"GroupId"`
		UserAccount []string `json:"User_Account"`
	}
	if e := decode(body, &req, famGroup); e != nil {
		return nil, e
	}
	if e := checkCount(len(req.UserAccount), MaxRoleInGroupAccounts, 10004, "User_Account", "accounts"); e != nil {
		return nil, e
	}
	g, e := m.memberGroup(req.GroupID, "do not support get_role_in_group")
	if e != nil {
		return nil, e
	}
	type role struct {
		MemberAccount string `json:"Member_Account"`
		Role          string `json:"Role"`
	}
	out := make([]role, 0, len(req.UserAccount))
	for _, u := range req.UserAccount {
		out = append(out, role{u, g.roleOf(u)})
	}
	return map[string]any{"UserIdList": out}, nil
}
