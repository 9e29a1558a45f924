package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/tim"
)

// groupIndex is the list of the app's groups with their names, types and
// member counts, for the finder. Tencent allows one get_appid_group_list a
// second, so the list is kept for a while instead of being fetched per
// search; a group created meanwhile appears at the next refresh, and
// GET /groups/{id} always asks Tencent.
type groupIndex struct {
	tim *tim.Client
	now func() time.Time
	ttl time.Duration

	mu      sync.Mutex // held while refreshing, so one refresh serves all waiting callers
	groups  []api.Group
	fetched time.Time
}

const groupIndexTTL = 30 * time.Second

// list returns every group, refreshing the index when it is stale.
func (x *groupIndex) list(ctx context.Context) ([]api.Group, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.groups != nil && x.now().Sub(x.fetched) < x.ttl {
		return x.groups, nil
	}
	var ids []string
	var next uint64
	for {
		page, err := x.tim.GetAppIDGroupList(ctx, tim.GetAppIDGroupListRequest{Next: next})
		if err != nil {
			return nil, err
		}
		for _, g := range page.GroupIDList {
			ids = append(ids, g.GroupID)
		}
		if next = page.Next; next == 0 {
			break
		}
	}
	groups := make([]api.Group, 0, len(ids))
	for chunk := range slices.Chunk(ids, 50) {
		info, err := x.tim.GetGroupInfo(ctx, tim.GetGroupInfoRequest{GroupIDList: chunk,
			ResponseFilter: &tim.ResponseFilter{GroupBaseInfoFilter: []string{"Type", "Name", "MemberNum"}}})
		if err != nil {
			return nil, err
		}
		for _, gi := range info.GroupInfo {
			if gi.ErrorCode == 0 {
				groups = append(groups, groupFromInfo(gi))
			}
		}
	}
	x.groups, x.fetched = groups, x.now()
	return groups, nil
}

// forget drops the cached list, e.g. after a test changes the groups.
func (x *groupIndex) forget() {
	x.mu.Lock()
	x.groups = nil
	x.mu.Unlock()
}

func groupFromInfo(gi tim.GroupInfo) api.Group {
	return api.Group{ID: gi.GroupID, Type: gi.Type, Name: gi.Name, MemberCount: gi.MemberNum, Operations: api.OperationsFor(gi.Type)}
}

const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// handleGroups serves GET /api/v1/groups?query=&type=&cursor=&limit=: the
// groups the caller may see whose ID or name contains the query
// (case-insensitively), of the given type, a page at a time.
func (s *Server) handleGroups(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	q := r.URL.Query()
	query := strings.ToLower(strings.TrimSpace(q.Get("query")))
	typ := q.Get("type")
	offset, limit := 0, defaultPageSize
	if v := q.Get("cursor"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "cursor", Message: "The page cursor is not valid; start again from the first page."})
			return
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "limit", Message: "The page size must be 1 to 100."})
			return
		}
		limit = n
	}
	all, err := s.groups.list(r.Context())
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	var match []api.Group
	hidden := 0
	for _, g := range all {
		if typ != "" && !sameGroupType(g.Type, typ) {
			continue
		}
		if query != "" && !strings.Contains(strings.ToLower(g.ID), query) && !strings.Contains(strings.ToLower(g.Name), query) {
			continue
		}
		if !c.SeesGroup(g.ID) {
			hidden++ // counted, never named: the moderator learns only that the scope hides some
			continue
		}
		g.CanEdit = c.Writes(access.GroupAttributes)
		match = append(match, g)
	}
	page := api.GroupPage{Groups: []api.Group{}, Total: len(match), Hidden: hidden}
	if offset < len(match) {
		end := min(offset+limit, len(match))
		page.Groups = match[offset:end]
		if end < len(match) {
			page.NextCursor = strconv.Itoa(end)
		}
	}
	writeJSON(w, http.StatusOK, page)
}

// sameGroupType treats the old and new names of a type alike.
func sameGroupType(a, b string) bool {
	canon := func(t string) string {
		switch t {
		case "Work":
			return "Private"
		case "Meeting":
			return "ChatRoom"
		}
		return t
	}
	return canon(a) == canon(b)
}

// groupInfo fetches one group from Tencent.
func (s *Server) groupInfo(ctx context.Context, id string) (*api.Group, error) {
	info, err := s.tim.GetGroupInfo(ctx, tim.GetGroupInfoRequest{GroupIDList: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(info.GroupInfo) != 1 || info.GroupInfo[0].ErrorCode != 0 {
		return nil, newError(http.StatusNotFound, api.CodeNotFound, "This group does not exist or has been dismissed.")
	}
	g := groupFromInfo(info.GroupInfo[0])
	return &g, nil
}

// handleGroup serves GET /api/v1/groups/{groupID}.
func (s *Server) handleGroup(w http.ResponseWriter, r *http.Request) {
	ctx, c, id := r.Context(), callerOf(r.Context()), r.PathValue("groupID")
	if err := s.authorizeRead(ctx, c, access.Group(id)); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	g, err := s.groupInfo(ctx, id)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	g.CanEdit = c.Writes(access.GroupAttributes) // in scope: authorizeRead said so
	writeJSON(w, http.StatusOK, g)
}
