package timmock

import (
	"fmt"
	"strings"
	"testing"
	"time"
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

// modify_group_member_info refuses what the page (and doc.go's decisions)
// refuse, changes nothing when it refuses, and the member calls read back
// what it made; a mute ends by itself.
func TestModifyGroupMemberInfo(t *testing.T) {
	e := newSeededEnv(t, &Seed{
		Users: []SeedUser{{ID: "owner"}, {ID: "ann"}, {ID: "ben"}, {ID: "out"}},
		Groups: []SeedGroup{
			{ID: "@TGS#_c", Type: "Community", Name: "C", Owner: "owner", Members: []string{"ann", "ben"}},
			{ID: "@TGS#work", Type: "Work", Name: "W", Owner: "owner", Members: []string{"ann"}},
			{ID: "@TGS#live", Type: "AVChatRoom", Name: "L", Owner: "owner"},
		},
		MemberDataKeys: []string{"level", "badge"},
	})
	const modify, specified = "group_open_http_svc/modify_group_member_info", "group_open_http_svc/get_specified_group_member_info"
	profile := func(group, user string) map[string]any {
		t.Helper()
		out := e.mustOK(specified, map[string]any{"GroupId": group, "Member_List_Account": []string{user}})
		list := out["MemberList"].([]any)
		if len(list) != 1 {
			t.Fatalf("%s in %s: %v", user, group, out)
		}
		return list[0].(map[string]any)
	}
	for _, c := range []struct {
		name string
		body map[string]any
		code int
	}{
		{"the owner's role", map[string]any{"GroupId": "@TGS#_c", "Member_Account": "owner", "Role": "Member"}, 10004},
		{"a role that is not Admin or Member", map[string]any{"GroupId": "@TGS#_c", "Member_Account": "ann", "Role": "Owner"}, 10004},
		{"an admin in a Work group", map[string]any{"GroupId": "@TGS#work", "Member_Account": "ann", "Role": "Admin"}, 10007},
		{"a mute in a Work group", map[string]any{"GroupId": "@TGS#work", "Member_Account": "ann", "MuteTime": 60}, 10007},
		{"an AVChatRoom", map[string]any{"GroupId": "@TGS#live", "Member_Account": "owner", "NameCard": "x"}, 10007},
		{"a user who is not a member", map[string]any{"GroupId": "@TGS#_c", "Member_Account": "out", "NameCard": "x"}, 10004},
		{"a name card of 51 bytes", map[string]any{"GroupId": "@TGS#_c", "Member_Account": "ann", "NameCard": strings.Repeat("n", 51)}, 10004},
		{"a key the app did not define", map[string]any{"GroupId": "@TGS#_c", "Member_Account": "ann", "AppMemberDefinedData": []map[string]string{{"Key": "vip", "Value": "1"}}}, 10004},
		{"a value of 65 bytes", map[string]any{"GroupId": "@TGS#_c", "Member_Account": "ann", "AppMemberDefinedData": []map[string]string{{"Key": "level", "Value": strings.Repeat("9", 65)}}}, 10004},
		{"a negative mute", map[string]any{"GroupId": "@TGS#_c", "Member_Account": "ann", "MuteTime": -1}, 10004},
		{"no member", map[string]any{"GroupId": "@TGS#_c", "NameCard": "x"}, 10004},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.wantCode(modify, c.body, c.code)
		})
	}
	if p := profile("@TGS#_c", "ann"); p["NameCard"] != "" || p["Role"] != "Member" || p["MuteUntil"].(float64) != 0 {
		t.Fatalf("a refused change changed ann: %v", p)
	}
	// A name card of 50 bytes (16 CJK characters and 2), an admin, data,
	// and a mute of a day, in one call.
	card := strings.Repeat("山", 16) + "ab"
	e.mustOK(modify, map[string]any{"GroupId": "@TGS#_c", "Member_Account": "ann", "Role": "Admin", "NameCard": card,
		"MuteTime": 86400, "AppMemberDefinedData": []map[string]string{{"Key": "level", "Value": "7"}}})
	p := profile("@TGS#_c", "ann")
	if p["Role"] != "Admin" || p["NameCard"] != card || int64(p["MuteUntil"].(float64)) != e.clock.Now().Unix()+86400 {
		t.Fatalf("ann: %v", p)
	}
	if data := p["AppMemberDefinedData"].([]any); len(data) != 1 || data[0].(map[string]any)["Value"] != "7" {
		t.Fatalf("ann's data: %v", p)
	}
	// The older field name mutes too; a mute ends by itself; 0 unmutes.
	e.mustOK(modify, map[string]any{"GroupId": "@TGS#_c", "Member_Account": "ben", "ShutUpTime": 60})
	if p := profile("@TGS#_c", "ben"); p["MuteUntil"].(float64) == 0 {
		t.Fatalf("ben not muted: %v", p)
	}
	e.clock.Advance(61 * time.Second)
	if p := profile("@TGS#_c", "ben"); p["MuteUntil"].(float64) != 0 {
		t.Fatalf("ben's mute did not end: %v", p)
	}
	e.mustOK(modify, map[string]any{"GroupId": "@TGS#_c", "Member_Account": "ann", "MuteTime": 0, "Role": "Member"})
	if p := profile("@TGS#_c", "ann"); p["MuteUntil"].(float64) != 0 || p["Role"] != "Member" {
		t.Fatalf("ann not unmuted: %v", p)
	}
	// get_group_member_info filters by role and names the fields.
	out := e.mustOK("group_open_http_svc/get_group_member_info", map[string]any{"GroupId": "@TGS#_c", "MemberRoleFilter": []string{"Owner"}, "MemberInfoFilter": []string{"Role"}})
	if list := out["MemberList"].([]any); len(list) != 1 || list[0].(map[string]any)["Member_Account"] != "owner" || list[0].(map[string]any)["NameCard"] != nil {
		t.Fatalf("filtered: %v", out)
	}
	e.wantCode(specified, map[string]any{"GroupId": "@TGS#live", "Member_List_Account": []string{"owner"}}, 10007)
}
