package tim

import (
	"context"
	"encoding/json"
)

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
	MemberAccount string            `json:"Member_Account"`
	Role          string            `json:"Role"`
	JoinTime      int64             `json:"JoinTime"`
	MuteUntil     int64             `json:"MuteUntil"` // or ShutUpUntil, the older name; 4294967295: until unmuted
	NameCard      string            `json:"NameCard"`
	Data          []AppDefinedDatum `json:"AppMemberDefinedData"`
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
