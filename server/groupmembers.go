package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/tim"
)

// The group members family: a member's profile in a group — role, name
// card, mute and the app's member-level custom data (Tencent's
// get_specified_group_member_info and modify_group_member_info). Its
// target is a (group, member) pair; a change is one modify call, so it is
// made and audited like any other family's, and undone by putting the
// profile back. Several members at once are several changes, a row each.

// memberFromTim turns Tencent's member into the API's.
func memberFromTim(m tim.GroupMemberInfo) api.Member {
	out := api.Member{ID: m.MemberAccount, Role: m.Role, NameCard: m.NameCard, Data: []api.Attr{}}
	if m.JoinTime > 0 {
		t := time.Unix(m.JoinTime, 0).UTC()
		out.Joined = &t
	}
	switch {
	case m.MuteUntil == api.MuteForever:
		out.MutedForever = true
	case m.MuteUntil > 0:
		t := time.Unix(m.MuteUntil, 0).UTC()
		out.MutedUntil = &t
	}
	for _, d := range m.Data {
		if d.Value != "" {
			out.Data = append(out.Data, api.Attr{Key: d.Key, Value: d.Value})
		}
	}
	slices.SortFunc(out.Data, func(a, b api.Attr) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// groupMembersVersion identifies a profile by what Tencent holds of it.
func groupMembersVersion(p api.MemberProfile) string {
	return versionOf([]any{p.Role, p.NameCard, p.MutedUntil, p.MutedForever, p.Data})
}

var errNoProfiles = newError(http.StatusConflict, api.CodeConflict,
	"Audio-video groups (AVChatRoom) keep no member profiles: there is no role, name card, mute or custom data to change here.")

// readGroupMember reads one member's profile in a group: 404 when the user
// is not a member, 409 for a group that keeps no profiles.
func (s *Server) readGroupMember(ctx context.Context, groupID, user string) (api.MemberProfile, error) {
	g, err := s.groupInfo(ctx, groupID)
	if err != nil {
		return api.MemberProfile{}, err
	}
	if !api.GroupKeepsProfiles(g.Type) {
		return api.MemberProfile{}, errNoProfiles
	}
	m, err := s.tim.GetGroupMember(ctx, groupID, user, s.cfg.MemberDataKeys)
	if err != nil {
		return api.MemberProfile{}, err
	}
	if m == nil {
		return api.MemberProfile{}, newError(http.StatusNotFound, api.CodeNotFound, "%s is not a member of this group.", user)
	}
	p := api.MemberProfile{GroupID: groupID, GroupType: g.Type, Member: memberFromTim(*m), DataKeys: slices.Clone(s.cfg.MemberDataKeys)}
	if p.DataKeys == nil {
		p.DataKeys = []string{}
	}
	if nicks, err := s.tim.Nicknames(ctx, []string{user}); err == nil {
		p.Nick = nicks[user]
	}
	return p, nil
}

// groupMembers is the group members family. Its GET serves
// /api/v1/groups/{groupID}/members/{userID}.
var groupMembers = &family[api.MemberProfile]{
	name: access.GroupMembers,
	target: func(r *http.Request) access.Target {
		return access.GroupMember(r.PathValue("groupID"), r.PathValue("userID"))
	},
	read: func(s *Server, ctx context.Context, t access.Target) (api.MemberProfile, error) {
		return s.readGroupMember(ctx, t.ID, t.Member)
	},
	version: groupMembersVersion,
	write: func(w http.ResponseWriter, _ access.Target, p api.MemberProfile, _ []api.ItemResult) {
		p.Version = groupMembersVersion(p)
		w.Header().Set("ETag", `"`+p.Version+`"`)
		writeJSON(w, http.StatusOK, p)
	},
}

// planMember plans one member's change: one modify_group_member_info with
// the fields that change.
func (s *Server) planMember(t access.Target, c api.MemberChange) func(api.MemberProfile) ([]step[api.MemberProfile], error) {
	return func(before api.MemberProfile) ([]step[api.MemberProfile], error) {
		now := s.now()
		after, ferr := c.Apply(before, now)
		if ferr != nil {
			return nil, ferr
		}
		u := tim.MemberUpdate{GroupID: t.ID, Member: t.Member, Role: c.Role, NameCard: c.NameCard}
		if c.Mute != nil {
			secs, _ := api.MuteSeconds(*c.Mute, now)
			u.MuteTime = &secs
		}
		for _, d := range c.Data {
			u.Data = append(u.Data, tim.AppDefinedDatum{Key: d.Key, Value: d.Value})
		}
		return oneStep(after, func(ctx context.Context) error { return s.tim.ModifyGroupMember(ctx, u) }), nil
	}
}

// groupMembersChange serves PATCH /api/v1/groups/{groupID}/members/{userID}.
var groupMembersChange = operation[api.MemberProfile, api.MemberChange]{fam: groupMembers, action: api.ActionGroupMembersChange,
	plan: func(s *Server, r *http.Request, ch *change[api.MemberProfile], c api.MemberChange) error {
		ch.plan = s.planMember(ch.target, c)
		return nil
	}}

// handleChangeMembers serves POST /api/v1/groups/{groupID}/members: the
// same role or mute for several members, each its own change through the
// one change path (its own audit entry, lock and settling), a row each in
// the answer: made, or refused with the reason — the others go ahead.
func (s *Server) handleChangeMembers(w http.ResponseWriter, r *http.Request) {
	var req api.MembersChange
	if err := decodeValid(w, r, &req); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	groupID := r.PathValue("groupID")
	// Nothing is changed for anyone when the caller may not change the
	// group's members at all.
	if err := s.authorizeChange(r.Context(), callerOf(r.Context()), access.GroupMembers, access.GroupMember(groupID, req.Members[0])); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	c := api.MemberChange{Role: req.Role, Mute: req.Mute}
	rs := newResults("members")
	for _, id := range req.Members {
		t := access.GroupMember(groupID, id)
		ch := change[api.MemberProfile]{fam: groupMembers, action: api.ActionGroupMembersChange, target: t, request: c, plan: s.planMember(t, c)}
		if _, err := applyChange(s, r, ch); err != nil {
			rs.add(api.ItemResult{ID: id, Code: tim.CodeOf(err), Message: speaker(r).Say(s.toHTTPError(err).Say...)})
			continue
		}
		rs.add(api.ItemResult{ID: id, OK: true})
	}
	writeJSON(w, http.StatusOK, api.MembersChanged{GroupID: groupID, Results: rs.said(r)})
}

// membersScanned bounds how many members one search request looks at
// (pages of 100, one call each): a search of a group of 100,000 goes on
// page by page from the cursor it answers.
const membersScanned = 2000

// membersPerSearchPage is how many matches end a search's page.
const membersPerSearchPage = 50

// handleGroupMembers serves GET /api/v1/groups/{groupID}/members?cursor=&query=:
// a page of a group's members with their profiles (Tencent's
// get_group_member_info, 100 a call), to pick a user from and for the
// members page. With a query, the members whose ID or name card holds it
// (Tencent has no search: the pages are read in turn, at most
// membersScanned members a request, and the answer's cursor goes on).
// Every member is listed (a member's profile is in scope with its group
// or the group's members, access.Principal.Sees), each said to be a user
// in scope or not (api.MemberPage.UsersInScope). Any other group is
// refused.
func (s *Server) handleGroupMembers(w http.ResponseWriter, r *http.Request) {
	ctx, c, id := r.Context(), callerOf(r.Context()), r.PathValue("groupID")
	if err := api.CheckGroupID(id); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	allMembers := c.SeesEverything() || slices.Contains(c.Scope.MembersOf, id)
	if !c.SeesMembersOf(id) {
		s.writeAPIError(w, r, errNotVisible(access.Group(id)))
		return
	}
	query := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("query")))
	offset, next := 0, ""
	if cur := r.URL.Query().Get("cursor"); cur != "" {
		if n, ok := strings.CutPrefix(cur, "n:"); ok {
			next = n
		} else if v, err := strconv.Atoi(cur); err == nil && v >= 0 {
			offset = v
		} else {
			s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "cursor", Say: say("The page cursor is not valid; start again from the first page.")})
			return
		}
	}
	out := api.MemberPage{GroupID: id, Members: []api.Member{}, UsersInScope: []string{}}
	for {
		page, err := s.tim.GetGroupMembers(ctx, id, offset, next, s.cfg.MemberDataKeys)
		if tim.CodeOf(err) == 10007 {
			err = errNoProfiles
		}
		if err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		out.Total = page.MemberNum
		for _, m := range page.Members {
			out.Scanned++
			if query != "" && !strings.Contains(strings.ToLower(m.MemberAccount), query) && !strings.Contains(strings.ToLower(m.NameCard), query) {
				continue
			}
			userInScope := allMembers
			if !allMembers {
				var err error
				if userInScope, err = c.SeesUser(ctx, s.members, m.MemberAccount); err != nil {
					s.writeAPIError(w, r, err)
					return
				}
			}
			if userInScope {
				out.UsersInScope = append(out.UsersInScope, m.MemberAccount)
			}
			out.Members = append(out.Members, memberFromTim(m))
		}
		switch {
		case page.Next != "":
			next = page.Next
			out.NextCursor = "n:" + next
		case next == "" && offset+len(page.Members) < page.MemberNum && len(page.Members) > 0:
			offset += len(page.Members)
			out.NextCursor = strconv.Itoa(offset)
		default:
			out.NextCursor = ""
		}
		if query == "" || out.NextCursor == "" || out.Scanned >= membersScanned || len(out.Members) >= membersPerSearchPage {
			break
		}
	}
	if query == "" {
		out.Scanned = 0
	}
	ids := make([]string, len(out.Members))
	for i, m := range out.Members {
		ids[i] = m.ID
	}
	if len(ids) > 0 {
		nicks, err := s.tim.Nicknames(ctx, ids)
		if err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		for i := range out.Members {
			out.Members[i].Nick = nicks[out.Members[i].ID]
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// groupMembersRestorer puts a member's profile back: role, name card, the
// mute that is left of it (or none), and the custom data.
var groupMembersRestorer = restorer[api.MemberProfile]{
	fam:    groupMembers,
	action: api.ActionGroupMembersRestore,
	plan: func(s *Server, t access.Target, now, want api.MemberProfile) ([]step[api.MemberProfile], error) {
		c := api.MemberChange{}
		if want.Role != now.Role && want.Role != api.MemberOwner && now.Role != api.MemberOwner {
			c.Role = &want.Role
		}
		if want.NameCard != now.NameCard {
			c.NameCard = &want.NameCard
		}
		if want.MutedForever != now.MutedForever || !sameTime(want.MutedUntil, now.MutedUntil) {
			var secs int64
			switch {
			case want.MutedForever:
				secs = api.MuteForever
			case want.MutedUntil != nil && want.MutedUntil.After(s.now()):
				secs = api.MuteSecondsUntil(*want.MutedUntil, s.now())
			}
			c.Mute = &api.Mute{Seconds: &secs}
		}
		for _, d := range now.Data {
			if !slices.ContainsFunc(want.Data, func(a api.Attr) bool { return a.Key == d.Key }) {
				c.Data = append(c.Data, api.Attr{Key: d.Key})
			}
		}
		for _, d := range want.Data {
			if !slices.Contains(now.Data, d) {
				c.Data = append(c.Data, d)
			}
		}
		return s.planMember(t, c)(now)
	},
}

func sameTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}
