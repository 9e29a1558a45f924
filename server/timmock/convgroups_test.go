package timmock

import (
	"fmt"
	"strings"
	"testing"
)

const (
	createCG = "recentcontact/create_contact_group"
	updateCG = "recentcontact/update_contact_group"
	delCG    = "recentcontact/del_contact_group"
	getCG    = "recentcontact/get_contact_group"
	searchCG = "recentcontact/search_contact_group"
	markC    = "recentcontact/mark_contact"
)

func createBody(user, name string, items ...map[string]any) map[string]any {
	return map[string]any{"From_Account": user, "GroupContactItem": []any{map[string]any{"GroupName": name, "ContactItem": items}}}
}

func c2c(to string) map[string]any  { return map[string]any{"Type": 1, "To_Account": to} }
func grpC(to string) map[string]any { return map[string]any{"Type": 2, "ToGroupId": to} }

func TestConversationGroupsHappyPath(t *testing.T) {
	e := newEnv(t)
	out := e.mustOK(createCG, createBody("alice", "Friends", c2c("bob")))
	res := out["GroupResultItem"].([]any)[0].(map[string]any)
	if gi := res["GroupItem"].(map[string]any); gi["GroupId"].(float64) != 1 || gi["GroupName"] != "Friends" {
		t.Fatalf("create: %v", res)
	}
	out = e.mustOK(createCG, createBody("alice", "Work", grpC("@TGS#work1")))
	if id := out["GroupResultItem"].([]any)[0].(map[string]any)["GroupItem"].(map[string]any)["GroupId"].(float64); id != 2 {
		t.Fatalf("second id %v", id)
	}
	// Rename, then add and remove conversations.
	out = e.mustOK(updateCG, map[string]any{"From_Account": "alice", "UpdateType": 1, "UpdateGroup": map[string]any{
		"UpdateGroupType": 1, "OldGroupName": "Friends", "NewGroupName": "Close friends"}})
	if r := out["UpdateGroupResult"].(map[string]any); r["GroupName"] != "Close friends" || r["OldGroupName"] != "Friends" || r["GroupId"].(float64) != 1 {
		t.Fatalf("rename: %v", r)
	}
	e.mustOK(updateCG, map[string]any{"From_Account": "alice", "UpdateType": 1, "UpdateGroup": map[string]any{
		"UpdateGroupType": 2, "OldGroupName": "Close friends", "ContactUpdateItem": []any{
			map[string]any{"ContactOptType": 1, "ContactItem": c2c("carol")},
			map[string]any{"ContactOptType": 2, "ContactItem": c2c("bob")},
			map[string]any{"ContactOptType": 2, "ContactItem": c2c("dave")}, // not in it: fine
		}}})
	out = e.mustOK(getCG, map[string]any{"From_Account": "alice", "StartIndex": 0})
	if out["CompleteFlag"].(float64) != 1 || len(out["GroupItem"].([]any)) != 2 {
		t.Fatalf("get: %v", out)
	}
	items := out["ContactItem"].([]any)
	if len(items) != 2 {
		t.Fatalf("grouped conversations %v", items)
	}
	// search reports what get reports, for the conversations asked about.
	out = e.mustOK(searchCG, map[string]any{"From_Account": "alice", "ContactItem": []any{c2c("carol"), c2c("bob")}})
	found := out["ContactResultItem"].([]any)
	if ids := found[0].(map[string]any)["ContactGroupId"].([]any); len(ids) != 1 || ids[0].(float64) != 1 {
		t.Fatalf("search carol: %v", found[0])
	}
	if _, has := found[1].(map[string]any)["ContactGroupId"]; has {
		t.Fatalf("search bob (removed): %v", found[1])
	}
	// Delete: the group goes, and ids are not reused.
	out = e.mustOK(delCG, map[string]any{"From_Account": "alice", "GroupName": []string{"Work"}})
	if gi := out["GroupItem"].([]any)[0].(map[string]any); gi["GroupId"].(float64) != 2 {
		t.Fatalf("delete: %v", out)
	}
	out = e.mustOK(createCG, createBody("alice", "Work again"))
	if id := out["GroupResultItem"].([]any)[0].(map[string]any)["GroupItem"].(map[string]any)["GroupId"].(float64); id != 3 {
		t.Fatalf("id after delete %v", id)
	}
}

