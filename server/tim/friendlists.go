package tim

import (
	"context"
	"encoding/json"
)

// ---- Friend lists (spec §3) ----

// AccountResult is a per-account result of the sns family.
type AccountResult struct {
	ToAccount  string `json:"To_Account"`
	ResultCode int    `json:"ResultCode"`
	ResultInfo string `json:"ResultInfo"`
}

type FriendListAddResponse struct {
	FriendResponse
	CurrentSequence uint64 `json:"CurrentSequence"`
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

// ---- Friends, for seeding (sns friend_add, friend_import) ----

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
