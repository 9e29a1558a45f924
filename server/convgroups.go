package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/tim"
)

// The conversation groups family: a user's conversation groups and the
// marks of their conversations (Tencent's recentcontact service), a change
// at a time through runChange. The state S of a change is the user's
// api.ConvGroups: every group with its conversations, and every
// conversation that is grouped or marked, with its marks.
//
// Tencent answers create, update and mark with a result per conversation:
// a conversation it refused (e.g. in a group that was dismissed, 51007)
// fails alone. The answer lists each conversation's result, the audit
// outcome's detail names those that failed and why, and the state in the
// answer is read again from Tencent, so it is what Tencent holds.

func toItem(c api.Conversation) tim.ContactItem {
	if c.Type == api.ConversationGroup {
		return tim.ContactItem{Type: tim.ConvGroup, ToGroupID: c.ID}
	}
	return tim.ContactItem{Type: tim.ConvC2C, ToAccount: c.ID}
}

func toItems(cs []api.Conversation) []tim.ContactItem {
	out := make([]tim.ContactItem, len(cs))
	for i, c := range cs {
		out[i] = toItem(c)
	}
	return out
}

// fromItem turns Tencent's Type 1 / 2 into the API's "user" / "group".
func fromItem(it tim.ContactItem) api.Conversation {
	if it.Type == tim.ConvGroup {
		return api.Conversation{Type: api.ConversationGroup, ID: it.ToGroupID}
	}
	return api.Conversation{Type: api.ConversationUser, ID: it.ToAccount}
}

// convGroupsVersion identifies a user's conversation groups and marks by what
// Tencent holds: each group's name and conversations, each conversation's
// marks and groups — in a fixed order, and without the names shown beside
// IDs, so that a state planned by the panel and the same state read back
// from Tencent have the same version.
func convGroupsVersion(cg api.ConvGroups) string {
	type group struct {
		N string
		C []string
	}
	type conv struct {
		K string
		M api.Marks
		G []string
	}
	var v struct {
		G []group
		C []conv
	}
	for _, g := range cg.Groups {
		keys := make([]string, len(g.Conversations))
		for i, c := range g.Conversations {
			keys[i] = c.Key()
		}
		slices.Sort(keys)
		v.G = append(v.G, group{g.Name, keys})
	}
	slices.SortFunc(v.G, func(a, b group) int { return strings.Compare(a.N, b.N) })
	for _, c := range cg.Conversations {
		v.C = append(v.C, conv{c.Key(), c.Marks, slices.Sorted(slices.Values(c.Groups))})
	}
	slices.SortFunc(v.C, func(a, b conv) int { return strings.Compare(a.K, b.K) })
	return versionOf(v)
}

// convGroups is the conversation groups family (marks included:
// they are kept and read with the groups).
var convGroups = &family[api.ConvGroups]{
	name:   access.ConvGroups,
	target: userTarget,
	read: func(s *Server, ctx context.Context, t access.Target) (api.ConvGroups, error) {
		return s.readConvGroups(ctx, t.ID)
	},
	version:  convGroupsVersion, // computed, never a stored field: a planned state carries the version it was made from
	itemized: true,
	write:    writeUserState[api.ConvGroups](convGroupsVersion),
}

// readConvGroups reads every page of the user's conversation groups and
// marked conversations, and names each conversation: users by nickname
// (portrait_get, 100 a call), groups by name (get_group_info, 50 a call).
func (s *Server) readConvGroups(ctx context.Context, user string) (api.ConvGroups, error) {
	out := api.ConvGroups{UserState: api.UserState{UserID: user}, Groups: []api.ConvGroup{}, Conversations: []api.MarkedConversation{},
		MaxGroups: api.MaxConvGroups, MaxCounted: api.MaxGroupedConversations}
	names := map[int]string{}
	var items []tim.Conversation
	for start := 0; ; {
		page, err := s.tim.GetContactGroup(ctx, user, start)
		if err != nil {
			return out, err
		}
		for _, g := range page.GroupItem {
			if _, seen := names[g.GroupID]; !seen {
				names[g.GroupID] = g.GroupName
				out.Groups = append(out.Groups, api.ConvGroup{Name: g.GroupName, Conversations: []api.Conversation{}})
			}
		}
		items = append(items, page.ContactItem...)
		if page.CompleteFlag == 1 || page.NextStartIndex <= start {
			break
		}
		start = page.NextStartIndex
	}
	var users, groups []string
	for _, it := range items {
		if c := fromItem(it.ContactItem); c.Type == api.ConversationUser {
			users = append(users, c.ID)
		} else {
			groups = append(groups, c.ID)
		}
	}
	display, err := s.conversationNames(ctx, users, groups)
	if err != nil {
		return out, err
	}
	for _, it := range items {
		c := fromItem(it.ContactItem)
		c.Name = display[c.Key()]
		mc := api.MarkedConversation{Conversation: c, Marks: api.DecodeStandardMark(it.StandardMark, it.CustomMark), Groups: []string{}}
		for _, id := range it.ContactGroupID {
			name, ok := names[id]
			if !ok {
				continue
			}
			mc.Groups = append(mc.Groups, name)
			for i := range out.Groups {
				if out.Groups[i].Name == name {
					out.Groups[i].Conversations = append(out.Groups[i].Conversations, c)
				}
			}
		}
		out.Conversations = append(out.Conversations, mc)
	}
	out.Counted = len(out.Conversations)
	out.Version = convGroupsVersion(out)
	return out, nil
}

