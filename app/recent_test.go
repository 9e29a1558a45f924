package main

import (
	"fmt"
	"testing"
)

func TestRememberPutsFirstOnceAndKeepsRecentMax(t *testing.T) {
	f := newFakeAPI(t)
	for i := range recentMax + 2 {
		remember(f.ctx, recentUsersKey, recentUser{ID: fmt.Sprint("u", i)})
	}
	remember(f.ctx, recentUsersKey, recentUser{ID: "u3", Nick: "Three"})
	list := recentList[recentUser](f.ctx, recentUsersKey)
	if len(list) != recentMax || list[0] != (recentUser{ID: "u3", Nick: "Three"}) || list[1].ID != "u7" {
		t.Errorf("%v", list)
	}
	for i, u := range list {
		for _, v := range list[i+1:] {
			if u.ID == v.ID {
				t.Errorf("%s twice in %v", u.ID, list)
			}
		}
	}
	if groups := recentList[recentGroup](f.ctx, recentGroupsKey); len(groups) != 0 {
		t.Errorf("groups %v", groups)
	}
}
