package timmock

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of group custom attributes (spec §1), in UTF-8 bytes.
const (
	MaxAttrKeyBytes    = 32
	MaxAttrValueBytes  = 4000
	MaxAttrKeys        = 16
	MaxAttrTotalBytes  = 16000
	MaxAttrWritesPerS  = 5
	MaxGroupIDBytes    = 48
	MaxGroupNameBytes  = 30
	MaxIntroBytes      = 240
	MaxNoticeBytes     = 300
	MaxGroupInfoIDs    = 50
	MaxAppIDGroupLimit = 10000
)

// GroupTypes are the built-in group types the mock knows, with the new names
// of two of them.
var GroupTypes = []string{"Private", "Work", "Public", "ChatRoom", "Meeting", "AVChatRoom", "Community"}

type group struct {
	ID, Type, Name, Owner      string
	Introduction, Notification string
	FaceURL, ApplyJoinOption   string
	MaxMembers                 int
	Members                    []string // the owner (if any) first
	Admins                     []string // members with the Admin role
	Created                    time.Time
	AppData                    []appDatum
	ShutUpAll                  bool

	keys     []string // attribute keys in the order they were first set
	attrs    map[string]string
	writes   *window
	profiles map[string]*memberProfile // members' profiles, made when first read or changed
}

func (g *group) attrList() []attr {
	out := make([]attr, 0, len(g.keys))
	for _, k := range g.keys {
		out = append(out, attr{Key: k, Value: g.attrs[k]})
	}
	return out
}

// replaceAttrs installs a new attribute set, keeping first-set order for keys
// that stay.
func (g *group) replaceAttrs(next map[string]string, order []string) {
	keys := make([]string, 0, len(next))
	seen := map[string]bool{}
	for _, k := range append(append([]string{}, g.keys...), order...) {
		if _, ok := next[k]; ok && !seen[k] {
			keys, seen[k] = append(keys, k), true
		}
	}
	g.keys, g.attrs = keys, next
}

// roleOf is a user's role in the group: Owner, Admin, Member or NotMember.
func (g *group) roleOf(u string) string {
	switch {
	case u != "" && u == g.Owner:
		return "Owner"
	case !slices.Contains(g.Members, u):
		return "NotMember"
	case slices.Contains(g.Admins, u):
		return "Admin"
	}
	return "Member"
}

// hasAdmins tells whether a group type has the Admin role: Public,
// Meeting (ChatRoom) and Community do; Work (Private) and AVChatRoom have
// only an owner and ordinary members (Tencent's group-type table).
func hasAdmins(typ string) bool {
	switch canonicalType(typ) {
	case "Public", "ChatRoom", "Community":
		return true
	}
	return false
}

