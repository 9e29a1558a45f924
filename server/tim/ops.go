package tim

import (
	"context"
	"encoding/json"
)

// The commands, with Tencent's per-second limits and whether each may be
// repeated when its outcome is unknown:
//
//   - reads (get_*, search, group_get, account_check) are always repeatable;
//   - modify_group_attr (upsert), set_group_attr (replace all),
//     clear_group_attr and mark_contact (set or clear bits, set a custom
//     mark) leave the same state however often they run, so they are retried
//     after Tencent's try-again codes that say nothing was done — but not
//     after a lost answer (see doc.go: the caller re-reads);
//   - delete_group_attr is not: a retry after a lost success answers 10050,
//     which would report a failure that did not happen;
//   - creates and renames are never retried blindly (create/update/del
//     contact group, sns group_add/group_delete, create_group, friend_add,
//     friend_import): a second run would fail with "already exists" or
//     "does not exist", or make a second group. When their outcome is
//     unknown the caller gets an Error with MaybeApplied and must look first.
//   - friend_update sets a friend's remark, lists and custom fields to the
//     given values, so it is retried like the other idempotent writes
//     (after 30008, Tencent's write conflict, too); friend_get,
//     friend_check, group_get and recentcontact get_list are reads;
//   - after a write conflict (30008: nothing was made) a call that is not
//     safe to repeat (group_add, group_delete) is not repeated either: its
//     Error has RetryAfterRead, and the caller reads the state first;
//   - account_import and multiaccount_import are repeatable (importing twice
//     is not an error).
//
// Whatever the command, a request that never left (the connection was
// refused) is retried, and so are Tencent's try-again codes for repeatable
// commands.
var (
	opGetGroupAttr       = op{path: "group_open_attr_http_svc/get_group_attr", perSec: 200, repeatable: true}
	opModifyGroupAttr    = op{path: "group_open_http_svc/modify_group_attr", perSec: 200, repeatable: true, mutates: true, groupWrite: true}
	opSetGroupAttr       = op{path: "group_open_http_svc/set_group_attr", perSec: 200, repeatable: true, mutates: true, groupWrite: true}
	opDeleteGroupAttr    = op{path: "group_open_http_svc/delete_group_attr", perSec: 200, mutates: true, groupWrite: true}
	opClearGroupAttr     = op{path: "group_open_http_svc/clear_group_attr", perSec: 200, repeatable: true, mutates: true, groupWrite: true}
	opGetAppIDGroupList  = op{path: "group_open_http_svc/get_appid_group_list", perSec: 1, repeatable: true}
	opGetGroupInfo       = op{path: "group_open_http_svc/get_group_info", perSec: 200, repeatable: true}
	opCreateGroup        = op{path: "group_open_http_svc/create_group", perSec: 200, mutates: true}
	opCreateContactGroup = op{path: "recentcontact/create_contact_group", perSec: 200, mutates: true}
	opUpdateContactGroup = op{path: "recentcontact/update_contact_group", perSec: 200, mutates: true}
	opDelContactGroup    = op{path: "recentcontact/del_contact_group", perSec: 200, mutates: true}
	opGetContactGroup    = op{path: "recentcontact/get_contact_group", perSec: 200, repeatable: true}
	opSearchContactGroup = op{path: "recentcontact/search_contact_group", perSec: 200, repeatable: true}
	opMarkContact        = op{path: "recentcontact/mark_contact", perSec: 200, repeatable: true, mutates: true}
	opFriendListAdd      = op{path: "sns/group_add", perSec: 200, mutates: true}
	opFriendListDelete   = op{path: "sns/group_delete", perSec: 200, mutates: true}
	opFriendListGet      = op{path: "sns/group_get", perSec: 200, repeatable: true}
	opFriendAdd          = op{path: "sns/friend_add", perSec: 200, mutates: true}
	opFriendImport       = op{path: "sns/friend_import", perSec: 200, mutates: true}
	opFriendGet          = op{path: "sns/friend_get", perSec: 200, repeatable: true}
	opFriendCheck        = op{path: "sns/friend_check", perSec: 200, repeatable: true}
	opFriendUpdate       = op{path: "sns/friend_update", perSec: 200, repeatable: true, mutates: true}
	opRecentList         = op{path: "recentcontact/get_list", perSec: 200, repeatable: true}
	opAccountCheck       = op{path: "im_open_login_svc/account_check", perSec: 100, repeatable: true}
	opAccountImport      = op{path: "im_open_login_svc/account_import", perSec: 200, repeatable: true, mutates: true}
	opMultiAccountImport = op{path: "im_open_login_svc/multiaccount_import", perSec: 200, repeatable: true, mutates: true}
)

