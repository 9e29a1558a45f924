package server

import (
	"context"
	"net/http"
	"slices"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/tim"
)

// Users: finding the user whose data a moderator opens (conversation
// groups now, friend lists next). A user is checked with Tencent
// (account_check) and shown with their nickname (portrait_get); a group's
// members are listed for picking (handleGroupMembers), of which the picker
// shows those the caller may open as users.

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
	if !s.mayRead(w, r, access.User(id)) {
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
