package tim

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/timmock"
)

// Every operation round-trips through the mock, with its main error paths.
func TestGroupAttributeOps(t *testing.T) {
	c, _, ft := newMockClient(t)
	ctx := context.Background()
	g := "@TGS#_trailhead"
	attrs, err := c.GetGroupAttr(ctx, g)
	if err != nil || len(attrs) != 4 || attrs[0].Key != "welcome" {
		t.Fatalf("GetGroupAttr = %v, %v", attrs, err)
	}
	if err := c.ModifyGroupAttr(ctx, g, []Attr{{"season", "winter"}, {"新", "值"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteGroupAttr(ctx, g, []string{"新"}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetGroupAttr(ctx, g, []Attr{{"only", "one"}}); err != nil {
		t.Fatal(err)
	}
	attrs, _ = c.GetGroupAttr(ctx, g)
	if !slices.Equal(attrs, []Attr{{"only", "one"}}) {
		t.Fatalf("after set: %v", attrs)
	}
	ft.Sleep(ctx, time.Second)
	if err := c.ClearGroupAttr(ctx, "@TGS#2J4SZEAEL"); err != nil {
		t.Fatal(err)
	}
	if attrs, _ := c.GetGroupAttr(ctx, "@TGS#2J4SZEAEL"); attrs == nil || len(attrs) != 0 {
		t.Fatalf("after clear: %#v", attrs)
	}

	_, err = c.GetGroupAttr(ctx, "@TGS#nothere")
	wantKind(t, err, KindNotFound, 10010)
	e := wantKind(t, c.ModifyGroupAttr(ctx, "@TGS#work", []Attr{{strings.Repeat("k", 33), "v"}}), KindNotFound, 10010)
	_ = e
	e = wantKind(t, c.ModifyGroupAttr(ctx, "@TGS#aC5SZEAEF", []Attr{{strings.Repeat("k", 33), "v"}}), KindInvalid, 10045)
	if e.Field != "key" || e.Meaning == "" {
		t.Fatalf("field %q meaning %q", e.Field, e.Meaning)
	}
	wantKind(t, c.DeleteGroupAttr(ctx, "@TGS#aC5SZEAEF", []string{"nope"}), KindNotFound, 10050)
	wantKind(t, c.ClearGroupAttr(ctx, "@TGS#_yuexiang"), KindPermission, 10007)
	wantKind(t, c.SetGroupAttr(ctx, "@TGS#aC5SZEAEF", []Attr{{"k", strings.Repeat("v", 4001)}}), KindInvalid, 10046)
}

func TestGroupOps(t *testing.T) {
	c, _, _ := newMockClient(t)
	ctx := context.Background()
	list, err := c.GetAppIDGroupList(ctx, GetAppIDGroupListRequest{Limit: 4})
	if err != nil || len(list.GroupIDList) != 4 || list.Next == 0 || list.TotalCount != 9 {
		t.Fatalf("GetAppIDGroupList = %+v, %v", list, err)
	}
	// The next page waits for Tencent's 1 call per second instead of failing.
	list, err = c.GetAppIDGroupList(ctx, GetAppIDGroupListRequest{Limit: 4, Next: list.Next, GroupType: "Community"})
	if err != nil || list.TotalCount != 3 {
		t.Fatalf("second page = %+v, %v", list, err)
	}
	info, err := c.GetGroupInfo(ctx, GetGroupInfoRequest{GroupIDList: []string{"@TGS#_trailhead", "@TGS#none"}})
	if err != nil || info.GroupInfo[0].Type != "Community" || info.GroupInfo[0].MemberNum != 6 || info.GroupInfo[1].ErrorCode != 10010 {
		t.Fatalf("GetGroupInfo = %+v, %v", info, err)
	}
	id, err := c.CreateGroup(ctx, CreateGroupRequest{Type: "Public", Name: "New group", OwnerAccount: "alice"})
	if err != nil || !strings.HasPrefix(id, "@TGS#") {
		t.Fatalf("CreateGroup = %q, %v", id, err)
	}
	_, err = c.CreateGroup(ctx, CreateGroupRequest{Type: "Public", Name: "x", GroupID: id})
	wantKind(t, err, KindConflict, 10021)
	_, err = c.GetGroupInfo(ctx, GetGroupInfoRequest{})
	wantKind(t, err, KindInvalid, 10004)
}

func TestConversationGroupOps(t *testing.T) {
	c, m, _ := newMockClient(t)
	ctx := context.Background()
	created, err := c.CreateContactGroup(ctx, "bob", "Friends", []ContactItem{{Type: ConvC2C, ToAccount: "alice"}})
	if err != nil || created.GroupResultItem[0].GroupItem.GroupID != 1 {
		t.Fatalf("CreateContactGroup = %+v, %v", created, err)
	}
	up, err := c.UpdateContactGroup(ctx, UpdateContactGroupRequest{FromAccount: "bob", UpdateGroupType: UpdateRename, OldGroupName: "Friends", NewGroupName: "友達"})
	if err != nil || up.UpdateGroupResult.GroupName != "友達" {
		t.Fatalf("rename = %+v, %v", up, err)
	}
	up, err = c.UpdateContactGroup(ctx, UpdateContactGroupRequest{FromAccount: "bob", UpdateGroupType: UpdateConversations, OldGroupName: "友達",
		Items: []ContactUpdate{{ContactAdd, ContactItem{Type: ConvGroup, ToGroupID: "@TGS#2J4SZEAEL"}}}})
	if err != nil || len(up.UpdateGroupResult.ContactResultItem) != 1 {
		t.Fatalf("add = %+v, %v", up, err)
	}
	marks, err := c.MarkContact(ctx, "bob", []MarkItem{{OptType: MarkStandard, ContactItem: ContactItem{Type: ConvC2C, ToAccount: "alice"}, SetMark: []int{1}}})
	if err != nil || len(marks) != 1 || marks[0].ResultCode != 0 {
		t.Fatalf("MarkContact = %+v, %v", marks, err)
	}
	page, err := c.GetContactGroup(ctx, "bob", 0)
	if err != nil || page.CompleteFlag != 1 || len(page.GroupItem) != 1 || len(page.ContactItem) != 2 {
		t.Fatalf("GetContactGroup = %+v, %v", page, err)
	}
	found, err := c.SearchContactGroup(ctx, "bob", []ContactItem{{Type: ConvC2C, ToAccount: "alice"}})
	if err != nil || found.ContactResultItem[0].StandardMark != "10" || !slices.Equal(found.ContactResultItem[0].ContactGroupID, []int{1}) {
		t.Fatalf("SearchContactGroup = %+v, %v", found, err)
	}
	deleted, err := c.DelContactGroup(ctx, "bob", "友達")
	if err != nil || deleted[0].GroupID != 1 {
		t.Fatalf("DelContactGroup = %+v, %v", deleted, err)
	}
	_, err = c.DelContactGroup(ctx, "bob", "友達")
	wantKind(t, err, KindNotFound, 51009)
	_, err = c.CreateContactGroup(ctx, "nobody", "x", nil)
	wantKind(t, err, KindNotFound, 50001)
	_, err = c.CreateContactGroup(ctx, "bob", strings.Repeat("名", 11), nil)
	wantKind(t, err, KindInvalid, 51011)
	m.SetBasic(true)
	_, err = c.GetContactGroup(ctx, "bob", 0)
	wantKind(t, err, KindPermission, 51013)
}

func TestFriendListOps(t *testing.T) {
	c, _, _ := newMockClient(t)
	ctx := context.Background()
	added, err := c.AddFriendLists(ctx, "alice", []string{"Climbing"}, []string{"bob", "wang_fang"})
	if err != nil || !slices.Equal(added.FailAccount, []string{"wang_fang"}) || added.ResultItem[1].ResultCode != 32216 || added.CurrentSequence == 0 {
		t.Fatalf("AddFriendLists = %+v, %v", added, err)
	}
	lists, err := c.GetFriendLists(ctx, FriendListGetRequest{FromAccount: "alice", NeedFriend: true})
	if err != nil || lists.CurrentSequence != added.CurrentSequence {
		t.Fatalf("GetFriendLists = %+v, %v", lists, err)
	}
	var climbing *FriendList
	for i := range lists.ResultItem {
		if lists.ResultItem[i].GroupName == "Climbing" {
			climbing = &lists.ResultItem[i]
		}
	}
	if climbing == nil || !slices.Equal(climbing.ToAccount, []string{"bob"}) {
		t.Fatalf("Climbing = %+v", climbing)
	}
	seq, err := c.DeleteFriendLists(ctx, "alice", []string{"Climbing"})
	if err != nil || seq != added.CurrentSequence+1 {
		t.Fatalf("DeleteFriendLists = %d, %v", seq, err)
	}
	_, err = c.DeleteFriendLists(ctx, "alice", []string{"Climbing"})
	wantKind(t, err, KindInvalid, 30001)
	_, err = c.AddFriendLists(ctx, "nobody", []string{"x"}, nil)
	wantKind(t, err, KindNotFound, 30003)
}

func TestAccountAndSeedingOps(t *testing.T) {
	c, _, _ := newMockClient(t)
	ctx := context.Background()
	if err := c.AccountImport(ctx, "newbie", "New 新人"); err != nil {
		t.Fatal(err)
	}
	failed, err := c.MultiAccountImport(ctx, []string{"n1", "n2", "bad id"})
	if err != nil || !slices.Equal(failed, []string{"bad id"}) {
		t.Fatalf("MultiAccountImport = %v, %v", failed, err)
	}
	st, err := c.AccountCheck(ctx, []string{"newbie", "ghost"})
	if err != nil || st[0].AccountStatus != "Imported" || st[1].AccountStatus != "NotImported" {
		t.Fatalf("AccountCheck = %+v, %v", st, err)
	}
	res, err := c.FriendAdd(ctx, "newbie", []FriendItem{{ToAccount: "n1", AddSource: "AddSource_Type_Panel", Lists: []string{"Pals"}}}, true)
	if err != nil || len(res.FailAccount) != 0 {
		t.Fatalf("FriendAdd = %+v, %v", res, err)
	}
	res, err = c.FriendImport(ctx, "n2", []FriendItem{{ToAccount: "newbie", AddSource: "AddSource_Type_Panel", Lists: []string{"A", "B"}}})
	if err != nil || len(res.FailAccount) != 0 {
		t.Fatalf("FriendImport = %+v, %v", res, err)
	}
	err = c.AccountImport(ctx, "", "")
	wantKind(t, err, KindInvalid, 70402)
	_, err = c.FriendAdd(ctx, "newbie", []FriendItem{{ToAccount: "n2", AddSource: "web"}}, false)
	wantKind(t, err, KindInvalid, 30001)
}

// get_appid_group_list's type filter goes out as GroupType, the documented
// name; Tencent ignores "Type", which some public SDKs send.
func TestAppIDGroupListSendsGroupType(t *testing.T) {
	var sent map[string]any
	_, url := startMock(t, timmock.Options{
		Observe: func(cmd string, body []byte) {
			if cmd == "get_appid_group_list" {
				_ = json.Unmarshal(body, &sent)
			}
		}})
	c := testClient(t, Config{BaseURL: url})
	list, err := c.GetAppIDGroupList(context.Background(), GetAppIDGroupListRequest{GroupType: "Community"})
	if err != nil {
		t.Fatal(err)
	}
	if sent["GroupType"] != "Community" || sent["Type"] != nil {
		t.Fatalf("sent %v", sent)
	}
	if list.TotalCount == 0 || list.TotalCount >= 9 {
		t.Fatalf("filtered to Community: %+v", list)
	}
}

// get_role_in_group tells the owner, admins, members and others apart.
func TestGetRoleInGroup(t *testing.T) {
	c, _, _ := newMockClient(t)
	roles, err := c.GetRoleInGroup(context.Background(), "@TGS#_trailhead", []string{"alice", "carmen", "bob", "zhang_wei"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"alice": RoleOwner, "carmen": RoleAdmin, "bob": RoleMember, "zhang_wei": RoleNotMember}
	if !maps.Equal(roles, want) {
		t.Fatalf("roles %v, want %v", roles, want)
	}
}

// The calls the friends and conversation-list pages use round-trip through
// the mock.
func TestFriendOps(t *testing.T) {
	c, _, _ := newMockClient(t)
	ctx := context.Background()

	page, err := c.GetFriends(ctx, "alice", 0)
	if err != nil || page.CompleteFlag != 1 || page.FriendNum != len(page.UserDataItem) || page.FriendNum < 4 {
		t.Fatalf("GetFriends = %+v, %v", page, err)
	}
	var carmen *FriendData
	for i, f := range page.UserDataItem {
		if f.ToAccount == "carmen" {
			carmen = &page.UserDataItem[i]
		}
	}
	if carmen == nil || !slices.Equal(carmen.Lists(), []string{"Hiking buddies", "Family"}) {
		t.Fatalf("carmen = %+v", carmen)
	}

	check, err := c.CheckFriends(ctx, "alice", []string{"bob", "wang_fang", "nobody"}, true)
	if err != nil || len(check.InfoItem) != 3 || check.InfoItem[0].Relation != "CheckResult_Type_BothWay" ||
		check.InfoItem[1].Relation != "CheckResult_Type_NoRelation" || !slices.Equal(check.FailAccount, []string{"nobody"}) {
		t.Fatalf("CheckFriends = %+v, %v", check, err)
	}

	remark := "climbing partner"
	res, err := c.UpdateFriends(ctx, "alice", []FriendUpdate{
		{ToAccount: "carmen", Remark: &remark, Lists: []string{"Family", "Climbing"}},
		{ToAccount: "wang_fang", Lists: []string{}},
	})
	if err != nil || len(res.ResultItem) != 2 || res.ResultItem[0].ResultCode != 0 || !slices.Equal(res.FailAccount, []string{"wang_fang"}) {
		t.Fatalf("UpdateFriends = %+v, %v", res, err)
	}
	page, _ = c.GetFriends(ctx, "alice", 0)
	for _, f := range page.UserDataItem {
		if f.ToAccount == "carmen" && (f.Remark() != remark || !slices.Equal(f.Lists(), []string{"Family", "Climbing"})) {
			t.Fatalf("after update: %+v", f)
		}
	}
	lists, err := c.GetFriendLists(ctx, FriendListGetRequest{FromAccount: "alice", NeedFriend: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lists.ResultItem {
		if l.GroupName == "Hiking buddies" && slices.Contains(l.ToAccount, "carmen") {
			t.Fatalf("carmen still in Hiking buddies: %+v", l)
		}
	}

	_, err = c.GetFriends(ctx, "nobody", 0)
	wantKind(t, err, KindNotFound, 30003)
	long := string(make([]byte, 97))
	_, err = c.UpdateFriends(ctx, "alice", []FriendUpdate{{ToAccount: "bob", Remark: &long}})
	wantKind(t, err, KindInvalid, 30001)
}

func TestRecentListOp(t *testing.T) {
	c, _, _ := newMockClient(t)
	ctx := context.Background()
	list, err := c.GetRecentList(ctx, RecentListRequest{FromAccount: "alice", AssistFlags: 7})
	if err != nil || list.CompleteFlag != 1 || len(list.SessionItem) != 5 {
		t.Fatalf("GetRecentList = %+v, %v", list, err)
	}
	first := list.SessionItem[0]
	if first.ToAccount != "bob" || first.TopFlag != 1 || first.Type != 1 {
		t.Fatalf("pinned conversation first: %+v", list.SessionItem)
	}
	if g := list.SessionItem[3]; g.Type != 2 || g.GroupID != "@TGS#_trailhead" || list.SessionItem[1].ToAccount != "li_ming" || list.SessionItem[2].ToAccount != "carmen" {
		t.Fatalf("newest unpinned next: %+v", list.SessionItem)
	}
	_, err = c.GetRecentList(ctx, RecentListRequest{FromAccount: "nobody"})
	wantKind(t, err, KindNotFound, 50001)
}

// get_group_info's filter brings the member list and AppDefinedData.
func TestGroupInfoFilter(t *testing.T) {
	c, _, _ := newMockClient(t)
	ctx := context.Background()
	info, err := c.GetGroupInfo(ctx, GetGroupInfoRequest{GroupIDList: []string{"@TGS#aC5SZEAEF"},
		ResponseFilter: &ResponseFilter{GroupBaseInfoFilter: []string{"Name", "ShutUpAllMember"}, MemberInfoFilter: []string{"Role"}}})
	if err != nil || len(info.GroupInfo) != 1 {
		t.Fatalf("GetGroupInfo = %+v, %v", info, err)
	}
	g := info.GroupInfo[0]
	if g.Name == "" || g.MuteAllMember != "Off" || len(g.MemberList) == 0 || g.MemberList[0].Role == "" || g.Type != "" {
		t.Fatalf("filtered info: %+v", g)
	}
	_, err = c.GetGroupInfo(ctx, GetGroupInfoRequest{GroupIDList: []string{"@TGS#aC5SZEAEF"},
		ResponseFilter: &ResponseFilter{GroupBaseInfoFilter: []string{"Nmae"}}})
	wantKind(t, err, KindInvalid, 10004)
}

// Reads are repeatable; friend_update sets values, so it is repeatable too,
// but it changes state.
func TestNewOpsRetryClass(t *testing.T) {
	for _, c := range []struct {
		o                   op
		repeatable, mutates bool
	}{
		{opFriendGet, true, false},
		{opFriendCheck, true, false},
		{opRecentList, true, false},
		{opFriendUpdate, true, true},
	} {
		if c.o.repeatable != c.repeatable || c.o.mutates != c.mutates || c.o.perSec != 200 {
			t.Errorf("%s: %+v", c.o.path, c.o)
		}
	}
}

// The client reads the mute fields under either name Tencent has used.
func TestGroupInfoReadsEitherMuteName(t *testing.T) {
	for _, body := range []string{
		`{"GroupId":"g","MuteAllMember":"On","MemberList":[{"Member_Account":"a","MuteUntil":42}]}`,
		`{"GroupId":"g","ShutUpAllMember":"On","MemberList":[{"Member_Account":"a","ShutUpUntil":42}]}`,
	} {
		var g GroupInfo
		if err := json.Unmarshal([]byte(body), &g); err != nil {
			t.Fatal(err)
		}
		if g.GroupID != "g" || g.MuteAllMember != "On" || len(g.MemberList) != 1 || g.MemberList[0].MuteUntil != 42 || g.MemberList[0].MemberAccount != "a" {
			t.Errorf("%s → %+v", body, g)
		}
	}
}