func TestConversationGroupErrors(t *testing.T) {
	e := newEnv(t)
	e.mustOK(createCG, createBody("alice", "Existing"))
	for _, c := range []struct {
		name string
		cmd  string
		body map[string]any
		want int
	}{
		{"name 32 bytes", createCG, createBody("alice", strings.Repeat("n", 32)), 0},
		{"name 33 bytes", createCG, createBody("alice", strings.Repeat("n", 33)), 51011},
		{"name 11 Chinese characters", createCG, createBody("alice", strings.Repeat("组", 11)), 51011},
		{"duplicate name", createCG, createBody("alice", "Existing"), 50002},
		{"two groups in one create", createCG, map[string]any{"From_Account": "alice", "GroupContactItem": []any{
			map[string]any{"GroupName": "a"}, map[string]any{"GroupName": "b"}}}, 50002},
		{"user not imported", createCG, createBody("nobody", "x"), 50001},
		{"bad contact item", createCG, createBody("alice", "x", map[string]any{"Type": 3, "To_Account": "bob"}), 50002},
		{"one-to-one item without To_Account", createCG, createBody("alice", "x", map[string]any{"Type": 1, "ToGroupId": "@TGS#work1"}), 50002},
		{"update without UpdateType", updateCG, map[string]any{"From_Account": "alice", "UpdateGroup": map[string]any{
			"UpdateGroupType": 1, "OldGroupName": "Existing", "NewGroupName": "x"}}, 50002},
		{"rename unknown group", updateCG, map[string]any{"From_Account": "alice", "UpdateType": 1, "UpdateGroup": map[string]any{
			"UpdateGroupType": 1, "OldGroupName": "Nope", "NewGroupName": "x"}}, 51009},
		{"rename to 33 bytes", updateCG, map[string]any{"From_Account": "alice", "UpdateType": 1, "UpdateGroup": map[string]any{
			"UpdateGroupType": 1, "OldGroupName": "Existing", "NewGroupName": strings.Repeat("n", 33)}}, 51011},
		{"update type 2", updateCG, map[string]any{"From_Account": "alice", "UpdateType": 2, "UpdateGroup": map[string]any{
			"UpdateGroupType": 1, "OldGroupName": "Existing", "NewGroupName": "x"}}, 50002},
		{"delete unknown group", delCG, map[string]any{"From_Account": "alice", "GroupName": []string{"Nope"}}, 51009},
		{"delete two groups", delCG, map[string]any{"From_Account": "alice", "GroupName": []string{"Existing", "x"}}, 50002},
		{"get without StartIndex", getCG, map[string]any{"From_Account": "alice"}, 50002},
		{"search 301 items", searchCG, map[string]any{"From_Account": "alice", "ContactItem": manyC2C(301)}, 50002},
		{"mark nothing", markC, map[string]any{"From_Account": "alice", "MarkItem": []any{}}, 51006},
		{"mark 101 conversations", markC, map[string]any{"From_Account": "alice", "MarkItem": manyMarks(101)}, 51006},
		{"mark position 64", markC, map[string]any{"From_Account": "alice", "MarkItem": []any{
			map[string]any{"OptType": 1, "ContactItem": c2c("bob"), "SetMark": []int{64}}}}, 50002},
		{"custom mark 257 bytes", markC, map[string]any{"From_Account": "alice", "MarkItem": []any{
			map[string]any{"OptType": 2, "ContactItem": c2c("bob"), "CustomMark": strings.Repeat("m", 257)}}}, 50002},
	} {
		t.Run(c.name, func(t *testing.T) { e.wantCode(c.cmd, c.body, c.want) })
	}
}

func manyC2C(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = c2c(fmt.Sprintf("user%04d", i))
	}
	return out
}

func manyMarks(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"OptType": 1, "ContactItem": c2c(fmt.Sprintf("user%04d", i)), "SetMark": []int{1}}
	}
	return out
}

func TestConversationGroupCap(t *testing.T) {
	e := newEnv(t)
	for i := range 20 {
		e.mustOK(createCG, createBody("alice", fmt.Sprintf("g%d", i)))
	}
	e.wantCode(createCG, createBody("alice", "g20"), 51010)
	// Another user has a budget of their own.
	e.mustOK(createCG, createBody("bob", "g0"))
}

