package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/tim"
)

// Users: finding the user whose data a moderator opens (conversation
// groups now, friend lists next). A user is checked with Tencent
// (account_check) and shown with their nickname (portrait_get); a group's
// members are listed for picking, only those the caller may see.

// errNoSuchUser answers a user ID Tencent does not know.
func errNoSuchUser(id string) *httpError {
	return newError(http.StatusNotFound, api.CodeNotFound, "There is no user %q in this app.", id)
}

// userExists asks Tencent whether the user has been imported.
func (s *Server) userExists(ctx context.Context, id string) (bool, error) {
	st, err := s.tim.AccountCheck(ctx, []string{id})
	if err != nil {
		return false, err
	}
	return len(st) == 1 && st[0].ResultCode == 0 && st[0].AccountStatus == "Imported", nil
}

// handleUser serves GET /api/v1/users/{userID}: the user, if Tencent knows
// them and the caller may see them, with their nickname.
func (s *Server) handleUser(w http.ResponseWriter, r *http.Request) {
	ctx, c, id := r.Context(), callerOf(r.Context()), r.PathValue("userID")
	if err := s.authorizeRead(ctx, c, access.User(id)); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	ok, err := s.userExists(ctx, id)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	if !ok {
		s.writeAPIError(w, r, errNoSuchUser(id))
		return
	}
	nicks, err := s.tim.Nicknames(ctx, []string{id})
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	// In scope (authorizeRead said so): the role decides.
	writeJSON(w, http.StatusOK, api.UserInfo{ID: id, Nick: nicks[id], CanEdit: c.Writes(access.ConvGroups)})
}

// handleGroupMembers serves GET /api/v1/groups/{groupID}/members?cursor=:
// a page of a group's members (Tencent's get_group_member_info, 100 a
// page), to pick a user from. Every member is listed when the caller's
// scope is everything or the group's members; for a group the caller sees
// only as a group, the members the caller may see some other way (listed
// users, members of another group). Any other group is refused.
func (s *Server) handleGroupMembers(w http.ResponseWriter, r *http.Request) {
	ctx, c, id := r.Context(), callerOf(r.Context()), r.PathValue("groupID")
	if err := api.CheckGroupID(id); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	allMembers := c.SeesEverything() || slices.Contains(c.Scope.MembersOf, id)
	if !allMembers && !c.SeesGroup(id) {
		s.writeAPIError(w, r, errNotVisible(access.KindGroup))
		return
	}
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
	page, err := s.tim.GetGroupMembers(ctx, id, offset, next)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out := api.MemberPage{GroupID: id, Members: []api.Member{}, Total: page.MemberNum}
	var ids []string
	for _, m := range page.Members {
		if !allMembers {
			ok, err := c.SeesUser(ctx, s.members, m.Account)
			if err != nil {
				s.writeAPIError(w, r, err)
				return
			}
			if !ok {
				continue
			}
		}
		out.Members = append(out.Members, api.Member{ID: m.Account, Role: m.Role})
		ids = append(ids, m.Account)
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
	switch {
	case page.Next != "":
		out.NextCursor = "n:" + page.Next
	case next == "" && offset+len(page.Members) < page.MemberNum && len(page.Members) > 0:
		out.NextCursor = strconv.Itoa(offset + len(page.Members))
	}
	writeJSON(w, http.StatusOK, out)
}

// groupNames returns the names of groups by ID, asking get_group_info 50
// groups a call; a group that no longer exists has no name.
func (s *Server) groupNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for chunk := range slices.Chunk(ids, 50) {
		info, err := s.tim.GetGroupInfo(ctx, tim.GetGroupInfoRequest{GroupIDList: chunk,
			ResponseFilter: &tim.ResponseFilter{GroupBaseInfoFilter: []string{"Name"}}})
		if err != nil {
			return nil, err
		}
		for _, gi := range info.GroupInfo {
			if gi.ErrorCode == 0 {
				out[gi.GroupID] = gi.Name
			}
		}
	}
	return out, nil
}
