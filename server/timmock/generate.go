package timmock

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Words for generated group names: a CJK place and activity, a Latin word
// and a number, so that a name holds substrings in both scripts, e.g.
// "北京读书会 Maple 48213" (at most 30 bytes, Tencent's limit).
var (
	genPlaces     = []string{"北京", "上海", "广州", "深圳", "成都", "杭州", "東京", "大阪", "京都", "서울", "부산", "台北", "香港", "南京", "武汉", "西安", "札幌", "福岡", "大邱", "重庆"}
	genActivities = []string{"读书会", "登山", "摄影", "写真部", "料理", "등산", "음악", "游戏", "足球", "围棋", "旅行", "電車", "咖啡", "美食", "跑步", "瑜伽", "编程", "동호회", "将棋", "钓鱼"}
	genWords      = []string{"Maple", "Harbor", "Falcon", "Cedar", "Orbit", "Ember", "Lotus", "Summit", "Willow", "Comet", "Delta", "Aurora", "Bamboo", "Coral", "Drift", "Echo", "Fern", "Glade", "Haven", "Iris"}
	genTypes      = []string{"Public", "Private", "ChatRoom", "Community", "AVChatRoom", "Work", "Meeting"}
)

// GeneratedGroup is the name and type of the i-th generated group, for
// benchmarks that fill an index with the same names without a mock.
func GeneratedGroup(i int) (name, typ string) {
	// A multiplicative hash spreads neighbouring numbers over the words.
	h := uint64(i)*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019
	return genPlaces[h%20] + genActivities[(h>>8)%20] + " " + genWords[(h>>16)%20] + " " + strconv.Itoa(i), genTypes[i%len(genTypes)]
}

// generate adds n synthetic groups straight into the mock's state, without
// the handlers' checks (their names and types are valid by construction):
// a million take a few seconds and a few hundred megabytes. Their names mix
// CJK and Latin and their IDs are server-style. When the app has three
// users or more, each group of a type that has admins (Public, Meeting,
// ChatRoom, Community) gets three of them, in user-ID order turning with
// the group's number: an owner, an admin and an ordinary member; the other
// groups have no members.
func (m *Mock) generate(n int) error {
	if n < 0 {
		return fmt.Errorf("generate %d groups: the number must be 0 or more", n)
	}
	users := slices.Sorted(maps.Keys(m.users))
	m.order = append(make([]string, 0, len(m.order)+n), m.order...)
	created := m.now()
	for i := range n {
		name, typ := GeneratedGroup(i)
		id := m.newGroupID(typ == "Community")
		g := &group{ID: id, Type: typ, Name: name, MaxMembers: 2000, ApplyJoinOption: "NeedPermission", Created: created}
		if len(users) >= 3 && hasAdmins(typ) {
			owner, admin, member := users[i%len(users)], users[(i+1)%len(users)], users[(i+2)%len(users)]
			g.Owner, g.Members, g.Admins = owner, []string{owner, admin, member}, []string{admin}
		}
		m.groups[id] = g
		m.order = append(m.order, id)
	}
	return nil
}
