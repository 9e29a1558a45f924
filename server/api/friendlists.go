package api

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
)

// Friend lists of a user (Tencent's relationship chain, the "sns"
// service): the lists (Tencent calls them groups: group_add, group_delete,
// group_get) and which of the user's friends each holds (the friend's
// Tag_SNS_IM_Group, set with friend_update). Friends stay friends whatever
// is done to the lists: imdesk never adds or removes a friend.
//
// Choices where Tencent's pages are silent or disagree:
//
//   - A list name is 1 to 30 bytes. "Relationship Chain Management"
//     (tencentcloud.com/document/product/1047/33521) says 30 for
//     Tag_SNS_IM_Group; "Adding Lists" (1047/34950) says nothing of names;
//     the same overview allows any relationship string 500 bytes. 30 is
//     accepted by all of them. Names are compared byte for byte (Tencent
//     documents no folding of case or width), must not be blank, and hold
//     no control characters.
//   - A user has at most 32 lists: the overview says so, and group_add and
//     group_delete take at most 32 names a call "since the maximum number of
//     groups is 32". Past it Tencent answers 30011 ("the number of lists has
//     reached the system limit", its relationship error table). A create is
//     split into calls of MaxListNamesPerCall names all the same (Parts), so
//     the panel keeps to the per-call limit whatever the per-user one.
//   - A create takes at most 1,000 friends (To_Account of one group_add);
//     each new list gets all of them. A friend who is not a friend of the
//     user is not refused first: Tencent fails that row alone (32216) and
//     the answer lists every row's result.
//   - Moving friends into or out of a list sets each friend's whole set of
//     lists (friend_update's Tag_SNS_IM_Group), computed from the state
//     before, 100 friends a call; at most 1,000 friends a request. Adding a
//     friend already in the list, or removing one who is not, is refused
//     as a sign that the page is out of date.
//   - Renaming: Tencent has no call for it. imdesk makes the new list with
//     the old one's friends (group_add with To_Account; friend_update for
//     any past the first 1,000), then deletes the old list (group_delete),
//     each step audited, all recorded as one action. The new list is made
//     first so that nothing is ever lost: if a step fails, both lists exist
//     (or, if the last answer was lost, perhaps only the new one) and the
//     answer says which; the moderator finishes the rename by deleting the
//     old list, or undoes it by deleting the new one. Because the new list
//     exists before the old one goes, a rename needs room for one more list:
//     a user with 32 lists must delete one first. A renamed list moves to
//     the end of the user's lists, where Tencent puts a new list.
const (
	MaxFriendLists          = 32   // per user (30011 past it)
	MaxFriendListNameBytes  = 30   // per name (30001 past it)
	MaxListNamesPerCall     = 32   // GroupName of one group_add or group_delete
	MaxListFriendsPerCall   = 1000 // To_Account of one group_add
	MaxFriendUpdatesPerCall = 100  // UpdateItem of one friend_update
	MaxFriendsPerChange     = 1000 // friends named in one create or move request
	MaxFriendsPerUser       = 3000 // Tencent's limit of a user's friends
)

// Friend is one of a user's friends; Name is their nickname, "" if none.
type Friend struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// FriendList is one friend list and the friends in it, by ID.
type FriendList struct {
	Name    string   `json:"name"`
	Friends []Friend `json:"friends"`
}

// FriendLists is a user's friend lists as the API shows them: the lists in
// Tencent's order, each with its friends, and the friends in no list.
// Version changes whenever any list, its members or the user's friends do
// (not when a nickname does).
type FriendLists struct {
	UserState
	Lists        []FriendList `json:"lists"`
	Unlisted     []Friend     `json:"unlisted"`
	FriendCount  int          `json:"friendCount"`
	MaxLists     int          `json:"maxLists"`
	MaxNameBytes int          `json:"maxNameBytes"`
}

// FriendListCreate is the body of POST …/friend-lists: lists to create,
// each with the same friends (optional).
type FriendListCreate struct {
	Names   []string `json:"names" api:"required"`
	Friends []string `json:"friends,omitempty"`
}

