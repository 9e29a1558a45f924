package timmock

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// get_group_member_info limits (Tencent's page "Getting Group Member
// Profiles"): Limit is at most 200 members a call (100 recommended, and the
// default when Limit is absent). Community groups page with Next, the other
// types with Offset; audio-video groups (AVChatRoom) are not supported
// (10007).
const (
	MaxMemberInfoLimit     = 200
	DefaultMemberInfoLimit = 100
)

// getGroupMemberInfo answers one page of a group's members, the owner
// first, then the members in the order they joined.
func (m *Mock) getGroupMemberInfo(body []byte) (any, *tErr) {
	var req struct {
		GroupID string `json:"GroupId"`
		Limit   *int   `json:"Limit"`
		Offset  int    `json:"Offset"`
		Next    string `json:"Next"`
		memberFilters
	}
	if e := decode(body, &req, famGroup); e != nil {
		return nil, e
	}
	g, e := m.memberGroup(req.GroupID, "do not support get_group_member_info")
	if e != nil {
		return nil, e
	}
	limit := DefaultMemberInfoLimit
	if req.Limit != nil {
		limit = *req.Limit
	}
	if limit < 1 || limit > MaxMemberInfoLimit || req.Offset < 0 {
		return nil, fail(10004, fmt.Sprintf("invalid parameter: Limit must be 1..%d and Offset not negative", MaxMemberInfoLimit))
	}
	all := make([]string, 0, len(g.Members)+1)
	if g.Owner != "" {
		all = append(all, g.Owner)
	}
	for _, u := range g.Members {
		if u != g.Owner {
			all = append(all, u)
		}
	}
	start := req.Offset
	if g.Type == "Community" {
		start = 0
		if req.Next != "" {
			n, err := strconv.Atoi(req.Next)
			if err != nil || n < 0 {
				return nil, fail(10004, "invalid parameter: Next is not a value this API returned")
			}
			start = n
		}
	}
	start = min(start, len(all))
	end := min(start+limit, len(all))
	fields, e := filterSet("MemberInfoFilter", req.MemberInfoFilter, memberFields)
	if e != nil {
		return nil, e
	}
	list := make([]map[string]any, 0, end-start)
	for _, u := range all[start:end] {
		if req.wants(g.roleOf(u)) {
			list = append(list, m.memberInfo(g, u, fields, req.AppDefinedDataFilterGroupMember))
		}
	}
	resp := map[string]any{"MemberNum": len(all), "MemberList": list}
	if g.Type == "Community" {
		next := ""
		if end < len(all) {
			next = strconv.Itoa(end)
		}
		resp["Next"] = next
	}
	return resp, nil
}

// A member's profile in a group, as modify_group_member_info changes it
// (Tencent's page "Modifying the Profile of a Group Member", 1047/34900).
// What imdesk decided where the pages are silent is in doc.go.
const (
	MaxNameCardBytes        = 50 // NameCard
	MaxMemberDataKeys       = 5  // member-level custom keys an app may define
	MaxMemberDataKeyBytes   = 16 // a key: letters, digits and _ only
	MaxMemberDataValueBytes = 64 // a member-level custom value
	MaxSpecifiedMembers     = 50 // Member_List_Account of get_specified_group_member_info
	// MuteForever is the MuteTime that mutes until unmuted.
	MuteForever = 4294967295
)

// memberProfile is what Tencent keeps of one member in one group.
type memberProfile struct {
	NameCard  string
	MsgFlag   string
	Joined    time.Time
	MuteUntil int64 // Unix seconds, or MuteForever; 0: not muted
	keys      []string
	data      map[string]string
}

// profile is the member's profile, made as Tencent has it for a member
// nobody changed: no name card, notified of messages, joined with the
// group.
func (g *group) profile(u string) *memberProfile {
	if g.profiles == nil {
		g.profiles = map[string]*memberProfile{}
	}
	p := g.profiles[u]
	if p == nil {
		p = &memberProfile{MsgFlag: "AcceptAndNotify", Joined: g.Created, data: map[string]string{}}
		g.profiles[u] = p
	}
	return p
}

