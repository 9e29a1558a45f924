package api

import (
	"fmt"
	"slices"
	"strings"
)

// Scope is what a panel account may see and, as a moderator, change: every
// group and user (All), or the listed groups, the members of the listed
// groups, and the listed users. Admins have every scope whatever is stored.
type Scope struct {
	All       bool     `json:"all"`
	Groups    []string `json:"groups"`    // group IDs: the group itself (its attributes)
	MembersOf []string `json:"membersOf"` // group IDs: the users who are members of it (their conversation groups, friend lists)
	Users     []string `json:"users"`     // user IDs
}

// AllScope is the scope entry, on the command line, that means everything.
const AllScope = "*"

// Normalise returns the scope with duplicates removed and lists never nil
// (so it encodes as []). It changes no ID: an ID with a space or a line
// break is refused by Validate, never trimmed into another one.
func (s Scope) Normalise() Scope {
	clean := func(in []string) []string {
		out := []string{}
		for _, v := range in {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		return out
	}
	if s.All {
		return Scope{All: true, Groups: []string{}, MembersOf: []string{}, Users: []string{}}
	}
	return Scope{Groups: clean(s.Groups), MembersOf: clean(s.MembersOf), Users: clean(s.Users)}
}

// Validate checks every ID in the scope.
func (s Scope) Validate() *FieldError {
	for _, list := range []struct {
		field string
		ids   []string
		check func(string) *FieldError
	}{{"scope.groups", s.Groups, CheckGroupID}, {"scope.membersOf", s.MembersOf, CheckGroupID}, {"scope.users", s.Users, CheckUserID}} {
		for i, id := range list.ids {
			if err := list.check(id); err != nil {
				return err.At(fmt.Sprintf("%s[%d]", list.field, i))
			}
		}
	}
	return nil
}

// String says the scope in words: "everything", or "3 groups, members of
// 2 groups, 5 users".
func (s Scope) String() string {
	if s.All {
		return "everything"
	}
	var parts []string
	count := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	if n := len(s.Groups); n > 0 {
		parts = append(parts, count(n, "group", "groups"))
	}
	if n := len(s.MembersOf); n > 0 {
		parts = append(parts, "members of "+count(n, "group", "groups"))
	}
	if n := len(s.Users); n > 0 {
		parts = append(parts, count(n, "user", "users"))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}
