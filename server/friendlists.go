package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/tim"
)

// The friend lists family: a user's friend lists and which of their
// friends each holds (Tencent's sns service), a change at a time through
// runChange. The state S of a change is the user's api.FriendLists: every
// list with its friends, and the friends in no list. What imdesk chose
// where Tencent's pages are silent (name limit, lists per user, renames)
// is written in server/api/friendlists.go.
//
// The calls: group_add creates lists (at most 32 names a call, each with
// the same To_Account, at most 1,000); group_delete deletes lists;
// friend_update with Tag_SNS_IM_Group sets the whole set of lists of a
// friend (100 friends a call), which is how friends move into and out of a
// list; group_get and every page of friend_get read the state. Tencent
// answers group_add and friend_update with a result per friend: a friend
// it refused (32216, not a friend of the user) fails alone. The answer
// lists each friend's result, the audit outcome's detail names those that
// failed and why, and the state in the answer is read again from Tencent.
//
// Renaming is a create and a delete (Tencent has no rename): see
// renameFriendList.

// friendListsVersion identifies a user's lists, their members and the user's
// friends; nicknames are left out, so a nickname changed elsewhere does not
// make the moderator's change a conflict.
func friendListsVersion(fl api.FriendLists) string {
	type list struct {
		N string
		F []string
	}
	var v struct {
		L []list
		U []string
	}
	for _, l := range fl.Lists {
		v.L = append(v.L, list{l.Name, friendIDs(l.Friends)})
	}
	v.U = friendIDs(fl.Unlisted)
	return versionOf(v)
}

func friendIDs(fs []api.Friend) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

// namesPerCall is how many list names one group_add takes.
func (s *Server) namesPerCall() int {
	if s.listNamesPerCall > 0 {
		return s.listNamesPerCall
	}
	return api.MaxListNamesPerCall
}

// readFriendLists reads a user's friend lists with their members
// (group_get with NeedFriend), every page of the user's friends
// (friend_get), and the friends' nicknames (portrait_get, 100 a call).
// Lists keep Tencent's order; friends are sorted by ID.
func (s *Server) readFriendLists(ctx context.Context, user string) (api.FriendLists, error) {
	out := api.FriendLists{UserState: api.UserState{UserID: user}, Lists: []api.FriendList{}, Unlisted: []api.Friend{},
		MaxLists: api.MaxFriendLists, MaxNameBytes: api.MaxFriendListNameBytes}
	friends := map[string]bool{}
	for start := 0; ; {
		page, err := s.tim.GetFriends(ctx, user, start)
		if err != nil {
			return out, err
		}
		for _, f := range page.UserDataItem {
			friends[f.ToAccount] = true
		}
		if page.CompleteFlag == 1 || page.NextStartIndex <= start || len(page.UserDataItem) == 0 {
			break
		}
		start = page.NextStartIndex
	}
	lists, err := s.tim.GetFriendLists(ctx, tim.FriendListGetRequest{FromAccount: user, NeedFriend: true})
	if err != nil {
		return out, err
	}
	// A list's member who is not (any more) a friend is shown all the
	// same: the page shows what Tencent holds.
	for _, l := range lists.ResultItem {
		for _, id := range l.ToAccount {
			friends[id] = true
		}
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range friends {
			if !yield(id) {
				return
			}
		}
	})
	nicks := map[string]string{}
	if len(ids) > 0 {
		if nicks, err = s.tim.Nicknames(ctx, ids); err != nil {
			return out, err
		}
	}
	listed := map[string]bool{}
	for _, l := range lists.ResultItem {
		if out.List(l.GroupName) != nil {
			continue
		}
		fl := api.FriendList{Name: l.GroupName, Friends: []api.Friend{}}
		for _, id := range slices.Compact(slices.Sorted(slices.Values(l.ToAccount))) {
			fl.Friends = append(fl.Friends, api.Friend{ID: id, Name: nicks[id]})
			listed[id] = true
		}
		out.Lists = append(out.Lists, fl)
	}
	for _, id := range ids {
		if !listed[id] {
			out.Unlisted = append(out.Unlisted, api.Friend{ID: id, Name: nicks[id]})
		}
	}
	out.FriendCount = len(ids)
	out.Version = friendListsVersion(out)
	return out, nil
}