// At most 1000 conversations carry a group or a mark, counted together.
func TestThousandConversationCap(t *testing.T) {
	e := newEnv(t)
	for i := range 10 { // 10 groups × 99 conversations = 990
		items := make([]map[string]any, 99)
		for j := range items {
			items[j] = c2c(fmt.Sprintf("u%03d-%02d", i, j))
		}
		e.mustOK(createCG, createBody("alice", fmt.Sprintf("g%d", i), items...))
	}
	// 10 marks bring it to exactly 1000.
	e.mustOK(markC, map[string]any{"From_Account": "alice", "MarkItem": manyMarks(10)})
	out := e.wantCode(markC, map[string]any{"From_Account": "alice", "MarkItem": []any{
		map[string]any{"OptType": 1, "ContactItem": c2c("one-more"), "SetMark": []int{1}}}}, 51008)
	_ = out
	e.wantCode(createCG, createBody("alice", "over", c2c("one-more")), 51008)
	// A conversation already counted can be marked again.
	e.mustOK(markC, map[string]any{"From_Account": "alice", "MarkItem": []any{
		map[string]any{"OptType": 1, "ContactItem": c2c("user0000"), "SetMark": []int{2}}}})
	// get pages by 100.
	out = e.mustOK(getCG, map[string]any{"From_Account": "alice", "StartIndex": 0})
	if len(out["ContactItem"].([]any)) != 100 || out["CompleteFlag"].(float64) != 0 || out["NextStartIndex"].(float64) != 100 {
		t.Fatalf("first page: flag %v next %v n %d", out["CompleteFlag"], out["NextStartIndex"], len(out["ContactItem"].([]any)))
	}
	out = e.mustOK(getCG, map[string]any{"From_Account": "alice", "StartIndex": 900})
	if len(out["ContactItem"].([]any)) != 100 || out["CompleteFlag"].(float64) != 1 {
		t.Fatalf("last page: %v", out["CompleteFlag"])
	}
}

func TestMarks(t *testing.T) {
	e := newEnv(t)
	out := e.mustOK(markC, map[string]any{"From_Account": "alice", "MarkItem": []any{
		map[string]any{"OptType": 3, "ContactItem": c2c("bob"), "SetMark": []int{0, 3}, "CustomMark": "vip"}}})
	if r := out["ResultItem"].([]any)[0].(map[string]any); code(map[string]any{"ErrorCode": r["ResultCode"]}) != 0 {
		t.Fatalf("mark: %v", out)
	}
	got := e.mustOK(searchCG, map[string]any{"From_Account": "alice", "ContactItem": []any{c2c("bob")}})
	item := got["ContactResultItem"].([]any)[0].(map[string]any)
	if item["StandardMark"] != "1001" || item["CustomMark"] != "vip" {
		t.Fatalf("marks: %v", item)
	}
	e.mustOK(markC, map[string]any{"From_Account": "alice", "MarkItem": []any{
		map[string]any{"OptType": 1, "ContactItem": c2c("bob"), "ClearMark": []int{0}}}})
	got = e.mustOK(searchCG, map[string]any{"From_Account": "alice", "ContactItem": []any{c2c("bob")}})
	if item := got["ContactResultItem"].([]any)[0].(map[string]any); item["StandardMark"] != "1000" {
		t.Fatalf("after clear: %v", item)
	}
}

// A basic-edition app is refused conversation groups and marks.
func TestBasicEdition(t *testing.T) {
	e := newEnv(t)
	e.mock.SetBasic(true)
	e.wantCode(createCG, createBody("alice", "x"), 51013)
	e.wantCode(getCG, map[string]any{"From_Account": "alice", "StartIndex": 0}, 51013)
	e.wantCode(markC, map[string]any{"From_Account": "alice", "MarkItem": manyMarks(1)}, 51013)
	e.mock.SetBasic(false)
	e.mustOK(createCG, createBody("alice", "x"))
}

