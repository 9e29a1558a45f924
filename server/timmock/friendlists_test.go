package timmock

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const (
	listAdd = "sns/group_add"
	listDel = "sns/group_delete"
	listGet = "sns/group_get"
)

func seq(out map[string]any) int { return int(out["CurrentSequence"].(float64)) }

func TestFriendListsHappyPath(t *testing.T) {
	e := newEnv(t)
	start := seq(e.mustOK(listGet, map[string]any{"From_Account": "alice", "LastSequence": 0}))
	out := e.mustOK(listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{"Hiking", "Family"}, "To_Account": []string{"bob", "dave"}})
	if seq(out) != start+1 {
		t.Fatalf("CurrentSequence %d after %d", seq(out), start)
	}
	if fa := out["Fail_Account"].([]any); len(fa) != 1 || fa[0] != "dave" {
		t.Fatalf("Fail_Account %v", out["Fail_Account"])
	}
	items := out["ResultItem"].([]any)
	if r := items[1].(map[string]any); r["ResultCode"].(float64) != 32216 || r["ResultInfo"] != "Err_SNS_GroupAdd_ToTinyId_Not_Friend" {
		t.Fatalf("not a friend: %v", r)
	}
	// Without To_Account there is no ResultItem or Fail_Account.
	out = e.mustOK(listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{"Empty"}})
	if _, has := out["Fail_Account"]; has {
		t.Fatalf("Fail_Account when none failed: %v", out)
	}
	// Pull everything, with members.
	out = e.mustOK(listGet, map[string]any{"From_Account": "alice", "LastSequence": 0, "NeedFriend": "Need_Friend_Type_Yes"})
	lists := map[string][]string{}
	for _, it := range out["ResultItem"].([]any) {
		m := it.(map[string]any)
		var members []string
		for _, f := range asSlice(m["To_Account"]) {
			members = append(members, f.(string))
		}
		lists[m["GroupName"].(string)] = members
		if int(m["FriendNumber"].(float64)) != len(members) {
			t.Fatalf("FriendNumber %v vs %v", m["FriendNumber"], members)
		}
	}
	if !slices.Equal(lists["Hiking"], []string{"bob"}) || len(lists["Empty"]) != 0 {
		t.Fatalf("lists %v", lists)
	}
	// Nothing changed since: an empty answer.
	cur := seq(out)
	out = e.mustOK(listGet, map[string]any{"From_Account": "alice", "LastSequence": cur})
	if len(out["ResultItem"].([]any)) != 0 {
		t.Fatalf("unchanged: %v", out)
	}
	// By name.
	out = e.mustOK(listGet, map[string]any{"From_Account": "alice", "LastSequence": cur, "GroupName": []string{"Family"}})
	if it := out["ResultItem"].([]any)[0].(map[string]any); it["GroupName"] != "Family" || it["FriendNumber"].(float64) != 1 {
		t.Fatalf("by name: %v", it)
	}
	out = e.mustOK(listDel, map[string]any{"From_Account": "alice", "GroupName": []string{"Family", "Empty"}})
	if seq(out) != cur+1 {
		t.Fatalf("delete sequence %d", seq(out))
	}
	e.wantCode(listGet, map[string]any{"From_Account": "alice", "LastSequence": 0, "GroupName": []string{"Family"}}, 30001)
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func TestFriendListErrors(t *testing.T) {
	e := newEnv(t)
	e.mustOK(listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{"Existing"}})
	for _, c := range []struct {
		name string
		cmd  string
		body map[string]any
		want int
	}{
		{"name 30 bytes", listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{strings.Repeat("n", 30)}}, 0},
		{"name 31 bytes", listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{strings.Repeat("n", 31)}}, 30001},
		{"name of 10 Korean syllables (30 bytes)", listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{strings.Repeat("친", 10)}}, 0},
		{"name of 11 Korean syllables (33 bytes)", listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{strings.Repeat("친", 11)}}, 30001},
		{"empty name", listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{""}}, 30001},
		{"no names", listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{}}, 30001},
		{"existing name", listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{"Existing"}}, 30001},
		{"user does not exist", listAdd, map[string]any{"From_Account": "nobody", "GroupName": []string{"x"}}, 30003},
		{"no From_Account", listAdd, map[string]any{"GroupName": []string{"x"}}, 30001},
		{"delete unknown list", listDel, map[string]any{"From_Account": "alice", "GroupName": []string{"Nope"}}, 30001},
		{"get without LastSequence", listGet, map[string]any{"From_Account": "alice"}, 0},
		{"LastSequence as a string", listGet, map[string]any{"From_Account": "alice", "LastSequence": "0"}, 30001},
		{"bad NeedFriend", listGet, map[string]any{"From_Account": "alice", "LastSequence": 0, "NeedFriend": "yes"}, 30001},
	} {
		t.Run(c.name, func(t *testing.T) { e.wantCode(c.cmd, c.body, c.want) })
	}
}