// FriendListUpdate is the body of PATCH …/friend-lists/{name}: friends to
// move into and out of the list, or (on its own) a new name.
type FriendListUpdate struct {
	Add    []string `json:"add,omitempty"`
	Remove []string `json:"remove,omitempty"`
	Rename *string  `json:"rename,omitempty"`
}

// FriendListDelete is the body of DELETE …/friend-lists: the lists to
// delete, in one call. Their friends stay friends.
type FriendListDelete struct {
	Names []string `json:"names" api:"required"`
}

// CheckFriendListName validates a friend list's name.
func CheckFriendListName(field, name string) *FieldError {
	return checkNewName(field, name, Say("Enter a name for the friend list."), MaxFriendListNameBytes)
}

func checkListNames(field string, names []string) *FieldError {
	if len(names) == 0 {
		return fieldErr(field, "Enter at least one name.")
	}
	if len(names) > MaxFriendLists {
		return fieldErr(field, "A user may have at most %d friend lists; %d names were given.", MaxFriendLists, len(names))
	}
	for i, n := range names {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := CheckFriendListName(f, n); err != nil {
			return err
		}
		if j := slices.Index(names[:i], n); j >= 0 {
			return fieldErr(f, "The name %q is given twice (names %d and %d).", n, j+1, i+1)
		}
	}
	return nil
}

// checkFriendIDs validates user IDs named in a request: each a valid ID,
// none twice, at most max of them.
func checkFriendIDs(field string, ids []string, max int) *FieldError {
	if len(ids) > max {
		return fieldErr(field, "At most %d friends at a time; there are %d.", max, len(ids))
	}
	for i, id := range ids {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := CheckUserID(id); err != nil {
			return err.At(f)
		}
		if slices.Contains(ids[:i], id) {
			return fieldErr(f, "%s is listed twice.", id)
		}
	}
	return nil
}

// Validate checks a create on its own.
func (c FriendListCreate) Validate() *FieldError {
	if err := checkListNames("names", c.Names); err != nil {
		return err
	}
	return checkFriendIDs("friends", c.Friends, MaxFriendsPerChange)
}

// Apply checks a create against the user's lists before and returns the
// lists after: the new lists at the end, each with those of the friends
// named who are the user's friends (Tencent refuses the others, 32216).
func (c FriendListCreate) Apply(before FriendLists) (FriendLists, *FieldError) {
	if err := cmp.Or(c.Validate(), checkNewLists(len(before.Lists), func(n string) bool { return before.List(n) != nil }, c.Names, MaxFriendLists,
		func(i int, n string) *FieldError {
			return fieldErr(fmt.Sprintf("names[%d]", i), "This user already has a friend list named %q.", n)
		},
		func(have, n int) *FieldError {
			return fieldErr("names", "A user may have at most %d friend lists; this user has %d, and this would make %d. Delete one first.",
				MaxFriendLists, have, n)
		})); err != nil {
		return before, err
	}
	after := before.clone()
	for _, n := range c.Names {
		after = after.withList(n, c.Friends)
	}
	return after.settle(before.Friends()), nil
}

// Parts splits the names into the calls Tencent takes: at most per names
// each (MaxListNamesPerCall).
func (c FriendListCreate) Parts(per int) [][]string {
	var out [][]string
	for part := range slices.Chunk(c.Names, max(per, 1)) {
		out = append(out, part)
	}
	return out
}

// Validate checks an update on its own: a rename alone, or friends to add
// and remove.
func (u FriendListUpdate) Validate() *FieldError {
	if u.Rename != nil {
		if len(u.Add) > 0 || len(u.Remove) > 0 {
			return fieldErr("rename", "Rename a list on its own, without adding or removing friends in the same change.")
		}
		return CheckFriendListName("rename", *u.Rename)
	}
	if len(u.Add) == 0 && len(u.Remove) == 0 {
		return fieldErr("add", "There is nothing to change.")
	}
	if n := len(u.Add) + len(u.Remove); n > MaxFriendsPerChange {
		return fieldErr("add", "At most %d friends at a time; there are %d.", MaxFriendsPerChange, n)
	}
	if err := checkFriendIDs("add", u.Add, MaxFriendsPerChange); err != nil {
		return err
	}
	if err := checkFriendIDs("remove", u.Remove, MaxFriendsPerChange); err != nil {
		return err
	}
	for i, id := range u.Remove {
		if slices.Contains(u.Add, id) {
			return fieldErr(fmt.Sprintf("remove[%d]", i), "%s cannot be both added and removed.", id)
		}
	}
	return nil
}

