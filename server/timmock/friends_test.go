package timmock

import (
	"fmt"
	"strings"
	"testing"
)

const (
	friendGet    = "sns/friend_get"
	friendCheck  = "sns/friend_check"
	friendUpdate = "sns/friend_update"
	recentList   = "recentcontact/get_list"
)

func snsTag(tag string, value any) map[string]any { return map[string]any{"Tag": tag, "Value": value} }

func TestFriendGet(t *testing.T) {
	e := newEnv(t)
	out := e.mustOK(friendGet, map[string]any{"From_Account": "alice", "StartIndex": 0})
	items := out["UserDataItem"].([]any)
	if len(items) != 2 || out["FriendNum"] != 2.0 || out["CompleteFlag"] != 1.0 || out["NextStartIndex"] != 0.0 {
		t.Fatalf("friend_get: %v", out)
	}
	bob := items[0].(map[string]any)
	if bob["To_Account"] != "bob" || len(bob["ValueItem"].([]any)) != 5 {
		t.Fatalf("bob: %v", bob)
	}
	// The same StandardSequence: nothing changed, no standard data.
	again := e.mustOK(friendGet, map[string]any{"From_Account": "alice", "StartIndex": 0, "StandardSequence": out["StandardSequence"], "CustomSequence": out["CustomSequence"]})
	if _, has := again["UserDataItem"].([]any)[0].(map[string]any)["ValueItem"]; has {
		t.Fatalf("unchanged sequences still returned data: %v", again)
	}
	// Pages of 100.
	for i := range 150 {
		id := fmt.Sprintf("f%03d", i)
		e.mustOK("im_open_login_svc/account_import", map[string]any{"UserID": id})
		e.mustOK("sns/friend_import", map[string]any{"From_Account": "dave", "AddFriendItem": []any{map[string]any{"To_Account": id, "AddSource": "AddSource_Type_T"}}})
	}
	p1 := e.mustOK(friendGet, map[string]any{"From_Account": "dave", "StartIndex": 0})
	p2 := e.mustOK(friendGet, map[string]any{"From_Account": "dave", "StartIndex": p1["NextStartIndex"]})
	if len(p1["UserDataItem"].([]any)) != FriendPageSize || p1["CompleteFlag"] != 0.0 || len(p2["UserDataItem"].([]any)) != 50 || p2["CompleteFlag"] != 1.0 {
		t.Fatalf("paging: %v / %v", p1["NextStartIndex"], p2["CompleteFlag"])
	}
	e.wantCode(friendGet, map[string]any{"From_Account": "alice"}, 30001)
	e.wantCode(friendGet, map[string]any{"From_Account": "nobody", "StartIndex": 0}, 30003)
}

func TestFriendCheck(t *testing.T) {
	e := newEnv(t)
	e.mustOK("sns/friend_import", map[string]any{"From_Account": "dave", "AddFriendItem": []any{map[string]any{"To_Account": "alice", "AddSource": "AddSource_Type_T"}}})
	out := e.mustOK(friendCheck, map[string]any{"From_Account": "alice", "To_Account": []string{"bob", "dave", "carol", "nobody"}, "CheckType": "CheckResult_Type_Both"})
	want := []string{"CheckResult_Type_BothWay", "CheckResult_Type_BWithA", "CheckResult_Type_BothWay", ""}
	for i, it := range out["InfoItem"].([]any) {
		if it.(map[string]any)["Relation"] != want[i] {
			t.Fatalf("item %d: %v", i, it)
		}
	}
	if out["Fail_Account"].([]any)[0] != "nobody" {
		t.Fatalf("Fail_Account: %v", out)
	}
	single := e.mustOK(friendCheck, map[string]any{"From_Account": "alice", "To_Account": []string{"dave"}, "CheckType": "CheckResult_Type_Single"})
	if single["InfoItem"].([]any)[0].(map[string]any)["Relation"] != "CheckResult_Type_NoRelation" {
		t.Fatalf("single: %v", single)
	}
	many := make([]string, MaxFriendChecks+1)
	for i := range many {
		many[i] = "bob"
	}
	e.wantCode(friendCheck, map[string]any{"From_Account": "alice", "To_Account": many, "CheckType": "CheckResult_Type_Both"}, 30001)
	e.wantCode(friendCheck, map[string]any{"From_Account": "alice", "To_Account": []string{"bob"}}, 30001)
	e.wantCode(friendCheck, map[string]any{"From_Account": "alice", "To_Account": []string{}, "CheckType": "CheckResult_Type_Both"}, 30001)
}

