package timmock

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
)

// Conversation-group and mark limits (spec §2).
const (
	MaxConvGroups         = 20
	MaxConvGroupNameBytes = 32
	MaxMarkedConvs        = 1000
	MaxContactsPerCreate  = 100
	MaxMarkItems          = 100
	MaxSearchItems        = 300
	MaxCustomMarkBytes    = 256
	ContactPageSize       = 100
)

// Conversation types.
const (
	ConvC2C   = 1
	ConvGroup = 2
)

type convGroup struct {
	ID   int
	Name string
}

type convKey struct {
	Type int
	To   string
}

type conversation struct {
	convKey
	groups  []int  // conversation-group ids
	marks   uint64 // standard mark bits
	custom  string
	updated int64

	// in the user's conversation list (recentcontact/get_list)
	recent  bool
	top     bool
	msgTime int64
}

// counted reports whether the conversation counts towards the 1000 cap.
func (c *conversation) counted() bool { return len(c.groups) > 0 || c.marks != 0 || c.custom != "" }

// contactItem is the wire form of a conversation reference.
type contactItem struct {
	Type      int    `json:"Type"`
	ToAccount string `json:"To_Account,omitempty"`
	ToGroupID string `json:"ToGroupId,omitempty"`
}

// key names the conversation an item refers to. Type decides which field
// is read; the other one, when sent too, is ignored, as Tencent does (see
// the package documentation).
func (c contactItem) key() (convKey, *tErr) {
	switch {
	case c.Type == ConvC2C && c.ToAccount != "":
		return convKey{ConvC2C, c.ToAccount}, nil
	case c.Type == ConvGroup && c.ToGroupID != "":
		return convKey{ConvGroup, c.ToGroupID}, nil
	}
	return convKey{}, fail(50002, "invalid parameter: a ContactItem needs Type 1 with To_Account or Type 2 with ToGroupId")
}

func (k convKey) item() contactItem {
	if k.Type == ConvC2C {
		return contactItem{Type: ConvC2C, ToAccount: k.To}
	}
	return contactItem{Type: ConvGroup, ToGroupID: k.To}
}

type groupItem struct {
	GroupName string `json:"GroupName"`
	GroupID   int    `json:"GroupId"`
}

// contactUser checks the edition (51013) and finds From_Account (50001).
func (m *Mock) contactUser(id string) (*user, *tErr) {
	if m.basic {
		return nil, fail(51013, "the app is not on an edition that supports conversation groups and standard marks")
	}
	return m.recentUser(id)
}

// recentUser finds From_Account (50001) on any edition.
func (m *Mock) recentUser(id string) (*user, *tErr) {
	return m.accountUser(id, famContact, 50001, "UserID %q is not imported")
}

