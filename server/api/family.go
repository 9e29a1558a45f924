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

// The families of a user's named lists — conversation groups, friend
// lists — find a list by its name, copy the lists before a change, and
// check a create against the lists the user has, the same way; these do
// it for both.

// named returns the list named among lists, or nil; nameOf is a list's
// name.
func named[L any](lists []L, name string, nameOf func(*L) string) *L {
	for i := range lists {
		if nameOf(&lists[i]) == name {
			return &lists[i]
		}
	}
	return nil
}

// cloneLists copies lists, each with a copy of its members (members
// points to a list's), so that a change to the copy leaves lists as they
// are.
func cloneLists[L, M any](lists []L, members func(*L) *[]M) []L {
	out := make([]L, len(lists))
	for i := range lists {
		out[i] = lists[i]
		m := members(&out[i])
		*m = slices.Clone(*m)
	}
	return out
}

// checkNewLists checks the names of the lists a create makes against the
// user's have lists: no name is one of them already (exists tells,
// taken says so of the ith name), and all fit within max (full says so,
// given how many the user has and would have).
func checkNewLists(have int, exists func(name string) bool, names []string, max int,
	taken func(i int, name string) *FieldError, full func(have, after int) *FieldError) *FieldError {
	for i, n := range names {
		if exists(n) {
			return taken(i, n)
		}
	}
	if have+len(names) > max {
		return full(have, have+len(names))
	}
	return nil
}