func TestFriendListCap(t *testing.T) {
	e := newEnv(t)
	names := make([]string, 32)
	for i := range names {
		names[i] = fmt.Sprintf("list%d", i)
	}
	e.mustOK(listAdd, map[string]any{"From_Account": "bob", "GroupName": names})
	// Past 32 lists in all: 30011, and nothing is made.
	e.wantCode(listAdd, map[string]any{"From_Account": "bob", "GroupName": []string{"one more"}}, 30011)
	// More than 32 names in one call: the request is not valid (30001).
	e.wantCode(listAdd, map[string]any{"From_Account": "carol", "GroupName": append(names, "33rd")}, 30001)
	// friend_add and friend_import that would make a 33rd list: 30011.
	e.wantCode("sns/friend_import", map[string]any{"From_Account": "bob", "AddFriendItem": []any{
		map[string]any{"To_Account": "dave", "AddSource": "AddSource_Type_Test", "GroupName": []string{"33rd"}}}}, 30011)
	// Deleting one makes room again.
	e.mustOK(listDel, map[string]any{"From_Account": "bob", "GroupName": []string{"list0"}})
	e.mustOK(listAdd, map[string]any{"From_Account": "bob", "GroupName": []string{"one more"}})
}

func TestAccountsAndFriendsSeeding(t *testing.T) {
	e := newEnv(t)
	e.mustOK("im_open_login_svc/account_import", map[string]any{"UserID": "erin", "Nick": "Erin"})
	e.mustOK("im_open_login_svc/account_import", map[string]any{"UserID": "erin"}) // again: not an error
	e.wantCode("im_open_login_svc/account_import", map[string]any{"UserID": strings.Repeat("u", 33)}, 70402)
	e.wantCode("im_open_login_svc/account_import", map[string]any{"UserID": ""}, 70402)
	out := e.mustOK("im_open_login_svc/multiaccount_import", map[string]any{"Accounts": []string{"frank", "has space", "gina"}})
	if fa := out["FailAccounts"].([]any); len(fa) != 1 || fa[0] != "has space" {
		t.Fatalf("FailAccounts %v", out)
	}
	out = e.mustOK("im_open_login_svc/account_check", map[string]any{"CheckItem": []any{
		map[string]string{"UserID": "erin"}, map[string]string{"UserID": "zed"}}})
	items := out["ResultItem"].([]any)
	if items[0].(map[string]any)["AccountStatus"] != "Imported" || items[1].(map[string]any)["AccountStatus"] != "NotImported" {
		t.Fatalf("account_check %v", items)
	}
	many := make([]any, 101)
	for i := range many {
		many[i] = map[string]string{"UserID": fmt.Sprint(i)}
	}
	e.wantCode("im_open_login_svc/account_check", map[string]any{"CheckItem": many}, 70402)

	// friend_add both ways, into a list it creates; a repeat is a per-item failure.
	add := map[string]any{"From_Account": "erin", "AddType": "Add_Type_Both", "AddFriendItem": []any{
		map[string]any{"To_Account": "frank", "AddSource": "AddSource_Type_Test", "GroupName": "Pals"},
		map[string]any{"To_Account": "nobody", "AddSource": "AddSource_Type_Test"}}}
	out = e.mustOK("sns/friend_add", add)
	if fa := out["Fail_Account"].([]any); len(fa) != 1 || fa[0] != "nobody" {
		t.Fatalf("friend_add %v", out)
	}
	// Now frank can be put in erin's lists, and erin in frank's.
	e.mustOK(listAdd, map[string]any{"From_Account": "erin", "GroupName": []string{"Best"}, "To_Account": []string{"frank"}})
	out = e.mustOK(listAdd, map[string]any{"From_Account": "frank", "GroupName": []string{"Back"}, "To_Account": []string{"erin"}})
	if _, has := out["Fail_Account"]; has {
		t.Fatalf("friend_add Both was one-way: %v", out)
	}
	out = e.mustOK(listGet, map[string]any{"From_Account": "erin", "LastSequence": 0, "GroupName": []string{"Pals"}})
	if it := out["ResultItem"].([]any)[0].(map[string]any); it["FriendNumber"].(float64) != 1 {
		t.Fatalf("list made by friend_add: %v", it)
	}
	e.wantCode("sns/friend_add", map[string]any{"From_Account": "erin", "AddFriendItem": []any{
		map[string]any{"To_Account": "gina", "AddSource": "web"}}}, 30001)
	// friend_import is one way.
	e.mustOK("sns/friend_import", map[string]any{"From_Account": "gina", "AddFriendItem": []any{
		map[string]any{"To_Account": "erin", "AddSource": "AddSource_Type_Import", "GroupName": []string{"Imported"}}}})
	out = e.mustOK(listAdd, map[string]any{"From_Account": "erin", "GroupName": []string{"Gina"}, "To_Account": []string{"gina"}})
	if fa := out["Fail_Account"].([]any); len(fa) != 1 {
		t.Fatalf("friend_import made a two-way friendship: %v", out)
	}
}

