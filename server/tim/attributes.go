package tim

import (
	"context"
)

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
