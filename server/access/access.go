// Package access holds imdesk's permission rules: who may see and who may
// change which group or user, per role and per family of data. The storage
// adapter keeps accounts; the HTTP layer asks this package; neither decides.
//
// The rules:
//   - A viewer reads what is in its scope and changes nothing.
//   - A moderator reads and changes what is in its scope.
//   - An admin reads and changes everything, whatever scope is stored.
//   - A group is in scope when the scope is everything or lists the group.
//   - A user is in scope when the scope is everything, lists the user, or
//     lists a group the user is a member of ("members of"). Membership is
//     Tencent's, asked through Members (the server caches the answers).
package access

import (
	"context"
	"slices"

	"github.com/imdesk/imdesk/server/api"
)

// Family is a kind of data the panel changes; each has its own pages, API
// routes and audit actions.
type Family string

// The families.
const (
	Attributes   Family = "group-attributes"
	ConvGroups   Family = "conversation-groups"
	FriendLists  Family = "friend-lists"
	GroupMembers Family = "group-members"
)

// Kind says what a family's data belongs to.
type Kind string

// Target kinds.
const (
	KindGroup  Kind = "group"
	KindUser   Kind = "user"
	KindMember Kind = "member" // a user as a member of one group: their profile in it
)

// Of returns the kind of target the family's changes are made to.
func (f Family) Of() Kind {
	switch f {
	case Attributes:
		return KindGroup
	case GroupMembers:
		return KindMember
	}
	return KindUser
}

// Target is what a change is made to: a group, a user, or a user as a
// member of a group (ID the group, Member the user).
type Target struct {
	Kind   Kind
	ID     string
	Member string
}

// Group, User and GroupMember make targets.
func Group(id string) Target                { return Target{Kind: KindGroup, ID: id} }
func User(id string) Target                 { return Target{Kind: KindUser, ID: id} }
func GroupMember(group, user string) Target { return Target{Kind: KindMember, ID: group, Member: user} }

// Name is the target as the audit log records it: the group's or the
// user's ID, and for a member the group's ID and the user's joined by a
// space, which neither a group ID nor a user ID may hold at either end.
func (t Target) Name() string {
	if t.Kind == KindMember {
		return t.ID + " " + t.Member
	}
	return t.ID
}

// Key identifies the target among targets of every kind: changes to one
// key are made one at a time.
func (t Target) Key() string { return string(t.Kind) + ":" + t.Name() }

// Members tells whether a user is a member of a group.
type Members interface {
	IsMember(ctx context.Context, groupID, userID string) (bool, error)
}

// Principal is the panel account a request is made by.
type Principal struct {
	Name  string
	Role  string
	Scope api.Scope
}

// SeesEverything reports whether no scope limits the principal.
func (p *Principal) SeesEverything() bool { return p.Role == api.RoleAdmin || p.Scope.All }

// SeesGroup reports whether the principal may see the group (and, in the
// group attributes family, its attributes).
func (p *Principal) SeesGroup(groupID string) bool {
	return p.SeesEverything() || slices.Contains(p.Scope.Groups, groupID)
}

// SeesUser reports whether the principal may see the user: listed, or a
// member of a group whose members are in scope. Only then is Tencent asked,
// a group at a time, stopping at the first yes.
func (p *Principal) SeesUser(ctx context.Context, m Members, userID string) (bool, error) {
	if p.SeesEverything() || slices.Contains(p.Scope.Users, userID) {
		return true, nil
	}
	for _, g := range p.Scope.MembersOf {
		ok, err := m.IsMember(ctx, g, userID)
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// SeesMembersOf reports whether the principal may see the members of the
// group: the group itself or its members are in scope.
func (p *Principal) SeesMembersOf(groupID string) bool {
	return p.SeesGroup(groupID) || slices.Contains(p.Scope.MembersOf, groupID)
}

// Sees reports whether the principal may see the target.
func (p *Principal) Sees(ctx context.Context, m Members, t Target) (bool, error) {
	switch t.Kind {
	case KindGroup:
		return p.SeesGroup(t.ID), nil
	case KindMember:
		return p.SeesMembersOf(t.ID), nil
	}
	return p.SeesUser(ctx, m, t.ID)
}

// Writes reports whether the principal's role may change data of the
// family at all, before its scope is looked at.
func (p *Principal) Writes(f Family) bool {
	switch p.Role {
	case api.RoleAdmin:
		return true
	case api.RoleModerator:
		return f == Attributes || f == ConvGroups || f == FriendLists || f == GroupMembers
	}
	return false
}

// CanChange reports whether the principal may change the family's data of
// the target: its role writes the family and the target is in its scope.
func (p *Principal) CanChange(ctx context.Context, m Members, f Family, t Target) (bool, error) {
	if !p.Writes(f) {
		return false, nil
	}
	return p.Sees(ctx, m, t)
}

// Administers reports whether the principal manages panel accounts and the
// panel itself (accounts, health, audit verification): admins only.
func (p *Principal) Administers() bool { return p.Role == api.RoleAdmin }
