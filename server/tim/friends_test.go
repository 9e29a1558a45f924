package tim

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
)

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
