package timmock

import (
	"strings"
	"testing"
)

// get_role_in_group: Owner, Member or NotMember per user asked, in the
// order asked; at most 500 users; not for AVChatRoom (10007); the group's
// own codes for a missing or malformed group.
func TestGetRoleInGroup(t *testing.T) {
	e := newEnv(t)
	const roles = "group_open_http_svc/get_role_in_group"
	out := e.mustOK(roles, map[string]any{"GroupId": "@TGS#public1", "User_Account": []string{"bob", "alice", "carol"}})
	got := []string{}
	for _, u := range out["UserIdList"].([]any) {
		m := u.(map[string]any)
		got = append(got, m["Member_Account"].(string)+"="+m["Role"].(string))
	}
	if strings.Join(got, ",") != "bob=Member,alice=Owner,carol=NotMember" {
		t.Fatalf("roles: %v", got)
	}
	many := make([]string, MaxRoleInGroupAccounts+1)
	for i := range many {
		many[i] = "bob"
	}
	for _, c := range []struct {
		name string
		body map[string]any
		code int
	}{
		{"501 users", map[string]any{"GroupId": "@TGS#public1", "User_Account": many}, 10004},
		{"no users", map[string]any{"GroupId": "@TGS#public1", "User_Account": []string{}}, 10004},
		{"live group", map[string]any{"GroupId": "@TGS#av1", "User_Account": []string{"bob"}}, 10007},
		{"missing group", map[string]any{"GroupId": "@TGS#missing", "User_Account": []string{"bob"}}, 10010},
		{"malformed group", map[string]any{"GroupId": "bad id", "User_Account": []string{"bob"}}, 10015},
	} {
		t.Run(c.name, func(t *testing.T) { e.wantCode(roles, c.body, c.code) })
	}
}