// friendLists is the friend lists family.
var friendLists = &family[api.FriendLists]{
	name:   access.FriendLists,
	target: userTarget,
	read: func(s *Server, ctx context.Context, t access.Target) (api.FriendLists, error) {
		return s.readFriendLists(ctx, t.ID)
	},
	version:  friendListsVersion, // computed from the state, never a stored field
	itemized: true,
	write:    writeUserState[api.FriendLists](friendListsVersion),
}

// answerFriends records the answer of a call about friends ids: a row per
// friend asked about, from ResultItem; one Tencent only names in
// Fail_Account failed without saying why.
func (rs *itemResults) answerFriends(ids []string, items []tim.AccountResult, failed []string) {
	for _, id := range ids {
		if i := slices.IndexFunc(items, func(it tim.AccountResult) bool { return it.ToAccount == id }); i >= 0 {
			rs.answer("", id, items[i].ResultCode, items[i].ResultInfo)
		} else if slices.Contains(failed, id) {
			rs.add(api.ItemResult{ID: id, Say: api.Say("Tencent Cloud Chat did not make this change for them, and did not say why.")})
		} else {
			rs.answer("", id, 0, "")
		}
	}
}

// typedFriends lists the friends of a request as IDs to check, at their
// fields.
func typedFriends(field string, ids []string) []typedID {
	out := make([]typedID, len(ids))
	for i, id := range ids {
		out[i] = typedID{id: id, field: fmt.Sprintf("%s[%d]", field, i)}
	}
	return out
}

// knownFriends returns the IDs Tencent knows.
func knownFriends(ids []string, unknown []typedID) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return isUnknown(unknown, "", id) })
}

// isFriend reports whether the user whose lists before are knows t as a
// friend: Tencent knows such a user, so refuseUnknown need not ask.
func isFriend(before api.FriendLists, t typedID) bool { return before.IsFriend(t.id) }

// withList returns lists with name added to them, in the order of the
// state's lists (name last when the state does not have it yet).
func withList(state api.FriendLists, lists []string, name string) []string {
	out := []string{}
	for _, l := range state.Lists {
		if slices.Contains(lists, l.Name) || l.Name == name {
			out = append(out, l.Name)
		}
	}
	if !slices.Contains(out, name) {
		out = append(out, name)
	}
	return out
}