type attr struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// validGroupID tells a malformed group ID (10015) from one that may exist.
func validGroupID(id string) bool {
	if id == "" || len(id) > MaxGroupIDBytes || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// lookupGroup finds a group: 10015 for a malformed ID, 10010 for none.
func (m *Mock) lookupGroup(id string) (*group, *tErr) {
	if !validGroupID(id) {
		return nil, fail(10015, fmt.Sprintf("invalid group ID %q", id))
	}
	g := m.groups[id]
	if g == nil {
		return nil, fail(10010, "group does not exist or has been dismissed")
	}
	return g, nil
}

func (m *Mock) getAppIDGroupList(body []byte) (any, *tErr) {
	var req struct {
		Limit     *int   `json:"Limit"`
		Next      uint64 `json:"Next"`
		GroupType string `json:"GroupType"`
	}
	if e := decode(body, &req, famGroup); e != nil {
		return nil, e
	}
	// Limit 0 is read as no Limit (the default, 10000), as Tencent reads
	// an optional number's zero value.
	limit := MaxAppIDGroupLimit
	if req.Limit != nil && *req.Limit != 0 {
		if *req.Limit < 0 || *req.Limit > MaxAppIDGroupLimit {
			return nil, fail(10004, fmt.Sprintf("invalid parameter: Limit must be 0..%d", MaxAppIDGroupLimit))
		}
		limit = *req.Limit
	}
	if req.GroupType != "" && !knownType(req.GroupType) && req.GroupType != "BChatRoom" {
		return nil, fail(10004, fmt.Sprintf("invalid parameter: unknown GroupType %q", req.GroupType))
	}
	ids := m.order
	if req.GroupType != "" {
		ids = nil
		for _, id := range m.order {
			if sameType(m.groups[id].Type, req.GroupType) {
				ids = append(ids, id)
			}
		}
	}
	// Next is the position after the last group returned; 0 means the end.
	start := min(int(min(req.Next, uint64(len(ids)))), len(ids))
	end := min(start+limit, len(ids))
	list := make([]map[string]string, 0, end-start)
	for _, id := range ids[start:end] {
		list = append(list, map[string]string{"GroupId": id})
	}
	next := uint64(0)
	if end < len(ids) {
		next = uint64(end)
	}
	return map[string]any{"TotalCount": len(ids), "GroupIdList": list, "Next": next}, nil
}

// sameType compares group types, treating the old and new names alike.
func sameType(a, b string) bool { return canonicalType(a) == canonicalType(b) }

func canonicalType(t string) string {
	switch t {
	case "Work":
		return "Private"
	case "Meeting":
		return "ChatRoom"
	}
	return t
}

func knownType(t string) bool {
	for _, k := range GroupTypes {
		if k == t {
			return true
		}
	}
	return false
}

// The names get_group_info's ResponseFilter accepts (Tencent's page "Getting
// Group Profiles"); any other name is 10004.
var (
	groupBaseFields = []string{"Type", "Name", "Introduction", "Notification", "FaceUrl", "CreateTime",
		"Owner_Account", "LastInfoTime", "LastMsgTime", "NextMsgSeq", "MemberNum", "MaxMemberNum",
		"ApplyJoinOption", "ShutUpAllMember", "MuteAllMember"}
	groupMemberFields = []string{"Account", "Member_Account", "Role", "JoinTime", "MsgSeq", "MsgFlag",
		"LastSendMsgTime", "ShutUpUntil", "MuteUntil", "NameCard"}
)

func (m *Mock) getGroupInfo(body []byte) (any, *tErr) {
	var req struct {
		GroupIDList    []string `json:"GroupIdList"`
		ResponseFilter *struct {
			GroupBaseInfoFilter             []string `json:"GroupBaseInfoFilter"`
			MemberInfoFilter                []string `json:"MemberInfoFilter"`
			AppDefinedDataFilterGroup       []string `json:"AppDefinedDataFilter_Group"`
			AppDefinedDataFilterGroupMember []string `json:"AppDefinedDataFilter_GroupMember"`
		} `json:"ResponseFilter"`
	}
	if e := decode(body, &req, famGroup); e != nil {
		return nil, e
	}
	if e := checkCount(len(req.GroupIDList), MaxGroupInfoIDs, 10004, "GroupIdList", "IDs"); e != nil {
		return nil, e
	}
	// Without a ResponseFilter every base field, the member list and all
	// AppDefinedData come back; with one, only what it names.
	base, members, appData := map[string]bool(nil), map[string]bool(nil), map[string]bool(nil)
	wantMembers, wantAppData := true, true
	if f := req.ResponseFilter; f != nil {
		var e *tErr
		if base, e = filterSet("GroupBaseInfoFilter", f.GroupBaseInfoFilter, groupBaseFields); e != nil {
			return nil, e
		}
		if members, e = filterSet("MemberInfoFilter", f.MemberInfoFilter, groupMemberFields); e != nil {
			return nil, e
		}
		wantMembers, wantAppData = len(f.MemberInfoFilter) > 0, len(f.AppDefinedDataFilterGroup) > 0
		if wantAppData {
			appData = map[string]bool{}
			for _, k := range f.AppDefinedDataFilterGroup {
				appData[k] = true
			}
		}
	}
	infos := make([]map[string]any, 0, len(req.GroupIDList))
	for _, id := range req.GroupIDList {
		g, e := m.lookupGroup(id)
		if e != nil {
			infos = append(infos, map[string]any{"GroupId": id, "ErrorCode": e.Code, "ErrorInfo": e.Info})
			continue
		}
		shutUp := "Off"
		if g.ShutUpAll {
			shutUp = "On"
		}
		all := map[string]any{
			"Type": g.Type, "Name": g.Name, "Introduction": g.Introduction,
			"Notification": g.Notification, "FaceUrl": g.FaceURL, "Owner_Account": g.Owner,
			"CreateTime": g.Created.Unix(), "LastInfoTime": g.Created.Unix(), "LastMsgTime": 0,
			"NextMsgSeq": 1, "MemberNum": len(g.Members), "MaxMemberNum": g.MaxMembers,
			"ApplyJoinOption": g.ApplyJoinOption, "MuteAllMember": shutUp,
		}
		if g.Type == "AVChatRoom" {
			// The page's field table: MemberNum is not supported for AVChatRoom.
			delete(all, "MemberNum")
		}
		info := map[string]any{"GroupId": id, "ErrorCode": 0, "ErrorInfo": "", "Appid": m.appID}
		for k, v := range all {
			if base == nil || base[k] || base[oldName(k)] {
				info[k] = v
			}
		}
		if wantMembers && g.Type != "AVChatRoom" {
			list := make([]map[string]any, 0, len(g.Members))
			for _, mb := range g.Members {
				item := m.memberInfo(g, mb, members, nil)
				if req.ResponseFilter == nil || len(req.ResponseFilter.AppDefinedDataFilterGroupMember) == 0 {
					delete(item, "AppMemberDefinedData")
				}
				list = append(list, item)
			}
			info["MemberList"] = list
		}
		if wantAppData {
			data := []appDatum{}
			for _, d := range g.AppData {
				if appData == nil || appData[d.Key] {
					data = append(data, d)
				}
			}
			info["AppDefinedData"] = data
		}
		infos = append(infos, info)
	}
	return map[string]any{"GroupInfo": infos}, nil
}

// get_group_info answers with the current page's names (MuteAllMember,
// MuteUntil) and accepts the older names (ShutUpAllMember, ShutUpUntil),
// which the Chinese page still lists, in its filters.
var renamed = map[string]string{"ShutUpAllMember": "MuteAllMember", "ShutUpUntil": "MuteUntil"}

// oldName maps a current field name to its older one ("" when none).
func oldName(k string) string {
	for old, cur := range renamed {
		if cur == k {
			return old
		}
	}
	return ""
}

// filterSet turns a filter's names into a set: nil when the filter is
// empty, 10004 for a name the page does not list.
func filterSet(what string, names, known []string) (map[string]bool, *tErr) {
	if len(names) == 0 {
		return nil, nil
	}
	set := map[string]bool{}
	for _, n := range names {
		if !slices.Contains(known, n) {
			return nil, fail(10004, fmt.Sprintf("invalid parameter: %q is not a %s name", n, what))
		}
		set[n] = true
	}
	return set, nil
}

// appDatum is one AppDefinedData entry: capitalised Key/Value, unlike an
// attribute's key/value.
type appDatum struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type createGroupRequest struct {
	Type            string     `json:"Type"`
	Name            string     `json:"Name"`
	GroupID         string     `json:"GroupId"`
	Owner           string     `json:"Owner_Account"`
	Introduction    string     `json:"Introduction"`
	Notification    string     `json:"Notification"`
	FaceURL         string     `json:"FaceUrl"`
	MaxMemberCount  int        `json:"MaxMemberCount"`
	ApplyJoinOption string     `json:"ApplyJoinOption"`
	MemberList      []member   `json:"MemberList"`
	AppDefinedData  []appDatum `json:"AppDefinedData"`
	ShutUpAllMember string     `json:"ShutUpAllMember"`
	MuteAllMember   string     `json:"MuteAllMember"`
	// Accepted, not modelled.
	InviteJoinOption string `json:"InviteJoinOption"`
	SupportTopic     int    `json:"SupportTopic"`
}

type member struct {
	MemberAccount string `json:"Member_Account"`
	Role          string `json:"Role"` // "Admin" makes an admin where the type has admins
	// AppMemberDefinedData is accepted, not modelled.
	AppMemberDefinedData []appDatum `json:"AppMemberDefinedData"`
}

func (m *Mock) createGroup(body []byte) (any, *tErr) {
	var req createGroupRequest
	if e := decode(body, &req, famGroup); e != nil {
		return nil, e
	}
	g, e := m.addGroup(req)
	if e != nil {
		return nil, e
	}
	return map[string]any{"GroupId": g.ID}, nil
}

// addGroup validates and stores a new group; seeding uses it too.
func (m *Mock) addGroup(req createGroupRequest) (*group, *tErr) {
	switch {
	case !knownType(req.Type):
		return nil, fail(10004, fmt.Sprintf("invalid parameter: Type %q is not a group type", req.Type))
	case req.Name == "" || len(req.Name) > MaxGroupNameBytes:
		return nil, fail(10004, fmt.Sprintf("invalid parameter: Name must be 1..%d bytes", MaxGroupNameBytes))
	case len(req.Introduction) > MaxIntroBytes:
		return nil, fail(10004, fmt.Sprintf("invalid parameter: Introduction is over %d bytes", MaxIntroBytes))
	case len(req.Notification) > MaxNoticeBytes:
		return nil, fail(10004, fmt.Sprintf("invalid parameter: Notification is over %d bytes", MaxNoticeBytes))
	case req.ShutUpAllMember != "" && req.ShutUpAllMember != "On" && req.ShutUpAllMember != "Off",
		req.MuteAllMember != "" && req.MuteAllMember != "On" && req.MuteAllMember != "Off":
		return nil, fail(10004, "invalid parameter: ShutUpAllMember (MuteAllMember) must be On or Off")
	case req.Type == "AVChatRoom" && len(req.MemberList) > 0:
		return nil, fail(10007, "no permission: AVChatRoom groups cannot be created with members")
	}
	id := req.GroupID
	if id != "" {
		if !validGroupID(id) {
			return nil, fail(10015, fmt.Sprintf("invalid group ID %q", id))
		}
		if req.Type == "Community" && !strings.HasPrefix(id, "@TGS#_") {
			return nil, fail(10004, "invalid parameter: a Community's custom GroupId must start with @TGS#_")
		}
		if m.groups[id] != nil {
			return nil, fail(10021, fmt.Sprintf("group ID %q is already used", id))
		}
	} else {
		id = m.newGroupID(req.Type == "Community")
	}
	var members, admins []string
	if req.Owner != "" {
		if m.users[req.Owner] == nil {
			return nil, fail(10019, fmt.Sprintf("account %q not found", req.Owner))
		}
		members = append(members, req.Owner)
	}
	for _, mb := range req.MemberList {
		if m.users[mb.MemberAccount] == nil {
			return nil, fail(10019, fmt.Sprintf("account %q not found", mb.MemberAccount))
		}
		if mb.MemberAccount != req.Owner {
			members = append(members, mb.MemberAccount)
			if mb.Role == "Admin" && hasAdmins(req.Type) {
				admins = append(admins, mb.MemberAccount)
			}
		}
	}
	maxMembers := req.MaxMemberCount
	if maxMembers <= 0 {
		maxMembers = 2000
	}
	join := req.ApplyJoinOption
	if join == "" {
		join = "NeedPermission"
	}
	g := &group{
		ID: id, Type: req.Type, Name: req.Name, Owner: req.Owner, Introduction: req.Introduction,
		Notification: req.Notification, FaceURL: req.FaceURL, MaxMembers: maxMembers, ApplyJoinOption: join,
		Members: members, Admins: admins, Created: m.now(), attrs: map[string]string{},
		AppData: req.AppDefinedData, ShutUpAll: req.ShutUpAllMember == "On" || req.MuteAllMember == "On",
	}
	m.groups[id] = g
	m.order = append(m.order, id)
	return g, nil
}

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newGroupID makes a server-style ID: @TGS# (or @TGS#_ for a Community) and
// ten alphanumerics.
func (m *Mock) newGroupID(community bool) string {
	for {
		m.nextID++
		var b strings.Builder
		b.WriteString("@TGS#")
		if community {
			b.WriteString("_")
		}
		n := m.nextID*2654435761 + 0x9E3779B9
		for range 10 {
			b.WriteByte(idChars[n%uint64(len(idChars))])
			n /= uint64(len(idChars))
			n += m.nextID * 7919
		}
		if id := b.String(); m.groups[id] == nil {
			return id
		}
	}
}