func TestFriendUpdate(t *testing.T) {
	e := newEnv(t)
	seq := e.mustOK(listGet, map[string]any{"From_Account": "alice"})["CurrentSequence"]
	out := e.mustOK(friendUpdate, map[string]any{"From_Account": "alice", "UpdateItem": []any{
		map[string]any{"To_Account": "bob", "SnsItem": []any{snsTag("Tag_SNS_IM_Remark", "Bobby"), snsTag("Tag_SNS_IM_Group", []string{"Climbing"})}},
		map[string]any{"To_Account": "dave", "SnsItem": []any{snsTag("Tag_SNS_IM_Remark", "x")}},
	}})
	if out["Fail_Account"].([]any)[0] != "dave" || out["ResultItem"].([]any)[1].(map[string]any)["ResultCode"] != 32216.0 {
		t.Fatalf("friend_update: %v", out)
	}
	lists := e.mustOK(listGet, map[string]any{"From_Account": "alice", "NeedFriend": "Need_Friend_Type_Yes"})
	if lists["CurrentSequence"] == seq || !strings.Contains(fmt.Sprint(lists["ResultItem"]), "Climbing") {
		t.Fatalf("Tag_SNS_IM_Group did not make the list: %v", lists)
	}
	bob := e.mustOK(friendGet, map[string]any{"From_Account": "alice", "StartIndex": 0})["UserDataItem"].([]any)[0]
	if s := fmt.Sprint(bob); !strings.Contains(s, "Bobby") || !strings.Contains(s, "[Climbing]") {
		t.Fatalf("bob after update: %v", bob)
	}
	upd := func(items ...any) map[string]any {
		return map[string]any{"From_Account": "alice", "UpdateItem": items}
	}
	bobItem := func(tags ...any) any { return map[string]any{"To_Account": "bob", "SnsItem": tags} }
	for _, c := range []struct {
		name string
		body map[string]any
	}{
		{"remark over 96 bytes", upd(bobItem(snsTag("Tag_SNS_IM_Remark", strings.Repeat("r", 97))))},
		{"remark not a string", upd(bobItem(snsTag("Tag_SNS_IM_Remark", 1)))},
		{"lists not an array", upd(bobItem(snsTag("Tag_SNS_IM_Group", "Climbing")))},
		{"list name over 32 bytes", upd(bobItem(snsTag("Tag_SNS_IM_Group", []string{strings.Repeat("n", 33)})))},
		{"standard field not updatable", upd(bobItem(snsTag("Tag_SNS_IM_AddSource", "AddSource_Type_X")))},
		{"no SnsItem", upd(bobItem())},
		{"no UpdateItem", upd()},
	} {
		t.Run(c.name, func(t *testing.T) { e.wantCode(friendUpdate, c.body, 30001) })
	}
	many := make([]any, MaxFriendUpdates+1)
	for i := range many {
		many[i] = bobItem(snsTag("Tag_SNS_IM_Remark", "x"))
	}
	e.wantCode(friendUpdate, upd(many...), 30001)
	// More lists than 32 in all.
	names := make([]string, MaxFriendLists+1)
	for i := range names {
		names[i] = fmt.Sprint("L", i)
	}
	e.wantCode(friendUpdate, upd(bobItem(snsTag("Tag_SNS_IM_Group", names))), 30011)
}

func TestRecentList(t *testing.T) {
	e := newEnv(t)
	m := e.mock
	m.mu.Lock()
	alice := m.users["alice"]
	for i, k := range []convKey{{ConvC2C, "bob"}, {ConvGroup, "@TGS#public1"}, {ConvC2C, "carol"}} {
		c := alice.conv(k)
		c.recent, c.msgTime = true, int64(1000+i)
	}
	alice.conv(convKey{ConvC2C, "bob"}).top = true
	alice.conv(convKey{ConvC2C, "dave"}).recent = true // no message yet
	m.mu.Unlock()

	req := func(flags int) map[string]any {
		return map[string]any{"From_Account": "alice", "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": flags}
	}
	order := func(out map[string]any) string {
		var ids []string
		for _, it := range out["SessionItem"].([]any) {
			m := it.(map[string]any)
			ids = append(ids, fmt.Sprintf("%v/%v/%v", m["To_Account"], m["GroupId"], m["TopFlag"]))
		}
		return strings.Join(ids, " ")
	}
	if got := order(e.mustOK(recentList, req(0))); got != "carol/<nil>/<nil> <nil>/@TGS#public1/<nil> bob/<nil>/<nil>" {
		t.Fatalf("by time: %s", got)
	}
	if got := order(e.mustOK(recentList, req(3))); got != "bob/<nil>/1 carol/<nil>/0 <nil>/@TGS#public1/0 dave/<nil>/0" {
		t.Fatalf("pinned first, empty included: %s", got)
	}
	e.wantCode(recentList, map[string]any{"From_Account": "alice", "StartIndex": 0}, 50002)
	e.wantCode(recentList, req(8), 50002)
	bad := req(0)
	bad["From_Account"] = "nobody"
	e.wantCode(recentList, bad, 50001)
	// Any edition.
	e.mock.SetBasic(true)
	e.mustOK(recentList, req(7))
}
