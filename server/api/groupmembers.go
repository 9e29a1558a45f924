package api

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Group members: a member's profile in a group (Tencent's
// get_group_member_info, get_specified_group_member_info and
// modify_group_member_info) — role, name card, mute and the app's
// member-level custom data. Choices where Tencent's pages are silent are
// written in server/timmock/doc.go; the limits here are Tencent's.
const (
	MaxNameCardBytes        = 50  // NameCard
	MaxMemberDataKeys       = 5   // member-level custom fields an app may define
	MaxMemberDataKeyBytes   = 15  // a key: letters, digits and _, under 16 bytes
	MaxMemberDataValueBytes = 64  // a member-level custom value
	MaxMembersPerChange     = 200 // members one batch request changes (each its own call)
	// MuteForever is Tencent's mute of 4294967295 seconds: until unmuted.
	MuteForever = 4294967295
)

// Members' roles in a group, as Tencent names them.
const (
	MemberOwner  = "Owner"
	MemberAdmin  = "Admin"
	MemberMember = "Member"
)

// Member is one member of a group: to pick a user from, and as the members
// page lists them.
type Member struct {
	ID           string     `json:"id"`
	Nick         string     `json:"nick,omitempty"`
	Role         string     `json:"role"`
	NameCard     string     `json:"nameCard,omitempty"`
	Joined       *time.Time `json:"joined,omitempty"`
	MutedUntil   *time.Time `json:"mutedUntil,omitempty"` // absent: not muted
	MutedForever bool       `json:"mutedForever,omitempty"`
	Data         []Attr     `json:"data,omitempty"` // member-level custom data
}

// MemberPage is a page of a group's members: every member, since a group
// in the caller's scope, or its members, puts each member's profile in
// it in scope.
type MemberPage struct {
	GroupID    string   `json:"groupId"`
	Members    []Member `json:"members"`
	NextCursor string   `json:"nextCursor,omitempty"`
	Total      int      `json:"total"` // members of the group
	// Scanned, for a search, is how many members were looked at for this
	// page; the search goes on from NextCursor.
	Scanned int `json:"scanned,omitempty"`
	// UsersInScope are the members of this page whose own data (their
	// conversation groups and friend lists) the caller may open too: all
	// of them for a scope of everything or of the group's members, else
	// those the scope reaches some other way (listed users, members of
	// another group). The user picker lists only these.
	UsersInScope []string `json:"usersInScope"`
}

// MemberProfile is one member's profile in one group: the group members
// family's state. DataKeys are the custom fields the app defines, which
// can be set.
type MemberProfile struct {
	GroupID   string `json:"groupId"`
	GroupType string `json:"groupType"`
	Member
	DataKeys []string `json:"dataKeys"`
	Version  string   `json:"version"`
}

// Mute mutes a member for Seconds (0 unmutes; MuteForever: until
// unmuted) or until a time: one of the two.
type Mute struct {
	Seconds *int64     `json:"seconds,omitempty"`
	Until   *time.Time `json:"until,omitempty"`
}

// MemberChange is the body of PATCH /api/v1/groups/{groupID}/members/{userID}:
// the fields given are changed. Data sets custom values ("" clears one).
type MemberChange struct {
	Role     *string `json:"role,omitempty"`
	NameCard *string `json:"nameCard,omitempty"`
	Mute     *Mute   `json:"mute,omitempty"`
	Data     []Attr  `json:"data,omitempty"`
}

// MembersChange is the body of POST /api/v1/groups/{groupID}/members: the
// same role or mute for several members, each its own change.
type MembersChange struct {
	Members []string `json:"members" api:"required"`
	Role    *string  `json:"role,omitempty"`
	Mute    *Mute    `json:"mute,omitempty"`
}

// MembersChanged answers a MembersChange: a row per member.
type MembersChanged struct {
	GroupID string       `json:"groupId"`
	Results []ItemResult `json:"results"`
}