// The operations, by route:
//
//	POST   /api/v1/users/{userID}/friend-lists         create lists
//	PATCH  /api/v1/users/{userID}/friend-lists/{name}  move friends in and out, or rename
//	DELETE /api/v1/users/{userID}/friend-lists         delete lists ({"names": […]})
//	DELETE /api/v1/users/{userID}/friend-lists/{name}  delete one list
//
// A user Tencent does not know is refused on its row (a friend who is not
// the user's friend is refused by Tencent on its row); the rest of the
// change goes ahead. Friends stay friends whatever is done to the lists.
var (
	// One group_add per MaxListNamesPerCall names, each its own audited
	// step, each with all the friends given.
	friendListsCreate = createOperation(friendLists, api.ActionFriendListsCreate, "friends",
		func(req api.FriendListCreate) []typedID { return typedFriends("friends", req.Friends) }, isFriend,
		func(s *Server, user string, rs *itemResults, req api.FriendListCreate, before api.FriendLists, unknown []typedID) ([]step[api.FriendLists], error) {
			friends := knownFriends(req.Friends, unknown)
			var steps []step[api.FriendLists]
			state := before
			for _, part := range req.Parts(s.namesPerCall()) {
				for _, n := range part {
					state = state.WithList(n, friends)
				}
				steps = append(steps, friendsStep(rs, len(steps) == 0, unknown, api.FriendListCreate{Names: part, Friends: friends}, state,
					friends, s.addFriendLists(user, part, friends)))
			}
			return steps, nil
		})

	// Friends move into and out of the list by friend_update of each
	// friend's whole set of lists, 100 friends a call, each call its own
	// audited step; a rename (on its own) is renameFriendList.
	friendListsUpdate = operation[api.FriendLists, api.FriendListUpdate]{fam: friendLists, action: api.ActionFriendListsUpdate, items: "friends", named: true,
		plan: func(s *Server, r *http.Request, ch *change[api.FriendLists], req api.FriendListUpdate) error {
			user, name, rs := ch.target.ID, r.PathValue("name"), ch.results
			if req.Rename != nil {
				s.renameFriendList(ch, user, name, *req.Rename)
				return nil
			}
			ch.plan = planAdding(r.Context(), s, rs, func(before api.FriendLists) (api.FriendLists, *api.FieldError) {
				return before.Move(name, req.Add, req.Remove)
			}, typedFriends("add", req.Add), isFriend,
				func(before api.FriendLists, unknown []typedID) ([]step[api.FriendLists], error) {
					add := knownFriends(req.Add, unknown)
					if len(add) == 0 && len(req.Remove) == 0 {
						return nil, nothingLeft(unknown)
					}
					// Each friend's lists after, from the state before.
					type move struct {
						id  string
						add bool
					}
					var moves []move
					for _, id := range add {
						moves = append(moves, move{id, true})
					}
					for _, id := range req.Remove {
						moves = append(moves, move{id, false})
					}
					var steps []step[api.FriendLists]
					state := before
					for part := range slices.Chunk(moves, api.MaxFriendUpdatesPerCall) {
						var add, remove, ids []string
						updates := make([]tim.FriendUpdate, len(part))
						for i, m := range part {
							lists := before.ListsOf(m.id)
							if m.add {
								lists = withList(before, lists, name)
								add = append(add, m.id)
							} else {
								lists = slices.DeleteFunc(lists, func(l string) bool { return l == name })
								remove = append(remove, m.id)
							}
							updates[i] = tim.FriendUpdate{ToAccount: m.id, Lists: lists}
							ids = append(ids, m.id)
						}
						state = state.MoveFriends(name, add, remove)
						steps = append(steps, friendsStep(rs, len(steps) == 0, unknown, map[string]any{"name": name, "add": add, "remove": remove}, state,
							ids, s.updateFriends(user, updates)))
					}
					return steps, nil
				})
			return nil
		}}

	// One group_delete; the friends stay friends.
	friendListsDelete = operation[api.FriendLists, api.FriendListDelete]{fam: friendLists, action: api.ActionFriendListsDelete,
		plan: func(s *Server, r *http.Request, ch *change[api.FriendLists], req api.FriendListDelete) error {
			ch.plan = deleteFriendLists(s, ch.target.ID, req, "")
			return nil
		}}
	friendListsDeleteOne = operation[api.FriendLists, noBody]{fam: friendLists, action: api.ActionFriendListsDelete,
		plan: func(s *Server, r *http.Request, ch *change[api.FriendLists], _ noBody) error {
			req := api.FriendListDelete{Names: []string{r.PathValue("name")}}
			if err := req.Validate(); err != nil {
				return err.At("name") // the list named in the path
			}
			ch.request = req
			ch.plan = deleteFriendLists(s, ch.target.ID, req, "name")
			return nil
		}}
)

// deleteFriendLists plans the deletion of lists; field, when set, is where
// a problem with them is said (the path's "name").
func deleteFriendLists(s *Server, user string, req api.FriendListDelete, field string) func(api.FriendLists) ([]step[api.FriendLists], error) {
	return func(before api.FriendLists) ([]step[api.FriendLists], error) {
		after, ferr := before.Delete(req.Names)
		if ferr != nil {
			if field != "" {
				ferr = ferr.At(field)
			}
			return nil, ferr
		}
		return oneStep(after, func(ctx context.Context) error {
			_, err := s.tim.DeleteFriendLists(ctx, user, req.Names)
			return err
		}), nil
	}
}

// friendsStep is a step of a change to a user's friend lists that Tencent
// answers friend by friend, for ids: call's answer goes in results of the
// step's own (the first step's carry the rows refused before sending, of
// unknown), merged into rs once it is answered.
func friendsStep(rs *itemResults, first bool, unknown []typedID, request any, after api.FriendLists, ids []string,
	call func(ctx context.Context) (*tim.FriendResponse, error)) step[api.FriendLists] {
	part := rs.part(first, unknown)
	return step[api.FriendLists]{request: request, after: after, detail: part.detail, call: func(ctx context.Context) error {
		resp, err := call(ctx)
		if err != nil {
			return err
		}
		part.answerFriends(ids, resp.ResultItem, resp.FailAccount)
		rs.merge(part)
		return nil
	}}
}

// addFriendLists and updateFriends are the calls of friendsSteps:
// group_add of the lists names with friends, friend_update of updates.
func (s *Server) addFriendLists(user string, names, friends []string) func(context.Context) (*tim.FriendResponse, error) {
	return func(ctx context.Context) (*tim.FriendResponse, error) {
		resp, err := s.tim.AddFriendLists(ctx, user, names, friends)
		if err != nil {
			return nil, err
		}
		return &resp.FriendResponse, nil
	}
}

