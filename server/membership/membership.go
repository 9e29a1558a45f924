// Package membership answers, for scopes of "members of" a group, whether
// a user is a member of a group, from Tencent, with the answers kept a
// short while.
package membership

import (
	"context"
	"sync"
	"time"

	"github.com/imdesk/imdesk/server/tim"
)

// Cache answers access's "is this user a member of that group?" with
// Tencent's get_role_in_group, one user and one group a call, and keeps
// each answer (yes and no alike) for TTL. A moderator whose scope
// is "members of" a group opens users one at a time, so this costs a call
// or two per user opened, far inside Tencent's 200 calls a second; a user
// who leaves the group drops out of the moderator's reach within the TTL.
//
// A group that no longer exists, or an audio-video group (which Tencent's
// call does not support), has no members as far as scope goes.
type Cache struct {
	tim *tim.Client
	now func() time.Time

	mu      sync.Mutex
	answers map[[2]string]memberAnswer
}

type memberAnswer struct {
	member bool
	at     time.Time
}

const (
	TTL            = 2 * time.Minute
	membershipKeep = 10000 // answers kept at most; expired ones go first
)

// New makes a cache that asks Tencent through c.
func New(c *tim.Client, now func() time.Time) *Cache {
	return &Cache{tim: c, now: now, answers: map[[2]string]memberAnswer{}}
}

// IsMember implements access.Members.
func (m *Cache) IsMember(ctx context.Context, groupID, userID string) (bool, error) {
	// A group without members (gone, or live) is remembered as such for
	// every user: its key has no user.
	for _, key := range [][2]string{{groupID, ""}, {groupID, userID}} {
		if member, ok := m.kept(key); ok {
			return member, nil
		}
	}
	key := [2]string{groupID, userID}
	roles, err := m.tim.GetRoleInGroup(ctx, groupID, []string{userID})
	switch code := tim.CodeOf(err); {
	case code == 10010 || code == 10015 || code == 10007:
		key, err = [2]string{groupID, ""}, nil // no such group, or one without a member list
	case err != nil:
		return false, err
	}
	role := roles[userID]
	member := role != "" && role != tim.RoleNotMember
	m.keep(key, member)
	return member, nil
}

// kept returns a remembered answer that has not expired.
func (m *Cache) kept(key [2]string) (member, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.answers[key]
	if !ok || m.now().Sub(a.at) >= TTL {
		return false, false
	}
	return a.member, true
}

// keep remembers an answer, making room when the map is full.
func (m *Cache) keep(key [2]string, member bool) {
	m.mu.Lock()
	if len(m.answers) >= membershipKeep {
		now := m.now()
		for k, a := range m.answers {
			if now.Sub(a.at) >= TTL {
				delete(m.answers, k)
			}
		}
		if len(m.answers) >= membershipKeep {
			clear(m.answers)
		}
	}
	m.answers[key] = memberAnswer{member: member, at: m.now()}
	m.mu.Unlock()
}