// memberFields are the names MemberInfoFilter accepts.
var memberFields = []string{"Member_Account", "Role", "JoinTime", "MsgSeq", "MsgFlag", "LastSendMsgTime", "MuteUntil", "ShutUpUntil", "NameCard"}

// memberFilters are the filters get_group_member_info and
// get_specified_group_member_info share.
type memberFilters struct {
	MemberInfoFilter                []string `json:"MemberInfoFilter"`
	MemberRoleFilter                []string `json:"MemberRoleFilter"`
	AppDefinedDataFilterGroupMember []string `json:"AppDefinedDataFilter_GroupMember"`
}

func (f memberFilters) wants(role string) bool {
	return len(f.MemberRoleFilter) == 0 || slices.Contains(f.MemberRoleFilter, role)
}

// memberInfo is one member as the member calls answer it: the fields
// MemberInfoFilter names (all when it is absent), and the custom data
// AppDefinedDataFilter_GroupMember names (all that has a value when it is
// absent: see doc.go).
func (m *Mock) memberInfo(g *group, u string, fields map[string]bool, dataKeys []string) map[string]any {
	p := g.profile(u)
	mute := p.MuteUntil
	if mute != MuteForever && mute <= m.now().Unix() {
		mute = 0
	}
	all := map[string]any{"Role": g.roleOf(u), "JoinTime": p.Joined.Unix(), "MsgSeq": 0, "MsgFlag": p.MsgFlag,
		"LastSendMsgTime": 0, "MuteUntil": mute, "NameCard": p.NameCard}
	info := map[string]any{"Member_Account": u}
	for k, v := range all {
		if fields == nil || fields[k] || fields[oldName(k)] {
			info[k] = v
		}
	}
	data := []appDatum{}
	for _, k := range p.keys {
		if len(dataKeys) == 0 || slices.Contains(dataKeys, k) {
			data = append(data, appDatum{k, p.data[k]})
		}
	}
	info["AppMemberDefinedData"] = data
	return info
}

// memberGroup looks up a group for a command about its members: every
// type but AVChatRoom, which keeps none (10007, saying it refuses).
func (m *Mock) memberGroup(id, refuses string) (*group, *tErr) {
	g, e := m.lookupGroup(id)
	if e != nil {
		return nil, e
	}
	if g.Type == "AVChatRoom" {
		return nil, fail(10007, "no permission: AVChatRoom groups "+refuses)
	}
	return g, nil
}

// getSpecifiedGroupMemberInfo answers the profiles of up to 50 named
// members; a user who is not a member is left out.
func (m *Mock) getSpecifiedGroupMemberInfo(body []byte) (any, *tErr) {
	var req struct {
		GroupID string   `json:"GroupId"`
		Users   []string `json:"Member_List_Account"`
		memberFilters
	}
	if e := decode(body, &req, famGroup); e != nil {
		return nil, e
	}
	if e := checkCount(len(req.Users), MaxSpecifiedMembers, 10004, "Member_List_Account", "accounts"); e != nil {
		return nil, e
	}
	g, e := m.memberGroup(req.GroupID, "do not store member profiles (get_specified_group_member_info)")
	if e != nil {
		return nil, e
	}
	fields, e := filterSet("MemberInfoFilter", req.MemberInfoFilter, memberFields)
	if e != nil {
		return nil, e
	}
	list := []map[string]any{}
	for _, u := range req.Users {
		if role := g.roleOf(u); role != "NotMember" && req.wants(role) {
			list = append(list, m.memberInfo(g, u, fields, req.AppDefinedDataFilterGroupMember))
		}
	}
	return map[string]any{"MemberList": list}, nil
}

