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

// Group admins: create_group's MemberList Role "Admin" makes one in the
// types that have admins (Public, Meeting/ChatRoom, Community); every call
// that answers roles says Admin for them. Work and AVChatRoom groups have
// no admins, so the role is not kept there.
func TestGroupAdmins(t *testing.T) {
	e := newEnv(t)
	const (
		create  = "group_open_http_svc/create_group"
		roles   = "group_open_http_svc/get_role_in_group"
		info    = "group_open_http_svc/get_group_info"
		members = "group_open_http_svc/get_group_member_info"
	)
	withAdmin := func(typ string) string {
		out := e.mustOK(create, map[string]any{"Type": typ, "Name": typ, "Owner_Account": "alice",
			"MemberList": []map[string]string{{"Member_Account": "bob", "Role": "Admin"}, {"Member_Account": "carol"}}})
		return out["GroupId"].(string)
	}
	roleList := func(items []any) string {
		var got []string
		for _, it := range items {
			m := it.(map[string]any)
			got = append(got, m["Member_Account"].(string)+"="+m["Role"].(string))
		}
		return strings.Join(got, ",")
	}
	for _, c := range []struct{ typ, want string }{
		{"Public", "alice=Owner,bob=Admin,carol=Member"},
		{"Meeting", "alice=Owner,bob=Admin,carol=Member"},
		{"Community", "alice=Owner,bob=Admin,carol=Member"},
		{"Work", "alice=Owner,bob=Member,carol=Member"},
	} {
		id := withAdmin(c.typ)
		out := e.mustOK(roles, map[string]any{"GroupId": id, "User_Account": []string{"alice", "bob", "carol", "dave"}})
		if got := roleList(out["UserIdList"].([]any)); got != c.want+",dave=NotMember" {
			t.Errorf("%s get_role_in_group: %s", c.typ, got)
		}
		out = e.mustOK(info, map[string]any{"GroupIdList": []string{id}})
		if got := roleList(out["GroupInfo"].([]any)[0].(map[string]any)["MemberList"].([]any)); got != c.want {
			t.Errorf("%s get_group_info: %s", c.typ, got)
		}
		out = e.mustOK(members, map[string]any{"GroupId": id})
		if got := roleList(out["MemberList"].([]any)); got != c.want {
			t.Errorf("%s get_group_member_info: %s", c.typ, got)
		}
	}
}

// Seeds and generated groups hold admins; a seed cannot give a Work group
// one.
func TestSeedAdmins(t *testing.T) {
	m := New(Options{SDKAppID: testAppID, SecretKey: testKey})
	err := m.Seed(&Seed{Users: []SeedUser{{ID: "a"}, {ID: "b"}}, Groups: []SeedGroup{{Type: "Work", Name: "w", Owner: "a", Admins: []string{"b"}}}})
	if err == nil || !strings.Contains(err.Error(), "no admins") {
		t.Fatalf("admin in a Work group: %v", err)
	}

	m = New(Options{SDKAppID: testAppID, SecretKey: testKey})
	if err := m.Seed(Demo()); err != nil {
		t.Fatal(err)
	}
	if err := m.Seed(&Seed{Generate: 14}); err != nil {
		t.Fatal(err)
	}
	admins := map[string]int{}
	for _, g := range m.groups {
		for _, u := range g.Members {
			if g.roleOf(u) == "Admin" {
				admins[g.Type]++
			}
		}
		if !hasAdmins(g.Type) && len(g.Admins) > 0 {
			t.Errorf("%s group %s has admins %v", g.Type, g.ID, g.Admins)
		}
	}
	// The demo has admins in a Community, a Public, a Meeting and a
	// ChatRoom group; 14 generated groups hold two of each type.
	for typ, want := range map[string]int{"Community": 3, "Public": 3, "Meeting": 3, "ChatRoom": 3} {
		if admins[typ] != want {
			t.Errorf("%s admins: %d, want %d (all: %v)", typ, admins[typ], want, admins)
		}
	}
}
