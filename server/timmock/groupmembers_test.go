package timmock

import (
	"fmt"
	"strings"
	"testing"
)

// get_group_member_info: the owner first, pages by Offset (Community: by
// Next), Limit 1..200; not for AVChatRoom (10007).
func TestGetGroupMemberInfo(t *testing.T) {
	e := newEnv(t)
	const cmd = "group_open_http_svc/get_group_member_info"
	names := func(out map[string]any) string {
		var got []string
		for _, m := range out["MemberList"].([]any) {
			mm := m.(map[string]any)
			got = append(got, mm["Member_Account"].(string)+"="+mm["Role"].(string))
		}
		return strings.Join(got, ",")
	}
	out := e.mustOK(cmd, map[string]any{"GroupId": "@TGS#public1"})
	if names(out) != "alice=Owner,bob=Member" || out["MemberNum"].(float64) != 2 {
		t.Fatalf("members: %v", out)
	}
	if out := e.mustOK(cmd, map[string]any{"GroupId": "@TGS#public1", "Limit": 1, "Offset": 1}); names(out) != "bob=Member" {
		t.Fatalf("second page: %v", out)
	}
	var members []string
	for i := range 3 {
		members = append(members, fmt.Sprintf("m%d", i))
	}
	if err := e.mock.Seed(&Seed{Users: []SeedUser{{ID: "m0"}, {ID: "m1"}, {ID: "m2"}},
		Groups: []SeedGroup{{ID: "@TGS#_c2", Type: "Community", Name: "C2", Owner: "alice", Members: members}}}); err != nil {
		t.Fatal(err)
	}
	first := e.mustOK(cmd, map[string]any{"GroupId": "@TGS#_c2", "Limit": 2})
	if names(first) != "alice=Owner,m0=Member" || first["Next"] != "2" {
		t.Fatalf("community first page: %v", first)
	}
	last := e.mustOK(cmd, map[string]any{"GroupId": "@TGS#_c2", "Limit": 2, "Next": "2"})
	if names(last) != "m1=Member,m2=Member" || last["Next"] != "" {
		t.Fatalf("community last page: %v", last)
	}
	for _, c := range []struct {
		name string
		body map[string]any
		code int
	}{
		{"limit 201", map[string]any{"GroupId": "@TGS#public1", "Limit": 201}, 10004},
		{"limit 0", map[string]any{"GroupId": "@TGS#public1", "Limit": 0}, 10004},
		{"live group", map[string]any{"GroupId": "@TGS#av1"}, 10007},
		{"missing group", map[string]any{"GroupId": "@TGS#missing"}, 10010},
	} {
		t.Run(c.name, func(t *testing.T) { e.wantCode(cmd, c.body, c.code) })
	}
}

// portrait_get: nicknames of up to 100 accounts; one not imported fails
// alone (40003).
func TestPortraitGet(t *testing.T) {
	e := newEnv(t)
	const cmd = "profile/portrait_get"
	if err := e.mock.Seed(&Seed{Users: []SeedUser{{ID: "nick1", Nick: "李明"}}}); err != nil {
		t.Fatal(err)
	}
	out := e.mustOK(cmd, map[string]any{"To_Account": []string{"nick1", "ghost"}, "TagList": []string{"Tag_Profile_IM_Nick"}})
	items := out["UserProfileItem"].([]any)
	first, second := items[0].(map[string]any), items[1].(map[string]any)
	if first["ProfileItem"].([]any)[0].(map[string]any)["Value"] != "李明" || second["ResultCode"].(float64) != 40003 {
		t.Fatalf("profiles: %v", out)
	}
	if fails := out["Fail_Account"].([]any); len(fails) != 1 || fails[0] != "ghost" {
		t.Fatalf("Fail_Account: %v", out["Fail_Account"])
	}
	many := make([]string, MaxPortraitAccounts+1)
	for i := range many {
		many[i] = "alice"
	}
	e.wantCode(cmd, map[string]any{"To_Account": many, "TagList": []string{"Tag_Profile_IM_Nick"}}, 40001)
	e.wantCode(cmd, map[string]any{"To_Account": []string{"alice"}}, 40001)
}

// mark_contact: a conversation in a group that does not exist fails alone
// (51007 in its ResultItem); the others are marked.
func TestMarkContactPerConversation(t *testing.T) {
	e := newEnv(t)
	out := e.mustOK("recentcontact/mark_contact", map[string]any{"From_Account": "alice", "MarkItem": []map[string]any{
		{"OptType": 1, "ContactItem": map[string]any{"Type": 1, "To_Account": "bob"}, "SetMark": []int{0}},
		{"OptType": 1, "ContactItem": map[string]any{"Type": 2, "ToGroupId": "@TGS#gone"}, "SetMark": []int{0}},
	}})
	res := out["ResultItem"].([]any)
	if res[0].(map[string]any)["ResultCode"].(float64) != 0 || res[1].(map[string]any)["ResultCode"].(float64) != 51007 {
		t.Fatalf("results: %v", res)
	}
	got := e.mustOK("recentcontact/get_contact_group", map[string]any{"From_Account": "alice", "StartIndex": 0})
	if items := got["ContactItem"].([]any); len(items) != 1 || items[0].(map[string]any)["StandardMark"] != "1" {
		t.Fatalf("marked: %v", got)
	}
}
