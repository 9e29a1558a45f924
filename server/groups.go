package server

import (
	"context"
	"encoding/base64"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/groupindex"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
)

func groupFromInfo(gi tim.GroupInfo) api.Group {
	return api.Group{ID: gi.GroupID, Type: gi.Type, Name: gi.Name, MemberCount: gi.MemberNum, Operations: api.OperationsFor(gi.Type)}
}

const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// handleGroups serves GET /api/v1/groups?query=&type=&key=&value=&cursor=&limit=:
// the groups the caller may see whose name contains the query (in any
// script, any case) or whose ID starts with it, of the given type, whose
// value of a described key is value (as the index last read it: see
// groupFilter), a page at a time in ID order. It reads the panel's index of the groups, never the
// whole list from Tencent; only an exact group ID the index does not hold
// yet is asked of Tencent, and then added.
func (s *Server) handleGroups(w http.ResponseWriter, r *http.Request) {
	ctx, c := r.Context(), callerOf(r.Context())
	q := r.URL.Query()
	query := strings.TrimSpace(q.Get("query"))
	search := sqlite.GroupSearch{Text: query, Limit: defaultPageSize}
	if typ := q.Get("type"); typ != "" {
		search.Types = groupTypeNames(typ)
	}
	attr, err := s.groupFilter(ctx, q.Get("key"), q.Get("value"), q.Has("key") || q.Has("value"))
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	search.Attr = attr
	if v := q.Get("cursor"); v != "" {
		after, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || len(after) == 0 {
			s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "cursor", Say: say("The page cursor is not valid; start again from the first page.")})
			return
		}
		search.After = string(after)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "limit", Say: say("The page size must be 1 to 100.")})
			return
		}
		search.Limit = n
	}
	if !c.SeesEverything() {
		search.Only = append([]string{}, c.Scope.Groups...)
	}
	limit := search.Limit
	search.Limit++ // one more says whether there is a next page
	found, total, err := s.db.SearchGroups(ctx, search)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	if search.After == "" && s.index.MayLookUp(query) && c.SeesGroup(query) && !slices.ContainsFunc(found, func(g sqlite.IndexedGroup) bool { return g.ID == query }) {
		// An exact ID works before the index has it.
		g, err := s.index.Lookup(ctx, query)
		if err != nil {
			// The index's answer still stands; Tencent is asked again at
			// the next search.
			s.log.Warn("finder: look up an exact group ID", "group", query, "err", err)
		}
		if g != nil {
			if found, total, err = s.db.SearchGroups(ctx, search); err != nil {
				s.writeAPIError(w, r, err)
				return
			}
		}
	}
	// Matches outside the caller's scope are not counted, nor even looked
	// for: a count or a "some are hidden" flag that follows the query lets
	// a moderator learn other groups' names a character at a time (悦 → 1
	// hidden, 悦X → 0). The answer depends only on the groups in scope;
	// ScopeLimited is the same for every query the account makes.
	page := api.GroupPage{Groups: []api.Group{}, Total: total, Index: s.index.Status(), ScopeLimited: search.Only != nil}
	if total > sqlite.MaxCountedMatches {
		page.Total, page.TotalAtLeast = sqlite.MaxCountedMatches, true
	}
	page.Index.CanRefresh = mayRefreshIndex(c)
	for i, g := range found {
		if i == limit {
			page.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(found[i-1].ID))
			break
		}
		page.Groups = append(page.Groups, api.Group{ID: g.ID, Type: g.Type, Name: g.Name, MemberCount: g.MemberCount,
			Operations: api.OperationsFor(g.Type), CanEdit: c.Writes(access.Attributes)})
	}
	writeJSON(w, http.StatusOK, page)
}

// groupFilter is the finder's filter by the value of a described key, nil
// when the query asks for none. The index keeps the values of the
// described keys of yes/no and one of a list (api.IndexedKeys), as the
// crawler last read them or a change through the panel left them; a key
// of another type, or one not described, cannot be asked.
func (s *Server) groupFilter(ctx context.Context, key, value string, asked bool) (*api.Attr, error) {
	if !asked {
		return nil, nil
	}
	if key == "" {
		return nil, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "key", Say: say("Choose the key whose value the groups have.")}
	}
	described, err := s.db.Described(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(api.IndexedKeys(described), key) {
		return nil, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "key",
			Say: say("Groups can be found by the value of a described key of yes/no or of a list of choices only.")}
	}
	if fe := api.CheckValue(described[key], "value", value, nil); fe != nil {
		return nil, fe
	}
	return &api.Attr{Key: key, Value: value}, nil
}

// mayRefreshIndex: admins and moderators may ask for a new reading of the
// group list; viewers only look.
func mayRefreshIndex(c *caller) bool { return c.Role == api.RoleAdmin || c.Role == api.RoleModerator }

// handleRefreshGroups serves POST /api/v1/groups/refresh: start reading the
// group list now instead of at the next scheduled round. At most one
// request every five minutes is honoured, and none while a reading runs.
func (s *Server) handleRefreshGroups(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	if !mayRefreshIndex(c) {
		s.writeAPIError(w, r, errViewerReadOnly)
		return
	}
	retryAt, err := s.index.Refresh(r.Context())
	switch {
	case errors.Is(err, groupindex.ErrRefreshRunning):
		s.writeAPIError(w, r, newError(http.StatusConflict, api.CodeConflict, "The group list is being read now."))
		return
	case errors.Is(err, groupindex.ErrRefreshTooSoon):
		wait := int(math.Ceil(retryAt.Sub(s.now()).Seconds()))
		s.writeAPIError(w, r, &httpError{Status: http.StatusTooManyRequests, Code: api.CodeRateLimited, RetryAfter: max(wait, 1),
			Say: say("The group list was refreshed moments ago; it can be refreshed again at %s.", retryAt.UTC().Format("15:04 UTC"))})
		return
	case err != nil:
		s.writeAPIError(w, r, err)
		return
	}
	st := s.index.Status()
	st.CanRefresh = true
	writeJSON(w, http.StatusAccepted, st)
}

// groupTypeNames lists a type's old and new names alike.
func groupTypeNames(t string) []string {
	switch t {
	case "Private", "Work":
		return []string{"Private", "Work"}
	case "ChatRoom", "Meeting":
		return []string{"ChatRoom", "Meeting"}
	}
	return []string{t}
}

// groupInfo fetches one group from Tencent: only what api.Group shows.
// Without a filter get_group_info answers every member too — a 100,000
// member list on each read of a member's profile or a Clear.
func (s *Server) groupInfo(ctx context.Context, id string) (*api.Group, error) {
	info, err := s.tim.GetGroupInfo(ctx, tim.GetGroupInfoRequest{GroupIDList: []string{id},
		ResponseFilter: &tim.ResponseFilter{GroupBaseInfoFilter: []string{"Type", "Name", "MemberNum"}}})
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
	if !s.mayRead(w, r, access.Group(id)) {
		return
	}
	g, err := s.groupInfo(ctx, id)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	g.CanEdit = c.Writes(access.Attributes) // in scope: authorizeRead said so
	writeJSON(w, http.StatusOK, g)
}