func (s *Server) updateFriends(user string, updates []tim.FriendUpdate) func(context.Context) (*tim.FriendResponse, error) {
	return func(ctx context.Context) (*tim.FriendResponse, error) { return s.tim.UpdateFriends(ctx, user, updates) }
}

// renameFriendList renames the list old to name, which Tencent has no call
// for: it makes the new list with the old one's friends (group_add with
// To_Account, the first 1,000; friend_update for the rest, 100 a call),
// then deletes the old list (group_delete). Each call is its own audited
// step of one action, user.friend-lists.rename. The new list is made
// first, so nothing is ever lost: if a step fails, the answer says what
// exists now — both lists (delete the old one to finish, the new one to
// undo), only the new one, or only the old one (nothing was changed) — as
// read again from Tencent. Friends are never removed as friends.
func (s *Server) renameFriendList(ch *change[api.FriendLists], user, old, name string) {
	ch.action, ch.request = api.ActionFriendListsRename, map[string]string{"name": old, "rename": name}
	rs := ch.results
	ch.plan = func(before api.FriendLists) ([]step[api.FriendLists], error) {
		if ferr := before.CheckRename(old, name); ferr != nil {
			return nil, ferr
		}
		members := friendIDs(before.List(old).Friends)
		first, rest := members[:min(len(members), api.MaxListFriendsPerCall)], members[min(len(members), api.MaxListFriendsPerCall):]
		state := before.WithList(name, first)
		steps := []step[api.FriendLists]{friendsStep(rs, false, nil, map[string]any{"name": old, "rename": name, "step": "create " + name, "friends": first}, state,
			first, s.addFriendLists(user, []string{name}, first))}
		for part := range slices.Chunk(rest, api.MaxFriendUpdatesPerCall) {
			updates := make([]tim.FriendUpdate, len(part))
			for i, id := range part {
				updates[i] = tim.FriendUpdate{ToAccount: id, Lists: withList(state, before.ListsOf(id), name)}
			}
			state = state.MoveFriends(name, part, nil)
			steps = append(steps, friendsStep(rs, false, nil, map[string]any{"name": old, "rename": name, "step": "add friends to " + name, "friends": part}, state,
				part, s.updateFriends(user, updates)))
		}
		final, ferr := state.Delete([]string{old})
		if ferr != nil {
			return nil, ferr
		}
		steps = append(steps, step[api.FriendLists]{request: map[string]any{"name": old, "rename": name, "step": "delete " + old},
			after: final, call: func(ctx context.Context) error {
				_, err := s.tim.DeleteFriendLists(ctx, user, []string{old})
				return err
			}})
		return steps, nil
	}
	ch.explain = func(ctx context.Context, done int, failure *httpError) *httpError {
		readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
		defer cancel()
		now, err := s.readFriendLists(readCtx, user)
		out := *failure
		out.Say = append([]api.Phrase{renameLeft(now, err, old, name)}, failure.Say...)
		return &out
	}
}

// renameLeft says what a rename of old to name that failed left, from the
// lists read again (err: they could not be read).
func renameLeft(now api.FriendLists, err error, old, name string) api.Phrase {
	oldL, newL := now.List(old), now.List(name)
	switch {
	case err != nil:
		return api.Say("The rename of %q to %q stopped, and the lists could not be read again: reload to see which of the two exist now. No friend was removed as a friend.", old, name)
	case oldL != nil && newL != nil:
		missing := 0
		for _, f := range oldL.Friends {
			if !slices.ContainsFunc(newL.Friends, func(g api.Friend) bool { return g.ID == f.ID }) {
				missing++
			}
		}
		if missing > 0 {
			return api.Say("The rename of %[1]q to %[2]q stopped part-way: both lists exist now, and %[3]d of the %[4]d friends in %[1]q are not in %[2]q yet. No friend was removed. To finish the rename, put those friends in %[2]q, then delete %[1]q; to undo it, delete %[2]q.",
				old, name, missing, len(oldL.Friends))
		}
		return api.Say("The rename of %[1]q to %[2]q stopped part-way: both lists exist now. No friend was removed. To finish the rename, delete %[1]q; to undo it, delete %[2]q.", old, name)
	case newL != nil:
		return api.Say("Only %q exists now, with %d friends: the rename was made, although Tencent's answer to its last step was not clear.", name, len(newL.Friends))
	case oldL != nil:
		return api.Say("Nothing was changed: %q still exists and %q was not made.", old, name)
	}
	return api.Say("Neither %q nor %q exists now: someone else changed this user's lists meanwhile. No friend was removed as a friend.", old, name)
}