// conversationNames returns display names by conversation key.
func (s *Server) conversationNames(ctx context.Context, users, groups []string) (map[string]string, error) {
	out := map[string]string{}
	if len(users) > 0 {
		nicks, err := s.tim.Nicknames(ctx, slices.Compact(slices.Sorted(slices.Values(users))))
		if err != nil {
			return nil, err
		}
		for id, n := range nicks {
			out[api.ConversationUser+":"+id] = n
		}
	}
	if len(groups) > 0 {
		gn, err := s.groupNames(ctx, slices.Compact(slices.Sorted(slices.Values(groups))))
		if err != nil {
			return nil, err
		}
		for id, n := range gn {
			out[api.ConversationGroup+":"+id] = n
		}
	}
	return out, nil
}

// resultMessage is the sentence for an item (a conversation, a friend)
// Tencent refused.
func resultMessage(code int, info string) api.Phrase {
	if m, ok := tencentMessages[code]; ok {
		return api.Say(m)
	}
	if !tim.Known(code) {
		return api.Say("Tencent Cloud Chat refused it (Tencent error %d).", code)
	}
	return api.Say("Tencent Cloud Chat refused it: %s.", api.Say(tim.Meaning(code)))
}

// typedConversations lists the conversations of a request as IDs to check,
// at their fields.
func typedConversations(field string, cs []api.Conversation) []typedID {
	out := make([]typedID, len(cs))
	for i, c := range cs {
		out[i] = typedID{kind: c.Type, id: c.ID, field: fmt.Sprintf("%s[%d]", field, i)}
	}
	return out
}

// withoutUnknown returns the conversations Tencent knows.
func withoutUnknown(cs []api.Conversation, unknown []typedID) []api.Conversation {
	return slices.DeleteFunc(slices.Clone(cs), func(c api.Conversation) bool { return isUnknown(unknown, c.Type, c.ID) })
}

// answerConversation records Tencent's answer for one conversation.
func (rs *itemResults) answerConversation(it tim.ContactItem, code int, info string) {
	c := fromItem(it)
	rs.answer(c.Type, c.ID, code, info)
}

