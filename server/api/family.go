package api

import "slices"

// What every family shares: the per-item results of a change, and the
// names both sides switch on — the audit actions and the answers the app
// reads — as constants, so that the server and the app cannot disagree on
// a string.

// ItemResult is Tencent's answer for one item of a change that Tencent
// answers item by item (a conversation, a friend): whether it was made,
// and if not, Tencent's code and a sentence. An item the panel refused
// before sending (a user who does not exist) has no code. Type is "user"
// or "group" where a family's items are of both kinds (conversations),
// and empty where they are always users (friends).
type ItemResult struct {
	Type    string `json:"type,omitempty"`
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	OK      bool   `json:"ok"`
	Code    int    `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Say     Phrase `json:"-"` // Message before it is said in the reader's language
}

// UserState is what the state of a family whose target is a user holds
// besides its data: whose it is, its version (send it back in If-Match to
// be told when someone else changed it meanwhile), and, in the answer to a
// change, the per-item results.
type UserState struct {
	UserID  string       `json:"userId"`
	Version string       `json:"version"`
	Results []ItemResult `json:"results,omitempty"`
}

// State is the UserState itself: through it code generic over the types
// that embed a UserState reaches it.
func (u *UserState) State() *UserState { return u }

// Label names the item in the audit log: "user bob", or "bob".
func (r ItemResult) Label() string {
	if r.Type == "" {
		return r.ID
	}
	return r.Type + " " + r.ID
}

// Audit actions of the families' changes and their undo. The audit log
// stores them, the audit page filters by them, the undo is chosen by them.
const (
	ActionAttributesPatch   = "group.attributes.patch"
	ActionAttributesReplace = "group.attributes.replace"
	ActionAttributesClear   = "group.attributes.clear"
	ActionAttributesRestore = "group.attributes.restore"

	ActionConvGroupsCreate   = "user.conversation-groups.create"
	ActionConvGroupsUpdate   = "user.conversation-groups.update"
	ActionConvGroupsDelete   = "user.conversation-groups.delete"
	ActionConvGroupsMarksSet = "user.conversation-marks.set"

	ActionFriendListsCreate = "user.friend-lists.create"
	ActionFriendListsUpdate = "user.friend-lists.update"
	ActionFriendListsRename = "user.friend-lists.rename"
	ActionFriendListsDelete = "user.friend-lists.delete"

	ActionGroupMembersChange  = "group.members.change"
	ActionGroupMembersRestore = "group.members.restore"
)

// Each family's actions, in the order the audit page offers them.
var (
	AttributesActions   = []string{ActionAttributesPatch, ActionAttributesReplace, ActionAttributesClear, ActionAttributesRestore}
	ConvGroupsActions   = []string{ActionConvGroupsCreate, ActionConvGroupsUpdate, ActionConvGroupsDelete, ActionConvGroupsMarksSet}
	FriendListsActions  = []string{ActionFriendListsCreate, ActionFriendListsUpdate, ActionFriendListsRename, ActionFriendListsDelete}
	GroupMembersActions = []string{ActionGroupMembersChange, ActionGroupMembersRestore}
)

// UndoableActions are the actions whose changes can be undone from the
// audit log; the server's undo table is checked against it.
var UndoableActions = slices.Concat(AttributesActions, GroupMembersActions)