// Validate checks a delete on its own.
func (d FriendListDelete) Validate() *FieldError {
	if len(d.Names) == 0 {
		return fieldErr("names", "Choose at least one list to delete.")
	}
	if len(d.Names) > MaxListNamesPerCall {
		return fieldErr("names", "At most %d lists can be deleted at a time; %d were given.", MaxListNamesPerCall, len(d.Names))
	}
	for i, n := range d.Names {
		f := fmt.Sprintf("names[%d]", i)
		if n == "" {
			return fieldErr(f, "Enter the name of the list to delete.")
		}
		// The name of a list that exists: held to the rules of free
		// text, not of a new name, so that a list made elsewhere with,
		// say, a space at its end can still be deleted.
		if err := CheckText(f, Say("The name"), n); err != nil {
			return err
		}
		if slices.Contains(d.Names[:i], n) {
			return fieldErr(f, "The list %q is given twice.", n)
		}
	}
	return nil
}

// List returns the friend list named, or nil.
func (fl FriendLists) List(name string) *FriendList {
	return named(fl.Lists, name, func(l *FriendList) string { return l.Name })
}

// Friends returns all of the user's friends, by ID.
func (fl FriendLists) Friends() []Friend {
	seen := map[string]bool{}
	var out []Friend
	add := func(f Friend) {
		if !seen[f.ID] {
			seen[f.ID] = true
			out = append(out, f)
		}
	}
	for _, l := range fl.Lists {
		for _, f := range l.Friends {
			add(f)
		}
	}
	for _, f := range fl.Unlisted {
		add(f)
	}
	sortFriends(out)
	return out
}

// IsFriend reports whether id is one of the user's friends.
func (fl FriendLists) IsFriend(id string) bool {
	return slices.ContainsFunc(fl.Friends(), func(f Friend) bool { return f.ID == id })
}

// ListsOf names the lists that hold the friend, in the lists' order: the
// friend's Tag_SNS_IM_Group.
func (fl FriendLists) ListsOf(id string) []string {
	out := []string{}
	for _, l := range fl.Lists {
		if slices.ContainsFunc(l.Friends, func(f Friend) bool { return f.ID == id }) {
			out = append(out, l.Name)
		}
	}
	return out
}

// Move checks friends to add to and remove from the list named and
// returns the lists after. Friends named who are not the user's friends
// are left out of the lists after (Tencent refuses them, 32216).
func (fl FriendLists) Move(name string, add, remove []string) (FriendLists, *FieldError) {
	l := fl.List(name)
	if l == nil {
		return fl, fieldErr("name", "This user has no friend list named %q. Reload to see the current lists.", name)
	}
	in := func(id string) bool { return slices.ContainsFunc(l.Friends, func(f Friend) bool { return f.ID == id }) }
	for i, id := range add {
		if in(id) {
			return fl, fieldErr(fmt.Sprintf("add[%d]", i), "%s is in the list %q already. Reload to see the current lists.", id, name)
		}
	}
	for i, id := range remove {
		if !in(id) {
			return fl, fieldErr(fmt.Sprintf("remove[%d]", i), "%s is not in the list %q. Reload to see the current lists.", id, name)
		}
	}
	return fl.moved(name, add, remove), nil
}

// moved returns the lists after adding and removing friends of the list
// named, without checks.
func (fl FriendLists) moved(name string, add, remove []string) FriendLists {
	all, names := fl.Friends(), fl.names()
	after := fl.clone()
	l := after.List(name)
	if l == nil {
		return fl
	}
	for _, id := range add {
		if n, ok := names[id]; ok && !slices.ContainsFunc(l.Friends, func(f Friend) bool { return f.ID == id }) {
			l.Friends = append(l.Friends, Friend{ID: id, Name: n})
		}
	}
	l.Friends = slices.DeleteFunc(l.Friends, func(f Friend) bool { return slices.Contains(remove, f.ID) })
	sortFriends(l.Friends)
	return after.settle(all)
}