// The operations, by route:
//
//	POST   /api/v1/users/{userID}/conversation-groups         create
//	PATCH  /api/v1/users/{userID}/conversation-groups/{name}  add, remove, rename
//	DELETE /api/v1/users/{userID}/conversation-groups/{name}  delete
//	POST   /api/v1/users/{userID}/conversation-marks          set and clear marks
//
// A conversation with a user or group Tencent does not know is refused on
// its row; the rest of the change goes ahead.
var (
	convGroupsCreate = createOperation(convGroups, api.ActionConvGroupsCreate, "conversations",
		func(req api.ConvGroupCreate) []typedID { return typedConversations("conversations", req.Conversations) }, nil,
		func(s *Server, user string, rs *itemResults, req api.ConvGroupCreate, before api.ConvGroups, unknown []typedID) ([]step[api.ConvGroups], error) {
			made := req
			made.Conversations = withoutUnknown(req.Conversations, unknown)
			after, _ := made.Apply(before)
			return []step[api.ConvGroups]{{request: made, after: after, detail: rs.detail, call: func(ctx context.Context) error {
				resp, err := s.tim.CreateContactGroup(ctx, user, made.Name, toItems(made.Conversations))
				if err != nil {
					return err
				}
				for _, g := range resp.GroupResultItem {
					for _, it := range g.ResultItem {
						rs.answerConversation(it.ContactItem, it.ResultCode, it.ResultInfo)
					}
				}
				return nil
			}}}, nil
		})

	// Adding and removing conversations is one step (update_contact_group
	// of type 2), renaming another (type 1), made in that order so the
	// group is found by its old name.
	convGroupsUpdate = operation[api.ConvGroups, api.ConvGroupUpdate]{fam: convGroups, action: api.ActionConvGroupsUpdate, items: "conversations", named: true,
		plan: func(s *Server, r *http.Request, ch *change[api.ConvGroups], req api.ConvGroupUpdate) error {
			user, name, rs := ch.target.ID, r.PathValue("name"), ch.results
			ch.plan = planAdding(r.Context(), s, rs, func(before api.ConvGroups) (api.ConvGroups, *api.FieldError) {
				return before.Regroup(name, req.Add, req.Remove)
			}, typedConversations("add", req.Add), nil,
				func(before api.ConvGroups, unknown []typedID) ([]step[api.ConvGroups], error) {
					var steps []step[api.ConvGroups]
					state := before
					add := withoutUnknown(req.Add, unknown)
					if len(add) > 0 || len(req.Remove) > 0 {
						after, ferr := state.Regroup(name, add, req.Remove)
						if ferr != nil {
							return nil, ferr
						}
						var items []tim.ContactUpdate
						for _, c := range add {
							items = append(items, tim.ContactUpdate{ContactOptType: tim.ContactAdd, ContactItem: toItem(c)})
						}
						for _, c := range req.Remove {
							items = append(items, tim.ContactUpdate{ContactOptType: tim.ContactRemove, ContactItem: toItem(c)})
						}
						steps = append(steps, step[api.ConvGroups]{request: map[string]any{"name": name, "add": add, "remove": req.Remove},
							after: after, detail: rs.detail, call: func(ctx context.Context) error {
								resp, err := s.tim.UpdateContactGroup(ctx, tim.UpdateContactGroupRequest{FromAccount: user,
									UpdateGroupType: tim.UpdateConversations, OldGroupName: name, Items: items})
								if err != nil {
									return err
								}
								for _, it := range resp.UpdateGroupResult.ContactResultItem {
									rs.answerConversation(it.ContactItem, it.ResultCode, it.ResultInfo)
								}
								return nil
							}})
						state = after
					}
					if req.Name != nil && *req.Name != name {
						newName := *req.Name
						after, err := state.Rename(name, newName)
						if err != nil {
							return nil, err
						}
						steps = append(steps, step[api.ConvGroups]{request: map[string]any{"name": name, "newName": newName},
							after: after, call: func(ctx context.Context) error {
								_, err := s.tim.UpdateContactGroup(ctx, tim.UpdateContactGroupRequest{FromAccount: user,
									UpdateGroupType: tim.UpdateRename, OldGroupName: name, NewGroupName: newName})
								return err
							}})
					}
					switch {
					case len(steps) > 0:
						return steps, nil
					case len(unknown) > 0:
						return nil, nothingLeft(unknown)
					}
					return nil, &api.FieldError{Field: "name", Say: api.Say("There is nothing to change.")}
				})
			return nil
		}}

	convGroupsDelete = operation[api.ConvGroups, noBody]{fam: convGroups, action: api.ActionConvGroupsDelete, named: true,
		plan: func(s *Server, r *http.Request, ch *change[api.ConvGroups], _ noBody) error {
			user, name := ch.target.ID, r.PathValue("name")
			ch.request = map[string]string{"name": name}
			ch.plan = func(before api.ConvGroups) ([]step[api.ConvGroups], error) {
				after, err := before.Delete(name)
				if err != nil {
					return nil, err
				}
				return oneStep(after, func(ctx context.Context) error {
					_, err := s.tim.DelContactGroup(ctx, user, name)
					return err
				}), nil
			}
			return nil
		}}

	// Marks go to Tencent at most 100 conversations a call, each call its
	// own audited step.
	convGroupsMarks = operation[api.ConvGroups, api.MarksChange]{fam: convGroups, action: api.ActionConvGroupsMarksSet, items: "conversations",
		plan: func(s *Server, r *http.Request, ch *change[api.ConvGroups], req api.MarksChange) error {
			ch.plan = func(before api.ConvGroups) ([]step[api.ConvGroups], error) {
				return s.planMarks(r.Context(), ch.target.ID, req, before, ch.results)
			}
			return nil
		}}
)