// call makes a call whose answer decodes into a T.
func call[T any](ctx context.Context, c *Client, o op, req any) (*T, error) {
	var resp T
	if err := c.call(ctx, o, "", req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// ---- Group custom attributes (spec §1) ----

// Attr is a group custom attribute. Tencent spells these fields in lower case.
type Attr struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type attrKey struct {
	Key string `json:"key"`
}

type groupAttrRequest struct {
	GroupID   string `json:"GroupId"`
	GroupAttr any    `json:"GroupAttr,omitempty"`
}

// GetGroupAttr returns a group's attributes (never nil).
func (c *Client) GetGroupAttr(ctx context.Context, groupID string) ([]Attr, error) {
	var resp struct {
		GroupAttrAry []Attr `json:"GroupAttrAry"`
	}
	if err := c.call(ctx, opGetGroupAttr, groupID, groupAttrRequest{GroupID: groupID}, &resp); err != nil {
		return nil, err
	}
	if resp.GroupAttrAry == nil {
		resp.GroupAttrAry = []Attr{}
	}
	return resp.GroupAttrAry, nil
}

// ModifyGroupAttr adds or overwrites the given attributes.
func (c *Client) ModifyGroupAttr(ctx context.Context, groupID string, attrs []Attr) error {
	return c.call(ctx, opModifyGroupAttr, groupID, groupAttrRequest{groupID, attrs}, nil)
}

// SetGroupAttr replaces all of a group's attributes with attrs.
func (c *Client) SetGroupAttr(ctx context.Context, groupID string, attrs []Attr) error {
	return c.call(ctx, opSetGroupAttr, groupID, groupAttrRequest{groupID, attrs}, nil)
}

// DeleteGroupAttr deletes the given keys; one unknown key fails the call.
func (c *Client) DeleteGroupAttr(ctx context.Context, groupID string, keys []string) error {
	items := make([]attrKey, len(keys))
	for i, k := range keys {
		items[i] = attrKey{k}
	}
	return c.call(ctx, opDeleteGroupAttr, groupID, groupAttrRequest{groupID, items}, nil)
}

// ClearGroupAttr removes all of a group's attributes (not for Community groups).
func (c *Client) ClearGroupAttr(ctx context.Context, groupID string) error {
	return c.call(ctx, opClearGroupAttr, groupID, groupAttrRequest{GroupID: groupID}, nil)
}

// ---- Groups (spec §4.2–4.4) ----

// GetAppIDGroupListRequest pages through the app's groups. Next is 0 at first.
type GetAppIDGroupListRequest struct {
	Limit     int    `json:"Limit,omitempty"`
	Next      uint64 `json:"Next,omitempty"`
	GroupType string `json:"GroupType,omitempty"`
}

type GetAppIDGroupListResponse struct {
	TotalCount  int `json:"TotalCount"`
	GroupIDList []struct {
		GroupID string `json:"GroupId"`
	} `json:"GroupIdList"`
	Next uint64 `json:"Next"` // 0 when there is no more
}

// GetAppIDGroupList lists the app's groups; Tencent allows one call a second.
func (c *Client) GetAppIDGroupList(ctx context.Context, req GetAppIDGroupListRequest) (*GetAppIDGroupListResponse, error) {
	return call[GetAppIDGroupListResponse](ctx, c, opGetAppIDGroupList, req)
}

type GetGroupInfoRequest struct {
	GroupIDList    []string        `json:"GroupIdList"`
	ResponseFilter *ResponseFilter `json:"ResponseFilter,omitempty"`
}

type ResponseFilter struct {
	GroupBaseInfoFilter []string `json:"GroupBaseInfoFilter,omitempty"`
	// MemberInfoFilter asks for the member list with these fields (Role,
	// JoinTime, …); AppDefinedDataFilterGroup for these AppDefinedData keys.
	MemberInfoFilter          []string `json:"MemberInfoFilter,omitempty"`
	AppDefinedDataFilterGroup []string `json:"AppDefinedDataFilter_Group,omitempty"`
}

// GroupInfo is one group of get_group_info; ErrorCode is per group.
type GroupInfo struct {
	GroupID         string `json:"GroupId"`
	ErrorCode       int    `json:"ErrorCode"`
	ErrorInfo       string `json:"ErrorInfo"`
	Type            string `json:"Type"`
	Name            string `json:"Name"`
	Introduction    string `json:"Introduction"`
	Notification    string `json:"Notification"`
	FaceURL         string `json:"FaceUrl"`
	OwnerAccount    string `json:"Owner_Account"`
	CreateTime      int64  `json:"CreateTime"`
	MemberNum       int    `json:"MemberNum"`
	MaxMemberNum    int    `json:"MaxMemberNum"`
	ApplyJoinOption string `json:"ApplyJoinOption"`
	// MuteAllMember is On or Off. The current page names it MuteAllMember;
	// the Chinese page and older answers ShutUpAllMember: either is read.
	MuteAllMember string `json:"MuteAllMember"`

	MemberList     []GroupMemberInfo `json:"MemberList"`
	AppDefinedData []AppDefinedDatum `json:"AppDefinedData"`
}

// GroupMemberInfo is one member in get_group_info's MemberList.
type GroupMemberInfo struct {
	MemberAccount string `json:"Member_Account"`
	Role          string `json:"Role"`
	JoinTime      int64  `json:"JoinTime"`
	MuteUntil     int64  `json:"MuteUntil"` // or ShutUpUntil, the older name
	NameCard      string `json:"NameCard"`
}

// UnmarshalJSON reads MuteAllMember under either of its names.
func (g *GroupInfo) UnmarshalJSON(b []byte) error {
	type plain GroupInfo
	var aux struct {
		plain
		ShutUpAllMember string `json:"ShutUpAllMember"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*g = GroupInfo(aux.plain)
	if g.MuteAllMember == "" {
		g.MuteAllMember = aux.ShutUpAllMember
	}
	return nil
}

// UnmarshalJSON reads MuteUntil under either of its names.
func (m *GroupMemberInfo) UnmarshalJSON(b []byte) error {
	type plain GroupMemberInfo
	var aux struct {
		plain
		ShutUpUntil *int64 `json:"ShutUpUntil"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*m = GroupMemberInfo(aux.plain)
	if m.MuteUntil == 0 && aux.ShutUpUntil != nil {
		m.MuteUntil = *aux.ShutUpUntil
	}
	return nil
}

// AppDefinedDatum is a group's custom field: capitalised Key and Value,
// unlike an attribute's key and value.
type AppDefinedDatum struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type GetGroupInfoResponse struct {
	GroupInfo []GroupInfo `json:"GroupInfo"`
}

// GetGroupInfo describes up to 50 groups; a missing group is reported in its
// own GroupInfo's ErrorCode, not as an error.
func (c *Client) GetGroupInfo(ctx context.Context, req GetGroupInfoRequest) (*GetGroupInfoResponse, error) {
	return call[GetGroupInfoResponse](ctx, c, opGetGroupInfo, req)
}

type CreateGroupRequest struct {
	Type         string        `json:"Type"`
	Name         string        `json:"Name"`
	GroupID      string        `json:"GroupId,omitempty"`
	OwnerAccount string        `json:"Owner_Account,omitempty"`
	Introduction string        `json:"Introduction,omitempty"`
	Notification string        `json:"Notification,omitempty"`
	MemberList   []GroupMember `json:"MemberList,omitempty"`
}

type GroupMember struct {
	MemberAccount string `json:"Member_Account"`
}

// CreateGroup creates a group and returns its ID. Never retried blindly.
func (c *Client) CreateGroup(ctx context.Context, req CreateGroupRequest) (string, error) {
	var resp struct {
		GroupID string `json:"GroupId"`
	}
	if err := c.call(ctx, opCreateGroup, "", req, &resp); err != nil {
		return "", err
	}
	return resp.GroupID, nil
}

// ---- Conversation groups and marks (spec §2) ----

// Conversation types.
const (
	ConvC2C   = 1
	ConvGroup = 2
)

// ContactItem names a conversation: with a user (Type 1, To_Account) or in a
// group (Type 2, ToGroupId).
type ContactItem struct {
	Type      int    `json:"Type"`
	ToAccount string `json:"To_Account,omitempty"`
	ToGroupID string `json:"ToGroupId,omitempty"`
}

// ConversationGroup is a conversation group; its id is Tencent's integer.
type ConversationGroup struct {
	GroupName string `json:"GroupName"`
	GroupID   int    `json:"GroupId"`
}

// ContactResult is a per-item result.
type ContactResult struct {
	ContactItem ContactItem `json:"ContactItem"`
	ResultCode  int         `json:"ResultCode"`
	ResultInfo  string      `json:"ResultInfo"`
}

type CreateContactGroupResponse struct {
	GroupResultItem []struct {
		GroupItem  ConversationGroup `json:"GroupItem"`
		ResultItem []ContactResult   `json:"ResultItem"`
	} `json:"GroupResultItem"`
}

// CreateContactGroup creates one conversation group for user, holding the
// given conversations. Never retried blindly.
func (c *Client) CreateContactGroup(ctx context.Context, user, name string, items []ContactItem) (*CreateContactGroupResponse, error) {
	if items == nil {
		items = []ContactItem{}
	}
	req := map[string]any{"From_Account": user, "GroupContactItem": []any{map[string]any{"GroupName": name, "ContactItem": items}}}
	return call[CreateContactGroupResponse](ctx, c, opCreateContactGroup, req)
}

// Update kinds of update_contact_group.
const (
	UpdateRename        = 1
	UpdateConversations = 2
	ContactAdd          = 1
	ContactRemove       = 2
)

type ContactUpdate struct {
	ContactOptType int         `json:"ContactOptType"`
	ContactItem    ContactItem `json:"ContactItem"`
}

type UpdateContactGroupRequest struct {
	FromAccount string
	// UpdateGroupType is UpdateRename (with NewGroupName) or
	// UpdateConversations (with Items).
	UpdateGroupType int
	OldGroupName    string
	NewGroupName    string
	Items           []ContactUpdate
}

type UpdateContactGroupResponse struct {
	UpdateType        int `json:"UpdateType"`
	UpdateGroupResult struct {
		UpdateGroupType   int    `json:"UpdateGroupType"`
		GroupName         string `json:"GroupName"`
		GroupID           int    `json:"GroupId"`
		OldGroupName      string `json:"OldGroupName"`
		ContactResultItem []struct {
			ContactOptType int         `json:"ContactOptType"`
			ContactItem    ContactItem `json:"ContactItem"`
			ResultCode     int         `json:"ResultCode"`
			ResultInfo     string      `json:"ResultInfo"`
		} `json:"ContactResultItem"`
	} `json:"UpdateGroupResult"`
}

// UpdateContactGroup renames a conversation group or adds and removes its
// conversations. Never retried blindly (a repeated rename fails).
func (c *Client) UpdateContactGroup(ctx context.Context, req UpdateContactGroupRequest) (*UpdateContactGroupResponse, error) {
	group := map[string]any{"UpdateGroupType": req.UpdateGroupType, "OldGroupName": req.OldGroupName}
	if req.NewGroupName != "" {
		group["NewGroupName"] = req.NewGroupName
	}
	if len(req.Items) > 0 {
		group["ContactUpdateItem"] = req.Items
	}
	body := map[string]any{"From_Account": req.FromAccount, "UpdateType": 1, "UpdateGroup": group}
	return call[UpdateContactGroupResponse](ctx, c, opUpdateContactGroup, body)
}

// DelContactGroup deletes one conversation group and returns it.
func (c *Client) DelContactGroup(ctx context.Context, user, name string) ([]ConversationGroup, error) {
	var resp struct {
		GroupItem []ConversationGroup `json:"GroupItem"`
	}
	req := map[string]any{"From_Account": user, "GroupName": []string{name}}
	if err := c.call(ctx, opDelContactGroup, "", req, &resp); err != nil {
		return nil, err
	}
	return resp.GroupItem, nil
}

// Conversation is a conversation with its groups and marks.
type Conversation struct {
	ContactItem
	StandardMark   string `json:"StandardMark"`
	CustomMark     string `json:"CustomMark"`
	ContactGroupID []int  `json:"ContactGroupId"`
	Timestamp      int64  `json:"Timestamp"`
}

type GetContactGroupResponse struct {
	ContactItem    []Conversation      `json:"ContactItem"`
	GroupItem      []ConversationGroup `json:"GroupItem"`
	CompleteFlag   int                 `json:"CompleteFlag"`
	NextStartIndex int                 `json:"NextStartIndex"`
}

// GetContactGroup returns one page of a user's conversation groups and
// grouped or marked conversations; start at 0, then NextStartIndex until
// CompleteFlag is 1.
func (c *Client) GetContactGroup(ctx context.Context, user string, startIndex int) (*GetContactGroupResponse, error) {
	req := map[string]any{"From_Account": user, "StartIndex": startIndex}
	return call[GetContactGroupResponse](ctx, c, opGetContactGroup, req)
}

type SearchContactGroupResponse struct {
	ContactResultItem []Conversation      `json:"ContactResultItem"`
	GroupItem         []ConversationGroup `json:"GroupItem"`
}

// SearchContactGroup looks up the groups and marks of up to 300 conversations.
func (c *Client) SearchContactGroup(ctx context.Context, user string, items []ContactItem) (*SearchContactGroupResponse, error) {
	req := map[string]any{"From_Account": user, "ContactItem": items}
	return call[SearchContactGroupResponse](ctx, c, opSearchContactGroup, req)
}

// Mark kinds of mark_contact.
const (
	MarkStandard = 1
	MarkCustom   = 2
	MarkBoth     = 3
)

type MarkItem struct {
	OptType     int         `json:"OptType"`
	ContactItem ContactItem `json:"ContactItem"`
	SetMark     []int       `json:"SetMark,omitempty"`
	ClearMark   []int       `json:"ClearMark,omitempty"`
	CustomMark  *string     `json:"CustomMark,omitempty"`
}

type MarkResult struct {
	OptType     int         `json:"OptType"`
	ContactItem ContactItem `json:"ContactItem"`
	ResultCode  int         `json:"ResultCode"`
	ResultInfo  string      `json:"ResultInfo"`
}

// MarkContact sets or clears marks on up to 100 conversations.
func (c *Client) MarkContact(ctx context.Context, user string, items []MarkItem) ([]MarkResult, error) {
	var resp struct {
		ResultItem []MarkResult `json:"ResultItem"`
	}
	req := map[string]any{"From_Account": user, "MarkItem": items}
	if err := c.call(ctx, opMarkContact, "", req, &resp); err != nil {
		return nil, err
	}
	return resp.ResultItem, nil
}

// ---- Friend lists (spec §3) ----

// AccountResult is a per-account result of the sns family.
type AccountResult struct {
	ToAccount  string `json:"To_Account"`
	ResultCode int    `json:"ResultCode"`
	ResultInfo string `json:"ResultInfo"`
}

type FriendListAddResponse struct {
	ResultItem      []AccountResult `json:"ResultItem"`
	FailAccount     []string        `json:"Fail_Account"`
	CurrentSequence uint64          `json:"CurrentSequence"`
}

// AddFriendLists creates up to 32 friend lists for user and puts the given
// friends in them; a friend who is not one fails alone (32216 in
// ResultItem, listed in FailAccount). Never retried blindly.
func (c *Client) AddFriendLists(ctx context.Context, user string, names, friends []string) (*FriendListAddResponse, error) {
	req := map[string]any{"From_Account": user, "GroupName": names}
	if len(friends) > 0 {
		req["To_Account"] = friends
	}
	return call[FriendListAddResponse](ctx, c, opFriendListAdd, req)
}

// DeleteFriendLists deletes friend lists and returns the new CurrentSequence.
func (c *Client) DeleteFriendLists(ctx context.Context, user string, names []string) (uint64, error) {
	var resp struct {
		CurrentSequence uint64 `json:"CurrentSequence"`
	}
	if err := c.call(ctx, opFriendListDelete, "", map[string]any{"From_Account": user, "GroupName": names}, &resp); err != nil {
		return 0, err
	}
	return resp.CurrentSequence, nil
}

type FriendListGetRequest struct {
	FromAccount  string
	LastSequence uint64 // 0 (not sent): every list; else nothing when unchanged
	NeedFriend   bool   // include members (only without GroupName)
	GroupName    []string
}

// FriendList is one list of group_get.
type FriendList struct {
	GroupName    string   `json:"GroupName"`
	FriendNumber int      `json:"FriendNumber"`
	ToAccount    []string `json:"To_Account"`
}

type FriendListGetResponse struct {
	ResultItem      []FriendList `json:"ResultItem"`
	CurrentSequence uint64       `json:"CurrentSequence"`
}

// GetFriendLists returns a user's friend lists: all of them (with members
// when NeedFriend) when GroupName is empty and LastSequence is 0 or older
// than the current one, or the named ones. Tencent's current group_get page
// has no LastSequence; it is sent only when not 0.
func (c *Client) GetFriendLists(ctx context.Context, req FriendListGetRequest) (*FriendListGetResponse, error) {
	body := map[string]any{"From_Account": req.FromAccount}
	if req.LastSequence != 0 {
		body["LastSequence"] = req.LastSequence
	}
	if len(req.GroupName) > 0 {
		body["GroupName"] = req.GroupName
	} else if req.NeedFriend {
		body["NeedFriend"] = "Need_Friend_Type_Yes"
	}
	return call[FriendListGetResponse](ctx, c, opFriendListGet, body)
}

// ---- Accounts and friends, for seeding (spec §4.1, §4.5) ----

type AccountStatus struct {
	UserID        string `json:"UserID"`
	ResultCode    int    `json:"ResultCode"`
	ResultInfo    string `json:"ResultInfo"`
	AccountStatus string `json:"AccountStatus"` // Imported or NotImported
}

// AccountCheck reports whether up to 100 users are imported.
func (c *Client) AccountCheck(ctx context.Context, userIDs []string) ([]AccountStatus, error) {
	items := make([]map[string]string, len(userIDs))
	for i, id := range userIDs {
		items[i] = map[string]string{"UserID": id}
	}
	var resp struct {
		ResultItem []AccountStatus `json:"ResultItem"`
	}
	if err := c.call(ctx, opAccountCheck, "", map[string]any{"CheckItem": items}, &resp); err != nil {
		return nil, err
	}
	return resp.ResultItem, nil
}

// AccountImport imports one user; importing an existing one is not an error.
func (c *Client) AccountImport(ctx context.Context, userID, nick string) error {
	req := map[string]string{"UserID": userID}
	if nick != "" {
		req["Nick"] = nick
	}
	return c.call(ctx, opAccountImport, "", req, nil)
}

// MultiAccountImport imports up to 100 users and returns those that failed.
func (c *Client) MultiAccountImport(ctx context.Context, userIDs []string) ([]string, error) {
	var resp struct {
		FailAccounts []string `json:"FailAccounts"`
	}
	if err := c.call(ctx, opMultiAccountImport, "", map[string]any{"Accounts": userIDs}, &resp); err != nil {
		return nil, err
	}
	return resp.FailAccounts, nil
}

// FriendItem is one friend to add or import. Lists are the friend lists to
// put the friend in (friend_add takes at most one).
type FriendItem struct {
	ToAccount string
	AddSource string // must start with AddSource_Type_
	Remark    string
	Lists     []string
}

type FriendResponse struct {
	ResultItem  []AccountResult `json:"ResultItem"`
	FailAccount []string        `json:"Fail_Account"`
}

// friendItems is the wire form of items; friend_add takes one list name as
// a string, friend_import a list of names.
func friendItems(items []FriendItem, oneList bool) []map[string]any {
	wire := make([]map[string]any, len(items))
	for i, it := range items {
		w := map[string]any{"To_Account": it.ToAccount, "AddSource": it.AddSource}
		if it.Remark != "" {
			w["Remark"] = it.Remark
		}
		switch {
		case len(it.Lists) == 0:
		case oneList:
			w["GroupName"] = it.Lists[0]
		default:
			w["GroupName"] = it.Lists
		}
		wire[i] = w
	}
	return wire
}

// FriendAdd makes friends, both ways when both is true. Never retried blindly.
func (c *Client) FriendAdd(ctx context.Context, user string, items []FriendItem, both bool) (*FriendResponse, error) {
	addType := "Add_Type_Single"
	if both {
		addType = "Add_Type_Both"
	}
	req := map[string]any{"From_Account": user, "AddFriendItem": friendItems(items, true), "AddType": addType, "ForceAddFlags": 1}
	return call[FriendResponse](ctx, c, opFriendAdd, req)
}

// FriendImport imports one-way friendships. Never retried blindly.
func (c *Client) FriendImport(ctx context.Context, user string, items []FriendItem) (*FriendResponse, error) {
	return call[FriendResponse](ctx, c, opFriendImport, map[string]any{"From_Account": user, "AddFriendItem": friendItems(items, false)})
}

// ---- Friends (sns friend_get, friend_check, friend_update) ----

// Friend-data tags of Tencent's relationship chain.
const (
	TagRemark     = "Tag_SNS_IM_Remark"
	TagGroup      = "Tag_SNS_IM_Group" // the friend lists holding the friend
	TagAddSource  = "Tag_SNS_IM_AddSource"
	TagAddTime    = "Tag_SNS_IM_AddTime"
	TagAddWording = "Tag_SNS_IM_AddWording"
)

// TagValue is one friend-data field; Value is a string, a number or (for
// Tag_SNS_IM_Group) an array of list names.
type TagValue struct {
	Tag   string          `json:"Tag"`
	Value json.RawMessage `json:"Value"`
}

// FriendData is one friend of friend_get.
type FriendData struct {
	ToAccount string     `json:"To_Account"`
	ValueItem []TagValue `json:"ValueItem"`
}

// Lists returns the friend lists holding the friend (Tag_SNS_IM_Group).
func (f FriendData) Lists() []string {
	for _, v := range f.ValueItem {
		if v.Tag == TagGroup {
			var names []string
			_ = json.Unmarshal(v.Value, &names)
			return names
		}
	}
	return nil
}

// Remark returns the friend's remark (Tag_SNS_IM_Remark).
func (f FriendData) Remark() string {
	for _, v := range f.ValueItem {
		if v.Tag == TagRemark {
			var r string
			_ = json.Unmarshal(v.Value, &r)
			return r
		}
	}
	return ""
}

type FriendGetResponse struct {
	UserDataItem     []FriendData `json:"UserDataItem"`
	StandardSequence uint64       `json:"StandardSequence"`
	CustomSequence   uint64       `json:"CustomSequence"`
	FriendNum        int          `json:"FriendNum"`
	CompleteFlag     int          `json:"CompleteFlag"`   // 1 on the last page
	NextStartIndex   int          `json:"NextStartIndex"` // StartIndex of the next page
}

// GetFriends returns one page of a user's friends with their relationship
// data, starting at startIndex (0 first, then NextStartIndex).
func (c *Client) GetFriends(ctx context.Context, user string, startIndex int) (*FriendGetResponse, error) {
	return call[FriendGetResponse](ctx, c, opFriendGet, map[string]any{"From_Account": user, "StartIndex": startIndex})
}

// FriendCheck is one result of friend_check; Relation is one of
// CheckResult_Type_BothWay, _AWithB, _BWithA, _NoRelation.
type FriendCheck struct {
	ToAccount  string `json:"To_Account"`
	Relation   string `json:"Relation"`
	ResultCode int    `json:"ResultCode"`
	ResultInfo string `json:"ResultInfo"`
}

type FriendCheckResponse struct {
	InfoItem    []FriendCheck `json:"InfoItem"`
	FailAccount []string      `json:"Fail_Account"`
}

// CheckFriends tells how user relates to up to 1000 accounts: both ways
// (both) or only whether they are in user's friend list.
func (c *Client) CheckFriends(ctx context.Context, user string, ids []string, both bool) (*FriendCheckResponse, error) {
	checkType := "CheckResult_Type_Single"
	if both {
		checkType = "CheckResult_Type_Both"
	}
	return call[FriendCheckResponse](ctx, c, opFriendCheck, map[string]any{"From_Account": user, "To_Account": ids, "CheckType": checkType})
}

// FriendUpdate changes one friend's data: a nil field is left as it is.
// Lists replaces the friend lists holding the friend (Tag_SNS_IM_Group);
// an empty, non-nil slice takes the friend out of every list.
type FriendUpdate struct {
	ToAccount string
	Remark    *string
	Lists     []string
}

// UpdateFriends updates up to 100 friends of user; a friend who is not one
// fails alone (ResultItem, FailAccount).
func (c *Client) UpdateFriends(ctx context.Context, user string, updates []FriendUpdate) (*FriendResponse, error) {
	items := make([]map[string]any, len(updates))
	for i, u := range updates {
		sns := []map[string]any{}
		if u.Remark != nil {
			sns = append(sns, map[string]any{"Tag": TagRemark, "Value": *u.Remark})
		}
		if u.Lists != nil {
			sns = append(sns, map[string]any{"Tag": TagGroup, "Value": u.Lists})
		}
		items[i] = map[string]any{"To_Account": u.ToAccount, "SnsItem": sns}
	}
	return call[FriendResponse](ctx, c, opFriendUpdate, map[string]any{"From_Account": user, "UpdateItem": items})
}

// ---- Conversation list (recentcontact get_list) ----

// RecentListRequest pages a user's conversation list: zeros for the first
// page, then the values the previous answer returned.
type RecentListRequest struct {
	FromAccount   string `json:"From_Account"`
	TimeStamp     int64  `json:"TimeStamp"`
	StartIndex    int    `json:"StartIndex"`
	TopTimeStamp  int64  `json:"TopTimeStamp"`
	TopStartIndex int    `json:"TopStartIndex"`
	// AssistFlags: bit 0 pinned conversations (TopFlag), bit 1 empty
	// conversations too, bit 2 pinned conversations paged separately.
	AssistFlags int `json:"AssistFlags"`
}

// Session is one conversation: To_Account for a one-to-one chat (Type 1),
// GroupId for a group (Type 2).
type Session struct {
	Type      int    `json:"Type"`
	ToAccount string `json:"To_Account,omitempty"`
	GroupID   string `json:"GroupId,omitempty"`
	MsgTime   int64  `json:"MsgTime"`
	TopFlag   int    `json:"TopFlag"`
}

type RecentListResponse struct {
	SessionItem   []Session `json:"SessionItem"`
	CompleteFlag  int       `json:"CompleteFlag"`
	TimeStamp     int64     `json:"TimeStamp"`
	StartIndex    int       `json:"StartIndex"`
	TopTimeStamp  int64     `json:"TopTimeStamp"`
	TopStartIndex int       `json:"TopStartIndex"`
}

// GetRecentList returns one page of a user's conversation list.
func (c *Client) GetRecentList(ctx context.Context, req RecentListRequest) (*RecentListResponse, error) {
	return call[RecentListResponse](ctx, c, opRecentList, req)
}