func (u *user) convGroup(name string) *convGroup {
	for _, g := range u.convGroups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

func (u *user) groupItems() []groupItem {
	items := make([]groupItem, 0, len(u.convGroups))
	for _, g := range u.convGroups {
		items = append(items, groupItem{g.Name, g.ID})
	}
	return items
}

// countedAfter reports how many conversations would count towards the cap if
// keys were also grouped or marked.
func (u *user) countedAfter(keys []convKey) int {
	n := 0
	for _, c := range u.convs {
		if c.counted() {
			n++
		}
	}
	for i, k := range keys {
		if c := u.convs[k]; (c == nil || !c.counted()) && !slices.Contains(keys[:i], k) {
			n++
		}
	}
	return n
}

func (u *user) conv(k convKey) *conversation {
	c := u.convs[k]
	if c == nil {
		c = &conversation{convKey: k}
		u.convs[k] = c
	}
	return c
}

func checkGroupName(name string) *tErr {
	if name == "" {
		return fail(50002, "invalid parameter: GroupName is required")
	}
	if len(name) > MaxConvGroupNameBytes {
		return fail(51011, fmt.Sprintf("conversation group name is %d bytes; at most %d", len(name), MaxConvGroupNameBytes))
	}
	return nil
}

func keysOf(items []contactItem) ([]convKey, *tErr) {
	keys := make([]convKey, 0, len(items))
	for _, it := range items {
		k, e := it.key()
		if e != nil {
			return nil, e
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// checkRoom refuses (51008) a change that would have more conversations
// count towards the cap than Tencent allows, keys being those it adds to a
// group or marks.
func (u *user) checkRoom(keys []convKey) *tErr {
	if u.countedAfter(keys) > MaxMarkedConvs {
		return fail(51008, fmt.Sprintf("at most %d conversations may be in groups or marked", MaxMarkedConvs))
	}
	return nil
}

// existing is keys without the conversations in groups that do not exist:
// in a change of several conversations such a one fails alone (51007 in
// its result item), and the others are made.
func (m *Mock) existing(keys []convKey) []convKey {
	return slices.DeleteFunc(keys, func(k convKey) bool { return m.checkGroupsExist([]convKey{k}) != nil })
}

// checkGroupsExist refuses conversations in groups that do not exist (or
// were dismissed): Tencent cannot map their GroupID to its internal code.
func (m *Mock) checkGroupsExist(keys []convKey) *tErr {
	for _, k := range keys {
		if k.Type == ConvGroup && m.groups[k.To] == nil {
			return fail(51007, fmt.Sprintf("group %q does not exist or was dismissed", k.To))
		}
	}
	return nil
}

type contactResult struct {
	ContactItem contactItem `json:"ContactItem"`
	ResultCode  int         `json:"ResultCode"`
	ResultInfo  string      `json:"ResultInfo"`
}

type createContactGroupRequest struct {
	fromAccount
	Items []struct {
		GroupName   string        `json:"GroupName"`
		ContactItem []contactItem `json:"ContactItem"`
	} `json:"GroupContactItem"`
}

func (m *Mock) createContactGroup(u *user, req *createContactGroupRequest) (any, *tErr) {
	if len(req.Items) != 1 {
		return nil, fail(50002, "invalid parameter: GroupContactItem must hold exactly one group")
	}
	it := req.Items[0]
	if e := checkGroupName(it.GroupName); e != nil {
		return nil, e
	}
	if u.convGroup(it.GroupName) != nil {
		return nil, fail(50002, fmt.Sprintf("invalid parameter: conversation group %q already exists", it.GroupName))
	}
	if len(u.convGroups) >= MaxConvGroups {
		return nil, fail(51010, fmt.Sprintf("a user may have at most %d conversation groups", MaxConvGroups))
	}
	if len(it.ContactItem) > MaxContactsPerCreate {
		return nil, fail(50002, fmt.Sprintf("invalid parameter: at most %d ContactItem per call", MaxContactsPerCreate))
	}
	keys, e := keysOf(it.ContactItem)
	if e != nil {
		return nil, e
	}
	if e := m.checkGroupsExist(keys); e != nil {
		return nil, e
	}
	if e := u.checkRoom(keys); e != nil {
		return nil, e
	}
	u.nextConvID++
	g := &convGroup{ID: u.nextConvID, Name: it.GroupName}
	u.convGroups = append(u.convGroups, g)
	results := make([]contactResult, 0, len(keys))
	for _, k := range keys {
		c := u.conv(k)
		if !slices.Contains(c.groups, g.ID) {
			c.groups = append(c.groups, g.ID)
		}
		c.updated = m.now().Unix()
		results = append(results, contactResult{ContactItem: k.item()})
	}
	return map[string]any{"GroupResultItem": []map[string]any{{
		"GroupItem": groupItem{g.Name, g.ID}, "ResultItem": results,
	}}}, nil
}

type updateContactGroupRequest struct {
	fromAccount
	UpdateType int `json:"UpdateType"`
	Update     *struct {
		UpdateGroupType int    `json:"UpdateGroupType"`
		OldGroupName    string `json:"OldGroupName"`
		NewGroupName    string `json:"NewGroupName"`
		Items           []struct {
			ContactOptType int         `json:"ContactOptType"`
			ContactItem    contactItem `json:"ContactItem"`
		} `json:"ContactUpdateItem"`
	} `json:"UpdateGroup"`
}

func (m *Mock) updateContactGroup(u *user, req *updateContactGroupRequest) (any, *tErr) {
	if req.UpdateType != 1 || req.Update == nil {
		return nil, fail(50002, "invalid parameter: UpdateType must be 1 with an UpdateGroup")
	}
	up := req.Update
	g := u.convGroup(up.OldGroupName)
	if up.OldGroupName == "" {
		return nil, fail(50002, "invalid parameter: OldGroupName is required")
	}
	if g == nil {
		return nil, fail(51009, fmt.Sprintf("conversation group %q does not exist", up.OldGroupName))
	}
	result := map[string]any{"UpdateGroupType": up.UpdateGroupType, "OldGroupName": g.Name, "GroupId": g.ID}
	switch up.UpdateGroupType {
	case 1:
		if e := checkGroupName(up.NewGroupName); e != nil {
			return nil, e
		}
		if other := u.convGroup(up.NewGroupName); other != nil && other != g {
			return nil, fail(50002, fmt.Sprintf("invalid parameter: conversation group %q already exists", up.NewGroupName))
		}
		g.Name = up.NewGroupName
	case 2:
		if len(up.Items) == 0 {
			return nil, fail(50002, "invalid parameter: ContactUpdateItem is required")
		}
		var adds []convKey
		for _, it := range up.Items {
			k, e := it.ContactItem.key()
			if e != nil {
				return nil, e
			}
			if it.ContactOptType != 1 && it.ContactOptType != 2 {
				return nil, fail(50002, "invalid parameter: ContactOptType must be 1 (add) or 2 (remove)")
			}
			if it.ContactOptType == 1 {
				adds = append(adds, k)
			}
		}
		if e := u.checkRoom(m.existing(adds)); e != nil {
			return nil, e
		}
		items := make([]map[string]any, 0, len(up.Items))
		for _, it := range up.Items {
			k, _ := it.ContactItem.key()
			if e := m.checkGroupsExist([]convKey{k}); e != nil && it.ContactOptType == 1 {
				items = append(items, map[string]any{"ContactOptType": it.ContactOptType, "ContactItem": k.item(), "ResultCode": e.Code, "ResultInfo": e.Info})
				continue
			}
			c := u.conv(k)
			if it.ContactOptType == 1 {
				if !slices.Contains(c.groups, g.ID) {
					c.groups = append(c.groups, g.ID)
				}
			} else {
				c.groups = slices.DeleteFunc(c.groups, func(id int) bool { return id == g.ID })
			}
			c.updated = m.now().Unix()
			items = append(items, map[string]any{"ContactOptType": it.ContactOptType, "ContactItem": k.item(), "ResultCode": 0, "ResultInfo": ""})
		}
		result["ContactResultItem"] = items
	default:
		return nil, fail(50002, "invalid parameter: UpdateGroupType must be 1 (rename) or 2 (conversations)")
	}
	result["GroupName"] = g.Name
	return map[string]any{"UpdateType": 1, "UpdateGroupResult": result}, nil
}

type delContactGroupRequest struct {
	fromAccount
	GroupName []string `json:"GroupName"`
}

func (m *Mock) delContactGroup(u *user, req *delContactGroupRequest) (any, *tErr) {
	if len(req.GroupName) != 1 {
		return nil, fail(50002, "invalid parameter: GroupName must hold exactly one name")
	}
	g := u.convGroup(req.GroupName[0])
	if g == nil {
		return nil, fail(51009, fmt.Sprintf("conversation group %q does not exist", req.GroupName[0]))
	}
	u.convGroups = slices.DeleteFunc(u.convGroups, func(x *convGroup) bool { return x == g })
	for _, c := range u.convs {
		c.groups = slices.DeleteFunc(c.groups, func(id int) bool { return id == g.ID })
	}
	return map[string]any{"GroupItem": []groupItem{{g.Name, g.ID}}}, nil
}

// convItem is a conversation as get and search report it.
type convItem struct {
	contactItem
	StandardMark   string `json:"StandardMark"`
	CustomMark     string `json:"CustomMark,omitempty"`
	ContactGroupID []int  `json:"ContactGroupId,omitempty"`
	Timestamp      int64  `json:"Timestamp"`
}

func (c *conversation) wire() convItem {
	mark := ""
	if c.marks != 0 {
		mark = strconv.FormatUint(c.marks, 2)
	}
	return convItem{contactItem: c.item(), StandardMark: mark, CustomMark: c.custom,
		ContactGroupID: slices.Clone(c.groups), Timestamp: c.updated}
}

// sortedConvs lists the counted conversations in a stable order.
func (u *user) sortedConvs() []*conversation {
	var out []*conversation
	for _, c := range u.convs {
		if c.counted() {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].To < out[j].To
	})
	return out
}

type getContactGroupRequest struct {
	fromAccount
	startIndex
}

func (m *Mock) getContactGroup(u *user, req *getContactGroupRequest) (any, *tErr) {
	page, complete, next, e := pageOf(req.StartIndex, u.sortedConvs(), ContactPageSize, 50002)
	if e != nil {
		return nil, e
	}
	items := make([]convItem, 0, len(page))
	for _, c := range page {
		items = append(items, c.wire())
	}
	return map[string]any{"ContactItem": items, "GroupItem": u.groupItems(), "CompleteFlag": complete, "NextStartIndex": next}, nil
}

type searchContactGroupRequest struct {
	fromAccount
	Items []contactItem `json:"ContactItem"`
}

func (m *Mock) searchContactGroup(u *user, req *searchContactGroupRequest) (any, *tErr) {
	if e := checkCount(len(req.Items), MaxSearchItems, 50002, "ContactItem", "items"); e != nil {
		return nil, e
	}
	keys, e := keysOf(req.Items)
	if e != nil {
		return nil, e
	}
	items := make([]convItem, 0, len(keys))
	for _, k := range keys {
		if c := u.convs[k]; c != nil {
			items = append(items, c.wire())
		} else {
			items = append(items, (&conversation{convKey: k}).wire())
		}
	}
	return map[string]any{"ContactResultItem": items, "GroupItem": u.groupItems()}, nil
}

type markContactRequest struct {
	fromAccount
	Items []struct {
		OptType     int         `json:"OptType"`
		ContactItem contactItem `json:"ContactItem"`
		SetMark     []int       `json:"SetMark"`
		ClearMark   []int       `json:"ClearMark"`
		CustomMark  *string     `json:"CustomMark"`
	} `json:"MarkItem"`
}

func (m *Mock) markContact(u *user, req *markContactRequest) (any, *tErr) {
	// Marks of either kind need a Pro, Pro Plus or Enterprise edition, as
	// reading them does (doc.go, "Editions").
	if len(req.Items) == 0 || len(req.Items) > MaxMarkItems {
		return nil, fail(51006, fmt.Sprintf("the number of conversations to mark must be 1..%d", MaxMarkItems))
	}
	var keys []convKey
	for _, it := range req.Items {
		k, e := it.ContactItem.key()
		if e != nil {
			return nil, e
		}
		if it.OptType < 1 || it.OptType > 3 {
			return nil, fail(50002, "invalid parameter: OptType must be 1 (standard), 2 (custom) or 3 (both)")
		}
		for _, b := range append(slices.Clone(it.SetMark), it.ClearMark...) {
			if b < 0 || b > 63 {
				return nil, fail(50002, fmt.Sprintf("invalid parameter: mark position %d is not 0..63", b))
			}
		}
		if it.CustomMark != nil && len(*it.CustomMark) > MaxCustomMarkBytes {
			return nil, fail(50002, fmt.Sprintf("invalid parameter: CustomMark is over %d bytes", MaxCustomMarkBytes))
		}
		if len(it.SetMark) > 0 || (it.CustomMark != nil && *it.CustomMark != "") {
			keys = append(keys, k)
		}
	}
	if e := u.checkRoom(m.existing(keys)); e != nil {
		return nil, e
	}
	results := make([]map[string]any, 0, len(req.Items))
	for _, it := range req.Items {
		k, _ := it.ContactItem.key()
		if e := m.checkGroupsExist([]convKey{k}); e != nil {
			results = append(results, map[string]any{"OptType": it.OptType, "ContactItem": k.item(), "ResultCode": e.Code, "ResultInfo": e.Info})
			continue
		}
		c := u.conv(k)
		if it.OptType&1 != 0 {
			for _, b := range it.SetMark {
				c.marks |= 1 << uint(b)
			}
			for _, b := range it.ClearMark {
				c.marks &^= 1 << uint(b)
			}
		}
		if it.OptType&2 != 0 && it.CustomMark != nil {
			c.custom = *it.CustomMark
		}
		c.updated = m.now().Unix()
		results = append(results, map[string]any{"OptType": it.OptType, "ContactItem": k.item(), "ResultCode": 0, "ResultInfo": ""})
	}
	return map[string]any{"ResultItem": results}, nil
}