// planMarks plans a marks change: a step per MaxConversationsPerRequest
// conversations that Tencent knows.
func (s *Server) planMarks(ctx context.Context, user string, req api.MarksChange, before api.ConvGroups, rs *itemResults) ([]step[api.ConvGroups], error) {
	var set, clear []int
	for _, n := range req.Set {
		set = append(set, api.MarkBits[n])
	}
	for _, n := range req.Clear {
		clear = append(clear, api.MarkBits[n])
	}
	opt := 0
	if len(set) > 0 || len(clear) > 0 {
		opt |= tim.MarkStandard
	}
	if req.CustomMark != nil {
		opt |= tim.MarkCustom
	}
	// A conversation already grouped or marked exists: it is not asked
	// about.
	unknown, err := s.refuseUnknown(ctx, rs, typedConversations("conversations", req.Conversations),
		func(t typedID) bool { return before.Marked(t.kind, t.id) })
	if err != nil {
		return nil, err
	}
	known := withoutUnknown(req.Conversations, unknown)
	if len(known) == 0 {
		return nil, nothingLeft(unknown)
	}
	made := req
	made.Conversations = known
	parts := made.Parts()
	steps := make([]step[api.ConvGroups], 0, len(parts))
	state := before
	for _, part := range parts {
		after, err := state.ApplyMarks(made, part)
		if err != nil {
			return nil, err
		}
		items := make([]tim.MarkItem, len(part))
		for i, c := range part {
			items[i] = tim.MarkItem{OptType: opt, ContactItem: toItem(c), SetMark: set, ClearMark: clear, CustomMark: req.CustomMark}
		}
		partReq := made
		partReq.Conversations = part
		partRS := rs.part(len(steps) == 0, unknown)
		steps = append(steps, step[api.ConvGroups]{request: partReq, after: after, detail: partRS.detail, call: func(ctx context.Context) error {
			res, err := s.tim.MarkContact(ctx, user, items)
			if err != nil {
				return err
			}
			for _, it := range res {
				partRS.answerConversation(it.ContactItem, it.ResultCode, it.ResultInfo)
			}
			rs.merge(partRS)
			return nil
		}})
		state = after
	}
	return steps, nil
}

// checkPathName checks a name that comes in a path and names something
// that exists (a conversation group, a friend list): free text by
// api.CheckText's rules. It is not held to the rules of a new name, so
// that a list made elsewhere with, say, a space at its end can still be
// changed or deleted.
func checkPathName(name string) error {
	if name == "" {
		return &api.FieldError{Field: "name", Say: api.Say("Enter a name.")}
	}
	if fe := api.CheckText("name", api.Say("The name"), name); fe != nil {
		return fe
	}
	return nil
}

// maxListedConversations bounds how much of a user's conversation list is
// read to pick from (Tencent pages it; a busy user has thousands).
const maxListedConversations = 500

// handleUserConversations serves GET /api/v1/users/{userID}/conversations:
// the user's conversation list (recentcontact get_list, every page up to
// maxListedConversations, newest first), named as people recognise them,
// to pick conversations for a group from.
func (s *Server) handleUserConversations(w http.ResponseWriter, r *http.Request) {
	ctx, user := r.Context(), r.PathValue("userID")
	if !s.mayRead(w, r, access.User(user)) {
		return
	}
	out := api.UserConversations{UserID: user, Conversations: []api.Conversation{}}
	var users, groups []string
	req := tim.RecentListRequest{FromAccount: user, AssistFlags: 1}
	for len(out.Conversations) < maxListedConversations {
		page, err := s.tim.GetRecentList(ctx, req)
		if err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		for _, it := range page.SessionItem {
			c := api.Conversation{Type: api.ConversationUser, ID: it.ToAccount}
			if it.Type == tim.ConvGroup {
				c = api.Conversation{Type: api.ConversationGroup, ID: it.GroupID}
				groups = append(groups, c.ID)
			} else {
				users = append(users, c.ID)
			}
			out.Conversations = append(out.Conversations, c)
		}
		if page.CompleteFlag == 1 || len(page.SessionItem) == 0 {
			break
		}
		req.TimeStamp, req.StartIndex, req.TopTimeStamp, req.TopStartIndex = page.TimeStamp, page.StartIndex, page.TopTimeStamp, page.TopStartIndex
	}
	names, err := s.conversationNames(ctx, users, groups)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	for i, c := range out.Conversations {
		out.Conversations[i].Name = names[c.Key()]
	}
	writeJSON(w, http.StatusOK, out)
}
