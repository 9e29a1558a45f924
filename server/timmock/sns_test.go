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
		{"name 32 bytes", listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{strings.Repeat("n", 32)}}, 0},
		{"name 33 bytes", listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{strings.Repeat("n", 33)}}, 30001},
		{"name of 11 Korean syllables", listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{strings.Repeat("친", 11)}}, 30001},
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
	e.wantCode(listAdd, map[string]any{"From_Account": "bob", "GroupName": []string{"one more"}}, 30001)
	e.wantCode(listAdd, map[string]any{"From_Account": "carol", "GroupName": append(names, "33rd")}, 30001)
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
