package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
// api.ContactGroups: every group with its conversations, and every
// conversation that is grouped or marked, with its marks.
//
// Tencent answers create, update and mark with a result per conversation:
// a conversation it refused (e.g. in a group that was dismissed, 51007)
// fails alone. The answer lists each conversation's result, the audit
// outcome's detail names those that failed and why, and the state in the
// answer is read again from Tencent, so it is what Tencent holds.

type cgState = api.ContactGroups

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

// cgVersion identifies a user's conversation groups and marks.
func cgVersion(cg cgState) string {
	b, _ := json.Marshal(struct {
		G []api.ContactGroup
		C []api.MarkedConversation
	}{cg.Groups, cg.Conversations})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// readContactGroups reads every page of the user's conversation groups and
// marked conversations, and names each conversation: users by nickname
// (portrait_get, 100 a call), groups by name (get_group_info, 50 a call).
func (s *Server) readContactGroups(ctx context.Context, user string) (cgState, error) {
	out := cgState{UserID: user, Groups: []api.ContactGroup{}, Conversations: []api.MarkedConversation{},
		MaxGroups: api.MaxContactGroups, MaxCounted: api.MaxGroupedConversations}
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
				out.Groups = append(out.Groups, api.ContactGroup{Name: g.GroupName, Conversations: []api.Conversation{}})
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
	out.Version = cgVersion(out)
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

// checkExist refuses conversations with users or groups Tencent does not
// know, before anything is sent: a typed ID is checked (account_check, 100
// users a call; get_group_info, 50 groups a call). Marks are not checked
// first: Tencent answers them per conversation.
func (s *Server) checkExist(ctx context.Context, field string, cs []api.Conversation) error {
	var users, groups []string
	for _, c := range cs {
		if c.Type == api.ConversationUser {
			users = append(users, c.ID)
		} else {
			groups = append(groups, c.ID)
		}
	}
	known := map[string]bool{}
	for chunk := range slices.Chunk(users, 100) {
		st, err := s.tim.AccountCheck(ctx, chunk)
		if err != nil {
			return err
		}
		for _, a := range st {
			if a.ResultCode == 0 && a.AccountStatus == "Imported" {
				known[api.ConversationUser+":"+a.UserID] = true
			}
		}
	}
	if len(groups) > 0 {
		names, err := s.groupNames(ctx, groups)
		if err != nil {
			return err
		}
		for id := range names {
			known[api.ConversationGroup+":"+id] = true
		}
	}
	for i, c := range cs {
		if !known[c.Key()] {
			f := fmt.Sprintf("%s[%d]", field, i)
			if c.Type == api.ConversationUser {
				return &api.FieldError{Field: f, Say: api.Say("There is no user %q in this app.", c.ID)}
			}
			return &api.FieldError{Field: f, Say: api.Say("There is no group %q in this app, or it has been dismissed.", c.ID)}
		}
	}
	return nil
}

// handleGetContactGroups serves GET /api/v1/users/{userID}/conversation-groups.
func (s *Server) handleGetContactGroups(w http.ResponseWriter, r *http.Request) {
	user := r.PathValue("userID")
	if err := s.authorizeRead(r.Context(), callerOf(r.Context()), access.User(user)); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	cg, err := s.readContactGroups(r.Context(), user)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	writeContactGroups(w, cg)
}

func writeContactGroups(w http.ResponseWriter, cg cgState) {
	cg.Version = cgVersion(cg)
	w.Header().Set("ETag", `"`+cg.Version+`"`)
	writeJSON(w, http.StatusOK, cg)
}

// results collects Tencent's per-conversation answers of a change.
type results struct{ rows []api.ConversationResult }

func (rs *results) add(it tim.ContactItem, code int, info string) {
	row := api.ConversationResult{Conversation: fromItem(it), OK: code == 0, Code: code}
	if code != 0 {
		row.Say = resultMessage(code, info)
	}
	rs.rows = append(rs.rows, row)
}

// detail says which conversations failed and why, for the audit log.
func (rs *results) detail() string {
	var failed []string
	for _, r := range rs.rows {
		if !r.OK {
			failed = append(failed, fmt.Sprintf("%s %s: %s (%d)", r.Type, r.ID, r.Say.English(), r.Code))
		}
	}
	if len(failed) == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d conversations failed: %s", len(failed), len(rs.rows), strings.Join(failed, "; "))
}

// resultMessage is the sentence for a conversation or friend Tencent
// refused.
func resultMessage(code int, info string) api.Phrase {
	if m, ok := tencentMessages[code]; ok {
		return api.Say(m)
	}
	if !tim.Known(code) {
		return api.Say("Tencent Cloud Chat refused it (Tencent error %d).", code)
	}
	return api.Say("Tencent Cloud Chat refused it: %s.", api.Say(tim.Meaning(code)))
}

// sayRows says each refused row of a change's answer in the reader's
// language: at points to a row's message and its phrase.
func sayRows[T any](r *http.Request, rows []T, at func(*T) (*string, api.Phrase)) {
	c := speaker(r)
	for i := range rows {
		if msg, p := at(&rows[i]); p.Key != "" {
			*msg = c.Say(p)
		}
	}
}

// cgChange is a change of a user's conversation groups; respond reads the
// state again (what Tencent holds after per-conversation failures) and
// adds the per-conversation results.
func (s *Server) cgChange(r *http.Request, action string, request any, rs *results,
	plan func(before cgState) ([]step[cgState], error)) change[cgState] {
	user := r.PathValue("userID")
	return change[cgState]{
		family: access.ConversationGroups, action: action, target: access.User(user), request: request,
		read:    func(ctx context.Context) (cgState, error) { return s.readContactGroups(ctx, user) },
		version: cgVersion, // computed, never a stored field: a planned state carries the version it was made from
		plan:    plan,
		respond: func(w http.ResponseWriter, after cgState) {
			if now, err := s.readContactGroups(r.Context(), user); err == nil {
				after = now
			}
			after.Results = rs.rows
			sayRows(r, after.Results, func(row *api.ConversationResult) (*string, api.Phrase) { return &row.Message, row.Say })
			writeContactGroups(w, after)
		},
	}
}

// handleCreateContactGroup serves POST /api/v1/users/{userID}/conversation-groups.
func (s *Server) handleCreateContactGroup(w http.ResponseWriter, r *http.Request) {
	var req api.ContactGroupCreate
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	user := r.PathValue("userID")
	rs := &results{}
	runChange(s, w, r, s.cgChange(r, "user.conversation-groups.create", req, rs, func(before cgState) ([]step[cgState], error) {
		after, ferr := req.Apply(before) // limits against the state before
		if ferr != nil {
			return nil, ferr
		}
		if err := s.checkExist(r.Context(), "conversations", req.Conversations); err != nil {
			return nil, err
		}
		return []step[cgState]{{after: after, detail: rs.detail, call: func(ctx context.Context) error {
			resp, err := s.tim.CreateContactGroup(ctx, user, req.Name, toItems(req.Conversations))
			if err != nil {
				return err
			}
			for _, g := range resp.GroupResultItem {
				for _, it := range g.ResultItem {
					rs.add(it.ContactItem, it.ResultCode, it.ResultInfo)
				}
			}
			return nil
		}}}, nil
	}))
}

// handleUpdateContactGroup serves PATCH
// /api/v1/users/{userID}/conversation-groups/{name}: adding and removing
// conversations is one step (one update_contact_group of type 2), renaming
// another (type 1), made in that order so the group is found by its old
// name.
func (s *Server) handleUpdateContactGroup(w http.ResponseWriter, r *http.Request) {
	var req api.ContactGroupUpdate
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	if err := req.Validate(); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	user, name := r.PathValue("userID"), r.PathValue("name")
	rs := &results{}
	runChange(s, w, r, s.cgChange(r, "user.conversation-groups.update", req, rs, func(before cgState) ([]step[cgState], error) {
		var steps []step[cgState]
		state := before
		if len(req.Add) > 0 || len(req.Remove) > 0 {
			after, ferr := state.Regroup(name, req.Add, req.Remove)
			if ferr != nil {
				return nil, ferr
			}
			if err := s.checkExist(r.Context(), "add", req.Add); err != nil {
				return nil, err
			}
			var items []tim.ContactUpdate
			for _, c := range req.Add {
				items = append(items, tim.ContactUpdate{ContactOptType: tim.ContactAdd, ContactItem: toItem(c)})
			}
			for _, c := range req.Remove {
				items = append(items, tim.ContactUpdate{ContactOptType: tim.ContactRemove, ContactItem: toItem(c)})
			}
			steps = append(steps, step[cgState]{request: map[string]any{"name": name, "add": req.Add, "remove": req.Remove},
				after: after, detail: rs.detail, call: func(ctx context.Context) error {
					resp, err := s.tim.UpdateContactGroup(ctx, tim.UpdateContactGroupRequest{FromAccount: user,
						UpdateGroupType: tim.UpdateConversations, OldGroupName: name, Items: items})
					if err != nil {
						return err
					}
					for _, it := range resp.UpdateGroupResult.ContactResultItem {
						rs.add(it.ContactItem, it.ResultCode, it.ResultInfo)
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
			steps = append(steps, step[cgState]{request: map[string]any{"name": name, "newName": newName},
				after: after, call: func(ctx context.Context) error {
					_, err := s.tim.UpdateContactGroup(ctx, tim.UpdateContactGroupRequest{FromAccount: user,
						UpdateGroupType: tim.UpdateRename, OldGroupName: name, NewGroupName: newName})
					return err
				}})
		}
		if len(steps) == 0 {
			return nil, &api.FieldError{Field: "name", Say: api.Say("There is nothing to change.")}
		}
		return steps, nil
	}))
}

// handleDeleteContactGroup serves DELETE
// /api/v1/users/{userID}/conversation-groups/{name}.
func (s *Server) handleDeleteContactGroup(w http.ResponseWriter, r *http.Request) {
	user, name := r.PathValue("userID"), r.PathValue("name")
	rs := &results{}
	runChange(s, w, r, s.cgChange(r, "user.conversation-groups.delete", map[string]string{"name": name}, rs,
		func(before cgState) ([]step[cgState], error) {
			after, err := before.Delete(name)
			if err != nil {
				return nil, err
			}
			return []step[cgState]{{after: after, call: func(ctx context.Context) error {
				_, err := s.tim.DelContactGroup(ctx, user, name)
				return err
			}}}, nil
		}))
}

// handleMarkConversations serves POST /api/v1/users/{userID}/conversation-marks:
// the marks go to Tencent at most 100 conversations a call, each call its
// own audited step.
func (s *Server) handleMarkConversations(w http.ResponseWriter, r *http.Request) {
	var req api.MarksChange
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	if err := req.Validate(); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	user := r.PathValue("userID")
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
	rs := &results{}
	runChange(s, w, r, s.cgChange(r, "user.conversation-marks.set", req, rs, func(before cgState) ([]step[cgState], error) {
		parts := req.Parts()
		steps := make([]step[cgState], 0, len(parts))
		state := before
		for _, part := range parts {
			after, err := state.ApplyMarks(req, part)
			if err != nil {
				return nil, err
			}
			items := make([]tim.MarkItem, len(part))
			for i, c := range part {
				items[i] = tim.MarkItem{OptType: opt, ContactItem: toItem(c), SetMark: set, ClearMark: clear, CustomMark: req.CustomMark}
			}
			partReq := req
			partReq.Conversations = part
			partRS := &results{}
			steps = append(steps, step[cgState]{request: partReq, after: after, detail: partRS.detail, call: func(ctx context.Context) error {
				res, err := s.tim.MarkContact(ctx, user, items)
				if err != nil {
					return err
				}
				for _, it := range res {
					partRS.add(it.ContactItem, it.ResultCode, it.ResultInfo)
				}
				rs.rows = append(rs.rows, partRS.rows...)
				return nil
			}})
			state = after
		}
		return steps, nil
	}))
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
	if err := s.authorizeRead(ctx, callerOf(ctx), access.User(user)); err != nil {
		s.writeAPIError(w, r, err)
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