// CheckMemberDataKey validates a member-level custom key: letters, digits
// and _, under 16 bytes, as Tencent's console allows.
func CheckMemberDataKey(field, key string) *FieldError {
	if key == "" || len(key) > MaxMemberDataKeyBytes {
		return fieldErr(field, "A member's custom key is 1 to %d bytes of letters, digits and _.", MaxMemberDataKeyBytes)
	}
	for _, r := range key {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fieldErr(field, "A member's custom key is 1 to %d bytes of letters, digits and _.", MaxMemberDataKeyBytes)
		}
	}
	return nil
}

func checkRole(field string, role *string) *FieldError {
	if role != nil && *role != MemberAdmin && *role != MemberMember {
		return fieldErr(field, "A member's role can be set to %q or %q; the owner's cannot be changed here.", MemberAdmin, MemberMember)
	}
	return nil
}

func checkMute(field string, m *Mute) *FieldError {
	switch {
	case m == nil:
		return nil
	case (m.Seconds == nil) == (m.Until == nil):
		return fieldErr(field, "Give either how many seconds to mute for (0 to unmute) or until when, not both.")
	case m.Seconds != nil && (*m.Seconds < 0 || *m.Seconds > MuteForever):
		return fieldErr(field+".seconds", "A mute is 0 to %d seconds.", int64(MuteForever))
	}
	return nil
}

// Validate checks a member's change on its own; Apply checks it against
// the profile.
func (c MemberChange) Validate() *FieldError {
	if c.Role == nil && c.NameCard == nil && c.Mute == nil && len(c.Data) == 0 {
		return fieldErr("role", "There is nothing to change.")
	}
	if err := checkRole("role", c.Role); err != nil {
		return err
	}
	if c.NameCard != nil {
		if len(*c.NameCard) > MaxNameCardBytes {
			return fieldErr("nameCard", "The name card is %d bytes; the limit is %d.", len(*c.NameCard), MaxNameCardBytes)
		}
		if *c.NameCard != "" {
			if err := CheckName("nameCard", Say("The name card"), *c.NameCard); err != nil {
				return err
			}
		}
	}
	if err := checkMute("mute", c.Mute); err != nil {
		return err
	}
	for i, d := range c.Data {
		f := fmt.Sprintf("data[%d]", i)
		if err := CheckMemberDataKey(f+".key", d.Key); err != nil {
			return err
		}
		if slices.ContainsFunc(c.Data[:i], func(a Attr) bool { return a.Key == d.Key }) {
			return fieldErr(f+".key", "Key %q appears twice.", d.Key)
		}
		if len(d.Value) > MaxMemberDataValueBytes {
			return fieldErr(f+".value", "The value of %q is %d bytes; the limit is %d.", d.Key, len(d.Value), MaxMemberDataValueBytes)
		}
		if err := CheckText(f+".value", Say("The value of %q", d.Key), d.Value); err != nil {
			return err
		}
	}
	return nil
}

// Apply checks the change against the member's profile (the owner's role,
// a group type without admins or mutes, keys the app does not define) and
// returns the profile after it, now being the time of the change.
func (c MemberChange) Apply(p MemberProfile, now time.Time) (MemberProfile, *FieldError) {
	if err := c.Validate(); err != nil {
		return p, err
	}
	after := p
	after.Data = slices.Clone(p.Data)
	if c.Role != nil && *c.Role != p.Role {
		switch {
		case p.Role == MemberOwner:
			return p, fieldErr("role", "%s is the group's owner; the owner's role cannot be changed.", p.ID)
		case *c.Role == MemberAdmin && !GroupHasAdmins(p.GroupType):
			return p, fieldErr("role", "A %s group has no admins.", p.GroupType)
		}
		after.Role = *c.Role
	}
	if c.NameCard != nil {
		after.NameCard = *c.NameCard
	}
	if c.Mute != nil {
		if !GroupMutes(p.GroupType) {
			return p, fieldErr("mute", "Members of a %s group cannot be muted.", p.GroupType)
		}
		secs, err := c.Mute.seconds(now)
		if err != nil {
			return p, err
		}
		after.MutedUntil, after.MutedForever = nil, false
		switch secs {
		case 0:
		case MuteForever:
			after.MutedForever = true
		default:
			until := time.Unix(now.Unix()+secs, 0).UTC()
			after.MutedUntil = &until
		}
	}
	for i, d := range c.Data {
		if !slices.Contains(p.DataKeys, d.Key) {
			return p, fieldErr(fmt.Sprintf("data[%d].key", i), "%q is not one of this app's member custom fields (%v).", d.Key, p.DataKeys)
		}
		after.Data = slices.DeleteFunc(after.Data, func(a Attr) bool { return a.Key == d.Key })
		if d.Value != "" {
			after.Data = append(after.Data, d)
		}
	}
	slices.SortFunc(after.Data, func(a, b Attr) int { return strings.Compare(a.Key, b.Key) })
	return after, nil
}

