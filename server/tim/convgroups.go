package tim

import (
	"context"
)

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