// A basic-edition app is refused marks of either kind (the newest pages:
// "Conversation grouping and marking features require enabling Pro
// Edition, Pro Plus Edition or Enterprise Edition"), so it is never sent a
// mark it could not read back; the demo data seeds such an app without
// conversation groups or marks.
func TestBasicEditionMarksNothing(t *testing.T) {
	e := newEnv(t)
	e.mock.SetBasic(true)
	e.wantCode(markC, map[string]any{"From_Account": "alice", "MarkItem": []any{
		map[string]any{"OptType": 2, "ContactItem": c2c("bob"), "CustomMark": "vip"}}}, 51013)
	e.wantCode(markC, map[string]any{"From_Account": "alice", "MarkItem": []any{
		map[string]any{"OptType": 3, "ContactItem": c2c("bob"), "SetMark": []int{1}, "CustomMark": "vip"}}}, 51013)

	m := New(Options{SDKAppID: testAppID, SecretKey: testKey, Basic: true})
	defer m.Close()
	if err := m.Seed(Demo()); err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	alice := m.users["alice"]
	if len(alice.convGroups) != 0 {
		t.Fatalf("basic edition seeded conversation groups: %v", alice.convGroups)
	}
	for _, c := range alice.convs {
		if c.marks != 0 || c.custom != "" {
			t.Fatalf("basic edition seeded a mark: %+v", c)
		}
	}
}

// A ContactItem's Type decides which field names the conversation; the
// other field, when sent as well, is ignored (a public SDK's tests against
// the live service send a one-to-one item with a ToGroupId too).
func TestContactItemIgnoresTheOtherField(t *testing.T) {
	e := newEnv(t)
	both := map[string]any{"Type": 1, "To_Account": "bob", "ToGroupId": "group1"}
	out := e.mustOK(createCG, createBody("alice", "Both", both))
	res := out["GroupResultItem"].([]any)[0].(map[string]any)["ResultItem"].([]any)[0].(map[string]any)
	item := res["ContactItem"].(map[string]any)
	if code := res["ResultCode"].(float64); code != 0 || item["To_Account"] != "bob" || item["ToGroupId"] != nil {
		t.Fatalf("result item %v", res)
	}
	e.mustOK(markC, map[string]any{"From_Account": "alice", "MarkItem": []any{map[string]any{
		"OptType": 1, "ContactItem": map[string]any{"Type": 2, "ToGroupId": "@TGS#work1", "To_Account": "bob"}, "SetMark": []int{0}}}})
	out = e.mustOK(searchCG, map[string]any{"From_Account": "alice", "ContactItem": []any{map[string]any{"Type": 1, "To_Account": "bob", "ToGroupId": "123"}}})
	if len(out["ContactResultItem"].([]any)) != 1 {
		t.Fatalf("search: %v", out)
	}
}

// StandardMark is the set positions written as a binary number, position 0
// the rightmost digit and no leading zeros. The page's mark_contact sample
// (SetMark [1,2,3] on user0's conversation with user1) reads back as
// "1110"; the "111001" of the get_contact_group sample, for other
// conversations, is positions 0, 3, 4 and 5. A live answer quoted in a
// public SDK's tests, "1" and 34 zeros, is position 34 alone.
func TestStandardMarkString(t *testing.T) {
	e := newEnv(t)
	e.mustOK(markC, map[string]any{"From_Account": "alice", "MarkItem": []any{map[string]any{
		"OptType": 3, "ContactItem": c2c("bob"), "SetMark": []int{1, 2, 3}, "CustomMark": "abcd"}}})
	e.mustOK(markC, map[string]any{"From_Account": "alice", "MarkItem": []any{map[string]any{
		"OptType": 1, "ContactItem": c2c("carol"), "SetMark": []int{0, 3, 4, 5}}}})
	e.mustOK(markC, map[string]any{"From_Account": "alice", "MarkItem": []any{map[string]any{
		"OptType": 1, "ContactItem": grpC("@TGS#public1"), "SetMark": []int{34}}}})
	out := e.mustOK(getCG, map[string]any{"From_Account": "alice", "StartIndex": 0})
	got := map[string]string{}
	for _, it := range out["ContactItem"].([]any) {
		m := it.(map[string]any)
		to, _ := m["To_Account"].(string)
		if g, ok := m["ToGroupId"].(string); ok {
			to = g
		}
		got[to] = m["StandardMark"].(string)
	}
	want := map[string]string{"bob": "1110", "carol": "111001", "@TGS#public1": "1" + strings.Repeat("0", 34)}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: StandardMark %q, want %q", k, got[k], v)
		}
	}
}