// Seconds is the mute in seconds Tencent takes, now being the time of the
// change.
func (m Mute) seconds(now time.Time) (int64, *FieldError) {
	if m.Seconds != nil {
		return *m.Seconds, nil
	}
	secs := MuteSecondsUntil(*m.Until, now)
	switch {
	case secs < 1:
		return 0, fieldErr("mute.until", "The end of the mute is in the past; choose a later time, or unmute.")
	case secs >= MuteForever:
		return 0, fieldErr("mute.until", "A mute can last until %s at the latest (about 136 years from now); choose an earlier time, or mute until unmuted.",
			now.Add((MuteForever-1)*time.Second).UTC().Format("2006-01-02"))
	}
	return secs, nil
}

// MuteSeconds is the mute Tencent takes for m at now.
func MuteSeconds(m Mute, now time.Time) (int64, *FieldError) { return m.seconds(now) }

// MuteSecondsUntil is the mute in seconds that ends at until, sent at now.
// Tencent adds it to its clock in whole seconds (MuteUntil is Unix
// seconds), so it is the difference of the two in whole seconds: rounding
// the exact duration instead ended the mute a second early whenever now
// was past the middle of its second (09:59:59 for 10:00).
func MuteSecondsUntil(until, now time.Time) int64 { return until.Unix() - now.Unix() }

// Validate checks a batch on its own.
func (c MembersChange) Validate() *FieldError {
	switch {
	case len(c.Members) == 0:
		return fieldErr("members", "Choose at least one member.")
	case len(c.Members) > MaxMembersPerChange:
		return fieldErr("members", "At most %d members at a time; there are %d.", MaxMembersPerChange, len(c.Members))
	case c.Role == nil && c.Mute == nil:
		return fieldErr("role", "There is nothing to change.")
	}
	for i, id := range c.Members {
		if err := CheckUserID(id); err != nil {
			return err.At(fmt.Sprintf("members[%d]", i))
		}
		if slices.Contains(c.Members[:i], id) {
			return fieldErr(fmt.Sprintf("members[%d]", i), "%s is listed twice.", id)
		}
	}
	if err := checkRole("role", c.Role); err != nil {
		return err
	}
	return checkMute("mute", c.Mute)
}

// GroupHasAdmins tells whether a group type has the Admin role: Public,
// Meeting (ChatRoom) and Community do; Work (Private) and AVChatRoom do
// not.
func GroupHasAdmins(groupType string) bool {
	switch groupType {
	case "Public", "Meeting", "ChatRoom", "Community":
		return true
	}
	return false
}

// GroupMutes tells whether a group type's members can be muted: every type
// but Work (Private).
func GroupMutes(groupType string) bool { return groupType != "Work" && groupType != "Private" }

// GroupKeepsProfiles tells whether a group type keeps members' profiles:
// every type but AVChatRoom.
func GroupKeepsProfiles(groupType string) bool { return groupType != "AVChatRoom" }