// Tencent's current group_get page no longer has LastSequence: without it
// every list is returned, whatever the sequence; with it equal to
// CurrentSequence, nothing has changed and ResultItem is empty.
func TestFriendListGetWithoutLastSequence(t *testing.T) {
	e := newEnv(t)
	e.mustOK(listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{"A", "B"}, "To_Account": []string{"bob"}})
	out := e.mustOK(listGet, map[string]any{"From_Account": "alice", "NeedFriend": "Need_Friend_Type_Yes"})
	items := out["ResultItem"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["To_Account"].([]any)[0] != "bob" {
		t.Fatalf("without LastSequence: %v", out)
	}
	cur := out["CurrentSequence"]
	out = e.mustOK(listGet, map[string]any{"From_Account": "alice"})
	if len(out["ResultItem"].([]any)) != 2 {
		t.Fatalf("second call without LastSequence: %v", out)
	}
	out = e.mustOK(listGet, map[string]any{"From_Account": "alice", "LastSequence": cur})
	if len(out["ResultItem"].([]any)) != 0 {
		t.Fatalf("LastSequence == CurrentSequence: %v", out)
	}
}

// Moving a friend between lists is friend_update with the friend's whole
// set of lists (Tag_SNS_IM_Group): lists left out lose the friend and stay
// (empty lists are lists); deleting a list takes it out of every friend's
// Tag_SNS_IM_Group; friends stay friends throughout.
func TestFriendListMoves(t *testing.T) {
	e := newEnv(t)
	e.mustOK(listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{"A", "B", "C"}, "To_Account": []string{"bob"}})
	members := func() map[string][]string {
		out := map[string][]string{}
		for _, it := range e.mustOK(listGet, map[string]any{"From_Account": "alice", "NeedFriend": "Need_Friend_Type_Yes"})["ResultItem"].([]any) {
			m := it.(map[string]any)
			out[m["GroupName"].(string)] = []string{}
			for _, f := range asSlice(m["To_Account"]) {
				out[m["GroupName"].(string)] = append(out[m["GroupName"].(string)], f.(string))
			}
		}
		return out
	}
	tagGroup := func(friend string) string {
		for _, it := range e.mustOK(friendGet, map[string]any{"From_Account": "alice", "StartIndex": 0})["UserDataItem"].([]any) {
			m := it.(map[string]any)
			if m["To_Account"] != friend {
				continue
			}
			for _, v := range m["ValueItem"].([]any) {
				if tv := v.(map[string]any); tv["Tag"] == "Tag_SNS_IM_Group" {
					return fmt.Sprint(tv["Value"])
				}
			}
		}
		return "no such friend"
	}
	e.mustOK(friendUpdate, map[string]any{"From_Account": "alice", "UpdateItem": []any{
		map[string]any{"To_Account": "bob", "SnsItem": []any{snsTag("Tag_SNS_IM_Group", []string{"B", "C"})}},
		map[string]any{"To_Account": "carol", "SnsItem": []any{snsTag("Tag_SNS_IM_Group", []string{"A"})}}}})
	if m := members(); fmt.Sprint(m["A"], m["B"], m["C"]) != "[carol] [bob] [bob]" {
		t.Fatalf("after the move: %v", m)
	}
	if g := tagGroup("bob"); g != "[B C]" {
		t.Fatalf("bob's Tag_SNS_IM_Group %s", g)
	}
	e.mustOK(friendUpdate, map[string]any{"From_Account": "alice", "UpdateItem": []any{
		map[string]any{"To_Account": "bob", "SnsItem": []any{snsTag("Tag_SNS_IM_Group", []string{})}}}})
	if m := members(); len(m["B"]) != 0 || len(m["C"]) != 0 || len(m) != 3 {
		t.Fatalf("out of every list: %v", m)
	}
	e.mustOK(listDel, map[string]any{"From_Account": "alice", "GroupName": []string{"A"}})
	if g := tagGroup("carol"); g != "[]" {
		t.Fatalf("carol's lists after A was deleted: %s", g)
	}
	// A name of 31 bytes in Tag_SNS_IM_Group is refused like group_add's.
	e.wantCode(friendUpdate, map[string]any{"From_Account": "alice", "UpdateItem": []any{
		map[string]any{"To_Account": "bob", "SnsItem": []any{snsTag("Tag_SNS_IM_Group", []string{strings.Repeat("n", 31)})}}}}, 30001)
}

// 30008, Tencent's write conflict, is a fault: the call fails as a whole
// and nothing is made; the next call goes through.
func TestFriendListWriteConflictFault(t *testing.T) {
	e := newEnv(t)
	if err := e.mock.AddFault(Fault{Command: "group_add", Target: "alice", Kind: FaultError, ErrorCode: 30008, ErrorInfo: "Err_SNS_Write_Conflict", Times: 1}); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"From_Account": "alice", "GroupName": []string{"Late"}, "To_Account": []string{"bob"}}
	e.wantCode(listAdd, body, 30008)
	if out := e.mustOK(listGet, map[string]any{"From_Account": "alice"}); strings.Contains(fmt.Sprint(out["ResultItem"]), "Late") {
		t.Fatalf("a refused call made the list: %v", out)
	}
	e.mustOK(listAdd, body)
}
