package main

import "testing"

// Only the reading pages' loads are kept on the device, never an
// administrator's page, the session, a later page of a list, or a change.
func TestKeptOnlyWhereSafe(t *testing.T) {
	for _, c := range []struct {
		route, path string
		kept        bool
	}{
		{pathGroups, "/api/v1/groups?query=trail", true},
		{pathGroups, "/api/v1/groups?", true},
		{pathGroups, "/api/v1/groups?cursor=abc&query=trail", false},
		{pathGroup, groupPath("@TGS#_trailhead"), true},
		{pathGroup, groupPath("@TGS#_trailhead") + "/attributes", true},
		{pathConvGroups, userPath("alice"), true},
		{pathConvGroups, userPath("alice") + "/conversation-groups", true},
		{pathFriendLists, userPath("alice") + "/friend-lists", true},
		{pathFriendLists, "/api/v1/users?query=ali", false},
		{pathAudit, "/api/v1/audit?action=x", true},
		{pathAudit, "/api/v1/audit?cursor=9", false},
		{pathAudit, groupPath("g1"), true},
		{pathAccounts, "/api/v1/accounts", false},
		{pathAccounts, userPath("alice"), false},
		{pathHealth, "/api/v1/health", false},
		{pathGroupMembers, groupPath("g1"), false},
		{pathBulk, "/api/v1/bulk-changes", false},
		{pathGroups, "/api/v1/session", false},
		{pathGroups, "/api/v1/version", false},
		{pathGroup, groupPath("g1") + "/members", false},
	} {
		if got := keepable(c.route, c.path); got != c.kept {
			t.Errorf("keepable(%s, %s) = %v, want %v", c.route, c.path, got, c.kept)
		}
	}
}