// modifyGroupMemberInfo changes one member's role, message flag, name card,
// mute and custom data: all that the request names, or nothing.
func (m *Mock) modifyGroupMemberInfo(body []byte) (any, *tErr) {
	var req struct {
		GroupID    string     `json:"GroupId"`
		Member     string     `json:"Member_Account"`
		Role       *string    `json:"Role"`
		MsgFlag    *string    `json:"MsgFlag"`
		NameCard   *string    `json:"NameCard"`
		MuteTime   *int64     `json:"MuteTime"`
		ShutUpTime *int64     `json:"ShutUpTime"` // the older name, still accepted
		Data       []appDatum `json:"AppMemberDefinedData"`
	}
	if e := decode(body, &req, famGroup); e != nil {
		return nil, e
	}
	if req.Member == "" {
		return nil, fail(10004, "invalid parameter: Member_Account is required")
	}
	g, e := m.memberGroup(req.GroupID, "do not store member profiles (modify_group_member_info)")
	if e != nil {
		return nil, e
	}
	role := g.roleOf(req.Member)
	if role == "NotMember" {
		return nil, fail(10004, fmt.Sprintf("invalid parameter: %q is not a member of the group", req.Member))
	}
	if req.Role != nil {
		switch {
		case *req.Role != "Admin" && *req.Role != "Member":
			return nil, fail(10004, "invalid parameter: Role must be Admin or Member")
		case role == "Owner":
			return nil, fail(10004, "invalid parameter: the owner's role cannot be changed (change_group_owner moves ownership)")
		case *req.Role == "Admin" && !hasAdmins(g.Type):
			return nil, fail(10007, "no permission: "+g.Type+" groups have no admins")
		}
	}
	if req.MsgFlag != nil && !slices.Contains([]string{"AcceptAndNotify", "AcceptNotNotify", "Discard"}, *req.MsgFlag) {
		return nil, fail(10004, "invalid parameter: MsgFlag must be AcceptAndNotify, AcceptNotNotify or Discard")
	}
	if req.NameCard != nil && len(*req.NameCard) > MaxNameCardBytes {
		return nil, fail(10004, fmt.Sprintf("invalid parameter: NameCard is %d bytes; at most %d", len(*req.NameCard), MaxNameCardBytes))
	}
	mute := req.MuteTime
	if mute == nil {
		mute = req.ShutUpTime
	}
	if mute != nil {
		switch canonicalType(g.Type) {
		case "Private":
			return nil, fail(10007, "no permission: Work groups do not support muting members")
		}
		if *mute < 0 || *mute > MuteForever {
			return nil, fail(10004, "invalid parameter: MuteTime must be 0..4294967295 seconds")
		}
	}
	for _, d := range req.Data {
		switch {
		case !slices.Contains(m.memberKeys, d.Key):
			return nil, fail(10004, fmt.Sprintf("invalid parameter: %q is not a member custom field of this app (configure it in the console first)", d.Key))
		case len(d.Value) > MaxMemberDataValueBytes:
			return nil, fail(10004, fmt.Sprintf("invalid parameter: the value of %q is %d bytes; at most %d", d.Key, len(d.Value), MaxMemberDataValueBytes))
		}
	}
	p := g.profile(req.Member)
	if req.Role != nil {
		g.Admins = slices.DeleteFunc(g.Admins, func(a string) bool { return a == req.Member })
		if *req.Role == "Admin" {
			g.Admins = append(g.Admins, req.Member)
		}
	}
	if req.MsgFlag != nil {
		p.MsgFlag = *req.MsgFlag
	}
	if req.NameCard != nil {
		p.NameCard = *req.NameCard
	}
	switch {
	case mute == nil:
	case *mute == 0:
		p.MuteUntil = 0
	case *mute == MuteForever:
		p.MuteUntil = MuteForever
	default:
		p.MuteUntil = m.now().Unix() + *mute
	}
	for _, d := range req.Data {
		if _, ok := p.data[d.Key]; !ok {
			p.keys = append(p.keys, d.Key)
		}
		p.data[d.Key] = d.Value
	}
	return nil, nil
}
