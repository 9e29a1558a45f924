package timmock

import (
	"fmt"
	"testing"
	"time"
)

func TestGetAppIDGroupList(t *testing.T) {
	e := newEnv(t)
	const list = "group_open_http_svc/get_appid_group_list"
	out := e.mustOK(list, map[string]any{})
	if out["TotalCount"].(float64) != 7 || len(out["GroupIdList"].([]any)) != 7 || out["Next"].(float64) != 0 {
		t.Fatalf("all groups: %v", out)
	}
	// Paging: Limit 3 → 3, 3, 1 with Next 3, 6, 0.
	var seen []string
	next := 0.0
	for page := 0; ; page++ {
		e.clock.Advance(time.Second) // 1 call per second
		out = e.mustOK(list, map[string]any{"Limit": 3, "Next": next})
		for _, g := range out["GroupIdList"].([]any) {
			seen = append(seen, g.(map[string]any)["GroupId"].(string))
		}
		if next = out["Next"].(float64); next == 0 {
			break
		}
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 7 || seen[0] != "@TGS#_community1" {
		t.Fatalf("paged ids %v", seen)
	}
	// A type filter counts only that type; old and new names are one type.
	e.clock.Advance(time.Second)
	out = e.mustOK(list, map[string]any{"GroupType": "Private"})
	if out["TotalCount"].(float64) != 2 {
		t.Fatalf("Private (incl. Work): %v", out)
	}
	// "Type" is not the filter's name: like every unknown field it is
	// ignored, and the answer is unfiltered.
	e.clock.Advance(time.Second)
	out = e.mustOK(list, map[string]any{"Type": "Private"})
	if out["TotalCount"].(float64) != 7 {
		t.Fatalf("Type is ignored: %v", out)
	}
	// Limit 0 is no Limit: every group, in one page.
	e.clock.Advance(time.Second)
	out = e.mustOK(list, map[string]any{"Limit": 0})
	if out["TotalCount"].(float64) != 7 || len(out["GroupIdList"].([]any)) != 7 {
		t.Fatalf("Limit 0: %v", out)
	}
	e.clock.Advance(time.Second)
	e.wantCode(list, map[string]any{"Limit": -1}, 10004)
	e.clock.Advance(time.Second)
	e.wantCode(list, map[string]any{"Limit": 10001}, 10004)
	e.clock.Advance(time.Second)
	e.wantCode(list, map[string]any{"GroupType": "Nope"}, 10004)
}

func TestGetGroupInfo(t *testing.T) {
	e := newEnv(t)
	const info = "group_open_http_svc/get_group_info"
	out := e.mustOK(info, map[string]any{"GroupIdList": []string{"@TGS#public1", "@TGS#missing", "bad id"}})
	infos := out["GroupInfo"].([]any)
	pub := infos[0].(map[string]any)
	if pub["Type"] != "Public" || pub["Name"] != "Public one" || pub["MemberNum"].(float64) != 2 || pub["Owner_Account"] != "alice" || code(pub) != 0 {
		t.Fatalf("public group: %v", pub)
	}
	if code(infos[1].(map[string]any)) != 10010 || code(infos[2].(map[string]any)) != 10015 {
		t.Fatalf("per-group errors: %v", infos[1:])
	}
	out = e.mustOK(info, map[string]any{"GroupIdList": []string{"@TGS#public1"}, "ResponseFilter": map[string]any{"GroupBaseInfoFilter": []string{"Type"}}})
	one := out["GroupInfo"].([]any)[0].(map[string]any)
	if _, has := one["Name"]; has || one["Type"] != "Public" {
		t.Fatalf("filter: %v", one)
	}
	ids := make([]string, 51)
	for i := range ids {
		ids[i] = fmt.Sprintf("@TGS#g%d", i)
	}
	e.wantCode(info, map[string]any{"GroupIdList": ids}, 10004)
	e.wantCode(info, map[string]any{"GroupIdList": []string{}}, 10004)
}

// get_group_info answers with one naming scheme, the current page's
// (MuteAllMember, MuteUntil), whichever name the filter used; an AVChatRoom
// has no MemberNum, which the page says it does not support.
func TestGetGroupInfoNames(t *testing.T) {
	e := newEnv(t)
	const info = "group_open_http_svc/get_group_info"
	for _, filter := range []map[string]any{
		nil,
		{"GroupBaseInfoFilter": []string{"MuteAllMember"}, "MemberInfoFilter": []string{"MuteUntil"}},
		{"GroupBaseInfoFilter": []string{"ShutUpAllMember"}, "MemberInfoFilter": []string{"ShutUpUntil"}},
	} {
		body := map[string]any{"GroupIdList": []string{"@TGS#public1"}}
		if filter != nil {
			body["ResponseFilter"] = filter
		}
		g := e.mustOK(info, body)["GroupInfo"].([]any)[0].(map[string]any)
		mb := g["MemberList"].([]any)[0].(map[string]any)
		_, oldAll := g["ShutUpAllMember"]
		_, oldUntil := mb["ShutUpUntil"]
		_, until := mb["MuteUntil"]
		if g["MuteAllMember"] != "Off" || oldAll || !until || oldUntil {
			t.Errorf("filter %v: group %v, member %v", filter, g, mb)
		}
	}
	out := e.mustOK(info, map[string]any{"GroupIdList": []string{"@TGS#av1", "@TGS#public1"}})
	av, pub := out["GroupInfo"].([]any)[0].(map[string]any), out["GroupInfo"].([]any)[1].(map[string]any)
	if _, has := av["MemberNum"]; has || av["Type"] != "AVChatRoom" || pub["MemberNum"] == nil {
		t.Fatalf("AVChatRoom %v; Public %v", av, pub)
	}
}

func TestCreateGroup(t *testing.T) {
	e := newEnv(t)
	const create = "group_open_http_svc/create_group"
	out := e.mustOK(create, map[string]any{"Type": "Public", "Name": "New", "Owner_Account": "alice"})
	id, _ := out["GroupId"].(string)
	if len(id) < 10 || id[:5] != "@TGS#" {
		t.Fatalf("server-made id %q", id)
	}
	e.mustOK(modifyAttr, map[string]any{"GroupId": id, "GroupAttr": kv("k", "v")})
	out = e.mustOK(create, map[string]any{"Type": "Community", "Name": "C"})
	if id := out["GroupId"].(string); id[:6] != "@TGS#_" {
		t.Fatalf("community id %q", id)
	}
	e.mustOK(create, map[string]any{"Type": "Work", "Name": "Custom", "GroupId": "my-group"})
	for _, c := range []struct {
		name string
		body map[string]any
		want int
	}{
		{"custom id taken", map[string]any{"Type": "Work", "Name": "x", "GroupId": "my-group"}, 10021},
		{"community id without @TGS#_", map[string]any{"Type": "Community", "Name": "x", "GroupId": "plain"}, 10004},
		{"unknown type", map[string]any{"Type": "Club", "Name": "x"}, 10004},
		{"no name", map[string]any{"Type": "Public"}, 10004},
		{"name 31 bytes", map[string]any{"Type": "Public", "Name": "0123456789012345678901234567890"}, 10004},
		{"owner not imported", map[string]any{"Type": "Public", "Name": "x", "Owner_Account": "nobody"}, 10019},
		{"AVChatRoom with members", map[string]any{"Type": "AVChatRoom", "Name": "x", "MemberList": []map[string]string{{"Member_Account": "bob"}}}, 10007},
	} {
		t.Run(c.name, func(t *testing.T) { e.wantCode(create, c.body, c.want) })
	}
}

// Generated groups: every one listed once across pages of the largest
// Limit, with names Tencent would accept, every type, and the type filter.
func TestGenerateAndPageAll(t *testing.T) {
	e := newEnv(t)
	const list = "group_open_http_svc/get_appid_group_list"
	if err := e.mock.Seed(&Seed{Generate: 25000}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	next, pages := 0.0, 0
	for {
		e.clock.Advance(time.Second)
		out := e.mustOK(list, map[string]any{"Limit": MaxAppIDGroupLimit, "Next": next})
		pages++
		for _, g := range out["GroupIdList"].([]any) {
			id := g.(map[string]any)["GroupId"].(string)
			if seen[id] {
				t.Fatalf("%s listed twice", id)
			}
			seen[id] = true
		}
		if next = out["Next"].(float64); next == 0 {
			break
		}
	}
	if len(seen) != 25007 || pages != 3 {
		t.Fatalf("%d groups in %d pages, want 25007 in 3", len(seen), pages)
	}
	for id, g := range e.mock.groups {
		if !validGroupID(id) || g.Name == "" || len(g.Name) > MaxGroupNameBytes || !knownType(g.Type) {
			t.Fatalf("generated group %q %q %q", id, g.Name, g.Type)
		}
	}
	e.clock.Advance(time.Second)
	out := e.mustOK(list, map[string]any{"GroupType": "Community"})
	if n := out["TotalCount"].(float64); n < 25000/7 || n > 25000/7+2 {
		t.Fatalf("Communities: %v", n)
	}
}