// MoveFriends returns the lists after adding and removing friends of the
// list named, without the checks of Move: the state one part of a checked
// change leaves.
func (fl FriendLists) MoveFriends(name string, add, remove []string) FriendLists {
	return fl.moved(name, add, remove)
}

// CheckRename checks renaming the list old to name against the lists.
func (fl FriendLists) CheckRename(old, name string) *FieldError {
	switch {
	case fl.List(old) == nil:
		return fieldErr("name", "This user has no friend list named %q. Reload to see the current lists.", old)
	case name == old:
		return fieldErr("rename", "The list is called %q already.", name)
	case fl.List(name) != nil:
		return fieldErr("rename", "This user already has a friend list named %q.", name)
	case len(fl.Lists) >= MaxFriendLists:
		return fieldErr("rename", "A rename makes the new list before it deletes the old one, and this user has %d friend lists, the most Tencent Cloud Chat allows. Delete a list first.", len(fl.Lists))
	}
	return nil
}

// WithList returns the lists after creating the list named with those of
// friends who are the user's friends, at the end.
func (fl FriendLists) WithList(name string, friends []string) FriendLists {
	return fl.clone().withList(name, friends).settle(fl.Friends())
}

func (fl FriendLists) withList(name string, friends []string) FriendLists {
	names := fl.names()
	l := FriendList{Name: name, Friends: []Friend{}}
	for _, id := range friends {
		if n, ok := names[id]; ok {
			l.Friends = append(l.Friends, Friend{ID: id, Name: n})
		}
	}
	sortFriends(l.Friends)
	fl.Lists = append(fl.Lists, l)
	return fl
}

// Delete checks deleting the lists named and returns the lists after; the
// lists' friends stay friends.
func (fl FriendLists) Delete(names []string) (FriendLists, *FieldError) {
	for i, n := range names {
		if fl.List(n) == nil {
			return fl, fieldErr(fmt.Sprintf("names[%d]", i), "This user has no friend list named %q. Reload to see the current lists.", n)
		}
	}
	after := fl.clone()
	after.Lists = slices.DeleteFunc(after.Lists, func(l FriendList) bool { return slices.Contains(names, l.Name) })
	return after.settle(fl.Friends()), nil
}

// names maps each friend's ID to their nickname.
func (fl FriendLists) names() map[string]string {
	out := map[string]string{}
	for _, f := range fl.Friends() {
		out[f.ID] = f.Name
	}
	return out
}

func (fl FriendLists) clone() FriendLists {
	out := fl
	out.Results = nil
	out.Lists = cloneLists(fl.Lists, func(l *FriendList) *[]Friend { return &l.Friends })
	for i := range out.Lists {
		if out.Lists[i].Friends == nil {
			out.Lists[i].Friends = []Friend{}
		}
	}
	out.Unlisted = slices.Clone(fl.Unlisted)
	return out
}

// settle puts those of all (the user's friends) who are in no list in
// Unlisted and counts the friends.
func (fl FriendLists) settle(all []Friend) FriendLists {
	listed := map[string]bool{}
	for _, l := range fl.Lists {
		for _, f := range l.Friends {
			listed[f.ID] = true
		}
	}
	fl.Unlisted = []Friend{}
	for _, f := range all {
		if !listed[f.ID] {
			fl.Unlisted = append(fl.Unlisted, f)
		}
	}
	fl.FriendCount = len(all)
	return fl
}

// sortFriends orders friends by ID. sort.Sort, not slices.SortFunc: the
// browser's app.wasm has sort.Sort already (go-app uses it), and a generic
// sort is 20 KB of code for each element type.
func sortFriends(fs []Friend) { sort.Sort(friendsByID(fs)) }

type friendsByID []Friend

func (s friendsByID) Len() int           { return len(s) }
func (s friendsByID) Less(i, j int) bool { return s[i].ID < s[j].ID }
func (s friendsByID) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }
